package dedup

// Repeated paragraphs.
//
// A scraper that walks a page twice, or a template that prints a pull
// quote beside the text it quotes, leaves the same paragraph twice in one
// article. Paragraphs are compared as sequences of shingle words (NFKC,
// case folded, punctuation dropped), hashed:
//
//   - exact: the same word sequence;
//   - near-exact: paragraphs of at least minNearWords words whose word
//     sequences are within maxNearEditShare word edits (insertions,
//     deletions, substitutions) of the longer one.
//
// Lines under minRepeatedWords words ("Advertisement", "Share this
// article") repeat in many articles as page furniture; they are the
// residue detector's business and are ignored here. So are paragraphs
// that repeat the headline, which DetectRepeatedHeadline reports.
//
// Candidate pairs are filtered by length and by a 256-bit sketch of their
// word hashes before the banded edit distance runs, so a doc of n
// paragraphs costs one tokenization plus n²/2 cheap comparisons.

import (
	"math/bits"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/newsdedup/newsdedup/shingle"
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
)

// paragraphSig is what DetectRepeatedParagraphs keeps of one paragraph.
type paragraphSig struct {
	// key, n and sketch describe the paragraph's quick words (see
	// quickSignature): the hash of their sequence, their count, and a
	// 256-bit set of their hashes.
	key    uint64
	n      int
	sketch [4]uint64
	// off and words locate its shingle word hashes in scratch.hashes once
	// tokenized; words is -1 before.
	off, words int
}

// DetectRepeatedParagraphs reports every paragraph of doc that repeats an
// earlier one, exactly or nearly, as a KindRepeatedParagraph finding. The
// later copy gets the finding; its message names the first paragraph it
// repeats ("paragraph repeats paragraph 3"). The score is 1 for an exact
// repeat and one less the share of words edited for a near-exact one.
//
// Paragraphs of fewer than 5 words, and paragraphs that repeat the
// headline, are never reported. It is pure and safe for concurrent use.
func DetectRepeatedParagraphs(doc *Document) []Finding {
	if doc == nil || len(doc.Paragraphs) < 2 {
		return nil
	}
	sc := getScratch()
	defer putScratch(sc)
	sc.hashes, sc.paras = sc.hashes[:0], sc.paras[:0]
	for _, p := range doc.Paragraphs {
		sig := quickSignature(p.Text)
		sig.words = -1
		sc.paras = append(sc.paras, sig)
	}

	var out []Finding
	var headline *headlineMatcher
	headlineChecked := false
	for i := 1; i < len(sc.paras); i++ {
		if sc.paras[i].n < minRepeatedWords {
			continue
		}
		first, edits := -1, 0
		for j := 0; j < i; j++ {
			if d, ok := sc.repeats(doc, i, j); ok {
				first, edits = j, d
				break
			}
		}
		if first < 0 {
			continue
		}
		// A repeat of the headline is DetectRepeatedHeadline's finding.
		// (The tokenizer and squeeze buffers of sc are free here.)
		if !headlineChecked {
			headlineChecked = true
			headline, _ = newHeadlineMatcher(doc.Title, DefaultHeadlineOptions(), sc)
		}
		if headline != nil {
			if _, ok := headline.match(doc.Paragraphs[i].Text, i == len(doc.Paragraphs)-1, sc); ok {
				continue
			}
		}
		f := Finding{
			Kind:      KindRepeatedParagraph,
			Paragraph: i,
			Line:      doc.Paragraphs[i].Line,
			Score:     1,
			Message:   "paragraph repeats paragraph " + strconv.Itoa(first),
		}
		if edits > 0 {
			longer := max(sc.paras[i].words, sc.paras[first].words)
			f.Score = 1 - float64(edits)/float64(longer)
			f.Message = "paragraph nearly repeats paragraph " + strconv.Itoa(first) +
				" (" + strconv.Itoa(edits) + " of " + strconv.Itoa(longer) + " words differ)"
		}
		out = append(out, f)
	}
	return out
}

// repeats reports whether paragraph i repeats paragraph j, and by how many
// word edits. Quick signatures rule out most pairs; the others are
// compared on shingle words.
func (sc *scratch) repeats(doc *Document, i, j int) (edits int, ok bool) {
	pi, pj := &sc.paras[i], &sc.paras[j]
	if pj.n < minRepeatedWords {
		return 0, false
	}
	same := pi.key == pj.key && pi.n == pj.n
	longer := max(pi.n, pj.n)
	k := int(maxNearEditShare * float64(longer))
	if !same && (longer < minNearWords || abs(pi.n-pj.n) > k || sketchDistance(pi.sketch, pj.sketch) > 2*k) {
		return 0, false
	}
	wi, wj := sc.shingleWords(doc, i), sc.shingleWords(doc, j)
	if len(wi) < minRepeatedWords || len(wj) < minRepeatedWords {
		return 0, false
	}
	if equalHashes(wi, wj) {
		return 0, true
	}
	longer = max(len(wi), len(wj))
	if longer < minNearWords {
		return 0, false
	}
	k = int(maxNearEditShare * float64(longer))
	var d int
	d, sc.row = editDistanceWithin(wi, wj, k, sc.row)
	return d, d <= k
}

// shingleWords returns the shingle word hashes of paragraph i, tokenizing
// it on first use.
func (sc *scratch) shingleWords(doc *Document, i int) []uint64 {
	p := &sc.paras[i]
	if p.words < 0 {
		p.off = len(sc.hashes)
		sc.tok.Reset(doc.Paragraphs[i].Text)
		for sc.tok.Next() {
			sc.hashes = append(sc.hashes, shingle.Hash(sc.tok.Token()))
		}
		p.words = len(sc.hashes) - p.off
	}
	return sc.hashes[p.off : p.off+p.words]
}

// quickSignature describes text by its quick words, a cheap approximation
// of shingle words used only to rule pairs out: ASCII letters and digits
// lower-cased, other letters, digits and marks lower-cased by
// unicode.ToLower, apostrophes inside words dropped, anything else a
// separator. ASCII bytes are hashed eight at a time. It allocates nothing.
func quickSignature(text string) paragraphSig {
	const (
		seed  = 0x9e3779b97f4a7c15
		prime = 0xff51afd7ed558ccd
	)
	sig := paragraphSig{key: seed}
	i := 0
	for i < len(text) {
		// Skip to the start of a word.
		c := text[i]
		if c < utf8.RuneSelf {
			if !quickWord[c] {
				i++
				continue
			}
		} else if r, size := utf8.DecodeRuneInString(text[i:]); !isQuickLetter(r) {
			i += size
			continue
		}
		// Hash the word: ASCII bytes packed eight to a word of acc,
		// other runes mixed in one by one.
		h := uint64(seed)
		var acc uint64
		shift := uint(0)
	word:
		for i < len(text) {
			c := text[i]
			if c < utf8.RuneSelf {
				switch {
				case quickWord[c]:
					acc |= uint64(c|0x20) << shift // |0x20 lower-cases letters, keeps digits
					shift += 8
					if shift == 64 {
						h = bits.RotateLeft64((h^acc)*prime, 31)
						acc, shift = 0, 0
					}
					i++
				case c == '\'' && i+1 < len(text) && quickWord[text[i+1]]:
					i++ // "don't" is one word
				default:
					break word
				}
				continue
			}
			r, size := utf8.DecodeRuneInString(text[i:])
			switch {
			case isQuickLetter(r):
				h = bits.RotateLeft64((h^acc^uint64(unicode.ToLower(r))<<40)*prime, 31)
				acc, shift = 0, 0
			case r != '’' && r != '‘':
				break word
			}
			i += size
		}
		h = (h ^ acc ^ uint64(shift)) * prime
		h ^= h >> 29
		sig.key = bits.RotateLeft64((sig.key^h)*prime, 27)
		sig.sketch[h>>62] |= 1 << (h & 63)
		sig.n++
	}
	return sig
}

// quickWord marks the ASCII letters and digits.
var quickWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = isASCIIAlnum(byte(c))
	}
	return t
}()

// isQuickLetter reports whether a non-ASCII rune is part of a quick word.
func isQuickLetter(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r)
}

func isASCIIAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// words returns the word hashes of p.
func (sc *scratch) words(p *paragraphSig) []uint64 {
	return sc.hashes[p.off : p.off+p.n]
}

func equalHashes(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// sketchDistance counts the bits in which two sketches differ. One word
// edit changes at most two bits, so paragraphs k edits apart differ in at
// most 2k bits.
func sketchDistance(a, b [4]uint64) int {
	return bits.OnesCount64(a[0]^b[0]) + bits.OnesCount64(a[1]^b[1]) +
		bits.OnesCount64(a[2]^b[2]) + bits.OnesCount64(a[3]^b[3])
}

// editDistanceWithin returns the Levenshtein distance between a and b when
// it is at most k, and k+1 otherwise. It fills only the diagonal band of
// width 2k+1 and stops as soon as a row exceeds k, so it costs O(k·len)
// at worst and far less for texts that differ early. row is scratch space,
// returned grown for reuse.
func editDistanceWithin[T comparable](a, b []T, k int, row []int) (int, []int) {
	n, m := len(a), len(b)
	inf := k + 1
	if k < 0 || abs(n-m) > k {
		return inf, row
	}
	if cap(row) < 2*(m+2) {
		row = make([]int, 2*(m+2))
	}
	row = row[:2*(m+2)]
	prev, cur := row[:m+2], row[m+2:]
	for j := 0; j <= m+1; j++ {
		prev[j] = min(j, inf)
	}
	for i := 1; i <= n; i++ {
		lo, hi := max(1, i-k), min(m, i+k)
		if lo == 1 {
			cur[0] = min(i, inf)
		} else {
			cur[lo-1] = inf
		}
		rowMin := cur[lo-1]
		for j := lo; j <= hi; j++ {
			v := prev[j-1]
			if a[i-1] != b[j-1] {
				v++
			}
			v = min(v, prev[j]+1, cur[j-1]+1, inf)
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		cur[hi+1] = inf
		if rowMin > k {
			return inf, row
		}
		prev, cur = cur, prev
	}
	return min(prev[m], inf), row
}
