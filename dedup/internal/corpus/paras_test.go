package corpus

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestParaIndexMatchesLists checks the index against the plain map of
// lists it replaces, on seeded random paragraphs of bodies in order, some
// of them twice in one body.
func TestParaIndexMatchesLists(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	idx := newParaIndex()
	want := map[uint64][]int32{}
	for body := range int32(300) {
		for range rng.IntN(12) {
			k := 1 + rng.Uint64N(400) // keys recur across bodies and within one
			l := want[k]
			fresh := len(l) == 0 || l[len(l)-1] != body
			if fresh {
				want[k] = append(l, body)
			}
			assert.Equal(t, fresh, idx.add(k, body), "body %d key %d: filed once", body, k)
		}
	}
	for k := range uint64(402) {
		assert.Equal(t, want[k], idx.get(k), "key %d", k)
	}
}
