package dedup

// This file holds MinHash signatures: how an article becomes a Signature,
// how two signatures estimate Jaccard similarity and containment, and the
// binary encoding stores keep.
//
// # What is hashed
//
// The shingle set of an article is the set of word n-gram hashes
// (shingle.AppendWordShingles, n = SignatureOptions.ShingleSize) of each body
// paragraph on its own; shingles do not span paragraph breaks, so dropped,
// swapped or inserted paragraphs change only their own shingles. The
// headline is not hashed: copies of a story are often retitled, and
// headlines are the business of the headline detectors. A paragraph of
// fewer than n words gives one shorter shingle, so short articles still
// have a set; an article without a single word has the empty set.
//
// # The MinHash
//
// go-minhash's MinWise with k hash functions h_i(x) = h1(x) + i·h2(x)
// (mod 2^64), i = 0..k-1, where x is the 8-byte little-endian encoding of
// a shingle hash and
//
//	h1(x) = XXH64(x, seed 0)
//	h2(x) = XXH64(x, seed 0x9E3779B97F4A7C15)
//
// Each of the k minima is reduced to an 8-bit fingerprint,
//
//	fp(m) = uint8(mix64(m)), mix64 the splitmix64 finaliser
//	(x ^= x>>30; x *= 0xBF58476D1CE4E5B9; x ^= x>>27; x *= 0x94D049BB133111EB; x ^= x>>31)
//
// (mixed because a minimum's high bits are mostly zero). Eight bits are
// b-bit minwise hashing (Li and König) with the bias removed below; they cost
// almost nothing in precision (at J = 0.3 the standard deviation of the
// estimate grows from 0.0405 to 0.0406 at k = 128) and keep a signature at
// 10 + k bytes, which is what lets the memory store hold an article in
// under 400 bytes. These definitions are persisted with every signature and
// never change silently: any change comes with a new SignatureVersion.
//
// A signature fresh from a Signer also keeps the k full minima, in memory
// only, for LSH band keys (see lsh.go); a decoded signature has only the
// fingerprints, which is all that comparing needs.
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
// # Encoding (version 1)
//
//	byte 0     SignatureVersion (1)
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
	"errors"
	"fmt"
	"math/bits"
	"slices"

	"github.com/cespare/xxhash/v2"
	minhash "github.com/dgryski/go-minhash"

	"github.com/newsdedup/newsdedup/shingle"
)

// SignatureVersion is the version byte of the signature encoding and of
// the hash definitions above.
const SignatureVersion = 1

// DefaultNumHashes is the number of MinHash functions (k) when
// SignatureOptions.NumHashes is 0.
const DefaultNumHashes = 128

// DefaultShingleSize is the number of words per shingle when
// SignatureOptions.ShingleSize is 0.
const DefaultShingleSize = 4

// MaxNumHashes is the largest k a signature can have.
const MaxNumHashes = 1 << 12

// minhashSeed2 is the XXH64 seed of h2.
const minhashSeed2 = 0x9E3779B97F4A7C15

// fpChance is the probability that the fingerprints of two different
// minima agree.
const fpChance = 1.0 / 256

const sigHeaderLen = 10

// ErrBadSignature is returned when an encoded signature cannot be decoded:
// a wrong version byte, a wrong length or impossible parameters.
var ErrBadSignature = errors.New("dedup: bad signature encoding")

// SignatureOptions say how signatures are made. The zero value means the
// defaults.
type SignatureOptions struct {
	// NumHashes is k, the number of MinHash functions; 0 means
	// DefaultNumHashes. More hashes estimate more precisely and cost
	// proportionally more time and space. At most MaxNumHashes.
	NumHashes int
	// ShingleSize is the number of words per shingle; 0 means
	// DefaultShingleSize. At most 255.
	ShingleSize int
}

func (o SignatureOptions) withDefaults() SignatureOptions {
	if o.NumHashes == 0 {
		o.NumHashes = DefaultNumHashes
	}
	if o.ShingleSize == 0 {
		o.ShingleSize = DefaultShingleSize
	}
	return o
}

func (o SignatureOptions) validate() error {
	if o.NumHashes < 1 || o.NumHashes > MaxNumHashes {
		return fmt.Errorf("dedup: number of hashes %d out of range 1..%d", o.NumHashes, MaxNumHashes)
	}
	if o.ShingleSize < 1 || o.ShingleSize > 255 {
		return fmt.Errorf("dedup: shingle size %d out of range 1..255", o.ShingleSize)
	}
	return nil
}

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
	match := 0
	for i, v := range s.fp {
		if v == t.fp[i] {
			match++
		}
	}
	m := float64(match) / float64(len(s.fp))
	return clamp01((m - fpChance) / (1 - fpChance))
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
	return s.AppendBinary(make([]byte, 0, sigHeaderLen+len(s.fp)))
}

// AppendBinary appends the encoding of s to b.
func (s Signature) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, SignatureVersion, shingle.FormatVersion, s.n, 0)
	b = binary.LittleEndian.AppendUint16(b, s.k)
	b = binary.LittleEndian.AppendUint32(b, s.size)
	return append(b, s.fp...), nil
}

// UnmarshalBinary decodes a signature written by MarshalBinary. It returns
// an error wrapping ErrBadSignature when b is not one.
func (s *Signature) UnmarshalBinary(b []byte) error {
	if len(b) < sigHeaderLen {
		return fmt.Errorf("%w: %d bytes, want at least %d", ErrBadSignature, len(b), sigHeaderLen)
	}
	if b[0] != SignatureVersion {
		return fmt.Errorf("%w: version %d, want %d", ErrBadSignature, b[0], SignatureVersion)
	}
	if b[1] != shingle.FormatVersion {
		return fmt.Errorf("%w: shingle format %d, want %d", ErrBadSignature, b[1], shingle.FormatVersion)
	}
	n, k := b[2], binary.LittleEndian.Uint16(b[4:])
	size := binary.LittleEndian.Uint32(b[6:])
	if n == 0 || b[3] != 0 || k == 0 || k > MaxNumHashes {
		return fmt.Errorf("%w: shingle size %d, k %d", ErrBadSignature, n, k)
	}
	want := sigHeaderLen
	if size > 0 {
		want += int(k)
	}
	if len(b) != want {
		return fmt.Errorf("%w: %d bytes, want %d", ErrBadSignature, len(b), want)
	}
	var fp []uint8
	if size > 0 {
		fp = slices.Clone(b[sigHeaderLen:])
	}
	*s = Signature{n: n, k: k, size: size, fp: fp}
	return nil
}

// Signer makes signatures. It reuses its buffers, so it is not safe for
// concurrent use; make one per goroutine.
type Signer struct {
	opts     SignatureOptions
	shingles []uint64
	buf      [8]byte
	d2       *xxhash.Digest
	mw       *minhash.MinWise
}

// NewSigner returns a Signer for the options (nil means the defaults).
func NewSigner(opts *SignatureOptions) (*Signer, error) {
	var o SignatureOptions
	if opts != nil {
		o = *opts
	}
	o = o.withDefaults()
	if err := o.validate(); err != nil {
		return nil, err
	}
	s := &Signer{opts: o, d2: xxhash.NewWithSeed(minhashSeed2)}
	h2 := func(b []byte) uint64 {
		if len(b) == 8 {
			return xxh64Seeded8(binary.LittleEndian.Uint64(b), minhashSeed2)
		}
		s.d2.ResetWithSeed(minhashSeed2)
		_, _ = s.d2.Write(b)
		return s.d2.Sum64()
	}
	s.mw = minhash.NewMinWise(xxhash.Sum64, h2, o.NumHashes)
	return s, nil
}

// XXH64 primes.
const (
	xxPrime1 uint64 = 11400714785074694791
	xxPrime2 uint64 = 14029467366897019727
	xxPrime3 uint64 = 1609587929392839161
	xxPrime4 uint64 = 9650029242287828579
	xxPrime5 uint64 = 2870177450012600261
)

// xxh64Seeded8 is XXH64 with a seed of the 8-byte little-endian encoding
// of x: the same value as xxhash.NewWithSeed(seed) fed those 8 bytes,
// without the Digest.
func xxh64Seeded8(x, seed uint64) uint64 {
	h := seed + xxPrime5 + 8
	k := bits.RotateLeft64(x*xxPrime2, 31) * xxPrime1
	h ^= k
	h = bits.RotateLeft64(h, 27)*xxPrime1 + xxPrime4
	h ^= h >> 33
	h *= xxPrime2
	h ^= h >> 29
	h *= xxPrime3
	h ^= h >> 32
	return h
}

// Options returns the options of the signer, defaults filled in.
func (s *Signer) Options() SignatureOptions { return s.opts }

// Sign returns the signature of the body of doc (its paragraphs; the
// headline is not part of it).
func (s *Signer) Sign(doc *Document) Signature {
	s.shingles = s.AppendShingles(s.shingles[:0], doc)
	return s.SignShingles(s.shingles)
}

// SignText returns the signature of a text of paragraphs separated by
// line breaks, shingled like a body.
func (s *Signer) SignText(text string) Signature {
	s.shingles = s.shingles[:0]
	for len(text) > 0 {
		line := text
		if i := indexNewline(text); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		s.shingles = shingle.AppendWordShingles(s.shingles, line, s.opts.ShingleSize)
	}
	return s.SignShingles(s.shingles)
}

func indexNewline(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return i
		}
	}
	return -1
}

// AppendShingles appends the shingle hashes of the body of doc to dst, in
// text order with repeats, and returns the extended slice.
func (s *Signer) AppendShingles(dst []uint64, doc *Document) []uint64 {
	for _, p := range doc.Paragraphs {
		dst = shingle.AppendWordShingles(dst, p.Text, s.opts.ShingleSize)
	}
	return dst
}

// SignShingles returns the signature of a set of shingle hashes given
// with or without repeats. It sorts and de-duplicates hashes in place.
func (s *Signer) SignShingles(hashes []uint64) Signature {
	set := sortedSet(hashes)
	sig := Signature{n: uint8(s.opts.ShingleSize), k: uint16(s.opts.NumHashes), size: uint32(len(set))}
	if len(set) == 0 {
		return sig
	}
	mins := s.mw.Signature() // the internal slice: reset it, read it, never keep it
	for i := range mins {
		mins[i] = ^uint64(0)
	}
	for _, h := range set {
		binary.LittleEndian.PutUint64(s.buf[:], h)
		s.mw.Push(s.buf[:])
	}
	sig.fp = make([]uint8, len(mins))
	for i, m := range mins {
		sig.fp[i] = fingerprint(m)
	}
	sig.mins = slices.Clone(mins)
	return sig
}

// sortedSet sorts hs and drops repeats in place.
func sortedSet(hs []uint64) []uint64 {
	slices.Sort(hs)
	return slices.Compact(hs)
}

// fingerprint reduces a MinHash minimum to 8 bits through the splitmix64
// finaliser.
func fingerprint(m uint64) uint8 {
	m ^= m >> 30
	m *= 0xBF58476D1CE4E5B9
	m ^= m >> 27
	m *= 0x94D049BB133111EB
	m ^= m >> 31
	return uint8(m)
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
	return scoreOf(a.Jaccard(b), int(a.size), int(b.size))
}

// scoreOf makes the Score of two sets of sizes na and nb from their
// Jaccard similarity j.
func scoreOf(j float64, na, nb int) Score {
	small, large := min(na, nb), max(na, nb)
	s := Score{Score: j, Jaccard: j, Containment: containmentFrom(j, small, large)}
	if j >= ContainmentMinJaccard && small >= ContainmentMinShingles {
		s.Score = max(j, s.Containment)
	}
	return s
}
