package shingle

import (
	"encoding/binary"
	"sync"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"

	"github.com/newsdedup/newsdedup/internal/xxh64"
)

// WordShingler turns a stream of words into word n-gram shingle hashes (see
// the package documentation for the exact definition). Push does not
// allocate. A WordShingler is not safe for concurrent use.
type WordShingler struct {
	n     int
	count int    // words pushed since Reset
	ring  []byte // 2n little-endian word hashes: slot i and i+n hold the same hash
	last  [4]uint64
}

// NewWordShingler returns a WordShingler for shingles of n words; n < 1
// means 1.
func NewWordShingler(n int) *WordShingler {
	s := &WordShingler{}
	s.init(n)
	return s
}

func (s *WordShingler) init(n int) {
	if n < 1 {
		n = 1
	}
	s.n = n
	s.count = 0
	if cap(s.ring) < 16*n {
		s.ring = make([]byte, 16*n)
	}
	s.ring = s.ring[:16*n]
}

// N returns the number of words in a shingle.
func (s *WordShingler) N() int { return s.n }

// Reset forgets all words pushed so far.
func (s *WordShingler) Reset() { s.count = 0 }

// Push adds a normalised word (for example Tokenizer.Token) and, once at
// least n words have been pushed since Reset, returns the hash of the
// shingle made of the last n words and true.
func (s *WordShingler) Push(word []byte) (h uint64, ok bool) {
	return s.PushHash(xxhash.Sum64(word))
}

// PushString is Push for a string.
func (s *WordShingler) PushString(word string) (h uint64, ok bool) {
	return s.PushHash(xxhash.Sum64String(word))
}

// PushHash is Push for a word whose hash, Hash(word), is already known.
func (s *WordShingler) PushHash(w uint64) (h uint64, ok bool) {
	n := s.n
	if n == 0 { // zero value: behave as n == 1
		s.init(1)
		n = 1
	}
	if n == 4 {
		// The default shingle: the last four word hashes stay in
		// registers, hashed by xxh64.Sum4 (xxhash.Sum64 of their bytes);
		// the ring holds only the first three words, for Partial.
		s.last[0], s.last[1], s.last[2], s.last[3] = s.last[1], s.last[2], s.last[3], w
		if s.count < 3 {
			binary.LittleEndian.PutUint64(s.ring[8*s.count:], w)
		}
		s.count++
		if s.count < 4 {
			return 0, false
		}
		return xxh64.Sum4(s.last[0], s.last[1], s.last[2], s.last[3]), true
	}
	slot := s.count % n
	binary.LittleEndian.PutUint64(s.ring[8*slot:], w)
	binary.LittleEndian.PutUint64(s.ring[8*(slot+n):], w)
	s.count++
	if s.count < n {
		return 0, false
	}
	first := s.count % n // slot of the oldest word in the window
	return xxhash.Sum64(s.ring[8*first : 8*(first+n)]), true
}

// Partial returns the hash of the single short shingle made of all words
// pushed since Reset, and true, when at least one but fewer than n words
// have been pushed; otherwise it returns 0 and false. Call it at the end of
// a text to give short texts a shingle, as WordShingles does.
func (s *WordShingler) Partial() (h uint64, ok bool) {
	if s.count == 0 || s.count >= s.n {
		return 0, false
	}
	return xxhash.Sum64(s.ring[:8*s.count]), true
}

type wordState struct {
	t Tokenizer
	s WordShingler
}

var wordStatePool = sync.Pool{New: func() any { return new(wordState) }}

// WordShingles returns the word n-gram shingle hashes of s in text order
// (n < 1 means 1). A text with fewer than n words, but at least one, gives
// one shingle of all its words; a text without words gives none.
func WordShingles(s string, n int) []uint64 {
	return AppendWordShingles(nil, s, n)
}

// AppendWordShingles appends the word shingle hashes of s to dst, as
// WordShingles, and returns the extended slice. It does not allocate when dst
// has room. WordShingles and AppendWordShingles are safe for concurrent use.
func AppendWordShingles(dst []uint64, s string, n int) []uint64 {
	st := wordStatePool.Get().(*wordState)
	st.t.Reset(s)
	st.s.init(n)
	for st.t.Next() {
		if h, ok := st.s.PushHash(st.t.Hash()); ok {
			dst = append(dst, h)
		}
	}
	if h, ok := st.s.Partial(); ok {
		dst = append(dst, h)
	}
	st.t.Reset("")
	wordStatePool.Put(st)
	return dst
}

// CharShingler turns a stream of runes into character n-gram shingle
// hashes: the hash of the UTF-8 encoding of the last n runes. It does not
// normalise; feed it the runes of Normalize output to get the shingles of
// CharShingles. Push does not allocate once its buffer has grown. A
// CharShingler is not safe for concurrent use.
type CharShingler struct {
	n     int
	count int    // runes pushed since Reset
	buf   []byte // buf[head:] is the UTF-8 encoding of the window
	head  int
	sizes []uint8 // ring of the encoded sizes of the runes in the window
}

// NewCharShingler returns a CharShingler for shingles of n runes; n < 1
// means 1.
func NewCharShingler(n int) *CharShingler {
	c := &CharShingler{}
	c.init(n)
	return c
}

func (c *CharShingler) init(n int) {
	if n < 1 {
		n = 1
	}
	c.n = n
	if cap(c.sizes) < n {
		c.sizes = make([]uint8, n)
	}
	c.sizes = c.sizes[:n]
	if cap(c.buf) < 8*n {
		c.buf = make([]byte, 0, 8*n)
	}
	c.Reset()
}

// N returns the number of runes in a shingle.
func (c *CharShingler) N() int { return c.n }

// Reset forgets all runes pushed so far.
func (c *CharShingler) Reset() {
	c.count = 0
	c.head = 0
	c.buf = c.buf[:0]
}

// Push adds a rune and, once at least n runes have been pushed since Reset,
// returns the hash of the last n runes and true. Invalid runes are encoded
// as U+FFFD.
func (c *CharShingler) Push(r rune) (h uint64, ok bool) {
	if c.n == 0 { // zero value: behave as n == 1
		c.init(1)
	}
	if c.count >= c.n {
		c.head += int(c.sizes[c.count%c.n])
	}
	if len(c.buf)+utf8.UTFMax > cap(c.buf) {
		// Move the window to the front; it is at most 4n bytes and the
		// buffer holds 8n, so this happens at most every n runes.
		c.buf = c.buf[:copy(c.buf, c.buf[c.head:])]
		c.head = 0
	}
	l := len(c.buf)
	c.buf = utf8.AppendRune(c.buf, r)
	c.sizes[c.count%c.n] = uint8(len(c.buf) - l)
	c.count++
	if c.count < c.n {
		return 0, false
	}
	return xxhash.Sum64(c.buf[c.head:]), true
}

// Partial returns the hash of all runes pushed since Reset, and true, when
// at least one but fewer than n runes have been pushed; otherwise 0 and
// false.
func (c *CharShingler) Partial() (h uint64, ok bool) {
	if c.count == 0 || c.count >= c.n {
		return 0, false
	}
	return xxhash.Sum64(c.buf[c.head:]), true
}

var charBufPool = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledBuf bounds the buffers kept in pools, so that one huge input
// does not pin its memory.
const maxPooledBuf = 1 << 20

// CharShingles returns the character n-gram shingle hashes of Normalize(s)
// in text order (n < 1 means 1): one hash per window of n consecutive runes,
// spaces included. A normalised text with fewer than n runes, but at least
// one, gives one shingle of all of it; an empty one gives none.
func CharShingles(s string, n int) []uint64 {
	return AppendCharShingles(nil, s, n)
}

// AppendCharShingles appends the character shingle hashes of s to dst, as
// CharShingles, and returns the extended slice. It does not allocate when dst
// has room. CharShingles and AppendCharShingles are safe for concurrent use.
func AppendCharShingles(dst []uint64, s string, n int) []uint64 {
	if n < 1 {
		n = 1
	}
	bp := charBufPool.Get().(*[]byte)
	b := AppendNormalized((*bp)[:0], s)
	start := 0 // offset of the first rune of the window
	runes := 0
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
		} else {
			_, size := utf8.DecodeRune(b[i:])
			i += size
		}
		runes++
		if runes < n {
			continue
		}
		if runes > n {
			if b[start] < utf8.RuneSelf {
				start++
			} else {
				_, size := utf8.DecodeRune(b[start:])
				start += size
			}
		}
		dst = append(dst, xxhash.Sum64(b[start:i]))
	}
	if runes > 0 && runes < n {
		dst = append(dst, xxhash.Sum64(b))
	}
	if cap(b) <= maxPooledBuf {
		*bp = b
		charBufPool.Put(bp)
	}
	return dst
}
