package corpus

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup/internal/residue"
	"github.com/newsdedup/newsdedup/dedup/internal/testsample"
)

// TestBuilderParts checks that a corpus counting some parts has each of
// them as the full corpus has it, and the others empty.
func TestBuilderParts(t *testing.T) {
	docs := testsample.Load(t, "mismatch/sample.jsonl", "splice/sample.jsonl", "residue/sample.jsonl")
	build := func(parts Parts, workers int) *Corpus {
		b := NewBuilder()
		b.Parts, b.Workers = parts, workers
		for _, d := range docs {
			b.Add(d)
		}
		if b.NeedContent() {
			for i, d := range docs {
				b.AddContent(i, d)
			}
		}
		return b.Corpus()
	}
	full := build(AllParts, 1)
	require.True(t, full.Shared(), "the sample shares paragraphs")
	for _, parts := range []Parts{Lines, Terms, Expansions, Paragraphs, Lines | Expansions, Lines | Paragraphs} {
		for _, workers := range []int{1, 2} {
			t.Run(fmt.Sprintf("parts%04b_workers%d", parts, workers), func(t *testing.T) {
				c := build(parts, workers)
				assert.Equal(t, full.docBody, c.docBody, "bodies are always numbered")
				assert.Equal(t, full.uses, c.uses)
				if parts&Lines != 0 {
					assert.Equal(t, full.lines, c.lines, "line counts")
				} else {
					assert.Equal(t, residue.NewStats(), c.lines, "no line counted")
				}
				if parts&(Terms|Expansions|Paragraphs) != 0 {
					assert.Equal(t, full.vocab, c.vocab, "document frequencies")
				} else {
					assert.Equal(t, full.vocab.Docs(), c.vocab.Docs(), "bodies counted, not their terms")
				}
				for b := range full.uses {
					want, _, _ := full.Expansion(int32(b), nil, nil)
					got, _, _ := c.Expansion(int32(b), nil, nil)
					if parts&Expansions == 0 {
						want = want[:0]
					}
					assert.Equal(t, len(want), len(got), "body %d: expansion", b)
				}
				assert.Equal(t, parts&Paragraphs != 0, c.Shared(), "shared paragraphs")
				if parts&Paragraphs != 0 {
					assert.Equal(t, full.paras, c.paras)
					assert.Equal(t, full.keys, c.keys)
					assert.Equal(t, full.content, c.content)
				}
			})
		}
	}
}

// BenchmarkBuilder counts the splice and mismatch samples into a corpus,
// content and neighbours included, on one goroutine; MB/s is per byte of
// body text.
func BenchmarkBuilder(b *testing.B) {
	docs := testsample.Load(b, "mismatch/sample.jsonl", "splice/sample.jsonl")
	b.SetBytes(int64(testsample.BodyBytes(docs)))
	b.ReportAllocs()
	for b.Loop() {
		bl := NewBuilder()
		for _, d := range docs {
			bl.Add(d)
		}
		if bl.NeedContent() {
			for i, d := range docs {
				bl.AddContent(i, d)
			}
		}
		bl.Corpus()
	}
}
