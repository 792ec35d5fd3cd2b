package dedup

import (
	"fmt"
	"math"
	"slices"
)

// off_topic finds paragraphs spliced in from another story. Two tests run:
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
// Alone (every article): the headline anchors the story. Paragraphs that
// fit the headline's story (the headline and the other paragraphs) less
// than Options.OffTopicSplit are peeled off, round by round. What is
// peeled off is off_topic only when it is a story of its own: two or more
// paragraphs that each fit the others clearly better than they fit the
// headline's story. A lone paragraph that fits nothing is left alone:
// quotes and asides look like that too.

// titleWeight is the weight of the headline in an article's centroid,
// counted in paragraphs.
const titleWeight = 2

func (s *Scanner) offTopic(doc *Document, a *analysis, ord int) []Finding {
	flagged := make(map[int]Finding)
	if c := s.corpus; c != nil && c.shared && ord >= 0 && ord < len(c.docBody) {
		s.offTopicCorpus(doc, a, ord, flagged)
	}
	s.offTopicAlone(doc, a, flagged)
	if len(flagged) == 0 {
		return nil
	}
	fs := make([]Finding, 0, len(flagged))
	for _, f := range flagged {
		fs = append(fs, f)
	}
	slices.SortFunc(fs, func(x, y Finding) int { return x.Paragraph - y.Paragraph })
	return fs
}

// storyCentroid returns titleWeight·title/|title| plus the paragraph
// vectors not left out, as a dense vector.
func (a *analysis) storyCentroid(out func(int) bool) []float64 {
	c := a.dense()
	if nt := a.title.norm(); nt > 0 {
		a.title.addTo(c, titleWeight/nt)
	}
	for i, p := range a.paras {
		if len(p) > 0 && !out(i) {
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
func (s *Scanner) offTopicCorpus(doc *Document, a *analysis, ord int, flagged map[int]Finding) {
	c := s.corpus
	self := c.docBody[ord]
	// Group the shared paragraphs by the set of other bodies they stand
	// in: a transplanted block travels together.
	type group struct {
		others []int32
		paras  []int
	}
	var groups []*group
	var buf []byte
	long := 0
	for i, p := range doc.Paragraphs {
		if a.words[i] < minSharedWords {
			continue
		}
		long++
		if len(a.paras[i]) == 0 {
			continue
		}
		var k uint64
		buf, k = paragraphKey(buf, p.Text)
		list := c.paras[k]
		if len(list) < 2 || len(list) > maxSharedBodies {
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
	for _, g := range groups {
		if 2*len(g.paras) > long {
			continue // a copy, not a transplant
		}
		block := a.dense()
		for _, i := range g.paras {
			a.paras[i].addTo(block, 1)
		}
		rest := slices.Clone(all)
		for j := range rest {
			rest[j] -= block[j]
		}
		here := denseCos(block, rest)
		gb := a.global(block)
		best, bestID, firstID := -1.0, "", ""
		for _, b := range g.others {
			oc := c.content[b]
			if oc == nil {
				continue
			}
			if firstID == "" {
				firstID = oc.id
			}
			if fit, ok := s.fitElsewhere(gb, g.paras, doc, oc); ok && fit > best {
				best, bestID = fit, oc.id
			}
		}
		var f Finding
		switch {
		case best > here+s.opts.OffTopicMargin:
			f.Score = math.Min(1, 0.5+(best-here))
			f.Message = fmt.Sprintf("spliced in: %d paragraph(s) that fit %q better (%.2f) than this article (%.2f)", len(g.paras), bestID, best, here)
			f.RelatedID = bestID
		case len(g.others) >= 2 && here < s.opts.OffTopicFloor:
			f.Score = 0.5 + 0.5*(1-math.Max(here, 0)/s.opts.OffTopicFloor)
			f.Message = fmt.Sprintf("spliced in: %d paragraph(s) that also stand in %d unrelated articles and fit this one %.2f", len(g.paras), len(g.others), here)
			f.RelatedID = firstID
		default:
			continue
		}
		for _, i := range g.paras {
			f.Kind, f.Paragraph, f.Line = KindOffTopic, i, doc.Paragraphs[i].Line
			flagged[i] = f
		}
	}
}

// fitElsewhere returns the fit of a block (the paragraphs idx of doc, as a
// global vector) to another article: its cosine with that article's
// headline and paragraphs, less the block's own. ok is false when the
// other article is mostly the block: a copy, not a home.
func (s *Scanner) fitElsewhere(block vector, idx []int, doc *Document, oc *docContent) (float64, bool) {
	keys := make(map[uint64]bool, len(idx))
	var buf []byte
	for _, i := range idx {
		var k uint64
		buf, k = paragraphKey(buf, doc.Paragraphs[i].Text)
		keys[k] = true
	}
	idf := s.vocab.idf
	var c, tmp vector
	if t := weigh(nil, slices.Clone(oc.title), idf); len(t) > 0 {
		c = addScaled(nil, nil, t, titleWeight/t.norm())
	}
	shared, long := 0, 0
	for j, ids := range oc.terms {
		if oc.long[j] {
			long++
		}
		if keys[oc.keys[j]] {
			shared++
			continue
		}
		v := weigh(nil, slices.Clone(ids), idf)
		if n := v.norm(); n > 0 {
			tmp = addScaled(tmp[:0], c, v, 1/n)
			c, tmp = tmp, c
		}
	}
	if 2*shared > long {
		return 0, false
	}
	return cosine(block, c), true
}

// offTopicAlone runs the single-article test.
func (s *Scanner) offTopicAlone(doc *Document, a *analysis, flagged map[int]Finding) {
	n := len(a.paras)
	out := make([]bool, n)
	fit := make([]float64, n)
	split := s.opts.OffTopicSplit
	for round := 0; round < 6; round++ {
		c := a.storyCentroid(func(i int) bool { return out[i] })
		cc := sumSquares(c)
		changed := false
		for i, p := range a.paras {
			if len(p) == 0 {
				continue
			}
			if out[i] {
				fit[i] = p.dotDense(c) / math.Sqrt(cc)
			} else {
				fit[i] = fitWithout(p, c, cc)
			}
			o := fit[i] < split && a.words[i] >= minSharedWords
			if o != out[i] {
				out[i], changed = o, true
			}
		}
		if !changed {
			break
		}
	}
	var cand []int
	for i, o := range out {
		if o {
			cand = append(cand, i)
		}
	}
	if len(cand) < 2 {
		return
	}
	// What was peeled off must be a story of its own: each paragraph fits
	// the others clearly better than the headline's story.
	other := a.dense()
	for _, i := range cand {
		a.paras[i].addTo(other, 1)
	}
	oo := sumSquares(other)
	var keep []int
	for _, i := range cand {
		if own := fitWithout(a.paras[i], other, oo); own > 2*fit[i]+split {
			keep = append(keep, i)
		}
	}
	if len(keep) < 2 {
		return
	}
	for _, i := range keep {
		if _, ok := flagged[i]; ok {
			continue
		}
		flagged[i] = Finding{
			Kind: KindOffTopic, Paragraph: i, Line: doc.Paragraphs[i].Line,
			Score:   math.Min(1, 0.5+0.5*(1-math.Max(fit[i], 0)/split)),
			Message: fmt.Sprintf("belongs to another story: fits the headline's story %.2f, like %d other paragraph(s) here", fit[i], len(keep)-1),
		}
	}
}
