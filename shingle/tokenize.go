package shingle

import (
	"sync"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Tokenizer splits text into normalised words. See the package
// documentation for the exact token rules.
//
// The zero value is ready to use and holds no text; call Reset to start on a
// string. A Tokenizer reuses its buffers, so tokenising many strings with one
// Tokenizer does not allocate in steady state. A Tokenizer is not safe for
// concurrent use.
type Tokenizer struct {
	s          string
	pos        int
	start, end int
	tok        []byte
	plain      bool   // the token is s[start:end] lower-cased, not yet copied to tok
	raw        []byte // token bytes with apostrophes and ignorables removed
	out        []byte // filtered non-ASCII token
	p          pipeline
	cls        *[0x10000]uint8
}

// Reset makes the Tokenizer read s from the beginning.
func (t *Tokenizer) Reset(s string) {
	t.s = s
	t.pos = 0
	t.start, t.end = 0, 0
	t.tok = nil
	t.plain = false
}

// Token returns the current token: the normalised, case-folded word found by
// the last call to Next. The slice is valid until the next call to Next or
// Reset and must not be modified.
func (t *Tokenizer) Token() []byte {
	if t.plain {
		t.copyPlain()
	}
	return t.tok
}

// copyPlain copies a plain token, lower-cased, to tok.
func (t *Tokenizer) copyPlain() {
	raw := append(t.raw[:0], t.s[t.start:t.end]...)
	for i, c := range raw {
		raw[i] = c | 0x20 // ASCII letters and digits: lower case
	}
	t.raw, t.tok, t.plain = raw, raw, false
}

// Len returns len(t.Token()) without copying the token.
func (t *Tokenizer) Len() int {
	if t.plain {
		return t.end - t.start
	}
	return len(t.tok)
}

// Hash returns Hash(t.Token()) for the current token. It does not copy a
// token of ASCII letters and digits, the common case, so a caller that
// needs only the hash should call it rather than Token.
func (t *Tokenizer) Hash() uint64 {
	if t.plain {
		return hashLowerASCII(t.s[t.start:t.end])
	}
	return Hash(t.tok)
}

// Start returns the byte offset in the original string of the first byte of
// the current token.
func (t *Tokenizer) Start() int { return t.start }

// End returns the byte offset in the original string just past the last
// letter, digit or mark of the current token.
func (t *Tokenizer) End() int { return t.end }

// Next advances to the next token and reports whether there is one.
func (t *Tokenizer) Next() bool {
	s := t.s
	i := t.pos
	for {
		// Skip to the start of a word: a letter or a digit.
		for i < len(s) {
			c := s[i]
			if c < utf8.RuneSelf {
				if asciiClass[c]&cWord != 0 {
					break
				}
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if t.class(r, size)&kWord != 0 {
				break
			}
			i += size
		}
		if i >= len(s) {
			t.pos = len(s)
			t.start, t.end = len(s), len(s)
			t.tok, t.plain = nil, false
			return false
		}

		start := i
		raw := t.raw[:0]
		ascii, inert := true, true
		end := i
		j := i
		if s[i] < utf8.RuneSelf {
			// A run of ASCII letters and digits that ends the token, the
			// common case, is the token lower-cased: Token copies it
			// only when asked.
			k := i + 1
			for k < len(s) && asciiClass[s[k]]&cWord != 0 {
				k++
			}
			if k == len(s) || (s[k] < utf8.RuneSelf && s[k] != '\'') {
				t.pos = k
				t.start, t.end = start, k
				t.tok, t.plain = nil, true
				return true
			}
		}
	scan:
		for j < len(s) {
			c := s[j]
			if c < utf8.RuneSelf {
				if asciiClass[c]&cWord != 0 {
					k := j
					for k < len(s) {
						c := s[k]
						if asciiClass[c]&cWord == 0 {
							break
						}
						raw = append(raw, asciiLower[c])
						k++
					}
					j, end = k, k
					continue
				}
				if c == '\'' {
					if k, ok := t.afterApostrophe(s, j+1); ok {
						j = k
						continue
					}
				}
				break
			}
			r, size := utf8.DecodeRuneInString(s[j:])
			switch cl := t.class(r, size); {
			case cl&(kWord|kMark) != 0:
				raw = append(raw, s[j:j+size]...)
				ascii = false
				inert = inert && cl&kInert != 0
				j += size
				end = j
			case cl&kIgnore != 0:
				j += size
			case cl&kApos != 0:
				k, ok := t.afterApostrophe(s, j+size)
				if !ok {
					break scan
				}
				j = k
			default:
				break scan
			}
		}
		t.raw = raw
		t.pos = j
		t.plain = false
		i = j

		if ascii || inert {
			// Already NFKC and folded: ASCII letters were lower-cased as
			// they were copied.
			t.tok = raw
		} else {
			t.tok = t.normalizeToken(raw)
			if len(t.tok) == 0 {
				continue // the word normalised to nothing (rare)
			}
		}
		t.start, t.end = start, end
		return true
	}
}

// class returns the class bits of the non-ASCII rune r decoded from size
// bytes; invalid UTF-8 separates words.
func (t *Tokenizer) class(r rune, size int) uint8 {
	if size == 1 {
		return 0
	}
	if r < 0x10000 {
		if t.cls == nil {
			t.cls = classTable()
		}
		return t.cls[r]
	}
	return basicClass(r)
}

// normalizeToken returns the normalised form of a raw non-ASCII token:
// NFKC, case fold, NFKC, Cherokee folded, and every rune that is not a
// letter, mark or digit removed (NFKC can expand a letter into text with
// spaces or punctuation, e.g. U+FDFA).
func (t *Tokenizer) normalizeToken(raw []byte) []byte {
	src := t.p.caseNFKC(raw)
	out := t.out[:0]
	removed := false
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf {
			if asciiClass[c]&cWord != 0 {
				out = append(out, c)
			} else {
				removed = true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(src[i:])
		if t.class(r, size)&(kWord|kMark) != 0 {
			if f := foldCherokee(r); f != r {
				out = utf8.AppendRune(out, f)
			} else {
				out = append(out, src[i:i+size]...)
			}
		} else {
			removed = true
		}
		i += size
	}
	t.out = out
	if removed && norm.NFKC.QuickSpan(out) < len(out) {
		t.p.a = t.p.nfkc(t.p.a[:0], out)
		return t.p.a
	}
	return out
}

// afterApostrophe reports whether the apostrophe that ended just before
// s[i] joins two parts of a word, that is whether the next rune other than
// an ignorable is a letter or a digit, and returns that rune's offset.
func (t *Tokenizer) afterApostrophe(s string, i int) (int, bool) {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			return i, asciiClass[c]&cWord != 0
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		cl := t.class(r, size)
		if cl&kIgnore == 0 {
			return i, cl&kWord != 0
		}
		i += size
	}
	return i, false
}

// ASCII character classes.
const (
	cWord  = 1 << iota // letter or digit
	cUpper             // A-Z
)

var asciiClass = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = cWord
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = cWord
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = cWord | cUpper
	}
	return t
}()

var tokenizerPool = sync.Pool{New: func() any { return new(Tokenizer) }}

// Words returns the normalised words of s, as produced by a Tokenizer.
func Words(s string) []string {
	return AppendWords(nil, s)
}

// AppendWords appends the normalised words of s to dst and returns the
// extended slice. Words and AppendWords are safe for concurrent use.
func AppendWords(dst []string, s string) []string {
	t := tokenizerPool.Get().(*Tokenizer)
	t.Reset(s)
	for t.Next() {
		dst = append(dst, string(t.Token()))
	}
	t.Reset("")
	tokenizerPool.Put(t)
	return dst
}
