package topic

import (
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/dedup/internal/places"
	"github.com/newsdedup/newsdedup/dedup/internal/terms"
)

// The topic detectors work on term vectors. What depends on the body
// alone, a Body, is built once per distinct body and may be memoised by
// the caller: crawls carry the same body under many urls and headlines
// (the dev mismatch corpus has 12,974 articles and 471 bodies). What
// depends on the headline and on the other detectors' findings, an
// analysis, is built per article on top of it.

// Body holds the term vectors of one body. It is immutable once built, but
// for its memoised bisection and countries, and safe for concurrent use.
//
// Terms are numbered locally: vocab holds the body's distinct term ids in
// ascending order and a term's local index is its position there, so a
// dense array over local indexes is also in global id order.
type Body struct {
	vocab []uint64
	idf   []float64
	// paras are the unit-length TF-IDF vectors of the paragraphs (empty
	// for one with no terms); counts their raw term counts.
	paras  []lvector
	counts []lvector
	// words counts the words of each paragraph.
	words []int
	// split memoises the spectral bisection of offTopicAlone.
	split atomic.Pointer[bisection]
	// named memoises the countries each paragraph names (see places).
	namedOnce sync.Once
	named     [][]uint64
	size      int // approximate bytes, for a memo's budget
}

// analysis is one article's view of its body: the headline's vector and
// the paragraphs other detectors already explained. Detectors pool them;
// one is used by one goroutine at a time.
type analysis struct {
	*Body
	// title is the headline's TF-IDF vector over the body's vocabulary;
	// titleNorm the length of the whole headline vector, and titleAll
	// the whole vector over global ids.
	title     lvector
	titleNorm float64
	titleAll  terms.Vector
	// skip marks the paragraphs other detectors explained (residue, a
	// repeated headline or paragraph): the topic detectors pass them over.
	skip []bool
	// body is the dense TF-IDF vector of the paragraphs not skipped.
	body []float64

	t      terms.Termizer
	ids    []uint64
	counts []float64
	// expand and spare are the scratch of the body's expansion (see
	// corpus.Expansion); blockAll, shared and sharedTmp that of the
	// corpus test of off_topic.
	expand, spare               terms.Vector
	blockAll, shared, sharedTmp terms.Vector
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

// dot returns v·w.
func (v lvector) dot(w lvector) float64 {
	var s float64
	for i, j := 0, 0; i < len(v) && j < len(w); {
		switch {
		case v[i].i < w[j].i:
			i++
		case v[i].i > w[j].i:
			j++
		default:
			s += v[i].w * w[j].w
			i++
			j++
		}
	}
	return s
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

// newBody analyses the paragraphs of doc.
func newBody(doc *model.Doc, vocab *terms.Vocabulary, t *terms.Termizer) *Body {
	n := len(doc.Paras)
	b := &Body{words: make([]int, n), paras: make([]lvector, n), counts: make([]lvector, n)}
	var ids []uint64
	spans := make([]int, 1, n+1)
	for i, p := range doc.Paras {
		b.words[i] = terms.CountWords(p)
		ids = t.Append(ids, p)
		spans = append(spans, len(ids))
	}
	b.vocab = slices.Clone(ids)
	slices.Sort(b.vocab)
	b.vocab = slices.Compact(b.vocab)
	b.idf = make([]float64, len(b.vocab))
	for i, id := range b.vocab {
		b.idf[i] = vocab.IDF(id)
	}
	local := make([]int32, len(ids))
	for i, id := range ids {
		j, _ := slices.BinarySearch(b.vocab, id)
		local[i] = int32(j)
	}
	// One allocation for all the vectors of the body.
	arena := make([]lterm, 0, 2*len(ids))
	for i := range n {
		span := local[spans[i]:spans[i+1]]
		slices.Sort(span)
		start := len(arena)
		for k := 0; k < len(span); {
			l := k + 1
			for l < len(span) && span[l] == span[k] {
				l++
			}
			arena = append(arena, lterm{span[k], float64(l - k)})
			k = l
		}
		counts := lvector(arena[start:len(arena):len(arena)])
		start = len(arena)
		for _, c := range counts {
			arena = append(arena, lterm{c.i, terms.TF(int(c.w)) * b.idf[c.i]})
		}
		v := lvector(arena[start:len(arena):len(arena)])
		if nv := v.norm(); nv > 0 {
			for k := range v {
				v[k].w /= nv
			}
		}
		b.paras[i], b.counts[i] = v, counts
	}
	b.size = 16*cap(arena) + 24*len(b.vocab) + 64*n + 256
	return b
}

// reset analyses doc over its body's analysis, passing over the
// paragraphs that skip marks (nil: none).
func (a *analysis) reset(doc *model.Doc, body *Body, vocab *terms.Vocabulary, skip []bool) {
	a.Body = body
	n := len(doc.Paras)
	a.skip = slices.Grow(a.skip[:0], n)[:n]
	clear(a.skip)
	copy(a.skip, skip)

	a.ids = a.t.Append(a.ids[:0], doc.Title)
	a.titleAll = terms.Weigh(a.titleAll[:0], a.ids, vocab.IDF) // sorts a.ids
	a.titleNorm = a.titleAll.Norm()
	a.title = a.title[:0]
	for _, t := range a.titleAll {
		if j, ok := slices.BinarySearch(body.vocab, t.ID); ok {
			a.title = append(a.title, lterm{int32(j), t.W})
		}
	}

	a.counts = slices.Grow(a.counts[:0], len(body.vocab))[:len(body.vocab)]
	clear(a.counts)
	for i, c := range body.counts {
		if !a.skip[i] {
			c.addTo(a.counts, 1)
		}
	}
	a.body = slices.Grow(a.body[:0], len(body.vocab))[:len(body.vocab)]
	for j, c := range a.counts {
		a.body[j] = 0
		if c > 0 {
			a.body[j] = terms.TF(int(c)) * body.idf[j]
		}
	}
}

// countries returns, for each paragraph, the countries it names (see
// places.Countries), sorted.
func (b *Body) countries() [][]uint64 {
	b.namedOnce.Do(func() {
		b.named = make([][]uint64, len(b.counts))
		for i, v := range b.counts {
			var cs []uint64
			for _, t := range v {
				cs = places.Countries(cs, b.vocab[t.i])
			}
			slices.Sort(cs)
			b.named[i] = slices.Compact(cs)
		}
	})
	return b.named
}

// para returns the vector of paragraph i, or nil when it is skipped.
func (a *analysis) para(i int) lvector {
	if a.skip[i] {
		return nil
	}
	return a.paras[i]
}

// appendGlobal appends the dense local vector d to v as a sparse vector
// over global term ids.
func (b *Body) appendGlobal(v terms.Vector, d []float64) terms.Vector {
	for j, w := range d {
		if w != 0 {
			v = append(v, terms.Term{ID: b.vocab[j], W: w})
		}
	}
	return v
}

// dense returns a zeroed dense vector over the local vocabulary.
func (b *Body) dense() []float64 { return make([]float64, len(b.vocab)) }

// denseDot returns the dot product of two dense vectors.
func denseDot(x, y []float64) float64 {
	var d float64
	for i := range x {
		d += x[i] * y[i]
	}
	return d
}

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
