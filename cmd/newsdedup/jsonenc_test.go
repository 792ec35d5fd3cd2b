package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/read"
)

// record is the JSON form of one scanned article, the README's output
// schema, as encoding/json writes it: the oracle of appendRecord, and of
// the library's output in TestLibraryMatchesCLI.
type record struct {
	ID         string          `json:"id"`
	Source     string          `json:"source"`
	Line       int             `json:"line"`
	Title      string          `json:"title"`
	Paragraphs []string        `json:"paragraphs"`
	Findings   []dedup.Finding `json:"findings"`
	Cluster    string          `json:"cluster,omitempty"`
}

// findingsRecord is record without the paragraphs, for --findings-only.
type findingsRecord struct {
	ID       string          `json:"id"`
	Source   string          `json:"source"`
	Line     int             `json:"line"`
	Title    string          `json:"title"`
	Findings []dedup.Finding `json:"findings"`
	Cluster  string          `json:"cluster,omitempty"`
}

func newRecord(doc *dedup.Document, fs []dedup.Finding, cluster string) record {
	r := record{ID: doc.ID, Source: doc.Source, Line: doc.Line, Title: doc.Title,
		Paragraphs: make([]string, len(doc.Paragraphs)), Findings: fs, Cluster: cluster}
	for i, p := range doc.Paragraphs {
		r.Paragraphs[i] = p.Text
	}
	if r.Findings == nil {
		r.Findings = []dedup.Finding{}
	}
	return r
}

// encodingJSON is what appendRecord must equal: encoding/json's output for
// the record, HTML escaping off.
func encodingJSON(t testing.TB, doc *dedup.Document, fs []dedup.Finding) []byte {
	return encodingJSONOpts(t, doc, fs, recordOpts{})
}

// encodingJSONOpts is what appendRecordOpts must equal.
func encodingJSONOpts(t testing.TB, doc *dedup.Document, fs []dedup.Finding, o recordOpts) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	r := newRecord(doc, fs, o.cluster)
	var v any = r
	if o.noParagraphs {
		v = findingsRecord{ID: r.ID, Source: r.Source, Line: r.Line, Title: r.Title, Findings: r.Findings, Cluster: r.Cluster}
	}
	require.NoError(t, enc.Encode(v))
	return buf.Bytes()
}

func TestAppendRecordMatchesEncodingJSON(t *testing.T) {
	tests := []struct {
		name string
		doc  *dedup.Document
		fs   []dedup.Finding
	}{
		{"empty", &dedup.Document{}, nil},
		{"plain", &dedup.Document{ID: "m1", Source: "a.jsonl", Line: 3, Title: "Title",
			Paragraphs: []dedup.Paragraph{{Text: "one"}, {Text: "two"}}},
			[]dedup.Finding{{Kind: dedup.KindResidue, Paragraph: 1, Line: 3, Score: 0.75, Message: `residue: "Share"`}}},
		{"escapes", &dedup.Document{ID: "q\"\\</script>&", Title: "tab\there\nnew\rline\x00\x1f\b\f",
			Paragraphs: []dedup.Paragraph{{Text: "\u2028\u2029 ünïcødé 日本 \xff bad"}}},
			[]dedup.Finding{{Kind: dedup.KindOffTopic, Paragraph: -1, Score: 1e-9, RelatedID: "x", Rule: "split"}}},
		{"scores", &dedup.Document{ID: "s"}, []dedup.Finding{
			{Score: 0}, {Score: 1}, {Score: 0.1 + 0.2}, {Score: 1e-7}, {Score: 123456789}, {Score: 1e22}, {Score: -0.5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, string(encodingJSON(t, tt.doc, tt.fs)), string(appendRecord(nil, tt.doc, tt.fs)))
			for _, o := range []recordOpts{{cluster: "k\"1"}, {noParagraphs: true}, {cluster: "k", noParagraphs: true}} {
				assert.Equal(t, string(encodingJSONOpts(t, tt.doc, tt.fs, o)), string(appendRecordOpts(nil, tt.doc, tt.fs, o)), "%+v", o)
			}
		})
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "\"\\", "\x00\x1f\u2028", "\xff\xfe", "日本語", "</script>"} {
		f.Add(s, 0.5)
	}
	f.Fuzz(func(t *testing.T, s string, score float64) {
		if math.IsNaN(score) || math.IsInf(score, 0) {
			return // encoding/json refuses them; scores are finite
		}
		doc := &dedup.Document{ID: s, Title: s, Paragraphs: []dedup.Paragraph{{Text: s}}}
		fs := []dedup.Finding{{Message: s, Score: score, RelatedID: s, Rule: s}}
		want := encodingJSON(t, doc, fs)
		if got := appendRecord(nil, doc, fs); !bytes.Equal(want, got) {
			t.Fatalf("appendRecord(%q, %v)\n got %s\nwant %s", s, score, got, want)
		}
	})
}

// BenchmarkAppendJSONString escapes the paragraphs of the repository's
// mismatch sample (English news) and of its real pages (several
// languages), as a report or a clean-up writes them. MB/s is per byte of
// text.
func BenchmarkAppendJSONString(b *testing.B) {
	for _, tt := range []struct{ name, path string }{
		{"news", "../../testdata/mismatch/sample.jsonl"},
		{"pages", "../../testdata/pages"},
	} {
		b.Run(tt.name, func(b *testing.B) {
			var paras []string
			var size int64
			for doc, err := range read.Paths(context.Background(), []string{tt.path}, nil, read.Options{}) {
				if err != nil {
					continue // the corpus's bad records are its tests'
				}
				for _, p := range doc.Paragraphs {
					paras = append(paras, p.Text)
					size += int64(len(p.Text))
				}
			}
			if size == 0 {
				b.Fatal("no text")
			}
			var buf []byte
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				for _, p := range paras {
					buf = appendJSONString(buf[:0], p)
				}
			}
		})
	}
}
