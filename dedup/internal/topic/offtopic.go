package topic

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsdedup/newsdedup/dedup/internal/corpus"
	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/dedup/internal/places"
	"github.com/newsdedup/newsdedup/dedup/internal/terms"
)

// off_topic finds paragraphs spliced in from another story. Three tests run:
//
// Across the corpus (when there is one): a paragraph of eight words or
// more that also stands in other articles, which are not copies of this
// one, forms a block with the paragraphs that stand in exactly the same
// articles. The block's fit to an article is the cosine similarity of its
// TF-IDF vector with that article's headline (weighted as two paragraphs)
// and its other paragraphs. The block is off_topic here when another
// article fits it better by Options.OffTopicMargin (the finding names that
// article in related_id), or when it stands in two or more other articles
// and fits this one less than Options.OffTopicFloor: text that travels
// between unrelated articles is spliced in.
//
// Alone (every article): the paragraphs are split in two along their
// similarity graph (spectral bisection). When the two sides share little
// (their normalised cut is below Options.OffTopicCut) and the headline
// fits one side (at least Options.OffTopicSplit) three times better than
// the other, the other side is a story of its own and off_topic. A lone
// paragraph that shares nothing with the rest is left alone: quotes and
// asides look like that too.
//
// Mostly another story (every article; when it fires, the single-article
// test does not run): when half the paragraphs or more name a country the
// headline does not, the headline's story may be the few paragraphs;
// offTopicMajority tells the two apart with the help of place names.

// offTopicRatio is how many times better another article must fit a block
// than the one it stands in, besides OffTopicMargin: a scale-free test, so
// that a block that fits its own article well is not taken for a splice
// because another fits it a little better.
const offTopicRatio = 2

// offTopic appends the off_topic hits of doc to dst, in paragraph order.
func (s *Detector) offTopic(dst []model.Hit, doc *model.Doc, a *analysis, ord int) []model.Hit {
	flagged := make(map[int]model.Hit)
	if c := s.corpus; c != nil && c.Shared() {
		if self, ok := c.Body(ord); ok {
			s.offTopicCorpus(doc, a, self, flagged)
		}
	}
	// The tests on words alone run when the corpus found no splice: a
	// block with a donor tells which story is the host's.
	if !s.offTopicMajority(a, flagged) && !s.offTopicFew(a, flagged) && len(flagged) == 0 {
		s.offTopicAlone(doc, a, flagged)
	}
	n := len(dst)
	for _, h := range flagged {
		dst = append(dst, h)
	}
	sortHits(dst[n:])
	return dst
}

// storyCentroid returns titleWeight·title/|title| plus the paragraph
// vectors not left out, as a dense vector.
func (a *analysis) storyCentroid(out func(int) bool) []float64 {
	c := a.dense()
	if a.titleNorm > 0 {
		a.title.addTo(c, corpus.TitleWeight/a.titleNorm)
	}
	for i := range a.paras {
		if p := a.para(i); len(p) > 0 && !out(i) {
			p.addTo(c, 1)
		}
	}
	return c
}

// fitWithout returns cos(p, c-p) for a unit vector p that is part of c,
// where cc = |c|².
func fitWithout(p lvector, c []float64, cc float64) float64 {
	pc := p.dotDense(c)
	rest := cc - 2*pc + 1
	if rest <= 1e-12 {
		return 0
	}
	return (pc - 1) / math.Sqrt(rest)
}

func sumSquares(d []float64) float64 {
	var s float64
	for _, x := range d {
		s += x * x
	}
	return s
}

// offTopicCorpus runs the corpus test.
func (s *Detector) offTopicCorpus(doc *model.Doc, a *analysis, self int32, flagged map[int]model.Hit) {
	c := s.corpus
	// Group the shared paragraphs by the set of other bodies they stand
	// in: a transplanted block travels together.
	type group struct {
		others []int32
		paras  []int
	}
	var groups []*group
	keys := c.Keys(self)
	if len(keys) != len(doc.Paras) {
		return // not the document the corpus counted
	}
	// Copies of this story (bodies sharing more than half of their
	// paragraphs with it: the same wire story on other sites; or fewer,
	// with the words of this story: lightly edited copies, see
	// corpus.SameStory; or articles under the same headline, however
	// little of the body this one kept: a page that is mostly another
	// story keeps its own paragraphs, see majority_eval.py
	// --with-donors) are this story: a block it shares with them is its
	// own, wherever else the block stands.
	shared := make(map[int32]int)
	for i, k := range keys {
		if k == 0 || a.words[i] < corpus.MinSharedWords {
			continue
		}
		for _, b := range c.StandsIn(k) {
			if b != self {
				shared[b]++
			}
		}
	}
	selfLong := c.LongParas(self)
	copyOf := func(b int32) bool {
		return corpus.Copy(shared[b], selfLong, c.LongParas(b)) || c.SameStory(self, b) || sameHeadline(a, c.Content(b))
	}
	long := 0
	for i := range doc.Paras {
		if a.words[i] < corpus.MinSharedWords {
			continue
		}
		long++
		if len(a.para(i)) == 0 || keys[i] == 0 {
			continue
		}
		list := c.StandsIn(keys[i])
		if len(list) < 2 || len(list) > corpus.MaxSharedBodies || slices.ContainsFunc(list, func(b int32) bool { return b != self && copyOf(b) }) {
			continue
		}
		others := make([]int32, 0, len(list)-1)
		for _, b := range list {
			if b != self {
				others = append(others, b)
			}
		}
		i0 := slices.IndexFunc(groups, func(g *group) bool { return slices.Equal(g.others, others) })
		if i0 < 0 {
			groups = append(groups, &group{others: others})
			i0 = len(groups) - 1
		}
		groups[i0].paras = append(groups[i0].paras, i)
	}
	if len(groups) == 0 {
		return
	}
	all := a.storyCentroid(func(int) bool { return false })
	block, rest := a.dense(), a.dense()
	for _, g := range groups {
		if 2*len(g.paras) > long {
			continue // a copy, not a transplant
		}
		clear(block)
		for _, i := range g.paras {
			a.paras[i].addTo(block, 1)
		}
		copy(rest, all)
		for j := range rest {
			rest[j] -= block[j]
		}
		here := denseCos(block, rest)
		a.blockAll = a.appendGlobal(a.blockAll[:0], block)
		gb := a.blockAll
		best, bestID, firstID := -1.0, "", ""
		for _, b := range g.others {
			oc := c.Content(b)
			if oc == nil {
				continue
			}
			if firstID == "" {
				firstID = oc.ID
			}
			if fit, ok := s.fitElsewhere(a, gb, g.paras, keys, oc); ok && fit > best {
				best, bestID = fit, oc.ID
			}
		}
		var f model.Hit
		switch {
		case best > here+s.opts.OffTopicMargin && best > offTopicRatio*here:
			f.Score = math.Min(1, 0.5+(best-here))
			f.Message = fmt.Sprintf("spliced in: %d paragraph(s) that fit %q better (%.2f) than this article (%.2f)", len(g.paras), bestID, best, here)
			f.Related, f.Rule = bestID, "donor"
		case len(g.others) >= 2 && here < s.opts.OffTopicFloor:
			f.Score = 0.5 + 0.5*(1-math.Max(here, 0)/s.opts.OffTopicFloor)
			f.Message = fmt.Sprintf("spliced in: %d paragraph(s) that also stand in %d unrelated articles and fit this one %.2f", len(g.paras), len(g.others), here)
			f.Related, f.Rule = firstID, "travels"
		default:
			continue
		}
		for _, i := range g.paras {
			f.Kind, f.Para = model.OffTopic, i
			flagged[i] = f
		}
	}
}

// SameHeadlineCos is the cosine similarity of two headlines' TF-IDF
// vectors from which they head one story.
const SameHeadlineCos = 0.8

// sameHeadline reports whether the other article oc (nil when the corpus
// kept no content of it) stands under a's headline.
func sameHeadline(a *analysis, oc *corpus.Content) bool {
	return oc != nil && a.titleNorm > 0 && len(oc.Title) > 0 &&
		terms.Dot(a.titleAll, oc.Title) >= SameHeadlineCos*a.titleNorm
}

// fitElsewhere returns, using a's scratch, the fit of a block (the paragraphs idx of doc, as a
// global vector) to another article: its cosine with that article's
// headline and paragraphs, less the block's own. ok is false when the
// other article is mostly the block: a copy, not a home.
func (s *Detector) fitElsewhere(a *analysis, block terms.Vector, idx []int, keys []uint64, oc *corpus.Content) (float64, bool) {
	// cos(block, full - shared) = (block·full - block·shared) / |full - shared|
	// (shared and tmp are the analysis's scratch, handed back below)
	shared, tmp := a.shared[:0], a.sharedTmp[:0]
	defer func() { a.shared, a.sharedTmp = shared, tmp }()
	nShared, long := 0, 0
	for j, v := range oc.ParaVecs {
		if oc.Long[j] {
			long++
		}
		if slices.ContainsFunc(idx, func(i int) bool { return keys[i] == oc.Keys[j] }) {
			nShared++
			tmp = terms.AddScaled(tmp[:0], shared, v, 1)
			shared, tmp = tmp, shared
		}
	}
	if 2*nShared > long {
		return 0, false
	}
	fs := terms.Dot(oc.Full, shared)
	ss := shared.Norm()
	rest2 := oc.FullNorm2 - 2*fs + ss*ss
	nb := block.Norm()
	if rest2 <= 1e-12 || nb == 0 {
		return 0, true
	}
	return (terms.Dot(block, oc.Full) - terms.Dot(block, shared)) / (nb * math.Sqrt(rest2)), true
}

// bisection is the split of a body's paragraphs that offTopicAlone
// judges: it depends on the body and the skipped paragraphs only, so it is
// memoised with the body's analysis.
type bisection struct {
	skipKey uint64
	// sides are the paragraphs of each side; cut their normalised cut
	// (+Inf when the body cannot be split).
	sides [2][]int
	cut   float64
}

// skipKey hashes which paragraphs are skipped.
func (a *analysis) skipKey() uint64 {
	var h uint64 = 0xcbf29ce484222325
	for i, s := range a.skip {
		if s {
			h = (h ^ uint64(i+1)) * 0x100000001b3
		}
	}
	return h
}

// maxSplitNodes bounds the paragraphs bisect splits: the split holds two
// dense n×n matrices and iterates over them, so a text of more (a
// 46,000-paragraph dump needs 30 GB) is not split. The longest page of
// the real-page sets has 2,738 paragraphs; 4,096 cost 270 MB and about
// a second.
const maxSplitNodes = 4096

// bisect splits the paragraphs in two along their similarity graph: a
// spectral bisection (the second eigenvector of the normalised similarity
// matrix), cut where the normalised cut is least.
func (a *analysis) bisect() *bisection {
	key := a.skipKey()
	if b := a.split.Load(); b != nil && b.skipKey == key {
		return b
	}
	b := &bisection{skipKey: key, cut: math.Inf(1)}
	defer a.split.Store(b)
	var nodes []int
	for i := range a.paras {
		if a.node(i) {
			nodes = append(nodes, i)
		}
	}
	n := len(nodes)
	if n < 4 || n > maxSplitNodes {
		return b
	}
	// Similarity graph: cosine of the unit paragraph vectors.
	sim := make([]float64, n*n)
	deg := make([]float64, n)
	d := a.dense()
	for x, i := range nodes {
		clear(d)
		a.paras[i].addTo(d, 1)
		for y := x + 1; y < n; y++ {
			w := a.paras[nodes[y]].dotDense(d)
			sim[x*n+y], sim[y*n+x] = w, w
			deg[x] += w
			deg[y] += w
		}
	}
	// Paragraphs that share no term with any other are set aside: a lone
	// paragraph is no story of its own.
	var kx []int
	for x := range nodes {
		if deg[x] > 1e-9 {
			kx = append(kx, x)
		}
	}
	if len(kx) < 4 {
		return b
	}
	order := fiedlerOrder(sim, n, kx, deg)
	// Sweep the cuts along the order; keep the least normalised cut.
	side := make([]bool, n)
	var volA, volAll, cut float64
	for _, x := range kx {
		volAll += deg[x]
	}
	bestK := -1
	for k := 0; k < len(order)-1; k++ {
		x := order[k]
		// moving x to side A: its edges to A stop being cut, those to
		// B start
		for _, y := range kx {
			if y == x {
				continue
			}
			if side[y] {
				cut -= sim[x*n+y]
			} else {
				cut += sim[x*n+y]
			}
		}
		side[x] = true
		volA += deg[x]
		if k+1 < 2 || len(order)-k-1 < 2 {
			continue
		}
		if nc := cut/volA + cut/(volAll-volA); nc < b.cut {
			b.cut, bestK = nc, k
		}
	}
	if bestK < 0 {
		return b
	}
	for k, x := range order {
		s := 0
		if k > bestK {
			s = 1
		}
		b.sides[s] = append(b.sides[s], nodes[x])
	}
	slices.Sort(b.sides[0])
	slices.Sort(b.sides[1])
	return b
}

// offTopicAlone runs the single-article test: when the two sides of the
// bisection are clearly apart (normalised cut below Options.OffTopicCut)
// and the headline fits one side three times better than the other, the
// other side is off_topic.
func (s *Detector) offTopicAlone(doc *model.Doc, a *analysis, flagged map[int]model.Hit) {
	if a.titleNorm == 0 {
		return // nothing anchors the story
	}
	b := a.bisect()
	if b.cut > s.opts.OffTopicCut {
		return
	}
	var fit [2]float64
	for k, side := range b.sides {
		c := a.dense()
		for _, i := range side {
			a.paras[i].addTo(c, 1)
		}
		fit[k] = a.title.dotDense(c) / (a.titleNorm * math.Sqrt(sumSquares(c)))
	}
	offSide := 0
	if fit[1] < fit[0] {
		offSide = 1
	}
	on, off := fit[1-offSide], fit[offSide]
	if on < s.opts.OffTopicSplit || off > on/3 {
		return // the headline does not choose a side
	}
	offs := b.sides[offSide]
	if len(offs) < 2 {
		return
	}
	// A second story holds together: its paragraphs are on average
	// twice as like each other as like the rest (a digest of many short
	// items, release notes or a comment thread do not), and a paragraph
	// that fits neither side is left alone (a quote, an aside).
	offC, onC := a.dense(), a.dense()
	for _, i := range offs {
		a.paras[i].addTo(offC, 1)
	}
	for _, i := range b.sides[1-offSide] {
		a.paras[i].addTo(onC, 1)
	}
	within, across := cohesion(a, offs, b.sides[1-offSide])
	if within < 2*across || !newNames(doc, a, offs, b.sides[1-offSide]) {
		return
	}
	oo, nn := sumSquares(offC), sumSquares(onC)
	for _, i := range offs {
		if _, ok := flagged[i]; ok {
			continue
		}
		p := a.paras[i]
		if f := fitWithout(p, offC, oo); f < s.opts.OffTopicFloor || f < p.dotDense(onC)/math.Sqrt(nn) {
			continue // it fits neither side, or the headline's better
		}
		flagged[i] = model.Hit{
			Kind: model.OffTopic, Para: i, Rule: "split",
			Score:   math.Min(1, 0.5+0.5*(1-b.cut/s.opts.OffTopicCut)),
			Message: fmt.Sprintf("belongs to another story: one of %d paragraphs that stand apart (cut %.2f) and fit the headline %.2f, against %.2f for the rest", len(offs), b.cut, off, on),
		}
	}
}

// newNames reports whether the paragraphs of side name people and places
// that neither the rest nor the headline names: two or more, and at least
// half of the names side uses. A second story brings its own cast; quotes,
// asides and the later paragraphs of one story do not. Names are the
// capitalised words not at the start of a sentence, so scripts without
// case never give this evidence.
func newNames(doc *model.Doc, a *analysis, side, rest []int) bool {
	known := make(map[uint64]bool)
	for _, t := range a.titleAll {
		known[t.ID] = true
	}
	for _, i := range rest {
		for _, id := range nameTerms(&a.t, doc.Paras[i], nil) {
			known[id] = true
		}
	}
	var all, fresh int
	seen := make(map[uint64]bool)
	for _, i := range side {
		for _, id := range nameTerms(&a.t, doc.Paras[i], nil) {
			if seen[id] {
				continue
			}
			seen[id] = true
			all++
			if !known[id] {
				fresh++
			}
		}
	}
	return fresh >= 2 && 2*fresh >= all
}

// nameTerms appends to dst the terms of the capitalised words of text that
// do not start a sentence.
func nameTerms(t *terms.Termizer, text string, dst []uint64) []uint64 {
	start := true
	for _, w := range strings.Fields(text) {
		r, _ := utf8.DecodeRuneInString(strings.TrimLeft(w, "\"'“‘(«"))
		if !start && unicode.IsUpper(r) {
			dst = t.Append(dst, w)
		}
		last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(w, "\"'”’)»"))
		start = last == '.' || last == '!' || last == '?' || last == ':'
	}
	return dst
}

// cohesion returns the mean cosine similarity of the paragraphs of side
// to each other, and of each of them to the paragraphs of rest.
func cohesion(a *analysis, side, rest []int) (within, across float64) {
	d := a.dense()
	var nw, na int
	for x, i := range side {
		clear(d)
		a.paras[i].addTo(d, 1)
		for _, j := range side[x+1:] {
			within += a.paras[j].dotDense(d)
			nw++
		}
		for _, j := range rest {
			across += a.paras[j].dotDense(d)
			na++
		}
	}
	if nw > 0 {
		within /= float64(nw)
	}
	if na > 0 {
		across /= float64(na)
	}
	return within, across
}

// fiedlerOrder returns the nodes kx ordered by the second eigenvector of
// the normalised similarity matrix D^-1/2 S D^-1/2 (spectral bisection),
// found by power iteration with the first eigenvector deflated.
func fiedlerOrder(sim []float64, n int, kx []int, deg []float64) []int {
	m := len(kx)
	sq := make([]float64, m)
	var tot float64
	for k, x := range kx {
		sq[k] = math.Sqrt(deg[x])
		tot += deg[x]
	}
	norm := make([]float64, m*m) // D^-1/2 S D^-1/2
	for k, x := range kx {
		for l, y := range kx {
			norm[k*m+l] = sim[x*n+y] / (sq[k] * sq[l])
		}
	}
	top := make([]float64, m) // first eigenvector: D^1/2·1, unit
	for k := range top {
		top[k] = sq[k] / math.Sqrt(tot)
	}
	v := make([]float64, m)
	for k := range v {
		v[k] = math.Sin(float64(k+1) * 1.618) // fixed, non-degenerate start
	}
	w := make([]float64, m)
	for iter := 0; iter < 60; iter++ {
		// deflate, then w = (I + N) v / 2, which keeps the spectrum >= 0
		var p float64
		for k := range v {
			p += v[k] * top[k]
		}
		for k := range v {
			v[k] -= p * top[k]
		}
		var nw float64
		for k := range w {
			row := norm[k*m : k*m+m]
			var s float64
			for l, x := range row {
				s += x * v[l]
			}
			w[k] = (v[k] + s) / 2
			nw += w[k] * w[k]
		}
		nw = math.Sqrt(nw)
		if nw == 0 {
			break
		}
		var delta float64
		for k := range w {
			x := w[k] / nw
			delta += math.Abs(x - v[k])
			v[k] = x
		}
		if delta < 1e-6*float64(m) {
			break
		}
	}
	order := make([]int, m)
	score := make(map[int]float64, m)
	for k, x := range kx {
		order[k] = x
		score[x] = v[k] / sq[k]
	}
	slices.SortStableFunc(order, func(x, y int) int {
		switch {
		case score[x] < score[y]:
			return -1
		case score[x] > score[y]:
			return 1
		}
		return 0
	})
	return order
}

// offTopicMajority runs the test for a body that is mostly another story,
// told in another country: the headline's paragraphs are the few, and
// lexical tests side with the many. Countries are read off place names
// (see places): "Damascus" is Syria, "Tripoli" Libya.
//
// A foreign country is one the headline does not name but at least half
// of the paragraphs do; those paragraphs, unless they also name a country
// of the headline's own (one the foreign paragraphs leave out), are the
// other story. The paragraphs that name the headline's own country are
// its story. splitMajority places the rest. The other story is off_topic
// when it fits the headline less than a mismatched body would
// (Options.MismatchThreshold) while the headline's side fits it at least
// that well and three times better, and when its paragraphs are on
// average twice as similar to each other as to the headline's side. It
// reports whether it flagged anything.
func (s *Detector) offTopicMajority(a *analysis, flagged map[int]model.Hit) bool {
	if a.titleNorm == 0 {
		return false
	}
	var homeBuf [8]uint64
	home := homeBuf[:0]
	for _, t := range a.titleAll {
		home = places.Countries(home, t.ID)
	}
	if len(home) == 0 {
		return false
	}
	// Count the paragraphs that name each country; most articles stop
	// here, so this pass allocates nothing.
	all := a.countries()
	isNode := a.node
	type tally struct {
		c uint64
		k int
	}
	var countBuf [16]tally
	count := countBuf[:0]
	n := 0
	for i := range a.paras {
		if !isNode(i) {
			continue
		}
		n++
		for _, c := range all[i] {
			if j := slices.IndexFunc(count, func(t tally) bool { return t.c == c }); j >= 0 {
				count[j].k++
			} else {
				count = append(count, tally{c, 1})
			}
		}
	}
	if n < 4 {
		return false
	}
	var foreign tally
	for _, t := range count {
		if 2*t.k >= n && !slices.Contains(home, t.c) && (t.k > foreign.k || (t.k == foreign.k && t.c < foreign.c)) {
			foreign = t
		}
	}
	if foreign.k == 0 {
		return false
	}
	nodes := make([]int, 0, n)
	named := make([][]uint64, 0, n) // named[x]: the countries nodes[x] names
	for i := range a.paras {
		if isNode(i) {
			nodes = append(nodes, i)
			named = append(named, all[i])
		}
	}
	// The headline's own countries: those the foreign paragraphs leave out.
	own := slices.Clone(home)
	for x := range nodes {
		if slices.Contains(named[x], foreign.c) {
			own = slices.DeleteFunc(own, func(c uint64) bool { return slices.Contains(named[x], c) })
		}
	}
	side := make([]int, n)
	fixed := make([]bool, n)
	nh := 0
	for x := range nodes {
		switch {
		case slices.ContainsFunc(named[x], func(c uint64) bool { return slices.Contains(own, c) }):
			side[x], fixed[x] = headline, true
			nh++
		case slices.Contains(named[x], foreign.c):
			side[x], fixed[x] = other, true
		}
	}
	if nh == 0 {
		return false
	}
	why := "is about " + places.Name(foreign.c) + ", which the headline does not name"
	return s.flagOtherStory(a, nodes, side, fixed, 2, "majority", why, flagged)
}

// offTopicFew runs the test for a body that is mostly another story
// without places to tell them apart: the headline's own paragraphs are the
// few that share its words (a fit of fewSeed or more), the other story's
// those that share none of them, and splitMajority places the rest. As
// in offTopicMajority, the other story is off_topic when it fits the
// headline less than a mismatched body would while the headline's side
// fits it at least that well and three times better, and when it holds
// together fewCohesion times as much as it does with that side. Its
// findings have Rule "split": evidence from words alone, which clean
// keeps by default.
func (s *Detector) offTopicFew(a *analysis, flagged map[int]model.Hit) bool {
	if a.titleNorm == 0 {
		return false
	}
	var nodes []int
	for i := range a.paras {
		if a.node(i) {
			nodes = append(nodes, i)
		}
	}
	n := len(nodes)
	if n < 4 {
		return false
	}
	side := make([]int, n)
	fixed := make([]bool, n)
	nh, nf := 0, 0
	for x, i := range nodes {
		switch fit := a.title.dot(a.paras[i]) / a.titleNorm; {
		case fit >= fewSeed:
			side[x], fixed[x] = headline, true
			nh++
		case fit == 0:
			side[x], fixed[x] = other, true
			nf++
		}
	}
	if nh == 0 || 2*nf < n {
		return false
	}
	return s.flagOtherStory(a, nodes, side, fixed, fewCohesion, "split", "shares no word with the headline", flagged)
}

// node reports whether paragraph i takes part in the single-article
// tests: it has terms, and words enough to be a story's paragraph.
func (a *analysis) node(i int) bool {
	return len(a.para(i)) > 0 && a.words[i] >= corpus.MinSharedWords
}

// flagOtherStory places the paragraphs nodes that side and fixed leave
// open with splitMajority, and flags the other story's side off_topic,
// under rule, when it fits the headline less than a mismatched body would
// while the headline's side fits it at least that well and three times
// better, and holds together cohesion times as much as it does with the
// headline's side. why says what the body's majority does ("is about
// Syria, which the headline does not name"). It reports whether it
// flagged.
func (s *Detector) flagOtherStory(a *analysis, nodes, side []int, fixed []bool, cohesion float64, rule, why string, flagged map[int]model.Hit) bool {
	m, ok := s.splitMajority(a, nodes, side, fixed)
	if !ok || m.on < s.opts.MismatchThreshold || m.off >= s.opts.MismatchThreshold || m.on < 3*m.off || m.within < cohesion*m.across {
		return false
	}
	msg := fmt.Sprintf("belongs to another story: most of the body %s (fit to the headline %.2f, against %.2f for its %d paragraphs)",
		why, m.off, m.on, m.nh)
	for x, i := range nodes {
		if _, ok := flagged[i]; ok || side[x] == headline {
			continue
		}
		flagged[i] = model.Hit{
			Kind: model.OffTopic, Para: i, Rule: rule,
			Score:   math.Min(1, 0.5+0.5*(1-m.off/s.opts.MismatchThreshold)),
			Message: msg,
		}
	}
	return true
}

// fewCohesion is how many times more alike the other story's paragraphs
// must be to each other than to the headline's in offTopicFew: without
// places, only two stories that share almost nothing (a splice of an
// unrelated body) are told apart, not the detail paragraphs of one story
// from its lede, which share a little.
const fewCohesion = 5

// fewSeed is the fit to the headline (the cosine of a paragraph with it)
// that marks a paragraph as the headline's own in offTopicFew.
const fewSeed = 0.1

// Sides of a body in offTopicMajority.
const (
	undecided = iota
	headline  // the headline's story
	other     // another story
)

// majoritySplit is how splitMajority left a body: the paragraphs on the
// headline's side, the fit of each side to the headline, and the mean
// similarity of the other story's paragraphs to each other and to the
// headline's side.
type majoritySplit struct {
	nh             int
	on, off        float64
	within, across float64
}

// splitMajority places the paragraphs of a body that is mostly another
// story: the paragraphs nodes not fixed to a side go, until none moves, to
// the side whose centroid they fit better (the headline counting as
// titleWeight paragraphs on its side), or to the other story when they fit
// the headline's side less than Options.OffTopicFloor. It returns false
// when the headline's side is empty or not the few.
func (s *Detector) splitMajority(a *analysis, nodes, side []int, fixed []bool) (majoritySplit, bool) {
	n := len(nodes)
	cs, co := a.dense(), a.dense()
	for round := 0; round < 10; round++ {
		clear(cs)
		clear(co)
		a.title.addTo(cs, corpus.TitleWeight/a.titleNorm)
		for x, i := range nodes {
			switch side[x] {
			case headline:
				a.paras[i].addTo(cs, 1)
			case other:
				a.paras[i].addTo(co, 1)
			}
		}
		ss, oo := sumSquares(cs), sumSquares(co)
		changed := false
		for x, i := range nodes {
			if fixed[x] {
				continue
			}
			p := a.paras[i]
			var fs, fo float64
			switch side[x] {
			case headline:
				fs, fo = fitWithout(p, cs, ss), p.dotDense(co)/math.Sqrt(oo)
			case other:
				fs, fo = p.dotDense(cs)/math.Sqrt(ss), fitWithout(p, co, oo)
			default:
				fs, fo = p.dotDense(cs)/math.Sqrt(ss), p.dotDense(co)/math.Sqrt(oo)
			}
			next := other
			if fs > fo && fs >= s.opts.OffTopicFloor {
				next = headline // else it fits neither: the majority's
			}
			if next != side[x] {
				side[x], changed = next, true
			}
		}
		if !changed {
			break
		}
	}
	var m majoritySplit
	clear(cs)
	clear(co)
	for x, i := range nodes {
		if side[x] == headline {
			a.paras[i].addTo(cs, 1)
			m.nh++
		} else {
			a.paras[i].addTo(co, 1)
		}
	}
	if m.nh == 0 || 2*m.nh >= n {
		return m, false
	}
	m.on = a.title.dotDense(cs) / (a.titleNorm * math.Sqrt(sumSquares(cs)))
	m.off = a.title.dotDense(co) / (a.titleNorm * math.Sqrt(sumSquares(co)))
	// The mean similarity of the other story's paragraphs to each other
	// and to the headline's side, from the sides' sums rather than pair by
	// pair (linear in the paragraphs, not quadratic: a body of 46,000
	// paragraphs took 85 s here): the pairs within the other side sum to
	// |co|² less each paragraph with itself, those across to co·cs.
	no := n - m.nh
	self := 0.0
	for x, i := range nodes {
		if side[x] != headline {
			self += a.paras[i].dot(a.paras[i])
		}
	}
	if no > 1 {
		m.within = (sumSquares(co) - self) / float64(no*(no-1))
	}
	m.across = denseDot(co, cs) / float64(no*m.nh)
	return m, true
}
