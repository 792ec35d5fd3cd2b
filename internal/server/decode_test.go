package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup/read"
)

func TestDecodeBody(t *testing.T) {
	tests := []struct {
		name, reason string
		body         string
		wantIDs      []string
		wantLines    []int
		many         bool
	}{
		{name: "object", reason: "one article", body: `{"id":"a","text":"x"}`, wantIDs: []string{"a"}, wantLines: []int{1}},
		{name: "object after blank lines", reason: "its line is where it starts", body: "\n\n {\"text\":\"x\"}", wantIDs: []string{"request:3"}, wantLines: []int{3}},
		{name: "BOM", reason: "dropped, as the readers drop it", body: "\ufeff{\"id\":\"a\",\"text\":\"x\"}", wantIDs: []string{"a"}, wantLines: []int{1}},
		{name: "array", reason: "elements at their lines, \\r\\n and \\r both ending one", body: "[{\"id\":\"a\",\"text\":\"x\"},\r\n{\"text\":\"y\"},\r{\"text\":\"z, ]\\\"\"}]",
			wantIDs: []string{"a", "request:2", "request:3"}, wantLines: []int{1, 2, 3}, many: true},
		{name: "nested", reason: "brackets and commas inside values do not split", body: `[{"id":"a","x":[1,{"y":"]"}],"text":"p"}, {"id":"b","text":["q","r"]}]`,
			wantIDs: []string{"a", "b"}, wantLines: []int{1, 1}, many: true},
		{name: "empty array", reason: "no article, no error", body: " [ ] ", many: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, errs := decodeBody([]byte(tt.body), read.Options{}, false)
			require.Empty(t, errs, tt.reason)
			assert.Equal(t, tt.many, d.many, tt.reason)
			var ids []string
			var lines []int
			for _, doc := range d.docs {
				ids = append(ids, doc.ID)
				lines = append(lines, doc.Line)
			}
			assert.Equal(t, tt.wantIDs, ids, tt.reason)
			assert.Equal(t, tt.wantLines, lines, tt.reason)
		})
	}
}

// addBodySeeds adds request bodies made of the repository's JSONL
// samples to f.
func addBodySeeds(f *testing.F) {
	recs := sampleArticles(f, "input")
	f.Add([]byte(recs[0]))
	f.Add([]byte("[" + strings.Join(recs[:3], ",\n") + "]"))
	for _, s := range []string{"", "[", "]", "[]", "{}", "[{}]", `[{"text":"a"},]`, `[{"text":"a"}]]`, `"x"`, "[1,2]",
		`[{"text":"\"]"}]`, `[{"text":"a\\"}]`, "[{\"text\":\"\xff\"}]", `[[{"text":"a"}]]`, `{"id":"a","text":"x"} {}`, "[\r{\"text\":\"a\"}\r]"} {
		f.Add([]byte(s))
	}
}

// FuzzDecodeBody checks the decoding of request bodies on any bytes: it
// never panics; what it accepts encoding/json reads as one object or an
// array of objects with as many elements; what it rejects gets messages
// naming the request and a line.
func FuzzDecodeBody(f *testing.F) {
	addBodySeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		d, errs := decodeBody(body, read.Options{}, false)
		if len(errs) > 0 {
			if len(d.docs) > 0 {
				t.Fatalf("documents with errors: %v", errs)
			}
			for _, e := range errs {
				if !strings.HasPrefix(e.Error, "request:") || e.Line < 1 {
					t.Fatalf("error %+v does not name the request and a line", e)
				}
			}
			return
		}
		body = bytes.TrimPrefix(body, []byte("\ufeff"))
		if !json.Valid(body) {
			t.Fatalf("accepted invalid JSON %q", body)
		}
		var one map[string]json.RawMessage
		var many []map[string]json.RawMessage
		switch {
		case json.Unmarshal(body, &one) == nil:
			if d.many || len(d.docs) != 1 {
				t.Fatalf("an object decoded as %d documents (many %v)", len(d.docs), d.many)
			}
		case json.Unmarshal(body, &many) == nil:
			if !d.many || len(d.docs) != len(many) {
				t.Fatalf("an array of %d objects decoded as %d documents", len(many), len(d.docs))
			}
		default:
			t.Fatalf("accepted %q, neither an object nor an array of objects", body)
		}
		for _, doc := range d.docs {
			if doc.ID == "" || doc.Source != sourceName || doc.Line < 1 {
				t.Fatalf("document without id, source or line: %+v", doc)
			}
		}
	})
}

// FuzzHandlers posts any bytes to every endpoint: the answer is 200 or
// 400 (never a 500, never a panic), and JSON.
func FuzzHandlers(f *testing.F) {
	addBodySeeds(f)
	s := mustServer(f, nil, nil)
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, path := range []string{"/v1/scan", "/v1/clean", "/v1/check-and-add?clean=true"} {
			req := httptest.NewRequest("POST", path, bytes.NewReader(body))
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
				t.Fatalf("%s: status %d: %s", path, rec.Code, rec.Body)
			}
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%s: answer is not JSON: %q", path, rec.Body)
			}
		}
	})
}
