package dedup

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/dedup/internal/residue"
)

// A Pipeline judges articles: every detector, near-duplicates and the
// index, with one set of Options. What the command line's scan, clean and
// the server report comes from it.
//
// A crawler judges pages one at a time with Check or CheckAndAdd; a batch
// job gives Run a stream of documents. A Pipeline is safe for concurrent
// use.
type Pipeline struct {
	opts    Options
	residue *residue.Detector
	alone   *scanner // judges single pages: no corpus
	index   *Index   // Options.Store, or a memory store
}

// Article is a document with what a Pipeline found in it.
type Article struct {
	*Document
	// Findings are what was found, in paragraph order (findings on the
	// title or the whole article, paragraph -1, first), filtered by the
	// Options' Only, Skip and MinScore.
	Findings []Finding
	// Ord is the article's position in the stream given to Run, from 0;
	// -1 for Check and CheckAndAdd.
	Ord int
	// Kept and KeptOrd, on an article of a near-duplicate cluster of the
	// run that is not the cluster's first, are the id and Ord of that
	// first article, the one a clean-up keeps; "" and -1 otherwise.
	Kept    string
	KeptOrd int
	// Admitted is set when an index decided the article and took it as a
	// new story: always false without one (Run without Options.Store) and
	// for Check, which adds nothing.
	Admitted bool

	result Result // of CheckAndAdd, for Unanswered
}

// NewPipeline returns a pipeline with opts (nil means DefaultOptions). It
// fails when an option is out of range or a residue pattern is invalid.
func NewPipeline(opts *Options) (*Pipeline, error) {
	o := DefaultOptions()
	if opts != nil {
		o = *opts
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	patterns, err := residuePatterns(o.ResiduePatterns, o.ResiduePatternsName)
	if err != nil {
		return nil, err
	}
	p := &Pipeline{opts: o, residue: residue.New(residue.Options{Patterns: patterns, Threshold: o.ResidueThreshold})}
	store := o.Store
	if store == nil {
		store = NewMemoryStore()
	}
	if p.index, err = OpenIndex(store, &o); err != nil {
		return nil, err
	}
	p.alone = newScanner(&p.opts, nil, p.residue)
	if p.alone.residues {
		p.residue.Warm()
	}
	return p, nil
}

// Adopt hands the pipeline's index the claims an earlier run left
// unsettled (IndexError.Unsettled: decisions the index may hold that the
// run never heard), so that Run, CheckAndAdd and the server report each
// such decision once, when they meet its article again, instead of
// "already in the index". See Index.Adopt.
func (p *Pipeline) Adopt(us ...Unsettled) {
	p.index.Adopt(us...)
}

// residuePatterns returns the built-in residue rules with the rules of
// text (see Options.ResiduePatterns) after them.
func residuePatterns(text, name string) (*residue.Patterns, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	if name == "" {
		name = "residue patterns"
	}
	// Each expression becomes a rule "site WEIGHT REGEXP" of the built-in
	// format, on the same line, so that errors keep their line numbers.
	// The weight is spelled out so that an expression starting with a
	// number is not read as one.
	var rules strings.Builder
	for line := range strings.Lines(text) {
		if t := strings.TrimSpace(line); t != "" && t[0] != '#' {
			fmt.Fprintf(&rules, "site %v ", residue.DefaultWeight)
		}
		rules.WriteString(strings.TrimRight(line, "\r\n"))
		rules.WriteByte('\n')
	}
	site, err := residue.ParsePatterns(strings.NewReader(rules.String()))
	if pe := (*residue.PatternError)(nil); errors.As(err, &pe) {
		return nil, fmt.Errorf("%s:%d: %w", name, pe.Line, pe.Err)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if site.Len() == 0 {
		return nil, fmt.Errorf("%s: no patterns", name)
	}
	return residue.DefaultPatterns().Merge(site), nil
}

// Check judges one page alone, as a crawler meets it: every detector but
// those that need a run (shared_headline), and near_duplicate against the
// index (Options.Store, or the pipeline's memory index), which it does not
// change.
func (p *Pipeline) Check(ctx context.Context, doc *Document) (*Article, error) {
	a := p.judge(doc)
	if !p.opts.reports(KindNearDuplicate) {
		return a, nil
	}
	ms, err := p.index.Check(ctx, doc)
	if err != nil {
		return nil, fmt.Errorf("dedup: index: %s: %w", doc.ID, err)
	}
	if len(ms) > 0 {
		m := ms[0]
		of := m.ID
		if m.Status == StatusDuplicate && m.DupOf != "" {
			of = m.DupOf
		}
		p.add(a, Finding{Kind: KindNearDuplicate, Paragraph: TitleParagraph, Line: a.nearDupLine(),
			Score: m.Similarity, RelatedID: of,
			Message: fmt.Sprintf("near-duplicate of %q, indexed before (similarity %.2f)", of, m.Similarity)})
	}
	return a, nil
}

// CheckAndAdd judges one page as Check does and adds it to the index,
// atomically: of copies of a story submitted at once, by any number of
// goroutines, processes or machines sharing the store, exactly one is
// Admitted, and every other gets a near_duplicate finding naming it. doc
// needs an id.
func (p *Pipeline) CheckAndAdd(ctx context.Context, doc *Document) (*Article, error) {
	a := p.judge(doc)
	r, err := p.index.CheckAndAdd(ctx, doc)
	if err != nil {
		return nil, fmt.Errorf("dedup: index: %s: %w", doc.ID, err)
	}
	a.Admitted = r.Admitted
	a.result = r
	for _, f := range appendIndexFindings(nil, doc, r) {
		p.add(a, f)
	}
	return a, nil
}

// Unanswered tells p that the answers CheckAndAdd gave for as never
// reached whoever asked: a server whose request of several articles
// failed after some were decided, so that its client will send them all
// again. When one of them comes again, CheckAndAdd reports the decision
// made for it, once, instead of "already in the index" (which a crawler
// would take for a duplicate and drop). An article CheckAndAdd found
// already indexed needs nothing: it is reported so again.
func (p *Pipeline) Unanswered(as ...*Article) {
	for _, a := range as {
		if a != nil {
			p.index.unanswered(a.result)
		}
	}
}

// judge runs the per-article detectors on doc alone.
func (p *Pipeline) judge(doc *Document) *Article {
	a := &Article{Document: doc, Ord: -1, KeptOrd: -1}
	a.Findings = p.filter(p.alone.scan(doc, doc.model(), -1))
	return a
}

// add adds finding f to a when it is reported, keeping paragraph order.
func (p *Pipeline) add(a *Article, f Finding) {
	fs := p.filter([]Finding{f})
	if len(fs) == 0 {
		return
	}
	i := 0
	for i < len(a.Findings) && a.Findings[i].Paragraph <= f.Paragraph {
		i++
	}
	a.Findings = append(a.Findings[:i], append(fs, a.Findings[i:]...)...)
}

// filter keeps the findings the options report.
func (p *Pipeline) filter(fs []Finding) []Finding {
	out := fs[:0]
	for _, f := range fs {
		if p.opts.reports(f.Kind) && f.Score >= p.opts.MinScore {
			out = append(out, f)
		}
	}
	return out
}

// nearDupLine is the source line of a finding on the whole article.
func (a *Article) nearDupLine() int {
	return finding(a.Document, model.Hit{Kind: model.NearDuplicate, Para: model.Title}).Line
}

// appendIndexFindings appends the findings of an index's verdict: a
// changed_page when the id was indexed with another body, a
// near_duplicate unless the article was admitted.
func appendIndexFindings(dst []Finding, doc *Document, r Result) []Finding {
	if c := r.Changed; c != nil {
		f := finding(doc, model.Hit{Kind: model.NearDuplicate, Para: model.Title, Score: 1 - c.Similarity})
		f.Kind = KindChangedPage
		f.Message = fmt.Sprintf("id already indexed with another body (similarity %.2f): a new version of the page or a reused id; filed as %q", c.Similarity, c.FiledAs)
		dst = append(dst, f)
	}
	if r.Admitted {
		return dst
	}
	f := finding(doc, model.Hit{Kind: model.NearDuplicate, Para: model.Title, Score: 1, Related: r.DupOf})
	for _, m := range r.Matches {
		if m.ID == r.DupOf {
			f.Score = m.Similarity
			break
		}
	}
	if f.Score == 1 && len(r.Matches) > 0 && r.Matches[0].ID != r.DupOf {
		// The admitted article is reached through another: the score is
		// the lowest-seq match's, which the decision followed.
		low := r.Matches[0]
		for _, m := range r.Matches {
			if m.Seq < low.Seq {
				low = m
			}
		}
		f.Score = low.Similarity
	}
	switch {
	case r.Existing:
		f.Message = fmt.Sprintf("already in the index (as a copy of %q)", r.DupOf)
		if r.DupOf == doc.ID {
			f.Message = "already in the index"
		}
	default:
		f.Message = fmt.Sprintf("near-duplicate of %q, indexed before (similarity %.2f)", r.DupOf, f.Score)
	}
	return append(dst, f)
}
