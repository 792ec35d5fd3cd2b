package dedup

import (
	"fmt"
	"math"
)

// mismatch reports headline_mismatch when the body as a whole is not about
// its headline: the cosine similarity of their TF-IDF vectors (sublinear
// term frequency, IDF from the corpus blended with the background table)
// falls below Options.MismatchThreshold.
//
// With a corpus, the body's vector is extended with those of the bodies
// most like it (see expand.go).
//
// The title's words carry the decision: a body that never names what the
// headline names is about something else. A headline with no content
// words, or an article with no body, is not judged.
func (s *Scanner) mismatch(doc *Document, a *analysis, ord int) []Finding {
	nt := a.titleNorm
	var nb2 float64
	for _, w := range a.body {
		nb2 += w * w
	}
	if nt == 0 || nb2 == 0 {
		return nil
	}
	nb := math.Sqrt(nb2)
	num := a.title.dotDense(a.body) / nb
	den := 1.0
	if c := s.corpus; c != nil && ord >= 0 && ord < len(c.docBody) {
		if e := c.expand[c.docBody[ord]]; len(e) > 0 {
			// cos(t, b/|b| + e), without building the sum.
			num += dot(a.titleAll, e)
			den = math.Sqrt(1 + 2*dot(a.global(a.body), e)/nb + e.norm()*e.norm())
		}
	}
	sim := num / (nt * den)
	th := s.opts.MismatchThreshold
	if sim >= th {
		return nil
	}
	return []Finding{{
		Kind:      KindHeadlineMismatch,
		Paragraph: TitleParagraph,
		Line:      doc.TitleLine,
		Score:     1 - 0.5*max(sim, 0)/th,
		Message:   fmt.Sprintf("the body is not about the headline (similarity %.3f < %.3f)", sim, th),
	}}
}
