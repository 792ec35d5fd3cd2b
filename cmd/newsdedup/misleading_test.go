package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScanNothingToScan: a run that reads no article is an error that
// says why, never "0 of 0 articles flagged".
func TestScanNothingToScan(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(data), 0o644))
		return p
	}
	emptyDir := filepath.Join(dir, "empty")
	require.NoError(t, os.MkdirAll(emptyDir, 0o755))
	write("empty/notes.md", "not an article\n")
	emptyFile := write("empty.jsonl", "")
	bad := write("bad.jsonl", "{\"title\": \"no body\"}\n{\"title\": \"none\"}\n")
	missing := filepath.Join(dir, "missing.jsonl")
	tests := []struct {
		name, reason, stdin string
		args                []string
		want                []string // in stderr
	}{
		{name: "missing path", reason: "a missing path is said up front, and nothing is read",
			args: []string{missing, emptyFile}, want: []string{"newsdedup: scan: " + missing + ": no such file or directory\n"}},
		{name: "empty folder", reason: "a folder with nothing to read",
			args: []string{emptyDir}, want: []string{emptyDir + ": no file to read in the folder", "no article could be read"}},
		{name: "empty file", reason: "an empty file", args: []string{emptyFile}, want: []string{"no article in " + emptyFile + ": the files are empty"}},
		{name: "empty stdin", reason: "nothing piped in", args: []string{"-"}, want: []string{"no article: standard input is empty"}},
		{name: "all bad", reason: "every record bad; the hint says what to do",
			args: []string{bad}, want: []string{"no article could be read", "newsdedup: hint: 2 bad records (missing body): name the field (or CSV column) that holds the body with --body-field"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, format := range []string{"text", "jsonl"} {
				out := filepath.Join(t.TempDir(), "out."+format)
				code, stdout, stderr := runCmd(t, tt.stdin, append([]string{"scan", "--format", format, "-o", out}, tt.args...)...)
				assert.Equal(t, exitError, code, tt.reason)
				assert.Empty(t, stdout)
				assert.NotContains(t, stderr, "0 of 0")
				for _, w := range tt.want {
					assert.Contains(t, stderr, w, tt.reason)
				}
				_, err := os.Stat(out)
				assert.True(t, os.IsNotExist(err), "%s: no output is left in place", tt.reason)
			}
		})
	}
	t.Run("clean", func(t *testing.T) {
		code, _, stderr := runCleanCmd(t, "", "-o", filepath.Join(dir, "c.jsonl"), missing)
		assert.Equal(t, exitError, code)
		assert.Equal(t, "newsdedup: clean: "+missing+": no such file or directory\n", stderr)
		code, _, stderr = runCleanCmd(t, "", "-o", filepath.Join(dir, "c.jsonl"), emptyFile)
		assert.Equal(t, exitError, code)
		assert.Contains(t, stderr, "newsdedup: clean: nothing written: no article in "+emptyFile)
	})
	t.Run("unsupported compression hint", func(t *testing.T) {
		code, _, stderr := runCmd(t, "", "scan", filepath.Join(inputDir, "small.jsonl.xz"), seed)
		assert.Equal(t, exitError, code)
		assert.Contains(t, stderr, "unsupported compression (xz)")
		assert.Contains(t, stderr, "hint: 1 bad record (unsupported compression): newsdedup reads gzip, zstd and bzip2")
		assert.Equal(t, 1, strings.Count(stderr, "hint:"))
	})
}
