// Package terms turns text into the terms that the topic detectors
// (headline_mismatch, off_topic) compare, and weighs them.
//
// Terms are the normalised words of shingle.Tokenizer, without stop words,
// cut to their first stemRunes runes, identified by shingle.Hash of that
// prefix. Cutting at six runes makes "beheading"/"beheaded" one term
// ("behead") and keeps most words of six runes or fewer intact. It measured
// best of the prefixes 4..7 and of an English plural stemmer on the dev
// mismatch set; it needs no language knowledge, which the detectors must
// not have.
package terms

import (
	_ "embed"
	"math"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/newsdedup/newsdedup/internal/swar"
	"github.com/newsdedup/newsdedup/shingle"
)

// stemRunes is how many runes of a word its term keeps.
const stemRunes = 6

//go:embed data/stopwords.txt
var stopwordsText string

// stopwords holds the hashes of the stop words in data/stopwords.txt.
var stopwords = func() *table {
	var hs []uint64
	for _, line := range strings.Split(stopwordsText, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		for _, w := range shingle.Words(line) {
			hs = append(hs, shingle.HashString(w))
		}
	}
	slices.Sort(hs)
	hs = slices.Compact(hs)
	t := newTable(len(hs))
	for _, h := range hs {
		t.put(h, 1)
	}
	return t
}()

// stem returns the first stemRunes runes of a normalised word.
func stem(w []byte) []byte {
	if len(w) <= stemRunes {
		return w
	}
	n := 0
	for i := range len(w) {
		if w[i] < utf8.RuneSelf || utf8.RuneStart(w[i]) {
			if n == stemRunes {
				return w[:i]
			}
			n++
		}
	}
	return w
}

// isStopword reports whether h is the hash of a stop word.
func isStopword(h uint64) bool {
	_, ok := stopwords.get(h)
	return ok
}

// Termizer turns text into term ids. The zero value is ready to use; it is
// not safe for concurrent use.
type Termizer struct {
	tok shingle.Tokenizer
}

// possessive reports whether a word of raw text ends in an apostrophe and
// s ("Libya's", "Moscow’s"), which the tokeniser joins into one word.
func possessive(raw string) bool {
	n := len(raw)
	if n < 3 || (raw[n-1] != 's' && raw[n-1] != 'S') {
		return false
	}
	return raw[n-2] == '\'' || strings.HasSuffix(raw[:n-1], "’")
}

// Append appends the term ids of s to dst. A possessive loses its
// s, so that "Libya's" in a headline meets "Libya" in the body.
func (t *Termizer) Append(dst []uint64, s string) []uint64 {
	t.tok.Reset(s)
	for t.tok.Next() {
		poss := possessive(s[t.tok.Start():t.tok.End()])
		if !poss && t.tok.Len() <= stemRunes {
			// A short word is its own term: hash it without a copy.
			if h := t.tok.Hash(); !isStopword(h) {
				dst = append(dst, h)
			}
			continue
		}
		w := t.tok.Token()
		if poss {
			w = w[:len(w)-1]
		}
		h := shingle.Hash(w)
		if isStopword(h) {
			continue
		}
		if len(w) > stemRunes {
			h = shingle.Hash(stem(w))
		}
		dst = append(dst, h)
	}
	return dst
}

// Term is one entry of a sparse vector: a term id and its weight.
type Term struct {
	ID uint64
	W  float64
}

// Vector is a sparse term vector sorted by term id.
type Vector []Term

// Weigh turns the term ids in ids (which it sorts) into a TF-IDF vector
// with sublinear term frequency, 1+ln(tf), and appends it to dst.
func Weigh(dst Vector, ids []uint64, idf func(uint64) float64) Vector {
	slices.Sort(ids)
	for i := 0; i < len(ids); {
		j := i + 1
		for j < len(ids) && ids[j] == ids[i] {
			j++
		}
		dst = append(dst, Term{ids[i], (1 + math.Log(float64(j-i))) * idf(ids[i])})
		i = j
	}
	return dst
}

// Dot returns the dot product of two vectors.
func Dot(a, b Vector) float64 {
	var s float64
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i].ID < b[j].ID:
			i++
		case a[i].ID > b[j].ID:
			j++
		default:
			s += a[i].W * b[j].W
			i++
			j++
		}
	}
	return s
}

// Norm returns the Euclidean length of v.
func (v Vector) Norm() float64 {
	var s float64
	for _, t := range v {
		s += t.W * t.W
	}
	return math.Sqrt(s)
}

// Cosine returns the cosine similarity of a and b, 0 when either is empty.
func Cosine(a, b Vector) float64 {
	na, nb := a.Norm(), b.Norm()
	if na == 0 || nb == 0 {
		return 0
	}
	return Dot(a, b) / (na * nb)
}

// AddScaled returns dst + k*v as a new sorted vector built in out (which
// it reuses).
func AddScaled(out, dst, v Vector, k float64) Vector {
	out = out[:0]
	i, j := 0, 0
	for i < len(dst) || j < len(v) {
		switch {
		case j == len(v) || (i < len(dst) && dst[i].ID < v[j].ID):
			out = append(out, dst[i])
			i++
		case i == len(dst) || dst[i].ID > v[j].ID:
			out = append(out, Term{v[j].ID, k * v[j].W})
			j++
		default:
			out = append(out, Term{dst[i].ID, dst[i].W + k*v[j].W})
			i++
			j++
		}
	}
	return out
}

// Set returns the distinct term ids of s, sorted. It is what document
// frequencies count (see Vocabulary).
func Set(s string) []uint64 {
	var t Termizer
	ids := t.Append(nil, s)
	slices.Sort(ids)
	return slices.Compact(ids)
}

// sublinear[n] is 1+ln(n), the weight of a term seen n times.
var sublinear = func() [64]float64 {
	var t [64]float64
	for n := 1; n < len(t); n++ {
		t[n] = 1 + math.Log(float64(n))
	}
	return t
}()

// TF returns 1+ln(n), the sublinear weight of a term seen n times.
func TF(n int) float64 {
	if n < len(sublinear) {
		return sublinear[n]
	}
	return 1 + math.Log(float64(n))
}

// CountWords counts the white-space separated words of s (space, tab,
// CR and LF separate them). Every paragraph of a scan is counted twice,
// so it reads eight bytes at a time: a word starts at each byte that is
// not a space where the byte before it is one. The last bytes are read
// as a word padded with spaces, which start no word.
func CountWords(s string) int {
	const (
		ones  = 0x0101010101010101
		low7  = 0x7f7f7f7f7f7f7f7f
		highs = 0x8080808080808080
	)
	// zero sets the high bit of each byte of v that is zero, exactly (no
	// borrow crosses from one byte into the next).
	zero := func(v uint64) uint64 { return ^(((v & low7) + low7) | v | low7) }
	n := 0
	prev := uint64(0x80) // the byte before s counts as a space
	for len(s) > 0 {
		var w uint64
		if len(s) >= 8 {
			w, s = swar.Load(s), s[8:]
		} else {
			w = ' ' * ones
			for i := len(s) - 1; i >= 0; i-- {
				w = w<<8 | uint64(s[i])
			}
			s = ""
		}
		sp := zero(w^(' '*ones)) | zero(w^('\t'*ones)) | zero(w^('\n'*ones)) | zero(w^('\r'*ones))
		n += bits.OnesCount64(^sp & highs & (sp<<8 | prev))
		prev = sp >> 56
	}
	return n
}
