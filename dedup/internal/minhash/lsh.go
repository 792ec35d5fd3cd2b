package minhash

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
// (the method of datasketch's MinHashLSH), with b at most a given number of
// bands: every band costs a store one entry per article. The integrals are
// computed with composite Simpson's rule over 256 intervals.
//
// Band key of band i (0-based), persisted by stores, the same in
// Versions 1 and 2 (over other minima):
//
//	XXH64(LE16(i) || LE64(min[i·r]) || ... || LE64(min[i·r + r-1]), seed 0)
//
// where min are the signature's full 64-bit MinHash minima. Keys come from
// the minima, not the 8-bit fingerprints, so that two articles share a band
// only when r minima agree, not by a fingerprint collision; only fresh
// signatures (from a Signer) have band keys.

import (
	"encoding/binary"
	"fmt"
	"math"
	"sync"

	"github.com/cespare/xxhash/v2"
)

// Defaults of LSHDefaults.
const (
	// DefaultThreshold is the similarity (see Similarity) at or above
	// which two articles are near-duplicates.
	DefaultThreshold = 0.6
	// DefaultMaxBands caps the LSH bands: with 8-bit fingerprints it
	// keeps the memory store under 400 bytes per article at k = 128.
	DefaultMaxBands = 20
	// DefaultFalsePositiveWeight and DefaultFalseNegativeWeight weigh
	// false positives and false negatives in OptimalLSH.
	DefaultFalsePositiveWeight = 0.5
	DefaultFalseNegativeWeight = 0.5
)

const simpsonIntervals = 256

// LSHParams is a banding of signatures: Bands bands of Rows minima each,
// taken from the start of the signature (Bands·Rows ≤ k).
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

// OptimalLSH returns the banding of k-hash signatures, with at most
// maxBands bands (maxBands < 1 means k), that minimises the weighted false
// positive and false negative areas for the Jaccard threshold t (see the
// file comment). Weights must not both be 0; ties go to fewer bands. It
// returns an error for t outside (0, 1), k < 1 or negative weights.
func OptimalLSH(t float64, k, maxBands int, fpWeight, fnWeight float64) (LSHParams, error) {
	if !(t > 0 && t < 1) {
		return LSHParams{}, fmt.Errorf("dedup: LSH threshold %v out of range (0, 1)", t)
	}
	if k < 1 {
		return LSHParams{}, fmt.Errorf("dedup: LSH needs k >= 1, got %d", k)
	}
	if fpWeight < 0 || fnWeight < 0 || fpWeight+fnWeight == 0 || math.IsNaN(fpWeight+fnWeight) || math.IsInf(fpWeight+fnWeight, 0) {
		return LSHParams{}, fmt.Errorf("dedup: LSH weights %v, %v must be finite, >= 0 and not both 0", fpWeight, fnWeight)
	}
	if maxBands < 1 || maxBands > k {
		maxBands = k
	}
	key := lshKey{t, k, maxBands, fpWeight, fnWeight}
	if p, ok := lshCache.Load(key); ok {
		return p.(LSHParams), nil
	}
	best, bestErr := LSHParams{1, k}, math.Inf(1)
	for b := 1; b <= maxBands; b++ {
		for r := 1; r <= k/b; r++ {
			p := LSHParams{b, r}
			e := fpWeight*p.FalsePositiveArea(t) + fnWeight*p.FalseNegativeArea(t)
			if e < bestErr {
				best, bestErr = p, e
			}
		}
	}
	lshCache.Store(key, best)
	return best, nil
}

type lshKey struct {
	t           float64
	k, maxBands int
	wFP, wFN    float64
}

// lshCache remembers OptimalLSH results: every index and in-run finder
// asks.
var lshCache sync.Map

// AppendBandKeys appends the Bands band keys of sig to dst and returns the
// extended slice. An empty signature has no band keys, so it is never a
// candidate of anything; neither has a decoded one (see Signature.Fresh),
// nor one with fewer than Bands·Rows hashes: for those it returns dst
// unchanged.
func (p LSHParams) AppendBandKeys(dst []uint64, sig Signature) []uint64 {
	if sig.Empty() || p.Bands < 1 || p.Rows < 1 || p.Bands*p.Rows > len(sig.mins) {
		return dst
	}
	var small [2 + 8*8]byte
	buf := small[:]
	if p.Rows > 8 {
		buf = make([]byte, 2+8*p.Rows)
	}
	for i := 0; i < p.Bands; i++ {
		binary.LittleEndian.PutUint16(buf[:], uint16(i))
		for j, v := range sig.mins[i*p.Rows : (i+1)*p.Rows] {
			binary.LittleEndian.PutUint64(buf[2+8*j:], v)
		}
		dst = append(dst, xxhash.Sum64(buf[:2+8*p.Rows]))
	}
	return dst
}

// CandidateJaccard returns the Jaccard similarity the banding is tuned
// for by default at a similarity threshold t: containment lets articles of
// lower Jaccard reach t (an excerpt, a copy wrapped in other text), so the
// banding aims lower, at ContainmentMinJaccard when that is below t.
func CandidateJaccard(t float64) float64 {
	return min(t, ContainmentMinJaccard)
}

// LSHDefaults fills the zero settings that the index and the in-run
// finder share (the similarity threshold, the Jaccard the banding is tuned
// for, the band cap and the error weights) with their defaults, checks the
// threshold and returns the banding for k hash values. Zero means
// DefaultThreshold, CandidateJaccard(threshold), DefaultMaxBands, and (both
// weights 0) the default weights.
func LSHDefaults(threshold, lshThreshold *float64, maxBands *int, wFP, wFN *float64, k int) (LSHParams, error) {
	if *threshold == 0 {
		*threshold = DefaultThreshold
	}
	if !(*threshold > 0 && *threshold <= 1) {
		return LSHParams{}, fmt.Errorf("dedup: threshold %v out of range (0, 1]", *threshold)
	}
	if *lshThreshold == 0 {
		*lshThreshold = CandidateJaccard(*threshold)
	}
	if *lshThreshold >= 1 {
		*lshThreshold = 0.99
	}
	if *maxBands == 0 {
		*maxBands = DefaultMaxBands
	}
	if *wFP == 0 && *wFN == 0 {
		*wFP, *wFN = DefaultFalsePositiveWeight, DefaultFalseNegativeWeight
	}
	return OptimalLSH(*lshThreshold, k, *maxBands, *wFP, *wFN)
}
