package residue

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// List markup.
//
// An extractor that writes lists as text (html2text, inscriptis, a
// page-to-Markdown step) marks every item of every list, "  * Home",
// "  * News", "- Weather": the site's menus and link boxes as well as
// the article's own bullet points. On such a page a bullet says only
// that the line was an item of some list, and the rules that read a
// bullet as an article's list (its key points, a list of comment rules)
// would keep the menus. So when most of a body's short lines are
// bulleted (markupBullets of them or more, markupShare of the lines of
// shortLine words or fewer), the detector reads its lines without their
// markers, as it would read the page from an extractor that writes no
// list markup; clean keeps the text as written. On a page where bullets
// are few they are the page's own ("• Set up the winning goal" under a
// player's rating) and stay evidence.
const (
	markupBullets = 5
	markupShare   = 0.5
)

// bulletMarker returns the length in bytes of p's list marker: leading
// blanks, one of "*", "•", "-", "–", "·", "+", and the blanks after it;
// 0 when p has none or is the marker alone.
func bulletMarker(p string) int {
	s := strings.TrimLeft(p, " \t")
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !strings.ContainsRune("*•-–·+", r) || len(s) == n || (s[n] != ' ' && s[n] != '\t') {
		return 0
	}
	rest := strings.TrimLeft(s[n:], " \t")
	if rest == "" {
		return 0
	}
	return len(p) - len(rest)
}

// unbulleted returns paras without their list markers when they are the
// extractor's markup of every list (see above), or nil.
func unbulleted(paras []string) []string {
	// Most bodies have no bullet at all: count them first, and the short
	// lines only for a body with markupBullets of them.
	marked := 0
	for _, p := range paras {
		if bulletMarker(p) > 0 && fewFields(p, shortLine+1) {
			marked++
		}
	}
	if marked < markupBullets {
		return nil
	}
	short := 0
	for _, p := range paras {
		if strings.TrimSpace(p) != "" && fewFields(p, shortLine+1) {
			short++
		}
	}
	if float64(marked) < markupShare*float64(short) {
		return nil
	}
	out := slices.Clone(paras)
	for i, p := range out {
		if k := bulletMarker(p); k > 0 {
			out[i] = p[k:]
		}
	}
	return out
}

// fewFields reports whether s has at most max fields separated by
// blanks (spaces and tabs), without splitting it.
func fewFields(s string, max int) bool {
	n, in := 0, false
	for i := 0; i < len(s); i++ {
		blank := s[i] == ' ' || s[i] == '\t'
		if !blank && !in {
			if n++; n > max {
				return false
			}
		}
		in = !blank
	}
	return true
}
