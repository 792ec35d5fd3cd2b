package corpus

import (
	"sync"

	"github.com/newsdedup/newsdedup/dedup/internal/terms"
)

// topTable holds every body's top terms (see expand.go) packed: per term
// a 4-byte index into a dictionary of the terms met and a 1-byte raw
// frequency (a larger one is kept aside), per body a 4-byte offset and
// an 8-byte norm, where a terms.Vector takes 16 bytes a term. A body of
// expandTerms terms costs 332 bytes instead of 1,024; each distinct term
// 28 bytes and a map entry. The weights are made again when read, with the same
// operations in the same order as weighing the vector once: the same
// floats.
//
// Add bodies in order, then call weigh once the vocabulary is final;
// after that, reads (unit, cos) are safe for concurrent use.
type topTable struct {
	dict map[uint64]uint32 // term id -> index
	ids  []uint64          // index -> term id
	idf  []float64         // index -> idf, set by weigh
	// Body b's terms are term[off[b]:off[b+1]], in term-id order, with
	// frequencies tf (maxTF meaning: look in big, by position).
	off  []uint32
	term []uint32
	tf   []uint8
	big  map[uint32]uint32
	norm []float64 // per body, the length of its weighed terms, set by weigh
}

const maxTF = 1<<8 - 1

func newTopTable() *topTable {
	return &topTable{dict: make(map[uint64]uint32), off: []uint32{0}}
}

// bodies returns the number of bodies added.
func (t *topTable) bodies() int { return len(t.off) - 1 }

// add appends the next body's top terms, v holding raw frequencies.
func (t *topTable) add(v terms.Vector) {
	for _, x := range v {
		i, ok := t.dict[x.ID]
		if !ok {
			i = uint32(len(t.ids))
			t.dict[x.ID] = i
			t.ids = append(t.ids, x.ID)
		}
		t.term = append(t.term, i)
		if n := uint32(x.W); n < maxTF {
			t.tf = append(t.tf, uint8(n))
		} else {
			if t.big == nil {
				t.big = make(map[uint32]uint32)
			}
			t.big[uint32(len(t.tf))] = n
			t.tf = append(t.tf, maxTF)
		}
	}
	t.off = append(t.off, uint32(len(t.term)))
}

// weigh sets the idf of every term and the norm of every body.
func (t *topTable) weigh(idf func(uint64) float64) {
	t.idf = make([]float64, len(t.ids))
	for i, id := range t.ids {
		t.idf[i] = idf(id)
	}
	t.norm = make([]float64, t.bodies())
	var v terms.Vector
	for b := range t.norm {
		v = t.weighed(v[:0], b)
		t.norm[b] = v.Norm()
	}
}

// freq returns the raw frequency of the term at position p.
func (t *topTable) freq(p int) int {
	if n := t.tf[p]; n != maxTF {
		return int(n)
	}
	return int(t.big[uint32(p)])
}

// weighed appends body b's terms weighed (1+ln tf)·idf to dst
// (terms.TF's table holds the very floats 1+math.Log gives).
func (t *topTable) weighed(dst terms.Vector, b int) terms.Vector {
	for p := t.off[b]; p < t.off[b+1]; p++ {
		i := t.term[p]
		dst = append(dst, terms.Term{ID: t.ids[i], W: terms.TF(t.freq(int(p))) * t.idf[i]})
	}
	return dst
}

// unit appends body b's unit vector of top terms to dst.
func (t *topTable) unit(dst terms.Vector, b int) terms.Vector {
	n0 := len(dst)
	dst = t.weighed(dst, b)
	if n := t.norm[b]; n > 0 {
		for i := n0; i < len(dst); i++ {
			dst[i].W /= n
		}
	}
	return dst
}

// vecPool holds scratch vectors for reading a topTable concurrently.
var vecPool = sync.Pool{New: func() any { return new(terms.Vector) }}

// cos returns the cosine similarity of the top terms of bodies a and b.
func (t *topTable) cos(a, b int) float64 {
	pa, pb := vecPool.Get().(*terms.Vector), vecPool.Get().(*terms.Vector)
	defer vecPool.Put(pa)
	defer vecPool.Put(pb)
	*pa, *pb = t.unit((*pa)[:0], a), t.unit((*pb)[:0], b)
	return terms.Dot(*pa, *pb)
}
