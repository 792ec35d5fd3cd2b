package neardup

import (
	"fmt"
	"testing"

	"github.com/newsdedup/newsdedup/dedup/internal/minhash"
	"github.com/stretchr/testify/assert"
)

// TestHitMessage checks hitMessage against the fmt verbs it stands for,
// roundings at the halves included.
func TestHitMessage(t *testing.T) {
	for _, s := range []minhash.Score{{}, {Score: 1, Jaccard: 1, Containment: 1}, {Score: 0.8349, Jaccard: 0.7251, Containment: 0.995}, {Score: 0.125, Jaccard: 0.375, Containment: 0.625}} {
		want := fmt.Sprintf("near-duplicate of %s (similarity %.2f: Jaccard %.2f, containment %.2f)", "a/b#1", s.Score, s.Jaccard, s.Containment)
		assert.Equal(t, want, hitMessage("a/b#1", s))
	}
}
