package corpus

import (
	"cmp"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/newsdedup/newsdedup/dedup/internal/terms"
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
//
// The corpus keeps, per body, its top terms packed (at most expandTerms
// × 6 bytes and 12 more, see topTable; the unit vector is made again
// when read) and its neighbours (at most expandNeighbours × 4 bytes and
// 4 more, see nearTable), not the sums: a sum of 16 neighbours holds up
// to 16 times the terms, and is made again, in the same order, when the
// scan asks for it (Corpus.Expansion).

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

// topScratch is the scratch space of topTerms; the zero value is ready.
type topScratch struct {
	v  terms.Vector
	ws []weighed
}

type weighed struct {
	t terms.Term
	w float64
}

// topTerms returns the k terms of sorted ids with the highest
// (1+ln tf)·idf, as a vector of raw term frequencies sorted by id, in an
// array of its own length (the builder keeps one per body: a body's
// every term, as the scratch holds them, is about 3 KB). s may be nil.
func topTerms(s *topScratch, ids []uint64, k int, idf func(uint64) float64) terms.Vector {
	if s == nil {
		s = new(topScratch)
	}
	v := s.v[:0]
	defer func() { s.v = v[:0] }()
	for i := 0; i < len(ids); {
		j := i + 1
		for j < len(ids) && ids[j] == ids[i] {
			j++
		}
		v = append(v, terms.Term{ID: ids[i], W: float64(j - i)})
		i = j
	}
	if len(v) > k {
		ws := slices.Grow(s.ws[:0], len(v))[:len(v)]
		s.ws = ws
		for i, t := range v {
			ws[i] = weighed{t, terms.TF(int(t.W)) * idf(t.ID)}
		}
		selectTop(ws, k)
		for i := range k {
			v[i] = ws[i].t
		}
		slices.SortFunc(v[:k], func(a, b terms.Term) int {
			switch {
			case a.ID < b.ID:
				return -1
			case a.ID > b.ID:
				return 1
			}
			return 0
		})
		return slices.Clone(v[:k])
	}
	if len(v) == 0 {
		return nil
	}
	return slices.Clone(v)
}

// heavier reports whether a comes before b among the top terms: by
// weight, the heavier first, then by id. The order is total (ids are
// distinct), so which terms are the top k does not depend on how they
// are found.
func heavier(a, b weighed) bool {
	return a.w > b.w || a.w == b.w && a.t.ID < b.t.ID
}

// selectTop moves the k heaviest of ws (see heavier) to ws[:k], in no
// particular order: a quickselect, linear on average, where sorting
// every term of a body took a tenth of counting the corpus.
func selectTop(ws []weighed, k int) {
	lo, hi := 0, len(ws)-1
	for lo < hi {
		p := ws[lo+(hi-lo)/2]
		i, j := lo, hi
		for i <= j {
			for heavier(ws[i], p) {
				i++
			}
			for heavier(p, ws[j]) {
				j--
			}
			if i <= j {
				ws[i], ws[j] = ws[j], ws[i]
				i++
				j--
			}
		}
		switch {
		case k-1 <= j:
			hi = j
		case k-1 >= i:
			lo = i
		default:
			return
		}
	}
}

// nearTable holds each body's neighbours, most similar first: body b's
// are body[off[b]:off[b+1]]. Their similarities are not kept (they took 8
// bytes more a neighbour): sim computes them again with the very
// operations neighbours summed them with, so the sums are the same floats.
type nearTable struct {
	off  []uint32
	body []int32
	// common marks, by dictionary index, the terms of more than
	// expandMaxPosting bodies, which the search passes over.
	common []bool
}

// of returns the neighbours of body b.
func (n *nearTable) of(b int) []int32 {
	if n == nil || b+1 >= len(n.off) {
		return nil
	}
	return n.body[n.off[b]:n.off[b+1]]
}

// sim returns the similarity neighbours found between body b, of unit
// vector ub, and body o, of unit vector uo: the products of their shared
// terms that are not common, summed in b's term order.
func (n *nearTable) sim(t *topTable, b int, ub, uo terms.Vector) float64 {
	var s float64
	j, base := 0, int(t.off[b])
	for k, x := range ub {
		if n.common[t.term[base+k]] {
			continue
		}
		for j < len(uo) && uo[j].ID < x.ID {
			j++
		}
		if j < len(uo) && uo[j].ID == x.ID {
			s += x.W * uo[j].W
		}
	}
	return s
}

// expansions returns each body's neighbours, most similar first, from
// each body's unit vector of top terms. Up to workers goroutines share
// the bodies; the result does not depend on how many.
func expansions(t *topTable, workers int) *nearTable {
	// The inverted index, by dictionary index, laid out in one array of
	// 12 bytes a posting: term i's are at start[i]:start[i+1].
	start := make([]int32, len(t.ids)+1)
	for _, i := range t.term {
		start[i+1]++
	}
	for i := range len(t.ids) {
		start[i+1] += start[i]
	}
	fill := append([]int32(nil), start[:len(t.ids)]...)
	pbody := make([]int32, len(t.term))
	pw := make([]float64, len(t.term))
	var v terms.Vector
	for b := range t.bodies() {
		v = t.unit(v[:0], b)
		for k, x := range v {
			i := t.term[int(t.off[b])+k]
			pbody[fill[i]], pw[fill[i]] = int32(b), x.W
			fill[i]++
		}
	}
	n := t.bodies()
	near := make([][]int32, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(workers, n)) {
		wg.Go(func() {
			e := expander{tops: t, start: start, pbody: pbody, pw: pw, acc: make([]float64, n), seen: make([]bool, n)}
			for {
				b := int(next.Add(1) - 1)
				if b >= n {
					return
				}
				near[b] = e.neighbours(b)
			}
		})
	}
	wg.Wait()
	nt := &nearTable{off: make([]uint32, n+1), common: make([]bool, len(t.ids))}
	for i := range t.ids {
		nt.common[i] = start[i+1]-start[i] > expandMaxPosting
	}
	total := 0
	for _, l := range near {
		total += len(l)
	}
	nt.body = make([]int32, 0, total)
	for b, l := range near {
		nt.body = append(nt.body, l...)
		nt.off[b+1] = uint32(len(nt.body))
	}
	return nt
}

// expansion returns the weighted sum of the vectors of body b's
// neighbours, merging them one by one (each term's weights add up in
// neighbour order), built in out and tmp, which it reuses; and its
// squared length.
func expansion(t *topTable, nt *nearTable, b int, out, tmp terms.Vector) (terms.Vector, terms.Vector, float64) {
	out = out[:0]
	near := nt.of(b)
	if len(near) == 0 {
		return out, tmp, 0
	}
	pv, pb := vecPool.Get().(*terms.Vector), vecPool.Get().(*terms.Vector)
	defer vecPool.Put(pv)
	defer vecPool.Put(pb)
	*pb = t.unit((*pb)[:0], b)
	for _, o := range near {
		*pv = t.unit((*pv)[:0], int(o))
		sim := nt.sim(t, b, *pb, *pv)
		tmp = terms.AddScaled(tmp, out, *pv, expandWeight*sim)
		out, tmp = tmp, out
	}
	n := out.Norm()
	return out, tmp, n * n
}

// expander finds the neighbours of one body at a time: acc holds the
// similarity to each other body met, seen marks them; both are cleared
// between bodies.
type expander struct {
	tops         *topTable
	start, pbody []int32
	pw           []float64
	vec          terms.Vector
	acc          []float64
	seen         []bool
	touched      []int32
	near         []int32
}

// neighbours returns the neighbours of body b.
func (e *expander) neighbours(b int) []int32 {
	e.touched = e.touched[:0]
	e.vec = e.tops.unit(e.vec[:0], b)
	for k, x := range e.vec {
		i := e.tops.term[int(e.tops.off[b])+k]
		lo, hi := e.start[i], e.start[i+1]
		if hi-lo > expandMaxPosting {
			continue
		}
		for p := lo; p < hi; p++ {
			o := e.pbody[p]
			if int(o) == b {
				continue
			}
			if !e.seen[o] {
				e.seen[o] = true
				e.touched = append(e.touched, o)
			}
			e.acc[o] += x.W * e.pw[p]
		}
	}
	e.near = e.near[:0]
	for _, o := range e.touched {
		if e.acc[o] >= expandMinSim {
			e.near = append(e.near, o)
		}
	}
	// The most similar first, ties by number: a fixed order, so that
	// sums do not depend on the order bodies were met.
	slices.SortFunc(e.near, func(x, y int32) int {
		if c := cmp.Compare(e.acc[y], e.acc[x]); c != 0 {
			return c
		}
		return cmp.Compare(x, y)
	})
	var out []int32
	if n := min(len(e.near), expandNeighbours); n > 0 {
		out = slices.Clone(e.near[:n])
	}
	for _, o := range e.touched {
		e.acc[o], e.seen[o] = 0, false
	}
	return out
}
