package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/internal/ci"
)

func runIndexCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb strings.Builder
	code := runIndex(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// makeIndex writes an index file holding a story, a copy of it and
// another story.
func makeIndex(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "crawl.idx")
	st, err := openStore(context.Background(), path, false)
	require.NoError(t, err)
	ix, err := dedup.OpenIndex(st, nil)
	require.NoError(t, err)
	story := []dedup.Paragraph{
		{Text: "The city council voted on Tuesday to close the old harbour bridge for repairs lasting two years."},
		{Text: "Traffic will be diverted through the northern ring road, officials said, adding that ferries would run every hour."},
	}
	other := []dedup.Paragraph{{Text: "A rare white kangaroo was spotted near the village school, delighting children and teachers alike this week."}}
	for _, d := range []*dedup.Document{{ID: "a", Paragraphs: story}, {ID: "a-copy", Paragraphs: story}, {ID: "b", Paragraphs: other}} {
		_, err := ix.CheckAndAdd(context.Background(), d)
		require.NoError(t, err)
	}
	require.NoError(t, st.Close())
	return path
}

func TestIndexCommand(t *testing.T) {
	path := makeIndex(t)
	missing := filepath.Join(t.TempDir(), "none.idx")
	cases := []struct {
		reason string
		args   []string
		code   int
		stdout []string // substrings
		stderr []string
	}{
		{"no subcommand is a usage error", nil, exitError, nil, []string{"missing subcommand", "Usage:"}},
		{"--help prints the usage", []string{"--help"}, exitClean, []string{"newsdedup index stats", "Examples:"}, nil},
		{"an unknown subcommand", []string{"list", path}, exitError, nil, []string{`unknown subcommand "list"`}},
		{"stats needs a path", []string{"stats"}, exitError, nil, []string{"want one PATH or URL"}},
		{"stats of a missing file does not create one", []string{"stats", missing}, exitError, nil, []string{"no index there"}},
		{"a bad format", []string{"stats", "--format", "xml", path}, exitError, nil, []string{"--format"}},
		{"an unknown flag", []string{"stats", "--frobnicate", path}, exitError, nil, []string{"unknown flag"}},
		{"stats counts the articles", []string{"stats", path}, exitClean,
			[]string{"articles:   3", "admitted:   2", "duplicates: 1", "pending:    0"}, nil},
		{"remove needs an id", []string{"remove", path}, exitError, nil, []string{"at least one ID"}},
		{"remove of a missing id exits 1", []string{"remove", path, "zzz"}, exitFlagged, nil, []string{"zzz: not in the index"}},
		{"remove deletes", []string{"remove", path, "a-copy"}, exitClean, []string{"removed a-copy"}, nil},
		{"stats after remove", []string{"stats", path}, exitClean, []string{"articles:   2", "duplicates: 0"}, nil},
		{"remove from a missing file", []string{"remove", missing, "a"}, exitError, nil, []string{"no index there"}},
	}
	for _, c := range cases {
		code, out, errOut := runIndexCmd(t, c.args...)
		assert.Equal(t, c.code, code, "%s: stderr %s", c.reason, errOut)
		for _, s := range c.stdout {
			assert.Contains(t, out, s, c.reason)
		}
		for _, s := range c.stderr {
			assert.Contains(t, errOut, s, c.reason)
		}
	}
	_, err := os.Stat(missing)
	assert.ErrorIs(t, err, os.ErrNotExist, "no command created the missing index")
}

func TestIndexStatsJSON(t *testing.T) {
	path := makeIndex(t)
	code, out, errOut := runIndexCmd(t, "stats", "--format", "json", path)
	require.Equal(t, exitClean, code, errOut)
	var got indexStats
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, indexStats{Index: path, Entries: 3, Admitted: 2, Duplicates: 1, Pending: 0, BandKeys: got.BandKeys,
		ExpiredLeases: []leaseInfo{}}, got)
}

func TestRedactURL(t *testing.T) {
	cases := []struct {
		reason, in, want string
	}{
		{"a file path is kept", "/var/idx/crawl.idx", "/var/idx/crawl.idx"},
		{"a URL without password is kept", "redis://localhost:6379/0", "redis://localhost:6379/0"},
		{"a password is hidden", "rediss://:secret@cache:6380/2?prefix=c", "rediss://:xxxxx@cache:6380/2?prefix=c"},
		{"user and password", "redis://bob:secret@cache/0", "redis://bob:xxxxx@cache/0"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, redactURL(c.in), c.reason)
		assert.NotContains(t, redactURL(c.in), "secret", c.reason)
	}
}

// TestIndexCommandRedis runs stats and remove against Redis when
// NEWSDEDUP_REDIS_URL is set (CI sets it).
func TestIndexCommandRedis(t *testing.T) {
	u := os.Getenv("NEWSDEDUP_REDIS_URL")
	if u == "" {
		ci.Missing(t, "NEWSDEDUP_REDIS_URL is not set", "run the tests under bash .ci/redis.sh, or set NEWSDEDUP_REDIS_URL=redis://127.0.0.1:PORT/0")
		return
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	spec := u + sep + "prefix=" + strings.ReplaceAll(t.Name(), "/", "_") + "-" + strings.ReplaceAll(filepath.Base(t.TempDir()), "/", "")
	ctx := context.Background()
	st, err := openStore(ctx, spec, false)
	require.NoError(t, err)
	ix, err := dedup.OpenIndex(st, nil)
	require.NoError(t, err)
	doc := &dedup.Document{ID: "r1", Paragraphs: []dedup.Paragraph{{Text: "Some words of a story that the index will hold for this test."}}}
	_, err = ix.CheckAndAdd(ctx, doc)
	require.NoError(t, err)
	require.NoError(t, st.Close())

	code, out, errOut := runIndexCmd(t, "stats", spec)
	require.Equal(t, exitClean, code, errOut)
	assert.Contains(t, out, "articles:   1")
	code, _, errOut = runIndexCmd(t, "remove", spec, "r1")
	assert.Equal(t, exitClean, code, errOut)
	code, _, _ = runIndexCmd(t, "remove", spec, "r1")
	assert.Equal(t, exitFlagged, code)
}
