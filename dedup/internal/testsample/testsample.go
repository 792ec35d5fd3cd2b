// Package testsample reads the JSONL samples under the repository's
// testdata as model.Docs, the way the detectors' tests need them, without
// the readers of package dedup (which imports the detectors). It is for
// tests only.
package testsample

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup/internal/model"
)

// Read returns the records {id, title, text} of the JSONL file at path,
// one per line, as Docs whose paragraphs are the non-blank lines of the
// text, trimmed.
func Read(path string) ([]*model.Doc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var docs []*model.Doc
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for n := 1; sc.Scan(); n++ {
		var r struct{ ID, Title, Text string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: invalid JSON: %w", path, n, err)
		}
		d := &model.Doc{ID: r.ID, Title: strings.TrimSpace(r.Title)}
		for line := range strings.Lines(r.Text) {
			if p := strings.TrimSpace(line); p != "" {
				d.Paras = append(d.Paras, p)
			}
		}
		docs = append(docs, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return docs, nil
}

// MustRead is Read that fails tb on an error or an empty file.
func MustRead(tb testing.TB, path string) []*model.Doc {
	tb.Helper()
	docs, err := Read(path)
	require.NoError(tb, err)
	require.NotEmpty(tb, docs, "%s holds no record", path)
	return docs
}

// BodyBytes returns the size of the bodies of docs: each paragraph and a
// line break, what benchmarks count per article.
func BodyBytes(docs []*model.Doc) int {
	n := 0
	for _, d := range docs {
		for _, p := range d.Paras {
			n += len(p) + 1
		}
	}
	return n
}

// Path returns the path of name under the repository's testdata folder,
// wherever the calling test runs.
func Path(name string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "testdata", name)
}

// Load reads the documents of the testdata files names (paths relative to
// testdata, e.g. "splice/sample.jsonl"), in order: JSONL samples as Read
// reads them, and plain-text articles whose first non-blank line is the
// headline and every further non-blank line, trimmed, a paragraph.
func Load(tb testing.TB, names ...string) []*model.Doc {
	tb.Helper()
	var docs []*model.Doc
	for _, name := range names {
		p := Path(name)
		if strings.HasSuffix(p, ".jsonl") {
			docs = append(docs, MustRead(tb, p)...)
			continue
		}
		b, err := os.ReadFile(p)
		require.NoError(tb, err)
		var lines []string
		for ln := range strings.Lines(string(b)) {
			if t := strings.TrimSpace(ln); t != "" {
				lines = append(lines, t)
			}
		}
		require.NotEmpty(tb, lines, "%s: no headline", p)
		docs = append(docs, &model.Doc{ID: p, Title: lines[0], Paras: lines[1:]})
	}
	return docs
}
