package dedup

// Residue patterns: parsing and matching the rules of patterns/residue.txt
// (see residue.go for how the detector uses them).

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

// DefaultResidueThreshold is the score from which ResidueDetector reports a
// paragraph.
const DefaultResidueThreshold = 0.5

// DefaultResidueWeight is the weight of a pattern rule that gives none.
const DefaultResidueWeight = 0.9

// Errors of ParseResiduePatterns, wrapped in an *InputError that names the
// line ("residue.txt:12: invalid regexp: ...").
var (
	// ErrInvalidRegexp is returned when a rule's regular expression does
	// not compile.
	ErrInvalidRegexp = errors.New("invalid regexp")
	// ErrInvalidPattern is returned when a rule line is not "CATEGORY
	// [WEIGHT] REGEXP": no regexp, a bad category name or a weight out of
	// (0,1].
	ErrInvalidPattern = errors.New("invalid residue pattern")
)

//go:embed patterns/residue.txt
var defaultResiduePatternsText string

// Limits on what a pattern file may hold, so that a hostile file cannot
// make the detector slow or huge.
const (
	residueMaxRules     = 4096
	residueMaxRuleBytes = 4096
	residueMaxLiterals  = 64 // required literals kept per rule
)

// Windows: a paragraph longer than the two windows of its kind together is
// matched on its head and tail only.
const (
	residueWindowBytes  = 160 // each window of a long paragraph
	residueSentenceHead = 64  // the head window of a long sentence (residueQuick)
	residueSentenceTail = 96  // and its tail window
)

// Tuning of the line evidence (see the file comment).
const (
	residueMaxLineWords  = 20   // longest line that can be a link of a block
	residueShortWords    = 15   // longest line that counts as trailing residue
	residueSentencePen   = 0.35 // factor of weak evidence on a sentence
	residueLongLinePen   = 0.3  // and on a line of more than residueLongLineWords
	residueLongLineWords = 25
)

// ResiduePatterns is a compiled set of residue rules. It is immutable and
// safe for concurrent use.
type ResiduePatterns struct {
	rules []residueRule
	pre   residuePrefilter
}

type residueRule struct {
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
}

// ResidueRule describes one rule of a ResiduePatterns.
type ResidueRule struct {
	// Category names the kind of residue ("share", "credit"...).
	Category string
	// Weight is the score a match gives.
	Weight float64
	// Regexp is the rule's expression as written.
	Regexp string
	// Line is the 1-based line of the rule in its file.
	Line int
}

var defaultResiduePatterns = sync.OnceValues(func() (*ResiduePatterns, error) {
	return parseResiduePatterns("residue.txt", strings.NewReader(defaultResiduePatternsText))
})

// DefaultResiduePatterns returns the built-in rules (patterns/residue.txt,
// embedded in the package). They are parsed once; the result is shared.
func DefaultResiduePatterns() *ResiduePatterns {
	p, err := defaultResiduePatterns()
	if err != nil {
		// The embedded file is tested; an empty set keeps the detector
		// working on shape and context alone should it ever be broken.
		return &ResiduePatterns{}
	}
	return p
}

// ParseResiduePatterns reads rules, one a line:
//
//	CATEGORY [WEIGHT] REGEXP
//
// CATEGORY is a word (letters, digits, '-', '_'); WEIGHT, optional, is a
// number in (0,1], the score a match gives (default 0.9); REGEXP, the rest
// of the line, is in Go RE2 syntax and is matched against a whole
// paragraph. Blank lines and lines starting with '#' are ignored.
//
// Errors are *InputError values naming the line, "NAME:LINE: ...", where
// NAME is r's Name() when r has one (an *os.File) and "patterns"
// otherwise; they wrap ErrInvalidRegexp or ErrInvalidPattern.
func ParseResiduePatterns(r io.Reader) (*ResiduePatterns, error) {
	name := "patterns"
	if n, ok := r.(interface{ Name() string }); ok && n.Name() != "" {
		name = n.Name()
	}
	return parseResiduePatterns(name, r)
}

func parseResiduePatterns(name string, r io.Reader) (*ResiduePatterns, error) {
	p := &ResiduePatterns{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), residueMaxRuleBytes+1)
	line := 0
	for sc.Scan() {
		line++
		rule, ok, err := parseResidueRule(sc.Text())
		if err != nil {
			return nil, &InputError{File: name, Line: line, Err: err}
		}
		if !ok {
			continue
		}
		if len(p.rules) >= residueMaxRules {
			return nil, &InputError{File: name, Line: line,
				Err: fmt.Errorf("%w: more than %d rules", ErrInvalidPattern, residueMaxRules)}
		}
		rule.line = line
		p.rules = append(p.rules, rule)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &InputError{File: name, Line: line + 1,
				Err: fmt.Errorf("%w: line longer than %d bytes", ErrInvalidPattern, residueMaxRuleBytes)}
		}
		return nil, &InputError{File: name, Line: line + 1, Err: fmt.Errorf("%w: %w", ErrRead, err)}
	}
	p.buildPrefilter()
	return p, nil
}

// parseResidueRule parses one line; ok is false for blank and comment
// lines.
func parseResidueRule(text string) (rule residueRule, ok bool, err error) {
	text = strings.TrimSpace(text)
	if text == "" || text[0] == '#' {
		return rule, false, nil
	}
	if !utf8.ValidString(text) {
		return rule, false, fmt.Errorf("%w: %w", ErrInvalidPattern, ErrInvalidUTF8)
	}
	cat, rest, _ := strings.Cut(text, " ")
	if i := strings.IndexByte(cat, '\t'); i >= 0 {
		cat, rest = text[:i], text[i+1:]
	}
	for _, r := range cat {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_' {
			return rule, false, fmt.Errorf("%w: category %q is not a word", ErrInvalidPattern, cat)
		}
	}
	rest = strings.TrimSpace(rest)
	weight := DefaultResidueWeight
	if w, after, found := strings.Cut(rest, " "); found && residueLooksNumber(w) {
		f, perr := strconv.ParseFloat(w, 64)
		if perr != nil || !(f > 0 && f <= 1) {
			return rule, false, fmt.Errorf("%w: weight %q is not in (0,1]", ErrInvalidPattern, w)
		}
		weight, rest = f, strings.TrimSpace(after)
	}
	if rest == "" {
		return rule, false, fmt.Errorf("%w: missing regexp after category %q", ErrInvalidPattern, cat)
	}
	re, cerr := regexp.Compile(rest)
	if cerr != nil {
		return rule, false, fmt.Errorf("%w: %w", ErrInvalidRegexp, cerr)
	}
	if re.MatchString("") {
		return rule, false, fmt.Errorf("%w: regexp %q matches an empty line", ErrInvalidPattern, rest)
	}
	rule = residueRule{category: cat, weight: weight, re: re, source: rest, width: -1}
	if syn, err := syntax.Parse(rest, syntax.Perl); err == nil {
		syn = syn.Simplify()
		if first, ok := residueFirstBytes(syn); ok {
			rule.anchored, rule.first = true, first
		}
		if syn.Op == syntax.OpConcat && len(syn.Sub) > 0 {
			rule.atStart = syn.Sub[0].Op == syntax.OpBeginText
			rule.atEnd = syn.Sub[len(syn.Sub)-1].Op == syntax.OpEndText
		}
		rule.width = residueMaxWidth(syn)
	}
	return rule, true, nil
}

// residueLooksNumber reports whether s is a decimal number like "0.75" or
// "1", the optional weight field.
func residueLooksNumber(s string) bool {
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
func (p *ResiduePatterns) Len() int {
	if p == nil {
		return 0
	}
	return len(p.rules)
}

// Rules lists the rules in file order.
func (p *ResiduePatterns) Rules() []ResidueRule {
	if p == nil {
		return nil
	}
	out := make([]ResidueRule, len(p.rules))
	for i, r := range p.rules {
		out[i] = ResidueRule{Category: r.category, Weight: r.weight, Regexp: r.source, Line: r.line}
	}
	return out
}

// Merge returns a new set with the rules of p followed by those of q
// (site rules added to the defaults, say). Either may be nil.
func (p *ResiduePatterns) Merge(q *ResiduePatterns) *ResiduePatterns {
	out := &ResiduePatterns{}
	if p != nil {
		out.rules = append(out.rules, p.rules...)
	}
	if q != nil {
		out.rules = append(out.rules, q.rules...)
	}
	out.buildPrefilter()
	return out
}

// Match reports the rule of highest weight (the first such in file order)
// that matches text, a whole paragraph. It applies the same windowing and
// prefilter as the detector.
func (p *ResiduePatterns) Match(text string) (rule ResidueRule, ok bool) {
	if p == nil || len(p.rules) == 0 {
		return rule, false
	}
	sc := getResidueScratch(0)
	defer putResidueScratch(sc)
	i := p.match(strings.TrimSpace(text), sc)
	if i < 0 {
		return rule, false
	}
	r := p.rules[i]
	return ResidueRule{Category: r.category, Weight: r.weight, Regexp: r.source, Line: r.line}, true
}

// match returns the index of the best matching rule, or -1.
func (p *ResiduePatterns) match(text string, sc *residueScratch) int {
	return p.matchIn(text, sc, residueWindowBytes, residueWindowBytes)
}

// matchIn matches text whole when it is at most head+tail bytes long,
// else its first head and last tail bytes, cut at rune boundaries, with a
// NUL where the paragraph was cut. Rules anchored at the end ($) are not
// tried on the head, rules anchored at the start (^) not on the tail.
func (p *ResiduePatterns) matchIn(text string, sc *residueScratch, head, tail int) int {
	if len(p.rules) == 0 || text == "" {
		return -1
	}
	if len(text) <= head+tail {
		sc.win = append(sc.win[:0], text...)
		return p.matchWindow(sc.win, sc, residueWhole)
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
	best := p.matchWindow(w, sc, residueHead)
	w = append(append(sc.win2[:0], 0), text[t:]...)
	sc.win2 = w
	if j := p.matchWindow(w, sc, residueTail); j >= 0 && (best < 0 || p.rules[j].weight > p.rules[best].weight) {
		best = j
	}
	return best
}

// residuePart says which part of a paragraph a window is.
type residuePart uint8

const (
	residueWhole residuePart = iota
	residueHead              // the first bytes, a NUL appended
	residueTail              // the last bytes, a NUL prepended
)

// matchWindow runs the prefilter and then the candidate rules on w.
func (p *ResiduePatterns) matchWindow(w []byte, sc *residueScratch, part residuePart) int {
	lower := residueLower(sc.lower[:0], w)
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
			if (part == residueHead && r.atEnd) || (part == residueTail && r.atStart) {
				continue
			}
			if r.re.Match(residueClip(w, r)) {
				best = i
			}
		}
	}
	return best
}

// residueClip returns the part of w a match of r can lie in: all of w,
// or, for a rule of bounded width anchored at one end, that end of w (one
// rune more, so that \b sees the rune before a match). A rule of bounded
// width anchored at both ends gets nil when w is too long for it.
func residueClip(w []byte, r *residueRule) []byte {
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

// residueLower appends w lower-cased rune by rune (invalid bytes kept).
func residueLower(dst, w []byte) []byte {
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
