package shingle

import (
	"encoding/binary"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// folder performs full Unicode case folding (CaseFolding.txt statuses C and
// F, no Turkic tailoring). The x/text case folder keeps no state between
// calls, so one value is safe for concurrent use.
var folder = cases.Fold()

// Normalize returns the normalised form of s:
//
//   - invalid UTF-8 bytes become U+FFFD;
//   - the invisible format characters soft hyphen (U+00AD), zero-width space
//     (U+200B), zero-width non-joiner (U+200C), zero-width joiner (U+200D),
//     word joiner (U+2060) and byte order mark (U+FEFF) are removed;
//   - the text is NFKC-normalised and fully case-folded (NFKC, fold, NFKC);
//     Cherokee folds to capital letters, as Unicode case folding specifies;
//   - typographic single quotes and primes (‘ ’ ‚ ‛ ′ ‵ ‹ ›) become ', double
//     quotes (“ ” „ ‟ ″ ‶ « » 〝 〞 〟) become ", every dash (Unicode
//     category Pd) and the minus sign U+2212 become -, and the ellipsis …
//     becomes ... (by NFKC);
//   - every run of white space (unicode.IsSpace, which includes no-break
//     spaces) and control characters collapses to one ASCII space, and
//     leading and trailing space is removed.
//
// Normalize is idempotent: Normalize(Normalize(s)) == Normalize(s). It is
// safe for concurrent use.
func Normalize(s string) string {
	if isNormalASCII(s) {
		return s
	}
	return string(AppendNormalized(make([]byte, 0, len(s)+8), s))
}

// AppendNormalized appends Normalize(s) to dst and returns the extended
// buffer. It does not allocate when dst has room for the result: ASCII and
// text already in NFKC take a fast path, and the scratch buffers of the
// full pipeline are pooled. It is safe for concurrent use.
func AppendNormalized(dst []byte, s string) []byte {
	w := spaceWriter{dst: dst}
	var p *pipeline
	appendNormalized(&w, s, &p)
	if p != nil && max(cap(p.a), cap(p.b), cap(p.c)) <= maxPooledBuf {
		pipelinePool.Put(p)
	}
	return w.dst
}

// appendNormalized writes the normalised form of s to w. The text is cut
// into chunks at ASCII white space and control characters, which neither
// compose nor reorder with their neighbours under NFKC, so each chunk can be
// normalised on its own. A chunk of ASCII and inert runes (see kInert) is
// copied with ASCII lower-cased and punctuation mapped; any other chunk goes
// through the full pipeline *pp, fetched from the pool on first use.
func appendNormalized(w *spaceWriter, s string, pp **pipeline) {
	var cls *[0x10000]uint8
	for i := 0; i < len(s); {
		mark, state := len(w.dst), w.state
		j := i
		fast := true
	chunk:
		for j < len(s) {
			c := s[j]
			if c < utf8.RuneSelf {
				if c <= ' ' || c == 0x7f {
					break
				}
				w.byte(asciiLower[c])
				j++
				continue
			}
			if cls == nil {
				cls = classTable()
			}
			r, size := utf8.DecodeRuneInString(s[j:])
			var cl uint8
			switch {
			case size == 1: // invalid UTF-8
				w.bytes("\uFFFD")
				j++
				continue
			case r < 0x10000:
				cl = cls[r]
			default:
				cl = basicClass(r)
			}
			switch {
			case cl&kInert != 0:
				w.bytes(s[j : j+size])
			case cl&kPunct != 0:
				w.byte(mapPunct(r))
			case cl&kSpace != 0:
				w.space()
			case cl&kIgnore != 0:
			default:
				fast = false
				break chunk
			}
			j += size
		}
		if !fast {
			w.dst, w.state = w.dst[:mark], state
			for j < len(s) && s[j] > ' ' && s[j] != 0x7f {
				j++ // bytes of multi-byte runes are all >= 0x80
			}
			if *pp == nil {
				*pp = pipelinePool.Get().(*pipeline)
			}
			(*pp).normalizeChunk(w, s[i:j])
		}
		if j < len(s) {
			w.space() // the ASCII space or control that ended the chunk
			j++
		}
		i = j
	}
}

// isNormalASCII reports whether s is ASCII and already normalised, so that
// Normalize can return it without copying.
func isNormalASCII(s string) bool {
	space := true // a space here would be a leading space
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf || ('A' <= c && c <= 'Z'):
			return false
		case c == ' ':
			if space {
				return false
			}
			space = true
		case c < ' ' || c == 0x7f:
			return false
		default:
			space = false
		}
	}
	return !space || len(s) == 0
}

// spaceWriter appends normalised text, collapsing white space: space marks
// a pending separator that is written only before the next non-space byte,
// so runs collapse and leading and trailing space disappears.
type spaceWriter struct {
	dst   []byte
	state uint8 // wrote|pending bits
}

const (
	wrote   = 1 // something has been written
	pending = 2 // a space is due before the next byte
)

func (w *spaceWriter) space() {
	if w.state&wrote != 0 {
		w.state |= pending
	}
}

func (w *spaceWriter) byte(c byte) {
	if w.state&pending != 0 {
		w.dst = append(w.dst, ' ')
	}
	w.dst = append(w.dst, c)
	w.state = wrote
}

func (w *spaceWriter) bytes(s string) {
	if w.state&pending != 0 {
		w.dst = append(w.dst, ' ')
	}
	w.dst = append(w.dst, s...)
	w.state = wrote
}

func (w *spaceWriter) raw(b []byte) {
	if w.state&pending != 0 {
		w.dst = append(w.dst, ' ')
	}
	w.dst = append(w.dst, b...)
	w.state = wrote
}

// pipeline holds the scratch buffers of the full normalisation path. The
// zero value is ready to use; a pipeline is not safe for concurrent use.
type pipeline struct {
	a, b, c []byte
	it      norm.Iter
}

var pipelinePool = sync.Pool{New: func() any { return new(pipeline) }}

// normalizeChunk writes the normalised form of s, which contains no ASCII
// white space or control characters, to w.
func (p *pipeline) normalizeChunk(w *spaceWriter, s string) {
	// Pre-pass: repair UTF-8, drop invisible characters, map punctuation
	// that NFKC would otherwise decompose differently (″ → ′′).
	a := p.a[:0]
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			a = append(a, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case size == 1:
			a = append(a, "\uFFFD"...)
		case isIgnorable(r):
		default:
			if m := mapPunct(r); m != 0 {
				a = append(a, m)
			} else {
				a = append(a, s[i:i+size]...)
			}
		}
		i += size
	}
	p.a = a
	src := p.caseNFKC(a)

	// Post-pass: Cherokee, punctuation produced by NFKC, white space.
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf {
			i++
			if c <= ' ' || c == 0x7f {
				w.space()
			} else {
				w.byte(c) // already folded
			}
			continue
		}
		r, size := utf8.DecodeRune(src[i:])
		i += size
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			w.space()
		case mapPunct(r) != 0:
			w.byte(mapPunct(r))
		case foldCherokee(r) != r:
			var buf [utf8.UTFMax]byte
			w.raw(utf8.AppendRune(buf[:0], foldCherokee(r)))
		default:
			w.raw(src[i-size : i])
		}
	}
}

// caseNFKC returns NFKC(fold(NFKC(src))), using the pipeline buffers b and c
// as needed. The result may alias src, p.b or p.c. Cherokee is left to the
// caller (see foldCherokee).
func (p *pipeline) caseNFKC(src []byte) []byte {
	if norm.NFKC.QuickSpan(src) < len(src) {
		p.b = p.nfkc(p.b[:0], src)
		src = p.b
	}
	if n, _ := folder.Span(src, true); n < len(src) {
		p.c = appendFold(p.c[:0], src)
		src = p.c
		if norm.NFKC.QuickSpan(src) < len(src) {
			p.b = p.nfkc(p.b[:0], src)
			src = p.b
		}
	}
	return src
}

// nfkc appends the NFKC form of src to dst. It uses a norm.Iter kept in the
// pipeline because norm.Form.Append allocates its reorder buffer on every
// call.
func (p *pipeline) nfkc(dst, src []byte) []byte {
	p.it.Init(norm.NFKC, src)
	for !p.it.Done() {
		dst = append(dst, p.it.Next()...)
	}
	return dst
}

// appendFold appends the case folding of src to dst. It calls the folder
// directly: transform.Append would box the Caser and allocate.
func appendFold(dst, src []byte) []byte {
	dst = slices.Grow(dst, len(src)+utf8.UTFMax)
	for {
		nDst, nSrc, err := folder.Transform(dst[len(dst):cap(dst)], src, true)
		dst = dst[:len(dst)+nDst]
		src = src[nSrc:]
		if err != transform.ErrShortDst || len(src) == 0 {
			return dst
		}
		dst = slices.Grow(dst, len(src)+4*utf8.UTFMax)
	}
}

// foldCherokee maps Cherokee small letters to their capital forms, which
// is the direction Unicode case folding takes for Cherokee. The x/text case
// folder maps them the other way round, which would make fold∘NFKC cycle.
func foldCherokee(r rune) rune {
	switch {
	case 0xAB70 <= r && r <= 0xABBF:
		return r - 0xAB70 + 0x13A0
	case 0x13F8 <= r && r <= 0x13FD:
		return r - 8
	}
	return r
}

// mapPunct returns the ASCII replacement of a typographic quote or dash,
// or 0 if r is not one.
func mapPunct(r rune) byte {
	switch r {
	case '\u2018', '\u2019', '\u201A', '\u201B', '\u2032', '\u2035', '\u2039', '\u203A':
		return '\''
	case '\u201C', '\u201D', '\u201E', '\u201F', '\u2033', '\u2036', '\u00AB', '\u00BB',
		'\u301D', '\u301E', '\u301F':
		return '"'
	case '\u2212':
		return '-'
	}
	if r >= 0x58A && unicode.Is(unicode.Pd, r) {
		return '-'
	}
	return 0
}

// isIgnorable reports whether r is one of the invisible format characters
// that Normalize removes and the Tokenizer skips.
func isIgnorable(r rune) bool {
	switch r {
	case '\u00AD', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF':
		return true
	}
	return false
}

// Rune classes, computed once for the Basic Multilingual Plane by
// classTable and without kInert by basicClass beyond it.
const (
	kWord   = 1 << iota // letter (L) or decimal digit (Nd): starts and continues a word
	kMark               // mark (M): continues a word
	kApos               // ' or a character Normalize maps to it: joins word parts
	kIgnore             // removed by Normalize, skipped by the Tokenizer
	kSpace              // white space or control character
	kPunct              // typographic quote or dash: mapPunct(r) != 0
	// kInert: the rune is its own NFKC form and case folding, has
	// combining class 0, never combines with a preceding rune, and is none
	// of the above special cases except kWord and kMark. A string made only
	// of inert runes and ASCII is NFKC (Unicode quick check), so it
	// normalises by lower-casing its ASCII letters.
	kInert
)

var (
	classOnce sync.Once
	classTab  *[0x10000]uint8
)

// classTable returns the class of every rune below U+10000, on first use:
// decoded from classes.go (the table as this package computes it,
// generated by TestClassesFile -update) when that was made from the
// Unicode tables this build has, else computed (13 ms, which every
// process that tokenises used to spend).
func classTable() *[0x10000]uint8 {
	classOnce.Do(func() {
		if unicode.Version == classesUnicode && norm.Version == classesNorm {
			classTab = decodeClasses(classRuns)
		}
		if classTab == nil {
			classTab = computeClasses()
		}
	})
	return classTab
}

// computeClasses computes the class of every rune below U+10000.
func computeClasses() *[0x10000]uint8 {
	t := new([0x10000]uint8)
	for r := rune(0); r < 0x10000; r++ {
		t[r] = computeClass(r)
	}
	return t
}

// encodeClasses returns t as runs: for each run of equal classes its
// length as a uvarint, then the class.
func encodeClasses(t *[0x10000]uint8) []byte {
	var out []byte
	for i := 0; i < len(t); {
		j := i + 1
		for j < len(t) && t[j] == t[i] {
			j++
		}
		out = binary.AppendUvarint(out, uint64(j-i))
		out = append(out, t[i])
		i = j
	}
	return out
}

// decodeClasses decodes the runs of encodeClasses; nil when they do not
// cover the table exactly.
func decodeClasses(runs string) *[0x10000]uint8 {
	t := new([0x10000]uint8)
	b := []byte(runs)
	at := 0
	for len(b) > 0 {
		n, k := binary.Uvarint(b)
		if k <= 0 || len(b) == k || n == 0 || n > uint64(len(t)-at) {
			return nil
		}
		c := b[k]
		for i := range int(n) {
			t[at+i] = c
		}
		at += int(n)
		b = b[k+1:]
	}
	if at != len(t) {
		return nil
	}
	return t
}

// computeClass returns the class bits of r.
func computeClass(r rune) uint8 {
	c := basicClass(r)
	if c&^(kWord|kMark) == 0 && utf8.ValidRune(r) {
		var buf [utf8.UTFMax]byte
		b := utf8.AppendRune(buf[:0], r)
		p := norm.NFKC.Properties(b)
		if p.CCC() == 0 && p.BoundaryBefore() && norm.NFKC.QuickSpan(b) == len(b) {
			if n, _ := folder.Span(b, true); n == len(b) && foldCherokee(r) == r {
				c |= kInert
			}
		}
	}
	return c
}

// basicClass returns the class bits of r except kInert. It is what the hot
// paths use beyond U+FFFF: those runes then take the slow path, which is
// always correct.
func basicClass(r rune) uint8 {
	var c uint8
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		c |= kWord
	}
	if unicode.Is(unicode.M, r) {
		c |= kMark
	}
	if r == '\'' || r == '\uFF07' || mapPunct(r) == '\'' {
		c |= kApos
	}
	if isIgnorable(r) {
		c |= kIgnore
	}
	if unicode.IsSpace(r) || unicode.IsControl(r) {
		c |= kSpace
	}
	if mapPunct(r) != 0 {
		c |= kPunct
	}
	return c
}

// asciiLower maps every byte to itself except A-Z, which map to a-z.
var asciiLower = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if 'A' <= i && i <= 'Z' {
			t[i] = byte(i + 'a' - 'A')
		}
	}
	return t
}()
