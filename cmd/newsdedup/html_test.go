package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/read"
)

const hostileDir = "../../testdata/hostile"

// hostileNearDups are near-duplicate findings added to the scan of the
// hostile sample (the near-duplicate detector is not part of the scan
// here): h-copy is an edited copy of h-script.
var hostileNearDups = map[string][]dedup.Finding{
	"h-copy": {{Kind: dedup.KindNearDuplicate, Paragraph: dedup.TitleParagraph, Score: 0.82,
		Message: "near duplicate of h-script", RelatedID: "h-script"}},
}

// scanDocs reads path and scans every document with a corpus, as the scan
// command does, adding the extra findings by id.
func scanDocs(t testing.TB, path string, extra map[string][]dedup.Finding) ([]*dedup.Document, [][]dedup.Finding) {
	t.Helper()
	o := dedup.DefaultOptions()
	o.Skip = []dedup.Kind{dedup.KindNearDuplicate, dedup.KindSharedHeadline}
	p, err := dedup.NewPipeline(&o)
	require.NoError(t, err)
	var docs []*dedup.Document
	var fss [][]dedup.Finding
	for a, err := range p.Run(context.Background(), read.Paths(context.Background(), []string{path}, nil, read.Options{})) {
		require.NoError(t, err)
		docs = append(docs, a.Document)
		fss = append(fss, append(a.Findings, extra[a.ID]...))
	}
	return docs, fss
}

// renderHTML writes the report of docs and their findings, with the
// stats the scan would count.
func renderHTML(t testing.TB, docs []*dedup.Document, fss [][]dedup.Finding) string {
	t.Helper()
	var out bytes.Buffer
	w := newHTMLWriter(&out)
	st := stats{byKind: map[dedup.Kind]int{}}
	for i, d := range docs {
		st.articles++
		if len(fss[i]) > 0 {
			st.flagged++
			st.findings += len(fss[i])
			for _, f := range fss[i] {
				st.byKind[f.Kind]++
			}
		}
		require.NoError(t, w.article(d, fss[i], ""))
	}
	require.NoError(t, w.finish(st))
	return out.String()
}

// reportTags are the only elements the report may contain: anything else
// came from the data unescaped.
var reportTags = []string{"!doctype", "html", "head", "meta", "title", "style", "body", "div", "header", "h1", "h2",
	"h3", "h4", "p", "main", "article", "ol", "ul", "li", "span", "a", "section", "b", "figure", "figcaption",
	"svg", "g", "text", "rect", "line", "nav", "label", "input", "script"}

var (
	tagRE  = regexp.MustCompile(`<\s*/?\s*([!a-zA-Z][a-zA-Z0-9-]*)`)
	attrRE = regexp.MustCompile(`^\s+([^\s=/>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?`)
)

// tagAttrs returns the attributes (name, value) of the tag whose name
// ends at i in page.
func tagAttrs(page string, i int) [][2]string {
	var out [][2]string
	for {
		m := attrRE.FindStringSubmatch(page[i:])
		if m == nil {
			return out
		}
		out = append(out, [2]string{strings.ToLower(m[1]), strings.Trim(m[2], `"'`)})
		i += len(m[0])
	}
}

// assertNoMarkupFromData checks that page holds only the report's own
// markup: known tags, one script, no event handlers, links only to
// anchors of the page.
func assertNoMarkupFromData(t interface {
	assert.TestingT
	Helper()
}, page string) {
	t.Helper()
	for _, m := range tagRE.FindAllStringSubmatchIndex(page, -1) {
		name := strings.ToLower(page[m[2]:m[3]])
		assert.Contains(t, reportTags, name, "unexpected element <%s>: data reached the page as markup", name)
		for _, a := range tagAttrs(page, m[1]) {
			assert.False(t, strings.HasPrefix(a[0], "on"), "event handler %s on <%s>", a[0], name)
			if a[0] == "href" || a[0] == "src" {
				assert.True(t, strings.HasPrefix(a[1], "#"), "links stay inside the page: %q", a[1])
			}
		}
	}
	assert.Equal(t, 1, strings.Count(strings.ToLower(page), "<script"), "the report's own script only")
	assert.NotContains(t, page, "<!--", "comments from the data are escaped")
}

// failures counts the failures an assertion reports.
type failures struct{ n int }

func (f *failures) Errorf(string, ...any) { f.n++ }
func (f *failures) Helper()               {}

// TestAssertNoMarkupFromData shows that the check catches what it is
// for, so that its passing on the reports means something.
func TestAssertNoMarkupFromData(t *testing.T) {
	ok := renderHTML(t, nil, nil)
	var f failures
	assertNoMarkupFromData(&f, ok)
	require.Zero(t, f.n, "the report's own markup passes")
	tests := []struct{ inject, reason string }{
		{"<img src=x>", "an element the report never writes"},
		{"<script>x()</script>", "a second script"},
		{`<p onclick="x()">`, "an event handler"},
		{`<a href="javascript:x()">`, "a link out of the page"},
		{"<!-- x -->", "a comment"},
	}
	for _, tt := range tests {
		var f failures
		assertNoMarkupFromData(&f, strings.Replace(ok, "<main", tt.inject+"<main", 1))
		assert.NotZero(t, f.n, tt.reason)
	}
}

// fixedFindings reads the findings of the hostile sample from
// findings.jsonl, so that the golden report does not follow the
// detectors: {"id", "findings": [...]} a line.
func fixedFindings(t *testing.T) ([]*dedup.Document, [][]dedup.Finding) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(hostileDir, "findings.jsonl"))
	require.NoError(t, err)
	byID := map[string][]dedup.Finding{}
	for line := range strings.Lines(string(data)) {
		var r struct {
			ID       string          `json:"id"`
			Findings []dedup.Finding `json:"findings"`
		}
		require.NoError(t, json.Unmarshal([]byte(line), &r))
		byID[r.ID] = r.Findings
	}
	docs := readDocs(t, filepath.Join(hostileDir, "hostile.jsonl"))
	fss := make([][]dedup.Finding, len(docs))
	for i, d := range docs {
		fss[i] = byID[d.ID]
	}
	return docs, fss
}

func TestHTMLReportHostile(t *testing.T) {
	docs, fss := fixedFindings(t)
	page := renderHTML(t, docs, fss)
	stable := strings.Replace(page, "newsdedup "+version()+".", "newsdedup VERSION.", 1)
	golden(t, filepath.Join(hostileDir, "report.golden.html"), []byte(stable))
	assertNoMarkupFromData(t, page)
	tests := []struct {
		want, reason string
	}{
		{"&lt;script&gt;document.title=&#39;PWNED&#39;;", "a body's script shows as text"},
		{"&lt;/textarea&gt;&lt;img src=x onerror=", "a closing textarea and an event handler show as text"},
		{"&lt;/h2&gt;&lt;iframe src=&#34;javascript:", "a title that closes its heading shows as text"},
		{"&#34;&gt;&lt;script&gt;document.body.setAttribute(", "an id that closes an attribute shows as text"},
		{"&lt;!-- --&gt;", "a comment shows as text"},
		{"&lt;style&gt;body{display:none!important}&lt;/style&gt;", "a style element shows as text"},
		{`title="residue (0.99): HTML/CSS markup &#34;&lt;script&gt;`, "messages go into title attributes, escaped"},
		{`— see &#34;&gt;&lt;img src=x onerror=alert(1)&gt;</li>`, "a related id shows as text"},
	}
	for _, tt := range tests {
		assert.Contains(t, page, tt.want, tt.reason)
	}
	assert.Equal(t, 3, strings.Count(page, "<article "), "the three flagged articles, not the clean one")
	assert.NotContains(t, page, "Library reopens", "articles without findings are not shown")
}

// TestHTMLScriptHash: the policy allows the page's script by the hash of
// exactly the text the page holds.
func TestHTMLScriptHash(t *testing.T) {
	page := renderHTML(t, nil, nil)
	start := strings.Index(page, "<script>") + len("<script>")
	end := strings.Index(page, "</script>")
	require.Greater(t, end, start)
	script := page[start:end]
	assert.Equal(t, reportScript, script, "the script is inserted verbatim")
	sum := sha256.Sum256([]byte(script))
	assert.Contains(t, page, "script-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	assert.Contains(t, page, "default-src 'none'", "nothing loads")
}

func TestHTMLEmptyReport(t *testing.T) {
	doc := &dedup.Document{ID: "c", Title: "Clean", Paragraphs: []dedup.Paragraph{{Text: "Fine."}}}
	page := renderHTML(t, []*dedup.Document{doc}, [][]dedup.Finding{nil})
	for _, want := range []string{"No article was flagged.", "No findings.", "No near-duplicate findings in this scan.",
		"No kinds to filter.", "<b>1</b>articles scanned", "</html>"} {
		assert.Contains(t, page, want)
	}
	assert.NotContains(t, page, "<article")
	assertNoMarkupFromData(t, page)
}

// sections splits a page into its article sections, by anchor.
func sections(page string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.Split(page, "<article id=\"")[1:] {
		id := part[:strings.IndexByte(part, '"')]
		out[id] = part[:strings.Index(part, "</article>")]
	}
	return out
}

func TestHTMLNearDuplicatePairs(t *testing.T) {
	doc := func(id string, paras ...string) *dedup.Document {
		d := &dedup.Document{ID: id, Source: "in.jsonl", Line: 1, Title: "Title of " + id}
		for _, p := range paras {
			d.Paragraphs = append(d.Paragraphs, dedup.Paragraph{Text: p, Line: 1})
		}
		return d
	}
	nd := func(related string, score float64) dedup.Finding {
		return dedup.Finding{Kind: dedup.KindNearDuplicate, Paragraph: -1, Score: score, Message: "near duplicate of " + related, RelatedID: related}
	}
	res := dedup.Finding{Kind: dedup.KindResidue, Paragraph: 1, Score: 0.9, Message: "residue"}
	docs := []*dedup.Document{
		doc("A", "shared one", "Related Articles"), // a1
		doc("B", "shared one", "only in B"),        // a2: names A, written before
		doc("C", "c text", "c more"),               // a3: names D, written after
		doc("D", "c text", "d more"),               // a4
		doc("E", "e text", "e more"),               // a5: names F, never flagged
		doc("F", "f text"),                         // not flagged
		doc("G", "g text", "g more"),               // a6: names H, symmetric
		doc("H", "g text", "h more"),               // a7: names G
		doc("K", "k text"),                         // not flagged
		doc("L", "k text", "l more"),               // a8: names K, written before
	}
	fss := [][]dedup.Finding{
		{res},
		{nd("A", 0.91)},
		{nd("D", 0.77)},
		{res},
		{nd("F", 0.88)},
		nil,
		{nd("H", 0.95)},
		{nd("G", 0.95)},
		nil,
		{nd("K", 0.9)},
	}
	page := renderHTML(t, docs, fss)
	assertNoMarkupFromData(t, page)
	secs := sections(page)
	tests := []struct {
		anchor string
		pairs  int
		sides  []string
		reason string
	}{
		{"a1", 0, nil, "A names no one; B shows the pair"},
		{"a2", 1, []string{"A", "B"}, "B names A, written before: side by side in B"},
		{"a3", 0, nil, "C names D, not written yet"},
		{"a4", 1, []string{"C", "D"}, "D is shown beside C, which named it earlier"},
		{"a5", 0, nil, "F is not in the report: no pair"},
		{"a6", 0, nil, "G names H, not written yet"},
		{"a7", 1, []string{"G", "H"}, "G and H name each other: one pair, not two"},
		{"a8", 1, []string{"L"}, "the copy kept of a cluster, without findings, is shown beside its duplicate"},
	}
	for _, tt := range tests {
		t.Run(tt.anchor, func(t *testing.T) {
			s, ok := secs[tt.anchor]
			require.True(t, ok)
			assert.Equal(t, tt.pairs, strings.Count(s, `<div class="pair`), tt.reason)
			for _, id := range tt.sides {
				assert.Contains(t, s, `">`+id+`</a>: Title of `+id, tt.reason)
			}
		})
	}
	assert.Contains(t, secs["a8"], `<h4>K <span class="score">(no findings)</span>: Title of K</h4>`, "an article not shown has no link")
	assert.Contains(t, secs["a8"], `— see K</li>`)
	assert.Contains(t, secs["a2"], `— see <a href="#a1">A</a>`, "a related article already shown is linked")
	assert.Contains(t, secs["a5"], `— see F</li>`, "one not shown is named")
	assert.Contains(t, secs["a2"], `<li value="0" class="same">shared one</li>`, "a paragraph on both sides is greyed")
	assert.Contains(t, secs["a2"], `<li value="1">only in B</li>`, "one only on this side is not")
}

func TestHTMLSummary(t *testing.T) {
	doc := &dedup.Document{ID: "x", Title: "T", Paragraphs: []dedup.Paragraph{{Text: "p0"}, {Text: "p1"}}}
	fs := []dedup.Finding{
		{Kind: dedup.KindNearDuplicate, Paragraph: -1, Score: 0.93, RelatedID: "y"},
		{Kind: dedup.KindNearDuplicate, Paragraph: -1, Score: 0.96, RelatedID: "z"},
		{Kind: dedup.KindNearDuplicate, Paragraph: -1, Score: 1, RelatedID: "w"},
		{Kind: dedup.KindNearDuplicate, Paragraph: -1, Score: 0.51, RelatedID: "v"},
		{Kind: dedup.KindResidue, Paragraph: 1, Score: 0.9, Message: "residue"},
		{Kind: "some_new_kind", Paragraph: 0, Score: 0.5, Message: "new"},
	}
	page := renderHTML(t, []*dedup.Document{doc}, [][]dedup.Finding{fs})
	tests := []struct{ want, reason string }{
		{"<title>0.90–0.95: 1</title>", "0.93 falls in its bin"},
		{"<title>0.95–1.00: 2</title>", "0.96 and 1 share the top bin"},
		{"<title>0.50–0.55: 1</title>", "0.51"},
		{"<title>0.00–0.05: 0</title>", "empty bins are drawn too"},
		{`<text x="0" y="15">residue</text>`, "the kinds chart lists dedup's kinds first"},
		{`<text x="0" y="39">near_duplicate</text>`, "then the others, sorted"},
		{`<text x="0" y="63">some_new_kind</text>`, ""},
		{`<label class="k-other"><input type="checkbox" class="kf" value="some_new_kind" checked>`, "an unknown kind gets a filter and the fallback colour"},
		{`class="flag k-other" data-kinds="some_new_kind"`, "and its highlight"},
	}
	for _, tt := range tests {
		assert.Contains(t, page, tt.want, tt.reason)
	}
	assert.Equal(t, 20, strings.Count(page, `<rect class="k-near_duplicate"`), "twenty bins")
}

func TestHTMLCacheBounds(t *testing.T) {
	side := func(n int) htmlSide { return htmlSide{Paragraphs: make([]htmlPara, n)} }
	c := newHTMLCache(2, 1<<20)
	c.add("a", side(1))
	c.add("b", side(1))
	c.add("c", side(1))
	_, ok := c.peek("a")
	assert.False(t, ok, "the oldest goes over the count")
	_, ok = c.peek("c")
	assert.True(t, ok)

	c = newHTMLCache(100, 300)
	c.add("a", side(2)) // 2*64 + 1
	c.add("b", side(2))
	c.add("c", side(2))
	assert.LessOrEqual(t, c.bytes, 300, "the byte budget holds")
	_, ok = c.peek("a")
	assert.False(t, ok)
	c.add("huge", side(10))
	_, ok = c.peek("huge")
	assert.False(t, ok, "an entry over the whole budget is not kept")
	c.add("b", side(1))
	assert.Equal(t, 2, c.order.Len(), "adding an id again replaces it")
}

// TestHTMLThroughScan renders the report through the scan's own pipeline,
// as "scan --format html" will.
func TestHTMLThroughScan(t *testing.T) {
	var out, errb bytes.Buffer
	var o scanOptions
	scanFlags(&o)
	o.detect.Workers = 2
	popts, err := o.pipelineOptions()
	require.NoError(t, err)
	p, err := newPipeline(popts)
	require.NoError(t, err)
	b := newBatch(context.Background(), o, []string{filepath.Join(hostileDir, "hostile.jsonl")}, nil, -1, &errb)
	b.out, b.stderr = newHTMLWriter(&out), &errb
	assert.Equal(t, exitFlagged, b.run(context.Background(), p), errb.String())
	page := out.String()
	assertNoMarkupFromData(t, page)
	assert.Equal(t, 3, strings.Count(page, "<article "))
	assert.Contains(t, page, "<b>4</b>articles scanned")
	assert.True(t, strings.HasSuffix(page, "</html>\n"), "the page is complete")
}

func BenchmarkHTMLReport(b *testing.B) {
	docs, fss := scanDocs(b, "../../testdata/splice/sample.jsonl", nil)
	var size int64
	for _, d := range docs {
		for _, p := range d.Paragraphs {
			size += int64(len(p.Text))
		}
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		w := newHTMLWriter(io.Discard)
		for i, d := range docs {
			if err := w.article(d, slices.Clone(fss[i]), ""); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.finish(stats{byKind: map[dedup.Kind]int{}}); err != nil {
			b.Fatal(err)
		}
	}
}
