package dedup

import (
	"cmp"
	"slices"
	"sync"

	"github.com/newsdedup/newsdedup/dedup/internal/corpus"
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

// detects reports whether the scanner runs any detector.
func (s *scanner) detects() bool { return s.headline || s.residues }

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
		body = s.body(md)
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
			fs = append(fs, finding(doc, h))
		}
	}
	slices.SortStableFunc(fs, func(x, y Finding) int { return cmp.Compare(x.Paragraph, y.Paragraph) })
	return fs
}

// body returns what the scanner knows of md's body, from the memo when
// the body was met before.
func (s *scanner) body(md *model.Doc) *bodyEntry {
	key := md.BodyKey()
	if b := s.memo.get(key); b != nil {
		return b
	}
	b := &bodyEntry{size: 64}
	if s.topics {
		b.topic = s.topic.Body(md)
		b.size += b.topic.Size()
	}
	s.memo.put(key, b)
	return b
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
		b.repeats = repeat.Paragraphs(&model.Doc{Paras: md.Paras})
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

// bodyMemo keeps the entries of recent bodies within a byte budget,
// evicting the oldest first. It is safe for concurrent use.
type bodyMemo struct {
	mu     sync.Mutex
	m      map[uint64]*bodyEntry
	fifo   []uint64
	size   int
	budget int
}

// memoBudget bounds the memory of a scanner's body memo.
const memoBudget = 64 << 20

func newBodyMemo(budget int) *bodyMemo {
	return &bodyMemo{m: make(map[uint64]*bodyEntry), budget: budget}
}

func (m *bodyMemo) get(k uint64) *bodyEntry {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.m[k]
}

func (m *bodyMemo) put(k uint64, b *bodyEntry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.m[k]; ok || b.size > m.budget {
		return
	}
	for m.size+b.size > m.budget && len(m.fifo) > 0 {
		old := m.fifo[0]
		m.fifo = m.fifo[1:]
		m.size -= m.m[old].size
		delete(m.m, old)
	}
	m.m[k] = b
	m.fifo = append(m.fifo, k)
	m.size += b.size
}
