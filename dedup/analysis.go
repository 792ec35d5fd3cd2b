package dedup

import (
	"math"
	"slices"
)

// analysis holds the term vectors of one document, shared by the topic
// detectors. Scanners pool them; one is used by one goroutine at a time.
//
// Terms are numbered locally: vocab holds the document's distinct term ids
// in ascending order and a term's local index is its position there, so a
// dense array over local indices is also in global id order.
type analysis struct {
	t termizer
	// vocab is the document's distinct term ids, sorted; idf their weights.
	vocab []uint64
	idf   []float64
	// title is the headline's TF-IDF vector.
	title lvector
	// paras are the unit-length TF-IDF vectors of the paragraphs; empty
	// for a paragraph that another detector already explained (residue,
	// a repeated headline or paragraph) or that has no terms.
	paras []lvector
	// body is the dense TF-IDF vector of all the paragraphs that count.
	body []float64
	// words counts the words of each paragraph.
	words []int
	// skip marks the paragraphs other detectors explained.
	skip []bool

	ids    []uint64 // all term ids: the title's, then each paragraph's
	spans  []int    // paragraph i's ids are ids[spans[i]:spans[i+1]]
	counts []float64
	local  []int32
	arena  []lterm
}

// lterm is an entry of a sparse vector over local term indexes.
type lterm struct {
	i int32
	w float64
}

// lvector is a sparse vector over local indexes, sorted by index.
type lvector []lterm

func (v lvector) norm() float64 {
	var s float64
	for _, t := range v {
		s += t.w * t.w
	}
	return math.Sqrt(s)
}

// dotDense returns v·d.
func (v lvector) dotDense(d []float64) float64 {
	var s float64
	for _, t := range v {
		s += t.w * d[t.i]
	}
	return s
}

// addTo adds k·v to the dense d.
func (v lvector) addTo(d []float64, k float64) {
	for _, t := range v {
		d[t.i] += k * t.w
	}
}

// sublinear[n] is 1+ln(n), the weight of a term seen n times.
var sublinear = func() [64]float64 {
	var t [64]float64
	for n := 1; n < len(t); n++ {
		t[n] = 1 + math.Log(float64(n))
	}
	return t
}()

func tfWeight(n int) float64 {
	if n < len(sublinear) {
		return sublinear[n]
	}
	return 1 + math.Log(float64(n))
}

// reset analyses doc, skipping the paragraphs that findings fs explain.
func (a *analysis) reset(doc *Document, vocab *Vocabulary, fs []Finding) {
	n := len(doc.Paragraphs)
	a.skip = slices.Grow(a.skip[:0], n)[:n]
	clear(a.skip)
	for _, f := range fs {
		if f.Paragraph >= 0 && f.Paragraph < n {
			a.skip[f.Paragraph] = true
		}
	}
	a.words = slices.Grow(a.words[:0], n)[:n]
	a.ids = a.t.appendTerms(a.ids[:0], doc.Title)
	a.spans = append(a.spans[:0], len(a.ids))
	for i, p := range doc.Paragraphs {
		a.words[i] = countWords(p.Text)
		if !a.skip[i] {
			a.ids = a.t.appendTerms(a.ids, p.Text)
		}
		a.spans = append(a.spans, len(a.ids))
	}

	// The local vocabulary and its weights.
	a.vocab = append(a.vocab[:0], a.ids...)
	slices.Sort(a.vocab)
	a.vocab = slices.Compact(a.vocab)
	a.idf = slices.Grow(a.idf[:0], len(a.vocab))[:len(a.vocab)]
	for i, t := range a.vocab {
		a.idf[i] = vocab.idf(t)
	}
	a.local = slices.Grow(a.local[:0], len(a.ids))[:len(a.ids)]
	for i, t := range a.ids {
		j, _ := slices.BinarySearch(a.vocab, t)
		a.local[i] = int32(j)
	}

	a.arena = a.arena[:0]
	a.title = a.weigh(a.local[:a.spans[0]], false)
	a.paras = slices.Grow(a.paras[:0], n)[:n]
	a.counts = slices.Grow(a.counts[:0], len(a.vocab))[:len(a.vocab)]
	clear(a.counts)
	for i := range n {
		span := a.local[a.spans[i]:a.spans[i+1]]
		for _, j := range span {
			a.counts[j]++
		}
		a.paras[i] = a.weigh(span, true)
	}
	a.body = slices.Grow(a.body[:0], len(a.vocab))[:len(a.vocab)]
	for j, c := range a.counts {
		a.body[j] = 0
		if c > 0 {
			a.body[j] = tfWeight(int(c)) * a.idf[j]
		}
	}
}

// weigh returns the TF-IDF vector of the local indexes in span (which it
// sorts), unit length when unit is set, carved from the arena. Vectors
// stay valid until the next reset: when the arena grows, the earlier ones
// keep the old array.
func (a *analysis) weigh(span []int32, unit bool) lvector {
	slices.Sort(span)
	start := len(a.arena)
	for i := 0; i < len(span); {
		j := i + 1
		for j < len(span) && span[j] == span[i] {
			j++
		}
		a.arena = append(a.arena, lterm{span[i], tfWeight(j-i) * a.idf[span[i]]})
		i = j
	}
	v := lvector(a.arena[start:len(a.arena):len(a.arena)])
	if unit {
		if nv := v.norm(); nv > 0 {
			for k := range v {
				v[k].w /= nv
			}
		}
	}
	return v
}

// global returns the dense local vector d as a sparse vector over global
// term ids.
func (a *analysis) global(d []float64) vector {
	var v vector
	for j, w := range d {
		if w != 0 {
			v = append(v, term{a.vocab[j], w})
		}
	}
	return v
}

// globalSparse returns the local vector v over global term ids.
func (a *analysis) globalSparse(v lvector) vector {
	g := make(vector, len(v))
	for k, t := range v {
		g[k] = term{a.vocab[t.i], t.w}
	}
	return g
}

// dense returns a zeroed dense vector over the local vocabulary.
func (a *analysis) dense() []float64 { return make([]float64, len(a.vocab)) }

// denseCos returns the cosine similarity of two dense vectors.
func denseCos(x, y []float64) float64 {
	var d, nx, ny float64
	for i := range x {
		d += x[i] * y[i]
		nx += x[i] * x[i]
		ny += y[i] * y[i]
	}
	if nx == 0 || ny == 0 {
		return 0
	}
	return d / math.Sqrt(nx*ny)
}
