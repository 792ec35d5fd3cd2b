package dedup_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/read"
)

// pageTruth says, for one page of testdata/pages/pages.jsonl, which
// paragraphs clean must keep and which it must remove; a paragraph in
// neither list may go either way.
type pageTruth struct {
	ID   string `json:"id"`
	Keep []int  `json:"keep"`
	Drop []int  `json:"drop"`
	Note string `json:"note"`
}

// TestCleanRealShapedPages cleans the real-shaped pages of testdata/pages
// (Arabic, Chinese, Russian and German pages, one-paragraph articles (one
// with its page's comment form run into it, one with a script), a
// recipe's list, a results table, an English page's whole text, an
// article wrapped at 60 columns, one with the page's escapes left in,
// one without a headline, one whose teasers follow its share bar, a poem
// of short lines under its headline, an extractor's Markdown, a match
// report with a Markdown table, a French page as html2text writes it) as "newsdedup clean" does, corpus on, and
// checks each page's truth: article text is never cut, and the residue
// each page names is removed.
func TestCleanRealShapedPages(t *testing.T) {
	dir := filepath.Join("..", "testdata", "pages")
	f, err := os.Open(filepath.Join(dir, "pages.jsonl"))
	require.NoError(t, err)
	defer f.Close()
	docs := readAll(t, read.JSONL("pages.jsonl", f, read.Options{}))

	truth := map[string]pageTruth{}
	tf, err := os.Open(filepath.Join(dir, "pages.truth.jsonl"))
	require.NoError(t, err)
	defer tf.Close()
	sc := bufio.NewScanner(tf)
	for sc.Scan() {
		var pt pageTruth
		require.NoError(t, json.Unmarshal(sc.Bytes(), &pt))
		truth[pt.ID] = pt
	}
	require.NoError(t, sc.Err())
	require.Len(t, truth, len(docs), "one truth line a page")

	findings := runAll(t, docs, true)
	for i, doc := range docs {
		pt, ok := truth[doc.ID]
		require.True(t, ok, "no truth for page %q", doc.ID)
		t.Run(doc.ID, func(t *testing.T) {
			c, err := dedup.Clean(doc, findings[i], nil)
			require.NoError(t, err)
			gone := map[int]string{}
			for _, r := range c.Removed {
				gone[r.Paragraph] = r.Message
			}
			for _, p := range pt.Keep {
				require.Less(t, p, len(doc.Paragraphs))
				msg, cut := gone[p]
				assert.False(t, cut, "%s: paragraph %d %q removed (%s)", pt.Note, p, doc.Paragraphs[p].Text, msg)
			}
			for _, p := range pt.Drop {
				require.Less(t, p, len(doc.Paragraphs))
				_, cut := gone[p]
				assert.True(t, cut, "%s: paragraph %d %q kept", pt.Note, p, doc.Paragraphs[p].Text)
			}
		})
	}
}
