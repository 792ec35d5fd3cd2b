package dedup_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/read"
)

// FuzzCheckClean judges a record made of the fuzzer's title and body with
// every detector, and cleans it with the default policy. Nothing panics,
// and nothing is lost silently: the cleaned record keeps its other fields,
// and its body is the body's paragraphs, in order, but those that Clean
// reports removed, each with the finding that removes it.
func FuzzCheckClean(f *testing.F) {
	seed, err := os.ReadFile("../testdata/seed.txt")
	require.NoError(f, err)
	title, body, _ := strings.Cut(string(seed), "\n")
	f.Add(title, body)
	f.Add("Headline", "Headline\nHeadline\nA sentence of the story, with a full stop.\nRelated Articles\nShare this\n© 2024 Reuters")
	f.Add("عنوان الخبر", "عنوان الخبر\nقال المتحدث إن المحادثات ستستأنف الأسبوع المقبل.\nاقرأ أيضا")
	f.Add("北京时间", "北京时间十二月七日，会谈将于下周恢复。\n相关新闻\n分享到")
	f.Add("Wrapped", strings.Repeat("a line of text that was wrapped at a\nfixed width by a text browser, as\n", 8))
	f.Add("", "<p>Markup &amp; escapes &quot;quoted&quot;</p>\n\n\n")
	p := mustPipeline(f, nil)
	f.Fuzz(func(t *testing.T, title, body string) {
		rec, err := json.Marshal(map[string]string{"id": "x", "title": title, "text": body, "url": "https://example.com/x"})
		require.NoError(t, err)
		doc, err := read.Record("fuzz.jsonl", 1, rec, read.Options{})
		if err != nil {
			return // a record the reader refuses (an empty body), with its error
		}
		a, err := p.Check(context.Background(), doc)
		require.NoError(t, err)
		c, err := dedup.Clean(doc, a.Findings, nil)
		require.NoError(t, err)

		// Kept and removed paragraphs, by line, make the original ones.
		removed := make(map[int]bool)
		for _, r := range c.Removed {
			require.NotEmpty(t, r.Message, "a removal says why")
			require.True(t, r.Paragraph >= 0 && r.Paragraph < len(doc.Paragraphs), "removal of paragraph %d of %d", r.Paragraph, len(doc.Paragraphs))
			require.Equal(t, doc.Paragraphs[r.Paragraph].Text, r.Text)
			removed[r.Paragraph] = true
		}
		var kept []string
		for i, para := range doc.Paragraphs {
			if !removed[i] {
				kept = append(kept, para.Text)
			}
		}
		require.Len(t, c.Doc.Paragraphs, len(kept))
		for i, para := range c.Doc.Paragraphs {
			require.Equal(t, kept[i], para.Text)
		}

		// The cleaned record keeps every other field as it was, and reads
		// back as the paragraphs kept.
		var before, after map[string]any
		require.NoError(t, json.Unmarshal(rec, &before))
		require.NoError(t, json.Unmarshal(c.Raw, &after), "cleaned record %q", c.Raw)
		for k, v := range before {
			if k != "text" {
				require.Equal(t, v, after[k], "field %q", k)
			}
		}
		if len(kept) == 0 {
			return // an emptied body: the reader refuses it, as it refuses any empty body
		}
		back, err := read.Record("fuzz.jsonl", 1, c.Raw, read.Options{})
		require.NoError(t, err)
		require.Len(t, back.Paragraphs, len(kept))
		for i, para := range back.Paragraphs {
			require.Equal(t, kept[i], para.Text)
		}
	})
}
