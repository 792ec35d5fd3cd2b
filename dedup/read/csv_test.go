package read

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
)

func TestReadCSVFiles(t *testing.T) {
	in := func(name string) string { return filepath.Join(inputDir, name) }
	t.Run("python csv", func(t *testing.T) {
		path := in("articles.csv")
		docs := docsOf(t, collect(Paths(context.Background(), []string{path}, nil, Options{})))
		require.Len(t, docs, 3)
		header := []byte("id,title,content,publication\r\n")
		want := []dedup.Document{
			{ID: "c1", Source: path, Line: 2, Title: "Storm closes harbour", TitleLine: 2, TitleField: "title", BodyField: "content",
				Paragraphs: []dedup.Paragraph{{Text: "The harbour closed on Monday.", Line: 2}, {Text: "Ships waited offshore.", Line: 4, AfterBlank: true}, {Text: "Related Articles", Line: 5}},
				Raw:        []byte("c1,Storm closes harbour,\"The harbour closed on Monday.\n\nShips waited offshore.\nRelated Articles\",\"Gazette, The\""),
				Format:     FormatCSV, CSVHeader: header},
			{ID: "c2", Source: path, Line: 6, Title: `Council "votes" on budget`, TitleLine: 6, TitleField: "title", BodyField: "content",
				Paragraphs: []dedup.Paragraph{{Text: "The council voted 7 to 2.", Line: 6}},
				Raw:        []byte(`c2,"Council ""votes"" on budget",The council voted 7 to 2.,Post`), Format: FormatCSV, CSVHeader: header},
			{ID: path + ":7", Source: path, Line: 7, Title: "No id here", TitleLine: 7, TitleField: "title", BodyField: "content",
				Paragraphs: []dedup.Paragraph{{Text: "A body, with a comma.", Line: 7}, {Text: "Share this article", Line: 8}},
				Raw:        []byte(",No id here,\"A body, with a comma.\nShare this article\","), Format: FormatCSV, CSVHeader: header},
		}
		for i := range want {
			checkDocument(t, docs[i])
			assert.Equal(t, want[i], *docs[i], "record %d: Python's csv ends records with \\r\\n, keeps \\n inside fields and quotes what needs it; an empty id falls back to file:line", i)
		}
	})
	t.Run("excel", func(t *testing.T) {
		path := in("articles-excel.csv")
		docs := docsOf(t, collect(Paths(context.Background(), []string{path}, nil, Options{})))
		require.Len(t, docs, 1)
		assert.Equal(t, "https://example.com/cafe", docs[0].ID, "url is an id column")
		assert.Equal(t, "Caf\u00e9 opens", docs[0].Title, "headline is a title column; the BOM is not part of the first name")
		assert.Equal(t, "body", docs[0].BodyField)
		assert.True(t, bytes.HasPrefix(docs[0].CSVHeader, utf8BOM), "the header keeps its BOM, for writing back")
	})
	t.Run("bad records", func(t *testing.T) {
		path := in("bad.csv")
		ids, errs := idsAndErrors(t, []string{path}, Options{})
		assert.Equal(t, []string{path + ":2", path + ":6"}, ids, "the records around bad ones are read")
		assert.Equal(t, []string{
			path + `:3: invalid CSV: bare " in a field without quotes (line 3, column 8)`,
			path + ":4: invalid CSV: the record has 1 fields, the header 2",
			path + `:5: invalid CSV: extraneous or missing " in a quoted field (line 5, column 14)`,
		}, errs)
	})
	t.Run("no body column", func(t *testing.T) {
		path := in("nobody.csv")
		ids, errs := idsAndErrors(t, []string{path}, Options{})
		assert.Empty(t, ids)
		assert.Equal(t, []string{path + `:1: missing body: no body column "text", "body", "content", "articleBody" in the header (its columns: "headline", "story")`}, errs,
			"the header says what is there, so that the column can be named")
		ids, errs = idsAndErrors(t, []string{path}, Options{BodyFields: []string{"story"}})
		assert.Empty(t, errs)
		assert.Equal(t, []string{path + ":2"}, ids, "named, it is read")
	})
}

func TestReadCSVStrings(t *testing.T) {
	tests := []struct {
		name, reason, in string
		opts             Options
		want             []string // "id|title|paragraph/paragraph" or "error: message"
	}{
		{name: "empty", reason: "no header, no articles", in: "", want: nil},
		{name: "header only", reason: "a header and no records", in: "title,text\n", want: nil},
		{name: "order of the lists", reason: "the first column of each list that the header has counts, whatever the column order",
			in: "body,headline,url,title,text,id\nB,H,U,T,X,\n", want: []string{"U|T|X"}},
		{name: "repeated column", reason: "of two columns of one name, the first counts",
			in: "text,text\nfirst,second\n", want: []string{"s.csv:2||first"}},
		{name: "trimmed names", reason: "header names are trimmed", in: " title , text \nT,B\n", want: []string{"s.csv:2|T|B"}},
		{name: "no title column", reason: "an article with no title", in: "text\nB\n", want: []string{"s.csv:2||B"}},
		{name: "blank body", reason: "an empty body is an article with no paragraphs", in: "title,text\nT,\n", want: []string{"s.csv:2|T|"}},
		{name: "lone CR", reason: "a lone \\r splits paragraphs, as elsewhere", in: "text\n\"a\rb\"\n", want: []string{"s.csv:2||a/b"}},
		{name: "field options", reason: "the field flags name columns", in: "h,b,k\nT,B,K\n",
			opts: Options{TitleFields: []string{"h"}, BodyFields: []string{"b"}, IDFields: []string{"k"}}, want: []string{"K|T|B"}},
		{name: "invalid UTF-8", reason: "a record that is not UTF-8 is skipped", in: "text\ncaf\xe9\nok\n",
			want: []string{"error: s.csv:2: invalid UTF-8 at column 4", "s.csv:3||ok"}},
		{name: "binary header", reason: "a NUL in the header: not a CSV file", in: "te\x00xt\nB\n", want: []string{"error: s.csv:1: binary file (NUL byte)"}},
		{name: "bad header", reason: "a header that breaks the rules: nothing is read", in: "ti\"tle,text\nT,B\n",
			want: []string{`error: s.csv:1: invalid CSV: the header: bare " in a field without quotes (line 1, column 3)`}},
		{name: "long record", reason: "a record over the cap is skipped", in: "text\n" + strings.Repeat("x", 40) + "\nok\n", opts: Options{MaxLineBytes: 20},
			want: []string{"error: s.csv:2: line too long: record too long: more than 20 bytes", "s.csv:3||ok"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for how, r := range chunkings([]byte(tt.in)) {
				var got []string
				for _, y := range collect(CSV("s.csv", r, tt.opts)) {
					if y.err != nil {
						got = append(got, "error: "+y.err.Error())
						continue
					}
					checkDocument(t, y.doc)
					var ps []string
					for _, p := range y.doc.Paragraphs {
						ps = append(ps, p.Text)
					}
					got = append(got, y.doc.ID+"|"+y.doc.Title+"|"+strings.Join(ps, "/"))
				}
				assert.Equal(t, tt.want, got, "%s: %s", how, tt.reason)
			}
		})
	}
}

// oracleCSV reads data with encoding/csv and returns what CSV should
// yield, without Raw, or ok false when encoding/csv finds a syntax error
// (then only invariants are checked; csvrec's fuzz test holds the
// splitting to encoding/csv in every case).
func oracleCSV(name string, data []byte, opts Options) (want []yielded, ok bool) {
	data = bytes.TrimPrefix(data, utf8BOM)
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	var recs [][]string
	var lines [][]int
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, false
		}
		recs = append(recs, rec)
		var ls []int
		for i := range rec {
			l, _ := cr.FieldPos(i)
			ls = append(ls, l)
		}
		lines = append(lines, ls)
	}
	if len(recs) == 0 {
		return nil, true
	}
	headerLine := lines[0][0]
	joined := strings.Join(recs[0], ",")
	switch {
	case strings.IndexByte(joined, 0) >= 0:
		return []yielded{{err: &Error{File: name, Line: headerLine, Err: ErrBinary}}}, true
	case !utf8.ValidString(joined):
		return []yielded{{err: &Error{File: name, Line: headerLine, Err: ErrInvalidUTF8}}}, true
	}
	names := make([]string, len(recs[0]))
	for i, n := range recs[0] {
		names[i] = strings.TrimSpace(n)
	}
	cols, err := findColumns(names, opts)
	if err != nil {
		return []yielded{{err: &Error{File: name, Line: headerLine, Err: ErrMissingBody}}}, true
	}
	for r, rec := range recs[1:] {
		line := lines[r+1][0]
		if len(rec) != len(names) {
			want = append(want, yielded{err: &Error{File: name, Line: line, Err: ErrInvalidCSV}})
			continue
		}
		if !utf8.ValidString(strings.Join(rec, ",")) {
			want = append(want, yielded{err: &Error{File: name, Line: line, Err: ErrInvalidUTF8}})
			continue
		}
		doc := &dedup.Document{Source: name, Line: line, Format: FormatCSV, BodyField: names[cols.body]}
		if cols.title >= 0 {
			doc.Title, doc.TitleField = strings.TrimSpace(rec[cols.title]), names[cols.title]
			if doc.Title != "" {
				doc.TitleLine = line
			}
		}
		n := lines[r+1][cols.body]
		blank := false
		for _, l := range strings.Split(rec[cols.body], "\n") {
			for _, p := range strings.Split(l, "\r") {
				if t := strings.TrimSpace(p); t != "" {
					doc.Paragraphs = append(doc.Paragraphs, dedup.Paragraph{Text: t, Line: n, AfterBlank: blank && len(doc.Paragraphs) > 0})
					blank = false
				} else {
					blank = true
				}
			}
			n++
		}
		for _, i := range cols.ids {
			if rec[i] != "" {
				doc.ID = rec[i]
				break
			}
		}
		if doc.ID == "" {
			doc.ID = fmt.Sprintf("%s:%d", name, line)
		}
		want = append(want, yielded{doc: doc})
	}
	return want, true
}

// FuzzReadCSV reads arbitrary bytes as a CSV file, whole and one byte at a
// time, and compares the articles with those encoding/csv finds.
func FuzzReadCSV(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join(inputDir, "*.csv"))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no CSV seeds: %v", err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{"", "text", "text\n", "\ufefftext\r\nb\r\n", "title,text\n,\n", "id,text\n1,\"a\n\nb\"\n", "text,text\n1,2,3\n", "text\n\"\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := mustDefaults(t, Options{})
		got := collect(CSV("f.csv", bytes.NewReader(data), opts))
		again := collect(CSV("f.csv", iotest.OneByteReader(bytes.NewReader(data)), opts))
		require.Equal(t, len(got), len(again), "whole and one byte at a time")
		for i, y := range got {
			if y.err != nil {
				var ie *Error
				if !errors.As(y.err, &ie) || ie.File != "f.csv" || ie.Line < 1 || y.doc != nil || again[i].err == nil || again[i].err.Error() != y.err.Error() {
					t.Fatalf("item %d: error %v (one byte at a time: %v)", i, y.err, again[i].err)
				}
				continue
			}
			checkDocument(t, y.doc)
			if !equalDocs(y.doc, again[i].doc) {
				t.Fatalf("item %d: whole %+v, one byte at a time %+v", i, y.doc, again[i].doc)
			}
		}
		want, ok := oracleCSV("f.csv", data, opts)
		if !ok {
			return
		}
		matchOracle(t, got, want, func(d *dedup.Document) { d.Raw, d.CSVHeader = nil, nil })
	})
}

// BenchmarkReadCSV reads the JSONL sample written as CSV by
// encoding/csv (id, title, text; bodies quoted over several lines).
func BenchmarkReadCSV(b *testing.B) {
	docs := docsOf(b, collect(JSONL("s", mustOpen(b, "../../testdata/input/sample.jsonl"), Options{})))
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	require.NoError(b, w.Write([]string{"id", "title", "text"}))
	for _, d := range docs {
		var ps []string
		for _, p := range d.Paragraphs {
			ps = append(ps, p.Text)
		}
		require.NoError(b, w.Write([]string{d.ID, d.Title, strings.Join(ps, "\n\n")}))
	}
	w.Flush()
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		for _, err := range CSV("s", bytes.NewReader(data), Options{}) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

func mustOpen(tb testing.TB, path string) io.Reader {
	data, err := os.ReadFile(path)
	require.NoError(tb, err)
	return bytes.NewReader(data)
}
