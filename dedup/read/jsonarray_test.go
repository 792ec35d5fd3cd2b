package read

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
)

func TestReadJSONArrayFiles(t *testing.T) {
	in := func(name string) string { return filepath.Join(inputDir, name) }
	urls := []string{"https://example.com/a", "https://example.com/b", "https://example.com/c"}
	tests := []struct {
		name, reason string
		file         string
		wantIDs      []string
		wantLines    []int
		wantErrs     []string // suffixes after "FILE:"
	}{
		{name: "scrapy", reason: "Scrapy's -o items.json: one element a line between [ and ]",
			file: "items.json", wantIDs: urls, wantLines: []int{2, 3, 4}},
		{name: "indented", reason: "json.dump(list, indent=2): elements over many lines, each at the line it starts",
			file: "items-indent.json", wantIDs: urls, wantLines: []int{2, 11, 21}},
		{name: "one line", reason: "json.dump(list): the whole array on one line",
			file: "items-oneline.json", wantIDs: urls, wantLines: []int{1, 1, 1}},
		{name: "truncated", reason: "a crawl stopped part-way: the elements before the cut are read, then the cut is named",
			file: "items-truncated.json", wantIDs: urls[:2], wantLines: []int{2, 3},
			wantErrs: []string{"4: invalid JSON: JSON array: the input ends inside an array element (a truncated file?)"}},
		{name: "bad elements", reason: "an element that is not an article is an error of its own; reading goes on",
			file: "items-bad.json", wantIDs: []string{in("items-bad.json") + ":2", in("items-bad.json") + ":6"}, wantLines: []int{2, 6},
			wantErrs: []string{
				"3: record is not a JSON object (it is a number)",
				`4: missing body: no field "text", "body", "content", "articleBody"`,
				"5: invalid JSON: unexpected '\"' at column 22, expecting ',' or '}' after object value",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := in(tt.file)
			var ids, errs []string
			var lines []int
			for _, y := range collect(Paths(context.Background(), []string{path}, nil, Options{})) {
				if y.err != nil {
					require.True(t, strings.HasPrefix(y.err.Error(), path+":"), y.err.Error())
					errs = append(errs, strings.TrimPrefix(y.err.Error(), path+":"))
					continue
				}
				checkDocument(t, y.doc)
				assert.Equal(t, FormatJSON, y.doc.Format)
				assert.True(t, json.Valid(y.doc.Raw), "Raw is the element: %s", y.doc.Raw)
				ids, lines = append(ids, y.doc.ID), append(lines, y.doc.Line)
			}
			assert.Equal(t, tt.wantIDs, ids, tt.reason)
			assert.Equal(t, tt.wantLines, lines, tt.reason)
			assert.Equal(t, tt.wantErrs, errs, tt.reason)
		})
	}

	t.Run("the same articles", func(t *testing.T) {
		var want []*dedup.Document
		for _, f := range []string{"items.json", "items-indent.json", "items-oneline.json"} {
			docs := docsOf(t, collect(Paths(context.Background(), []string{in(f)}, nil, Options{})))
			for _, d := range docs {
				d.Source, d.Line, d.TitleLine, d.Raw = "", 0, 0, nil
				for i := range d.Paragraphs {
					d.Paragraphs[i].Line = 0
				}
			}
			if want == nil {
				want = docs
				continue
			}
			assert.Equal(t, want, docs, "%s: however it is laid out, the array holds the same articles", f)
		}
		require.Len(t, want, 3)
		assert.Equal(t, "Council \u201cvotes\u201d on budget", want[1].Title)
		assert.Equal(t, []dedup.Paragraph{{Text: "The council voted 7 to 2."}, {Text: "Share this article", AfterBlank: true}}, want[1].Paragraphs,
			"an array body is read as one body")
	})
}

func TestReadJSONArrayStrings(t *testing.T) {
	tests := []struct {
		name, reason, in string
		wantIDs          []string
		wantErr          string // the last error, "" for none
	}{
		{name: "empty array", reason: "no elements, no articles", in: " [ ] ", wantIDs: nil},
		{name: "empty input", reason: "nothing to read", in: "", wantIDs: nil},
		{name: "BOM", reason: "a byte order mark is dropped", in: "\ufeff[{\"id\":\"a\",\"text\":\"x\"}]", wantIDs: []string{"a"}},
		{name: "CRLF", reason: "lines end at \\r\\n", in: "[\r\n{\"text\":\"x\"},\r\n{\"text\":\"y\"}\r\n]", wantIDs: []string{"s.json:2", "s.json:3"}},
		{name: "lone CR", reason: "a lone \\r ends a line too", in: "[\r{\"text\":\"x\"},\r{\"text\":\"y\"}]", wantIDs: []string{"s.json:2", "s.json:3"}},
		{name: "brackets in strings", reason: "brackets and escaped quotes inside strings do not end an element",
			in: `[{"id":"a","text":"] } [ {\" \\"}, {"id":"b","text":"y"}]`, wantIDs: []string{"a", "b"}},
		{name: "nested", reason: "nested arrays and objects stay in their element",
			in: `[{"id":"a","text":"x","m":{"k":[1,[2,{"z":"]"}]]}}]`, wantIDs: []string{"a"}},
		{name: "trailing comma", reason: "JSON has no trailing commas: the elements before it are read",
			in: `[{"id":"a","text":"x"},]`, wantIDs: []string{"a"}, wantErr: "s.json:1: invalid JSON: JSON array: ',' before ']' (a trailing comma)"},
		{name: "missing comma", reason: "elements are separated by commas; the reading stops",
			in: `[{"id":"a","text":"x"} {"id":"b","text":"y"}]`, wantIDs: []string{"a"},
			wantErr: `s.json:1: invalid JSON: JSON array: want ',' or ']' after an array element, found '{'`},
		{name: "not closed", reason: "an array that does not close is named",
			in: "[{\"id\":\"a\",\"text\":\"x\"},\n", wantIDs: []string{"a"}, wantErr: "s.json:2: invalid JSON: JSON array: the array is not closed: the input ends after ','"},
		{name: "after the array", reason: "only white space may follow",
			in: "[{\"id\":\"a\",\"text\":\"x\"}]\n[]", wantIDs: []string{"a"}, wantErr: `s.json:2: invalid JSON: JSON array: '[' after the end of the array`},
		{name: "not an array", reason: "JSONArray reads arrays only", in: `"x"`, wantErr: `s.json:1: invalid JSON: JSON array: the input does not start with '[' but with '"'`},
		{name: "scalars", reason: "scalar elements are errors of their own", in: `[1, true, "s", null]`,
			wantErr: "s.json:1: record is not a JSON object (it is null)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for how, r := range chunkings([]byte(tt.in)) {
				var ids []string
				last := ""
				for _, y := range collect(JSONArray("s.json", r, Options{})) {
					if y.err != nil {
						last = y.err.Error()
						continue
					}
					ids = append(ids, y.doc.ID)
				}
				assert.Equal(t, tt.wantIDs, ids, "%s: %s", how, tt.reason)
				assert.Equal(t, tt.wantErr, last, "%s: %s", how, tt.reason)
			}
		})
	}
}

func TestReadJSONArrayLongElement(t *testing.T) {
	in := `[{"id":"a","text":"` + strings.Repeat("x", 100) + `"}, {"id":"b","text":"short"}]`
	ys := collect(JSONArray("l.json", strings.NewReader(in), Options{MaxLineBytes: 64}))
	require.Len(t, ys, 2)
	assert.ErrorIs(t, ys[0].err, ErrLineTooLong, "an element over the cap is skipped")
	assert.EqualError(t, ys[0].err, "l.json:1: line too long: array element of more than 64 bytes")
	require.NoError(t, ys[1].err, "and the next one read")
	assert.Equal(t, "b", ys[1].doc.ID)
}

func TestReadPathsJSONSniff(t *testing.T) {
	tests := []struct {
		name, reason, in string
		wantFormat       string
	}{
		{"array", "stdin starting with [{ is a JSON array", `[{"text":"x"}]`, FormatJSON},
		{"empty array", "[ ] is an empty array: nothing", `[ ]`, ""},
		{"JSONL", "stdin starting with { is JSONL", `{"text":"x"}`, FormatJSONL},
		{"bracketed headline", "a headline that starts with [ is text", "[VIDEO] Storm hits\nBody.", FormatText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ys := collect(Paths(context.Background(), nil, strings.NewReader(tt.in), Options{}))
			if tt.wantFormat == "" {
				assert.Empty(t, ys, tt.reason)
				return
			}
			require.Len(t, ys, 1)
			require.NoError(t, ys[0].err)
			assert.Equal(t, tt.wantFormat, ys[0].doc.Format, tt.reason)
		})
	}
	t.Run(".json holding JSONL", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "lines.json")
		require.NoError(t, os.WriteFile(p, []byte("{\"text\":\"x\"}\n{\"text\":\"y\"}\n"), 0o644))
		docs := docsOf(t, collect(Paths(context.Background(), []string{p}, nil, Options{})))
		require.Len(t, docs, 2, "a .json file that starts with { is read as JSONL, as before")
		assert.Equal(t, FormatJSONL, docs[0].Format)
	})
}

// oracleArray reads data as a JSON array with encoding/json: the
// documents and errors JSONArray should yield, or ok false when data is
// not one valid JSON array (then only invariants are checked).
func oracleArray(t *testing.T, name string, data []byte, opts Options) (want []yielded, ok bool) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if !json.Valid(data) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('[') {
		return nil, false
	}
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			t.Fatalf("oracle: %v", err)
		}
		end := int(dec.InputOffset())
		start := end - len(raw)
		line := 1
		for i, c := range data[:start] {
			if c == '\r' || c == '\n' && (i == 0 || data[i-1] != '\r') {
				line++
			}
		}
		if opts.MaxLineBytes > 0 && len(raw) > opts.MaxLineBytes {
			want = append(want, yielded{err: &Error{File: name, Line: line, Err: ErrLineTooLong}})
			continue
		}
		doc, err := oracleDocument(name, line, bytes.Clone(raw), opts)
		if err != nil {
			want = append(want, yielded{err: &Error{File: name, Line: line, Err: err}})
			continue
		}
		doc.Format = FormatJSON
		want = append(want, yielded{doc: doc})
	}
	return want, true
}

// FuzzReadJSONArray reads arbitrary bytes as a JSON array, whole and one
// byte at a time. A valid array must give what encoding/json finds in it,
// element by element; anything else must give valid documents and errors
// that name the file, and the same at every chunking.
func FuzzReadJSONArray(f *testing.F) {
	for _, name := range []string{"items.json", "items-indent.json", "items-oneline.json", "items-truncated.json", "items-bad.json"} {
		data, err := os.ReadFile(filepath.Join(inputDir, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{"", "[]", "[", "]", "[,]", "[{}]", `[{"text":"a"}`, `[{"text":"]\"["}]`, "\ufeff[\r\n{\"text\":\"x\"}\r]",
		`[1,"x",[{"text":"y"}],{"text":["a","b"]}]`, `[{"text":"a"}] x`, `[{"text":"a"}}]`, `[{"text":"\u2028"}, {"id": 1e3, "body": "b"}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, max := range []int{0, 40} {
			opts := Options{MaxLineBytes: max}
			got := collect(JSONArray("f.json", bytes.NewReader(data), opts))
			again := collect(JSONArray("f.json", iotest.OneByteReader(bytes.NewReader(data)), opts))
			if len(got) != len(again) {
				t.Fatalf("max %d: %d items whole, %d one byte at a time", max, len(got), len(again))
			}
			for i := range got {
				if (got[i].err == nil) != (again[i].err == nil) || got[i].err != nil && got[i].err.Error() != again[i].err.Error() ||
					got[i].doc != nil && !equalDocs(got[i].doc, again[i].doc) {
					t.Fatalf("max %d, item %d: whole %v %v, one byte at a time %v %v", max, i, got[i].doc, got[i].err, again[i].doc, again[i].err)
				}
			}
			for i, y := range got {
				if y.err != nil {
					var ie *Error
					if !errors.As(y.err, &ie) || ie.File != "f.json" || ie.Line < 1 || y.doc != nil {
						t.Fatalf("item %d: error %v does not name a line of f.json", i, y.err)
					}
					continue
				}
				checkDocument(t, y.doc)
				if !json.Valid(y.doc.Raw) || y.doc.Format != FormatJSON {
					t.Fatalf("item %d: Raw %q is not a JSON element", i, y.doc.Raw)
				}
			}
			want, ok := oracleArray(t, "f.json", data, mustDefaults(t, opts))
			if !ok {
				continue
			}
			matchOracle(t, got, want, nil)
		}
	})
}

// BenchmarkReadJSONArray reads the JSONL sample laid out as Scrapy writes
// a JSON array, to compare with BenchmarkReadJSONL.
func BenchmarkReadJSONArray(b *testing.B) {
	data, err := os.ReadFile("../../testdata/input/sample.jsonl")
	require.NoError(b, err)
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	data = append(append([]byte("[\n"), bytes.Join(lines, []byte(",\n"))...), "\n]"...)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		for _, err := range JSONArray("s", bytes.NewReader(data), Options{}) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}
