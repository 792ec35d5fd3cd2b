package dedup

import (
	"math"
	"slices"
	"sync"
	"sync/atomic"
)

// The topic detectors (headline_mismatch, off_topic) work on term vectors.
// What depends on the body alone, a bodyAnalysis, is built once per
// distinct body and memoised by the Scanner: crawls carry the same body
// under many urls and headlines (the dev mismatch corpus has 12,974
// articles and 471 bodies). What depends on the headline and on the other
// detectors' findings, an analysis, is built per article on top of it.

// bodyAnalysis holds the term vectors of one body. It is immutable once
// built, but for its memoised bisection, and safe for concurrent use.
//
// Terms are numbered locally: vocab holds the body's distinct term ids in
// ascending order and a term's local index is its position there, so a
// dense array over local indexes is also in global id order.
type bodyAnalysis struct {
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
	// repeats memoises DetectRepeatedParagraphs on the body alone.
	repeatsOnce sync.Once
	repeats     []Finding
	size        int // approximate bytes, for the memo's budget
}

// analysis is one article's view of its body: the headline's vector and
// the paragraphs other detectors already explained. Scanners pool them;
// one is used by one goroutine at a time.
type analysis struct {
	*bodyAnalysis
	// title is the headline's TF-IDF vector over the body's vocabulary;
	// titleNorm the length of the whole headline vector, and titleAll
	// the whole vector over global ids.
	title     lvector
	titleNorm float64
	titleAll  vector
	// skip marks the paragraphs other detectors explained (residue, a
	// repeated headline or paragraph): the topic detectors pass them over.
	skip []bool
	// body is the dense TF-IDF vector of the paragraphs not skipped.
	body []float64

	t      termizer
	ids    []uint64
	counts []float64
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

// newBodyAnalysis analyses the paragraphs of doc.
func newBodyAnalysis(doc *Document, vocab *Vocabulary, t *termizer) *bodyAnalysis {
	n := len(doc.Paragraphs)
	b := &bodyAnalysis{words: make([]int, n), paras: make([]lvector, n), counts: make([]lvector, n)}
	var ids []uint64
	spans := make([]int, 1, n+1)
	for i, p := range doc.Paragraphs {
		b.words[i] = countWords(p.Text)
		ids = t.appendTerms(ids, p.Text)
		spans = append(spans, len(ids))
	}
	b.vocab = slices.Clone(ids)
	slices.Sort(b.vocab)
	b.vocab = slices.Compact(b.vocab)
	b.idf = make([]float64, len(b.vocab))
	for i, id := range b.vocab {
		b.idf[i] = vocab.idf(id)
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
			arena = append(arena, lterm{c.i, tfWeight(int(c.w)) * b.idf[c.i]})
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

// reset analyses doc over its body's analysis, skipping the paragraphs
// that findings fs explain.
func (a *analysis) reset(doc *Document, body *bodyAnalysis, vocab *Vocabulary, fs []Finding) {
	a.bodyAnalysis = body
	n := len(doc.Paragraphs)
	a.skip = slices.Grow(a.skip[:0], n)[:n]
	clear(a.skip)
	for _, f := range fs {
		if f.Paragraph >= 0 && f.Paragraph < n {
			a.skip[f.Paragraph] = true
		}
	}

	a.ids = a.t.appendTerms(a.ids[:0], doc.Title)
	a.titleAll = weigh(a.titleAll[:0], a.ids, vocab.idf) // sorts a.ids
	a.titleNorm = a.titleAll.norm()
	a.title = a.title[:0]
	for _, t := range a.titleAll {
		if j, ok := slices.BinarySearch(body.vocab, t.id); ok {
			a.title = append(a.title, lterm{int32(j), t.w})
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
			a.body[j] = tfWeight(int(c)) * body.idf[j]
		}
	}
}

// appendRepeats appends the repeated_paragraph findings of doc, whose
// body b analyses, to fs, which holds its repeated_headline findings.
// The repeats depend on the body alone but for copies of the headline,
// which are repeated_headline's business: they are found once per body
// and those on a repeated headline are dropped here.
func (b *bodyAnalysis) appendRepeats(fs []Finding, doc *Document) []Finding {
	b.repeatsOnce.Do(func() {
		b.repeats = DetectRepeatedParagraphs(&Document{Paragraphs: doc.Paragraphs})
	})
	n := len(fs)
	for _, f := range b.repeats {
		if slices.ContainsFunc(fs[:n], func(h Finding) bool {
			return h.Kind == KindRepeatedHeadline && h.Paragraph == f.Paragraph
		}) {
			continue
		}
		f.Line = doc.Paragraphs[f.Paragraph].Line
		fs = append(fs, f)
	}
	return fs
}

// countries returns, for each paragraph, the countries it names (see
// countriesOf), sorted.
func (b *bodyAnalysis) countries() [][]uint64 {
	b.namedOnce.Do(func() {
		b.named = make([][]uint64, len(b.counts))
		for i, v := range b.counts {
			var cs []uint64
			for _, t := range v {
				cs = countriesOf(cs, b.vocab[t.i])
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

// global returns the dense local vector d as a sparse vector over global
// term ids.
func (b *bodyAnalysis) global(d []float64) vector {
	var v vector
	for j, w := range d {
		if w != 0 {
			v = append(v, term{b.vocab[j], w})
		}
	}
	return v
}

// dense returns a zeroed dense vector over the local vocabulary.
func (b *bodyAnalysis) dense() []float64 { return make([]float64, len(b.vocab)) }

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

// bodyMemo keeps the analyses of recent bodies within a byte budget,
// evicting the oldest first. It is safe for concurrent use.
type bodyMemo struct {
	mu     sync.Mutex
	m      map[uint64]*bodyAnalysis
	fifo   []uint64
	size   int
	budget int
}

// memoBudget bounds the memory of a scanner's body memo.
const memoBudget = 64 << 20

func newBodyMemo(budget int) *bodyMemo {
	return &bodyMemo{m: make(map[uint64]*bodyAnalysis), budget: budget}
}

func (m *bodyMemo) get(k uint64) *bodyAnalysis {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.m[k]
}

func (m *bodyMemo) put(k uint64, b *bodyAnalysis) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.m[k]; ok || b.size > m.budget {
		return
	}
	for m.size+b.size > m.budget && len(m.fifo) > 0 {
		old := m.fifo[0]
		m.fifo = m.fifo[1:]
		m.size -= m.m[old].size
		delete(m.m, old)
	}
	m.m[k] = b
	m.fifo = append(m.fifo, k)
	m.size += b.size
}
