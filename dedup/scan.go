package dedup

import (
	"cmp"
	"slices"
	"sync"
)

// Options tune the detectors. The zero value of a field means its default;
// DefaultOptions spells the defaults out.
type Options struct {
	// MismatchThreshold is the TF-IDF cosine similarity of headline and
	// body below which the body is not about its headline
	// (headline_mismatch). Default 0.09.
	MismatchThreshold float64
	// OffTopicMargin is how much better another article of the corpus
	// must fit a block of shared paragraphs than the article it stands in
	// before the block is off_topic there. Default 0.05.
	OffTopicMargin float64
	// OffTopicFloor is the fit below which a block of paragraphs shared
	// with two or more other articles is off_topic even when none of them
	// fits it better: text that travels between unrelated articles is
	// spliced in. Default 0.05.
	OffTopicFloor float64
	// OffTopicSplit is the fit to the headline that one side of an
	// article split in two needs before the single-article off_topic test
	// calls the other side another story. Default 0.03.
	OffTopicSplit float64
	// OffTopicCut is the normalised cut below which the two sides of an
	// article split in two are apart enough to be two stories (0..2).
	// Default 0.15.
	OffTopicCut float64
	// Residue configures the residue detector.
	Residue ResidueOptions
}

// DefaultOptions returns the options every zero field stands for.
func DefaultOptions() Options {
	return Options{
		MismatchThreshold: 0.09,
		OffTopicMargin:    0.05,
		OffTopicFloor:     0.05,
		OffTopicSplit:     0.03,
		OffTopicCut:       0.15,
	}
}

func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.MismatchThreshold == 0 {
		o.MismatchThreshold = d.MismatchThreshold
	}
	if o.OffTopicMargin == 0 {
		o.OffTopicMargin = d.OffTopicMargin
	}
	if o.OffTopicFloor == 0 {
		o.OffTopicFloor = d.OffTopicFloor
	}
	if o.OffTopicSplit == 0 {
		o.OffTopicSplit = d.OffTopicSplit
	}
	if o.OffTopicCut == 0 {
		o.OffTopicCut = d.OffTopicCut
	}
	return o
}

// Scanner runs every detector on a document. It is safe for concurrent
// use: one Scanner serves all workers of a scan.
type Scanner struct {
	opts    Options
	corpus  *Corpus
	vocab   *Vocabulary
	residue *ResidueDetector
	pool    sync.Pool // *analysis
	memo    *bodyMemo
}

// NewScanner returns a scanner. With a nil corpus the detectors weigh
// words by the embedded background table and judge each article alone.
func NewScanner(opts Options, corpus *Corpus) *Scanner {
	s := &Scanner{opts: opts.withDefaults(), corpus: corpus, vocab: background}
	if corpus != nil {
		s.vocab = corpus.vocab
	}
	s.residue = NewResidueDetector(s.opts.Residue)
	s.pool.New = func() any { return new(analysis) }
	s.memo = newBodyMemo(memoBudget)
	return s
}

// Scan returns the findings on doc, judged alone (no corpus ordinal), in
// paragraph order.
func (s *Scanner) Scan(doc *Document) []Finding { return s.ScanAt(doc, -1) }

// ScanAt returns the findings on the document with ordinal ord of the
// scanner's corpus (see Corpus), in paragraph order. A negative ord scans
// the document alone.
func (s *Scanner) ScanAt(doc *Document, ord int) []Finding {
	a := s.pool.Get().(*analysis)
	key := BodyKey(doc)
	body := s.memo.get(key)
	if body == nil {
		body = newBodyAnalysis(doc, s.vocab, &a.t)
		s.memo.put(key, body)
	}

	var fs []Finding
	fs = append(fs, DetectRepeatedHeadline(doc)...)
	var lines *LineStats
	if s.corpus != nil {
		lines = s.corpus.lines
	}
	fs = append(fs, s.residue.Detect(doc, lines)...)
	fs = body.appendRepeats(fs, doc)

	a.reset(doc, body, s.vocab, fs)
	fs = append(fs, s.mismatch(doc, a, ord)...)
	fs = append(fs, s.offTopic(doc, a, ord)...)
	s.pool.Put(a)

	slices.SortStableFunc(fs, func(x, y Finding) int {
		return cmp.Compare(x.Paragraph, y.Paragraph)
	})
	return fs
}
