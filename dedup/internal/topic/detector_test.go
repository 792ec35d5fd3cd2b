package topic

import (
	"testing"

	"github.com/newsdedup/newsdedup/dedup/internal/corpus"
	"github.com/newsdedup/newsdedup/dedup/internal/terms"
	"github.com/newsdedup/newsdedup/dedup/internal/testsample"
)

// BenchmarkDetect runs headline_mismatch and off_topic over the splice and
// mismatch samples with their corpus: each body analysed (Body) and
// judged (Detect). MB/s is per byte of body text.
func BenchmarkDetect(b *testing.B) {
	docs := testsample.Load(b, "mismatch/sample.jsonl", "splice/sample.jsonl")
	bl := corpus.NewBuilder()
	for _, d := range docs {
		bl.Add(d)
	}
	if bl.NeedContent() {
		for i, d := range docs {
			bl.AddContent(i, d)
		}
	}
	det := New(Options{MismatchThreshold: 0.09, OffTopicMargin: 0.05, OffTopicFloor: 0.05, OffTopicSplit: 0.03, OffTopicCut: 0.15}, bl.Corpus())
	b.SetBytes(int64(testsample.BodyBytes(docs)))
	b.ReportAllocs()
	for b.Loop() {
		for i, d := range docs {
			det.Detect(nil, d, det.Body(d), i, nil)
		}
	}
}

// BenchmarkNewBody analyses the samples' bodies: their term vectors over
// each body's own vocabulary. MB/s is per byte of body text.
func BenchmarkNewBody(b *testing.B) {
	docs := testsample.Load(b, "mismatch/sample.jsonl", "splice/sample.jsonl")
	vocab := corpus.NewBuilder().Corpus().Vocab()
	var t terms.Termizer
	b.SetBytes(int64(testsample.BodyBytes(docs)))
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range docs {
			newBody(d, vocab, &t)
		}
	}
}
