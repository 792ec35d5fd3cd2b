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
