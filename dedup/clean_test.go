package dedup_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
)

// record returns a document read from a JSONL record with body field text.
func record(raw, title, body string) *dedup.Document {
	d := dedup.NewDocument("r", title, body)
	d.Raw, d.BodyField = []byte(raw), "text"
	return d
}

func TestClean(t *testing.T) {
	residue := func(p int, rule string) dedup.Finding {
		return dedup.Finding{Kind: dedup.KindResidue, Paragraph: p, Score: 0.9, Rule: rule}
	}
	headline := func(p int) dedup.Finding {
		return dedup.Finding{Kind: dedup.KindRepeatedHeadline, Paragraph: p, Score: 1}
	}
	tests := []struct {
		name    string
		doc     *dedup.Document
		fs      []dedup.Finding
		raw     string // the cleaned Raw
		removed []int
		reason  string
	}{
		{"a record loses a paragraph",
			record(`{"id":"r","text":"Prose here.\nShare this\nMore prose.","x":1}`, "T", "Prose here.\nShare this\nMore prose."),
			[]dedup.Finding{residue(1, "share")},
			`{"id":"r","text":"Prose here.\nMore prose.","x":1}`, []int{1}, "the body field only changes"},
		{"nothing to remove",
			record(`{"id":"r","text":"Prose here.","x":1}`, "T", "Prose here."),
			[]dedup.Finding{{Kind: dedup.KindHeadlineMismatch, Paragraph: -1}},
			`{"id":"r","text":"Prose here.","x":1}`, nil, "a finding on the whole article removes nothing"},
		{"an article's own credit stays",
			record(`{"text":"Prose here.\nCopyright 2008 AP"}`, "T", "Prose here.\nCopyright 2008 AP"),
			[]dedup.Finding{residue(1, "article-credit")},
			`{"text":"Prose here.\nCopyright 2008 AP"}`, nil, "the default keeps the article's credit lines"},
		{"a record keeps its body's own headline",
			record(`{"text":"Rail strike called off\nTrain drivers called off Friday's strike after a late offer on pay.\nRail strike called off"}`, "Rail strike called off",
				"Rail strike called off\nTrain drivers called off Friday's strike after a late offer on pay.\nRail strike called off"),
			[]dedup.Finding{headline(0), headline(2)},
			`{"text":"Rail strike called off\nTrain drivers called off Friday's strike after a late offer on pay."}`, []int{2},
			"the title stands in a field of its own: the first copy is the body's headline"},
		{"an HTML body is written back as text",
			func() *dedup.Document {
				d := record(`{"text":"<p>Prose here.</p><p>Share this</p>"}`, "T", "Prose here.\nShare this")
				d.BodyHTML = true
				return d
			}(),
			[]dedup.Finding{residue(1, "share")},
			`{"text":"Prose here."}`, []int{1}, "markup cannot lose a paragraph as a line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := dedup.Clean(tt.doc, tt.fs, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.raw, string(c.Raw), tt.reason)
			var got []int
			for _, r := range c.Removed {
				got = append(got, r.Paragraph)
				assert.Equal(t, tt.doc.Paragraphs[r.Paragraph].Text, r.Text)
			}
			assert.Equal(t, tt.removed, got, tt.reason)
			assert.Len(t, c.Doc.Paragraphs, len(tt.doc.Paragraphs)-len(tt.removed))
		})
	}
}

func TestCleanTextFile(t *testing.T) {
	text := "Rail strike called off\n\nRail strike called off\n\nTrain drivers called off Friday's strike.\r\n\r\nShare this\n"
	d := dedup.NewDocument("a.txt", "Rail strike called off", strings.SplitN(text, "\n", 2)[1])
	d.Raw = []byte(text)
	c, err := dedup.Clean(d, []dedup.Finding{{Kind: dedup.KindRepeatedHeadline, Paragraph: 0, Score: 1},
		{Kind: dedup.KindResidue, Paragraph: 2, Score: 0.9, Rule: "share"}}, nil)
	require.NoError(t, err)
	assert.Equal(t, "Rail strike called off\n\nTrain drivers called off Friday's strike.\r\n", string(c.Raw),
		"a text file's first line is the title: the copy below it goes, line endings stay")
}

func TestCleanNotTheRecord(t *testing.T) {
	d := record(`{"text":"One.\nTwo.\nThree."}`, "T", "One.\nTwo.")
	_, err := dedup.Clean(d, []dedup.Finding{{Kind: dedup.KindResidue, Paragraph: 1, Score: 0.9}}, nil)
	assert.ErrorContains(t, err, "not the one read", "a record whose body is not the document's is refused, not guessed at")
}
