package neardup

import "github.com/newsdedup/newsdedup/dedup/internal/minhash"

// This file holds the comparison of exact shingle sets: sorted, distinct
// 32-bit values (see prepare).

// exactScore is minhash.Similarity computed exactly from two sorted
// shingle sets. The merge advances without a branch on the comparison,
// which a CPU cannot predict when the sets interleave.
func exactScore(a, b []uint32) minhash.Score {
	inter := 0
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		x, y := a[i], b[j]
		if x == y {
			inter++
		}
		if x <= y {
			i++
		}
		if y <= x {
			j++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return minhash.Score{}
	}
	return minhash.ScoreOf(float64(inter)/float64(union), len(a), len(b))
}
