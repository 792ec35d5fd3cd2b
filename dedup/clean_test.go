package dedup_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/read"
)

// TestCleanFormats cleans one record of each format the readers make and
// checks that only the removed paragraphs are gone from its bytes.
func TestCleanFormats(t *testing.T) {
	residue := func(ps ...int) []dedup.Finding {
		var fs []dedup.Finding
		for _, p := range ps {
			fs = append(fs, dedup.Finding{Kind: dedup.KindResidue, Paragraph: p, Score: 0.9})
		}
		return fs
	}
	tests := []struct {
		name, reason string
		docs         func() []*dedup.Document
		findings     []dedup.Finding
		want         string
	}{
		{
			name: "CSV quoted body", reason: "the body cell loses a line and stays quoted; the other cells are the same bytes",
			docs: func() []*dedup.Document {
				return readAll(t, read.CSV("a.csv", strings.NewReader("id,title,text,site\r\n1,T,\"One.\n\nShare this\n\nTwo.\",\"x, y\"\r\n"), read.Options{}))
			},
			findings: residue(1), want: "1,T,\"One.\n\nTwo.\",\"x, y\"",
		},
		{
			name: "CSV body column first", reason: "the body column is found in the header, wherever it stands",
			docs: func() []*dedup.Document {
				return readAll(t, read.CSV("a.csv", strings.NewReader("text,title\nRelated Articles,T\n"), read.Options{}))
			},
			findings: residue(0), want: ",T",
		},
		{
			name: "CSV named column", reason: "a column named by the field options",
			docs: func() []*dedup.Document {
				return readAll(t, read.CSV("a.csv", strings.NewReader("story,text\n\"A.\nAds by Google\",keep me\n"), read.Options{BodyFields: []string{"story"}}))
			},
			findings: residue(1), want: "\"A.\",keep me",
		},
		{
			name: "JSON array element", reason: "an element over several lines keeps its layout; only the body string changes",
			docs: func() []*dedup.Document {
				return readAll(t, read.JSONArray("a.json", strings.NewReader("[\n  {\n    \"url\": \"u\",\n    \"text\": \"One.\\nRelated Articles\"\n  }\n]"), read.Options{}))
			},
			findings: residue(1), want: "{\n    \"url\": \"u\",\n    \"text\": \"One.\"\n  }",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs := tt.docs()
			require.Len(t, docs, 1)
			cl, err := dedup.Clean(docs[0], tt.findings, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(cl.Raw), tt.reason)
			assert.Len(t, cl.Removed, len(tt.findings))
		})
	}

	t.Run("CSV record that is not the one read", func(t *testing.T) {
		docs := readAll(t, read.CSV("a.csv", strings.NewReader("text\n\"a\nb\"\n"), read.Options{}))
		require.Len(t, docs, 1)
		doc := *docs[0]
		doc.Raw = []byte(`"a"`)
		_, err := dedup.Clean(&doc, residue(1), nil)
		assert.ErrorContains(t, err, "a.csv:2: the record is not the one read", "a body of another number of paragraphs is refused")
		doc.CSVHeader = []byte("body\n")
		_, err = dedup.Clean(&doc, residue(1), nil)
		assert.ErrorContains(t, err, `the CSV header has no column "text"`)
	})
}

func readAll(t *testing.T, seq func(func(*dedup.Document, error) bool)) []*dedup.Document {
	t.Helper()
	var docs []*dedup.Document
	for doc, err := range seq {
		require.NoError(t, err)
		docs = append(docs, doc)
	}
	return docs
}

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
		{"the paragraph that is most of the article stays",
			record(`{"text":"Home | News The ferry is back in service after four months of repairs, its operator said."}`, "T",
				"Home | News The ferry is back in service after four months of repairs, its operator said."),
			[]dedup.Finding{residue(0, "article-text")},
			`{"text":"Home | News The ferry is back in service after four months of repairs, its operator said."}`, nil,
			"the default keeps the article run into one paragraph"},
		{"a record keeps its body's own headline",
			record(`{"text":"Rail strike called off\nTrain drivers called off Friday's strike after a late offer on pay.\nRail strike called off"}`, "Rail strike called off",
				"Rail strike called off\nTrain drivers called off Friday's strike after a late offer on pay.\nRail strike called off"),
			[]dedup.Finding{headline(0), headline(2)},
			`{"text":"Rail strike called off\nTrain drivers called off Friday's strike after a late offer on pay."}`, []int{2},
			"the title stands in a field of its own: the first copy is the body's headline"},
		{"the own headline is a copy that stays",
			record(`{"text":"Rail strike called off - Daily Courier\nThis site uses cookies to give you the best experience of our pages.\nHome\nRail strike called off\nTrain drivers called off Friday's strike after a late offer on pay."}`, "Rail strike called off",
				"Rail strike called off - Daily Courier\nThis site uses cookies to give you the best experience of our pages.\nHome\nRail strike called off\nTrain drivers called off Friday's strike after a late offer on pay."),
			[]dedup.Finding{headline(0), residue(0, "links"), residue(1, "cookie"), residue(2, "nav"), headline(3)},
			`{"text":"Rail strike called off\nTrain drivers called off Friday's strike after a late offer on pay."}`, []int{0, 1, 2},
			"a copy that residue removes (the page's title line with the site's name) is not the one kept"},
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
