// Package topic holds the detectors that compare what an article's parts
// are about: headline_mismatch (the body is not about its headline) and
// off_topic (paragraphs spliced in from another story). Both work on the
// TF-IDF vectors of package terms, weighed by a corpus when there is one.
package topic

import (
	"slices"
	"sync"

	"github.com/newsdedup/newsdedup/dedup/internal/corpus"
	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/dedup/internal/terms"
)

// Options are the thresholds of the topic detectors. Every field is used as
// given: the caller fills in the defaults.
type Options struct {
	// MismatchThreshold is the TF-IDF cosine similarity of headline and
	// body below which the body is not about its headline.
	MismatchThreshold float64
	// OffTopicMargin is how much better another article of the corpus
	// must fit a block of shared paragraphs than the article it stands in
	// before the block is off_topic there.
	OffTopicMargin float64
	// OffTopicFloor is the fit below which a block of paragraphs shared
	// with two or more other articles is off_topic even when none of them
	// fits it better.
	OffTopicFloor float64
	// OffTopicSplit is the fit to the headline that one side of an
	// article split in two needs before the single-article test calls the
	// other side another story.
	OffTopicSplit float64
	// OffTopicCut is the normalised cut (0..2) below which the two sides
	// of an article split in two are apart enough to be two stories.
	OffTopicCut float64
}

// Detector runs headline_mismatch and off_topic. It is safe for
// concurrent use.
type Detector struct {
	opts   Options
	corpus *corpus.Corpus
	vocab  *terms.Vocabulary
	pool   sync.Pool // *analysis
}

// New returns a detector. With a nil corpus it weighs words by the
// background table and judges each article alone.
func New(opts Options, c *corpus.Corpus) *Detector {
	d := &Detector{opts: opts, corpus: c, vocab: terms.Background()}
	if c != nil {
		d.vocab = c.Vocab()
	}
	d.pool.New = func() any { return new(analysis) }
	return d
}

// Body analyses the body of doc: what the detectors need of it whatever
// its headline. A caller that meets one body under many headlines may
// keep it (see Size) and pass it to Detect for each.
func (s *Detector) Body(doc *model.Doc) *Body {
	a := s.pool.Get().(*analysis)
	b := newBody(doc, s.vocab, &a.t)
	s.pool.Put(a)
	return b
}

// Size is about how many bytes b holds, for a memo's budget.
func (b *Body) Size() int { return b.size }

// Detect appends to dst the headline_mismatch and off_topic hits of doc,
// whose body is body (from Body), in paragraph order. ord is doc's
// ordinal in the detector's corpus, or -1 to judge it alone; skip marks
// the paragraphs other detectors explained (residue, repeats), which the
// topic detectors pass over.
func (s *Detector) Detect(dst []model.Hit, doc *model.Doc, body *Body, ord int, skip []bool) []model.Hit {
	a := s.pool.Get().(*analysis)
	defer s.pool.Put(a)
	a.reset(doc, body, s.vocab, skip)
	if h, ok := s.mismatch(a, ord); ok {
		dst = append(dst, h)
	}
	return s.offTopic(dst, doc, a, ord)
}

// sortHits sorts hits by paragraph.
func sortHits(hs []model.Hit) {
	slices.SortFunc(hs, func(x, y model.Hit) int { return x.Para - y.Para })
}
