// Package wrap finds bodies whose paragraphs were hard-wrapped at a fixed
// width, as lynx, w3m and links dump a page, as html2text and fmt print
// text, and as mail and old archives keep it, and joins their lines back
// into paragraphs.
//
// The detectors read a paragraph as a line. On a wrapped body each line
// is a piece of a paragraph: its last, short line looks like a caption, a
// link or a fragment, and a paragraph flagged in part loses its pieces
// one by one. Two things show wrapping, in any language and script: the
// lines of some length pile up just under a width that almost none
// exceeds (a paragraph per line spreads from a few words to thousands of
// characters), and most of those full lines end inside a sentence.
package wrap

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsdedup/newsdedup/internal/swar"
)

// The shape of a wrapped body.
const (
	// minLong is the number of lines of longRunes or more a body needs
	// for its widths to say anything; shorter lines (menus, headings,
	// list items) are not counted.
	minLong   = 5
	longRunes = 20
	// The width is at least minWidth runes (a CJK terminal's 36 double
	// width characters, a narrow mail column) and at most maxWidth (a
	// wide terminal's 132 columns): lines that stop at a greater length
	// are a writer's (a feed cut at 180 characters, a list of tweets).
	minWidth = 30
	maxWidth = 132
	// Of the long lines, at least fullShare, and minFull lines, are
	// full: within fullSlack of the width, a word or two short of it (on
	// a whole page's dump most long lines are links and menus) ...
	fullShare = 0.1
	minFull   = 5
	fullSlack = 0.25
	// ... at most overShare (and at most maxOver lines) run past the
	// width by more than overSlack (a URL or a word longer than a line
	// cannot be wrapped) ...
	overShare = 0.05
	maxOver   = 3
	overSlack = 0.1
	// maxLine is the longest a line wrapped at maxWidth runs: overSlack
	// past it.
	maxLine = maxWidth * 11 / 10
	// ... and at least openShare of the full lines end inside a
	// sentence.
	openShare = 0.5
	// widthQuantile is the quantile of the long lines' widths taken for
	// the width: the longest lines but for the few unbreakable ones.
	widthQuantile = 0.9
)

// Width returns the width at which lines were wrapped, in runes, or 0
// when they do not read as wrapped. It allocates nothing, and stops at
// the fourth line too long to have been wrapped, which on most bodies (a
// paragraph a line) comes early.
func Width(lines []string) int {
	// hist counts the long lines by length, up to the longest a line
	// wrapped at maxWidth can run (an unbreakable word past the width is
	// counted as too long).
	var hist [maxLine + 1]uint16
	long, tooLong := 0, 0
	for _, l := range lines {
		if len(l) < longRunes {
			continue // fewer bytes than longRunes: fewer runes too
		}
		n := maxLine + 1 // more than utf8.UTFMax bytes a rune: too long
		if len(l) <= utf8.UTFMax*maxLine {
			n = runeCount(l)
		}
		switch {
		case n < longRunes:
			continue
		case n > maxLine:
			if tooLong++; tooLong > maxOver {
				return 0
			}
		default:
			hist[n]++
		}
		long++
	}
	if long < minLong {
		return 0
	}
	// The widthQuantile of the long lines' lengths, the too long ones
	// above all others.
	rank := int(widthQuantile * float64(long-1))
	w, seen := 0, 0
	for n := longRunes; n <= maxLine; n++ {
		if seen += int(hist[n]); seen > rank {
			w = n
			break
		}
	}
	// Lines more than overSlack past the quantile run over it. On a body
	// of few long lines (a short article amid a page's menus) the
	// quantile falls a line or two short of the width: the longest line
	// within overSlack above it is a full line too, not an unbreakable
	// one. (What runs over is still counted from the quantile: a longer
	// width would let more lines in under it.)
	hi := min(int(float64(w)*(1+overSlack)), maxLine)
	over := tooLong
	for n := hi + 1; n <= maxLine; n++ {
		over += int(hist[n])
	}
	for n := hi; n > w; n-- {
		if hist[n] > 0 {
			w = n
			break
		}
	}
	if w < minWidth || w > maxWidth {
		return 0
	}
	lo := int(math.Ceil(float64(w) * (1 - fullSlack)))
	full := 0
	for n := max(lo, longRunes); n <= w; n++ {
		full += int(hist[n])
	}
	if over > maxOver || float64(over) > overShare*float64(long) ||
		full < minFull || float64(full) < fullShare*float64(long) {
		return 0
	}
	open := 0
	for _, l := range lines {
		if len(l) < lo || len(l) < longRunes || len(l) > utf8.UTFMax*w {
			continue
		}
		if n := runeCount(l); n >= longRunes && n >= lo && n <= w && !endsSentence(l) {
			open++
		}
	}
	if float64(open) < openShare*float64(full) {
		return 0
	}
	return w
}

// Unwrap returns the paragraphs of lines, which were wrapped at width
// (see Width), and for each the index of its first line. A line runs on
// into the next when it was broken by the wrapper, not the writer: when
// the next line's first word would not have fitted on it, or when it is
// full (within a quarter of the width: wrappers that balance lines break
// early), does not end a sentence and the next line goes on in lower
// case. A line that ends a sentence runs on only into a line that goes
// on in lower case; nothing runs into an item
// of a list, nor into a line that breaks[i] marks (a blank line before
// it: the writer's paragraph break; breaks may be nil), and a line that
// is the headline (title, compared without case) stands alone. Joined
// lines are separated by a space. With width 0, or when no line runs on,
// it returns lines and nil.
func Unwrap(lines []string, width int, title string, breaks []bool) (paras []string, first []int) {
	if width <= 0 {
		return lines, nil
	}
	title = strings.TrimSpace(title)
	on := func(i int) bool {
		return !(i+1 < len(breaks) && breaks[i+1]) && runsOn(lines[i], lines[i+1], width) &&
			(title == "" || !strings.EqualFold(lines[i], title) && !strings.EqualFold(lines[i+1], title))
	}
	joined := false
	for i := 0; i+1 < len(lines) && !joined; i++ {
		joined = on(i)
	}
	if !joined {
		return lines, nil
	}
	var b strings.Builder
	for i := 0; i < len(lines); {
		j := i + 1
		for j < len(lines) && on(j-1) {
			j++
		}
		first = append(first, i)
		if j == i+1 {
			paras = append(paras, lines[i])
		} else {
			b.Reset()
			for k := i; k < j; k++ {
				if k > i {
					b.WriteByte(' ')
				}
				b.WriteString(lines[k])
			}
			paras = append(paras, b.String())
		}
		i = j
	}
	return paras, first
}

// runsOn reports whether line a, of a body wrapped at width, runs on into
// line b (see Unwrap).
func runsOn(a, b string, width int) bool {
	if a == "" || b == "" || listItem(b) {
		return false
	}
	word := b
	if i := strings.IndexFunc(b, unicode.IsSpace); i >= 0 {
		word = b[:i]
	}
	n := utf8.RuneCountInString(a)
	forced := n+1+utf8.RuneCountInString(word) > width
	full := float64(n) >= (1-fullSlack)*float64(width)
	if !forced && !full {
		return false // the break was the writer's
	}
	if endsSentence(a) || !forced {
		// A full line the next word would have fitted on runs on only
		// into words that go on in lower case: a list's items, each on
		// a line of its own, are full lines too.
		r, _ := utf8.DecodeRuneInString(b)
		return unicode.IsLower(r)
	}
	return true
}

// endsSentence reports whether l ends with a sentence's final mark,
// maybe followed by a closing quote or bracket.
func endsSentence(l string) bool {
	l = strings.TrimRightFunc(l, func(r rune) bool { return strings.ContainsRune(`"'”’»)]`, r) })
	r, _ := utf8.DecodeLastRuneInString(l)
	return strings.ContainsRune(".!?:;…。！？", r)
}

// listItem reports whether l opens with a list's bullet or number ("* ",
// "- ", "• ", "1. ", "2) ").
func listItem(l string) bool {
	switch {
	case strings.HasPrefix(l, "* "), strings.HasPrefix(l, "- "), strings.HasPrefix(l, "+ "),
		strings.HasPrefix(l, "• "), strings.HasPrefix(l, "· "), strings.HasPrefix(l, "– "):
		return true
	}
	i := 0
	for i < len(l) && i < 3 && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	return i > 0 && i+1 < len(l) && (l[i] == '.' || l[i] == ')') && l[i+1] == ' '
}

// runeCount is utf8.RuneCountInString, eight bytes at a time through
// ASCII: Width counts every line of most bodies.
func runeCount(s string) int {
	const hiBits = 0x8080808080808080
	n := 0
	for len(s) > 0 {
		if len(s) >= 8 {
			if swar.Load(s)&hiBits == 0 {
				s, n = s[8:], n+8
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(s)
		s, n = s[size:], n+1
	}
	return n
}
