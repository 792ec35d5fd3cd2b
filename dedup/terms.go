package dedup

import (
	_ "embed"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/newsdedup/newsdedup/shingle"
)

// Terms are what the topic detectors (headline_mismatch, off_topic) compare:
// the normalised words of shingle.Tokenizer, without stop words, cut to
// their first stemRunes runes, identified by shingle.Hash of that prefix.
//
// Cutting at six runes makes "beheading"/"beheaded" one term ("behead")
// and keeps most words of six runes or fewer intact. It measured best of
// the prefixes 4..7 and of an English plural stemmer on the dev mismatch
// set; it needs no language knowledge, which the detectors must not have.
const stemRunes = 6

//go:embed data/stopwords.txt
var stopwordsText string

// stopwords holds the hashes of the stop words in data/stopwords.txt.
var stopwords = func() map[uint64]struct{} {
	m := make(map[uint64]struct{})
	for _, line := range strings.Split(stopwordsText, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		for _, w := range shingle.Words(line) {
			m[shingle.HashString(w)] = struct{}{}
		}
	}
	return m
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

// termizer turns text into term ids. The zero value is ready to use; it is
// not safe for concurrent use.
type termizer struct {
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

// appendTerms appends the term ids of s to dst. A possessive loses its
// s, so that "Libya's" in a headline meets "Libya" in the body.
func (t *termizer) appendTerms(dst []uint64, s string) []uint64 {
	t.tok.Reset(s)
	for t.tok.Next() {
		w := t.tok.Token()
		if possessive(s[t.tok.Start():t.tok.End()]) {
			w = w[:len(w)-1]
		}
		h := shingle.Hash(w)
		if _, ok := stopwords[h]; ok {
			continue
		}
		if len(w) > stemRunes {
			h = shingle.Hash(stem(w))
		}
		dst = append(dst, h)
	}
	return dst
}

// term is one entry of a sparse vector.
type term struct {
	id uint64
	w  float64
}

// vector is a sparse term vector sorted by term id.
type vector []term

// weigh turns the term ids in ids (which it sorts) into a TF-IDF vector
// with sublinear term frequency, 1+ln(tf), and appends it to dst.
func weigh(dst vector, ids []uint64, idf func(uint64) float64) vector {
	slices.Sort(ids)
	for i := 0; i < len(ids); {
		j := i + 1
		for j < len(ids) && ids[j] == ids[i] {
			j++
		}
		dst = append(dst, term{ids[i], (1 + math.Log(float64(j-i))) * idf(ids[i])})
		i = j
	}
	return dst
}

// dot returns the dot product of two vectors.
func dot(a, b vector) float64 {
	var s float64
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i].id < b[j].id:
			i++
		case a[i].id > b[j].id:
			j++
		default:
			s += a[i].w * b[j].w
			i++
			j++
		}
	}
	return s
}

// norm returns the Euclidean length of v.
func (v vector) norm() float64 {
	var s float64
	for _, t := range v {
		s += t.w * t.w
	}
	return math.Sqrt(s)
}

// cosine returns the cosine similarity of a and b, 0 when either is empty.
func cosine(a, b vector) float64 {
	na, nb := a.norm(), b.norm()
	if na == 0 || nb == 0 {
		return 0
	}
	return dot(a, b) / (na * nb)
}

// addScaled returns dst + k*v as a new sorted vector built in out (which
// it reuses).
func addScaled(out, dst, v vector, k float64) vector {
	out = out[:0]
	i, j := 0, 0
	for i < len(dst) || j < len(v) {
		switch {
		case j == len(v) || (i < len(dst) && dst[i].id < v[j].id):
			out = append(out, dst[i])
			i++
		case i == len(dst) || dst[i].id > v[j].id:
			out = append(out, term{v[j].id, k * v[j].w})
			j++
		default:
			out = append(out, term{dst[i].id, dst[i].w + k*v[j].w})
			i++
			j++
		}
	}
	return out
}

// TermSet returns the distinct term ids of s, sorted. It is what document
// frequencies count (see Vocabulary).
func TermSet(s string) []uint64 {
	var t termizer
	ids := t.appendTerms(nil, s)
	slices.Sort(ids)
	return slices.Compact(ids)
}
