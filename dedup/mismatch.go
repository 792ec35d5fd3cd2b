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
// dotLocal returns the dot product of the dense vector d over the sorted
// term ids vocab with the sparse vector e.
func dotLocal(vocab []uint64, d []float64, e vector) float64 {
	var s float64
	for i, j := 0, 0; i < len(vocab) && j < len(e); {
		switch {
		case vocab[i] < e[j].id:
			i++
		case vocab[i] > e[j].id:
			j++
		default:
			s += d[i] * e[j].w
			i++
			j++
		}
	}
	return s
}

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
		if b := c.docBody[ord]; len(c.expand[b]) > 0 {
			// cos(t, b/|b| + e), without building the sum.
			e := c.expand[b]
			num += dot(a.titleAll, e)
			den = math.Sqrt(1 + 2*dotLocal(a.vocab, a.body, e)/nb + c.expandNorm2[b])
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
