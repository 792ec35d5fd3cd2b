package repeat

import (
	"path/filepath"
	"testing"

	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/stretchr/testify/assert"
)

// TestScratchConcurrent runs both detectors on several goroutines over
// the sample, so that pooled scratches pass from call to call across
// goroutines, and checks that each gets what a lone call gets.
func TestScratchConcurrent(t *testing.T) {
	docs, _ := loadSample(t, filepath.Join(testdata, "headline", "sample.jsonl"))
	want := make([][]model.Hit, len(docs))
	for i, d := range docs {
		want[i] = append(Headline(d, nil), Paragraphs(d)...)
	}
	done := make(chan [][]model.Hit)
	for g := 0; g < 4; g++ {
		go func() {
			got := make([][]model.Hit, len(docs))
			for i, d := range docs {
				got[i] = append(Headline(d, nil), Paragraphs(d)...)
			}
			done <- got
		}()
	}
	for g := 0; g < 4; g++ {
		assert.Equal(t, want, <-done, "pooled scratch space must not leak between calls")
	}
}
