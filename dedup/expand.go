package dedup

import (
	"cmp"
	"math"
	"slices"
)

// Expansion (pseudo-relevance feedback) lets headline_mismatch see a
// story's words that one body happens not to use: a body's vector is
// extended with the vectors of the corpus bodies most like it, weighted by
// their similarity. A headline that says "3-boobed woman" then meets a
// body about "a third breast" through the other bodies of the story that
// say both. Measured on the dev mismatch set, it lifts unrelated_f1 from
// 0.984 to 0.987.
//
// Each distinct body keeps its expandTerms strongest terms; neighbours are
// found through an inverted index over them, in which terms standing in
// more than expandMaxPosting bodies are passed over (they carry little
// weight and would make the search quadratic).

const (
	expandTerms      = 64
	expandMaxPosting = 512
	// expandMinSim is the similarity a neighbour body needs.
	expandMinSim = 0.2
	// expandWeight scales a neighbour's contribution (times its
	// similarity).
	expandWeight = 1.0
	// expandNeighbours bounds the neighbours that extend a body: a story
	// the corpus carries many times lends its words through a few.
	expandNeighbours = 16
)

// topTerms returns the k terms of sorted ids with the highest
// (1+ln tf)·idf, as a vector of raw term frequencies sorted by id.
func topTerms(ids []uint64, k int, idf func(uint64) float64) vector {
	var v vector
	for i := 0; i < len(ids); {
		j := i + 1
		for j < len(ids) && ids[j] == ids[i] {
			j++
		}
		v = append(v, term{ids[i], float64(j - i)})
		i = j
	}
	if len(v) > k {
		type weighed struct {
			t term
			w float64
		}
		ws := make([]weighed, len(v))
		for i, t := range v {
			ws[i] = weighed{t, tfWeight(int(t.w)) * idf(t.id)}
		}
		slices.SortFunc(ws, func(a, b weighed) int {
			switch {
			case a.w > b.w:
				return -1
			case a.w < b.w:
				return 1
			}
			return cmp.Compare(a.t.id, b.t.id)
		})
		for i := range k {
			v[i] = ws[i].t
		}
		v = v[:k]
		slices.SortFunc(v, func(a, b term) int {
			switch {
			case a.id < b.id:
				return -1
			case a.id > b.id:
				return 1
			}
			return 0
		})
	}
	return v
}

// expansions returns, per body, the weighted sum of its neighbours'
// vectors. tops holds each body's top terms with raw frequencies.
func expansions(tops []vector, idf func(uint64) float64) []vector {
	vecs := make([]vector, len(tops))
	for b, t := range tops {
		v := make(vector, len(t))
		for i, x := range t {
			v[i] = term{x.id, (1 + math.Log(x.w)) * idf(x.id)}
		}
		if n := v.norm(); n > 0 {
			for i := range v {
				v[i].w /= n
			}
		}
		vecs[b] = v
	}
	type posting struct {
		body int32
		w    float64
	}
	post := make(map[uint64][]posting)
	for b, v := range vecs {
		for _, x := range v {
			post[x.id] = append(post[x.id], posting{int32(b), x.w})
		}
	}
	exp := make([]vector, len(vecs))
	acc := make(map[int32]float64)
	sum := make(map[uint64]float64)
	for b, v := range vecs {
		clear(acc)
		for _, x := range v {
			list := post[x.id]
			if len(list) > expandMaxPosting {
				continue
			}
			for _, p := range list {
				if int(p.body) != b {
					acc[p.body] += x.w * p.w
				}
			}
		}
		var near []int32
		for o, sim := range acc {
			if sim >= expandMinSim {
				near = append(near, o)
			}
		}
		// The most similar first, ties by number: a fixed order, so that
		// sums do not depend on map order.
		slices.SortFunc(near, func(x, y int32) int {
			if c := cmp.Compare(acc[y], acc[x]); c != 0 {
				return c
			}
			return cmp.Compare(x, y)
		})
		near = near[:min(len(near), expandNeighbours)]
		clear(sum)
		for _, o := range near {
			for _, t := range vecs[o] {
				sum[t.id] += expandWeight * acc[o] * t.w
			}
		}
		e := make(vector, 0, len(sum))
		for id, w := range sum {
			e = append(e, term{id, w})
		}
		slices.SortFunc(e, func(a, b term) int { return cmp.Compare(a.id, b.id) })
		exp[b] = e
	}
	return exp
}
