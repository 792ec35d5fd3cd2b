package dedup

// Scraper residue.
//
// Around an article a scraper picks up lines that are not the article:
// "Related Articles" and lists of other headlines, read-more links, share,
// follow, like, subscribe and comment prompts, "Advertisement", video,
// gallery and poll placeholders, leaked HTML, CSS and JavaScript, image
// credits and file names, copyright and syndication notes.
//
// The detector scores every paragraph from three kinds of evidence:
//
//   - Patterns, kept as data (patterns/residue.txt, one "category regexp"
//     rule a line, in several languages). A rule match is strong evidence:
//     its weight (0.9 unless the rule says otherwise) is the score.
//   - The shape of the line, which needs no language: no letters at all
//     ("* * *", "03:45"), a bare URL, code (braces, semicolons), a file
//     name or URL slug (one token with hyphens), titles run together
//     without spaces ("...DecisionFox News Slams..."), a line printed
//     twice, an e-mail address or @handle in a short line, a copy of the
//     previous paragraph with a credit tacked on. These are strong too.
//     Weaker hints: a truncated teaser ending in "...", a short all-caps
//     line, a title-case line without final punctuation, a lower-case
//     fragment, runs of spaces.
//   - Context: position after the last sentence of the article (the tail,
//     where residue collects), runs of three or more short headline-like
//     lines (a related-links block), lines next to a "Related" or "Read
//     more" marker (the block's other lines), recurrence in the body and,
//     when a corpus was scanned, in other bodies with different neighbours
//     (boilerplate, not a syndicated copy).
//
// Weak evidence is discounted on lines that read as sentences (final
// full stop, question or exclamation mark) and on long lines, which is what
// keeps subheadings ("Lessons for the future") and short quotes out: a lone
// headline-like line between two paragraphs of prose scores 0.25.
// Evidence combines as a noisy-OR, score = 1 - Π(1 - w), and a paragraph
// is flagged at DefaultResidueThreshold (0.5) or above.
//
// The title is never flagged, nor a paragraph that repeats it (the
// repeated-headline detector reports those).
//
// Cost: every paragraph is measured in one pass over its runes. Patterns
// run only where a literal they require occurs (a prefilter built from the
// parsed regexps), and on paragraphs over 320 bytes only on the first and
// last 160 bytes.

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
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

// residuePatternLimits bound what a pattern file may hold, so that a
// hostile file cannot make the detector slow or huge.
const (
	residueMaxRules      = 4096
	residueMaxRuleBytes  = 4096
	residueMaxLiterals   = 64 // per rule, for the prefilter
	residueWindowBytes   = 160 // head and tail windows of a long paragraph
	residueSentenceHead  = 64  // and of a long sentence (see residueQuick)
	residueSentenceTail  = 96
	residueMaxLineWords  = 20 // longest line context rules consider
	residueShortWords    = 15
	residueSentencePen   = 0.35
	residueLongLinePen   = 0.3
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
	rule = residueRule{category: cat, weight: weight, re: re, source: rest}
	if syn, err := syntax.Parse(rest, syntax.Perl); err == nil {
		if first, ok := residueFirstBytes(syn.Simplify()); ok {
			rule.anchored, rule.first = true, first
		}
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
// NUL where the paragraph was cut so that ^ and $ keep meaning its start
// and end.
func (p *ResiduePatterns) matchIn(text string, sc *residueScratch, head, tail int) int {
	if len(p.rules) == 0 || text == "" {
		return -1
	}
	if len(text) <= head+tail {
		sc.win = append(sc.win[:0], text...)
		return p.matchWindow(sc.win, sc)
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
	best := p.matchWindow(w, sc)
	w = append(append(sc.win2[:0], 0), text[t:]...)
	sc.win2 = w
	if j := p.matchWindow(w, sc); j >= 0 && (best < 0 || p.rules[j].weight > p.rules[best].weight) {
		best = j
	}
	return best
}

// matchWindow runs the prefilter and then the candidate rules on w.
func (p *ResiduePatterns) matchWindow(w []byte, sc *residueScratch) int {
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
			if r := &p.rules[i]; r.anchored && (len(w) == 0 || r.first[w[0]>>6]&(1<<(w[0]&63)) == 0) {
				continue
			}
			if p.rules[i].re.Match(w) {
				best = i
			}
		}
	}
	return best
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

// buildPrefilter indexes the literals the rules require.
func (p *ResiduePatterns) buildPrefilter() {
	p.pre = residuePrefilter{}
	for ri, r := range p.rules {
		p.pre.add(int32(ri), r.source)
	}
	p.pre.index()
}

// residuePrefilter finds the rules worth running on a text: those of
// which a required literal occurs in the text, lower-cased, at a place
// where a match could have it. A literal of a rule anchored at the start
// (^ then a bounded prefix) can only start in the first bytes of the
// text, one of a rule anchored at the end within the last bytes; other
// literals anywhere. Literals of one byte are looked up by that byte,
// longer ones by their first two: a bitmap per place says whether a pair
// starts a literal, idx maps the pair to its bucket.
type residuePrefilter struct {
	lits     []residueLiteral
	one      [256][]int32
	idx      [1 << 16]uint16 // bucket+1 of a byte pair, 0 for none
	buckets  []residueBucket
	anyBits  [1 << 16 / 64]uint64
	headBits [1 << 16 / 64]uint64
	tailBits [1 << 16 / 64]uint64
	headSpan int // no head literal starts after this offset
	tailSpan int // no tail literal starts further than this from the end
	always   []int32
	byText   map[string]int32
}

// residueBucket lists the literals starting with one byte pair, by place.
type residueBucket struct{ any, head, tail []int32 }

// residueLiteral is one required literal and the rules that require it.
type residueLiteral struct {
	text  string
	place residuePlace // the loosest place of its refs
	refs  []residueLitRef
}

// residuePlace says where a literal can start in a text of n bytes: at an
// offset up to head, when head >= 0; at most tail bytes before the end,
// when tail >= 0; anywhere when both are -1.
type residuePlace struct{ head, tail int32 }

func (pl residuePlace) allows(i, n int) bool {
	return (pl.head < 0 || i <= int(pl.head)) && (pl.tail < 0 || n-i <= int(pl.tail))
}

// residueLitRef ties a literal to a rule that requires it at a place.
type residueLitRef struct {
	rule  int32
	place residuePlace
}

// residueAnchorSlack is added to the offsets of anchored literals:
// lower-casing can change the length of a few non-ASCII letters.
const residueAnchorSlack = 8

// add records the literals rule ri requires.
func (f *residuePrefilter) add(ri int32, src string) {
	lits, place, ok := residueRequiredLiterals(src)
	if !ok {
		f.always = append(f.always, ri)
		return
	}
	if f.byText == nil {
		f.byText = map[string]int32{}
	}
	for _, l := range lits {
		li, seen := f.byText[l]
		if !seen {
			li = int32(len(f.lits))
			f.byText[l] = li
			f.lits = append(f.lits, residueLiteral{text: l, place: place})
		}
		lit := &f.lits[li]
		if lit.place.head < 0 || place.head < 0 {
			lit.place.head = -1
		} else {
			lit.place.head = max(lit.place.head, place.head)
		}
		if lit.place.tail < 0 || place.tail < 0 {
			lit.place.tail = -1
		} else {
			lit.place.tail = max(lit.place.tail, place.tail)
		}
		lit.refs = append(lit.refs, residueLitRef{rule: ri, place: place})
	}
}

// index builds the lookup tables once every rule is added.
func (f *residuePrefilter) index() {
	f.byText = nil
	for li := range f.lits {
		l := &f.lits[li]
		if len(l.text) == 1 {
			f.one[l.text[0]] = append(f.one[l.text[0]], int32(li))
			continue
		}
		k := uint16(l.text[0])<<8 | uint16(l.text[1])
		if f.idx[k] == 0 {
			f.buckets = append(f.buckets, residueBucket{})
			f.idx[k] = uint16(len(f.buckets))
		}
		b := &f.buckets[f.idx[k]-1]
		switch {
		case l.place.head >= 0:
			b.head = append(b.head, int32(li))
			f.headBits[k>>6] |= 1 << (k & 63)
			f.headSpan = max(f.headSpan, int(l.place.head))
		case l.place.tail >= 0:
			b.tail = append(b.tail, int32(li))
			f.tailBits[k>>6] |= 1 << (k & 63)
			f.tailSpan = max(f.tailSpan, int(l.place.tail))
		default:
			b.any = append(b.any, int32(li))
			f.anyBits[k>>6] |= 1 << (k & 63)
		}
	}
}

// scan marks in cand the rules whose literals occur in lower and reports
// whether it marked any.
func (f *residuePrefilter) scan(lower []byte, cand []uint64) bool {
	n := len(lower)
	any := false
	hit := func(li int32, i int) {
		lit := &f.lits[li]
		if !lit.place.allows(i, n) || n-i < len(lit.text) || string(lower[i:i+len(lit.text)]) != lit.text {
			return
		}
		for _, ref := range lit.refs {
			if ref.place.allows(i, n) {
				cand[ref.rule>>6] |= 1 << (uint(ref.rule) & 63)
				any = true
			}
		}
	}
	for i, c := range lower {
		for _, li := range f.one[c] {
			hit(li, i)
		}
	}
	if n >= 2 {
		for i := 0; i < n-1; i++ {
			k := uint16(lower[i])<<8 | uint16(lower[i+1])
			if f.anyBits[k>>6]&(1<<(k&63)) != 0 {
				for _, li := range f.buckets[f.idx[k]-1].any {
					hit(li, i)
				}
			}
		}
		for i := 0; i < min(f.headSpan+1, n-1); i++ {
			k := uint16(lower[i])<<8 | uint16(lower[i+1])
			if f.headBits[k>>6]&(1<<(k&63)) != 0 {
				for _, li := range f.buckets[f.idx[k]-1].head {
					hit(li, i)
				}
			}
		}
		for i := max(n-f.tailSpan-1, 0); i < n-1; i++ {
			k := uint16(lower[i])<<8 | uint16(lower[i+1])
			if f.tailBits[k>>6]&(1<<(k&63)) != 0 {
				for _, li := range f.buckets[f.idx[k]-1].tail {
					hit(li, i)
				}
			}
		}
	}
	for _, r := range f.always {
		cand[r>>6] |= 1 << (uint(r) & 63)
		any = true
	}
	return any
}

// residueRequiredLiterals returns lower-cased strings one of which every
// match of the regexp contains, and where they can start, or ok=false
// when it cannot tell.
func residueRequiredLiterals(src string) (lits []string, place residuePlace, ok bool) {
	place = residuePlace{-1, -1}
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return nil, place, false
	}
	re = re.Simplify()
	if al, off, aok := residueAnchoredLiterals(re); aok {
		lits, place.head, ok = al, int32(off+residueAnchorSlack), true
	} else if el, span, eok := residueEndLiterals(re); eok {
		lits, place.tail, ok = el, int32(span+residueAnchorSlack), true
	} else {
		lits, ok = residueRequired(re)
	}
	if !ok || len(lits) == 0 || len(lits) > residueMaxLiterals {
		return nil, residuePlace{-1, -1}, false
	}
	for _, l := range lits {
		if l == "" {
			return nil, residuePlace{-1, -1}, false
		}
	}
	return residueMinimal(residueFewPrefixes(lits)), place, true
}

// residueEndLiterals handles a concatenation that ends with $: the last
// run of children with a finite set of non-empty strings, before children
// of bounded width. span bounds how far before the end a literal starts.
func residueEndLiterals(re *syntax.Regexp) (lits []string, span int, ok bool) {
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 || re.Sub[len(re.Sub)-1].Op != syntax.OpEndText {
		return nil, 0, false
	}
	offset := 0 // widest suffix after the current run
	var run []string
	inRun := false
	runWidth := 0
	done := func() ([]string, int, bool) {
		if l, ok := residueNonEmpty(run); ok {
			return l, offset + runWidth, true
		}
		return nil, 0, false
	}
	for i := len(re.Sub) - 2; i >= 0; i-- {
		sub := re.Sub[i]
		w := residueMaxWidth(sub)
		if set, ok := residueExact(sub); ok && w >= 0 {
			if !inRun {
				run, inRun, runWidth = set, true, w
			} else if prod, ok := residueProduct(set, run); ok {
				run, runWidth = prod, runWidth+w
			} else {
				return done()
			}
			continue
		}
		if inRun {
			if l, s, ok := done(); ok {
				return l, s, true
			}
			offset += runWidth
			inRun, run, runWidth = false, nil, 0
		}
		if w < 0 {
			return nil, 0, false
		}
		offset += w
	}
	if inRun {
		return done()
	}
	return nil, 0, false
}

// residueMaxSetLiterals bounds the literals kept for one rule: a bigger
// set is cut to shorter prefixes, which are cheaper to look for.
const residueMaxSetLiterals = 32

// residueFewPrefixes cuts the literals to their first n runes, with the
// largest n that leaves at most residueMaxSetLiterals distinct strings
// (and at least two runes).
func residueFewPrefixes(lits []string) []string {
	if len(lits) <= residueMaxSetLiterals {
		return lits
	}
	longest := 0
	for _, l := range lits {
		longest = max(longest, utf8.RuneCountInString(l))
	}
	for n := longest - 1; n >= 2; n-- {
		cut := make([]string, 0, len(lits))
		for _, l := range lits {
			cut = append(cut, residuePrefixRunes(l, n))
		}
		cut = residueDedupe(cut)
		if len(cut) <= residueMaxSetLiterals {
			return cut
		}
	}
	return lits
}

func residuePrefixRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// residueMinimal drops every literal that has another one of the set as a
// prefix: a text containing the longer one contains the shorter.
func residueMinimal(lits []string) []string {
	out := lits[:0:0]
	for i, l := range lits {
		redundant := false
		for j, m := range lits {
			if i != j && strings.HasPrefix(l, m) && (len(m) < len(l) || j < i) {
				redundant = true
				break
			}
		}
		if !redundant {
			out = append(out, l)
		}
	}
	return out
}

// residueAnchoredLiterals handles a concatenation that starts with ^: the
// first run of children with a finite set of non-empty strings, after
// children of bounded width.
func residueAnchoredLiterals(re *syntax.Regexp) ([]string, int, bool) {
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 || re.Sub[0].Op != syntax.OpBeginText {
		return nil, 0, false
	}
	offset := 0    // widest prefix before the current run
	runOffset := 0 // offset where the current run starts
	var run []string
	inRun := false
	for _, sub := range re.Sub[1:] {
		if set, ok := residueExact(sub); ok {
			if !inRun {
				run, inRun, runOffset = set, true, offset
			} else if prod, ok := residueProduct(run, set); ok {
				run = prod
			} else if lits, ok := residueNonEmpty(run); ok {
				return lits, runOffset, true // too many strings: stop here
			} else {
				return nil, 0, false
			}
			w := residueMaxWidth(sub)
			if w < 0 {
				return nil, 0, false
			}
			offset += w
			continue
		}
		if inRun {
			if lits, ok := residueNonEmpty(run); ok {
				return lits, runOffset, true
			}
			inRun = false
		}
		if lits, ok := residueLeading(sub); ok && len(lits) <= residueMaxLiterals {
			return lits, offset, true
		}
		w := residueMaxWidth(sub)
		if w < 0 {
			return nil, 0, false
		}
		offset += w
	}
	if inRun {
		if lits, ok := residueNonEmpty(run); ok {
			return lits, runOffset, true
		}
	}
	return nil, 0, false
}

// residueFirstBytes returns, for a regexp anchored at the start of text
// (it begins with ^), the set of bytes a match can begin with; ok is false
// when it is not anchored or the set cannot be bounded. Non-ASCII runes
// allow every byte from 0x80 up.
func residueFirstBytes(re *syntax.Regexp) (set [4]uint64, ok bool) {
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 || re.Sub[0].Op != syntax.OpBeginText {
		return set, false
	}
	rest := &syntax.Regexp{Op: syntax.OpConcat, Sub: re.Sub[1:]}
	set, empty, ok := residueFirst(rest)
	if !ok || empty {
		return set, false
	}
	return set, true
}

// residueFirst returns the bytes a match of re can begin with and whether
// re can match the empty string.
func residueFirst(re *syntax.Regexp) (set [4]uint64, empty bool, ok bool) {
	var addRune func(r rune, fold bool)
	addRune = func(r rune, fold bool) {
		if r >= utf8.RuneSelf {
			for b := 0x80; b < 0x100; b++ {
				set[b>>6] |= 1 << (b & 63)
			}
			return
		}
		set[r>>6] |= 1 << (r & 63)
		if fold {
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				addRune(f, false)
			}
		}
	}
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpWordBoundary,
		syntax.OpNoWordBoundary, syntax.OpBeginText:
		return set, true, true
	case syntax.OpEndText:
		return set, true, true
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return set, true, true
		}
		addRune(re.Rune[0], re.Flags&syntax.FoldCase != 0)
		return set, false, true
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if hi >= utf8.RuneSelf {
				addRune(utf8.RuneSelf, false)
				hi = utf8.RuneSelf - 1
			}
			for r := lo; r <= hi; r++ {
				addRune(r, false)
			}
		}
		return set, len(re.Rune) == 0, true
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return [4]uint64{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}, false, true
	case syntax.OpCapture, syntax.OpPlus:
		return residueFirst(re.Sub[0])
	case syntax.OpStar, syntax.OpQuest:
		set, _, ok = residueFirst(re.Sub[0])
		return set, true, ok
	case syntax.OpRepeat:
		set, empty, ok = residueFirst(re.Sub[0])
		return set, empty || re.Min == 0, ok
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			s2, e2, ok2 := residueFirst(sub)
			if !ok2 {
				return set, false, false
			}
			for i := range set {
				set[i] |= s2[i]
			}
			if !e2 {
				return set, false, true
			}
		}
		return set, true, true
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			s2, e2, ok2 := residueFirst(sub)
			if !ok2 {
				return set, false, false
			}
			for i := range set {
				set[i] |= s2[i]
			}
			empty = empty || e2
		}
		return set, empty, true
	}
	return set, false, false
}

// residueLeading returns literals one of which starts every match of re.
func residueLeading(re *syntax.Regexp) ([]string, bool) {
	if set, ok := residueExact(re); ok {
		return residueNonEmpty(set)
	}
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return residueLeading(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return residueLeading(re.Sub[0])
		}
	case syntax.OpConcat:
		if len(re.Sub) > 0 {
			return residueLeading(re.Sub[0])
		}
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			l, ok := residueLeading(sub)
			if !ok {
				return nil, false
			}
			out = append(out, l...)
		}
		return residueDedupe(out), true
	}
	return nil, false
}

// residueMaxWidth returns the most bytes re can match, or -1 when that is
// unbounded. Non-ASCII runes count 4 bytes.
func residueMaxWidth(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginText, syntax.OpEndText, syntax.OpBeginLine,
		syntax.OpEndLine, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return 0
	case syntax.OpLiteral:
		n := 0
		for _, r := range re.Rune {
			if r < utf8.RuneSelf {
				n++
			} else {
				n += 4
			}
		}
		return n
	case syntax.OpCharClass:
		if len(re.Rune) > 0 && re.Rune[len(re.Rune)-1] < utf8.RuneSelf {
			return 1
		}
		return 4
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 4
	case syntax.OpCapture:
		return residueMaxWidth(re.Sub[0])
	case syntax.OpQuest:
		return residueMaxWidth(re.Sub[0])
	case syntax.OpRepeat:
		w := residueMaxWidth(re.Sub[0])
		if re.Max < 0 || w < 0 {
			return -1
		}
		return re.Max * w
	case syntax.OpConcat:
		n := 0
		for _, sub := range re.Sub {
			w := residueMaxWidth(sub)
			if w < 0 {
				return -1
			}
			n += w
		}
		return n
	case syntax.OpAlternate:
		n := 0
		for _, sub := range re.Sub {
			w := residueMaxWidth(sub)
			if w < 0 {
				return -1
			}
			n = max(n, w)
		}
		return n
	}
	return -1
}

func residueShortestRunes(lits []string) int {
	n := math.MaxInt
	for _, l := range lits {
		n = min(n, utf8.RuneCountInString(l))
	}
	return n
}

func residueRequired(re *syntax.Regexp) ([]string, bool) {
	if set, ok := residueExact(re); ok {
		return residueNonEmpty(set)
	}
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return residueRequired(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return residueRequired(re.Sub[0])
		}
		return nil, false
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			l, ok := residueRequired(sub)
			if !ok {
				return nil, false
			}
			out = append(out, l...)
		}
		return residueDedupe(out), true
	case syntax.OpConcat:
		// Runs of children that match finite sets of strings multiply
		// into longer literals ("pr" + "int|ess" after the parser's
		// factoring); other children contribute what they require. Keep
		// the most selective candidate: longest shortest literal, then
		// fewest literals.
		var best []string
		bestScore := -1.0
		consider := func(l []string, ok bool) {
			if !ok || len(l) == 0 {
				return
			}
			score := float64(min(residueShortestRunes(l), 8)) - float64(len(l))/100
			if score > bestScore {
				best, bestScore = l, score
			}
		}
		var run []string
		inRun := false
		flush := func() {
			if inRun {
				consider(residueNonEmpty(run))
			}
			run, inRun = nil, false
		}
		for _, sub := range re.Sub {
			if set, ok := residueExact(sub); ok {
				if !inRun {
					run, inRun = set, true
				} else if prod, ok := residueProduct(run, set); ok {
					run = prod
				} else {
					flush()
					run, inRun = set, true
				}
				continue
			}
			flush()
			consider(residueRequired(sub))
		}
		flush()
		return best, best != nil
	}
	return nil, false
}

// residueMaxExact bounds the finite string sets residueExact builds.
const residueMaxExact = 64

// residueExact returns every string re can match, lower-cased, when that
// is a small finite set.
func residueExact(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginText, syntax.OpEndText, syntax.OpBeginLine,
		syntax.OpEndLine, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return []string{""}, true
	case syntax.OpLiteral:
		return []string{string(residueLower(nil, []byte(string(re.Rune))))}, true
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if hi-lo > 3 || len(out) > 8 {
				return nil, false
			}
			for r := lo; r <= hi; r++ {
				out = append(out, string(residueLower(nil, []byte(string(r)))))
			}
		}
		out = residueDedupe(out)
		return out, len(out) > 0
	case syntax.OpCapture:
		return residueExact(re.Sub[0])
	case syntax.OpQuest:
		set, ok := residueExact(re.Sub[0])
		if !ok {
			return nil, false
		}
		return residueDedupe(append([]string{""}, set...)), true
	case syntax.OpRepeat:
		if re.Max < 0 || re.Max > 4 {
			return nil, false
		}
		sub, ok := residueExact(re.Sub[0])
		if !ok {
			return nil, false
		}
		var out []string
		cur := []string{""}
		for n := 0; n <= re.Max; n++ {
			if n >= re.Min {
				out = append(out, cur...)
			}
			if cur, ok = residueProduct(cur, sub); !ok {
				return nil, false
			}
		}
		out = residueDedupe(out)
		return out, len(out) <= residueMaxExact
	case syntax.OpConcat:
		cur := []string{""}
		for _, sub := range re.Sub {
			set, ok := residueExact(sub)
			if !ok {
				return nil, false
			}
			if cur, ok = residueProduct(cur, set); !ok {
				return nil, false
			}
		}
		return cur, true
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			set, ok := residueExact(sub)
			if !ok {
				return nil, false
			}
			out = append(out, set...)
		}
		out = residueDedupe(out)
		return out, len(out) <= residueMaxExact
	}
	return nil, false
}

// residueProduct concatenates every string of a with every one of b.
func residueProduct(a, b []string) ([]string, bool) {
	if len(a)*len(b) > residueMaxExact {
		return nil, false
	}
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return residueDedupe(out), true
}

// residueNonEmpty returns set as required literals: it fails when the
// set holds the empty string (the expression may match nothing).
func residueNonEmpty(set []string) ([]string, bool) {
	for _, s := range set {
		if s == "" {
			return nil, false
		}
	}
	return set, len(set) > 0
}

func residueDedupe(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := in[:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// residueCategoryLabels name the known categories in messages.
var residueCategoryLabels = map[string]string{
	"related":     "related-link marker",
	"readmore":    "read-more link",
	"share":       "share prompt",
	"follow":      "follow prompt",
	"like":        "like prompt",
	"subscribe":   "subscribe prompt",
	"comment":     "comment prompt",
	"ad":          "advertisement",
	"video":       "video placeholder",
	"gallery":     "gallery placeholder",
	"poll":        "poll placeholder",
	"html":        "HTML/CSS markup",
	"code":        "script code",
	"credit":      "image credit",
	"filename":    "file name",
	"copyright":   "copyright notice",
	"syndication": "syndication note",
	"contact":     "author contact line",
	"embed":       "embedded social post",
	"nav":         "navigation line",
	"update":      "timestamp or update line",
	"teaser":      "teaser link",
}

// residueBlockCategories mark a block of links: headline-like lines next
// to such a line are links of the same block. For those mapped to true
// the line opens the block ("Related", "More from"), so any short line
// after it counts.
var residueBlockCategories = map[string]bool{
	"related": true, "teaser": true, "readmore": false, "comment": false, "nav": false,
}

func residueLabel(cat string) string {
	if l, ok := residueCategoryLabels[cat]; ok {
		return l
	}
	return cat + " line"
}

// ResidueOptions tune a ResidueDetector. The zero value uses the defaults.
type ResidueOptions struct {
	// Patterns are the rules; nil means DefaultResiduePatterns().
	Patterns *ResiduePatterns
	// Threshold is the score from which a paragraph is reported; 0 means
	// DefaultResidueThreshold.
	Threshold float64
}

// ResidueDetector finds scraper residue. It is immutable after
// NewResidueDetector and safe for concurrent use by many goroutines.
type ResidueDetector struct {
	patterns  *ResiduePatterns
	threshold float64
}

// NewResidueDetector returns a detector with opts applied over the
// defaults.
func NewResidueDetector(opts ResidueOptions) *ResidueDetector {
	d := &ResidueDetector{patterns: opts.Patterns, threshold: opts.Threshold}
	if d.patterns == nil {
		d.patterns = DefaultResiduePatterns()
	}
	if !(d.threshold > 0) {
		d.threshold = DefaultResidueThreshold
	}
	return d
}

// residueLine is what the detector measures and concludes about one
// paragraph.
type residueLine struct {
	bytes, words, letters, lowerLetters, digits                 int
	alphaWords, capWords, longWords, capLongWords, allCapsWords int
	codeChars, urlBytes, glue                                   int
	email, handle, slug, spaceRun, firstLower                   bool
	endSentence, endEllipsis, endColon                          bool

	quick       bool // a long sentence, measured by residueQuick
	skip        bool // the title, repeated
	key         uint64
	keyed       bool
	strong      float64 // noisy-OR of strong evidence
	weak        float64 // noisy-OR of weak evidence
	reason      string
	reasonW     float64
	block       bool // a marker of a link block
	blockOpens  bool // a marker that opens one ("Related")
	blockReason string
}

// sentence reports whether the line reads as a sentence.
func (l *residueLine) sentence() bool { return l.endSentence && l.words >= 2 }

// separator reports a line of punctuation only ("* * *", "—").
func (l *residueLine) separator() bool { return l.letters == 0 && l.digits == 0 }

// titleCase reports a headline-like line in title case.
func (l *residueLine) titleCase() bool {
	return l.words >= 2 && l.words <= 16 && !l.endSentence && l.longWords >= 2 &&
		l.capLongWords*10 >= l.longWords*7
}

// linkish reports a line that could be one link of a list: short, not a
// sentence, with some letters.
func (l *residueLine) linkish() bool {
	return !l.skip && l.words >= 1 && l.words <= residueMaxLineWords && l.letters > 0 &&
		!l.sentence() && !l.endColon
}

// add records one piece of evidence.
func (l *residueLine) add(w float64, strong bool, reason string) {
	if strong {
		l.strong = 1 - (1-l.strong)*(1-w)
	} else {
		l.weak = 1 - (1-l.weak)*(1-w)
		w *= l.penalty()
	}
	if w > l.reasonW {
		l.reason, l.reasonW = reason, w
	}
}

// penalty discounts weak evidence on sentence-like and long lines.
func (l *residueLine) penalty() float64 {
	p := 1.0
	if l.sentence() {
		p *= residueSentencePen
	}
	if l.words > residueLongLineWords {
		p *= residueLongLinePen
	}
	return p
}

func (l *residueLine) score() float64 {
	return 1 - (1-l.strong)*(1-l.weak*l.penalty())
}

// residueScratch holds per-call buffers.
type residueScratch struct {
	lines []residueLine
	lower []byte
	win   []byte
	win2  []byte
	cand  []uint64
	norm  []byte
	words []string
}

var residueScratchPool = sync.Pool{New: func() any { return new(residueScratch) }}

func getResidueScratch(n int) *residueScratch {
	sc := residueScratchPool.Get().(*residueScratch)
	if cap(sc.lines) < n {
		sc.lines = make([]residueLine, n)
	}
	sc.lines = sc.lines[:n]
	clear(sc.lines)
	return sc
}

func putResidueScratch(sc *residueScratch) {
	if cap(sc.lines) > 4096 {
		sc.lines = nil
	}
	residueScratchPool.Put(sc)
}

// Detect reports the paragraphs of doc that are scraper residue, in
// paragraph order, each with Kind KindResidue, the paragraph's Line, a
// score in [threshold, 1] and a message saying why. lines, when not nil,
// holds statistics of the corpus doc belongs to (see LineStats); nil means
// no corpus. The title is never reported.
func (d *ResidueDetector) Detect(doc *Document, lines *LineStats) []Finding {
	if doc == nil || len(doc.Paragraphs) == 0 {
		return nil
	}
	n := len(doc.Paragraphs)
	sc := getResidueScratch(n)
	defer putResidueScratch(sc)
	L := sc.lines

	for i := range doc.Paragraphs {
		if !residueQuick(&L[i], doc.Paragraphs[i].Text) {
			residueMeasure(&L[i], doc.Paragraphs[i].Text)
		}
	}
	d.markTitleRepeats(doc, L, sc)
	for i := range L {
		if !L[i].skip {
			d.intrinsic(&L[i], doc.Paragraphs[i].Text, sc)
		}
	}
	d.context(doc, L, lines)

	var out []Finding
	for i := range L {
		l := &L[i]
		if l.skip {
			continue
		}
		s := l.score()
		if s < d.threshold {
			continue
		}
		out = append(out, Finding{
			Kind:      KindResidue,
			Paragraph: i,
			Line:      doc.Paragraphs[i].Line,
			Score:     math.Round(s*1000) / 1000,
			Message:   "residue: " + l.reason + " " + residueQuote(doc.Paragraphs[i].Text),
		})
	}
	return out
}

// residueMeasure fills the shape features of l from text, in one pass.
func residueMeasure(l *residueLine, text string) {
	l.bytes = len(text)
	inWord := false
	var (
		wordStart    int
		wordLetters  int
		wordUpper    int
		wordLower    int
		wordFirstCap bool
		wordFirstSet bool
		wordMarks    bool // the token has ':' or '@' or starts with "www."
		lowerRun     int
		pendingGlue  bool
		hyphens      int
		spaces       int
	)
	endWord := func(end int) {
		if l.words == 1 && wordLetters > 0 && !wordFirstCap && wordUpper == 0 {
			l.firstLower = true
		}
		if wordLetters > 0 {
			l.alphaWords++
			if wordFirstCap {
				l.capWords++
			}
			if wordLetters >= 4 {
				l.longWords++
				if wordFirstCap {
					l.capLongWords++
				}
			}
			if wordLetters >= 2 && wordLower == 0 {
				l.allCapsWords++
			}
		}
		if !wordMarks {
			return
		}
		tok := text[wordStart:end]
		if strings.Contains(tok, "://") || strings.HasPrefix(tok, "www.") {
			l.urlBytes += len(tok)
		}
		if at := strings.IndexByte(tok, '@'); at >= 0 {
			if at > 0 && strings.IndexByte(tok[at:], '.') > 1 && residueHasLetter(tok[:at]) {
				l.email = true
			} else if at == 0 || (at == 1 && tok[0] == '(') {
				if at+1 < len(tok) && residueIsWordByte(tok[at+1]) {
					l.handle = true
				}
			}
		}
	}
	for i := 0; i < len(text); {
		c := text[i]
		var class uint8
		size := 1
		if c < utf8.RuneSelf {
			class = residueASCII[c]
		} else {
			r, n := utf8.DecodeRuneInString(text[i:])
			size = n
			switch {
			case unicode.IsSpace(r):
				class = rcSpace
			case unicode.IsUpper(r):
				class = rcUpper
			case unicode.IsLower(r):
				class = rcLower
			case unicode.IsLetter(r):
				class = rcCaseless
			case unicode.IsDigit(r):
				class = rcDigit
			}
		}
		if class == rcSpace {
			spaces++
			if spaces >= 3 {
				l.spaceRun = true
			}
			if inWord {
				endWord(i)
				inWord = false
			}
			i += size
			continue
		}
		spaces = 0
		if !inWord {
			inWord = true
			l.words++
			wordStart = i
			wordLetters, wordUpper, wordLower = 0, 0, 0
			wordFirstSet, wordFirstCap = false, false
			wordMarks = c == 'w'
			lowerRun = 0
			pendingGlue = false
		}
		switch class {
		case rcUpper, rcLower, rcCaseless:
			l.letters++
			wordLetters++
			if !wordFirstSet {
				wordFirstSet = true
				wordFirstCap = class != rcLower // caseless scripts count as capitalised
			}
			switch class {
			case rcUpper:
				wordUpper++
				if lowerRun >= 3 {
					pendingGlue = true
				}
				lowerRun = 0
			case rcLower:
				wordLower++
				l.lowerLetters++
				if pendingGlue {
					l.glue++
					pendingGlue = false
				}
				lowerRun++
			}
		case rcDigit:
			l.digits++
			lowerRun = 0
		default:
			lowerRun = 0
			pendingGlue = false
			switch class {
			case rcCode:
				l.codeChars++
			case rcHyphen:
				hyphens++
			case rcMark:
				wordMarks = true
			}
		}
		i += size
	}
	if inWord {
		endWord(len(text))
	}
	l.slug = l.words == 1 && hyphens >= 2 && l.letters >= 4 && l.urlBytes == 0

	residueEnding(l, text)
}

// residueEnding sets how the line ends, past closing quotes and brackets.
func residueEnding(l *residueLine, text string) {
	end := strings.TrimRight(text, " \"'”’»)]}*")
	switch {
	case strings.HasSuffix(end, "...") || strings.HasSuffix(end, "…"):
		l.endEllipsis = true
	case strings.HasSuffix(end, ":"):
		l.endColon = true
	default:
		r, _ := utf8.DecodeLastRuneInString(end)
		switch r {
		case '.', '!', '?', '。', '！', '？', '؟', '।':
			l.endSentence = true
		}
	}
}

// residueQuickWords is the least number of words (counted by spaces) of a
// long sentence.
const residueQuickWords = 30

// residueQuick measures a long sentence cheaply and reports whether text
// is one: at least residueQuickWords words ending with a full stop,
// question or exclamation mark. Such a paragraph is residue only on a
// pattern match at its start or end (a copyright or syndication note, a
// credit after a caption), so the detector skips its shape and matches
// patterns on short windows only.
func residueQuick(l *residueLine, text string) bool {
	if len(text) < residueQuickWords*3 {
		return false
	}
	words := strings.Count(text, " ") + 1
	if words < residueQuickWords {
		return false
	}
	residueEnding(l, text)
	if !l.endSentence {
		l.endEllipsis, l.endColon = false, false
		return false
	}
	l.quick = true
	l.bytes, l.words, l.alphaWords, l.letters = len(text), words, words, len(text)
	return true
}

// Character classes of residueMeasure.
const (
	rcOther uint8 = iota
	rcSpace
	rcUpper
	rcLower
	rcCaseless
	rcDigit
	rcCode   // { } ; < > =
	rcHyphen // - _
	rcMark   // : @
)

// residueASCII classifies the ASCII bytes.
var residueASCII = func() (t [utf8.RuneSelf]uint8) {
	for c := 0; c < utf8.RuneSelf; c++ {
		switch {
		case c == ' ' || (c >= '\t' && c <= '\r'):
			t[c] = rcSpace
		case c >= 'A' && c <= 'Z':
			t[c] = rcUpper
		case c >= 'a' && c <= 'z':
			t[c] = rcLower
		case c >= '0' && c <= '9':
			t[c] = rcDigit
		case strings.IndexByte("{};<>=", byte(c)) >= 0:
			t[c] = rcCode
		case c == '-' || c == '_':
			t[c] = rcHyphen
		case c == ':' || c == '@':
			t[c] = rcMark
		}
	}
	return t
}()

func residueHasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

func residueIsWordByte(c byte) bool {
	return c == '_' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// markTitleRepeats skips paragraphs that repeat the headline: the
// repeated-headline detector reports them.
func (d *ResidueDetector) markTitleRepeats(doc *Document, L []residueLine, sc *residueScratch) {
	if doc.Title == "" {
		return
	}
	titleWords := append([]string(nil), residueWords(doc.Title, sc)...)
	if len(titleWords) < 2 {
		return
	}
	title := make(map[string]bool, len(titleWords))
	for _, w := range titleWords {
		title[w] = true
	}
	for i := range L {
		if L[i].words < 2 || L[i].words > len(titleWords)+6 {
			continue
		}
		words := residueWords(doc.Paragraphs[i].Text, sc)
		in := 0
		for _, w := range words {
			if title[w] {
				in++
			}
		}
		// Nearly all its words are the headline's, and it covers most of
		// the headline: a copy, maybe with a site name.
		if len(words) > 0 && in*10 >= len(words)*8 && in*10 >= len(titleWords)*6 {
			L[i].skip = true
			continue
		}
		// The headline cut short: "Apple Is Shutting..."
		if L[i].endEllipsis && len(words) >= 3 && len(words) <= len(titleWords) {
			prefix := true
			for k, w := range words {
				if w != titleWords[k] && !(k == len(words)-1 && strings.HasPrefix(titleWords[k], w)) {
					prefix = false
					break
				}
			}
			L[i].skip = prefix
		}
	}
}

// residueWords splits s into lower-case words of letters and digits.
func residueWords(s string, sc *residueScratch) []string {
	out := sc.words[:0]
	start := -1
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, strings.ToLower(s[start:i]))
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, strings.ToLower(s[start:]))
	}
	sc.words = out
	return out
}

func residueWordSet(s string) map[string]bool {
	var sc residueScratch
	m := map[string]bool{}
	for _, w := range residueWords(s, &sc) {
		m[w] = true
	}
	return m
}

// intrinsic adds the evidence a paragraph carries on its own.
func (d *ResidueDetector) intrinsic(l *residueLine, text string, sc *residueScratch) {
	head, tail := residueWindowBytes, residueWindowBytes
	if l.quick {
		head, tail = residueSentenceHead, residueSentenceTail
	}
	if i := d.patterns.matchIn(text, sc, head, tail); i >= 0 {
		r := &d.patterns.rules[i]
		l.add(r.weight, true, residueLabel(r.category))
		if opens, ok := residueBlockCategories[r.category]; ok {
			l.block = true
			l.blockOpens = opens
			l.blockReason = residueQuoteShort(text)
		}
	}
	if l.quick {
		return
	}
	switch {
	case l.letters == 0:
		l.add(0.9, true, "line without letters")
	case l.urlBytes*2 >= l.bytes:
		l.add(0.85, true, "bare URL")
	case l.codeChars >= 4 && l.codeChars*12 >= l.bytes:
		l.add(0.85, true, "code-like line")
	case l.slug:
		l.add(0.85, true, "file name or URL slug")
	}
	if l.glue >= 2 && l.words >= 6 && l.capLongWords*2 >= l.longWords {
		l.add(0.8, true, "headlines run together")
	}
	if l.words >= 4 && residueDoubled(text) {
		l.add(0.8, true, "line printed twice")
	}
	if (l.email || l.handle) && l.words <= 12 && !(l.sentence() && l.words > 8) {
		l.add(0.75, true, "contact line (e-mail or @handle)")
	}
	if l.firstLower && l.words <= 4 && !l.endSentence && !l.endColon {
		l.add(0.55, false, "lower-case fragment (alt text?)")
	}
	if l.endEllipsis && l.words >= 2 && l.words <= residueMaxLineWords && !l.firstLower {
		l.add(0.4, false, "truncated teaser")
	}
	if l.words <= 5 && l.alphaWords > 0 && l.allCapsWords == l.alphaWords && !l.endSentence {
		l.add(0.3, false, "short all-caps line")
	}
	if l.titleCase() {
		l.add(0.25, false, "headline-like line")
	} else if l.words >= 3 && l.words <= 14 && !l.endSentence && !l.endColon && !l.firstLower {
		l.add(0.15, false, "headline-like line")
	}
	if l.words <= 2 && !l.endSentence && !l.endColon && l.letters > 0 {
		l.add(0.3, false, "fragment")
	}
	if l.spaceRun && l.words <= 30 {
		l.add(0.3, false, "layout spacing")
	}
}

// residueDoubled reports whether text is some line printed twice, "X X".
func residueDoubled(text string) bool {
	n := len(text)
	if n < 16 {
		return false
	}
	m := n / 2
	for _, sep := range []int{m, m - 1, m + 1} {
		if sep <= 0 || sep >= n {
			continue
		}
		a := strings.TrimSpace(text[:sep])
		b := strings.TrimSpace(text[sep:])
		if a != "" && a == b {
			return true
		}
	}
	return false
}

// context adds evidence from neighbours, position and recurrence.
func (d *ResidueDetector) context(doc *Document, L []residueLine, stats *LineStats) {
	n := len(L)
	P := doc.Paragraphs

	// Copies of the previous paragraph: a caption printed again with its
	// credit, a tweet without its attribution, an image's alt text twice.
	for i := 1; i < n; i++ {
		a, b := P[i-1].Text, P[i].Text
		if L[i].skip || L[i-1].skip {
			continue
		}
		short := min(L[i].words, L[i-1].words)
		long := max(L[i].words, L[i-1].words)
		if short == 0 || short > 50 {
			continue
		}
		switch {
		case strings.EqualFold(a, b) && long <= 6:
			L[i-1].add(0.75, true, "short line repeated")
			L[i].add(0.75, true, "short line repeated")
		case a != b && short >= 4 && short*3 >= long*2 && long-short <= 12 &&
			(strings.HasPrefix(a, b) || strings.HasPrefix(b, a)):
			L[i].add(0.75, true, "copy of the previous paragraph")
		}
	}

	// Keys of short lines: repeats in the body and across the corpus.
	for i := range L {
		l := &L[i]
		if l.skip || l.words > residueMaxLineWords || l.bytes > MaxStatLineBytes {
			continue
		}
		l.key, l.keyed = LineKey(P[i].Text), true
	}
	for i := range L {
		l := &L[i]
		if !l.keyed || !l.linkish() || l.letters == 0 {
			continue
		}
		for j := range L {
			if j != i && (j < i-1 || j > i+1) && L[j].keyed && L[j].key == l.key {
				l.add(0.35, false, "repeated in the body")
				break
			}
		}
	}
	if stats != nil && stats.Docs() > 1 {
		for i := range L {
			l := &L[i]
			// Only short lines that are not sentences: a recurring
			// sentence is more often a syndicated or quoted one.
			if !l.keyed || l.words > 12 || l.sentence() {
				continue
			}
			docs, ctx := stats.LookupKey(l.key)
			switch {
			case docs >= 3 && ctx >= 3:
				l.add(0.6, false, "boilerplate: recurs in "+strconv.Itoa(docs)+" articles")
			case docs >= 2 && ctx >= 2:
				l.add(0.45, false, "boilerplate: recurs in "+strconv.Itoa(docs)+" articles")
			}
		}
	}

	// The last paragraph of the article proper: a sentence of some length
	// that is not residue itself. What follows it is the tail.
	lastContent := -1
	for i := n - 1; i >= 0; i-- {
		l := &L[i]
		if l.strong >= d.threshold || l.skip {
			continue
		}
		if (l.words >= 8 && l.endSentence) || l.words >= residueMaxLineWords+1 {
			lastContent = i
			break
		}
	}
	if lastContent >= 0 {
		for i := lastContent + 1; i < n; i++ {
			l := &L[i]
			if l.skip {
				continue
			}
			switch {
			case l.endColon && i == n-1 && l.words <= 12:
				l.add(0.5, false, "dangling introduction at the end")
			case l.words <= residueShortWords && !l.sentence() && !l.endColon:
				l.add(0.45, false, "trailing line after the article")
			}
		}
	}

	// Runs of three or more short headline-like lines: a related-links
	// block. A run that opens the body is a summary (bullet points), not
	// links.
	for i := 0; i < n; {
		if !residueRunLine(&L[i]) {
			i++
			continue
		}
		j := i
		trunc := 0
		for j < n && residueRunLine(&L[j]) {
			if L[j].endEllipsis {
				trunc++
			}
			j++
		}
		k := j - i
		opening := i <= 1 && (lastContent < 0 || lastContent >= j)
		if k >= 3 && (!opening || trunc >= 2) {
			reason := fmt.Sprintf("related-link list (%d short headline-like lines)", k)
			for m := i; m < j; m++ {
				L[m].add(0.45, false, reason)
			}
		}
		i = j
	}

	// Lines next to a block marker ("Related", "Read more", "More from
	// ...") are links of that block, transitively while they stay short
	// and headline-like.
	// Forward, after a "Related" or "More" marker, any short line goes;
	// backward (a block's "Read more" closes it), and after other markers,
	// only lines that look like links: title case, truncated, all caps or
	// a word or two.
	for i := 0; i < n; i++ {
		if !L[i].block {
			continue
		}
		fwd := func(l *residueLine) bool {
			if L[i].blockOpens {
				return l.linkish()
			}
			return residueLinkShaped(l)
		}
		end := i + 1
		for end < n && fwd(&L[end]) {
			end++
		}
		start := i
		for start > 0 && residueLinkShaped(&L[start-1]) && !L[start-1].block {
			start--
		}
		cnt := end - start - 1
		if cnt == 0 {
			continue
		}
		reason := fmt.Sprintf("related-link list (%d short headline-like lines next to %s)", cnt, L[i].blockReason)
		for j := start; j < end; j++ {
			if j != i {
				L[j].add(0.55, false, reason)
			}
		}
	}

	// A short line between two residue lines, or a headline-like line
	// right before or after a placeholder, is residue of the same block.
	// Section breaks ("* * *") do not count: they stand between
	// paragraphs of prose and subheadings.
	was := make([]bool, n)
	for i := range L {
		was[i] = !L[i].skip && L[i].score() >= d.threshold && !L[i].separator()
	}
	flagged := func(i int) bool { return i >= 0 && i < n && was[i] }
	for i := 0; i < n; i++ {
		l := &L[i]
		if !l.linkish() || flagged(i) {
			continue
		}
		switch {
		case flagged(i-1) && flagged(i+1):
			l.add(0.45, false, "between residue lines")
		case (flagged(i-1) || flagged(i+1)) && (l.titleCase() || l.endEllipsis || l.allCapsWords == l.alphaWords):
			l.add(0.35, false, "next to residue")
		}
	}
}

// residueLinkShaped reports a short line shaped like a link without the
// help of a marker: title case, truncated, all caps, or a word or two.
func residueLinkShaped(l *residueLine) bool {
	return l.linkish() && (l.titleCase() || l.endEllipsis || l.words <= 2 ||
		(l.alphaWords > 0 && l.allCapsWords == l.alphaWords))
}

// residueRunLine reports whether a line can be one link of a block.
func residueRunLine(l *residueLine) bool {
	return l.linkish() && l.words >= 2 && !l.firstLower
}

// residueQuote quotes a paragraph for a message, shortened to 60 runes.
func residueQuote(s string) string {
	return strconv.Quote(residueShorten(s, 60))
}

// residueQuoteShort quotes a marker line, shortened to 30 runes.
func residueQuoteShort(s string) string {
	return strconv.Quote(residueShorten(s, 30))
}

func residueShorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return strings.TrimSpace(s[:i]) + "…"
		}
		n++
	}
	return s
}
