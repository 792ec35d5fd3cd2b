package residue

// Corpus line statistics for the detector.
//
// Boilerplate recurs: "Scroll down for video", a site's "Like us on
// Facebook | Follow us on Twitter" footer or its CSS turns up in many
// articles of a corpus, each time between different paragraphs. A
// syndicated article recurs too, whole, and then every one of its
// paragraphs keeps the neighbours it has in the other copies. Stats
// tells the two apart: for every short paragraph (statWords words or
// fewer, the lines the detector asks about) it counts the distinct
// bodies that contain it and the distinct neighbourhoods (previous and next
// paragraph) it appears in.
//
// Keys are 64-bit hashes: shingle.HashString(shingle.Normalize(text)).
// Neighbours are compared by a one-value MinHash of their words, so that
// a lightly edited copy of an article does not pass for new neighbours.
// Identical bodies (a corpus that pairs one body with many headlines) are
// counted once, by a hash of the whole body. Memory grows with the number
// of distinct short lines, about 100 bytes each, plus about 16 bytes per
// distinct body that has one.
//
// When articles carry a URL (their id), lines are counted per site too: a
// site's footer recurs in its own articles, between different paragraphs,
// and three of them are evidence enough.

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/cespare/xxhash/v2"
	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/shingle"
)

// maxStatLineBytes is the longest paragraph, in bytes, that Stats
// counts. Residue lines are short; longer paragraphs are left to the
// repeated-paragraph and near-duplicate detectors, which keeps Add cheap
// and memory bounded. lookup reports 0 for longer texts.
const maxStatLineBytes = 400

// recurWords is the longest line, in words, whose recurrence the
// detector asks Stats about: a recurring longer line is more often a
// syndicated or quoted sentence than boilerplate.
const recurWords = 12

// statWords is the most words (fields of its normalised text) of a line
// Stats counts: recurWords and a margin, since normalisation may split a
// rare compatibility character into words. Lines in Chinese or Japanese,
// whose words the detector counts in characters, are counted up to
// maxStatLineBytes. Counting only such lines keeps Stats at the size of
// the corpus's short lines: prose paragraphs, most of a body, are never
// asked about.
const statWords = recurWords + 4

// statContexts is how many distinct neighbours on each side a line
// remembers exactly; past that every new body counts as a new neighbour.
const statContexts = 4

// Stats counts, over a corpus, how many distinct bodies contain each
// short paragraph and in how many distinct neighbourhoods it appears.
//
// Build it in a first pass, then hand it to Detector.Detect. Add counts
// one document; a pass that counts bodies on several goroutines calls
// Counts.Count on each of them and adds the results with AddCounts in
// input order. Add and AddCounts take a lock, so they may be called from
// several goroutines at once. Detect reads s without the lock: it is safe
// for concurrent use once every Add and AddCounts has returned, and must
// not overlap one. The zero value is not usable; call NewStats.
type Stats struct {
	mu     sync.Mutex
	bodies map[uint64]struct{}
	lines  map[uint64]lineStat
	// sites counts, per line key and site (see Site), the distinct bodies
	// of that site that contain the line.
	sites  map[lineSite]int32
	buf    []byte
	counts Counts
	seen   map[uint64]struct{}
}

// lineSite keys the count of a line within one site.
type lineSite struct{ line, site uint64 }

// lineStat is what Stats knows about one line.
type lineStat struct {
	docs int32
	prev lineStatSide
	next lineStatSide
}

// lineStatSide counts the distinct neighbours of a line on one side.
type lineStatSide struct {
	n    int32
	seen [statContexts]uint64
}

// NewStats returns an empty Stats.
func NewStats() *Stats {
	return &Stats{
		bodies: make(map[uint64]struct{}),
		lines:  make(map[uint64]lineStat),
		sites:  make(map[lineSite]int32),
		seen:   make(map[uint64]struct{}),
	}
}

// Add counts the paragraphs of doc, from the site of its ID (see Site). A
// body identical to one added before (same paragraphs, in the same order)
// is ignored, so a corpus that repeats bodies under different headlines
// counts each body once. A line that occurs twice in one body counts once
// for that body. The title is not counted.
func (s *Stats) Add(doc *model.Doc) {
	if doc == nil || len(doc.Paras) == 0 {
		return
	}
	body := doc.BodyKey()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.bodies[body]; dup {
		return
	}
	s.counts, s.buf = s.counts.Count(doc, s.buf)
	s.addCounts(body, Site(doc.ID), doc, s.counts)
}

// Counts is what Stats takes from a body: per paragraph its key (0 when
// it is longer than maxStatLineBytes) and a signature that stands for it
// as a neighbour. It depends on the paragraphs alone, so copies of a body
// can share one. The zero value is empty and ready to use.
type Counts struct {
	keys, sigs []uint64
}

// Count returns the counts of doc's paragraphs, reusing c's slices and buf
// as scratch: the result shares memory with c, and the returned buf is
// for the next call. Count only reads doc; calls with distinct c and buf
// may run concurrently.
func (c Counts) Count(doc *model.Doc, buf []byte) (Counts, []byte) {
	c.keys, c.sigs = c.keys[:0], c.sigs[:0]
	for _, p := range doc.Paras {
		var k uint64
		if len(p) <= maxStatLineBytes {
			buf = shingle.AppendNormalized(buf[:0], p)
			if fewWords(buf) || hasCJK(p) {
				k = shingle.Hash(buf)
			}
		}
		c.keys = append(c.keys, k)
		c.sigs = append(c.sigs, neighbourSig(p))
	}
	return c, buf
}

// AddCounts counts doc as Add does, with body its doc.BodyKey(), site its
// Site(doc.ID) and c its Counts (Count of doc): it does nothing for a body
// counted before or an empty one. s keeps no reference to c.
func (s *Stats) AddCounts(body, site uint64, doc *model.Doc, c Counts) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addCounts(body, site, doc, c)
}

// addCounts is AddCounts; the caller holds s.mu.
func (s *Stats) addCounts(body, site uint64, doc *model.Doc, c Counts) {
	if len(doc.Paras) == 0 {
		return
	}
	if !slices.ContainsFunc(c.keys, func(k uint64) bool { return k != 0 }) {
		return // no line to count: a copy would add nothing either
	}
	if _, dup := s.bodies[body]; dup {
		return
	}
	s.bodies[body] = struct{}{}
	clear(s.seen)
	for i, p := range doc.Paras {
		if len(p) > maxStatLineBytes {
			continue
		}
		k := c.keys[i]
		if k == 0 {
			continue // too long to be asked about (see statWords)
		}
		if _, dup := s.seen[k]; dup {
			continue
		}
		s.seen[k] = struct{}{}
		st := s.lines[k]
		st.docs++
		var prev, next uint64
		if i > 0 {
			prev = c.sigs[i-1]
		}
		if i+1 < len(c.sigs) {
			next = c.sigs[i+1]
		}
		st.prev.add(prev)
		st.next.add(next)
		s.lines[k] = st
		if site != 0 {
			s.sites[lineSite{k, site}]++
		}
	}
}

// Site identifies the site an article comes from: a hash of the host of
// its id when the id is an http(s) URL (the JSONL url field, or an id that
// is one), without a leading "www."; 0 when there is none.
func Site(id string) uint64 {
	var rest string
	switch {
	case len(id) > 8 && strings.EqualFold(id[:8], "https://"):
		rest = id[8:]
	case len(id) > 7 && strings.EqualFold(id[:7], "http://"):
		rest = id[7:]
	default:
		return 0
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	if i := strings.LastIndexByte(rest, ':'); i >= 0 && !strings.Contains(rest[i:], "]") {
		rest = rest[:i]
	}
	rest = strings.ToLower(strings.TrimPrefix(strings.ToLower(rest), "www."))
	if rest == "" {
		return 0
	}
	return xxhash.Sum64String(rest)
}

// siteRecurrence returns the number of distinct bodies of the site (see
// Site) that contain the line with this key (see lineKey).
func (s *Stats) siteRecurrence(key, site uint64) int {
	if s == nil || site == 0 {
		return 0
	}
	return int(s.sites[lineSite{key, site}])
}

// neighbourSig stands for a paragraph as the neighbour of another:
// the least hash of its words (ASCII case folded), a one-value MinHash.
// Two copies of a paragraph with a few words edited keep the same
// signature with a probability near their word overlap, so a line copied
// with its (lightly edited) article still keeps its neighbours.
//
// A word without a letter or a digit ("*", "-", "|") is none: a list's
// bullet would be the least hash of every item of a list whose every
// line is marked, and all their neighbours would look alike.
func neighbourSig(text string) uint64 {
	var word [64]byte
	sig := ^uint64(0)
	n, alnum := 0, false
	flush := func() {
		if n > 0 && alnum {
			sig = min(sig, xxhash.Sum64(word[:n]))
		}
		n, alnum = 0, false
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == ' ' || c == '\t':
			flush()
		case n < len(word):
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			alnum = alnum || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c >= 0x80
			word[n] = c
			n++
		}
	}
	flush()
	return sig
}

// fewWords reports whether normalised text has at most statWords words
// (runs of bytes between single spaces).
func fewWords(norm []byte) bool {
	return bytes.Count(norm, []byte{' '}) < statWords
}

// hasCJK reports whether text has a Han or kana rune.
func hasCJK(text string) bool {
	for _, r := range text {
		if r >= 0x2E80 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			return true
		}
	}
	return false
}

// add records one neighbour (0 for none: the first or last paragraph).
func (sd *lineStatSide) add(k uint64) {
	n := min(int(sd.n), statContexts)
	for _, have := range sd.seen[:n] {
		if have == k {
			return
		}
	}
	if n < statContexts {
		sd.seen[n] = k
	}
	sd.n++
}

// docs returns the number of distinct bodies added.
func (s *Stats) docs() int {
	if s == nil {
		return 0
	}
	return len(s.bodies)
}

// lookup returns, for a paragraph equal to text after normalisation, the
// number of distinct bodies that contain it and its number of contexts:
// the number of distinct paragraphs seen before it or the number seen
// after it, whichever is smaller (exact up to 4, then an upper bound). A
// line copied with its article keeps its neighbours, so it has one
// context however many copies there are, and so does a line copied with
// one of its neighbours edited; boilerplate has about as many contexts as
// it has bodies. It returns zeros when text is longer than
// maxStatLineBytes or s is nil.
func (s *Stats) lookup(text string) (docs, contexts int) {
	if s == nil || len(text) > maxStatLineBytes {
		return 0, 0
	}
	return s.lookupKey(lineKey(text))
}

// lookupKey is lookup for a key computed by lineKey, so that the
// detector, which memoises the keys with a body, hashes a line once.
func (s *Stats) lookupKey(key uint64) (docs, contexts int) {
	if s == nil {
		return 0, 0
	}
	st, ok := s.lines[key]
	if !ok {
		return 0, 0
	}
	return int(st.docs), int(min(st.prev.n, st.next.n))
}

// lineKey returns the key Stats uses for a paragraph:
// shingle.HashString(shingle.Normalize(text)).
func lineKey(text string) uint64 {
	var arr [256]byte
	return shingle.Hash(shingle.AppendNormalized(arr[:0], text))
}
