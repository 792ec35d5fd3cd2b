package read

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHTMLBody(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		html  bool
		paras []string
	}{
		{"paragraphs", "<p>The council voted on Monday.</p><p>The mayor said &quot;yes&quot;.</p>", true,
			[]string{"The council voted on Monday.", `The mayor said "yes".`}},
		{"a whole page", "<html><head><title>Vote</title><script>var x = 1;</script></head><body><div>A <b>bold</b> move.<br>Next line</div><style>p{}</style></body></html>", true,
			[]string{"Vote", "A bold move.", "Next line"}},
		{"a head left open", "<head><title>T</title><body><p>Text stays.</p>", true, []string{"T", "Text stays."}},
		{"lists", "<ul><li>One</li><li>Two</li></ul>", true, []string{"One", "Two"}},
		{"text that mentions a tag", "Use the <p> tag for paragraphs.", false, nil},
		{"text with a comparison", "Prices rose 3 < 4 times, and then < 2.", false, nil},
		{"plain text", "The council voted.\nThe mayor said yes.", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.html, looksHTML(tt.body))
			if !tt.html {
				return
			}
			got := strings.Split(strings.TrimSuffix(htmlText(tt.body), "\n"), "\n")
			assert.Equal(t, tt.paras, got)
		})
	}
}

func TestJSONLHTMLBody(t *testing.T) {
	in := `{"id":"h","title":"Budget","text":"<p>The council voted on Monday to approve the budget.</p><p>Share this article</p>"}` + "\n"
	var n int
	for doc, err := range JSONL("h.jsonl", strings.NewReader(in), Options{}) {
		require.NoError(t, err)
		n++
		assert.True(t, doc.BodyHTML)
		require.Len(t, doc.Paragraphs, 2)
		assert.Equal(t, "Share this article", doc.Paragraphs[1].Text)
	}
	assert.Equal(t, 1, n)
}

// FuzzHTMLText checks that any markup reads without a panic into lines
// with no blank ones and no surrounding space.
func FuzzHTMLText(f *testing.F) {
	for _, s := range []string{"<p>a</p>", "<html><head><title>x", "<script>", "<<p>>", "<p>&amp;&#0;&#xD800;</p>", "<br/><br>", "<div><p>a<div>b</p></div>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, l := range strings.Split(strings.TrimSuffix(htmlText(s), "\n"), "\n") {
			if l != strings.TrimSpace(l) {
				t.Fatalf("line %q has surrounding space", l)
			}
		}
		_ = looksHTML(s)
	})
}
