package dedup

// This file holds locality-sensitive hashing over signatures: the banding
// of a signature into b bands of r rows, the choice of b and r for a
// similarity threshold, and the band keys stores file articles under.
//
// Two sets of Jaccard similarity s share at least one band key with
// probability P(s) = 1 - (1 - s^r)^b, an S-shaped curve. For a threshold t
// the false positives are the area under P over [0, t] and the false
// negatives the area above it over [t, 1]; OptimalLSH picks, among all b, r
// with b·r ≤ k, the pair minimising
//
//	wFP·∫₀ᵗ P(s) ds + wFN·∫ₜ¹ (1 - P(s)) ds
//
// (the method of datasketch's MinHashLSH). The integrals are computed with
// composite Simpson's rule over 256 intervals.
//
// Band key of band i (0-based), persisted by stores, fixed forever for
// SignatureVersion 1:
//
//	XXH64(LE16(i) || LE16(fp[i·r]) || ... || LE16(fp[i·r + r-1]), seed 0)
//
// where fp are the signature's 16-bit fingerprints. Keys come from
// fingerprints rather than full minima so that any stored signature gives
// back its band keys.

import (
	"encoding/binary"
	"fmt"
	"math"
	"sync"

	"github.com/cespare/xxhash/v2"
)

// Default weights of false positives and false negatives in OptimalLSH.
const (
	DefaultFalsePositiveWeight = 0.5
	DefaultFalseNegativeWeight = 0.5
)

const simpsonIntervals = 256

// LSHParams is a banding of signatures: Bands bands of Rows fingerprints
// each, taken from the start of the signature (Bands·Rows ≤ k).
type LSHParams struct {
	Bands, Rows int
}

// String formats the banding as "b×r".
func (p LSHParams) String() string { return fmt.Sprintf("%d×%d", p.Bands, p.Rows) }

// Probability returns the chance 1-(1-s^r)^b that two sets of Jaccard
// similarity s share a band key.
func (p LSHParams) Probability(s float64) float64 {
	return 1 - ipow(1-ipow(s, p.Rows), p.Bands)
}

// ipow returns x^n for n >= 0 by squaring.
func ipow(x float64, n int) float64 {
	r := 1.0
	for ; n > 0; n >>= 1 {
		if n&1 == 1 {
			r *= x
		}
		x *= x
	}
	return r
}

// FalsePositiveArea returns ∫₀ᵗ P(s) ds.
func (p LSHParams) FalsePositiveArea(t float64) float64 {
	return simpson(p.Probability, 0, t)
}

// FalseNegativeArea returns ∫ₜ¹ (1 - P(s)) ds.
func (p LSHParams) FalseNegativeArea(t float64) float64 {
	return simpson(func(s float64) float64 { return 1 - p.Probability(s) }, t, 1)
}

func simpson(f func(float64) float64, a, b float64) float64 {
	if b <= a {
		return 0
	}
	h := (b - a) / simpsonIntervals
	sum := f(a) + f(b)
	for i := 1; i < simpsonIntervals; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		sum += w * f(a+float64(i)*h)
	}
	return sum * h / 3
}

// OptimalLSH returns the banding of k-hash signatures that minimises the
// weighted false positive and false negative areas for the Jaccard
// threshold t (see the file comment). Weights must not both be 0; ties go to
// fewer bands. It returns an error for t outside (0, 1), k < 1 or negative
// weights.
func OptimalLSH(t float64, k int, fpWeight, fnWeight float64) (LSHParams, error) {
	key := lshKey{t, k, fpWeight, fnWeight}
	if p, ok := lshCache.Load(key); ok {
		return p.(LSHParams), nil
	}
	p, err := optimalLSH(t, k, fpWeight, fnWeight)
	if err == nil {
		lshCache.Store(key, p)
	}
	return p, err
}

type lshKey struct {
	t        float64
	k        int
	wFP, wFN float64
}

// lshCache remembers OptimalLSH results: every Index computes one.
var lshCache sync.Map

func optimalLSH(t float64, k int, fpWeight, fnWeight float64) (LSHParams, error) {
	if !(t > 0 && t < 1) {
		return LSHParams{}, fmt.Errorf("dedup: LSH threshold %v out of range (0, 1)", t)
	}
	if k < 1 {
		return LSHParams{}, fmt.Errorf("dedup: LSH needs k >= 1, got %d", k)
	}
	if fpWeight < 0 || fnWeight < 0 || fpWeight+fnWeight == 0 || math.IsNaN(fpWeight+fnWeight) {
		return LSHParams{}, fmt.Errorf("dedup: LSH weights %v, %v must be >= 0 and not both 0", fpWeight, fnWeight)
	}
	best, bestErr := LSHParams{1, k}, math.Inf(1)
	for b := 1; b <= k; b++ {
		for r := 1; r <= k/b; r++ {
			p := LSHParams{b, r}
			e := fpWeight*p.FalsePositiveArea(t) + fnWeight*p.FalseNegativeArea(t)
			if e < bestErr {
				best, bestErr = p, e
			}
		}
	}
	return best, nil
}

// AppendBandKeys appends the Bands band keys of sig to dst and returns the
// extended slice. An empty signature has no band keys, so it is never a
// candidate of anything. It returns dst unchanged when the signature has
// fewer than Bands·Rows fingerprints.
func (p LSHParams) AppendBandKeys(dst []uint64, sig Signature) []uint64 {
	if sig.Empty() || p.Bands < 1 || p.Rows < 1 || p.Bands*p.Rows > len(sig.fp) {
		return dst
	}
	var buf [2 + 2*MaxNumHashes]byte
	for i := 0; i < p.Bands; i++ {
		binary.LittleEndian.PutUint16(buf[:], uint16(i))
		for j, v := range sig.fp[i*p.Rows : (i+1)*p.Rows] {
			binary.LittleEndian.PutUint16(buf[2+2*j:], v)
		}
		dst = append(dst, xxhash.Sum64(buf[:2+2*p.Rows]))
	}
	return dst
}
