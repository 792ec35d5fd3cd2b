// Package corpus counts what the detectors learn from all the documents of
// a scan before they judge any of them (see Corpus), on as many goroutines
// as the scan has workers (see Builder).
package corpus

import (
	"slices"
	"sync"

	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/dedup/internal/residue"
	"github.com/newsdedup/newsdedup/dedup/internal/terms"
	"github.com/newsdedup/newsdedup/shingle"
)

// A Corpus is what the detectors learn from all the documents of one scan
// before they judge any of them: term document frequencies (IDF, blended
// with the embedded background table), which paragraphs stand in which
// bodies (for off_topic: a block of paragraphs found in several articles
// belongs to the one it fits), and how often lines recur (for residue).
//
// Build one with a Builder in a first pass over the input. Documents
// are numbered by the order they were added, from 0; the scan must judge
// them with the same ordinals.
//
// Identical bodies (after normalisation) count once: a corpus that carries
// one body under many headlines does not make that body's words common,
// nor its paragraphs shared.
//
// A Corpus is immutable once built and safe for concurrent use.
type Corpus struct {
	vocab *terms.Vocabulary
	lines *residue.Stats
	// docBody maps a document ordinal to its body number; uses counts
	// the documents of each body.
	docBody []int32
	uses    []int32
	// paras maps a paragraph key (see ParagraphKey) to the bodies it
	// stands in, ascending, each once.
	paras paraIndex
	// longParas counts the paragraphs of each body that paras indexes.
	longParas []uint16
	// keys holds, per body, the key of each paragraph (0 for one too
	// short to index), so that the scan need not normalise it again.
	keys [][]uint64
	// content holds what off_topic needs of the bodies that share
	// paragraphs with others, by body number.
	content map[int32]*Content
	// tops holds each body's unit vector of top terms, and near its
	// neighbours (see expand.go).
	tops *topTable
	near *nearTable
	// sameStory lists the pairs of bodies that share some paragraphs,
	// not most, and are copies of one story by their words (see
	// SameStory), as a<<32|b with a < b, ascending: 8 bytes a pair.
	sameStory []uint64
	// shared is set when some bodies share paragraphs with others
	// without being copies of them.
	shared bool
}

// Content is what off_topic needs of another article: its id and, per
// paragraph, its key and vector, weighed when the corpus is built.
type Content struct {
	// ID is the article's id.
	ID string
	// Keys holds each paragraph's key (see ParagraphKey), 0 for one of
	// fewer than MinSharedWords words.
	Keys []uint64
	// Long marks the paragraphs of MinSharedWords words or more.
	Long []bool
	// ParaVecs are the unit TF-IDF vectors of the paragraphs that stand
	// in 2 to MaxSharedBodies bodies, the only ones a block of off_topic's
	// corpus test can hold (nil for the others and for one without
	// terms).
	ParaVecs []terms.Vector
	// Full is the centroid of the headline (scaled to TitleWeight) and
	// every paragraph, and FullNorm2 its squared length.
	Full      terms.Vector
	FullNorm2 float64
	// Title is the headline's unit TF-IDF vector (nil for a headline
	// without terms): copies of one story under one headline are one
	// story (see topic's corpus test).
	Title terms.Vector
}

// TitleWeight is the weight of the headline in an article's centroid,
// counted in paragraphs.
const TitleWeight = 2

// weighContent computes the vectors of the content of doc with the
// corpus's final IDF, using t and buf as scratch. keep says which
// paragraphs' vectors to keep: the centroid counts every paragraph, but
// off_topic reads the vectors of shared paragraphs only.
func (c *Content) weighContent(doc *model.Doc, idf func(uint64) float64, keep func(j int) bool, t *terms.Termizer, ids []uint64) []uint64 {
	var title terms.Vector
	ids = t.Append(ids[:0], doc.Title)
	if t := terms.Weigh(nil, ids, idf); len(t) > 0 {
		title = terms.AddScaled(nil, nil, t, TitleWeight/t.Norm())
		c.Title = terms.AddScaled(nil, nil, t, 1/t.Norm())
	}
	c.ParaVecs = make([]terms.Vector, len(doc.Paras))
	c.Full = title
	var tmp, v terms.Vector
	for j, p := range doc.Paras {
		ids = t.Append(ids[:0], p)
		v = terms.Weigh(v[:0], ids, idf)
		if n := v.Norm(); n > 0 {
			for k := range v {
				v[k].W /= n
			}
			tmp = terms.AddScaled(tmp[:0], c.Full, v, 1)
			c.Full, tmp = tmp, c.Full
			if keep(j) {
				c.ParaVecs[j] = slices.Clone(v)
			}
		}
	}
	c.Full = slices.Clone(c.Full)
	n := c.Full.Norm()
	c.FullNorm2 = n * n
	return ids
}

const (
	// MinSharedWords is the length a paragraph needs before its
	// recurrence in another body counts: short lines recur by chance.
	MinSharedWords = 8
	// MaxSharedBodies bounds the bodies a paragraph may stand in and still
	// be taken as transplanted text; one in more is boilerplate, which is
	// residue's business.
	MaxSharedBodies = 16
)

// Parts names what a Builder counts, so that a scan that reports only
// some kinds pays only for what they read. The zero value means
// AllParts.
type Parts uint8

const (
	// Lines counts line recurrence, for residue (Corpus.Lines).
	Lines Parts = 1 << iota
	// Terms counts document frequencies (Corpus.Vocab), for both topic
	// detectors.
	Terms
	// Expansions finds each body's neighbours, for headline_mismatch
	// (Corpus.Expansion); it implies Terms.
	Expansions
	// Paragraphs indexes where long paragraphs stand and keeps what
	// off_topic needs of bodies that share them (Corpus.StandsIn,
	// Keys, Content, Shared); it implies Terms.
	Paragraphs

	AllParts = Lines | Terms | Expansions | Paragraphs
)

// Builder counts a corpus. Add each document once, in input order;
// then, when NeedContent says so, present the documents it Wants again to
// AddContent; then call Corpus. It is not safe for concurrent use.
type Builder struct {
	// Workers is how many goroutines Add and Corpus may use; 0 means
	// one. Set it before the first Add. With more than one, the
	// goroutines Add starts end when NeedContent or Corpus is called: a
	// builder given up before that keeps them blocked.
	Workers int
	// Parts is what to count; 0 means AllParts. Set it before the first
	// Add. What is not counted is empty in the Corpus: no line recurs, no
	// term is in the corpus's counts (the background table's weigh), no
	// body has neighbours or shares a paragraph.
	Parts Parts

	df        map[uint64]uint32
	bodyOf    map[uint64]int32 // body hash -> body number
	docBody   []int32
	repDoc    []int32 // body number -> first document ordinal
	paras     paraIndex
	longParas []uint16
	lines     *residue.Stats
	want      map[int32]bool // document ordinals whose content is needed
	content   map[int32]*Content
	// tops holds per body its strongest terms (see expand.go), weighed
	// once weighed is set.
	tops      *topTable
	weighed   bool
	sameStory []uint64
	keys      [][]uint64
	// scratch and counts serve Add on one goroutine, and AddContent;
	// pipe serves Add on several.
	scratch counter
	counts  bodyCounts
	pipe    *countPipe
	mu      sync.Mutex // guards bodyOf's writes and pipe.claims
	// vocab is the final vocabulary, made once counting is done;
	// weighing and weighers weigh content on Workers goroutines.
	vocab     *terms.Vocabulary
	vocabOnce sync.Once
	weighing  chan weighJob
	weighers  sync.WaitGroup
}

// NewBuilder returns an empty builder.
func NewBuilder() *Builder {
	return &Builder{
		df:      make(map[uint64]uint32),
		bodyOf:  make(map[uint64]int32),
		paras:   newParaIndex(),
		tops:    newTopTable(),
		lines:   residue.NewStats(),
		content: make(map[int32]*Content),
	}
}

// ParagraphKey hashes a paragraph's normalised text, using buf as
// scratch: the key by which the corpus knows where a paragraph stands.
func ParagraphKey(buf []byte, text string) ([]byte, uint64) {
	buf = shingle.AppendNormalized(buf[:0], text)
	return buf, shingle.Hash(buf)
}

// Add counts the next document. With Workers above one the counting
// runs on that many goroutines and Add may return before doc is counted:
// doc must not change until NeedContent or Corpus is called, which wait
// for every document added.
func (b *Builder) Add(doc *model.Doc) {
	if b.Workers > 1 {
		b.add(doc)
		return
	}
	body := doc.BodyKey()
	if _, seen := b.bodyOf[body]; !seen {
		b.scratch.count(&b.counts, doc, b.parts())
	}
	b.apply(doc, body, &b.counts)
}

// bodyCounts is what the counting pass takes from a body. It depends on
// the paragraphs alone, so copies of a body share one.
type bodyCounts struct {
	lines residue.Counts
	// keys holds each paragraph's key (ParagraphKey), 0 for a paragraph
	// of fewer than MinSharedWords words.
	keys []uint64
	// ids holds the body's distinct terms, sorted; tops its strongest
	// terms (see expand.go).
	ids  []uint64
	tops terms.Vector
}

// counter holds the scratch space of one goroutine that counts bodies.
type counter struct {
	t    terms.Termizer
	buf  []byte
	ids  []uint64
	tops topScratch
}

// count fills c with the counts of doc's paragraphs; c's slices are
// reused, but for tops and keys, which the builder keeps.
func (w *counter) count(c *bodyCounts, doc *model.Doc, parts Parts) {
	if parts&Lines != 0 {
		c.lines, w.buf = c.lines.Count(doc, w.buf)
	}
	c.keys = nil
	if parts&Paragraphs != 0 {
		c.keys = make([]uint64, len(doc.Paras))
	}
	w.ids = w.ids[:0]
	c.ids, c.tops = c.ids[:0], nil
	if parts&Terms == 0 {
		return
	}
	for i, p := range doc.Paras {
		w.ids = w.t.Append(w.ids, p)
		if c.keys != nil && terms.CountWords(p) >= MinSharedWords {
			w.buf, c.keys[i] = ParagraphKey(w.buf, p)
		}
	}
	slices.Sort(w.ids)
	if parts&(Expansions|Paragraphs) != 0 {
		c.tops = topTerms(&w.tops, w.ids, expandTerms, terms.Background().IDF)
	}
	c.ids = append(c.ids, w.ids...)
	c.ids = slices.Compact(c.ids)
}

// parts returns what b counts, implications included.
func (b *Builder) parts() Parts {
	p := b.Parts
	if p == 0 {
		p = AllParts
	}
	if p&(Expansions|Paragraphs) != 0 {
		p |= Terms
	}
	return p
}

// apply counts doc, whose body has key body and counts c (which may be
// unset when the body was counted before).
func (b *Builder) apply(doc *model.Doc, body uint64, c *bodyCounts) {
	num, seen := b.bodyOf[body]
	if seen {
		b.docBody = append(b.docBody, num)
		return
	}
	if b.parts()&Lines != 0 {
		b.lines.AddCounts(body, residue.Site(doc.ID), doc, c.lines)
	}
	num = int32(len(b.repDoc))
	b.mu.Lock() // the pipe's add reads bodyOf
	b.bodyOf[body] = num
	b.mu.Unlock()
	b.repDoc = append(b.repDoc, int32(len(b.docBody)))
	b.docBody = append(b.docBody, num)

	long := 0
	for _, k := range c.keys {
		if k == 0 {
			continue
		}
		if !b.paras.add(k, num) {
			continue // the same paragraph twice in one body
		}
		long++
	}
	b.longParas = append(b.longParas, uint16(min(long, 1<<16-1)))
	b.keys = append(b.keys, c.keys)
	b.tops.add(c.tops)
	for _, t := range c.ids {
		b.df[t]++
	}
}

// countPipe counts documents on several goroutines and applies their
// counts in input order. claims holds the bodies counted or being
// counted but not yet applied; the builder's mu guards it.
type countPipe struct {
	work   chan *countJob
	order  chan *countJob
	done   chan struct{}
	claims map[uint64]*bodyClaim
}

// countJob is one document on its way through the pipe; claim is nil
// when its body was applied before the document was added.
type countJob struct {
	doc   *model.Doc
	body  uint64
	claim *bodyClaim
}

// bodyClaim holds the counts of one distinct body: the first document
// with it has them computed, its copies wait for them.
type bodyClaim struct {
	ready  chan struct{}
	counts bodyCounts
}

// pipeline returns the builder's pipe, starting it on first use.
func (b *Builder) pipeline() *countPipe {
	if b.pipe != nil {
		return b.pipe
	}
	p := &countPipe{
		work:   make(chan *countJob, 4*b.Workers),
		order:  make(chan *countJob, 64*b.Workers),
		done:   make(chan struct{}),
		claims: make(map[uint64]*bodyClaim),
	}
	parts := b.parts()
	for range b.Workers {
		go func() {
			var w counter
			for j := range p.work {
				w.count(&j.claim.counts, j.doc, parts)
				close(j.claim.ready)
			}
		}()
	}
	go func() {
		defer close(p.done)
		var none bodyCounts
		for j := range p.order {
			if j.claim == nil {
				b.apply(j.doc, j.body, &none) // a copy of a body applied before
				continue
			}
			<-j.claim.ready
			b.apply(j.doc, j.body, &j.claim.counts)
			b.mu.Lock()
			if p.claims[j.body] == j.claim {
				delete(p.claims, j.body) // applied: bodyOf knows it now
				j.claim.counts = bodyCounts{}
			}
			b.mu.Unlock()
		}
	}()
	b.pipe = p
	return p
}

// add sends doc through the pipe: the first document with a body not yet
// applied has it counted; its copies wait for that.
func (b *Builder) add(doc *model.Doc) {
	p := b.pipeline()
	j := &countJob{doc: doc, body: doc.BodyKey()}
	b.mu.Lock()
	_, applied := b.bodyOf[j.body]
	if !applied {
		j.claim = p.claims[j.body]
		if j.claim == nil {
			j.claim = &bodyClaim{ready: make(chan struct{})}
			p.claims[j.body] = j.claim
			b.mu.Unlock()
			p.work <- j
			p.order <- j
			return
		}
	}
	b.mu.Unlock()
	p.order <- j
}

// flush waits until every document added is counted.
func (b *Builder) flush() {
	if b.pipe == nil {
		return
	}
	close(b.pipe.work)
	close(b.pipe.order)
	<-b.pipe.done
	b.pipe = nil
}

// NeedContent reports whether some bodies share paragraphs with others
// without being copies of them, so that off_topic needs their text: the
// caller then presents every document once more to AddContent. Call it
// after the last Add.
func (b *Builder) NeedContent() bool {
	b.flush()
	if b.want != nil {
		return len(b.want) > 0
	}
	b.want = make(map[int32]bool)
	type pair struct{ a, c int32 }
	shared := make(map[pair]int)
	for _, list := range b.paras.lists { // the keys of two bodies or more
		if len(list) > MaxSharedBodies {
			continue
		}
		for i, x := range list {
			for _, y := range list[i+1:] {
				shared[pair{x, y}]++
			}
		}
	}
	// Bodies that share some of their paragraphs, not most, carry a block
	// of one another, unless their words make them copies of one story
	// (a lightly edited copy keeps some paragraphs whole and changes a
	// word in the others): then off_topic takes the block for their own.
	tops := b.weighedTops()
	for p, n := range shared {
		if !partial(n, b.longParas[p.a], b.longParas[p.c]) {
			continue
		}
		if tops.cos(int(p.a), int(p.c)) >= SameStoryCos {
			b.sameStory = append(b.sameStory, uint64(p.a)<<32|uint64(p.c))
			continue
		}
		b.want[b.repDoc[p.a]] = true
		b.want[b.repDoc[p.c]] = true
	}
	slices.Sort(b.sameStory)
	return len(b.want) > 0
}

// SameStoryCos is the cosine similarity of their strongest terms (see
// expand.go) at which two bodies that share paragraphs are copies of one
// story. On the FNC-1 sets, bodies that carry a block of another stand
// below 0.74 (one pair of untouched bodies at 0.90); lightly edited
// copies of a body stand above 0.8 (99.9% of them above 0.85).
const SameStoryCos = 0.85

// weighedTops returns each body's top terms weighed with the final
// vocabulary, weighed once after the last Add.
func (b *Builder) weighedTops() *topTable {
	if !b.weighed {
		b.tops.weigh(b.finalVocab().IDF)
		b.weighed = true
	}
	return b.tops
}

// partial reports whether n shared paragraphs make a transplant between
// bodies of na and nb indexed paragraphs rather than a copy: at most half
// of either.
func partial(n int, na, nb uint16) bool {
	return 2*n <= int(na) && 2*n <= int(nb)
}

// Wants reports whether AddContent needs the document with this ordinal.
func (b *Builder) Wants(ord int) bool { return b.want[int32(ord)] }

// AddContent keeps what off_topic needs of a document that Wants it,
// weighed with the corpus's final IDF. With Workers above one it may
// return before doc is weighed: doc must not change until Corpus is
// called.
func (b *Builder) AddContent(ord int, doc *model.Doc) {
	if !b.Wants(ord) {
		return
	}
	body := b.docBody[ord]
	c := &Content{ID: doc.ID, Keys: b.keys[body], Long: make([]bool, len(doc.Paras))}
	for j, p := range doc.Paras {
		c.Long[j] = terms.CountWords(p) >= MinSharedWords
	}
	b.content[body] = c
	if b.Workers <= 1 {
		b.weigh(c, doc, &b.scratch)
		return
	}
	if b.weighing == nil {
		b.weighing = make(chan weighJob, 4*b.Workers)
		for range b.Workers {
			b.weighers.Go(func() {
				var w counter
				for j := range b.weighing {
					b.weigh(j.c, j.doc, &w)
				}
			})
		}
	}
	b.weighing <- weighJob{c, doc}
}

// weighJob is a content to weigh and its document.
type weighJob struct {
	c   *Content
	doc *model.Doc
}

// weigh weighs content c of doc with w's scratch, keeping the vectors of
// the paragraphs that a block of the corpus test can hold.
func (b *Builder) weigh(c *Content, doc *model.Doc, w *counter) {
	v := b.finalVocab()
	keep := func(j int) bool {
		n := len(b.paras.get(c.Keys[j]))
		return c.Keys[j] != 0 && n >= 2 && n <= MaxSharedBodies
	}
	w.ids = c.weighContent(doc, v.IDF, keep, &w.t, w.ids)
}

// finalVocab returns the corpus's document frequencies, blended with the
// background table: final once every document is added.
func (b *Builder) finalVocab() *terms.Vocabulary {
	b.vocabOnce.Do(func() { b.vocab = terms.Background().Merge(len(b.repDoc), b.df) })
	return b.vocab
}

// Corpus returns the counted corpus. The builder must not be used after.
func (b *Builder) Corpus() *Corpus {
	b.flush()
	if b.weighing != nil {
		close(b.weighing)
		b.weighers.Wait()
	}
	vocab := b.finalVocab()
	var tops *topTable
	var near *nearTable
	if b.parts()&Expansions != 0 {
		tops = b.weighedTops()
		near = expansions(tops, b.Workers)
	}
	uses := make([]int32, len(b.repDoc))
	for _, n := range b.docBody {
		uses[n]++
	}
	// Only off_topic's corpus test reads the paragraph index and keys,
	// and only when some bodies share paragraphs without being copies
	// (see Shared); and a paragraph that stands in one body tells it
	// nothing. On a crawl of new text most paragraphs stand in one body.
	paras, keys := paraIndex{}, [][]uint64(nil)
	if len(b.want) > 0 {
		paras = b.paras.shared()
		keys = b.keys
		for i, ks := range keys {
			if !slices.ContainsFunc(ks, func(k uint64) bool { return k != 0 && paras.get(k) != nil }) {
				keys[i] = nil
			}
		}
	}
	b.paras, b.keys = paraIndex{}, nil
	return &Corpus{
		uses:      uses,
		vocab:     vocab,
		tops:      tops,
		near:      near,
		lines:     b.lines,
		docBody:   b.docBody,
		paras:     paras,
		longParas: b.longParas,
		keys:      keys,
		content:   b.content,
		sameStory: b.sameStory,
		shared:    len(b.want) > 0,
	}
}

// Docs returns the number of documents counted.
func (c *Corpus) Docs() int { return len(c.docBody) }

// Vocab returns the corpus's document frequencies, blended with the
// background table.
func (c *Corpus) Vocab() *terms.Vocabulary { return c.vocab }

// Lines returns the corpus's line statistics, for the residue detector.
func (c *Corpus) Lines() *residue.Stats { return c.lines }

// Body returns the body number of the document with ordinal ord, and
// false when ord is not one of the corpus's.
func (c *Corpus) Body(ord int) (int32, bool) {
	if ord < 0 || ord >= len(c.docBody) {
		return 0, false
	}
	return c.docBody[ord], true
}

// Uses returns the number of documents whose body is body b.
func (c *Corpus) Uses(b int32) int { return int(c.uses[b]) }

// Keys returns the key of each paragraph of body b (see ParagraphKey), 0
// for a paragraph shorter than MinSharedWords words; nil when no
// paragraph of b stands in another body, or none of any body does
// (Shared is false).
func (c *Corpus) Keys(b int32) []uint64 {
	if int(b) >= len(c.keys) {
		return nil
	}
	return c.keys[b]
}

// LongParas returns the number of paragraphs of body b that the corpus
// indexes (those of MinSharedWords words or more).
func (c *Corpus) LongParas(b int32) int { return int(c.longParas[b]) }

// Copy reports whether bodies that share n indexed paragraphs, of na and
// nb, are copies of one story (they share more than half of either)
// rather than one carrying a block of the other.
func Copy(n, na, nb int) bool { return !partial(n, uint16(min(na, 1<<16-1)), uint16(min(nb, 1<<16-1))) }

// SameStory reports whether bodies a and b, which share paragraphs
// with each other, are copies of one story by their words though they
// share fewer than half of their paragraphs: their strongest terms have
// a cosine similarity of SameStoryCos or more. Copy tells copies by their
// paragraphs alone.
func (c *Corpus) SameStory(a, b int32) bool {
	if a > b {
		a, b = b, a
	}
	_, ok := slices.BinarySearch(c.sameStory, uint64(a)<<32|uint64(b))
	return ok
}

// StandsIn returns the bodies a paragraph with key k stands in,
// ascending, each once, when they are two or more (and Shared is true);
// nil otherwise.
func (c *Corpus) StandsIn(k uint64) []int32 { return c.paras.get(k) }

// Content returns what off_topic needs of body b, or nil when the corpus
// did not keep it (b shares no paragraph with a body it is not a copy of).
func (c *Corpus) Content(b int32) *Content { return c.content[b] }

// Expansion returns the expansion vector of body b (see expand.go) and
// its squared length, built in out and tmp, which it reuses: the vector
// is out's array or tmp's, and the caller passes both back, in either
// order, for the next.
func (c *Corpus) Expansion(b int32, out, tmp terms.Vector) (e, spare terms.Vector, norm2 float64) {
	if c.near == nil {
		return out[:0], tmp, 0
	}
	return expansion(c.tops, c.near, int(b), out, tmp)
}

// Shared reports whether some bodies share paragraphs with others without
// being copies of them: only then can the corpus test of off_topic fire.
func (c *Corpus) Shared() bool { return c.shared }
