package repeat

// Repeated paragraphs.
//
// A scraper that walks a page twice, or a template that prints a caption
// or pull quote beside the text it repeats, leaves the same paragraph twice
// in one article. Paragraphs are compared as sequences of shingle words
// (NFKC, case folded, punctuation dropped), hashed:
//
//   - exact: the same word sequence;
//   - near-exact: paragraphs of at least minNearWords words whose word
//     sequences are within maxNearEditShare word edits (insertions,
//     deletions, substitutions) of the longer one.
//
// Lines under minRepeatedWords words ("Advertisement", "Share this
// article") repeat in many articles as page furniture; they are the
// residue detector's business and are ignored here. So are paragraphs
// that repeat the headline, which Headline reports.
//
// Cost: tokenizing every paragraph would cost more than the rest of the
// detector, so pairs are first ruled out on cheap "ends": a hash of the
// first and of the last endWords words of each paragraph, read straight
// from its bytes (ASCII letters and digits lower-cased, apostrophes inside
// words dropped, other runes decoded only where they occur). A repeat has
// the same first words or the same last words as its original unless it
// was edited at both ends; captions and pull quotes gain or lose text at
// one end, not both. Only pairs sharing an end and of comparable length
// are tokenized with shingle and compared, with a banded edit distance.
// A doc of n paragraphs costs reading its ends plus n²/2 comparisons of
// two integers, or n·nearWindow for docs longer than nearWindow, where
// exact repeats are also looked up by key.

import (
	"math/bits"
	"slices"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/newsdedup/newsdedup/dedup/internal/model"
)

const (
	// minRepeatedWords is the fewest words a paragraph needs to be
	// reported as a repeat.
	minRepeatedWords = 5
	// minNearWords is the fewest words a paragraph needs to be compared
	// near-exactly; shorter ones must repeat exactly, since one word in
	// a handful changes what a sentence says.
	minNearWords = 10
	// maxNearEditShare is the most word edits, as a share of the longer
	// paragraph's words, of a near-exact repeat.
	maxNearEditShare = 0.1
	// endWords is how many words at each end of a paragraph its ends
	// hash.
	endWords = 4
	// nearWindow is how many earlier paragraphs a paragraph of a long
	// document is compared with.
	nearWindow = 512
	// minIsolatedWords is the fewest words of a repeat that stands alone,
	// away from its original and not in a repeated run: a short line
	// that recurs at intervals ("The official account", the same
	// question to each of twenty people) is the article's own structure,
	// not a scraper's double.
	minIsolatedWords = 12
)

// paragraphSig is what Paragraphs keeps of one paragraph.
type paragraphSig struct {
	// head and tail hash the paragraph's first and last endWords quick
	// words; short is set when it has fewer than minRepeatedWords.
	head, tail uint64
	short      bool
	// size is its length in bytes.
	size int
	// off and words locate its shingle word hashes in scratch.hashes once
	// tokenized; words is -1 before.
	off, words int
}

// Paragraphs reports every paragraph of doc that repeats an earlier one,
// exactly or nearly, as a model.RepeatedParagraph hit. The later copy gets
// the hit; its message names the first paragraph it repeats ("paragraph
// repeats paragraph 3"). The score is 1 for an exact repeat and one less
// the share of words edited for a near-exact one.
//
// Paragraphs of fewer than 5 words, a repeat of fewer than 12 words that
// stands alone (not right after its original, nor in a run of repeated
// paragraphs: the article's own recurring labels), and paragraphs that
// repeat the headline (as Headline with DefaultHeadlineOptions finds them), are never
// reported. The title counts for nothing else, so a caller that memoises
// per body may pass a Doc without a Title and drop the hits on paragraphs
// Headline reports. A near-exact repeat edited at both its first and its
// last four words is missed. A nil doc gets no hits.
//
// It is pure and safe for concurrent use.
func Paragraphs(doc *model.Doc) []model.Hit {
	if doc == nil || len(doc.Paras) < 2 {
		return nil
	}
	sc := getScratch()
	defer putScratch(sc)
	sc.hashes, sc.paras = sc.hashes[:0], sc.paras[:0]
	for _, p := range doc.Paras {
		sc.paras = append(sc.paras, quickEnds(p))
	}

	// Long documents look exact repeats up by key and compare the rest
	// within a window only, so their cost stays linear.
	var firstByHead map[uint64]int
	if len(sc.paras) > nearWindow {
		firstByHead = make(map[uint64]int)
	}
	var out []model.Hit
	var firsts []int // the paragraph each hit repeats
	var headline *headlineMatcher
	headlineChecked := false
	for i := range sc.paras {
		pi := &sc.paras[i]
		if pi.short {
			continue
		}
		first, edits := -1, 0
		lo := 0
		if firstByHead != nil {
			if j, ok := firstByHead[pi.head]; !ok {
				firstByHead[pi.head] = i
			} else if d, ok := sc.repeats(doc.Paras, i, j); ok {
				first, edits = j, d
			}
			lo = max(0, i-nearWindow)
		}
		for j := lo; j < i && first < 0; j++ {
			if d, ok := sc.repeats(doc.Paras, i, j); ok {
				first, edits = j, d
			}
		}
		if first < 0 {
			continue
		}
		// A repeat of the headline is Headline's hit.
		// (The tokenizer and squeeze buffers of sc are free here.)
		if !headlineChecked {
			headlineChecked = true
			headline, _ = newHeadlineMatcher(doc.Title, DefaultHeadlineOptions(), sc)
		}
		if headline != nil {
			if _, ok := headline.match(doc.Paras[i], i == len(doc.Paras)-1, sc); ok {
				continue
			}
		}
		// The message names the paragraph repeated as the body's lines
		// number it (its first line, on a wrapped body).
		line, _ := doc.Lines(first)
		h := model.Hit{
			Kind:    model.RepeatedParagraph,
			Para:    i,
			Score:   1,
			Message: "paragraph repeats paragraph " + strconv.Itoa(line),
		}
		if edits > 0 {
			longer := max(sc.paras[i].words, sc.paras[first].words)
			h.Score = 1 - float64(edits)/float64(longer)
			h.Message = "paragraph nearly repeats paragraph " + strconv.Itoa(line) +
				" (" + strconv.Itoa(edits) + " of " + strconv.Itoa(longer) + " words differ)"
		}
		out = append(out, h)
		firsts = append(firsts, first)
	}
	return doubles(out, firsts, sc.paras)
}

// doubles keeps the hits that are a scraper's doubles: a paragraph right
// after its original, one of a run of paragraphs each repeating the
// neighbour of the other's original, or one of minIsolatedWords words or
// more. hits[k] repeats paragraph firsts[k].
func doubles(hits []model.Hit, firsts []int, paras []paragraphSig) []model.Hit {
	of := make(map[int]int, len(hits))
	for k, h := range hits {
		of[h.Para] = firsts[k]
	}
	inRun := func(i, first int) bool {
		if f, ok := of[i-1]; ok && f == first-1 {
			return true
		}
		f, ok := of[i+1]
		return ok && f == first+1
	}
	out := hits[:0]
	for k, h := range hits {
		i, first := h.Para, firsts[k]
		if i == first+1 || inRun(i, first) || paras[i].words >= minIsolatedWords {
			out = append(out, h)
		}
	}
	return out
}

// repeats reports whether paragraph i repeats paragraph j, and by how many
// word edits. Pairs that share no end, or differ much in length, are ruled
// out at once; the others are compared on shingle words.
func (sc *scratch) repeats(paras []string, i, j int) (edits int, ok bool) {
	pi, pj := &sc.paras[i], &sc.paras[j]
	if pj.short || (pi.head != pj.head && pi.tail != pj.tail) ||
		2*min(pi.size, pj.size) < max(pi.size, pj.size) {
		return 0, false
	}
	wi, wj := sc.shingleWords(paras, i), sc.shingleWords(paras, j)
	if len(wi) < minRepeatedWords || len(wj) < minRepeatedWords {
		return 0, false
	}
	if slices.Equal(wi, wj) {
		return 0, true
	}
	longer := max(len(wi), len(wj))
	if longer < minNearWords {
		return 0, false
	}
	k := int(maxNearEditShare * float64(longer))
	var d int
	d, sc.row = editDistanceWithin(wi, wj, k, sc.row)
	return d, d <= k
}

// shingleWords returns the shingle word hashes of paragraph i, tokenizing
// it on first use.
func (sc *scratch) shingleWords(paras []string, i int) []uint64 {
	p := &sc.paras[i]
	if p.words < 0 {
		p.off = len(sc.hashes)
		sc.tok.Reset(paras[i])
		for sc.tok.Next() {
			sc.hashes = append(sc.hashes, sc.tok.Hash())
		}
		p.words = len(sc.hashes) - p.off
	}
	return sc.hashes[p.off : p.off+p.words]
}

// Quick words approximate shingle words cheaply, to rule pairs out: ASCII
// letters and digits lower-cased, other letters, digits and marks
// lower-cased by unicode.ToLower, apostrophes inside a word dropped
// ("don't" and "don’t" are "dont"), anything else a separator.

const (
	quickSeed  = 0x9e3779b97f4a7c15
	quickPrime = 0xff51afd7ed558ccd
)

// quickEnds returns the signature of text: the hashes of its first and
// last endWords quick words, whether it has fewer than minRepeatedWords,
// and its size. It reads only the words it hashes and allocates nothing.
func quickEnds(text string) paragraphSig {
	sig := paragraphSig{head: quickSeed, tail: quickSeed, size: len(text), words: -1}
	n, i := 0, 0
	for ; n < minRepeatedWords; n++ {
		var h uint64
		var ok bool
		if h, i, ok = nextQuickWord(text, i); !ok {
			break
		}
		if n < endWords {
			sig.head = bits.RotateLeft64((sig.head^h)*quickPrime, 27)
		}
	}
	if n < minRepeatedWords {
		sig.short = true
		return sig
	}
	i = len(text)
	for n = 0; n < endWords; n++ {
		var h uint64
		var ok bool
		if h, i, ok = prevQuickWord(text, i); !ok {
			break
		}
		sig.tail = bits.RotateLeft64((sig.tail^h)*quickPrime, 27)
	}
	return sig
}

// nextQuickWord hashes the first quick word of text at or after byte i and
// returns the offset just past it; ok is false when there is none.
func nextQuickWord(text string, i int) (h uint64, next int, ok bool) {
	// Skip to the start of a word.
	for i < len(text) {
		c := text[i]
		if c < utf8.RuneSelf {
			if quickWord[c] {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if isQuickLetter(r) {
			break
		}
		i += size
	}
	if i >= len(text) {
		return 0, i, false
	}
	var q quickHash
	for i < len(text) {
		c := text[i]
		if quickWord[c] {
			q.byte(c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			if c == '\'' && i+1 < len(text) && quickWord[text[i+1]] {
				i++ // "don't" is one word
				continue
			}
			break
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if isQuickLetter(r) {
			q.rune(r)
		} else if !isQuickApostrophe(r) {
			break
		}
		i += size
	}
	return q.sum(), i, true
}

// prevQuickWord hashes the last quick word of text before byte i, reading
// it backwards, and returns its start; ok is false when there is none.
func prevQuickWord(text string, i int) (h uint64, start int, ok bool) {
	// Skip back to the end of a word.
	for i > 0 {
		c := text[i-1]
		if c < utf8.RuneSelf {
			if quickWord[c] {
				break
			}
			i--
			continue
		}
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if isQuickLetter(r) {
			break
		}
		i -= size
	}
	if i <= 0 {
		return 0, 0, false
	}
	var q quickHash
	for i > 0 {
		c := text[i-1]
		if quickWord[c] {
			q.byte(c)
			i--
			continue
		}
		if c < utf8.RuneSelf {
			if c == '\'' && i > 1 && quickWord[text[i-2]] {
				i-- // "don't" is one word
				continue
			}
			break
		}
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if isQuickLetter(r) {
			q.rune(r)
		} else if !isQuickApostrophe(r) {
			break
		}
		i -= size
	}
	return q.sum(), i, true
}

// quickHash hashes one quick word: ASCII bytes packed eight to a word,
// other runes mixed in one by one.
type quickHash struct {
	h, acc uint64
	shift  uint
}

func (q *quickHash) byte(c byte) {
	q.acc |= uint64(c|0x20) << q.shift // |0x20 lower-cases letters, keeps digits
	q.shift += 8
	if q.shift == 64 {
		q.h = bits.RotateLeft64((q.h^q.acc)*quickPrime, 31)
		q.acc, q.shift = 0, 0
	}
}

func (q *quickHash) rune(r rune) {
	q.h = bits.RotateLeft64((q.h^q.acc^uint64(unicode.ToLower(r))<<40)*quickPrime, 31)
	q.acc, q.shift = 0, 0
}

func (q *quickHash) sum() uint64 {
	h := (q.h ^ q.acc ^ quickSeed ^ uint64(q.shift)) * quickPrime
	return h ^ h>>29
}

// quickWord marks the ASCII letters and digits.
var quickWord = func() (t [256]bool) {
	for c := range utf8.RuneSelf {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

// isQuickLetter reports whether a non-ASCII rune is part of a quick word.
func isQuickLetter(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r)
}

// isQuickApostrophe reports whether a non-ASCII rune inside a word is an
// apostrophe, dropped like ASCII '.
func isQuickApostrophe(r rune) bool {
	return r == '’' || r == '‘' || r == 'ʼ'
}
