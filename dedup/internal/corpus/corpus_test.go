package corpus

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/dedup/internal/residue"
	"github.com/newsdedup/newsdedup/dedup/internal/terms"
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

// TestSameStory checks that a lightly edited copy of a body, sharing
// fewer than half of its paragraphs whole, is taken for the same story
// (its content is not kept for off_topic), and that a body carrying a
// block of an unrelated one is still taken for a transplant.
func TestSameStory(t *testing.T) {
	var long []*model.Doc
	for _, d := range testsample.Load(t, "mismatch/sample.jsonl") {
		n := 0
		for _, p := range d.Paras {
			if terms.CountWords(p) >= MinSharedWords {
				n++
			}
		}
		if n >= 8 && n == len(d.Paras) && (len(long) == 0 || d.Paras[0] != long[0].Paras[0]) {
			long = append(long, d)
		}
	}
	require.GreaterOrEqual(t, len(long), 2, "two bodies of eight long paragraphs")
	story, other := long[0], long[1]
	// The copy changes one word in all but three paragraphs.
	edited := &model.Doc{ID: "edited", Title: story.Title, Paras: slices.Clone(story.Paras)}
	for i := 3; i < len(edited.Paras); i++ {
		edited.Paras[i] = "Meanwhile " + edited.Paras[i]
	}
	// The host carries two paragraphs of the story.
	host := &model.Doc{ID: "host", Title: other.Title, Paras: append(slices.Clone(other.Paras), story.Paras[:2]...)}
	for _, tc := range []struct {
		name      string
		docs      []*model.Doc
		sameStory bool
	}{
		{"edited copy", []*model.Doc{story, edited}, true},
		{"transplant", []*model.Doc{story, host}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBuilder()
			for _, d := range tc.docs {
				b.Add(d)
			}
			need := b.NeedContent()
			for i, d := range tc.docs {
				b.AddContent(i, d)
			}
			c := b.Corpus()
			shared := 0
			for _, k := range c.Keys(0) {
				if k != 0 && len(c.StandsIn(k)) == 2 {
					shared++
				}
			}
			require.False(t, Copy(shared, c.LongParas(0), c.LongParas(1)), "fewer than half shared: %d of %d", shared, c.LongParas(0))
			assert.Equal(t, tc.sameStory, c.SameStory(0, 1), "SameStory(0, 1)")
			assert.Equal(t, tc.sameStory, c.SameStory(1, 0), "SameStory(1, 0)")
			assert.Equal(t, !tc.sameStory, need, "NeedContent")
			assert.Equal(t, !tc.sameStory, c.Shared(), "Shared")
			assert.Equal(t, !tc.sameStory, c.Content(0) != nil, "content kept")
		})
	}
}
