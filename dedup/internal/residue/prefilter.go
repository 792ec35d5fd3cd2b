package residue

// The residue prefilter: which rules can match a text, found from the
// literals their regexps require, so that few regexps run per paragraph.

import (
	"math"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// buildPrefilter indexes the literals the rules require.
func (p *Patterns) buildPrefilter() {
	p.pre = prefilter{}
	for ri, r := range p.rules {
		p.pre.add(int32(ri), r.lits)
	}
	p.pre.index()
}

// prefilter finds the rules worth running on a text: those of
// which a required literal occurs in the text, lower-cased, at a place
// where a match could have it. A literal of a rule anchored at the start
// (^ then a bounded prefix) can only start in the first runes of the text
// (head), one of a rule anchored at the end in the last runes (tail);
// other literals anywhere.
//
// Lookups: literals of one byte, and the few of two bytes allowed
// anywhere, by their first byte (one); head and tail literals by their
// first two bytes, looked for only near the start or the end (pairBits
// says whether a pair starts one, pairIdx maps it to them); the other
// literals by a hash of their rarest three bytes (triBits, triIdx), so
// that common letter pairs do not send every position to a bucket.
//
// Text and literals are lower-cased rune by rune (unicode.ToLower), which
// agrees with (?i) matching except for the few runes whose case folds
// lie outside that mapping (the Kelvin sign, the long s): a rule relying
// on those may be skipped.
type prefilter struct {
	lits     []literal
	one      [256][]int32
	oneBits  [4]uint64 // bytes with an entry in one
	pairBits [1 << 16 / 64]uint64
	pairIdx  [1 << 16]uint16 // bucket+1 of a byte pair, 0 for none
	pairs    []pairBucket
	triBits  [1 << 16 / 64]uint64
	triIdx   [1 << 16]uint16
	tris     [][]triRef
	headSpan int // no head literal starts after this rune
	tailSpan int // no tail literal starts further than this from the end
	always   []int32
	byText   map[string]int32
}

// pairBucket lists the head and tail literals starting with one
// byte pair.
type pairBucket struct{ head, tail []int32 }

// triRef is a literal found by the three bytes at offset off.
type triRef struct {
	lit int32
	off int32
}

// literal is one required literal and the rules that require it.
type literal struct {
	text  string
	place placement // the loosest place of its refs
	refs  []litRef
}

// placement says where a literal can start, in runes: at most head
// runes from the start of the text when head >= 0, at most tail runes
// before its end when tail >= 0, anywhere when both are -1.
type placement struct{ head, tail int32 }

// allows reports whether a literal starting at rune r, with left runes
// from there to the end, is in place.
func (pl placement) allows(r, left int) bool {
	return (pl.head < 0 || r <= int(pl.head)) && (pl.tail < 0 || left <= int(pl.tail))
}

// litRef ties a literal to a rule that requires it at a place.
type litRef struct {
	rule  int32
	place placement
}

// add records the literals rule ri requires.
func (f *prefilter) add(ri int32, rl ruleLiterals) {
	lits, place := rl.lits, rl.place
	if !rl.ok {
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
			f.lits = append(f.lits, literal{text: l, place: place})
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
		lit.refs = append(lit.refs, litRef{rule: ri, place: place})
	}
}

// index builds the lookup tables once every rule is added.
func (f *prefilter) index() {
	f.byText = nil
	defer func() {
		for _, b := range f.pairs {
			sort.Slice(b.head, func(i, j int) bool { return f.lits[b.head[i]].place.head > f.lits[b.head[j]].place.head })
			sort.Slice(b.tail, func(i, j int) bool { return f.lits[b.tail[i]].place.tail > f.lits[b.tail[j]].place.tail })
		}
	}()
	for li := range f.lits {
		l := &f.lits[li]
		t := l.text
		// Literals that can start far from the anchor are looked for
		// everywhere (the rules check the place), so that the scans near
		// the start and the end stay short.
		anywhere := (l.place.head < 0 || l.place.head > nearSpan) &&
			(l.place.tail < 0 || l.place.tail > nearSpan) && len(t) >= 3
		switch {
		case len(t) == 1 || (len(t) == 2 && l.place.head < 0 && l.place.tail < 0):
			// Two-byte literals allowed anywhere are found by their
			// first byte: there are few ("$(", "(@").
			f.one[t[0]] = append(f.one[t[0]], int32(li))
			f.oneBits[t[0]>>6] |= 1 << (t[0] & 63)
		case !anywhere:
			k := uint16(t[0])<<8 | uint16(t[1])
			if f.pairIdx[k] == 0 {
				f.pairs = append(f.pairs, pairBucket{})
				f.pairIdx[k] = uint16(len(f.pairs))
			}
			b := &f.pairs[f.pairIdx[k]-1]
			if l.place.head >= 0 && (l.place.tail < 0 || l.place.head <= l.place.tail) {
				b.head = append(b.head, int32(li))
				f.headSpan = max(f.headSpan, int(l.place.head))
			} else {
				b.tail = append(b.tail, int32(li))
				f.tailSpan = max(f.tailSpan, int(l.place.tail))
			}
			f.pairBits[k>>6] |= 1 << (k & 63)
		default:
			off := rarestTriple(t)
			k := triHash(t[off], t[off+1], t[off+2])
			if f.triIdx[k] == 0 {
				f.tris = append(f.tris, nil)
				f.triIdx[k] = uint16(len(f.tris))
			}
			b := int(f.triIdx[k]) - 1
			f.tris[b] = append(f.tris[b], triRef{lit: int32(li), off: int32(off)})
			f.triBits[k>>6] |= 1 << (k & 63)
		}
	}
}

// nearSpan is the widest place, in runes, of literals of three
// bytes or more looked for only near the start or the end of a text
// (literals of two bytes always are).
const nearSpan = 16

func triHash(a, b, c byte) uint16 {
	return uint16((uint32(a)<<16 | uint32(b)<<8 | uint32(c)) * 0x9E3779B1 >> 16)
}

// rarestTriple returns the offset of the three bytes of t least
// likely in running text, by a rough rank of bytes: space and the most
// frequent letters of Latin-script languages count least.
func rarestTriple(t string) int {
	rank := func(c byte) int {
		switch {
		case c == ' ':
			return 0
		case strings.IndexByte("etaoinsrhl", c) >= 0:
			return 1
		case c >= 'a' && c <= 'z':
			return 3
		}
		return 4
	}
	best, bestScore := 0, -1
	for i := 0; i+3 <= len(t); i++ {
		if sc := rank(t[i]) + rank(t[i+1]) + rank(t[i+2]); sc > bestScore {
			best, bestScore = i, sc
		}
	}
	return best
}

// scan marks in cand the rules whose literals occur in place in lower,
// and reports whether it marked any.
func (f *prefilter) scan(lower []byte, cand []uint64) bool {
	n := len(lower)
	total := -1 // runes in lower, counted when first needed
	runes := func() int {
		if total < 0 {
			total = utf8.RuneCount(lower)
		}
		return total
	}
	any := false
	// Everywhere: literals of one byte, and the rarest three bytes of the
	// longer literals.
	r := 0 // rune index of byte i
	for i := 0; i < n; i++ {
		c := lower[i]
		if c < 0x80 || c >= 0xC0 {
			r++
		}
		if f.oneBits[c>>6]&(1<<(c&63)) != 0 {
			for _, li := range f.one[c] {
				any = f.mark(lower, li, i, r-1, runes(), cand) || any
			}
		}
		if i+2 >= n {
			continue
		}
		if k := triHash(c, lower[i+1], lower[i+2]); f.triBits[k>>6]&(1<<(k&63)) != 0 {
			for _, ref := range f.tris[f.triIdx[k]-1] {
				if start := i - int(ref.off); start >= 0 {
					any = f.mark(lower, ref.lit, start, -1, 0, cand) || any
				}
			}
		}
	}
	total = r
	// Near the start and near the end: the first two bytes of anchored
	// literals. Lists are sorted by span, widest first.
	r = 0
	for i := 0; i+1 < n && r <= f.headSpan; i++ {
		if !utf8.RuneStart(lower[i]) {
			continue
		}
		if k := uint16(lower[i])<<8 | uint16(lower[i+1]); f.pairBits[k>>6]&(1<<(k&63)) != 0 {
			for _, li := range f.pairs[f.pairIdx[k]-1].head {
				if r > int(f.lits[li].place.head) {
					break
				}
				any = f.mark(lower, li, i, r, total, cand) || any
			}
		}
		r++
	}
	if f.tailSpan > 0 {
		start, left := n, 0
		for start > 0 && left <= f.tailSpan {
			start--
			if utf8.RuneStart(lower[start]) {
				left++
			}
		}
		r = total - left
		for i := start; i+1 < n; i++ {
			if !utf8.RuneStart(lower[i]) {
				continue
			}
			if k := uint16(lower[i])<<8 | uint16(lower[i+1]); f.pairBits[k>>6]&(1<<(k&63)) != 0 {
				for _, li := range f.pairs[f.pairIdx[k]-1].tail {
					if total-r > int(f.lits[li].place.tail) {
						break
					}
					any = f.mark(lower, li, i, r, total, cand) || any
				}
			}
			r++
		}
	}
	for _, ri := range f.always {
		cand[ri>>6] |= 1 << (uint(ri) & 63)
		any = true
	}
	return any
}

// mark checks that literal li occurs at byte i (rune r, or -1 when the
// place need not be checked) of lower, a text of total runes, and marks in
// cand the rules that require it there.
func (f *prefilter) mark(lower []byte, li int32, i, r, total int, cand []uint64) bool {
	lit := &f.lits[li]
	if len(lower)-i < len(lit.text) || string(lower[i:i+len(lit.text)]) != lit.text {
		return false
	}
	marked := false
	for _, ref := range lit.refs {
		if r < 0 || ref.place.allows(r, total-r) {
			cand[ref.rule>>6] |= 1 << (uint(ref.rule) & 63)
			marked = true
		}
	}
	return marked
}

// ruleLiterals is what the prefilter looks for of a rule: lower-cased
// strings one of which every match of its regexp contains, and where they
// can start, or ok=false when it cannot tell.
type ruleLiterals struct {
	lits  []string
	place placement
	ok    bool
}

// noLiterals is the ruleLiterals of a rule the prefilter cannot narrow:
// it runs on every text.
var noLiterals = ruleLiterals{place: placement{-1, -1}}

// literalsOf returns the literals of a parsed and simplified regexp (the
// rules are parsed once, for their anchors and width and for this).
func literalsOf(re *syntax.Regexp) ruleLiterals {
	var lits []string
	place, ok := noLiterals.place, false
	hl, off, hscore, hok := anchoredLiterals(re)
	tl, span, tscore, tok := endLiterals(re)
	switch {
	case hok && (!tok || hscore >= tscore):
		lits, place.head, ok = hl, int32(off), true
	case tok:
		lits, place.tail, ok = tl, int32(span), true
	default:
		lits, ok = required(re)
	}
	if !ok || len(lits) == 0 || len(lits) > maxLiterals || slices.Contains(lits, "") {
		return noLiterals
	}
	return ruleLiterals{fewPrefixes(minimal(lits)), place, true}
}

// maxSetLiterals bounds the literals kept for one rule: a bigger
// set is cut to shorter prefixes, which are cheaper to look for.
const maxSetLiterals = 32

// fewPrefixes cuts the literals to their first n runes, with the
// largest n that leaves at most maxSetLiterals distinct strings
// (and at least two runes).
func fewPrefixes(lits []string) []string {
	if len(lits) <= maxSetLiterals {
		return lits
	}
	longest := 0
	for _, l := range lits {
		longest = max(longest, utf8.RuneCountInString(l))
	}
	for n := longest - 1; n >= 2; n-- {
		cut := make([]string, 0, len(lits))
		for _, l := range lits {
			cut = append(cut, prefixRunes(l, n))
		}
		cut = dedupe(cut)
		if len(cut) <= maxSetLiterals {
			return cut
		}
	}
	return lits
}

func prefixRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// minimal drops every literal that has another one of the set as a
// prefix: a text containing the longer one contains the shorter.
func minimal(lits []string) []string {
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

// anchoredLiterals handles a concatenation that starts with ^: it
// returns literals one of which starts at most offset runes into the text.
func anchoredLiterals(re *syntax.Regexp) (lits []string, offset int, score float64, ok bool) {
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 || re.Sub[0].Op != syntax.OpBeginText {
		return nil, 0, 0, false
	}
	return walk(re.Sub[1:], false)
}

// endLiterals handles a concatenation that ends with $: it returns
// literals one of which starts at most span runes before the end.
func endLiterals(re *syntax.Regexp) (lits []string, span int, score float64, ok bool) {
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 || re.Sub[len(re.Sub)-1].Op != syntax.OpEndText {
		return nil, 0, 0, false
	}
	subs := make([]*syntax.Regexp, 0, len(re.Sub)-1)
	for i := len(re.Sub) - 2; i >= 0; i-- {
		subs = append(subs, re.Sub[i])
	}
	return walk(subs, true)
}

// walk goes along the children of an anchored concatenation, from
// the anchor (backwards for an end anchor), while their width is bounded,
// and returns the most selective run of children that match finite sets
// of strings, with its offset from the anchor: where the run starts for a
// start anchor, where it starts counted from the end for an end anchor.
func walk(subs []*syntax.Regexp, backwards bool) (best []string, bestOff int, bestScore float64, ok bool) {
	bestScore = math.Inf(-1)
	consider := func(set []string, off int) {
		lits, ok := nonEmpty(set)
		if !ok || len(lits) > maxLiterals*4 {
			return
		}
		lits = fewPrefixes(minimal(lits))
		if sc := literalScore(lits) - float64(off)/1000; sc > bestScore {
			best, bestOff, bestScore = lits, off, sc
		}
	}
	offset := 0 // widest stretch between the anchor and the current child
	var run []string
	runOff, runWidth := 0, 0
	inRun := false
	end := func() {
		if !inRun {
			return
		}
		if backwards {
			consider(run, runOff+runWidth)
		} else {
			consider(run, runOff)
		}
		inRun = false
	}
	for _, sub := range subs {
		w := maxWidth(sub)
		if set, ok := exact(sub); ok && w >= 0 {
			var prod []string
			ok := inRun
			if inRun {
				if backwards {
					prod, ok = product(set, run)
				} else {
					prod, ok = product(run, set)
				}
			}
			if ok {
				run, runWidth = prod, runWidth+w
			} else {
				end()
				run, runOff, runWidth, inRun = set, offset, w, true
			}
			offset += w
			continue
		}
		end()
		if !backwards {
			if lits, ok := leading(sub); ok {
				consider(lits, offset)
			}
		}
		if w < 0 {
			break
		}
		offset += w
	}
	end()
	return best, bestOff, bestScore, best != nil
}

// literalScore rates a literal set for the prefilter: the longer
// its shortest literal (up to 8 runes) and the fewer its literals, the
// rarer a hit.
func literalScore(lits []string) float64 {
	return float64(min(shortestRunes(lits), 8)) - float64(len(lits))/100
}

// firstBytes returns, for a regexp anchored at the start of text
// (it begins with ^), the set of bytes a match can begin with; ok is false
// when it is not anchored or the set cannot be bounded. Non-ASCII runes
// allow every byte from 0x80 up.
func firstBytes(re *syntax.Regexp) (set [4]uint64, ok bool) {
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 || re.Sub[0].Op != syntax.OpBeginText {
		return set, false
	}
	rest := &syntax.Regexp{Op: syntax.OpConcat, Sub: re.Sub[1:]}
	set, empty, ok := firstOf(rest)
	if !ok || empty {
		return set, false
	}
	return set, true
}

// firstOf returns the bytes a match of re can begin with and whether
// re can match the empty string.
func firstOf(re *syntax.Regexp) (set [4]uint64, empty bool, ok bool) {
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
		return firstOf(re.Sub[0])
	case syntax.OpStar, syntax.OpQuest:
		set, _, ok = firstOf(re.Sub[0])
		return set, true, ok
	case syntax.OpRepeat:
		set, empty, ok = firstOf(re.Sub[0])
		return set, empty || re.Min == 0, ok
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			s2, e2, ok2 := firstOf(sub)
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
			s2, e2, ok2 := firstOf(sub)
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

// leading returns literals one of which starts every match of re.
func leading(re *syntax.Regexp) ([]string, bool) {
	if set, ok := exact(re); ok {
		return nonEmpty(set)
	}
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return leading(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return leading(re.Sub[0])
		}
	case syntax.OpConcat:
		if len(re.Sub) > 0 {
			return leading(re.Sub[0])
		}
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			l, ok := leading(sub)
			if !ok {
				return nil, false
			}
			out = append(out, l...)
		}
		return dedupe(out), true
	}
	return nil, false
}

// maxWidth returns the most runes re can match, or -1 when that is
// unbounded.
func maxWidth(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginText, syntax.OpEndText, syntax.OpBeginLine,
		syntax.OpEndLine, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return 0
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture, syntax.OpQuest:
		return maxWidth(re.Sub[0])
	case syntax.OpRepeat:
		w := maxWidth(re.Sub[0])
		if re.Max < 0 || w < 0 {
			return -1
		}
		return re.Max * w
	case syntax.OpConcat, syntax.OpAlternate:
		n := 0
		for _, sub := range re.Sub {
			w := maxWidth(sub)
			if w < 0 {
				return -1
			}
			if re.Op == syntax.OpConcat {
				n += w
			} else {
				n = max(n, w)
			}
		}
		return n
	}
	return -1
}

func shortestRunes(lits []string) int {
	n := math.MaxInt
	for _, l := range lits {
		n = min(n, utf8.RuneCountInString(l))
	}
	return n
}

func required(re *syntax.Regexp) ([]string, bool) {
	if set, ok := exact(re); ok {
		return nonEmpty(set)
	}
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
		return nil, false
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			l, ok := required(sub)
			if !ok {
				return nil, false
			}
			out = append(out, l...)
		}
		return dedupe(out), true
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
			score := float64(min(shortestRunes(l), 8)) - float64(len(l))/100
			if score > bestScore {
				best, bestScore = l, score
			}
		}
		var run []string
		inRun := false
		flush := func() {
			if inRun {
				consider(nonEmpty(run))
			}
			run, inRun = nil, false
		}
		for _, sub := range re.Sub {
			if set, ok := exact(sub); ok {
				if !inRun {
					run, inRun = set, true
				} else if prod, ok := product(run, set); ok {
					run = prod
				} else {
					flush()
					run, inRun = set, true
				}
				continue
			}
			flush()
			consider(required(sub))
		}
		flush()
		return best, best != nil
	}
	return nil, false
}

// maxExact bounds the finite string sets exact builds.
const maxExact = 64

// exact returns every string re can match, lower-cased, when that
// is a small finite set.
func exact(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginText, syntax.OpEndText, syntax.OpBeginLine,
		syntax.OpEndLine, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return []string{""}, true
	case syntax.OpLiteral:
		return []string{string(appendLower(nil, []byte(string(re.Rune))))}, true
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if hi-lo > 3 || len(out) > 8 {
				return nil, false
			}
			for r := lo; r <= hi; r++ {
				out = append(out, string(appendLower(nil, []byte(string(r)))))
			}
		}
		out = dedupe(out)
		return out, len(out) > 0
	case syntax.OpCapture:
		return exact(re.Sub[0])
	case syntax.OpQuest:
		set, ok := exact(re.Sub[0])
		if !ok {
			return nil, false
		}
		return dedupe(append([]string{""}, set...)), true
	case syntax.OpRepeat:
		if re.Max < 0 || re.Max > 4 {
			return nil, false
		}
		sub, ok := exact(re.Sub[0])
		if !ok {
			return nil, false
		}
		var out []string
		cur := []string{""}
		for n := 0; n <= re.Max; n++ {
			if n >= re.Min {
				out = append(out, cur...)
			}
			if cur, ok = product(cur, sub); !ok {
				return nil, false
			}
		}
		out = dedupe(out)
		return out, len(out) <= maxExact
	case syntax.OpConcat:
		cur := []string{""}
		for _, sub := range re.Sub {
			set, ok := exact(sub)
			if !ok {
				return nil, false
			}
			if cur, ok = product(cur, set); !ok {
				return nil, false
			}
		}
		return cur, true
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			set, ok := exact(sub)
			if !ok {
				return nil, false
			}
			out = append(out, set...)
		}
		out = dedupe(out)
		return out, len(out) <= maxExact
	}
	return nil, false
}

// product concatenates every string of a with every one of b.
func product(a, b []string) ([]string, bool) {
	if len(a)*len(b) > maxExact {
		return nil, false
	}
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return dedupe(out), true
}

// nonEmpty returns set as required literals: it fails when the
// set holds the empty string (the expression may match nothing).
func nonEmpty(set []string) ([]string, bool) {
	for _, s := range set {
		if s == "" {
			return nil, false
		}
	}
	return set, len(set) > 0
}

func dedupe(in []string) []string {
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
