package read

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
)

// readAll collects what seq yields: documents and errors in order.
type yielded struct {
	doc *dedup.Document
	err error
}

func collect(seq func(func(*dedup.Document, error) bool)) []yielded {
	var out []yielded
	for d, err := range seq {
		out = append(out, yielded{d, err})
	}
	return out
}

// docsOf returns the documents of ys and fails on any error.
func docsOf(t testing.TB, ys []yielded) []*dedup.Document {
	t.Helper()
	var docs []*dedup.Document
	for _, y := range ys {
		require.NoError(t, y.err)
		docs = append(docs, y.doc)
	}
	return docs
}

func TestReadJSONLRecord(t *testing.T) {
	// paras makes the paragraphs of texts; a text written after a blank
	// line ("\nTwo.") is marked so.
	paras := func(texts ...string) []dedup.Paragraph {
		var ps []dedup.Paragraph
		for _, s := range texts {
			t, blank := strings.CutPrefix(s, "\n")
			ps = append(ps, dedup.Paragraph{Text: t, Line: 1, AfterBlank: blank})
		}
		return ps
	}
	tests := []struct {
		name   string
		reason string
		line   string
		opts   Options
		// want is compared field by field with the document, Raw and
		// Source excepted (checked for every case).
		want    dedup.Document
		wantErr error
		wantMsg string // substring of the error message
	}{
		{
			name: "defaults", reason: "title, text and id are the first default fields",
			line: `{"id": "a1", "title": " Head ", "text": "One.\n\n  Two.  \n"}`,
			want: dedup.Document{ID: "a1", Line: 1, Title: "Head", TitleLine: 1, TitleField: "title", BodyField: "text", Paragraphs: paras("One.", "\nTwo.")},
		},
		{
			name: "fallback fields", reason: "headline, body and url are used when the first fields are absent",
			line: `{"url": "http://x/1", "headline": "H", "body": "B."}`,
			want: dedup.Document{ID: "http://x/1", Line: 1, Title: "H", TitleLine: 1, TitleField: "headline", BodyField: "body", Paragraphs: paras("B.")},
		},
		{
			name: "content", reason: "content is the third body field",
			line: `{"content": "C."}`,
			want: dedup.Document{ID: "in.jsonl:1", Line: 1, BodyField: "content", Paragraphs: paras("C.")},
		},
		{
			name: "articleBody", reason: "articleBody is the fourth body field",
			line: `{"articleBody": "A.", "title": "T"}`,
			want: dedup.Document{ID: "in.jsonl:1", Line: 1, Title: "T", TitleLine: 1, TitleField: "title", BodyField: "articleBody", Paragraphs: paras("A.")},
		},
		{
			name: "priority", reason: "the earlier field of each list wins whatever the key order",
			line: `{"headline": "second", "body": "second", "url": "second", "title": "first", "text": "first", "id": "first"}`,
			want: dedup.Document{ID: "first", Line: 1, Title: "first", TitleLine: 1, TitleField: "title", BodyField: "text", Paragraphs: paras("first")},
		},
		{
			name: "null fields passed over", reason: "null is not a value: the next field of the list is tried",
			line: `{"title": null, "headline": "H", "text": null, "body": "B", "id": null, "url": "u"}`,
			want: dedup.Document{ID: "u", Line: 1, Title: "H", TitleLine: 1, TitleField: "headline", BodyField: "body", Paragraphs: paras("B")},
		},
		{
			name: "no title", reason: "a missing title is an empty title, not an error",
			line: `{"id": "x", "text": "Body."}`,
			want: dedup.Document{ID: "x", Line: 1, BodyField: "text", Paragraphs: paras("Body.")},
		},
		{
			name: "blank title", reason: "a blank title keeps its field but has no line",
			line: `{"id": "x", "title": "  ", "text": "Body."}`,
			want: dedup.Document{ID: "x", Line: 1, TitleField: "title", BodyField: "text", Paragraphs: paras("Body.")},
		},
		{
			name: "number title ignored", reason: "a title that is not a string is passed over",
			line: `{"id": "x", "title": 7, "text": "Body."}`,
			want: dedup.Document{ID: "x", Line: 1, BodyField: "text", Paragraphs: paras("Body.")},
		},
		{
			name: "integer id", reason: "a number id keeps its JSON text",
			line: `{"id": 42, "text": "B"}`,
			want: dedup.Document{ID: "42", Line: 1, BodyField: "text", Paragraphs: paras("B")},
		},
		{
			name: "float id", reason: "a number id keeps its JSON text, exponent and all",
			line: `{"id": -1.5e3, "text": "B"}`,
			want: dedup.Document{ID: "-1.5e3", Line: 1, BodyField: "text", Paragraphs: paras("B")},
		},
		{
			name: "empty id", reason: "an empty id is no id: url is tried",
			line: `{"id": "", "url": "u", "text": "B"}`,
			want: dedup.Document{ID: "u", Line: 1, BodyField: "text", Paragraphs: paras("B")},
		},
		{
			name: "object id", reason: "an id of another type is passed over, then name:line",
			line: `{"id": {"a": 1}, "url": true, "text": "B"}`,
			want: dedup.Document{ID: "in.jsonl:1", Line: 1, BodyField: "text", Paragraphs: paras("B")},
		},
		{
			name: "empty body", reason: "an empty body string is a document with no paragraphs",
			line: `{"id": "e", "title": "T", "text": ""}`,
			want: dedup.Document{ID: "e", Line: 1, Title: "T", TitleLine: 1, TitleField: "title", BodyField: "text"},
		},
		{
			name: "blank body", reason: "a body of blank lines has no paragraphs",
			line: `{"id": "e", "text": " \n\t\r\n \u00a0 "}`,
			want: dedup.Document{ID: "e", Line: 1, BodyField: "text"},
		},
		{
			name: "array body", reason: "an array of strings is a body; each string's non-blank lines are paragraphs",
			line: `{"id": "arr", "text": ["One.", "", "Two.\n\nThree.", "  "]}`,
			want: dedup.Document{ID: "arr", Line: 1, BodyField: "text", Paragraphs: paras("One.", "\nTwo.", "\nThree.")},
		},
		{
			name: "empty array body", reason: "an empty array is an empty body",
			line: `{"id": "arr", "text": [ ]}`,
			want: dedup.Document{ID: "arr", Line: 1, BodyField: "text"},
		},
		{
			name: "line ends in body", reason: "\\r\\n and a lone \\r end body lines too",
			line: `{"text": "a\r\nb\rc\n\rd"}`,
			want: dedup.Document{ID: "in.jsonl:1", Line: 1, BodyField: "text", Paragraphs: paras("a", "b", "c", "\nd")},
		},
		{
			name: "escapes", reason: "every JSON escape is decoded",
			line: `{"text": "q\" b\\ s\/ \b\f\t|\u00e9\u00E9\u2019 \ud83d\ude00"}`,
			want: dedup.Document{ID: "in.jsonl:1", Line: 1, BodyField: "text", Paragraphs: paras("q\" b\\ s/ \b\f\t|éé’ 😀")},
		},
		{
			name: "lone surrogates", reason: "lone surrogate escapes become U+FFFD and the next escape is kept, as in encoding/json",
			line: `{"text": "a\ud800b \udc00 \ud800\u0041 \ud800\ud800\udc00"}`,
			want: dedup.Document{ID: "in.jsonl:1", Line: 1, BodyField: "text", Paragraphs: paras("a\ufffdb \ufffd \ufffdA \ufffd\U00010000")},
		},
		{
			name: "escaped key", reason: "keys are compared after unescaping",
			line: `{"\u0074itle": "T", "te\u0078t": "B"}`,
			want: dedup.Document{ID: "in.jsonl:1", Line: 1, Title: "T", TitleLine: 1, TitleField: "title", BodyField: "text", Paragraphs: paras("B")},
		},
		{
			name: "duplicate key", reason: "the last value of a repeated key wins, as in encoding/json",
			line: `{"text": "first", "text": "last"}`,
			want: dedup.Document{ID: "in.jsonl:1", Line: 1, BodyField: "text", Paragraphs: paras("last")},
		},
		{
			name: "keys are case-sensitive", reason: "Title is not title",
			line: `{"Title": "T", "text": "B"}`,
			want: dedup.Document{ID: "in.jsonl:1", Line: 1, BodyField: "text", Paragraphs: paras("B")},
		},
		{
			name: "other fields of every type", reason: "fields not asked for are validated and skipped",
			line: ` { "n": -0.0e+1, "o": {"a": [1, {"b": null}], "c": "\"}"}, "t": true, "f": false, "x": null, "text": "B" } `,
			want: dedup.Document{ID: "in.jsonl:1", Line: 1, BodyField: "text", Paragraphs: paras("B")},
		},
		{
			name: "custom fields", reason: "options name the fields",
			line: `{"key": "k", "hed": "H", "story": "S", "title": "no", "text": "no"}`,
			opts: Options{TitleFields: []string{"hed"}, BodyFields: []string{"story"}, IDFields: []string{"key"}},
			want: dedup.Document{ID: "k", Line: 1, Title: "H", TitleLine: 1, TitleField: "hed", BodyField: "story", Paragraphs: paras("S")},
		},
		{
			name: "one field in two roles", reason: "a field may be both title and body",
			line: `{"x": "Same"}`,
			opts: Options{TitleFields: []string{"x"}, BodyFields: []string{"x"}, IDFields: []string{"x"}},
			want: dedup.Document{ID: "Same", Line: 1, Title: "Same", TitleLine: 1, TitleField: "x", BodyField: "x", Paragraphs: paras("Same")},
		},
		// Errors.
		{name: "missing body", reason: "no body field is an error naming the fields tried",
			line: `{"id": "x", "title": "T"}`, wantErr: ErrMissingBody,
			wantMsg: `in.jsonl:1: missing body: no field "text", "body", "content", "articleBody"`},
		{name: "number body", reason: "a body that is not a string is an error naming what it is",
			line: `{"text": 3}`, wantErr: ErrMissingBody, wantMsg: `"text" is a number`},
		{name: "mixed array body", reason: "an array body must hold only strings",
			line: `{"body": ["a", 1]}`, wantErr: ErrMissingBody, wantMsg: `"body" is an array with non-string elements`},
		{name: "object body", reason: "an object is not a body",
			line: `{"text": null, "content": {}}`, wantErr: ErrMissingBody, wantMsg: `"text" is null, "content" is an object`},
		{name: "array record", reason: "records are objects", line: `[{"text": "B"}]`, wantErr: ErrNotObject, wantMsg: "in.jsonl:1: record is not a JSON object (it is an array)"},
		{name: "string record", reason: "records are objects", line: ` "text" `, wantErr: ErrNotObject, wantMsg: "(it is a string)"},
		{name: "number record", reason: "records are objects", line: `42`, wantErr: ErrNotObject, wantMsg: "(it is a number)"},
		{name: "unterminated string", reason: "the error says what is missing", line: `{"text": "abc`, wantErr: ErrInvalidJSON, wantMsg: `in.jsonl:1: invalid JSON: unexpected end of line, expecting '"' to end the string`},
		{name: "trailing comma", reason: "JSON has no trailing commas", line: `{"text": "B",}`, wantErr: ErrInvalidJSON, wantMsg: "unexpected '}' at column 14, expecting a string key"},
		{name: "missing colon", reason: "keys need a colon", line: `{"text" "B"}`, wantErr: ErrInvalidJSON, wantMsg: "at column 9"},
		{name: "single quotes", reason: "strings are double-quoted", line: `{'text': 'B'}`, wantErr: ErrInvalidJSON, wantMsg: `unexpected '\'' at column 2`},
		{name: "two objects", reason: "one record per line", line: `{"text": "B"}{"text": "C"}`, wantErr: ErrInvalidJSON, wantMsg: "expecting the end of the line"},
		{name: "trailing garbage", reason: "nothing may follow the record", line: `{"text": "B"} x`, wantErr: ErrInvalidJSON, wantMsg: "column 15"},
		{name: "bad escape", reason: `\x is no JSON escape`, line: `{"text": "a\x"}`, wantErr: ErrInvalidJSON, wantMsg: "in string escape"},
		{name: "short unicode escape", reason: `\u needs 4 hex digits`, line: `{"text": "\u12"}`, wantErr: ErrInvalidJSON, wantMsg: "4 hex digits"},
		{name: "raw tab in string", reason: "control characters must be escaped", line: "{\"text\": \"a\tb\"}", wantErr: ErrInvalidJSON, wantMsg: "control characters"},
		{name: "leading zero", reason: "numbers have no leading zeros", line: `{"id": 01, "text": "B"}`, wantErr: ErrInvalidJSON},
		{name: "lone minus", reason: "a minus needs digits", line: `{"id": -, "text": "B"}`, wantErr: ErrInvalidJSON},
		{name: "bare dot", reason: "a dot needs digits", line: `{"id": 1., "text": "B"}`, wantErr: ErrInvalidJSON},
		{name: "bare exponent", reason: "an exponent needs digits", line: `{"id": 1e+, "text": "B"}`, wantErr: ErrInvalidJSON},
		{name: "bad literal", reason: "literals are spelled out", line: `{"x": tru, "text": "B"}`, wantErr: ErrInvalidJSON, wantMsg: "expecting true"},
		{name: "NaN", reason: "NaN is not JSON", line: `{"x": NaN, "text": "B"}`, wantErr: ErrInvalidJSON},
		{name: "unclosed object", reason: "the record must end", line: `{"text": "B"`, wantErr: ErrInvalidJSON, wantMsg: "unexpected end of line"},
		{name: "unclosed array", reason: "nested values must end", line: `{"x": [1, 2`, wantErr: ErrInvalidJSON},
		{name: "array without comma", reason: "elements are separated by commas", line: `{"x": [1 2], "text": "B"}`, wantErr: ErrInvalidJSON, wantMsg: "expecting ',' or ']'"},
		{name: "nested number key", reason: "nested keys are strings too", line: `{"x": {1: 2}, "text": "B"}`, wantErr: ErrInvalidJSON, wantMsg: "expecting a string key"},
		{name: "nested missing colon", reason: "nested keys need a colon", line: `{"x": {"a" 1}, "text": "B"}`, wantErr: ErrInvalidJSON, wantMsg: "expecting ':'"},
		{name: "nested missing comma", reason: "nested members are separated by commas", line: `{"x": {"a": 1 "b": 2}, "text": "B"}`, wantErr: ErrInvalidJSON, wantMsg: "expecting ',' or '}'"},
		{name: "nested bad string", reason: "nested strings are checked", line: `{"x": {"a": "\q"}, "text": "B"}`, wantErr: ErrInvalidJSON, wantMsg: "in string escape"},
		{name: "too deep", reason: "nesting is capped at 10000 levels like encoding/json",
			line: `{"x": ` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `, "text": "B"}`, wantErr: ErrInvalidJSON, wantMsg: "nested more than 10000 levels"},
		{name: "invalid UTF-8", reason: "bytes that are not UTF-8 are an error naming the column",
			line: "{\"text\": \"caf\xe9\"}", wantErr: ErrInvalidUTF8, wantMsg: "in.jsonl:1: invalid UTF-8 at column 14"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ys := collect(JSONL("in.jsonl", strings.NewReader(tt.line+"\n"), tt.opts))
			require.Len(t, ys, 1, tt.reason)
			got := ys[0]
			if tt.wantErr != nil {
				require.Error(t, got.err, tt.reason)
				assert.Nil(t, got.doc)
				assert.ErrorIs(t, got.err, tt.wantErr, tt.reason)
				var ie *Error
				require.ErrorAs(t, got.err, &ie)
				assert.Equal(t, "in.jsonl", ie.File)
				assert.Equal(t, 1, ie.Line)
				assert.Contains(t, got.err.Error(), tt.wantMsg, tt.reason)
				return
			}
			require.NoError(t, got.err, tt.reason)
			doc := got.doc
			assert.Equal(t, "in.jsonl", doc.Source)
			assert.Equal(t, []byte(tt.line), doc.Raw, "Raw is the line as read")
			assert.Equal(t, FormatJSONL, doc.Format)
			doc.Source, doc.Raw, doc.Format = "", nil, ""
			assert.Equal(t, tt.want, *doc, tt.reason)
		})
	}
}

// TestJSONLDepthMatchesEncodingJSON checks the nesting limit on both sides
// of it against encoding/json.
func TestJSONLDepthMatchesEncodingJSON(t *testing.T) {
	for _, depth := range []int{1, 2, 9999, 10000, 10001} {
		// The record is one level; the value of x adds depth-1.
		line := `{"text": "B", "x": ` + strings.Repeat(`[`, depth-1) + `0` + strings.Repeat(`]`, depth-1) + `}`
		if depth == 1 {
			line = `{"text": "B", "x": 0}`
		}
		_, err := newJSONLDecoder(mustDefaults(t, Options{})).decode("d", 1, []byte(line), FormatJSONL)
		assert.Equal(t, json.Valid([]byte(line)), err == nil, "depth %d: err %v", depth, err)
	}
}

func mustDefaults(t testing.TB, o Options) Options {
	t.Helper()
	o, err := o.withDefaults()
	require.NoError(t, err)
	return o
}

func TestReadJSONLMixed(t *testing.T) {
	f, err := os.Open("../../testdata/input/mixed.jsonl")
	require.NoError(t, err)
	defer f.Close()
	ys := collect(JSONL("mixed.jsonl", f, Options{}))
	type want struct {
		id  string // for documents
		msg string // prefix of the error message
		err error
	}
	wants := []want{
		{id: "ok1"},
		{msg: "mixed.jsonl:2: invalid JSON: ", err: ErrInvalidJSON},
		{id: "ok2"},
		{msg: "mixed.jsonl:5: invalid UTF-8 at column 34", err: ErrInvalidUTF8},
		{msg: "mixed.jsonl:6: missing body: ", err: ErrMissingBody},
		{msg: "mixed.jsonl:7: record is not a JSON object", err: ErrNotObject},
		{id: "ok3"},
	}
	require.Len(t, ys, len(wants), "one item per non-blank line: reading goes on after each bad record")
	lines := []int{1, 2, 4, 5, 6, 7, 8}
	for i, w := range wants {
		if w.err != nil {
			assert.Nil(t, ys[i].doc)
			assert.ErrorIs(t, ys[i].err, w.err)
			assert.True(t, strings.HasPrefix(ys[i].err.Error(), w.msg), "%q should start with %q", ys[i].err, w.msg)
			continue
		}
		require.NoError(t, ys[i].err)
		assert.Equal(t, w.id, ys[i].doc.ID)
		assert.Equal(t, lines[i], ys[i].doc.Line, "the record line counts blank lines")
	}
}

// oracleDocument decodes one JSONL line with encoding/json, following the
// rules JSONL documents. It is slow and simple on purpose.
func oracleDocument(name string, n int, line []byte, opts Options) (*dedup.Document, error) {
	if !utf8.Valid(line) {
		return nil, ErrInvalidUTF8
	}
	if !json.Valid(line) {
		return nil, ErrInvalidJSON
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("oracle: %w", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, ErrNotObject
	}
	doc := &dedup.Document{Source: name, Line: n, Raw: line, Format: FormatJSONL}
	found := false
	for _, f := range opts.BodyFields {
		var body string
		switch x := obj[f].(type) {
		case string:
			body, found = x, true
		case []any:
			var parts []string
			found = true
			for _, e := range x {
				s, isString := e.(string)
				if !isString {
					found = false
					break
				}
				parts = append(parts, s)
			}
			body = strings.Join(parts, "\n")
		}
		if found {
			doc.BodyField = f
			blank := false
			for _, l := range naiveLines([]byte(body)) {
				if t := strings.TrimSpace(string(l)); t != "" {
					doc.Paragraphs = append(doc.Paragraphs, dedup.Paragraph{Text: t, Line: n, AfterBlank: blank && len(doc.Paragraphs) > 0})
					blank = false
				} else {
					blank = true
				}
			}
			break
		}
	}
	if !found {
		return nil, ErrMissingBody
	}
	for _, f := range opts.TitleFields {
		if s, ok := obj[f].(string); ok {
			doc.Title, doc.TitleField = strings.TrimSpace(s), f
			if doc.Title != "" {
				doc.TitleLine = n
			}
			break
		}
	}
	for _, f := range opts.IDFields {
		switch x := obj[f].(type) {
		case string:
			doc.ID = x
		case json.Number:
			doc.ID = x.String()
		}
		if doc.ID != "" {
			break
		}
	}
	if doc.ID == "" {
		doc.ID = fmt.Sprintf("%s:%d", name, n)
	}
	return doc, nil
}

// naiveLines splits data at "\n", "\r\n" and lone "\r", one byte at a time.
func naiveLines(data []byte) [][]byte {
	var lines [][]byte
	start := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '\n':
			lines = append(lines, data[start:i])
			start = i + 1
		case '\r':
			lines = append(lines, data[start:i])
			if i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			start = i + 1
		}
	}
	if start < len(data) {
		lines = append(lines, data[start:])
	}
	return lines
}

// checkAgainstOracle decodes line with the decoder and the oracle and
// reports any difference.
func checkAgainstOracle(t testing.TB, d *jsonlDecoder, n int, line []byte) {
	t.Helper()
	got, gotErr := d.decode("o.jsonl", n, line, FormatJSONL)
	want, wantErr := oracleDocument("o.jsonl", n, line, d.opts)
	if wantErr != nil {
		if !errors.Is(gotErr, wantErr) {
			t.Fatalf("line %q: got error %v, want %v", line, gotErr, wantErr)
		}
		return
	}
	if gotErr != nil {
		t.Fatalf("line %q: got error %v, want document %+v", line, gotErr, want)
	}
	if !assert.Equal(t, want, got, "line %q", line) {
		t.FailNow()
	}
}

func TestReadJSONLMatchesEncodingJSON(t *testing.T) {
	data, err := os.ReadFile("../../testdata/input/sample.jsonl")
	require.NoError(t, err)
	var lines [][]byte
	lines = append(lines, bytes.Split(bytes.TrimSpace(data), []byte("\n"))...)
	mixed, err := os.ReadFile("../../testdata/input/mixed.jsonl")
	require.NoError(t, err)
	lines = append(lines, bytes.Split(mixed, []byte("\n"))...)
	for _, s := range []string{
		`{"id":1,"title":"t","text":"a"}`,
		`{"id":"x","id":null,"text":"a"}`,
		`{"text":"\ud800\udbff\udfff\u0000"}`,
		`{"text":["a\u2028b","c"],"title":"\"quoted\""}`,
		`{"body":"x","text":[1]}`,
		`{"text":"x"} `,
		`{}`,
		` [] `,
	} {
		lines = append(lines, []byte(s))
	}
	d := newJSONLDecoder(mustDefaults(t, Options{}))
	for i, line := range lines {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		checkAgainstOracle(t, d, i+1, line)
	}
}

func TestReadJSONLSample(t *testing.T) {
	data, err := os.ReadFile("../../testdata/input/sample.jsonl")
	require.NoError(t, err)
	docs := docsOf(t, collect(JSONL("sample.jsonl", bytes.NewReader(data), Options{})))
	require.Len(t, docs, 50)
	for i, d := range docs {
		assert.Equal(t, i+1, d.Line)
		assert.NotEmpty(t, d.Paragraphs, "every sample record has a body")
		assert.Equal(t, "text", d.BodyField)
	}
	// Documents do not share memory with the reader's buffers.
	assert.Equal(t, bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))[49], docs[49].Raw)
	assert.Equal(t, bytes.Split(data, []byte("\n"))[0], docs[0].Raw)
}

// TestReadJSONLChunking checks that how the input arrives does not change
// what is read.
func TestReadJSONLChunking(t *testing.T) {
	data, err := os.ReadFile("../../testdata/input/sample.jsonl")
	require.NoError(t, err)
	mixed, err := os.ReadFile("../../testdata/input/mixed.jsonl")
	require.NoError(t, err)
	data = append(append(append([]byte{}, utf8BOM...), data...), bytes.ReplaceAll(mixed, []byte("\n"), []byte("\r\n"))...)
	want := collect(JSONL("c", bytes.NewReader(data), Options{}))
	require.Len(t, want, 57)
	for name, r := range chunkings(data) {
		t.Run(name, func(t *testing.T) {
			got := collect(JSONL("c", r, Options{}))
			assert.Equal(t, want, got)
		})
	}
}

func TestReadJSONLLongLines(t *testing.T) {
	big := strings.Repeat("word ", 2<<20) // 10 MiB
	rec := `{"id": "big", "text": "` + big + `"}`
	garbage := strings.Repeat("\xff{[\"", 10<<20/4)
	input := `{"id": "a", "text": "A"}` + "\n" + rec + "\n" + garbage + "\n" + `{"id": "b", "text": "B"}`

	t.Run("under the cap", func(t *testing.T) {
		ys := collect(JSONL("big.jsonl", strings.NewReader(input), Options{}))
		require.Len(t, ys, 4)
		require.NoError(t, ys[1].err)
		require.Len(t, ys[1].doc.Paragraphs, 1)
		assert.Len(t, ys[1].doc.Paragraphs[0].Text, len(big)-1, "trimmed")
		assert.ErrorIs(t, ys[2].err, ErrInvalidUTF8)
		assert.Equal(t, "b", ys[3].doc.ID)
	})
	t.Run("over the cap", func(t *testing.T) {
		ys := collect(JSONL("big.jsonl", strings.NewReader(input), Options{MaxLineBytes: 1 << 20}))
		require.Len(t, ys, 4)
		assert.Equal(t, "a", ys[0].doc.ID)
		assert.ErrorIs(t, ys[1].err, ErrLineTooLong)
		assert.EqualError(t, ys[1].err, "big.jsonl:2: line too long: more than 1048576 bytes")
		assert.ErrorIs(t, ys[2].err, ErrLineTooLong)
		require.NoError(t, ys[3].err, "reading goes on after a long line")
		assert.Equal(t, "b", ys[3].doc.ID)
		assert.Equal(t, 4, ys[3].doc.Line)
	})
	t.Run("exactly the cap", func(t *testing.T) {
		line := `{"text": "x"}`
		ys := collect(JSONL("cap.jsonl", strings.NewReader(line+"\r\n"+line), Options{MaxLineBytes: len(line)}))
		require.Len(t, ys, 2)
		assert.NoError(t, ys[0].err, "the terminator does not count")
		assert.NoError(t, ys[1].err)
		ys = collect(JSONL("cap.jsonl", strings.NewReader(line), Options{MaxLineBytes: len(line) - 1}))
		require.Len(t, ys, 1)
		assert.ErrorIs(t, ys[0].err, ErrLineTooLong)
	})
}

func TestReadJSONLBreak(t *testing.T) {
	data, err := os.ReadFile("../../testdata/input/mixed.jsonl")
	require.NoError(t, err)
	for stopAt := 1; stopAt <= 7; stopAt++ {
		n := 0
		for range JSONL("m", bytes.NewReader(data), Options{}) {
			n++
			if n == stopAt {
				break // the runtime panics if the iterator yields again
			}
		}
		assert.Equal(t, stopAt, n)
	}
}

func TestReadJSONLReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader(`{"text": "A"}`+"\n"+`{"text": "B`), iotest.ErrReader(boom))
	ys := collect(JSONL("r.jsonl", r, Options{}))
	require.Len(t, ys, 2)
	require.NoError(t, ys[0].err)
	assert.ErrorIs(t, ys[1].err, boom)
	assert.ErrorIs(t, ys[1].err, ErrRead)
	assert.EqualError(t, ys[1].err, "r.jsonl:2: read error: boom")
}

// BenchmarkReadJSONL measures reading and decoding the sample, a slice of
// the mismatch evaluation set.
func BenchmarkReadJSONL(b *testing.B) {
	data, err := os.ReadFile("../../testdata/input/sample.jsonl")
	require.NoError(b, err)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		for _, err := range JSONL("s", bytes.NewReader(data), Options{}) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkReadJSONLEncodingJSON is the same work with encoding/json
// decoding a struct of the default fields, for comparison.
func BenchmarkReadJSONLEncodingJSON(b *testing.B) {
	data, err := os.ReadFile("../../testdata/input/sample.jsonl")
	require.NoError(b, err)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		lr := newLineReader(bufio.NewReaderSize(bytes.NewReader(data), readBufferSize), DefaultMaxLineBytes)
		for {
			line, _, ok := lr.next()
			if !ok {
				break
			}
			var rec struct {
				ID    json.RawMessage `json:"id"`
				Title string          `json:"title"`
				Text  string          `json:"text"`
			}
			if err := json.Unmarshal(line, &rec); err != nil {
				b.Fatal(err)
			}
			_ = appendParagraphs(nil, rec.Text, 1)
			_ = bytes.Clone(line)
		}
	}
}

func TestReadJSONLNoRaw(t *testing.T) {
	in := `{"id":"a","title":"T","text":"one\ntwo"}` + "\n"
	for doc, err := range JSONL("x.jsonl", strings.NewReader(in), Options{NoRaw: true}) {
		require.NoError(t, err)
		assert.Nil(t, doc.Raw, "NoRaw keeps no copy of the record")
		assert.Len(t, doc.Paragraphs, 2)
	}
	for doc, err := range JSONL("x.jsonl", strings.NewReader(in), Options{}) {
		require.NoError(t, err)
		assert.Equal(t, strings.TrimSuffix(in, "\n"), string(doc.Raw))
	}
}
