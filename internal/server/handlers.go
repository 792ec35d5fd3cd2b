package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/newsdedup/newsdedup/dedup"
)

// record is an article as the answers carry it: the JSONL contract's
// record (see the README's output schema), which every answer extends.
type record struct {
	ID         string          `json:"id"`
	Source     string          `json:"source"`
	Line       int             `json:"line"`
	Title      string          `json:"title"`
	Paragraphs []string        `json:"paragraphs"`
	Findings   []dedup.Finding `json:"findings"`
}

// Cleaned is what clean adds to a record. (Exported for the tests'
// decoding only: the package is internal.)
type Cleaned struct {
	// BodyField is the field the body was read from, the one Record
	// holds cleaned.
	BodyField string `json:"body_field"`
	// Record is the article as posted, but for the removed paragraphs.
	Record json.RawMessage `json:"record"`
	// Removed are the paragraphs removed, in order.
	Removed []removal `json:"removed"`
}

// removal is one removed paragraph, as clean --report writes it.
type removal struct {
	Kind      dedup.Kind `json:"kind"`
	Paragraph int        `json:"paragraph"`
	Line      int        `json:"line"`
	Score     float64    `json:"score"`
	Message   string     `json:"message"`
	RelatedID string     `json:"related_id,omitempty"`
	Text      string     `json:"text"`
}

// cleanRecord is an answer of clean.
type cleanRecord struct {
	record
	Cleaned
}

// admission is an answer of check-and-add; with clean=true it carries
// what clean adds too.
type admission struct {
	record
	// Admitted is true when the article is new and now indexed.
	Admitted bool `json:"admitted"`
	// DuplicateOf and Similarity name the indexed article this one
	// duplicates, when it is not admitted.
	DuplicateOf string  `json:"duplicate_of,omitempty"`
	Similarity  float64 `json:"similarity,omitempty"`
	*Cleaned
}

// newRecord returns the record of a judged article, with the findings
// the server reports.
func (s *Server) newRecord(a *dedup.Article) record {
	r := record{ID: a.ID, Source: a.Source, Line: a.Line, Title: a.Title,
		Paragraphs: make([]string, len(a.Paragraphs)), Findings: a.Findings}
	for i, p := range a.Paragraphs {
		r.Paragraphs[i] = p.Text
	}
	if r.Findings == nil {
		r.Findings = []dedup.Finding{}
	}
	return r
}

// report keeps the findings of a that the server reports.
func (s *Server) report(a *dedup.Article) {
	if s.cfg.Report == nil {
		return
	}
	out := a.Findings[:0:0]
	for _, f := range a.Findings {
		if s.cfg.Report(f) {
			out = append(out, f)
		}
	}
	a.Findings = out
}

// answer returns one value for a single article, a slice for an array.
func answer[T any](d decoded, out []T) any {
	if d.many {
		return out
	}
	return out[0]
}

// decode decodes a request's body; needID requires every article to
// have an id.
func (s *Server) decode(body []byte, needID, keepRaw bool) (decoded, error) {
	opts := s.cfg.Read
	opts.Format = ""
	opts.NoRaw = !keepRaw
	d, errs := decodeBody(body, opts, needID)
	if len(errs) > 0 {
		return d, badRequest(errs)
	}
	return d, nil
}

// judge runs Check on every article of d, in order.
func (s *Server) judge(ctx context.Context, name string, d decoded) ([]*dedup.Article, error) {
	as := make([]*dedup.Article, len(d.docs))
	for i, doc := range d.docs {
		a, err := s.cfg.Pipeline.Check(ctx, doc)
		if err != nil {
			return nil, s.indexError(ctx, err)
		}
		s.report(a)
		as[i] = a
	}
	s.metrics.judged(name, as)
	return as, nil
}

// indexError is the answer to a failure of the index.
func (s *Server) indexError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return &apiError{status: http.StatusServiceUnavailable, msg: fmt.Sprintf("request canceled: %v", err)}
	}
	s.metrics.indexErrors.Inc()
	return &apiError{status: http.StatusServiceUnavailable, msg: err.Error()}
}

// scan answers POST /v1/scan: the records of the articles, judged alone
// (the index is consulted for near-duplicates, not changed).
func (s *Server) scan(r *http.Request, body []byte) (any, error) {
	d, err := s.decode(body, false, false)
	if err != nil {
		return nil, err
	}
	as, err := s.judge(r.Context(), "scan", d)
	if err != nil {
		return nil, err
	}
	out := make([]record, len(as))
	for i, a := range as {
		out[i] = s.newRecord(a)
	}
	return answer(d, out), nil
}

// clean answers POST /v1/clean: the records, each with the article as
// posted without the paragraphs its findings remove.
func (s *Server) clean(r *http.Request, body []byte) (any, error) {
	d, err := s.decode(body, false, true)
	if err != nil {
		return nil, err
	}
	as, err := s.judge(r.Context(), "clean", d)
	if err != nil {
		return nil, err
	}
	out := make([]cleanRecord, len(as))
	for i, a := range as {
		c, err := s.cleaned(a)
		if err != nil {
			return nil, err
		}
		out[i] = cleanRecord{record: s.newRecord(a), Cleaned: *c}
	}
	return answer(d, out), nil
}

// cleaned cleans a judged article.
func (s *Server) cleaned(a *dedup.Article) (*Cleaned, error) {
	c, err := dedup.Clean(a.Document, a.Findings, s.cfg.Remove)
	if err != nil {
		return nil, err // the record was just read: a bug, answered 500
	}
	out := &Cleaned{BodyField: a.BodyField, Record: c.Raw, Removed: make([]removal, len(c.Removed))}
	for i, rm := range c.Removed {
		out.Removed[i] = removal{Kind: rm.Kind, Paragraph: rm.Paragraph, Line: rm.Line, Score: rm.Score,
			Message: rm.Message, RelatedID: rm.RelatedID, Text: rm.Text}
	}
	return out, nil
}

// checkAndAdd answers POST /v1/check-and-add: each article judged and
// admitted into the index unless it duplicates an indexed one, in order;
// ?clean=true adds what clean answers.
func (s *Server) checkAndAdd(r *http.Request, body []byte) (any, error) {
	withClean := false
	if v := r.URL.Query().Get("clean"); v != "" {
		var err error
		if withClean, err = strconv.ParseBool(v); err != nil {
			return nil, &apiError{status: http.StatusBadRequest, msg: fmt.Sprintf("clean=%s: want true or false", v)}
		}
	}
	d, err := s.decode(body, true, withClean)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	out := make([]admission, len(d.docs))
	as := make([]*dedup.Article, 0, len(d.docs))
	for i, doc := range d.docs {
		a, err := s.cfg.Pipeline.CheckAndAdd(ctx, doc)
		if err != nil {
			// The client hears only the error, and sends the articles
			// again: those decided before it are reported again then.
			s.cfg.Pipeline.Unanswered(as...)
			s.metrics.judged("check-and-add", as)
			return nil, s.indexError(ctx, err)
		}
		ad := admission{Admitted: a.Admitted}
		if a.Admitted {
			s.metrics.admitted.Inc()
		} else {
			s.metrics.duplicates.Inc()
			for _, f := range a.Findings {
				if f.Kind == dedup.KindNearDuplicate && f.Paragraph == dedup.TitleParagraph {
					ad.DuplicateOf, ad.Similarity = f.RelatedID, f.Score
					break
				}
			}
		}
		s.report(a)
		as = append(as, a)
		ad.record = s.newRecord(a)
		if withClean {
			if ad.Cleaned, err = s.cleaned(a); err != nil {
				return nil, err
			}
		}
		out[i] = ad
	}
	s.metrics.judged("check-and-add", as)
	return answer(d, out), nil
}
