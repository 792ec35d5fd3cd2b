package dedup

// This file holds NearDup, the near-duplicate detector of a scan: it sees
// the articles of one run in input order, reports each article that has
// an earlier near-duplicate, and groups the articles into clusters.
//
// # Clusters
//
// Clusters are built from verified pairs only: LSH proposes candidates,
// and a pair counts only when its exact similarity (from the shingle sets,
// see Similarity for the measure) reaches the threshold. An article joins
// a cluster by complete linkage: it must be similar to every article of
// that cluster (to every distinct body, up to the first one and the
// nlinkCheck-1 latest ones of large clusters), not just to one of them.
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
// The article kept for a cluster is its first article in input order; every
// later member gets a near_duplicate finding naming its most similar
// earlier member of the cluster. Findings therefore always point inside
// the cluster, and closing them transitively gives back the clusters.
//
// Articles with identical bodies share one signature and shingle set, so
// a corpus of many copies costs one computation per distinct body.

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
)

// KindNearDuplicate is the kind of a finding on an article that has an
// earlier near-duplicate in the same run. Paragraph is TitleParagraph (the
// whole article), RelatedID the earlier article, Score the similarity.
const KindNearDuplicate Kind = "near_duplicate"

// DefaultNearDupMinShingles is NearDupOptions.MinShingles when 0.
const DefaultNearDupMinShingles = 3

// nlinkCheck bounds the distinct bodies of a cluster an article is
// compared with before it joins.
const nlinkCheck = 32

// NearDupOptions configure a NearDup. The zero value means the defaults.
type NearDupOptions struct {
	// Threshold is the similarity (see Similarity) at or above which two
	// articles are near-duplicates; 0 means DefaultThreshold.
	Threshold float64
	// Signature says how signatures are made (k, shingle size).
	Signature SignatureOptions
	// LSHThreshold is the Jaccard similarity the banding is tuned for; 0
	// means CandidateJaccard(Threshold).
	LSHThreshold float64
	// MaxBands caps the number of LSH bands; 0 means DefaultMaxBands.
	MaxBands int
	// FalsePositiveWeight and FalseNegativeWeight weigh the LSH error
	// areas; both 0 means 0.5 and 0.5.
	FalsePositiveWeight, FalseNegativeWeight float64
	// MinShingles is the number of distinct shingles an article needs to
	// take part; shorter ones (a line or two) are never near-duplicates.
	// 0 means DefaultNearDupMinShingles.
	MinShingles int
}

// Cluster is a group of near-duplicate articles of one run.
type Cluster struct {
	// Kept is the article kept for the cluster: its first article in
	// input order, the one without a near_duplicate finding.
	Kept string `json:"kept"`
	// Members are the ids of all articles of the cluster, Kept first, in
	// input order.
	Members []string `json:"members"`
}

// NearDup finds near-duplicates among the articles of one run. Call
// Observe (or Prepare, then ObservePrepared) for each article in input
// order. Observe, ObservePrepared and Clusters are not safe for concurrent
// use; Prepare is.
type NearDup struct {
	opts    NearDupOptions
	signer  *Signer
	signers sync.Pool // of *Signer, for Prepare
	lsh     LSHParams

	bodies []ndBody
	byHash map[uint64]int32 // body hash -> body
	// Band postings: head[key] is the latest posting of the key, and
	// posting p files body postBody[p], the previous posting of the key
	// being postNext[p] (-1 at the end).
	head     map[uint64]int32
	postBody []int32
	postNext []int32
	arts     []ndArticle
	clusters []ndCluster

	seen  []uint32 // per body: stamp of the last Observe that met it
	stamp uint32

	// prepared holds what Prepare made, by body hash: a run that carries
	// one body many times (a crawl's copies of a page) signs it once.
	// It keeps what bodies already keeps, plus the band keys.
	prepared sync.Map // uint64 -> *NearDupBody
}

type ndBody struct {
	set     []uint32 // sorted distinct shingle hashes, truncated to 32 bits
	first   int32    // first article with this body
	cluster int32    // cluster of the first article, -1 when none
}

type ndArticle struct {
	id   string
	ord  int
	body int32
}

type ndCluster struct {
	members []int32 // articles, input order
	bodies  []int32 // distinct bodies, in order of arrival
}

// NewNearDup returns a NearDup for the options (nil means the defaults).
func NewNearDup(opts *NearDupOptions) (*NearDup, error) {
	var o NearDupOptions
	if opts != nil {
		o = *opts
	}
	if o.MinShingles == 0 {
		o.MinShingles = DefaultNearDupMinShingles
	}
	o.Signature = o.Signature.withDefaults()
	signer, err := NewSigner(&o.Signature)
	if err != nil {
		return nil, err
	}
	lsh, err := lshDefaults(&o.Threshold, &o.LSHThreshold, &o.MaxBands, &o.FalsePositiveWeight, &o.FalseNegativeWeight, o.Signature.NumHashes)
	if err != nil {
		return nil, err
	}
	nd := &NearDup{
		opts: o, signer: signer, lsh: lsh,
		byHash: map[uint64]int32{}, head: map[uint64]int32{},
	}
	nd.signers.New = func() any {
		s, _ := NewSigner(&nd.opts.Signature) // validated above
		return s
	}
	return nd, nil
}

// NearDupBody is what NearDup needs of an article body: its hash, shingle
// set and band keys. Prepare makes it.
type NearDupBody struct {
	hash uint64
	set  []uint32 // sorted distinct shingle hashes, truncated to 32 bits
	keys []uint64
}

// Prepare computes the shingle set and signature of the body of doc, the
// costly part of Observe, so that a scan can prepare articles on several
// goroutines and observe them in order with ObservePrepared. Prepare is
// safe for concurrent use, also with Observe.
func (nd *NearDup) Prepare(doc *Document) *NearDupBody {
	h := BodyKey(doc)
	if b, ok := nd.prepared.Load(h); ok {
		return b.(*NearDupBody)
	}
	s := nd.signers.Get().(*Signer)
	b := nd.prepare(s, doc, h)
	nd.signers.Put(s)
	nd.prepared.Store(h, b)
	return b
}

func (nd *NearDup) prepare(s *Signer, doc *Document, hash uint64) *NearDupBody {
	s.shingles = s.AppendShingles(s.shingles[:0], doc)
	set := make([]uint32, len(s.shingles))
	for i, h := range s.shingles {
		set[i] = uint32(h)
	}
	slices.Sort(set)
	set = slices.Clip(slices.Compact(set))
	sig := s.SignShingles(s.shingles)
	return &NearDupBody{hash: hash, set: set, keys: nd.lsh.AppendBandKeys(nil, sig)}
}

// Options returns the options, defaults filled in.
func (nd *NearDup) Options() NearDupOptions { return nd.opts }

// Observe takes the next article of the run (ord is its position in the
// input, used to order clusters) and returns a near_duplicate finding
// when it has an earlier near-duplicate, else nil.
func (nd *NearDup) Observe(ord int, doc *Document) []Finding {
	return nd.ObservePrepared(ord, doc, nil)
}

// ObservePrepared is Observe with the body already prepared by Prepare
// (nil means prepare it here). Calls must come in input order.
func (nd *NearDup) ObservePrepared(ord int, doc *Document, pb *NearDupBody) []Finding {
	art := int32(len(nd.arts))
	h := uint64(0)
	if pb != nil {
		h = pb.hash
	} else {
		h = BodyKey(doc)
	}
	b, known := nd.byHash[h]
	if !known {
		if pb == nil {
			pb = nd.prepare(nd.signer, doc, h)
		}
		b = nd.addBody(pb, art)
		nd.byHash[h] = b
	}
	nd.arts = append(nd.arts, ndArticle{id: doc.ID, ord: ord, body: b})
	body := &nd.bodies[b]
	if len(body.set) < nd.opts.MinShingles {
		return nil
	}
	if known {
		// An identical body: the article joins the cluster of the first
		// article with that body, or starts one with it.
		c := body.cluster
		if c < 0 {
			c = int32(len(nd.clusters))
			nd.clusters = append(nd.clusters, ndCluster{members: []int32{body.first}, bodies: []int32{b}})
			body.cluster = c
		}
		nd.clusters[c].members = append(nd.clusters[c].members, art)
		return nd.finding(doc, body.first, Score{Score: 1, Jaccard: 1, Containment: 1})
	}

	// Verify the LSH candidates and gather their clusters.
	type link struct {
		cluster int32
		body    int32
		score   Score
	}
	var links []link
	nd.stamp++
	for _, k := range pb.keys {
		p, ok := nd.head[k]
		for ; ok && p >= 0; p = nd.postNext[p] {
			ob := nd.postBody[p]
			if ob == b || nd.seen[ob] == nd.stamp {
				continue
			}
			nd.seen[ob] = nd.stamp
			other := &nd.bodies[ob]
			if other.cluster < 0 && len(other.set) < nd.opts.MinShingles {
				continue
			}
			s := exactScore(body.set, other.set)
			if s.Score >= nd.opts.Threshold {
				links = append(links, link{other.cluster, ob, s})
			}
		}
	}
	for _, k := range pb.keys {
		prev, ok := nd.head[k]
		if !ok {
			prev = -1
		}
		nd.head[k] = int32(len(nd.postBody))
		nd.postBody = append(nd.postBody, b)
		nd.postNext = append(nd.postNext, prev)
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
			c := int32(len(nd.clusters))
			other := &nd.bodies[l.body]
			nd.clusters = append(nd.clusters, ndCluster{members: []int32{other.first, art}, bodies: []int32{l.body, b}})
			other.cluster, body.cluster = c, c
			return nd.finding(doc, other.first, l.score)
		}
		if !nd.linksAll(b, l.cluster) {
			continue
		}
		cl := &nd.clusters[l.cluster]
		cl.members = append(cl.members, art)
		cl.bodies = append(cl.bodies, b)
		body.cluster = l.cluster
		return nd.finding(doc, nd.bodies[l.body].first, l.score)
	}
	return nil
}

// addBody files a new body.
func (nd *NearDup) addBody(pb *NearDupBody, first int32) int32 {
	nd.bodies = append(nd.bodies, ndBody{set: pb.set, first: first, cluster: -1})
	nd.seen = append(nd.seen, 0)
	return int32(len(nd.bodies) - 1)
}

// linksAll reports whether body b is similar to every distinct body of
// cluster c (the first one and the latest nlinkCheck-1 when there are more).
func (nd *NearDup) linksAll(b, c int32) bool {
	bs := nd.clusters[c].bodies
	check := func(ob int32) bool {
		return exactScore(nd.bodies[b].set, nd.bodies[ob].set).Score >= nd.opts.Threshold
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

func (nd *NearDup) finding(doc *Document, related int32, s Score) []Finding {
	line := doc.Line
	if len(doc.Paragraphs) > 0 {
		line = doc.Paragraphs[0].Line
	}
	return []Finding{{
		Kind:      KindNearDuplicate,
		Paragraph: TitleParagraph,
		Line:      line,
		Score:     s.Score,
		RelatedID: nd.arts[related].id,
		Message: fmt.Sprintf("near-duplicate of %s (similarity %.2f: Jaccard %.2f, containment %.2f)",
			nd.arts[related].id, s.Score, s.Jaccard, s.Containment),
	}}
}

// Clusters returns the clusters of two or more articles seen so far, in
// the input order of their kept articles.
func (nd *NearDup) Clusters() []Cluster {
	type kc struct {
		ord int
		c   Cluster
	}
	all := make([]kc, 0, len(nd.clusters))
	for _, c := range nd.clusters {
		ms := slices.Clone(c.members)
		slices.SortFunc(ms, func(x, y int32) int { return cmp.Compare(nd.arts[x].ord, nd.arts[y].ord) })
		ids := make([]string, len(ms))
		for i, m := range ms {
			ids[i] = nd.arts[m].id
		}
		all = append(all, kc{nd.arts[ms[0]].ord, Cluster{Kept: ids[0], Members: ids}})
	}
	slices.SortStableFunc(all, func(x, y kc) int { return cmp.Compare(x.ord, y.ord) })
	out := make([]Cluster, len(all))
	for i, x := range all {
		out[i] = x.c
	}
	return out
}

// exactScore is Similarity computed exactly from two sorted shingle sets.
func exactScore(a, b []uint32) Score {
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			inter++
			i++
			j++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return Score{}
	}
	return scoreOf(float64(inter)/float64(union), len(a), len(b))
}

// Articles returns the number of articles observed so far; the last one
// observed is article Articles()-1.
func (nd *NearDup) Articles() int { return len(nd.arts) }

// SameStory reports whether observed articles a and b (numbered from 0 in
// the order observed) are one story: the same body, or bodies of one
// near-duplicate cluster.
func (nd *NearDup) SameStory(a, b int) bool {
	if a < 0 || b < 0 || a >= len(nd.arts) || b >= len(nd.arts) {
		return false
	}
	ba, bb := nd.arts[a].body, nd.arts[b].body
	if ba == bb {
		return true
	}
	ca := nd.bodies[ba].cluster
	return ca >= 0 && ca == nd.bodies[bb].cluster
}
