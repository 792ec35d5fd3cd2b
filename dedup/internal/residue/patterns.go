package residue

// Residue patterns: parsing and matching the rules of patterns.txt (see
// the package comment for how the detector uses them).

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

//go:embed patterns.txt
var defaultPatternsText string

// Limits on what a pattern file may hold, so that a hostile file cannot
// make the detector slow or huge.
const (
	maxRules     = 4096
	maxRuleBytes = 4096
	maxLiterals  = 64 // required literals kept per rule
)

// Windows: a paragraph longer than the two windows of its kind together is
// matched on its head and tail only.
const (
	windowBytes  = 160 // each window of a long paragraph
	sentenceHead = 64  // the head window of a long sentence (measureQuick)
	sentenceTail = 96  // and its tail window
)

// Tuning of the line evidence (see the package comment).
const (
	maxLineWords  = 20   // longest line that can be a link of a block
	shortWords    = 15   // longest line that counts as trailing residue
	sentencePen   = 0.35 // factor of weak evidence on a sentence
	longLinePen   = 0.3  // and on a line of more than longLineWords
	longLineWords = 25
)

// Patterns is a compiled set of residue rules. It is immutable and
// safe for concurrent use.
type Patterns struct {
	rules []rule
	pre   prefilter
}

// rule is one parsed line of a pattern file.
type rule struct {
	category string
	weight   float64
	re       *regexp.Regexp
	source   string
	line     int
	// first holds the bytes a match can start with, for rules anchored
	// at the start of text (anchored false: any).
	anchored bool
	first    [4]uint64
	// Where the rule is anchored (^ first, $ last) and the most runes a
	// match spans (-1: unbounded): a rule anchored at one end and of
	// bounded width runs on that end of the text only, one anchored at
	// both ends is skipped on longer texts.
	atStart, atEnd bool
	width          int
	// lits is what the prefilter looks for.
	lits ruleLiterals
}

var defaultPatterns = sync.OnceValues(func() (*Patterns, error) {
	return ParsePatterns(strings.NewReader(defaultPatternsText))
})

// DefaultPatterns returns the built-in rules (patterns.txt, embedded in
// the package). They are parsed once; the result is shared.
func DefaultPatterns() *Patterns {
	p, err := defaultPatterns()
	if err != nil {
		// The embedded file is tested; an empty set keeps the detector
		// working on shape and context alone should it ever be broken.
		return &Patterns{}
	}
	return p
}

// ParsePatterns reads rules, one a line:
//
//	CATEGORY [WEIGHT] REGEXP
//
// CATEGORY is a word (letters, digits, '-', '_'); WEIGHT, optional, is a
// number in (0,1], the score a match gives (default DefaultWeight);
// REGEXP, the rest of the line, is in Go RE2 syntax and is matched against
// a whole paragraph. Blank lines and lines starting with '#' are ignored.
//
// Errors are *PatternError values naming the line, "LINE: ...", which the
// caller prefixes with the file name; they wrap ErrInvalidRegexp or
// ErrInvalidPattern, or the error of r when reading fails.
func ParsePatterns(r io.Reader) (*Patterns, error) {
	p := &Patterns{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxRuleBytes+1)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		r, ok, err := parseRule(sc.Text())
		if err != nil {
			return nil, &PatternError{Line: lineNo, Err: err}
		}
		if !ok {
			continue
		}
		if len(p.rules) >= maxRules {
			return nil, &PatternError{Line: lineNo,
				Err: fmt.Errorf("%w: more than %d rules", ErrInvalidPattern, maxRules)}
		}
		r.line = lineNo
		p.rules = append(p.rules, r)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &PatternError{Line: lineNo + 1,
				Err: fmt.Errorf("%w: line longer than %d bytes", ErrInvalidPattern, maxRuleBytes)}
		}
		return nil, &PatternError{Line: lineNo + 1, Err: fmt.Errorf("read error: %w", err)}
	}
	p.buildPrefilter()
	return p, nil
}

// parseRule parses one line; ok is false for blank and comment
// lines.
func parseRule(text string) (r rule, ok bool, err error) {
	text = strings.TrimSpace(text)
	if text == "" || text[0] == '#' {
		return r, false, nil
	}
	if !utf8.ValidString(text) {
		return r, false, fmt.Errorf("%w: %w", ErrInvalidPattern, errInvalidUTF8)
	}
	cat, rest, _ := strings.Cut(text, " ")
	if i := strings.IndexByte(cat, '\t'); i >= 0 {
		cat, rest = text[:i], text[i+1:]
	}
	for _, c := range cat {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) && c != '-' && c != '_' {
			return r, false, fmt.Errorf("%w: category %q is not a word", ErrInvalidPattern, cat)
		}
	}
	rest = strings.TrimSpace(rest)
	weight := DefaultWeight
	if w, after, found := strings.Cut(rest, " "); found && looksNumber(w) {
		f, perr := strconv.ParseFloat(w, 64)
		if perr != nil || !(f > 0 && f <= 1) {
			return r, false, fmt.Errorf("%w: weight %q is not in (0,1]", ErrInvalidPattern, w)
		}
		weight, rest = f, strings.TrimSpace(after)
	}
	if rest == "" {
		return r, false, fmt.Errorf("%w: missing regexp after category %q", ErrInvalidPattern, cat)
	}
	re, cerr := regexp.Compile(rest)
	if cerr != nil {
		return r, false, fmt.Errorf("%w: %w", ErrInvalidRegexp, cerr)
	}
	if re.MatchString("") {
		return r, false, fmt.Errorf("%w: regexp %q matches an empty line", ErrInvalidPattern, rest)
	}
	r = rule{category: cat, weight: weight, re: re, source: rest, width: -1, lits: noLiterals}
	if syn, err := syntax.Parse(rest, syntax.Perl); err == nil {
		syn = syn.Simplify()
		r.lits = literalsOf(syn)
		if first, ok := firstBytes(syn); ok {
			r.anchored, r.first = true, first
		}
		if syn.Op == syntax.OpConcat && len(syn.Sub) > 0 {
			r.atStart = syn.Sub[0].Op == syntax.OpBeginText
			r.atEnd = syn.Sub[len(syn.Sub)-1].Op == syntax.OpEndText
		}
		r.width = maxWidth(syn)
	}
	return r, true, nil
}

// looksNumber reports whether s is a decimal number like "0.75" or
// "1", the optional weight field.
func looksNumber(s string) bool {
	if s == "" || len(s) > 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && s[i] != '.' {
			return false
		}
	}
	return true
}

// Len returns the number of rules.
func (p *Patterns) Len() int {
	if p == nil {
		return 0
	}
	return len(p.rules)
}

// Merge returns a new set with the rules of p followed by those of q
// (site rules added to the defaults, say). Either may be nil.
func (p *Patterns) Merge(q *Patterns) *Patterns {
	out := &Patterns{}
	if p != nil {
		out.rules = append(out.rules, p.rules...)
	}
	if q != nil {
		out.rules = append(out.rules, q.rules...)
	}
	out.buildPrefilter()
	return out
}

// matchText returns the index of the rule of highest weight (the first
// such in file order) that matches text, a whole paragraph, or -1. It
// applies the same windowing and prefilter as the detector.
func (p *Patterns) matchText(text string) int {
	if p == nil || len(p.rules) == 0 {
		return -1
	}
	sc := getScratch(0)
	defer putScratch(sc)
	return p.match(strings.TrimSpace(text), sc)
}

// match returns the index of the best matching rule, or -1.
func (p *Patterns) match(text string, sc *scratch) int {
	return p.matchIn(text, sc, windowBytes, windowBytes)
}

// matchIn matches text whole when it is at most head+tail bytes long,
// else its first head and last tail bytes, cut at rune boundaries, with a
// NUL where the paragraph was cut. Rules anchored at the end ($) are not
// tried on the head, rules anchored at the start (^) not on the tail.
func (p *Patterns) matchIn(text string, sc *scratch, head, tail int) int {
	if len(p.rules) == 0 || text == "" {
		return -1
	}
	if len(text) <= head+tail {
		sc.win = append(sc.win[:0], text...)
		return p.matchWindow(sc.win, sc, partWhole)
	}
	h := head
	for h > 0 && !utf8.RuneStart(text[h]) {
		h--
	}
	t := len(text) - tail
	for t < len(text) && !utf8.RuneStart(text[t]) {
		t++
	}
	w := append(append(sc.win[:0], text[:h]...), 0)
	sc.win = w
	best := p.matchWindow(w, sc, partHead)
	w = append(append(sc.win2[:0], 0), text[t:]...)
	sc.win2 = w
	if j := p.matchWindow(w, sc, partTail); j >= 0 && (best < 0 || p.rules[j].weight > p.rules[best].weight) {
		best = j
	}
	return best
}

// part says which part of a paragraph a window is.
type part uint8

const (
	partWhole part = iota
	partHead       // the first bytes, a NUL appended
	partTail       // the last bytes, a NUL prepended
)

// matchWindow runs the prefilter and then the candidate rules on w.
func (p *Patterns) matchWindow(w []byte, sc *scratch, part part) int {
	lower := appendLower(sc.lower[:0], w)
	sc.lower = lower
	words := (len(p.rules) + 63) / 64
	if cap(sc.cand) < words {
		sc.cand = make([]uint64, words)
	}
	cand := sc.cand[:words]
	clear(cand)
	any := p.pre.scan(lower, cand)
	if !any {
		return -1
	}
	best := -1
	for wi, word := range cand {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			word &^= 1 << uint(b)
			i := wi*64 + b
			if best >= 0 && p.rules[i].weight <= p.rules[best].weight {
				continue
			}
			r := &p.rules[i]
			if r.anchored && (len(w) == 0 || r.first[w[0]>>6]&(1<<(w[0]&63)) == 0) {
				continue
			}
			// A rule anchored at the end cannot match in the head of a
			// longer text, one anchored at the start not in its tail.
			if (part == partHead && r.atEnd) || (part == partTail && r.atStart) {
				continue
			}
			if r.re.Match(clip(w, r)) {
				best = i
			}
		}
	}
	return best
}

// clip returns the part of w a match of r can lie in: all of w,
// or, for a rule of bounded width anchored at one end, that end of w (one
// rune more, so that \b sees the rune before a match). A rule of bounded
// width anchored at both ends gets nil when w is too long for it.
func clip(w []byte, r *rule) []byte {
	if r.width < 0 || r.atStart == r.atEnd && !r.atStart {
		return w
	}
	if len(w) <= r.width {
		return w
	}
	switch {
	case r.atStart && r.atEnd:
		if utf8.RuneCount(w) > r.width {
			return nil
		}
		return w
	case r.atStart:
		i, n := 0, 0
		for i < len(w) && n <= r.width {
			_, size := utf8.DecodeRune(w[i:])
			i += size
			n++
		}
		return w[:i]
	default:
		i, n := len(w), 0
		for i > 0 && n <= r.width {
			_, size := utf8.DecodeLastRune(w[:i])
			i -= size
			n++
		}
		return w[i:]
	}
}

// appendLower appends w lower-cased rune by rune (invalid bytes kept).
func appendLower(dst, w []byte) []byte {
	for i := 0; i < len(w); {
		c := w[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(w[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, c)
			i++
			continue
		}
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		i += n
	}
	return dst
}
