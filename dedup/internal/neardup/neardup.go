package neardup

// This file holds the Finder, the near-duplicate detector of a scan: it
// sees the articles of one run in input order, reports each article that
// has an earlier near-duplicate, and groups the articles into clusters.
//
// # Clusters
//
// Clusters are built from verified pairs only: LSH proposes candidates,
// and a pair counts only when its exact similarity (from the shingle sets,
// see minhash.Similarity for the measure) reaches the threshold. An
// article joins a cluster by complete linkage: it must be similar to every
// article of that cluster (to every distinct body, up to the first one
// and the nlinkCheck-1 latest ones of large clusters), not just to one of
// them.
// Single linkage would let a chain A~B~C glue unrelated A and C: a page
// that wraps story A with a teaser of story C is similar to both, and so
// is an excerpt that happens to equal the teaser; with single linkage one
// such page merges two whole stories. With complete linkage the wrapper
// joins A's cluster (it is similar to all of A's copies), and the teaser
// cannot pull C's copies in, because they are not similar to A. When an
// article qualifies for several clusters it joins the one holding its
// most similar article. The cost is that an article similar to only part
// of a cluster (a heavily edited copy of a copy) starts a cluster of its
// own: complete linkage splits rather than merges when in doubt.
//
// The article kept for a cluster is its first article in input order;
// every later member gets a near_duplicate hit naming its most similar
// earlier member of the cluster. Hits therefore always point inside the
// cluster, and closing them transitively gives back the clusters.
//
// Articles with identical bodies share one signature and shingle set, so
// a corpus of many copies costs one computation per distinct body.
//
// Exact sets are kept for the last exactBodies distinct bodies only; a
// pair with an older body is verified with the two signatures
// (minhash.Similarity: the estimate the index uses), which every body
// keeps (k + 8 bytes). A run of fewer bodies is verified exactly
// throughout, and a longer one holds a bounded number of sets: what a
// body costs beyond them is its fingerprints (k bytes), its band postings
// (4 bytes a band and 4 a body, and 11 to 21 bytes of the band table per
// new key: see bandTable) and 32 bytes per article and its id.
//
// Each band key's postings are walked newest first, and at most
// maxPostingWalk of them: a story the run carries thousands of times
// proposes its latest copies, not all of them, so that an article costs
// at most Bands·maxPostingWalk verifications however many copies came
// before (and its hit may name a recent copy where an older one is a
// little more similar).

import (
	"cmp"
	"math/bits"
	"slices"
	"strconv"
	"sync"

	"github.com/newsdedup/newsdedup/dedup/internal/fifo"
	"github.com/newsdedup/newsdedup/dedup/internal/minhash"
	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/dedup/internal/radix"
)

// DefaultMinShingles is Options.MinShingles when 0.
const DefaultMinShingles = 3

// nlinkCheck bounds the distinct bodies of a cluster an article is
// compared with before it joins.
const nlinkCheck = 32

// maxPostingWalk bounds the postings of one band key that an article
// meets, newest first.
const maxPostingWalk = 32

// exactBodies is how many of the latest distinct bodies keep their exact
// shingle sets (about 1.6 KB each on news, so about 6.5 MB). Copies of a
// story mostly arrive close together in a crawl, so most pairs are still
// verified exactly; on the x40 benchmark corpus, where the 40 copies of
// each story stand 471 bodies apart, the clusters' pair F1 against the
// stories moves from 0.957 to 0.956 with 4,096 instead of 32,768, and
// the sets stop growing with the run.
const exactBodies = 1 << 12

// Options configure a Finder. The zero value means the defaults.
type Options struct {
	// Threshold is the similarity (see minhash.Similarity) at or above
	// which two articles are near-duplicates; 0 means
	// minhash.DefaultThreshold.
	Threshold float64
	// Signature says how signatures are made (k, shingle size).
	Signature minhash.Options
	// LSHThreshold is the Jaccard similarity the banding is tuned for; 0
	// means minhash.CandidateJaccard(Threshold).
	LSHThreshold float64
	// MaxBands caps the number of LSH bands; 0 means
	// minhash.DefaultMaxBands.
	MaxBands int
	// FalsePositiveWeight and FalseNegativeWeight weigh the LSH error
	// areas; both 0 means 0.5 and 0.5.
	FalsePositiveWeight, FalseNegativeWeight float64
	// MinShingles is the number of distinct shingles an article needs to
	// take part; shorter ones (a line or two) are never near-duplicates.
	// 0 means DefaultMinShingles.
	MinShingles int
}

// Cluster is a group of near-duplicate articles of one run.
type Cluster struct {
	// Kept is the article kept for the cluster: its first article in
	// input order, the one without a near_duplicate hit.
	Kept string
	// Members are the ids of all articles of the cluster, Kept first, in
	// input order.
	Members []string
}

// Finder finds near-duplicates among the articles of one run. Call
// Observe (or Prepare, then ObservePrepared) for each article in input
// order. Observe, ObservePrepared and Clusters are not safe for concurrent
// use; Prepare is.
type Finder struct {
	opts      Options
	preparer  *preparer
	preparers sync.Pool // of *preparer, for Prepare
	lsh       minhash.LSHParams

	bodies []bodyInfo
	// fps holds the k fingerprints of each body, body b's at b·k.
	fps    []uint8
	byHash map[uint64]int32 // body hash -> body
	// Band postings: head.get(key) is the latest posting of the key, and
	// posting p files body posters[p/Bands] (a body files one posting a
	// band, in band order), the previous posting of the key being
	// postNext[p] (-1 at the end).
	head     bandTable
	posters  []int32
	postNext []int32
	// sets holds the exact shingle sets of the latest exactBodies
	// bodies, body b's at b%exactBodies.
	sets     [][]uint32
	arts     []articleInfo
	clusters []clusterInfo

	seen  []uint32 // per body: stamp of the last Observe that met it
	stamp uint32
	// scored holds the similarities the current Observe computed, by
	// body, so that linking to a cluster does not compute them again.
	scored map[int32]float64

	// prepared holds what Prepare made of the last preparedBodies bodies,
	// by body hash: a run that carries one body many times (a crawl's
	// copies of a page) signs it once, and a run of new text keeps no
	// more than that many.
	preparedMu sync.Mutex
	prepared   *fifo.Map[*Body]
}

// preparedBodies bounds the bodies whose preparation a Finder keeps for
// their copies.
const preparedBodies = 4096

// preparer signs bodies for Prepare with its own shingle buffer.
type preparer struct {
	signer   *minhash.Signer
	shingles []uint64
	scratch  []uint64 // the radix sort's
}

type bodyInfo struct {
	// n is the number of distinct shingles (the length of the exact set
	// while sets holds it), size the signature's set size.
	n, size uint32
	first   int32 // first article with this body
	cluster int32 // cluster of the first article, -1 when none
}

type articleInfo struct {
	id   string
	ord  int
	body int32
}

type clusterInfo struct {
	members []int32 // articles, input order
	bodies  []int32 // distinct bodies, in order of arrival
}

// New returns a Finder for the options (nil means the defaults).
func New(opts *Options) (*Finder, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.MinShingles == 0 {
		o.MinShingles = DefaultMinShingles
	}
	o.Signature = o.Signature.WithDefaults()
	signer, err := minhash.NewSigner(&o.Signature)
	if err != nil {
		return nil, err
	}
	lsh, err := minhash.LSHDefaults(&o.Threshold, &o.LSHThreshold, &o.MaxBands, &o.FalsePositiveWeight, &o.FalseNegativeWeight, o.Signature.NumHashes)
	if err != nil {
		return nil, err
	}
	f := &Finder{
		opts: o, preparer: &preparer{signer: signer}, lsh: lsh,
		byHash: map[uint64]int32{},
	}
	f.preparers.New = func() any {
		s, _ := minhash.NewSigner(&f.opts.Signature) // validated above
		return &preparer{signer: s}
	}
	return f, nil
}

// Body is what a Finder needs of an article body: its hash, shingle set
// and band keys. Prepare makes it.
type Body struct {
	hash uint64
	set  []uint32 // sorted distinct shingle hashes, truncated to 32 bits
	sig  minhash.Signature
	keys []uint64
}

// Prepare computes the shingle set and signature of the body of doc, the
// costly part of Observe, so that a scan can prepare articles on several
// goroutines and observe them in order with ObservePrepared. Prepare is
// safe for concurrent use, also with Observe.
func (f *Finder) Prepare(doc *model.Doc) *Body {
	h := doc.BodyKey()
	f.preparedMu.Lock()
	b, _ := f.prepared.Get(h)
	f.preparedMu.Unlock()
	if b != nil {
		return b
	}
	p := f.preparers.Get().(*preparer)
	b = f.prepare(p, doc, h)
	f.preparers.Put(p)
	f.preparedMu.Lock()
	defer f.preparedMu.Unlock()
	if _, ok := f.prepared.Get(h); ok {
		return b
	}
	if f.prepared == nil {
		f.prepared = fifo.New[*Body](preparedBodies)
	}
	f.prepared.Put(h, b)
	return b
}

func (f *Finder) prepare(p *preparer, doc *model.Doc, hash uint64) *Body {
	// One sort gives both sets: the hashes rotated by 32 bits sort by
	// their low halves first, so the distinct rotated values, in order,
	// give the sorted 32-bit set and, rotated back, the distinct shingles.
	sh := p.signer.AppendShingles(p.shingles[:0], doc.Paras)
	for i, h := range sh {
		sh[i] = bits.RotateLeft64(h, 32)
	}
	p.scratch = radix.Sort(sh, p.scratch)
	sh = slices.Compact(sh)
	set := make([]uint32, 0, len(sh))
	for i, r := range sh {
		if lo := uint32(r >> 32); len(set) == 0 || set[len(set)-1] != lo {
			set = append(set, lo)
		}
		sh[i] = bits.RotateLeft64(r, 32)
	}
	p.shingles = sh
	sig := p.signer.SignDistinct(sh)
	return &Body{hash: hash, set: slices.Clip(set), sig: sig.Compact(), keys: f.lsh.AppendBandKeys(nil, sig)}
}

// Options returns the options, defaults filled in.
func (f *Finder) Options() Options { return f.opts }

// Observe takes the next article of the run (ord is its position in the
// input, used to order clusters) and returns a near_duplicate hit on
// model.Title when it has an earlier near-duplicate, else nil. The hit's
// Related is that article, its Score the similarity.
func (f *Finder) Observe(ord int, doc *model.Doc) []model.Hit {
	return f.ObservePrepared(ord, doc, nil)
}

// ObservePrepared is Observe with the body already prepared by Prepare
// (nil means prepare it here). Calls must come in input order.
func (f *Finder) ObservePrepared(ord int, doc *model.Doc, pb *Body) []model.Hit {
	art := int32(len(f.arts))
	h := uint64(0)
	if pb != nil {
		h = pb.hash
	} else {
		h = doc.BodyKey()
	}
	b, known := f.byHash[h]
	if !known {
		if pb == nil {
			pb = f.prepare(f.preparer, doc, h)
		}
		b = f.addBody(pb, art)
		f.byHash[h] = b
	}
	f.arts = append(f.arts, articleInfo{id: doc.ID, ord: ord, body: b})
	body := &f.bodies[b]
	if int(body.n) < f.opts.MinShingles {
		return nil
	}
	if known {
		// An identical body: the article joins the cluster of the first
		// article with that body, or starts one with it.
		c := body.cluster
		if c < 0 {
			c = int32(len(f.clusters))
			f.clusters = append(f.clusters, clusterInfo{members: []int32{body.first}, bodies: []int32{b}})
			body.cluster = c
		}
		f.clusters[c].members = append(f.clusters[c].members, art)
		return f.hit(body.first, minhash.Score{Score: 1, Jaccard: 1, Containment: 1})
	}

	// Verify the LSH candidates and gather their clusters.
	type link struct {
		cluster int32
		body    int32
		score   minhash.Score
	}
	var links []link
	f.stamp++
	if f.scored == nil {
		f.scored = make(map[int32]float64)
	}
	clear(f.scored)
	for _, k := range pb.keys {
		p, ok := f.head.get(k)
		for walked := 0; ok && p >= 0 && walked < maxPostingWalk; p, walked = f.postNext[p], walked+1 {
			ob := f.posters[int(p)/len(pb.keys)]
			if ob == b || f.seen[ob] == f.stamp {
				continue
			}
			f.seen[ob] = f.stamp
			other := &f.bodies[ob]
			if other.cluster < 0 && int(other.n) < f.opts.MinShingles {
				continue
			}
			s := f.score(b, ob)
			f.scored[ob] = s.Score
			if s.Score >= f.opts.Threshold {
				links = append(links, link{other.cluster, ob, s})
			}
		}
	}
	if len(pb.keys) > 0 {
		f.posters = append(f.posters, b)
	}
	for _, k := range pb.keys {
		prev, ok := f.head.get(k)
		if !ok {
			prev = -1
		}
		f.head.set(k, int32(len(f.postNext)))
		f.postNext = append(f.postNext, prev)
	}
	// Most similar first; then earliest body.
	slices.SortFunc(links, func(x, y link) int {
		if c := cmp.Compare(y.score.Score, x.score.Score); c != 0 {
			return c
		}
		return cmp.Compare(x.body, y.body)
	})
	for _, l := range links {
		if l.cluster < 0 {
			// A body alone so far: the pair starts a cluster.
			c := int32(len(f.clusters))
			other := &f.bodies[l.body]
			f.clusters = append(f.clusters, clusterInfo{members: []int32{other.first, art}, bodies: []int32{l.body, b}})
			other.cluster, body.cluster = c, c
			return f.hit(other.first, l.score)
		}
		if !f.linksAll(b, l.cluster) {
			continue
		}
		cl := &f.clusters[l.cluster]
		cl.members = append(cl.members, art)
		cl.bodies = append(cl.bodies, b)
		body.cluster = l.cluster
		return f.hit(f.bodies[l.body].first, l.score)
	}
	return nil
}

// addBody files a new body.
func (f *Finder) addBody(pb *Body, first int32) int32 {
	f.bodies = append(f.bodies, bodyInfo{n: uint32(len(pb.set)), size: uint32(pb.sig.Size()), first: first, cluster: -1})
	b := len(f.bodies) - 1
	if b < exactBodies {
		f.sets = append(f.sets, pb.set)
	} else {
		f.sets[b%exactBodies] = pb.set
	}
	k := f.opts.Signature.NumHashes
	if pb.sig.Empty() {
		f.fps = append(f.fps, make([]uint8, k)...)
	} else {
		f.fps = pb.sig.AppendFingerprints(f.fps)
	}
	f.seen = append(f.seen, 0)
	return int32(b)
}

// linksAll reports whether body b is similar to every distinct body of
// cluster c (the first one and the latest nlinkCheck-1 when there are more).
func (f *Finder) linksAll(b, c int32) bool {
	bs := f.clusters[c].bodies
	check := func(ob int32) bool {
		s, ok := f.scored[ob]
		if !ok {
			s = f.score(b, ob).Score
		}
		return s >= f.opts.Threshold
	}
	if len(bs) > nlinkCheck {
		if !check(bs[0]) {
			return false
		}
		bs = bs[len(bs)-(nlinkCheck-1):]
	}
	for _, ob := range bs {
		if !check(ob) {
			return false
		}
	}
	return true
}

func (f *Finder) hit(related int32, s minhash.Score) []model.Hit {
	return []model.Hit{{
		Kind:    model.NearDuplicate,
		Para:    model.Title,
		Score:   s.Score,
		Related: f.arts[related].id,
		Message: hitMessage(f.arts[related].id, s),
	}}
}

// hitMessage is fmt.Sprintf("near-duplicate of %s (similarity %.2f:
// Jaccard %.2f, containment %.2f)", id, ...) without fmt's reflection:
// most articles of a crawl that copies stories get one.
func hitMessage(id string, s minhash.Score) string {
	b := make([]byte, 0, len(id)+64)
	b = append(b, "near-duplicate of "...)
	b = append(b, id...)
	b = append(b, " (similarity "...)
	b = strconv.AppendFloat(b, s.Score, 'f', 2, 64)
	b = append(b, ": Jaccard "...)
	b = strconv.AppendFloat(b, s.Jaccard, 'f', 2, 64)
	b = append(b, ", containment "...)
	b = strconv.AppendFloat(b, s.Containment, 'f', 2, 64)
	b = append(b, ')')
	return string(b)
}

// Clusters returns the clusters of two or more articles seen so far, in
// the input order of their kept articles.
func (f *Finder) Clusters() []Cluster {
	type kc struct {
		ord int
		c   Cluster
	}
	all := make([]kc, 0, len(f.clusters))
	for _, c := range f.clusters {
		ms := slices.Clone(c.members)
		slices.SortFunc(ms, func(x, y int32) int { return cmp.Compare(f.arts[x].ord, f.arts[y].ord) })
		ids := make([]string, len(ms))
		for i, m := range ms {
			ids[i] = f.arts[m].id
		}
		all = append(all, kc{f.arts[ms[0]].ord, Cluster{Kept: ids[0], Members: ids}})
	}
	slices.SortStableFunc(all, func(x, y kc) int { return cmp.Compare(x.ord, y.ord) })
	out := make([]Cluster, len(all))
	for i, x := range all {
		out[i] = x.c
	}
	return out
}

// score returns the similarity of bodies a and b: exact when both keep
// their sets, else from their signatures.
func (f *Finder) score(a, b int32) minhash.Score {
	x, y := &f.bodies[a], &f.bodies[b]
	if sa, sb := f.exactSet(a), f.exactSet(b); sa != nil && sb != nil {
		return exactScore(sa, sb)
	}
	k := f.opts.Signature.NumHashes
	return minhash.FingerprintSimilarity(f.fps[int(a)*k:int(a+1)*k], f.fps[int(b)*k:int(b+1)*k], int(x.size), int(y.size))
}

// exactSet returns the exact shingle set of body b, nil when b is older
// than the latest exactBodies bodies.
func (f *Finder) exactSet(b int32) []uint32 {
	if int(b) < len(f.bodies)-exactBodies {
		return nil
	}
	return f.sets[int(b)%exactBodies]
}

// Articles returns the number of articles observed so far; the last one
// observed is article Articles()-1.
func (f *Finder) Articles() int { return len(f.arts) }

// SameStory reports whether observed articles a and b (numbered from 0 in
// the order observed) are one story: the same body, or bodies of one
// near-duplicate cluster.
func (f *Finder) SameStory(a, b int) bool {
	if a < 0 || b < 0 || a >= len(f.arts) || b >= len(f.arts) {
		return false
	}
	ba, bb := f.arts[a].body, f.arts[b].body
	if ba == bb {
		return true
	}
	ca := f.bodies[ba].cluster
	return ca >= 0 && ca == f.bodies[bb].cluster
}

// Kept returns the ord (as given to Observe) and id of the first article
// of the cluster that the article observed last belongs to, when that
// article is a later member of one; ok is false otherwise.
func (f *Finder) Kept() (ord int, id string, ok bool) {
	if len(f.arts) == 0 {
		return 0, "", false
	}
	art := int32(len(f.arts) - 1)
	c := f.bodies[f.arts[art].body].cluster
	if c < 0 || f.clusters[c].members[0] == art {
		return 0, "", false
	}
	first := f.arts[f.clusters[c].members[0]]
	return first.ord, first.id, true
}
