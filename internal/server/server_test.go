package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/read"
)

// repoPath returns a path under the repository's root.
func repoPath(parts ...string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(append([]string{filepath.Dir(file), "..", ".."}, parts...)...)
}

// mustServer returns a server of a pipeline with the defaults (no
// corpus, memory index unless store), changed by set.
func mustServer(t testing.TB, store dedup.Store, set func(*Config)) *Server {
	t.Helper()
	o := dedup.DefaultOptions()
	o.Corpus = false
	o.Store = store
	p, err := dedup.NewPipeline(&o)
	require.NoError(t, err)
	cfg := Config{Pipeline: p}
	if set != nil {
		set(&cfg)
	}
	s, err := New(cfg)
	require.NoError(t, err)
	return s
}

// call sends a request to h and returns the status and body.
func call(t testing.TB, h http.Handler, method, target, body string, header ...string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// article returns the JSON of an article.
func article(id, title string, paras ...string) string {
	m := map[string]any{"title": title, "text": strings.Join(paras, "\n")}
	if id != "" {
		m["id"] = id
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// sampleArticles returns the JSON records of a testdata sample.
func sampleArticles(t testing.TB, name string) []string {
	t.Helper()
	data, err := readFile(repoPath("testdata", name, "sample.jsonl"))
	require.NoError(t, err)
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		out = append(out, line)
	}
	return out
}

var readFile = func(path string) ([]byte, error) {
	var buf bytes.Buffer
	for doc, err := range read.Paths(context.Background(), []string{path}, nil, read.Options{}) {
		if err != nil {
			return nil, err
		}
		buf.Write(doc.Raw)
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

const spliced = `{"id":"a1","title":"Share this: council approves budget","text":"Council approves budget\nThe city council approved the annual budget on Tuesday after a long debate.\nShare this article on Facebook"}`

func TestScan(t *testing.T) {
	s := mustServer(t, nil, nil)
	code, body := call(t, s, "POST", "/v1/scan", spliced)
	require.Equal(t, http.StatusOK, code, body)
	var r record
	require.NoError(t, json.Unmarshal([]byte(body), &r), "one article in, one record out")
	assert.Equal(t, "a1", r.ID)
	assert.Equal(t, "request", r.Source)
	assert.Equal(t, 1, r.Line)
	assert.Len(t, r.Paragraphs, 3)
	kinds := map[dedup.Kind]bool{}
	for _, f := range r.Findings {
		kinds[f.Kind] = true
	}
	assert.True(t, kinds[dedup.KindResidue], "the share prompt: %s", body)

	code, body = call(t, s, "POST", "/v1/scan", "[\n"+spliced+",\n"+`{"text":"No id here."}`+"\n]")
	require.Equal(t, http.StatusOK, code, body)
	var rs []record
	require.NoError(t, json.Unmarshal([]byte(body), &rs), "an array in, an array out")
	require.Len(t, rs, 2)
	assert.Equal(t, "request:3", rs[1].ID, "no id: request:LINE, as JSONL's name:line")
	assert.Equal(t, 3, rs[1].Line)

	code, body = call(t, s, "POST", "/v1/scan", "[]")
	assert.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, "[]", body)

	code, _ = call(t, s, "POST", "/v1/check-and-add", spliced)
	require.Equal(t, http.StatusOK, code)
	code, body = call(t, s, "POST", "/v1/scan", strings.Replace(spliced, `"a1"`, `"a2"`, 1))
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `"kind":"near_duplicate"`, "scan consults the index")
	code, body = call(t, s, "POST", "/v1/check-and-add", strings.Replace(spliced, `"a1"`, `"a3"`, 1))
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `"duplicate_of":"a1"`, "and does not add to it: a2 is not indexed")
}

func TestBadRequests(t *testing.T) {
	s := mustServer(t, nil, func(c *Config) { c.MaxBodyBytes = 4096 })
	tests := []struct {
		name, reason string
		path, body   string
		status       int
		msg          string
		items        []int // the items named by errors, -1 for none
	}{
		{name: "empty", reason: "no article", path: "/v1/scan", body: " \n", status: 400, msg: "request:1: invalid JSON: empty body"},
		{name: "not JSON", reason: "the reader's message and column", path: "/v1/scan", body: `{"text": nope}`, status: 400,
			msg: "request:1: invalid JSON: unexpected 'o' at column 11, expecting null", items: []int{-1}},
		{name: "a string", reason: "a JSON value that is no article", path: "/v1/clean", body: `"text"`, status: 400,
			msg: "request:1: record is not a JSON object (it is a string)", items: []int{-1}},
		{name: "no body", reason: "the reader's message", path: "/v1/scan", body: `{"title":"T"}`, status: 400,
			msg: `request:1: missing body: no field "text", "body", "content", "articleBody"`, items: []int{-1}},
		{name: "bad items", reason: "every bad element is named, by item and line, and nothing is judged", path: "/v1/scan",
			body: "[{\"text\":\"a\"},\n 3,\n {\"title\":\"x\"}]", status: 400,
			msg: "request:2: record is not a JSON object (it is a number)", items: []int{1, 2}},
		{name: "unclosed array", reason: "the body ends inside the array", path: "/v1/scan", body: `[{"text":"a"},`, status: 400,
			msg: "request:1: invalid JSON: unexpected end of body, expecting an article (a JSON object)", items: []int{-1}},
		{name: "trailing comma", reason: "JSON has none", path: "/v1/scan", body: `[{"text":"a"},]`, status: 400,
			msg: "request:1: invalid JSON: unexpected ']', expecting an article"},
		{name: "after the array", reason: "one value per body", path: "/v1/scan", body: `[{"text":"a"}] {}`, status: 400,
			msg: "expecting the end of the body after the array"},
		{name: "two objects", reason: "JSONL is not an accepted body", path: "/v1/scan", body: "{\"text\":\"a\"}\n{\"text\":\"b\"}", status: 400,
			msg: "request:1: invalid JSON: unexpected '{' at column 14"},
		{name: "unclosed string", reason: "the splitter follows strings", path: "/v1/scan", body: `[{"text":"a]`, status: 400,
			msg: "invalid JSON: unexpected end of body"},
		{name: "no id", reason: "check-and-add admits by id", path: "/v1/check-and-add", body: `{"text":"a"}`, status: 400,
			msg: `request:1: no id: the index admits articles by id, and none of the fields "id", "url" holds one`},
		{name: "bad clean", reason: "a boolean parameter", path: "/v1/check-and-add?clean=maybe", body: `{"id":"x","text":"a"}`, status: 400,
			msg: "clean=maybe: want true or false"},
		{name: "too large", reason: "the body limit", path: "/v1/scan", body: article("big", "T", strings.Repeat("word ", 1000)), status: 413,
			msg: "request body over 4096 bytes"},
		{name: "invalid UTF-8", reason: "checked as the reader does", path: "/v1/scan", body: "{\"text\":\"\xff\"}", status: 400,
			msg: "request:1: invalid UTF-8 at column 10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := call(t, s, "POST", tt.path, tt.body)
			assert.Equal(t, tt.status, code, "%s: %s", tt.reason, body)
			var e struct {
				Error  string
				Errors []struct {
					Item  *int
					Line  int
					Error string
				}
			}
			require.NoError(t, json.Unmarshal([]byte(body), &e), body)
			assert.Contains(t, e.Error, tt.msg, tt.reason)
			if tt.items != nil {
				require.Len(t, e.Errors, len(tt.items), body)
				for i, want := range tt.items {
					if want < 0 {
						assert.Nil(t, e.Errors[i].Item, body)
					} else if assert.NotNil(t, e.Errors[i].Item, body) {
						assert.Equal(t, want, *e.Errors[i].Item, body)
					}
				}
			}
		})
	}
	code, body := call(t, s, "GET", "/v1/scan", "")
	assert.Equal(t, http.StatusMethodNotAllowed, code, body)
	assert.Contains(t, body, `"error":"GET /v1/scan: use POST"`)
	code, body = call(t, s, "GET", "/v2/nothing", "")
	assert.Equal(t, http.StatusNotFound, code, body)
	assert.Contains(t, body, `"error"`)
}

func TestToken(t *testing.T) {
	s := mustServer(t, nil, func(c *Config) { c.Token = "s3cret" })
	tests := []struct {
		name, path, auth string
		status           int
	}{
		{"no token", "/v1/scan", "", 401},
		{"wrong token", "/v1/scan", "Bearer s3cre", 401},
		{"longer token", "/v1/scan", "Bearer s3cret2", 401},
		{"other scheme", "/v1/scan", "Basic s3cret", 401},
		{"right token", "/v1/scan", "Bearer s3cret", 200},
		{"scheme in any case", "/v1/scan", "bearer s3cret", 200},
		{"metrics need it", "/metrics", "", 401},
		{"metrics with it", "/metrics", "Bearer s3cret", 200},
		{"health without", "/healthz", "", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := "POST"
			if tt.path != "/v1/scan" {
				method = "GET"
			}
			code, body := call(t, s, method, tt.path, spliced, "Authorization", tt.auth)
			assert.Equal(t, tt.status, code, body)
		})
	}
}

func TestClean(t *testing.T) {
	s := mustServer(t, nil, nil)
	// The body as an array of strings, with a field the server does not
	// know: the cleaned record keeps both. The body prints the headline
	// twice: it keeps one copy, its own, since the title stands apart.
	in := `{"url":"u1","extra":{"k":[1,2]},"headline":"Council approves budget","body":["Council approves budget","Council approves budget","The city council approved the annual budget on Tuesday after a long debate.","Share this article on Facebook"]}`
	code, body := call(t, s, "POST", "/v1/clean", in)
	require.Equal(t, http.StatusOK, code, body)
	var r cleanRecord
	require.NoError(t, json.Unmarshal([]byte(body), &r))
	assert.Equal(t, "body", r.BodyField)
	assert.JSONEq(t, `{"url":"u1","extra":{"k":[1,2]},"headline":"Council approves budget","body":["Council approves budget","The city council approved the annual budget on Tuesday after a long debate."]}`, string(r.Record))
	require.Len(t, r.Removed, 2)
	assert.Equal(t, dedup.KindRepeatedHeadline, r.Removed[0].Kind)
	assert.Equal(t, "Share this article on Facebook", r.Removed[1].Text)

	keep := mustServer(t, nil, func(c *Config) {
		c.Remove = func(f dedup.Finding) bool { return f.Kind == dedup.KindResidue }
	})
	code, body = call(t, keep, "POST", "/v1/clean", in)
	require.Equal(t, http.StatusOK, code, body)
	require.NoError(t, json.Unmarshal([]byte(body), &r))
	require.Len(t, r.Removed, 1, "Remove decides")
}

func TestCheckAndAdd(t *testing.T) {
	s := mustServer(t, nil, nil)
	admit := func(body string, clean bool) []admission {
		t.Helper()
		path := "/v1/check-and-add"
		if clean {
			path += "?clean=true"
		}
		code, out := call(t, s, "POST", path, "["+body+"]")
		require.Equal(t, http.StatusOK, code, out)
		var as []admission
		require.NoError(t, json.Unmarshal([]byte(out), &as), out)
		return as
	}
	as := admit(spliced, false)
	require.Len(t, as, 1)
	assert.True(t, as[0].Admitted)
	assert.Empty(t, as[0].DuplicateOf)
	assert.Nil(t, as[0].Cleaned, "no clean fields unless asked")

	copy1 := strings.Replace(spliced, `"a1"`, `"b1"`, 1)
	other := article("c1", "Storm hits the coast", "A strong storm hit the northern coast overnight, cutting power to thousands of homes.", "Emergency crews worked through the morning.")
	as = admit(copy1+","+other+","+strings.Replace(other, `"c1"`, `"c2"`, 1)+","+spliced, true)
	require.Len(t, as, 4)
	assert.False(t, as[0].Admitted)
	assert.Equal(t, "a1", as[0].DuplicateOf)
	assert.InDelta(t, 1, as[0].Similarity, 1e-9)
	assert.True(t, as[1].Admitted, "a new story")
	assert.False(t, as[2].Admitted, "its copy in the same request, judged after it")
	assert.Equal(t, "c1", as[2].DuplicateOf)
	assert.False(t, as[3].Admitted, "an id already indexed")
	assert.Equal(t, "a1", as[3].DuplicateOf)
	require.NotNil(t, as[0].Cleaned, "clean=true")
	assert.NotContains(t, string(as[0].Record), "Share this article")
	assert.Contains(t, string(as[0].Record), `"id":"b1"`)
}

func TestReport(t *testing.T) {
	s := mustServer(t, nil, func(c *Config) {
		c.Report = func(f dedup.Finding) bool { return f.Kind == dedup.KindResidue }
	})
	code, body := call(t, s, "POST", "/v1/check-and-add", spliced)
	require.Equal(t, http.StatusOK, code, body)
	code, body = call(t, s, "POST", "/v1/check-and-add", strings.Replace(spliced, `"a1"`, `"a2"`, 1))
	require.Equal(t, http.StatusOK, code, body)
	var a admission
	require.NoError(t, json.Unmarshal([]byte(body), &a))
	for _, f := range a.Findings {
		assert.Equal(t, dedup.KindResidue, f.Kind, "only what Report keeps")
	}
	assert.Equal(t, "a1", a.DuplicateOf, "the verdict does not depend on Report")
}

func TestMetrics(t *testing.T) {
	s := mustServer(t, nil, nil)
	call(t, s, "POST", "/v1/check-and-add", spliced)
	call(t, s, "POST", "/v1/check-and-add", strings.Replace(spliced, `"a1"`, `"a2"`, 1))
	call(t, s, "POST", "/v1/scan", `{"title":"x"}`)
	code, body := call(t, s, "GET", "/metrics", "")
	require.Equal(t, http.StatusOK, code)
	for _, want := range []string{
		`newsdedup_http_requests_total{code="200",endpoint="check-and-add"} 2`,
		`newsdedup_http_requests_total{code="400",endpoint="scan"} 1`,
		`newsdedup_http_request_duration_seconds_count{endpoint="check-and-add"} 2`,
		`newsdedup_articles_admitted_total 1`,
		`newsdedup_articles_duplicate_total 1`,
		`newsdedup_findings_total{kind="near_duplicate"} 1`,
		`newsdedup_findings_total{kind="shared_headline"} 0`,
		`newsdedup_index_errors_total 0`,
		`go_goroutines`,
	} {
		assert.Contains(t, body, want)
	}
}

// failingStore is a store whose every call fails, as a Redis that went
// away does.
type failingStore struct{ dedup.Store }

var errRefused = fmt.Errorf("dial tcp 127.0.0.1:1: connect: connection refused")

func (failingStore) NextSeq(context.Context, int) (uint64, error) { return 0, errRefused }
func (failingStore) Candidates(context.Context, []uint64) ([]dedup.Entry, error) {
	return nil, errRefused
}

func TestIndexError(t *testing.T) {
	s := mustServer(t, failingStore{dedup.NewMemoryStore()}, nil)
	code, body := call(t, s, "POST", "/v1/check-and-add", spliced)
	assert.Equal(t, http.StatusServiceUnavailable, code, "not the client's fault, and not a 500: %s", body)
	assert.Contains(t, body, "connection refused")
	_, m := call(t, s, "GET", "/metrics", "")
	assert.Contains(t, m, "newsdedup_index_errors_total 1")
}

func TestHealthz(t *testing.T) {
	s := mustServer(t, nil, nil)
	code, body := call(t, s, "GET", "/healthz", "")
	assert.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, `{"status":"ok"}`, body)
}

// Ensure a slow reader of answers is not needed: answers are written with
// their length.
func TestContentLength(t *testing.T) {
	srv := httptest.NewServer(mustServer(t, nil, nil))
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/v1/scan", "application/json", strings.NewReader(spliced))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	assert.Equal(t, int64(len(b)), resp.ContentLength)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
}
