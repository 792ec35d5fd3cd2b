package read

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRecord(t *testing.T) {
	tests := []struct {
		name, reason string
		rec          string
		opts         Options
		wantID       string
		wantTitle    string
		wantParas    []string
		wantErr      error
		wantMsg      string
	}{
		{name: "one line", reason: "the default fields, as JSONL reads them",
			rec: `{"url":"u1","headline":"H","body":"a\nb"}`, wantID: "u1", wantTitle: "H", wantParas: []string{"a", "b"}},
		{name: "pretty printed", reason: "white space between tokens may hold line breaks",
			rec: "{\n  \"id\": 7,\n  \"title\": \"T\",\n  \"text\": [\"x\", \"y\"]\n}\n", wantID: "7", wantTitle: "T", wantParas: []string{"x", "y"}},
		{name: "no id", reason: "unlike JSONL, no id field leaves the id empty",
			rec: `{"text":"p"}`, wantID: "", wantParas: []string{"p"}},
		{name: "field flags", reason: "opts name other fields",
			rec: `{"k":"K","h":"H","b":"B"}`, opts: Options{IDFields: []string{"k"}, TitleFields: []string{"h"}, BodyFields: []string{"b"}},
			wantID: "K", wantTitle: "H", wantParas: []string{"B"}},
		{name: "missing body", reason: "the message JSONL gives",
			rec: `{"title":"x"}`, wantErr: ErrMissingBody, wantMsg: `request:3: missing body: no field "text", "body", "content", "articleBody"`},
		{name: "not an object", reason: "an array is a record of no article",
			rec: `[1]`, wantErr: ErrNotObject, wantMsg: "request:3: "},
		{name: "invalid JSON", reason: "the column of the fault",
			rec: `{"text":}`, wantErr: ErrInvalidJSON, wantMsg: "request:3: invalid JSON: unexpected '}' at column 9"},
		{name: "invalid UTF-8", reason: "checked before JSON",
			rec: "{\"text\":\"\xff\"}", wantErr: ErrInvalidUTF8, wantMsg: "request:3: "},
		{name: "too long", reason: "MaxLineBytes bounds a record as it bounds a line",
			rec: `{"text":"0123456789"}`, opts: Options{MaxLineBytes: 8}, wantErr: ErrLineTooLong, wantMsg: "request:3: line too long: more than 8 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Record("request", 3, []byte(tt.rec), tt.opts)
			if tt.wantErr != nil {
				require.Error(t, err, tt.reason)
				assert.ErrorIs(t, err, tt.wantErr, tt.reason)
				var re *Error
				require.ErrorAs(t, err, &re)
				assert.Equal(t, 3, re.Line)
				assert.Contains(t, err.Error(), tt.wantMsg, tt.reason)
				assert.Nil(t, doc)
				return
			}
			require.NoError(t, err, tt.reason)
			assert.Equal(t, tt.wantID, doc.ID, tt.reason)
			assert.Equal(t, tt.wantTitle, doc.Title, tt.reason)
			var paras []string
			for _, p := range doc.Paragraphs {
				paras = append(paras, p.Text)
				assert.Equal(t, 3, p.Line)
			}
			assert.Equal(t, tt.wantParas, paras, tt.reason)
			assert.Equal(t, "request", doc.Source)
			assert.Equal(t, tt.rec, string(doc.Raw), "Raw is the record")
		})
	}
}

// FuzzRecord checks that Record, given any bytes, never fails otherwise
// than with an *Error, and decodes a one-line record as JSONL does.
func FuzzRecord(f *testing.F) {
	addFileSeeds(f, "*.jsonl", true)
	for _, s := range []string{"", "{", "{}", "[{}]", "{\n\"text\"\n:\n\"a\"\n}", `{"text":["a",1]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Record("r", 1, data, Options{})
		if err != nil {
			var re *Error
			if !errors.As(err, &re) || re.File != "r" || re.Line != 1 || doc != nil {
				t.Fatalf("error %v (%T) with document %v", err, err, doc)
			}
		} else {
			if doc.ID == "" {
				doc.ID = "r:1" // JSONL's default
			}
			checkDocument(t, doc)
		}
		if bytes.ContainsAny(data, "\r\n") || len(bytes.TrimSpace(data)) == 0 || bytes.HasPrefix(data, utf8BOM) {
			return // JSONL splits, skips or trims these
		}
		ys := collect(JSONL("r", bytes.NewReader(data), Options{}))
		if len(ys) != 1 {
			t.Fatalf("JSONL yielded %d items for one line", len(ys))
		}
		if (err == nil) != (ys[0].err == nil) || err != nil && err.Error() != ys[0].err.Error() {
			t.Fatalf("Record: %v; JSONL: %v", err, ys[0].err)
		}
		if err == nil && !equalDocs(doc, ys[0].doc) {
			t.Fatalf("Record: %+v\nJSONL: %+v", doc, ys[0].doc)
		}
	})
}
