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
// # The MinHash (version 2): one permutation, densified
//
// One hash per shingle, not k: each shingle x (its 8-byte little-endian
// encoding) is hashed once,
//
//	h(x) = XXH64(x, seed 0)
//
// and falls into bin b(x) = ⌊hi32(h)·k / 2^32⌋ of k bins, hi32 the high
// 32 bits; bin i keeps the least h(x) of its shingles (one-permutation
// hashing, Li, Owen and Zhang 2012). A bin no shingle fell into takes
// the minimum of the first non-empty bin of its probe sequence
//
//	p(i, a) = ⌊hi32(XXH64(LE64(i<<32 | a), seed 0x9E3779B97F4A7C15))·k / 2^32⌋, a = 1, 2, ...
//
// (optimal densification, Shrivastava 2017). Two sets then agree in a
// position with probability J, their Jaccard similarity, as k
// independent permutations would; the estimate's variance is the same
// or lower once a set has more shingles than bins, and somewhat higher
// for sets of a few dozen shingles. The cost is one hash and one compare
// per shingle instead of k multiply-adds: about 4.5 ns a shingle at
// k = 128, fingerprints included, where version 1 (the MinWise of
// go-minhash, h_i = h1 + i·h2, in a loop of eight slots) took 70 and
// go-minhash itself 100 (BenchmarkSignKernels).
//
// Each of the k minima is reduced to an 8-bit fingerprint,
//
//	fp(m) = uint8(mix64(m)), mix64 the splitmix64 finaliser
//	(x ^= x>>30; x *= 0xBF58476D1CE4E5B9; x ^= x>>27; x *= 0x94D049BB133111EB; x ^= x>>31)
//
// (mixed because a minimum's high bits say which bin it is in). Eight
// bits are b-bit minwise hashing (Li and König) with the bias removed
// (see signature.go); they cost almost nothing in precision (at J = 0.3
// the standard deviation of the estimate grows from 0.0405 to 0.0406 at
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
	"slices"
	"strings"

	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/dedup/internal/radix"
	"github.com/newsdedup/newsdedup/internal/xxh64"
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

// seed2 is the XXH64 seed of the probe sequence.
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
	bins     []uint64 // onePermutation's scratch
	scratch  []uint64 // the radix sort's
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
	s.scratch = radix.Sort(hashes, s.scratch)
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
	s.bins = onePermutation(mins, set, s.bins)
	sig.fp = make([]uint8, len(mins))
	for i, m := range mins {
		sig.fp[i] = fingerprint(m)
	}
	sig.mins = mins
	return sig
}

// empty marks a bin no shingle fell into. A shingle whose hash is all
// ones (one in 2^64) counts as absent from its bin.
const empty = ^uint64(0)

// binOf maps a 64-bit hash to one of k bins by its high 32 bits
// (Lemire's multiply-shift range reduction).
func binOf(h uint64, k int) int { return int((h >> 32) * uint64(k) >> 32) }

// onePermutation sets mins to the densified one-permutation MinHash of
// the non-empty set (the file comment's version 2), using bins as
// scratch, which it returns.
func onePermutation(mins, set, bins []uint64) []uint64 {
	k := len(mins)
	bins = slices.Grow(bins[:0], k)[:k]
	for i := range bins {
		bins[i] = empty
	}
	filled := 0
	for _, x := range set {
		h := xxh64.Seeded8(x, 0)
		b := &bins[binOf(h, k)]
		if *b == empty {
			filled++
		}
		*b = min(*b, h)
	}
	copy(mins, bins)
	if filled == k || filled == 0 {
		return bins
	}
	for i, m := range bins {
		if m != empty {
			continue
		}
		for a := uint64(1); ; a++ {
			if v := bins[binOf(xxh64.Seeded8(uint64(i)<<32|a, seed2), k)]; v != empty {
				mins[i] = v
				break
			}
		}
	}
	return bins
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
