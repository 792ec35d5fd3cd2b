package minhash

// This file holds the Signature: how two signatures estimate Jaccard
// similarity and containment, and the binary encoding stores keep. How a
// signature is made is in signer.go.
//
// # Estimates
//
// Two fingerprints agree when the minima agree (probability J, the Jaccard
// similarity) or, otherwise, by chance (2^-8), so with m the share of
// agreeing positions the unbiased estimate is
//
//	J ≈ (m - 2^-8) / (1 - 2^-8), clamped to [0, 1].
//
// Its standard deviation is about sqrt(J(1-J)/k): 0.044 at J = 0.5, k = 128.
//
// Each signature also records its set size |A|, so the containment of A in B,
// |A∩B|/|A|, follows from J: |A∩B| = J(|A|+|B|)/(1+J).
//
// # Encoding (versions 1 and 2)
//
//	byte 0     Version (2; 1 was signed with k permutations, see signer.go)
//	byte 1     shingle.FormatVersion of the shingle hashes
//	byte 2     shingle size n (words)
//	byte 3     reserved, 0
//	bytes 4-5  k, the number of hash functions, uint16 little-endian
//	bytes 6-9  |A|, the number of distinct shingles, uint32 little-endian
//	then       k fingerprints, one byte each, only when |A| > 0
//
// An empty signature (|A| = 0) is 10 bytes; a full one 10 + k.

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"

	"github.com/newsdedup/newsdedup/shingle"
)

// Version is the version byte of the signature encoding and of the hash
// definitions of signer.go and lsh.go. Version 1 signatures (k
// permutations) estimate the same similarity but by other minima, so the
// two are never compared: a version 1 signature is refused.
const Version = 2

// fpChance is the probability that the fingerprints of two different
// minima agree.
const fpChance = 1.0 / 256

const headerLen = 10

// Signature is the MinHash sketch of an article's shingle set. The zero
// value is an empty signature. A Signature is immutable once made and
// safe for concurrent use.
type Signature struct {
	n    uint8    // shingle size
	k    uint16   // number of hash functions
	size uint32   // distinct shingles |A|
	fp   []uint8  // k fingerprints; nil when size == 0
	mins []uint64 // k full minima, only in fresh signatures (for band keys)
}

// Empty reports whether the article had no shingle at all (no words). An
// empty signature is similar to nothing, not even another empty one.
func (s Signature) Empty() bool { return s.size == 0 }

// Size returns |A|, the number of distinct shingles of the article.
func (s Signature) Size() int { return int(s.size) }

// NumHashes returns k.
func (s Signature) NumHashes() int { return int(s.k) }

// ShingleSize returns the number of words per shingle.
func (s Signature) ShingleSize() int { return int(s.n) }

// Fingerprints returns a copy of the k 8-bit fingerprints (nil when
// empty).
func (s Signature) Fingerprints() []uint8 { return slices.Clone(s.fp) }

// Fresh reports whether the signature comes from a Signer and still holds
// the full minima that LSH band keys are made of; a decoded signature does
// not (and has no band keys).
func (s Signature) Fresh() bool { return s.mins != nil }

// Compact returns the signature without the full minima: what
// MarshalBinary keeps, in a tenth of the memory.
func (s Signature) Compact() Signature {
	s.mins = nil
	return s
}

// Compatible reports whether s and t were made with the same k and shingle
// size, so that comparing them means something.
func (s Signature) Compatible(t Signature) bool { return s.k == t.k && s.n == t.n }

// Jaccard estimates the Jaccard similarity |A∩B|/|A∪B| of the two shingle
// sets, corrected for fingerprint collisions. It is 0 when either
// signature is empty or they are not Compatible.
func (s Signature) Jaccard(t Signature) float64 {
	if s.size == 0 || t.size == 0 || !s.Compatible(t) || len(s.fp) != len(t.fp) {
		return 0
	}
	return jaccardOf(s.fp, t.fp)
}

// jaccardOf estimates the Jaccard similarity from two fingerprint vectors
// of the same length.
func jaccardOf(a, b []uint8) float64 {
	m := float64(agree(a, b)) / float64(len(a))
	return clamp01((m - fpChance) / (1 - fpChance))
}

// agree counts the positions where a and b (of the same length) hold the
// same byte, eight at a time: a zero byte of x = a ^ b is one that
// agrees, and ((x&0x7f…) + 0x7f…) | x has its high bit clear exactly at
// zero bytes.
func agree(a, b []uint8) int {
	const lo7 = 0x7f7f7f7f7f7f7f7f
	n, i := 0, 0
	b = b[:len(a)]
	for ; i+8 <= len(a); i += 8 {
		x := binary.LittleEndian.Uint64(a[i:]) ^ binary.LittleEndian.Uint64(b[i:])
		n += bits.OnesCount64(^(((x & lo7) + lo7) | x | lo7))
	}
	for ; i < len(a); i++ {
		if a[i] == b[i] {
			n++
		}
	}
	return n
}

// AppendFingerprints appends the k fingerprints of s (none when empty)
// to dst: what a caller that keeps many signatures side by side stores,
// to compare with FingerprintSimilarity.
func (s Signature) AppendFingerprints(dst []uint8) []uint8 { return append(dst, s.fp...) }

// FingerprintSimilarity is Similarity of two signatures given as their
// fingerprints (from AppendFingerprints, of signatures of one k and
// shingle size) and set sizes: the same Score, bit for bit.
func FingerprintSimilarity(a, b []uint8, na, nb int) Score {
	if na == 0 || nb == 0 || len(a) != len(b) || len(a) == 0 {
		return Score{}
	}
	return ScoreOf(jaccardOf(a, b), na, nb)
}

// Containment estimates |A∩B|/|A|, the share of s's shingles that t also
// has, from the Jaccard estimate and the two set sizes. It is 0 when either
// signature is empty or they are not Compatible.
func (s Signature) Containment(t Signature) float64 {
	return containmentFrom(s.Jaccard(t), int(s.size), int(t.size))
}

// containmentFrom turns a Jaccard similarity of sets of sizes a and b into
// the containment of the first: |A∩B| = J(a+b)/(1+J).
func containmentFrom(j float64, a, b int) float64 {
	if a == 0 || b == 0 {
		return 0
	}
	return clamp01(j * float64(a+b) / ((1 + j) * float64(a)))
}

func clamp01(x float64) float64 {
	if x < 0 {
		return 0
	}
	if x > 1 {
		return 1
	}
	return x
}

// MarshalBinary encodes the signature (see the encoding in the file
// comment). It never fails.
func (s Signature) MarshalBinary() ([]byte, error) {
	return s.AppendBinary(make([]byte, 0, headerLen+len(s.fp)))
}

// AppendBinary appends the encoding of s to b.
func (s Signature) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, Version, shingle.FormatVersion, s.n, 0)
	b = binary.LittleEndian.AppendUint16(b, s.k)
	b = binary.LittleEndian.AppendUint32(b, s.size)
	return append(b, s.fp...), nil
}

// UnmarshalBinary decodes a signature written by MarshalBinary. It returns
// an error wrapping ErrBadSignature when b is not one.
func (s *Signature) UnmarshalBinary(b []byte) error {
	if len(b) < headerLen {
		return fmt.Errorf("%w: %d bytes, want at least %d", ErrBadSignature, len(b), headerLen)
	}
	if b[0] == 1 {
		return fmt.Errorf("%w: version 1 (signed with k permutations, not comparable with version %d's one permutation): the index was written by an older newsdedup; build a new one", ErrBadSignature, Version)
	}
	if b[0] != Version {
		return fmt.Errorf("%w: version %d, want %d", ErrBadSignature, b[0], Version)
	}
	if b[1] != shingle.FormatVersion {
		return fmt.Errorf("%w: shingle format %d, want %d", ErrBadSignature, b[1], shingle.FormatVersion)
	}
	n, k := b[2], binary.LittleEndian.Uint16(b[4:])
	size := binary.LittleEndian.Uint32(b[6:])
	if n == 0 || b[3] != 0 || k == 0 || k > MaxNumHashes {
		return fmt.Errorf("%w: shingle size %d, k %d", ErrBadSignature, n, k)
	}
	want := headerLen
	if size > 0 {
		want += int(k)
	}
	if len(b) != want {
		return fmt.Errorf("%w: %d bytes, want %d", ErrBadSignature, len(b), want)
	}
	var fp []uint8
	if size > 0 {
		fp = slices.Clone(b[headerLen:])
	}
	*s = Signature{n: n, k: k, size: size, fp: fp}
	return nil
}

// SignatureVersion returns the version byte of an encoded signature,
// and false if b is too short to be one of any version.
func SignatureVersion(b []byte) (byte, bool) {
	if len(b) < headerLen {
		return 0, false
	}
	return b[0], true
}

// Thresholds of Similarity.
const (
	// ContainmentMinJaccard is the Jaccard similarity two articles need
	// before the containment of one in the other counts: below it, a
	// short text inside a long one is a quotation, not a copy.
	ContainmentMinJaccard = 0.3
	// ContainmentMinShingles is the number of shingles the smaller
	// article needs before its containment counts.
	ContainmentMinShingles = 10
)

// Score is how similar two articles are.
type Score struct {
	// Score is the similarity compared with thresholds: the larger of
	// Jaccard and Containment, where Containment counts only when Jaccard
	// is at least ContainmentMinJaccard and the smaller article has at
	// least ContainmentMinShingles shingles.
	Score float64
	// Jaccard is |A∩B|/|A∪B|.
	Jaccard float64
	// Containment is |A∩B|/|A| for A the smaller article: how much of it
	// the other one holds (an excerpt in its original, a story in a page
	// that wraps it in other text).
	Containment float64
}

// Similarity estimates how similar the articles of two signatures are. It
// is symmetric. Empty or incompatible signatures have Score 0.
func Similarity(a, b Signature) Score {
	return ScoreOf(a.Jaccard(b), int(a.size), int(b.size))
}

// ScoreOf makes the Score of two sets of sizes na and nb from their
// Jaccard similarity j, estimated or exact: the one definition of the
// measure, for Similarity and for callers that compare the sets
// themselves.
func ScoreOf(j float64, na, nb int) Score {
	small, large := min(na, nb), max(na, nb)
	s := Score{Score: j, Jaccard: j, Containment: containmentFrom(j, small, large)}
	if j >= ContainmentMinJaccard && small >= ContainmentMinShingles {
		s.Score = max(j, s.Containment)
	}
	return s
}
