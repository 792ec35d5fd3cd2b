package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup/boltstore"
)

func TestServeFlags(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.WriteFile(empty, []byte("\n"), 0o600))
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	cases := []struct {
		reason string
		args   []string
		stderr string
	}{
		{"beyond loopback without a token", []string{"--listen", "0.0.0.0:0"}, "--listen 0.0.0.0:0 is reachable beyond loopback: give a --token-file"},
		{"every interface is beyond loopback", []string{"--listen", ":8077"}, "reachable beyond loopback"},
		{"a host name other than localhost", []string{"--listen", "example.com:80"}, "reachable beyond loopback"},
		{"an empty token", []string{"--token-file", empty}, "the first line is empty"},
		{"a missing token file", []string{"--token-file", filepath.Join(dir, "none")}, "--token-file: open"},
		{"no port", []string{"--listen", "127.0.0.1"}, `--listen "127.0.0.1": want HOST:PORT`},
		{"a log level", []string{"--log-level", "loud"}, `--log-level "loud"`},
		{"arguments", []string{"crawl.jsonl"}, `unexpected argument "crawl.jsonl"`},
		{"no-sync without a file", []string{"--index-no-sync"}, "--index-no-sync applies to a file --index"},
		{"a body limit", []string{"--max-body", "0"}, "--max-body 0"},
		{"a timeout", []string{"--write-timeout", "0s"}, "--write-timeout 0s"},
		{"clean's kinds", []string{"--drop", "near_duplicate"}, "--drop near_duplicate"},
		{"scan's kinds", []string{"--only", "nonsense"}, `--only: unknown kind "nonsense"`},
		{"scan's thresholds", []string{"--threshold", "2"}, "--threshold 2"},
		{"a busy port", []string{"--listen", busy.Addr().String()}, "--listen: listen tcp " + busy.Addr().String()},
	}
	for _, tt := range cases {
		t.Run(tt.reason, func(t *testing.T) {
			code, out, stderr := runCmd(t, "", append([]string{"serve"}, tt.args...)...)
			assert.Equal(t, exitError, code, stderr)
			assert.Empty(t, out)
			assert.True(t, strings.HasPrefix(stderr, "newsdedup: serve: "), stderr)
			assert.Contains(t, stderr, tt.stderr)
		})
	}
}

func TestServeHelp(t *testing.T) {
	code, out, _ := runCmd(t, "", "help", "serve")
	assert.Equal(t, exitClean, code)
	for _, flag := range []string{"--listen", "--token-file", "--addr-file", "--max-body", "--read-timeout", "--write-timeout",
		"--shutdown-timeout", "--log-level", "--keep", "--drop", "--index", "--index-no-sync", "--only", "--body-field", "POST /v1/check-and-add"} {
		assert.Contains(t, out, flag)
	}
	code, out, _ = runCmd(t, "", "help")
	assert.Equal(t, exitClean, code)
	assert.Contains(t, out, "newsdedup serve")
}

// startServe runs serve with args in the background on a free loopback
// port; it returns the base URL and a function that stops it (as
// SIGTERM does) and returns its exit code and stderr.
func startServe(t *testing.T, args ...string) (string, func() (int, string)) {
	t.Helper()
	addrFile := filepath.Join(t.TempDir(), "addr")
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--listen", "127.0.0.1:0", "--addr-file", addrFile}, args...),
			strings.NewReader(""), io.Discard, &stderr)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if b, err := os.ReadFile(addrFile); err == nil {
			stop := func() (int, string) {
				cancel()
				select {
				case code := <-done:
					return code, stderr.String()
				case <-time.After(60 * time.Second):
					t.Fatal("serve did not stop")
					return 0, ""
				}
			}
			t.Cleanup(func() { cancel() })
			return "http://" + strings.TrimSpace(string(b)), stop
		}
		select {
		case code := <-done:
			cancel()
			t.Fatalf("serve exited %d: %s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start: %s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// syncBuffer is a buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// post posts body to url with a bearer token, returning status and body.
func post(t *testing.T, url, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// TestServeMatchesScan checks that /v1/scan answers, for each article of
// a sample, what scan --no-corpus --format jsonl writes for it alone.
func TestServeMatchesScan(t *testing.T) {
	base, stop := startServe(t)
	defer stop()
	data, err := os.ReadFile("../../testdata/residue/sample.jsonl")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")[:12]
	for i, line := range lines {
		code, out, stderr := runCmd(t, line+"\n", "scan", "--no-corpus", "--format", "jsonl", "-")
		require.NotEqual(t, exitError, code, stderr)
		want := parseJSONL(t, out)
		require.Len(t, want, 1)
		status, body := post(t, base+"/v1/scan", "", line)
		require.Equal(t, http.StatusOK, status, body)
		var got outRecord
		require.NoError(t, json.Unmarshal([]byte(body), &got))
		assert.Equal(t, "request", got.Source)
		got.Source = want[0].Source
		assert.Equal(t, want[0], got, "article %d", i)
	}
	status, body := post(t, base+"/v1/scan", "", `{"title":"no body"}`)
	assert.Equal(t, http.StatusBadRequest, status)
	_, _, stderr := runCmd(t, `{"title":"no body"}`+"\n", "scan", "--no-corpus", "-")
	var e struct{ Error string }
	require.NoError(t, json.Unmarshal([]byte(body), &e))
	first, _, _ := strings.Cut(stderr, "\n")
	assert.Equal(t, strings.TrimPrefix(first, "newsdedup: -:1: "), strings.TrimPrefix(e.Error, "request:1: "),
		"the CLI's message for the same record")
}

// TestServeShutdown stops the server while a request is in flight: the
// request is answered, then the index file is closed, holding what was
// admitted.
func TestServeShutdown(t *testing.T) {
	dir := t.TempDir()
	index := filepath.Join(dir, "seen.db")
	tokenFile := filepath.Join(dir, "token")
	require.NoError(t, os.WriteFile(tokenFile, []byte("s3cret\n"), 0o600))
	base, stop := startServe(t, "--index", index, "--token-file", tokenFile)

	status, body := post(t, base+"/v1/check-and-add", "", `{"id":"a","text":"x"}`)
	assert.Equal(t, http.StatusUnauthorized, status, body)
	status, body = post(t, base+"/v1/check-and-add", "s3cret", `{"id":"first","title":"Storm hits the coast","text":"A strong storm hit the northern coast overnight, cutting power to thousands of homes."}`)
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, `"admitted":true`)

	// A request whose body is still being sent when the server is told
	// to stop.
	pr, pw := io.Pipe()
	req, err := http.NewRequest("POST", base+"/v1/check-and-add", pr)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer s3cret")
	answered := make(chan string, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		answered <- fmt.Sprint(resp.StatusCode, " ", string(b))
	}()
	fmt.Fprint(pw, `{"id":"second","title":"Storm hits the coast",`)
	time.Sleep(200 * time.Millisecond) // the server is reading the body
	stopped := make(chan struct{})
	var code int
	var stderr string
	go func() { code, stderr = stop(); close(stopped) }()
	time.Sleep(200 * time.Millisecond) // shutdown has begun
	fmt.Fprint(pw, `"text":"A strong storm hit the northern coast overnight, cutting power to thousands of homes."}`)
	pw.Close()
	got := <-answered
	assert.True(t, strings.HasPrefix(got, "200 "), "the request in flight is answered: %s", got)
	assert.Contains(t, got, `"duplicate_of":"first"`)
	<-stopped
	assert.Equal(t, exitClean, code, stderr)
	assert.Contains(t, stderr, "shutting down")
	assert.Contains(t, stderr, "newsdedup: stopped")

	st, err := boltstore.Open(index, &boltstore.Options{ReadOnly: true, Timeout: time.Second})
	require.NoError(t, err, "the index was closed")
	defer st.Close()
	stats, err := st.Stats(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 2, stats.Entries, "both requests were decided: %+v", stats)
	assert.Equal(t, 1, stats.Admitted)
}
