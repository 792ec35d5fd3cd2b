package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/read"
)

// TestLibraryMatchesCLI runs the library pipeline as a crawler would and
// the command on the same inputs: the JSONL the command prints is, byte
// for byte, the pipeline's articles in the README's schema, encoded by
// encoding/json.
func TestLibraryMatchesCLI(t *testing.T) {
	for _, tc := range []struct {
		name  string
		paths []string
		opts  func(*dedup.Options)
		args  []string
	}{
		{"splice sample, corpus", []string{"../../testdata/splice/sample.jsonl"}, nil, nil},
		{"near-duplicate sample and the seed", []string{"../../testdata/neardup/sample.jsonl", seed}, nil, nil},
		{"alone, two workers", []string{"../../testdata/mismatch/sample.jsonl"},
			func(o *dedup.Options) { o.Corpus, o.Workers = false, 2 }, []string{"--no-corpus", "-j", "2"}},
		{"residue only", []string{"../../testdata/residue/sample.jsonl"},
			func(o *dedup.Options) { o.Only = []dedup.Kind{dedup.KindResidue} }, []string{"--only", "residue"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := dedup.DefaultOptions()
			if tc.opts != nil {
				tc.opts(&o)
			}
			p, err := dedup.NewPipeline(&o)
			require.NoError(t, err)
			ctx := context.Background()
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			for a, err := range p.Run(ctx, read.Paths(ctx, tc.paths, nil, read.Options{})) {
				require.NoError(t, err)
				require.NoError(t, enc.Encode(newRecord(a.Document, a.Findings, a.Kept)))
			}
			args := append([]string{"scan", "--format", "jsonl"}, tc.args...)
			code, got, stderr := runCmd(t, "", append(args, tc.paths...)...)
			require.Contains(t, []int{exitClean, exitFlagged}, code, stderr)
			assert.Equal(t, want.String(), got)
		})
	}
}
