package neardup

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

// randomSet returns n random 32-bit values, sorted and distinct, and a
// second set sharing about share of them.
func randomSets(rng *rand.Rand, n int, share float64) (a, b []uint32) {
	for range n {
		x := rng.Uint32()
		a = append(a, x)
		if rng.Float64() < share {
			b = append(b, x)
		} else {
			b = append(b, rng.Uint32())
		}
	}
	sortSet := func(s []uint32) []uint32 { slices.Sort(s); return slices.Compact(s) }
	return sortSet(a), sortSet(b)
}

// slowIntersection counts the common values with a map.
func slowIntersection(a, b []uint32) int {
	in := map[uint32]bool{}
	for _, x := range a {
		in[x] = true
	}
	n := 0
	for _, y := range b {
		if in[y] {
			n++
		}
	}
	return n
}

func TestExactScore(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		n     int
		share float64
	}{{0, 0}, {1, 1}, {1, 0}, {10, 0.5}, {500, 0.9}, {500, 0.1}, {3000, 0.7}} {
		a, b := randomSets(rng, c.n, c.share)
		inter := slowIntersection(a, b)
		union := len(a) + len(b) - inter
		got := exactScore(a, b)
		if union == 0 {
			assert.Zero(t, got.Jaccard, "empty sets")
			continue
		}
		assert.InDelta(t, float64(inter)/float64(union), got.Jaccard, 1e-12, "n=%d share=%v", c.n, c.share)
		// The merge is symmetric.
		assert.Equal(t, got.Jaccard, exactScore(b, a).Jaccard)
	}
	// Heavily unbalanced sizes, values at the ends of the range.
	a := []uint32{0, 1, 5, 1<<32 - 1}
	b := []uint32{1<<32 - 1}
	assert.InDelta(t, 0.25, exactScore(a, b).Jaccard, 1e-12)
	assert.InDelta(t, 0.25, exactScore(b, a).Jaccard, 1e-12)
}

// BenchmarkExactScore merges two sets of 700 shingles sharing 80% (a
// lightly edited copy); ns/op is one verification.
func BenchmarkExactScore(b *testing.B) {
	x, y := randomSets(rand.New(rand.NewPCG(5, 6)), 700, 0.8)
	for b.Loop() {
		exactScore(x, y)
	}
}
