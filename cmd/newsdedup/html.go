package main

// The HTML audit report: "newsdedup scan --format html -o report.html".
//
// One self-contained page (inline CSS, SVG and one small script; no
// network, no fonts, nothing external) for a person auditing a scrape:
// every flagged article with its paragraphs, each finding highlighted in
// its kind's colour with the detector's message on hover, filters by kind,
// a summary with a bar chart of findings per kind and a histogram of
// near-duplicate similarity, and near duplicates side by side.
//
// Memory stays bounded: each article is rendered and written as it comes.
// The summary, which needs the totals, is written after the articles and
// shown above them with CSS order. Near-duplicate pairs need the other
// article of the pair: the last flagged articles are kept, rendered, in a
// cache bounded in count and bytes, so a pair is shown side by side when
// the two are not too far apart in the input (else with a link).
//
// Escaping: every string from the data goes through html/template; the
// Content-Security-Policy allows no loads and only the report's own
// script, by hash, so even markup that escaped escaping could not run.

import (
	"bufio"
	"cmp"
	"container/list"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/newsdedup/newsdedup/dedup"
)

//go:embed report.html.tmpl
var reportTemplateText string

var reportTemplate = template.Must(template.New("report").Parse(reportTemplateText))

// reportScript is the page's only script: the kind filters. It sets
// data-filters="ready" on the root element once it has run.
const reportScript = `(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("#filters input.kf"));
  function apply() {
    var off = {};
    boxes.forEach(function (b) { if (!b.checked) { off[b.value] = true; } });
    document.querySelectorAll("[data-kinds]").forEach(function (el) {
      var shown = el.getAttribute("data-kinds").split(" ").some(function (k) { return k !== "" && !off[k]; });
      if (el.tagName === "ARTICLE") { el.hidden = !shown; } else { el.classList.toggle("muted", !shown); }
    });
  }
  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  apply();
  document.documentElement.setAttribute("data-filters", "ready");
})();`

// reportCSP is the page's Content-Security-Policy: nothing may load, and
// the only script allowed is reportScript.
var reportCSP = func() template.HTML {
	sum := sha256.Sum256([]byte(reportScript))
	hash := "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
	return template.HTML(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; ` +
		`style-src 'unsafe-inline'; script-src '` + hash + `'; img-src data:; base-uri 'none'; form-action 'none'">`)
}()

// Bounds of the near-duplicate pairing cache.
const (
	htmlCacheEntries = 2048
	htmlCacheBytes   = 16 << 20
	htmlWaitingMax   = 1 << 16 // references to articles not seen yet
	htmlHistBins     = 20
)

// htmlWriter writes the HTML report. It is not safe for concurrent use;
// the scan calls it from one goroutine, in input order.
type htmlWriter struct {
	w       *bufio.Writer
	started bool
	flagged int
	hist    [htmlHistBins]int
	nearDup int
	cache   *htmlCache
	// waiting maps an article not seen yet to the flagged articles
	// already written that are near duplicates of it.
	waiting  map[string][]htmlRef
	nWaiting int
}

// htmlRef is a near-duplicate link from an article written earlier.
type htmlRef struct {
	id    string
	score float64
}

// newHTMLWriter returns the writer of the HTML report to w.
func newHTMLWriter(w io.Writer) writer {
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriterSize(w, 256<<10)
	}
	return &htmlWriter{w: bw, cache: newHTMLCache(htmlCacheEntries, htmlCacheBytes), waiting: make(map[string][]htmlRef)}
}

// The values the templates render. Every string is escaped by
// html/template where it is used.
type (
	htmlHead struct {
		CSP     template.HTML
		Version string
	}
	htmlPara struct {
		N          int
		Text       string
		Class, Tip string // set when findings concern the paragraph
		Kinds      string
		Same       bool // in a pair: the other side has it too
	}
	htmlFinding struct {
		Kind, Class, Where, Score, Message string
		Related, RelatedAnchor             string
	}
	htmlSide struct {
		Anchor, ID, Title string
		Paragraphs        []htmlPara
	}
	htmlPair struct {
		Score string
		Sides [2]htmlSide
	}
	htmlArticle struct {
		Anchor, ID, Source string
		Line               int
		Title              string
		TitleClass         string
		TitleKinds         string
		TitleTip           string
		Kinds              string
		Paragraphs         []htmlPara
		Findings           []htmlFinding
		Pairs              []htmlPair
	}
	htmlKind struct {
		Name, Class         string
		Count               int
		Y, TextY, W, CountX int
	}
	htmlBin struct {
		Label      string
		Count      int
		X, Y, W, H int
	}
	htmlTail struct {
		Articles, Flagged, Findings, InputErrors int
		Kinds                                    []htmlKind
		Bars                                     struct{ Width, Height, X int }
		Hist                                     []htmlBin
		HistBox                                  struct{ Width, Height, Base, Mid, End int }
		Script                                   template.JS
	}
)

// kindClass returns the CSS class of a kind: its own for the kinds the
// stylesheet knows, "k-other" for the rest.
func kindClass(k dedup.Kind) string {
	if slices.Contains(dedup.Kinds(), k) {
		return "k-" + string(k)
	}
	return "k-other"
}

func (h *htmlWriter) start() error {
	if h.started {
		return nil
	}
	h.started = true
	return reportTemplate.ExecuteTemplate(h.w, "head", htmlHead{CSP: reportCSP, Version: version()})
}

func (h *htmlWriter) article(doc *dedup.Document, fs []dedup.Finding, _ string) error {
	if err := h.start(); err != nil {
		return err
	}
	for _, f := range fs {
		if f.Kind == dedup.KindNearDuplicate {
			h.nearDup++
			h.hist[min(max(int(f.Score*htmlHistBins), 0), htmlHistBins-1)]++
		}
	}
	if len(fs) == 0 {
		// Not shown, but kept for a near duplicate that may name it:
		// the copy kept of a cluster usually has no finding itself.
		side := htmlSide{ID: doc.ID, Title: doc.Title, Paragraphs: make([]htmlPara, len(doc.Paragraphs))}
		for i, p := range doc.Paragraphs {
			side.Paragraphs[i] = htmlPara{N: i, Text: p.Text}
		}
		h.cache.add(doc.ID, side)
		h.forgetWaiting(doc.ID)
		return nil
	}
	h.flagged++
	a := h.build(doc, fs)
	h.pairs(doc, fs, &a)
	h.cache.add(doc.ID, htmlSide{Anchor: a.Anchor, ID: a.ID, Title: a.Title, Paragraphs: a.Paragraphs})
	return reportTemplate.ExecuteTemplate(h.w, "article", a)
}

// forgetWaiting forgets the articles waiting for id, an article not
// shown: their sections are written, and a pair is shown only in the
// section of a flagged article.
func (h *htmlWriter) forgetWaiting(id string) {
	if refs, ok := h.waiting[id]; ok {
		delete(h.waiting, id)
		h.nWaiting -= len(refs)
	}
}

// build turns an article and its findings into what the template shows.
func (h *htmlWriter) build(doc *dedup.Document, fs []dedup.Finding) htmlArticle {
	a := htmlArticle{Anchor: "a" + strconv.Itoa(h.flagged), ID: doc.ID, Source: doc.Source, Line: doc.Line,
		Title: doc.Title, Paragraphs: make([]htmlPara, len(doc.Paragraphs))}
	for i, p := range doc.Paragraphs {
		a.Paragraphs[i] = htmlPara{N: i, Text: p.Text}
	}
	// Strongest finding first, so that it gives a paragraph its colour.
	order := make([]int, len(fs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(fs[y].Score, fs[x].Score) })
	var kinds, titleKinds []string
	var titleTip []string
	tips := make(map[int][]string)
	pkinds := make(map[int][]string)
	for _, i := range order {
		f := fs[i]
		k := string(f.Kind)
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
		tip := fmt.Sprintf("%s (%.2f): %s", f.Kind, f.Score, f.Message)
		if f.Paragraph < 0 || f.Paragraph >= len(a.Paragraphs) {
			if a.TitleClass == "" {
				a.TitleClass = kindClass(f.Kind)
			}
			if !slices.Contains(titleKinds, k) {
				titleKinds = append(titleKinds, k)
			}
			titleTip = append(titleTip, tip)
			continue
		}
		p := &a.Paragraphs[f.Paragraph]
		if p.Class == "" {
			p.Class = kindClass(f.Kind)
		}
		if !slices.Contains(pkinds[f.Paragraph], k) {
			pkinds[f.Paragraph] = append(pkinds[f.Paragraph], k)
		}
		tips[f.Paragraph] = append(tips[f.Paragraph], tip)
	}
	for i, t := range tips {
		a.Paragraphs[i].Tip = strings.Join(t, "\n")
		a.Paragraphs[i].Kinds = strings.Join(pkinds[i], " ")
	}
	a.Kinds = strings.Join(kinds, " ")
	a.TitleKinds = strings.Join(titleKinds, " ")
	a.TitleTip = strings.Join(titleTip, "\n")
	for _, f := range fs {
		hf := htmlFinding{Kind: string(f.Kind), Class: kindClass(f.Kind), Where: findingPlace(f),
			Score: strconv.FormatFloat(f.Score, 'f', 2, 64), Message: f.Message, Related: f.RelatedID}
		if f.RelatedID != "" {
			if side, ok := h.cache.peek(f.RelatedID); ok {
				hf.RelatedAnchor = side.Anchor
			}
		}
		a.Findings = append(a.Findings, hf)
	}
	return a
}

// pairs adds to a the near duplicates of doc that can be shown beside it:
// those it names that were written before, and those written before that
// named it.
func (h *htmlWriter) pairs(doc *dedup.Document, fs []dedup.Finding, a *htmlArticle) {
	var done []string
	add := func(other string, score float64) {
		if other == doc.ID || slices.Contains(done, other) {
			return
		}
		side, ok := h.cache.peek(other)
		if !ok {
			return
		}
		done = append(done, other)
		me := htmlSide{Anchor: a.Anchor, ID: a.ID, Title: a.Title, Paragraphs: a.Paragraphs}
		a.Pairs = append(a.Pairs, htmlPair{Score: strconv.FormatFloat(score, 'f', 2, 64),
			Sides: markSame(side, me)})
	}
	for _, f := range fs {
		if f.Kind != dedup.KindNearDuplicate || f.RelatedID == "" {
			continue
		}
		if _, ok := h.cache.peek(f.RelatedID); ok {
			add(f.RelatedID, f.Score)
			continue
		}
		if h.nWaiting < htmlWaitingMax {
			h.waiting[f.RelatedID] = append(h.waiting[f.RelatedID], htmlRef{doc.ID, f.Score})
			h.nWaiting++
		}
	}
	if refs, ok := h.waiting[doc.ID]; ok {
		delete(h.waiting, doc.ID)
		h.nWaiting -= len(refs)
		for _, r := range refs {
			add(r.id, r.score)
		}
	}
}

// markSame returns the two sides with the paragraphs found on both
// marked, copying the paragraphs so the originals stay unmarked.
func markSame(a, b htmlSide) [2]htmlSide {
	in := func(s htmlSide) map[string]bool {
		m := make(map[string]bool, len(s.Paragraphs))
		for _, p := range s.Paragraphs {
			m[p.Text] = true
		}
		return m
	}
	ina, inb := in(a), in(b)
	mark := func(s htmlSide, other map[string]bool) htmlSide {
		s.Paragraphs = slices.Clone(s.Paragraphs)
		for i := range s.Paragraphs {
			s.Paragraphs[i].Same = other[s.Paragraphs[i].Text]
		}
		return s
	}
	return [2]htmlSide{mark(a, inb), mark(b, ina)}
}

func (h *htmlWriter) finish(st stats) error {
	if err := h.start(); err != nil {
		return err
	}
	t := htmlTail{Articles: st.articles, Flagged: st.flagged, Findings: st.findings,
		InputErrors: st.inputErrors, Script: template.JS(reportScript)}
	var names []dedup.Kind
	for _, k := range dedup.Kinds() {
		if st.byKind[k] > 0 {
			names = append(names, k)
		}
	}
	var rest []dedup.Kind
	for k, n := range st.byKind {
		if n > 0 && !slices.Contains(dedup.Kinds(), k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	names = append(names, rest...)
	maxCount := 1
	for _, k := range names {
		maxCount = max(maxCount, st.byKind[k])
	}
	const barX, barMax, barStep = 170, 280, 24
	t.Bars.X, t.Bars.Width, t.Bars.Height = barX, barX+barMax+60, len(names)*barStep
	for i, k := range names {
		n := st.byKind[k]
		w := max(2, n*barMax/maxCount)
		t.Kinds = append(t.Kinds, htmlKind{Name: string(k), Class: kindClass(k), Count: n,
			Y: i*barStep + 2, TextY: i*barStep + 15, W: w, CountX: barX + w + 6})
	}
	if h.nearDup > 0 {
		const width, plot, base = 520, 110, 120
		t.HistBox.Width, t.HistBox.Height, t.HistBox.Base = width, base+18, base
		t.HistBox.Mid, t.HistBox.End = width/2-8, width-10
		top := slices.Max(h.hist[:])
		step := width / htmlHistBins
		for i, n := range h.hist {
			hgt := n * plot / top
			if n > 0 {
				hgt = max(hgt, 2)
			}
			lo := float64(i) / htmlHistBins
			t.Hist = append(t.Hist, htmlBin{Label: fmt.Sprintf("%.2f–%.2f", lo, lo+1.0/htmlHistBins), Count: n,
				X: i*step + 1, Y: base - hgt, W: step - 2, H: hgt})
		}
	}
	if err := reportTemplate.ExecuteTemplate(h.w, "tail", t); err != nil {
		return err
	}
	return h.w.Flush()
}

// htmlCache keeps the last flagged articles, rendered, for pairing, within
// a count and a byte budget (least recently added out first).
type htmlCache struct {
	maxEntries, maxBytes, bytes int
	order                       *list.List // of *htmlCacheEntry, oldest first
	byID                        map[string]*list.Element
}

type htmlCacheEntry struct {
	id   string
	side htmlSide
	size int
}

func newHTMLCache(maxEntries, maxBytes int) *htmlCache {
	return &htmlCache{maxEntries: maxEntries, maxBytes: maxBytes, order: list.New(), byID: make(map[string]*list.Element)}
}

// add keeps side under id, dropping the oldest entries over budget.
func (c *htmlCache) add(id string, side htmlSide) {
	size := len(id) + len(side.Title)
	for _, p := range side.Paragraphs {
		size += len(p.Text) + len(p.Tip) + 64
	}
	if size > c.maxBytes {
		return
	}
	if e, ok := c.byID[id]; ok {
		c.remove(e)
	}
	c.byID[id] = c.order.PushBack(&htmlCacheEntry{id: id, side: side, size: size})
	c.bytes += size
	for c.order.Len() > c.maxEntries || c.bytes > c.maxBytes {
		c.remove(c.order.Front())
	}
}

func (c *htmlCache) remove(e *list.Element) {
	ent := c.order.Remove(e).(*htmlCacheEntry)
	delete(c.byID, ent.id)
	c.bytes -= ent.size
}

// peek reports whether id is kept, and its side.
func (c *htmlCache) peek(id string) (htmlSide, bool) {
	if e, ok := c.byID[id]; ok {
		return e.Value.(*htmlCacheEntry).side, true
	}
	return htmlSide{}, false
}
