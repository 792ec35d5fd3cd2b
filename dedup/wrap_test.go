package dedup_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
)

// TestWrappedBodyFindingsOnEachLine scans a body wrapped at 60 columns
// whose second paragraph is printed twice: the repeat is found on the
// joined paragraph (read line by line, each line would repeat its own
// copy), reported on each of its lines with their own line numbers, and
// Clean removes those lines and no other.
func TestWrappedBodyFindingsOnEachLine(t *testing.T) {
	para := []string{
		"The regional operator will run a sleeper service between the",
		"coast and the mountain towns from March, ending a gap of",
		"eleven years in which the valley had no train after eight in",
		"the evening.",
	}
	other := []string{
		"Tickets go on sale next week. A seat will cost about as much",
		"as the late bus, and a bed in a shared compartment a little",
		"more, the operator said on Tuesday.",
	}
	last := []string{
		"Local councils had asked for the service since the last",
		"night train was cut in a round of savings. Hotel owners in",
		"the upper valley said guests from the capital now arrive by",
		"car or not at all.",
	}
	lines := append(append(append(append([]string{}, para...), other...), other...), last...)
	doc := dedup.NewDocument("wrapped", "Night trains return to the valley line", strings.Join(lines, "\n"))
	require.Len(t, doc.Paragraphs, len(lines))

	findings := runAll(t, []*dedup.Document{doc}, false)[0]
	var rep []dedup.Finding
	for _, f := range findings {
		if f.Kind == dedup.KindRepeatedParagraph {
			rep = append(rep, f)
		}
	}
	second := len(para) + len(other) // the copy's first line
	require.Len(t, rep, len(other), "one finding a line of the repeated paragraph: %+v", findings)
	for k, f := range rep {
		assert.Equal(t, second+k, f.Paragraph)
		assert.Equal(t, doc.Paragraphs[second+k].Line, f.Line)
		// The paragraph repeated is named by its first line.
		assert.Equal(t, "paragraph repeats paragraph 4", f.Message)
	}

	c, err := dedup.Clean(doc, findings, nil)
	require.NoError(t, err)
	var kept []string
	for _, p := range c.Doc.Paragraphs {
		kept = append(kept, p.Text)
	}
	assert.Equal(t, append(append(append([]string{}, para...), other...), last...), kept)
}

// TestNewDocumentBlankLines checks that a paragraph after a blank line is
// marked so (the writer's paragraph break, which a wrapped body never
// runs across), and that a line end of "\r\n" is no blank line.
func TestNewDocumentBlankLines(t *testing.T) {
	doc := dedup.NewDocument("b", "Head", "One.\r\nTwo.\r\n\r\nThree.\n \nFour.")
	var blank []bool
	for _, p := range doc.Paragraphs {
		blank = append(blank, p.AfterBlank)
	}
	assert.Equal(t, []bool{false, false, true, true}, blank)
}
