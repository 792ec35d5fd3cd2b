package minhash

// This file holds the Signer: how an article becomes a Signature.
//
// # What is hashed
//
// The shingle set of an article is the set of word n-gram hashes
// (shingle.AppendWordShingles, n = Options.ShingleSize) of each body
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
// b-bit minwise hashing (Li and König) with the bias removed (see
// signature.go); they cost almost nothing in precision (at J = 0.3 the
// standard deviation of the estimate grows from 0.0405 to 0.0406 at
// k = 128) and keep a signature at 10 + k bytes, which is what lets the
// memory store hold an article in under 400 bytes. These definitions are
// persisted with every signature and never change silently: any change
// comes with a new Version.
//
// A signature fresh from a Signer also keeps the k full minima, in memory
// only, for LSH band keys (see lsh.go); a decoded signature has only the
// fingerprints, which is all that comparing needs.

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/shingle"
)

// DefaultNumHashes is the number of MinHash functions (k) when
// Options.NumHashes is 0.
const DefaultNumHashes = 128

// DefaultShingleSize is the number of words per shingle when
// Options.ShingleSize is 0.
const DefaultShingleSize = 4

// MaxNumHashes is the largest k a signature can have.
const MaxNumHashes = 1 << 12

// seed2 is the XXH64 seed of h2.
const seed2 = 0x9E3779B97F4A7C15

// Options say how signatures are made. The zero value means the
// defaults.
type Options struct {
	// NumHashes is k, the number of MinHash functions; 0 means
	// DefaultNumHashes. More hashes estimate more precisely and cost
	// proportionally more time and space. At most MaxNumHashes.
	NumHashes int
	// ShingleSize is the number of words per shingle; 0 means
	// DefaultShingleSize. At most 255.
	ShingleSize int
}

// WithDefaults returns o with its zero fields set to their defaults.
func (o Options) WithDefaults() Options {
	if o.NumHashes == 0 {
		o.NumHashes = DefaultNumHashes
	}
	if o.ShingleSize == 0 {
		o.ShingleSize = DefaultShingleSize
	}
	return o
}

// Validate returns an error when a field of o (defaults filled in) is out
// of range.
func (o Options) Validate() error {
	if o.NumHashes < 1 || o.NumHashes > MaxNumHashes {
		return fmt.Errorf("dedup: number of hashes %d out of range 1..%d", o.NumHashes, MaxNumHashes)
	}
	if o.ShingleSize < 1 || o.ShingleSize > 255 {
		return fmt.Errorf("dedup: shingle size %d out of range 1..255", o.ShingleSize)
	}
	return nil
}

// Signer makes signatures. It reuses its buffers, so it is not safe for
// concurrent use; make one per goroutine.
type Signer struct {
	opts     Options
	shingles []uint64
	h1, h2   []uint64 // minWise's scratch
}

// NewSigner returns a Signer for the options (nil means the defaults).
func NewSigner(opts *Options) (*Signer, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	o = o.WithDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return &Signer{opts: o}, nil
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
func (s *Signer) Options() Options { return s.opts }

// Sign returns the signature of the body of doc (its paragraphs; the
// headline is not part of it).
func (s *Signer) Sign(doc *model.Doc) Signature { return s.SignParas(doc.Paras) }

// SignParas returns the signature of a body given as its paragraphs.
func (s *Signer) SignParas(paras []string) Signature {
	s.shingles = s.AppendShingles(s.shingles[:0], paras)
	return s.SignShingles(s.shingles)
}

// SignText returns the signature of a text of paragraphs separated by
// line breaks, shingled like a body.
func (s *Signer) SignText(text string) Signature {
	s.shingles = s.shingles[:0]
	for len(text) > 0 {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		s.shingles = shingle.AppendWordShingles(s.shingles, line, s.opts.ShingleSize)
	}
	return s.SignShingles(s.shingles)
}

// AppendShingles appends the shingle hashes of a body given as its
// paragraphs to dst, in text order with repeats, and returns the extended
// slice.
func (s *Signer) AppendShingles(dst []uint64, paras []string) []uint64 {
	for _, p := range paras {
		dst = shingle.AppendWordShingles(dst, p, s.opts.ShingleSize)
	}
	return dst
}

// SignShingles returns the signature of a set of shingle hashes given
// with or without repeats. It sorts and de-duplicates hashes in place.
func (s *Signer) SignShingles(hashes []uint64) Signature {
	slices.Sort(hashes)
	return s.SignDistinct(slices.Compact(hashes))
}

// SignDistinct returns the signature of a set of shingle hashes given
// without repeats, in any order: SignShingles for a caller that has
// removed them already.
func (s *Signer) SignDistinct(set []uint64) Signature {
	sig := Signature{n: uint8(s.opts.ShingleSize), k: uint16(s.opts.NumHashes), size: uint32(len(set))}
	if len(set) == 0 {
		return sig
	}
	mins := make([]uint64, s.opts.NumHashes)
	s.h1, s.h2 = minWise(mins, set, s.h1[:0], s.h2[:0])
	sig.fp = make([]uint8, len(mins))
	for i, m := range mins {
		sig.fp[i] = fingerprint(m)
	}
	sig.mins = mins
	return sig
}

// minWise sets mins[i] to the least h1(x) + i·h2(x) over the shingles x
// of set (the MinWise of the file comment, as go-minhash computes it),
// using h1 and h2 as scratch for the two hashes of each shingle, which it
// returns. Slots go eight at a time over all shingles, so that the eight
// minima stay in registers: about 0.55 ns per shingle and slot on the
// 2-core CI machines (BenchmarkSignShingles), 70 ns per shingle at k = 128.
func minWise(mins, set, h1, h2 []uint64) ([]uint64, []uint64) {
	h1, h2 = slices.Grow(h1[:0], len(set))[:len(set)], slices.Grow(h2[:0], len(set))[:len(set)]
	for j, x := range set {
		h1[j], h2[j] = xxh64Seeded8(x, 0), xxh64Seeded8(x, seed2)
	}
	k := len(mins)
	i := 0
	for ; i+8 <= k; i += 8 {
		m0, m1, m2, m3 := ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)
		m4, m5, m6, m7 := m0, m0, m0, m0
		fi := uint64(i)
		h2 := h2[:len(h1)] // no bounds checks in the loop
		for j, a := range h1 {
			b := h2[j]
			v := a + fi*b
			m0 = min(m0, v)
			v += b
			m1 = min(m1, v)
			v += b
			m2 = min(m2, v)
			v += b
			m3 = min(m3, v)
			v += b
			m4 = min(m4, v)
			v += b
			m5 = min(m5, v)
			v += b
			m6 = min(m6, v)
			v += b
			m7 = min(m7, v)
		}
		mins[i], mins[i+1], mins[i+2], mins[i+3] = m0, m1, m2, m3
		mins[i+4], mins[i+5], mins[i+6], mins[i+7] = m4, m5, m6, m7
	}
	for ; i < k; i++ {
		m := ^uint64(0)
		for j, a := range h1 {
			m = min(m, a+uint64(i)*h2[j])
		}
		mins[i] = m
	}
	return h1, h2
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
