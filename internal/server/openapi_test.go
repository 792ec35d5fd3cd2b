package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
)

// TestOpenAPI checks the server against the repository's openapi.yaml:
// the description is valid OpenAPI 3, every request of the cases below
// that the description accepts is one, every answer (each status the
// description names) matches it, and every operation is exercised.
func TestOpenAPI(t *testing.T) {
	ctx := context.Background()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(repoPath("openapi.yaml"))
	require.NoError(t, err)
	require.NoError(t, doc.Validate(ctx), "openapi.yaml is valid OpenAPI 3")
	router, err := legacy.NewRouter(doc)
	require.NoError(t, err)

	const token = "t0ken"
	store := dedup.NewMemoryStore()
	s := mustServer(t, store, func(c *Config) { c.Token = token; c.MaxBodyBytes = 2048 })
	failing := mustServer(t, failingStore{dedup.NewMemoryStore()}, nil)

	long := article("long", "T", strings.Repeat("a long line of words ", 120))
	cases := []struct {
		name, method, path, body string
		server                   *Server
		noToken                  bool
		// validRequest is false for requests the description rejects:
		// only their answers are checked.
		validRequest bool
		status       int
	}{
		{name: "scan one", method: "POST", path: "/v1/scan", body: spliced, validRequest: true, status: 200},
		{name: "scan many", method: "POST", path: "/v1/scan", body: "[" + spliced + `,{"body":["a","b"],"id":3}]`, validRequest: true, status: 200},
		{name: "scan bad", method: "POST", path: "/v1/scan", body: `[{"text":"a"}, 4, {}]`, status: 400},
		{name: "scan not JSON", method: "POST", path: "/v1/scan", body: `{`, status: 400},
		{name: "scan too large", method: "POST", path: "/v1/scan", body: long, validRequest: true, status: 413},
		{name: "scan no token", method: "POST", path: "/v1/scan", body: spliced, noToken: true, validRequest: true, status: 401},
		{name: "scan index down", method: "POST", path: "/v1/scan", body: spliced, server: failing, validRequest: true, status: 503},
		{name: "clean one", method: "POST", path: "/v1/clean", body: spliced, validRequest: true, status: 200},
		{name: "clean many", method: "POST", path: "/v1/clean", body: "[" + spliced + "]", validRequest: true, status: 200},
		{name: "clean bad", method: "POST", path: "/v1/clean", body: `{"title":"x"}`, validRequest: true, status: 400},
		{name: "clean no token", method: "POST", path: "/v1/clean", body: spliced, noToken: true, validRequest: true, status: 401},
		{name: "clean too large", method: "POST", path: "/v1/clean", body: long, validRequest: true, status: 413},
		{name: "clean index down", method: "POST", path: "/v1/clean", body: spliced, server: failing, validRequest: true, status: 503},
		{name: "admit", method: "POST", path: "/v1/check-and-add", body: spliced, validRequest: true, status: 200},
		{name: "admit copies", method: "POST", path: "/v1/check-and-add?clean=true", body: "[" + strings.Replace(spliced, "a1", "a2", 1) + "," + spliced + "]", validRequest: true, status: 200},
		{name: "admit no id", method: "POST", path: "/v1/check-and-add", body: `{"text":"a"}`, validRequest: true, status: 400},
		{name: "admit no token", method: "POST", path: "/v1/check-and-add", body: spliced, noToken: true, validRequest: true, status: 401},
		{name: "admit too large", method: "POST", path: "/v1/check-and-add", body: long, validRequest: true, status: 413},
		{name: "admit index down", method: "POST", path: "/v1/check-and-add", body: spliced, server: failing, validRequest: true, status: 503},
		{name: "health", method: "GET", path: "/healthz", noToken: true, validRequest: true, status: 200},
		{name: "metrics", method: "GET", path: "/metrics", validRequest: true, status: 200},
		{name: "metrics no token", method: "GET", path: "/metrics", noToken: true, validRequest: true, status: 401},
	}
	seen := map[string][]string{} // operation: statuses
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			srv := s
			if tt.server != nil {
				srv = tt.server
			}
			req := httptest.NewRequest(tt.method, "http://127.0.0.1:8077"+tt.path, strings.NewReader(tt.body))
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if !tt.noToken && srv == s {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			route, params, err := router.FindRoute(req)
			require.NoError(t, err, "the description has %s %s", tt.method, tt.path)
			in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
				Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
			if tt.validRequest {
				require.NoError(t, openapi3filter.ValidateRequest(ctx, in), "the description accepts the request")
				req.Body = io.NopCloser(strings.NewReader(tt.body)) // read by the validator
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			require.Equal(t, tt.status, rec.Code, rec.Body.String())
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code,
				Header: rec.Header(), Body: io.NopCloser(bytes.NewReader(rec.Body.Bytes()))}
			assert.NoError(t, openapi3filter.ValidateResponse(ctx, out), "the answer matches the description: %s", rec.Body.String())
			op := route.Method + " " + route.Path
			seen[op] = append(seen[op], http.StatusText(rec.Code))
		})
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			key := method + " " + path
			for code := range op.Responses.Map() {
				assert.True(t, slices.Contains(seen[key], http.StatusText(atoi(code))), "%s answering %s is exercised", key, code)
			}
		}
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
