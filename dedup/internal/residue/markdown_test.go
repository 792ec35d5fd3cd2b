package residue

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestShownText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"No links here.", "No links here."},
		{"The full report is [on the council's website](https://example.com/report.pdf).", "The full report is on the council's website."},
		{"* [Old bridge closed to lorries](https://example.com/news/1)", "* Old bridge closed to lorries"},
		{"[Share on Facebook](https://facebook.com/sharer?u=x) [Share on Twitter](https://twitter.com/intent/tweet?u=x)", "Share on Facebook Share on Twitter"},
		{`See [the minutes](/council/minutes "Minutes of 3 March") and [the map](#map).`, "See the minutes and the map."},
		{"![Bridge at dusk](https://example.com/img/bridge.jpg)", "![Bridge at dusk](https://example.com/img/bridge.jpg)"},
		{"![Bridge](https://example.com/b.jpg) [Gallery](https://example.com/g)", "![Bridge](https://example.com/b.jpg) Gallery"},
		{"An array a[i](j) is no link, nor is [this] (https://example.com).", "An array a[i](j) is no link, nor is [this] (https://example.com)."},
		{"[](https://example.com/empty)", "[](https://example.com/empty)"},
		{"### Related articles", "Related articles"},
		{"# Council approves the tram line #", "Council approves the tram line"},
		{"## [More from Sport](https://example.com/sport)", "More from Sport"},
		{"   ###### Six", "Six"},
		{"####### Seven is no heading", "####### Seven is no heading"},
		{"#MeToo and #1 seed", "#MeToo and #1 seed"},
		{"## ", "## "},
		{"## ##", "##"},
		{"**Related Articles**", "Related Articles"},
		{"_Read more_", "Read more"},
		{"*[Share](https://example.com/s)*", "Share"},
		{"## **Most read**", "Most read"},
		{"*  *  *", "*  *  *"},
		{"**", "**"},
		{"**bold** and **more bold**", "**bold** and **more bold**"},
		{"_snake_case_name_", "_snake_case_name_"},
	} {
		got, ok := shownText(tc.in)
		assert.Equal(t, tc.want, got, "%q", tc.in)
		assert.Equal(t, tc.want != tc.in, ok, "%q", tc.in)
	}
	assert.Nil(t, shownParas([]string{"a", "b"}), "no links, no copy")
	paras := []string{"a", "[b](https://x.example/b)", "c"}
	assert.Equal(t, []string{"a", "b", "c"}, shownParas(paras))
	assert.Equal(t, "[b](https://x.example/b)", paras[1], "the paragraphs are not changed")
}

// TestMarkdownArticle checks that an article written as Markdown keeps its
// sentences that link their sources, and loses its link list, share links
// and image; the messages quote the lines as written.
func TestMarkdownArticle(t *testing.T) {
	p := prose
	doc := testDoc("Bridge closed for repairs",
		p[0],
		"The full report is [on the council's website](https://example.com/council/documents/2024/03/bridge-replacement-final-report.pdf).",
		p[1],
		"Critics, including the [Friends of the Old Bridge](https://friendsoftheoldbridge.org/campaigns/save-the-iron-bridge-2024), disagree.",
		p[2], p[3],
		"## Related stories",
		"* [Old bridge closed to lorries after cracks found](https://example.com/news/2023/11/bridge-cracks)",
		"* [Council tax to rise by 4 per cent](https://example.com/news/2024/02/council-tax)",
		"* [New cycle lanes planned for the high street](https://example.com/news/2024/01/cycle-lanes)",
		"[Share on Facebook](https://facebook.com/sharer?u=x) [Share on Twitter](https://twitter.com/intent/tweet?u=x)",
		"![Bridge at dusk](https://example.com/img/bridge.jpg)")
	got := flagged(t, doc, nil)
	for i := 0; i <= 5; i++ {
		assert.NotContains(t, got, i, "the article: %q", doc.Paras[i])
	}
	for i := 6; i < len(doc.Paras); i++ {
		if assert.Contains(t, got, i, "%q", doc.Paras[i]) {
			assert.True(t, strings.HasSuffix(got[i].Message, quote(doc.Paras[i])), "the message quotes the line as written: %s", got[i].Message)
		}
	}
}

func FuzzShownText(f *testing.F) {
	f.Add("The full report is [on the council's website](https://example.com/report.pdf).")
	f.Add("![Bridge](https://example.com/b.jpg) [Gallery](https://example.com/g)")
	f.Add(`[a](/b "c") [d](#e) [[f](g:h)](i:j)`)
	f.Add("## [More from Sport](https://example.com/sport) ##")
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := shownText(in)
		if !ok && got != in {
			t.Fatalf("shownText(%q) = %q without a link", in, got)
		}
		if len(got) > len(in) {
			t.Fatalf("shownText(%q) = %q, longer", in, got)
		}
		if _, em := emphasised(in); ok && !strings.Contains(in, "](") && headingMarker(in) == 0 && !em {
			t.Fatalf("shownText(%q) found a link without \"](\" nor a heading", in)
		}
	})
}
