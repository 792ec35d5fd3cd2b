package repeat

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"
)

// naiveEditDistance is the textbook Levenshtein distance, the oracle for
// editDistanceWithin.
func naiveEditDistance(a, b []byte) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j-1]+c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func TestEditDistanceWithin(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var row []int
	for n := 0; n < 3000; n++ {
		a := make([]byte, rng.Intn(12))
		for i := range a {
			a[i] = "abc"[rng.Intn(3)]
		}
		// b is a copy of a with a few random edits, or random.
		b := append([]byte(nil), a...)
		for e := rng.Intn(4); e > 0; e-- {
			switch i := rng.Intn(len(b) + 1); rng.Intn(3) {
			case 0:
				b = append(b[:i], append([]byte{"abc"[rng.Intn(3)]}, b[i:]...)...)
			case 1:
				if i < len(b) {
					b = append(b[:i], b[i+1:]...)
				}
			default:
				if i < len(b) {
					b[i] = "abc"[rng.Intn(3)]
				}
			}
		}
		k := rng.Intn(5)
		var got int
		got, row = editDistanceWithin(a, b, k, row)
		assert.Equal(t, min(naiveEditDistance(a, b), k+1), got, "a=%q b=%q k=%d", a, b, k)
	}
}
