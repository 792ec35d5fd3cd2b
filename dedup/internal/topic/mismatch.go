package topic

import (
	"fmt"
	"math"

	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/dedup/internal/terms"
)

// mismatch reports headline_mismatch when the body as a whole is not about
// its headline: the cosine similarity of their TF-IDF vectors (sublinear
// term frequency, IDF from the corpus blended with the background table)
// falls below Options.MismatchThreshold. With a corpus, the body's vector
// is extended with those of the bodies most like it (see corpus.Expansion).
//
// The title's words carry the decision: a body that never names what the
// headline names is about something else. A headline with no content
// words, or an article with no body, is not judged.
func (s *Detector) mismatch(a *analysis, ord int) (model.Hit, bool) {
	nt := a.titleNorm
	var nb2 float64
	for _, w := range a.body {
		nb2 += w * w
	}
	if nt == 0 || nb2 == 0 {
		return model.Hit{}, false
	}
	nb := math.Sqrt(nb2)
	num := a.title.dotDense(a.body) / nb
	den := 1.0
	if c := s.corpus; c != nil {
		if b, ok := c.Body(ord); ok {
			var e terms.Vector
			var e2 float64
			e, a.spare, e2 = c.Expansion(b, a.expand, a.spare)
			a.expand = e
			if len(e) > 0 {
				// cos(t, b/|b| + e), without building the sum.
				num += terms.Dot(a.titleAll, e)
				den = math.Sqrt(1 + 2*dotLocal(a.vocab, a.body, e)/nb + e2)
			}
		}
	}
	sim := num / (nt * den)
	th := s.opts.MismatchThreshold
	if sim >= th {
		return model.Hit{}, false
	}
	return model.Hit{
		Kind:    model.HeadlineMismatch,
		Para:    model.Title,
		Score:   1 - 0.5*max(sim, 0)/th,
		Message: fmt.Sprintf("the body is not about the headline (similarity %.3f < %.3f)", sim, th),
	}, true
}

// dotLocal returns the dot product of the dense vector d over the sorted
// term ids vocab with the sparse vector e.
func dotLocal(vocab []uint64, d []float64, e terms.Vector) float64 {
	var s float64
	for i, j := 0, 0; i < len(vocab) && j < len(e); {
		switch {
		case vocab[i] < e[j].ID:
			i++
		case vocab[i] > e[j].ID:
			j++
		default:
			s += d[i] * e[j].W
			i++
			j++
		}
	}
	return s
}
