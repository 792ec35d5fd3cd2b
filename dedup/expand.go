package dedup

import (
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
		slices.SortFunc(v, func(a, b term) int {
			wa := (1 + math.Log(a.w)) * idf(a.id)
			wb := (1 + math.Log(b.w)) * idf(b.id)
			switch {
			case wa > wb:
				return -1
			case wa < wb:
				return 1
			}
			return 0
		})
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
	post := make(map[uint64][]int32)
	for b, v := range vecs {
		for _, x := range v {
			post[x.id] = append(post[x.id], int32(b))
		}
	}
	exp := make([]vector, len(vecs))
	acc := make(map[int32]float64)
	var tmp vector
	for b, v := range vecs {
		clear(acc)
		for _, x := range v {
			list := post[x.id]
			if len(list) > expandMaxPosting {
				continue
			}
			for _, o := range list {
				if int(o) != b {
					acc[o] += x.w * vecs[o][idx(vecs[o], x.id)].w
				}
			}
		}
		var near []int32
		for o, sim := range acc {
			if sim >= expandMinSim {
				near = append(near, o)
			}
		}
		slices.Sort(near) // a fixed order: sums must not depend on map order
		var e vector
		for _, o := range near {
			tmp = addScaled(tmp[:0], e, vecs[o], expandWeight*acc[o])
			e, tmp = tmp, e
		}
		exp[b] = slices.Clone(e)
	}
	return exp
}

// idx returns the index of term id in v, which must hold it.
func idx(v vector, id uint64) int {
	i, _ := slices.BinarySearchFunc(v, id, func(t term, id uint64) int {
		switch {
		case t.id < id:
			return -1
		case t.id > id:
			return 1
		}
		return 0
	})
	return i
}
