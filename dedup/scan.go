package dedup

import (
	"cmp"
	"slices"
	"sync"

	"github.com/newsdedup/newsdedup/dedup/internal/corpus"
	"github.com/newsdedup/newsdedup/dedup/internal/fifo"
	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/dedup/internal/repeat"
	"github.com/newsdedup/newsdedup/dedup/internal/residue"
	"github.com/newsdedup/newsdedup/dedup/internal/topic"
)

// scanner runs the per-article detectors on one document: repeated
// headline, residue, repeated paragraphs, then the topic detectors
// (headline_mismatch, off_topic), which pass over the paragraphs the
// others explained. It is safe for concurrent use: one scanner serves all
// workers of a run.
type scanner struct {
	opts    *Options
	corpus  *corpus.Corpus // nil: every article judged alone
	residue *residue.Detector
	topic   *topic.Detector
	memo    *bodyMemo
	// What the kinds reported need computed.
	headline, residues, repeats, topics bool
}

// newScanner returns a scanner over corpus c (nil for none) with the
// pipeline's residue detector.
func newScanner(opts *Options, c *corpus.Corpus, res *residue.Detector) *scanner {
	s := &scanner{opts: opts, corpus: c, residue: res, memo: newBodyMemo(memoBudget)}
	s.topics = opts.reports(KindHeadlineMismatch) || opts.reports(KindOffTopic)
	s.residues = s.topics || opts.reports(KindResidue)
	s.repeats = s.topics || opts.reports(KindRepeatedParagraph)
	s.headline = s.repeats || opts.reports(KindRepeatedHeadline)
	if s.topics {
		s.topic = topic.New(opts.topic(), c)
	}
	return s
}

// scan returns the findings of the per-article detectors on doc (md is
// doc.model()), the document with ordinal ord of the scanner's corpus or
// -1, in paragraph order.
func (s *scanner) scan(doc *Document, md *model.Doc, ord int) []Finding {
	var hits []model.Hit
	if s.headline {
		hits = repeat.Headline(md, nil)
	}
	if s.residues {
		var lines *residue.Stats
		if s.corpus != nil {
			lines = s.corpus.Lines()
		}
		hits = append(hits, s.residue.Detect(md, lines)...)
	}
	var body *bodyEntry
	if s.repeats || s.topics {
		body = s.body(md, ord)
	}
	if s.repeats {
		hits = body.appendRepeats(hits, md)
	}
	if s.topics {
		skip := make([]bool, len(md.Paras))
		for _, h := range hits {
			if h.Para >= 0 && h.Para < len(skip) {
				skip[h.Para] = true
			}
		}
		hits = s.topic.Detect(hits, md, body.topic, ord, skip)
	}
	fs := make([]Finding, 0, len(hits))
	for _, h := range hits {
		if s.opts.reports(Kind(h.Kind)) {
			fs = appendHit(fs, doc, md, h)
		}
	}
	slices.SortStableFunc(fs, func(x, y Finding) int { return cmp.Compare(x.Paragraph, y.Paragraph) })
	return fs
}

// body returns what the scanner knows of md's body (the document with
// ordinal ord of the scanner's corpus, or -1), from the memo when the body
// was met before.
func (s *scanner) body(md *model.Doc, ord int) *bodyEntry {
	key := md.BodyKey()
	if b := s.memo.get(key); b != nil {
		return b
	}
	b := &bodyEntry{size: 64}
	if s.topics {
		b.topic = s.topic.Body(md)
		b.size += b.topic.Size()
	}
	s.memo.put(key, b, s.later(ord))
	return b
}

// later returns how many more documents of the scan carry the body of
// the document with ordinal ord: -1 when the scanner has no corpus to
// tell.
func (s *scanner) later(ord int) int {
	if s.corpus == nil {
		return -1
	}
	b, ok := s.corpus.Body(ord)
	if !ok {
		return -1
	}
	return s.corpus.Uses(b) - 1
}

// bodyEntry is what the detectors learn of a body whatever its headline;
// crawls carry one body under many urls and headlines, and the memo keeps
// it for the next. It is safe for concurrent use.
type bodyEntry struct {
	topic       *topic.Body
	repeatsOnce sync.Once
	repeats     []model.Hit
	size        int // approximate bytes
}

// appendRepeats appends the repeated_paragraph hits of md, whose body b
// is, to hits, which holds its repeated_headline hits. The repeats depend
// on the body alone but for copies of the headline, which are
// repeated_headline's business: they are found once per body and those
// on a repeated headline are dropped here.
func (b *bodyEntry) appendRepeats(hits []model.Hit, md *model.Doc) []model.Hit {
	b.repeatsOnce.Do(func() {
		b.repeats = repeat.Paragraphs(&model.Doc{Paras: md.Paras, First: md.First})
	})
	n := len(hits)
	for _, h := range b.repeats {
		if slices.ContainsFunc(hits[:n], func(x model.Hit) bool {
			return x.Kind == model.RepeatedHeadline && x.Para == h.Para
		}) {
			continue
		}
		hits = append(hits, h)
	}
	return hits
}

// bodyMemo keeps the entries of bodies that will be met again, within a
// byte budget, evicting the oldest first. It is safe for concurrent use.
//
// What "met again" means depends on what the scanner knows. With a corpus
// it knows how many documents carry each body: an entry is kept only when
// more are to come, and dropped after the last, so a scan of distinct
// bodies keeps nothing. Without one (a streaming scan, Check) a body is
// kept the second time it is met: the keys of the last seenKeys bodies
// met are remembered (8 bytes each), not their analyses.
type bodyMemo struct {
	mu     sync.Mutex
	m      map[uint64]*memoSlot
	fifo   []uint64
	size   int
	budget int
	// seen holds the keys of recent bodies met once, for the second-sight
	// rule.
	seen *fifo.Map[struct{}]
}

// memoSlot is a memoised entry and the documents still to come that carry
// its body (-1: unknown, kept until evicted).
type memoSlot struct {
	b    *bodyEntry
	left int
}

// memoBudget bounds the memory of a scanner's body memo.
const memoBudget = 64 << 20

// seenKeys is how many bodies met once a memo without a corpus
// remembers.
const seenKeys = 1 << 16

func newBodyMemo(budget int) *bodyMemo {
	return &bodyMemo{m: make(map[uint64]*memoSlot), budget: budget}
}

// get returns the entry of body k, or nil, counting one use of it.
func (m *bodyMemo) get(k uint64) *bodyEntry {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.m[k]
	if e == nil {
		return nil
	}
	if e.left > 0 {
		e.left--
		if e.left == 0 { // the last document with the body
			m.drop(k)
		}
	}
	return e.b
}

// drop removes the entry of body k. Its key stays in fifo until the
// next compaction (eviction passes over keys no longer held).
func (m *bodyMemo) drop(k uint64) {
	m.size -= m.m[k].b.size
	delete(m.m, k)
	if len(m.fifo) > 2*len(m.m)+1024 {
		m.fifo = slices.DeleteFunc(m.fifo, func(k uint64) bool { return m.m[k] == nil })
	}
}

// put offers the entry of body k, which left more documents carry (-1:
// unknown).
func (m *bodyMemo) put(k uint64, b *bodyEntry, left int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if left == 0 || b.size > m.budget {
		return
	}
	if _, ok := m.m[k]; ok {
		return
	}
	if left < 0 && !m.secondSight(k) {
		return
	}
	for m.size+b.size > m.budget && len(m.fifo) > 0 {
		old := m.fifo[0]
		m.fifo = m.fifo[1:]
		if e := m.m[old]; e != nil {
			m.size -= e.b.size
			delete(m.m, old)
		}
	}
	m.m[k] = &memoSlot{b: b, left: left}
	m.fifo = append(m.fifo, k)
	m.size += b.size
}

// secondSight reports whether body k was met before, and remembers it
// when not.
func (m *bodyMemo) secondSight(k uint64) bool {
	if _, ok := m.seen.Get(k); ok {
		m.seen.Delete(k)
		return true
	}
	if m.seen == nil {
		m.seen = fifo.New[struct{}](seenKeys)
	}
	m.seen.Put(k, struct{}{})
	return false
}
