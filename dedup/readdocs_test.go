package dedup

// The readers live in dedup/read, which imports this package, so the
// tests here read their samples with readDocs, a small reader of their
// two shapes that builds the same Documents as read.Paths does.

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// readDocs reads every document of the files, failing on anything the
// samples do not hold: a .txt file is one article, a .jsonl file has one
// {"id","title","text"} record of strings a line.
func readDocs(t testing.TB, paths ...string) []*Document {
	t.Helper()
	var docs []*Document
	for _, p := range paths {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		data = bytes.TrimPrefix(data, []byte("\ufeff"))
		switch filepath.Ext(p) {
		case ".txt":
			docs = append(docs, textDoc(t, p, data))
		case ".jsonl":
			for i, line := range sampleLines(string(data)) {
				if strings.TrimSpace(line) != "" {
					docs = append(docs, jsonlDoc(t, p, i+1, line))
				}
			}
		default:
			t.Fatalf("readDocs: %s is neither .txt nor .jsonl", p)
		}
	}
	return docs
}

// sampleLines splits s at "\n", "\r\n" and lone "\r", as the readers do.
func sampleLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// textDoc reads a text article: the first non-blank line is the title,
// the others are paragraphs.
func textDoc(t testing.TB, path string, data []byte) *Document {
	doc := &Document{ID: path, Source: path, Line: 1}
	for i, line := range sampleLines(string(data)) {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case doc.TitleLine == 0:
			doc.Title, doc.TitleLine = line, i+1
		default:
			doc.Paragraphs = append(doc.Paragraphs, Paragraph{Text: line, Line: i + 1})
		}
	}
	require.NotZero(t, doc.TitleLine, "%s has no headline", path)
	return doc
}

// jsonlDoc reads record n of path.
func jsonlDoc(t testing.TB, path string, n int, line string) *Document {
	var rec struct{ ID, Title, Text string }
	dec := json.NewDecoder(strings.NewReader(line))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&rec), "%s:%d", path, n)
	require.NotEmpty(t, rec.ID, "%s:%d", path, n)
	doc := &Document{ID: rec.ID, Source: path, Line: n, Title: strings.TrimSpace(rec.Title),
		Raw: []byte(line), BodyField: "text", TitleField: "title"}
	if doc.Title != "" {
		doc.TitleLine = n
	}
	for _, p := range sampleLines(rec.Text) {
		if p = strings.TrimSpace(p); p != "" {
			doc.Paragraphs = append(doc.Paragraphs, Paragraph{Text: p, Line: n})
		}
	}
	return doc
}
