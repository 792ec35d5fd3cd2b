package residue

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Reader comments. A page's text often goes on after the article with
// its readers' comments: posts of prose, each signed by its poster with a
// date or a time,
//
//	Posted by: Sean | Jan 10, 2008 4:49:12 PM
//	Posted by Idealist on January 10, 2008 5:58 PM
//	Eingestellt von Anna am 12.01.2008 um 14:30
//
// Prose is what the article is made of too, so a post is known only by
// the signatures around it: short lines that carry a date or time and
// are one template, the same words around a name that changes (the
// "middle", a few words at most). What tells a thread from an article's
// own dated lines (a timeline, a live blog's entries, a schedule):
//
//   - posts between the signatures: no two signatures are adjacent;
//   - the template is fixed around a short middle, which a live blog's
//     "10:32 AM: Obama arrives in Des Moines" is not (its words change);
//   - and either a comment marker ("Comments", "Leave a comment",
//     "Kommentare") right before the first signature, or at least
//     threadMinPosts signatures with threadMinNames different middles
//     (posters' names: one author's own dated sections are no thread)
//     around posts of a few lines (at most threadShortPost lines from
//     one signature to the next, the median: a blog's front page, its
//     posts dated and signed by two authors, has longer ones, and so has
//     a travel guide whose sights each end with a dated price).
//
// The thread is the marker's lines up to the last signature (its last
// post too when the signature comes before its post, as after
// "Comments", "By DUMAS", "Dec 30, 2007 7:06 PM | Link to this"); with no
// marker, the first to the last signature, leaving the first or last
// post, whose bound nothing says. A thread needs an article before it
// (threadArticleWords words of prose): the body is not comments only.

// Tuning of the thread evidence.
const (
	sigMaxWords        = 16  // longest line that can be a signature
	sigMaxMiddle       = 4   // most words of a signature's changing part
	sigNameWords       = 5   // most words of a name on the line above a signature
	sigMinFixed        = 3   // fewest tokens of a signature's template
	threadMinPosts     = 4   // signatures of a thread without a marker
	threadMinNames     = 3   // different names in a thread without a marker
	threadMarkerPosts  = 3   // signatures of a thread after a marker
	threadMaxPost      = 40  // most lines between two signatures
	threadShortPost    = 6   // most lines of a median post without a marker
	threadArticleWords = 40  // prose before a thread
	threadWeight       = 0.8 // the evidence a thread gives its lines
)

// signature is a line that can sign a post: its tokens, lower case with
// every token holding a digit folded to "#". A merged signature opens a
// longer line, the post after it on the same line ("Posted by: Walters
// on December 29, 2007 01:15 PM I hope you are not..."), or closes it
// after the post ("... betting though.Posted by: Travis Pahl on December
// 29, 2007 01:59 PM"), as some extractors join the blocks of a post.
type signature struct {
	i    int
	toks []string
	// opens and closes say whether the signature opens or closes a
	// longer line, its post.
	opens, closes bool
}

// dated reports whether s carries a time ("4:49", "9.35am", "14h30") or
// a year of four digits (19xx, 20xx).
func dated(s string) bool { return scanDates(s, true) }

// stamp reports whether s, a line without letters, is a date or time:
// a time of day, or a year with a month and a day.
func stamp(s string) bool {
	if hasClock(s) {
		return true
	}
	groups := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) && (i == 0 || !isDigit(s[i-1])) {
			groups++
		}
	}
	return groups >= 3 && dated(s)
}

// hasClock reports whether s carries a time of day.
func hasClock(s string) bool { return scanDates(s, false) }

// scanDates reports a time in s, or with years also a year.
func scanDates(s string, years bool) bool {
	run, start := 0, 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if run == 0 {
				start = i
			}
			run++
			continue
		}
		if years && run == 4 && (s[start:start+2] == "19" || s[start:start+2] == "20") {
			return true
		}
		if run >= 1 && run <= 2 && i+2 < len(s) && (s[i] == ':' || s[i] == 'h' || s[i] == '.') &&
			isDigit(s[i+1]) && isDigit(s[i+2]) && (i+3 == len(s) || !isDigit(s[i+3])) {
			return true
		}
		run = 0
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// sigTokens returns the folded tokens of a possible signature, or nil,
// and whether it opens or closes a line that holds its post too: then
// the signature is the line's first words up to a time among its first
// sigMaxWords (and an "am", "PM" or "Uhr" after it), or its words after
// its last sentence (see closingSig).
func sigTokens(l *line, text string) (toks []string, opens, closes bool) {
	// An @handle signs a quoted post (an embedded tweet, "— Crystal
	// Hefner (@crystalhefner) December 29, 2014"), which the article
	// goes on around.
	if l.skip || l.words < 2 || l.letters == 0 || l.handle {
		return nil, false, false
	}
	if l.words > sigMaxWords {
		if toks, ok := mergedSig(text); ok {
			return toks, true, false
		}
		toks, ok := closingSig(text)
		return toks, false, ok
	}
	if !dated(text) {
		return nil, false, false
	}
	toks = strings.Fields(strings.ToLower(text))
	if len(toks) > sigMaxWords+4 {
		return nil, false, false
	}
	fold(toks)
	return toks, false, false
}

// mergedSig returns the signature that opens text, if one does. Most
// long lines carry no time among their first words, which it tells
// without splitting them.
func mergedSig(text string) ([]string, bool) {
	head, words := text, 0
	for i := 0; i < len(text); i++ {
		if text[i] == ' ' && i > 0 && text[i-1] != ' ' {
			if words++; words == sigMaxWords+1 {
				head = text[:i]
				break
			}
		}
	}
	if !hasClock(head) {
		return nil, false
	}
	toks := strings.Fields(head)
	cut := -1
	for k := 0; k < len(toks) && k < sigMaxWords; k++ {
		if hasClock(toks[k]) {
			cut = k + 1
		}
	}
	if cut < 0 || cut >= len(toks)-1 {
		return nil, false
	}
	if meridiem(toks[cut]) {
		cut++
	}
	sig := make([]string, cut)
	for k := range sig {
		sig[k] = strings.ToLower(toks[k])
	}
	fold(sig)
	return sig, true
}

// closingSig returns the signature that closes text, if one does: a
// post's last line with its signature after its last sentence, on the
// same line or glued to it as some extractors leave it ("... betting
// though.Posted by: Travis Pahl on December 29, 2007 01:59 PM"). The
// line must end with a time (and an "am", "PM" or "Uhr" after it), and
// the signature is what follows the last sentence's end among the line's
// last sigMaxWords words.
func closingSig(text string) ([]string, bool) {
	// Most lines end with no digit near their end, which says no
	// without splitting them.
	text = strings.TrimRight(text, " ")
	if strings.IndexFunc(text[max(0, len(text)-12):], unicode.IsDigit) < 0 {
		return nil, false
	}
	tail, words := text, 0
	for i := len(text) - 1; i > 0; i-- {
		if text[i] == ' ' && text[i-1] != ' ' {
			if words++; words == sigMaxWords+1 {
				tail = text[i+1:]
				break
			}
		}
	}
	toks := strings.Fields(tail)
	n := len(toks)
	if n < 2 {
		return nil, false
	}
	clock := n - 1
	if meridiem(toks[n-1]) {
		clock = n - 2
	}
	if !hasClock(toks[clock]) {
		return nil, false
	}
	// The last sentence's end before the time: a token ending one, or
	// one glued to the signature's first word ("though.Posted").
	for k := clock - 1; k >= 0; k-- {
		t := toks[k]
		if end := strings.LastIndexAny(t, ".!?\"”"); end >= 0 {
			rest := t[end+1:]
			if r, _ := utf8.DecodeRuneInString(rest); rest != "" && !unicode.IsUpper(r) {
				continue // "2.5", "U.S."
			}
			sig := append([]string(nil), toks[k+1:]...)
			if rest != "" {
				sig = append([]string{rest}, sig...)
			}
			if len(sig) < sigMinFixed || len(sig) > sigMaxWords {
				return nil, false
			}
			for i := range sig {
				sig[i] = strings.ToLower(sig[i])
			}
			fold(sig)
			return sig, true
		}
	}
	return nil, false
}

// meridiem reports whether a token after a time is a word of three
// letters at most that goes with it: "am", "PM", "Uhr".
func meridiem(t string) bool {
	return utf8.RuneCountInString(t) <= 3 && strings.IndexFunc(t, func(r rune) bool { return !unicode.IsLetter(r) }) < 0
}

// fold replaces every token holding a digit with "#".
func fold(toks []string) {
	for k, t := range toks {
		if strings.IndexFunc(t, unicode.IsDigit) >= 0 {
			toks[k] = "#"
		}
	}
}

// template returns the tokens that most signatures of a run (two in
// three) share at their start and at their end: a poster's long name or
// a post in the morning ("AM" where most say "PM") does not unmake it.
func template(sigs []signature) (pre, suf []string) {
	need := (2*len(sigs) + 2) / 3
	common := func(at func(t []string) (string, bool)) (string, bool) {
		counts := map[string]int{}
		for _, s := range sigs {
			if tok, ok := at(s.toks); ok {
				counts[tok]++
			}
		}
		for tok, c := range counts {
			if c >= need {
				return tok, true
			}
		}
		return "", false
	}
	for {
		tok, ok := common(func(t []string) (string, bool) {
			if !fits(t, pre, suf) || len(t) <= len(pre)+len(suf) {
				return "", false
			}
			return t[len(pre)], true
		})
		if !ok {
			break
		}
		pre = append(pre, tok)
	}
	for {
		tok, ok := common(func(t []string) (string, bool) {
			if !fits(t, pre, suf) || len(t) <= len(pre)+len(suf) {
				return "", false
			}
			return t[len(t)-1-len(suf)], true
		})
		if !ok {
			break
		}
		suf = append([]string{tok}, suf...)
	}
	return pre, suf
}

// fits reports whether the tokens t begin with pre and end with suf,
// apart.
func fits(t, pre, suf []string) bool {
	return len(t) >= len(pre)+len(suf) && slices.Equal(t[:len(pre)], pre) && slices.Equal(t[len(t)-len(suf):], suf)
}

// hasLetters reports whether some token of toks has a letter.
func hasLetters(toks []string) bool {
	return slices.ContainsFunc(toks, func(t string) bool { return strings.IndexFunc(t, unicode.IsLetter) >= 0 })
}

// commentThreads marks the lines of reader-comment threads (see above)
// with strong evidence.
func commentThreads(L []line, P []string) {
	var sigs []signature
	for i := range L {
		if t, opens, closes := sigTokens(&L[i], P[i]); t != nil {
			sigs = append(sigs, signature{i, t, opens, closes})
		}
	}
	if len(sigs) < threadMarkerPosts {
		return
	}
	// A template is known by its first or its last token; group the
	// signatures by each, and each group into runs of posts.
	done := make([]bool, len(L))
	for _, end := range []bool{false, true} {
		groups := map[string][]signature{}
		var order []string
		for _, s := range sigs {
			k := s.toks[0]
			if end {
				k = s.toks[len(s.toks)-1]
			}
			if _, ok := groups[k]; !ok {
				order = append(order, k)
			}
			groups[k] = append(groups[k], s)
		}
		for _, k := range order {
			g := groups[k]
			for a := 0; a < len(g); {
				b := a + 1
				// A post between two signatures, or on the line of
				// one of them.
				for b < len(g) && (g[b].i-g[b-1].i >= 2 || g[b-1].opens || g[b].closes) && g[b].i-g[b-1].i <= threadMaxPost+1 {
					b++
				}
				if !done[g[a].i] {
					markThread(L, P, g[a:b], done)
				}
				a = b
			}
		}
	}
}

// markThread marks one run of signatures as a thread if it is one.
func markThread(L []line, P []string, run []signature, done []bool) {
	if len(run) < threadMarkerPosts {
		return
	}
	pre, suf := template(run)
	if len(pre)+len(suf) < sigMinFixed || !hasLetters(pre) && !hasLetters(suf) {
		return
	}
	// Two signatures in three fit the template around a name. The
	// thread begins at the first that does (what comes before, such as
	// the article's byline dated like the posts, is not the thread's); a
	// poster with a long name inside or at its end is still one of it.
	names, fit := map[string]bool{}, run[:0:0]
	for _, s := range run {
		t := s.toks
		if !fits(t, pre, suf) {
			continue
		}
		mid := t[len(pre) : len(t)-len(suf)]
		if len(mid) > sigMaxMiddle {
			continue
		}
		fit = append(fit, s)
		names[strings.Join(mid, " ")] = true
	}
	if 3*len(fit) < 2*len(run) || len(fit) < threadMarkerPosts {
		return
	}
	run = run[slices.IndexFunc(run, func(s signature) bool { return s.i == fit[0].i }):]
	// A signature of a date alone has its name on the line above
	// ("Volker Rieck sagt:", "By DUMAS", "Julia").
	above := map[string]bool{}
	for _, s := range fit {
		if a := s.i - 1; a >= 0 && L[a].words <= sigNameWords && L[a].letters > 0 && !dated(P[a]) {
			above[strings.ToLower(P[a])] = true
		}
	}
	if len(above) > len(names) {
		names = above
	}
	first, last := run[0].i, run[len(run)-1].i
	gaps := make([]int, 0, len(run)-1)
	for k := 1; k < len(run); k++ {
		gaps = append(gaps, run[k].i-run[k-1].i)
	}
	slices.Sort(gaps)
	longest, post := gaps[len(gaps)-1], gaps[len(gaps)/2] // the median post
	marker := -1
	for m := first - 1; m >= 0 && m >= first-longest; m-- {
		if L[m].commentMark {
			marker = m
			break
		}
	}
	start, end := first, last
	switch {
	case marker >= 0:
		start = marker + 1
		if first-marker <= 2 {
			// Signed before the post: the last post follows the last
			// signature, about as long as the others.
			for m := last + 1; m < len(L) && m < last+post; m++ {
				if L[m].strong >= DefaultThreshold || L[m].commentMark {
					break
				}
				end = m
			}
		}
	case len(run) < threadMinPosts || len(names) < threadMinNames || post > threadShortPost:
		return
	}
	words := 0
	for m := 0; m < start; m++ {
		if L[m].sentence() && !done[m] {
			words += L[m].words
		}
	}
	if words < threadArticleWords {
		return
	}
	reason := fmt.Sprintf("reader comments (%d posts signed like %s)", len(run), quoteShort(P[first]))
	for m := start; m <= end; m++ {
		if !L[m].skip {
			L[m].add(threadWeight, true, reason)
			done[m] = true
		}
	}
}
