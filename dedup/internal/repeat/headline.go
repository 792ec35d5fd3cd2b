package repeat

// Repeated headlines.
//
// Scrapers often print the headline again inside the body: verbatim, with
// the site's name glued on (" - Reuters", " | BBC News", "CNN.com - "),
// upper-cased or stripped of punctuation, or cut short with "..." or "…",
// at the top, at the end or anywhere in between. A lede that restates the
// headline in other words is not such a copy and must survive a clean.
//
// Every comparison is made on the "squeezed" form of a text: its words as
// shingle's tokenizer normalises them (NFKC, case folded), concatenated
// with nothing between them. Case, punctuation, spacing and the way a
// tokenizer splits "$20,000" or "al-Qaeda" then no longer matter, while the
// letters and digits must still agree, in order. A paragraph repeats the
// headline when its squeezed form, or that of one side of a site separator
// (" - ", " – ", " — ", " -- ", " | ", " :: ", " · ", " • ", " » ", " ~ ")
// whose other side is a site name of at most MaxSiteWords words, is
//
//   - equal to the headline's;
//   - a prefix of the headline's, when the text ends with an ellipsis and
//     keeps enough of the headline (a truncated copy, possibly cut
//     mid-word);
//   - within a few character edits of the headline's (nearly verbatim).
//
// The headline itself may carry a site name ("Fed holds rates - Reuters"):
// then the part without it is tried as well. A paragraph that starts with
// the headline and goes on with anything but a site name is not a copy.
//
// Headlines that quote someone get quoted again in the body, in prose:
// "When we felt threatened, we opened umbrellas." under the headline
// "When We Felt Threatened, We Opened Umbrellas". So inside the body (not
// in the first or last paragraph, where scrapers print copies) a whole
// copy whose case changed must have changed the way a scraper or a style
// sheet changes it: all upper case, all lower case or title case.
//
// Cost: a paragraph is tokenized only when its length is within range of
// the headline's and its first word starts the headline (or it holds a
// site separator), so most paragraphs cost a length check and one word.

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/dedup/internal/uspace"
)

// HeadlineOptions tunes Headline. A zero field takes its default, given in
// its doc.
type HeadlineOptions struct {
	// MinHeadlineWords is the fewest words a headline needs for copies of
	// it to be looked for everywhere (default 2). A shorter headline
	// ("Crabzilla", "Update") is looked for only in the first and last
	// paragraph, where scrapers print it, and only as a whole copy (case,
	// punctuation and site name may change, it may not be truncated or
	// misspelt): inside the body one word is no evidence of a repeat.
	MinHeadlineWords int
	// MinTruncatedWords is the fewest words a copy cut short with an
	// ellipsis must keep (default 1): the ellipsis and MinTruncatedShare
	// are evidence enough.
	MinTruncatedWords int
	// MinTruncatedShare is the least share of the headline's letters and
	// digits a copy cut short with an ellipsis must keep (default 0.3).
	MinTruncatedShare float64
	// MaxSiteWords is the most words the site name beside a copy may have,
	// and the most the site name carried by the headline may have for the
	// rest of the headline to be tried alone (default 5).
	MaxSiteWords int
	// MaxEditShare is the most character edits (insertions, deletions,
	// substitutions of letters and digits), as a share of the headline's
	// letters and digits, by which a copy may differ and still count as
	// nearly verbatim (default 0.05). Negative turns near matching off.
	MaxEditShare float64
	// MinNearChars is the fewest letters and digits a headline needs for
	// near matching (default 24): short headlines must match exactly.
	MinNearChars int
}

// DefaultHeadlineOptions returns the options Headline uses when given nil
// or a zero field.
func DefaultHeadlineOptions() HeadlineOptions {
	return HeadlineOptions{
		MinHeadlineWords:  2,
		MinTruncatedWords: 1,
		MinTruncatedShare: 0.3,
		MaxSiteWords:      5,
		MaxEditShare:      0.05,
		MinNearChars:      24,
	}
}

// withDefaults returns o with every zero field set to its default.
func (o HeadlineOptions) withDefaults() HeadlineOptions {
	d := DefaultHeadlineOptions()
	if o.MinHeadlineWords <= 0 {
		o.MinHeadlineWords = d.MinHeadlineWords
	}
	if o.MinTruncatedWords <= 0 {
		o.MinTruncatedWords = d.MinTruncatedWords
	}
	if o.MinTruncatedShare <= 0 {
		o.MinTruncatedShare = d.MinTruncatedShare
	}
	if o.MaxSiteWords <= 0 {
		o.MaxSiteWords = d.MaxSiteWords
	}
	if o.MaxEditShare == 0 {
		o.MaxEditShare = d.MaxEditShare
	}
	if o.MinNearChars <= 0 {
		o.MinNearChars = d.MinNearChars
	}
	return o
}

// Headline reports every paragraph of doc that repeats its title,
// verbatim or as scrapers mangle it, as a model.RepeatedHeadline hit. A
// nil opts means DefaultHeadlineOptions.
//
// The score is 1 for a verbatim copy and lower the more the copy was
// mangled: 0.98 when case or punctuation changed, 0.8 + 0.2 × the share of
// the headline kept when truncated, 1 − edits / letters when nearly
// verbatim; times 0.95 when a site name is glued on. A doc without a title
// (or whose title has no words) gets no hits, and nor does a nil doc.
//
// It is pure and safe for concurrent use.
func Headline(doc *model.Doc, opts *HeadlineOptions) []model.Hit {
	if doc == nil || len(doc.Paras) == 0 {
		return nil
	}
	var o HeadlineOptions
	if opts != nil {
		o = *opts
	}
	sc := getScratch()
	defer putScratch(sc)
	// No-break spaces read as spaces: "Headline | Site" is a copy
	// with the site's name, as "Headline | Site" is (see package uspace).
	title, _ := uspace.Plain(doc.Title)
	m, ok := newHeadlineMatcher(title, o.withDefaults(), sc)
	if !ok {
		return nil
	}
	var out []model.Hit
	for i, p := range doc.Paras {
		p, _ = uspace.Plain(p)
		hm, ok := m.match(p, i == 0 || i == len(doc.Paras)-1, sc)
		if !ok {
			continue
		}
		out = append(out, model.Hit{
			Kind:    model.RepeatedHeadline,
			Para:    i,
			Score:   hm.score(),
			Message: hm.message(),
		})
	}
	return out
}

// siteSeparators are the separators scrapers put between a headline and
// the site's name, without the spaces that surround them.
var siteSeparators = []string{"-", "–", "—", "--", "|", "::", "·", "•", "»", "~"}

// nextSeparator finds the first site separator in text at or after byte
// from: a separator of siteSeparators with a space on each side. It
// returns the separator's span including the spaces, or -1, -1.
func nextSeparator(text string, from int) (a, b int) {
	for from < len(text) {
		i := strings.IndexByte(text[from:], ' ')
		if i < 0 {
			break
		}
		a = from + i
		rest := text[a+1:]
		if len(rest) > 0 {
			switch rest[0] {
			case '-', '|', ':', '~', 0xC2, 0xE2: // 0xC2: · », 0xE2: – — •
				for _, sep := range siteSeparators {
					if len(rest) > len(sep) && rest[len(sep)] == ' ' && strings.HasPrefix(rest, sep) {
						return a, a + len(sep) + 2
					}
				}
			}
		}
		from = a + 1
	}
	return -1, -1
}

// headlineForm is one squeezed form of the headline: the whole title, or
// the title without the site name it carries.
type headlineForm struct {
	sq    []byte // squeezed title (or title part)
	raw   string // the title (or title part) as written
	words int    // word count
	// short is set when words < MinHeadlineWords: only whole copies at
	// the edges of the body count.
	short bool
	// dropped is the site name removed from the title with its separator
	// (e.g. " - Reuters"), "" for the whole title.
	dropped string
}

// headlineMatcher finds copies of one headline. It lives in a scratch and
// is valid until the scratch is returned to the pool.
type headlineMatcher struct {
	o     HeadlineOptions
	forms []headlineForm
	buf   []byte // backs the forms' sq
	// minRaw and maxRaw bound the byte length of a paragraph worth
	// tokenizing.
	minRaw, maxRaw int
	// minSq bounds the squeezed length of a candidate.
	minSq int
}

// matchKind says how a candidate matched a headline form.
type matchKind uint8

const (
	matchExact     matchKind = iota + 1 // squeezed forms equal
	matchTruncated                      // a prefix, ending with an ellipsis
	matchNear                           // within a few character edits
)

// headlineMatch describes one paragraph that repeats the headline.
type headlineMatch struct {
	kind     matchKind
	form     *headlineForm
	verbatim bool   // the part is the form as written, byte for byte
	ellipsis string // the ellipsis of a truncated copy
	kept     float64
	edits    int
	suffix   string // site name after the copy, with its separator
	prefix   string // site name before the copy, with its separator
}

// newHeadlineMatcher prepares the forms of title in sc. It reports false
// when the title is too short to look for.
func newHeadlineMatcher(title string, o HeadlineOptions, sc *scratch) (*headlineMatcher, bool) {
	title = strings.TrimSpace(title)
	if title == "" {
		return nil, false
	}
	m := &sc.hm
	*m = headlineMatcher{o: o, forms: m.forms[:0], buf: m.buf[:0]}
	m.addForm(title, "", sc)
	if len(m.forms) == 0 {
		return nil, false
	}
	// The title may carry a site name itself: try the rest alone.
	if core, dropped, ok := splitSiteName(title, o.MaxSiteWords, sc); ok {
		m.addForm(core, dropped, sc)
	}
	m.minSq = len(m.forms[0].sq)
	for _, f := range m.forms {
		m.minSq = min(m.minSq, len(f.sq))
	}
	m.minSq = int(o.MinTruncatedShare * float64(m.minSq))
	// Raw text is rarely shorter than its squeezed form; halve to allow
	// for compatibility characters that NFKC expands.
	m.minRaw = m.minSq / 2
	// A copy may gain quotes, spaces or entities, and carry a site name
	// of up to MaxSiteWords words.
	m.maxRaw = len(title) + len(title)/2 + 16*(o.MaxSiteWords+1)
	return m, true
}

// addForm adds raw as a headline form when it has enough words.
func (m *headlineMatcher) addForm(raw, dropped string, sc *scratch) {
	sc.squeeze(raw)
	if len(sc.sqEnd) == 0 {
		return
	}
	start := len(m.buf)
	m.buf = append(m.buf, sc.sq...)
	m.forms = append(m.forms, headlineForm{
		sq:      m.buf[start:len(m.buf):len(m.buf)],
		raw:     raw,
		words:   len(sc.sqEnd),
		short:   len(sc.sqEnd) < m.o.MinHeadlineWords,
		dropped: dropped,
	})
}

// splitSiteName splits title at its last (else first) site separator when
// the part after (else before) it looks like a site name: at most
// maxSiteWords words, each capitalised or written with a dot ("CNN.com").
// It returns the rest of the title and the dropped part with its
// separator.
func splitSiteName(title string, maxSiteWords int, sc *scratch) (core, dropped string, ok bool) {
	first, firstEnd := nextSeparator(title, 0)
	if first < 0 {
		return "", "", false
	}
	last, lastEnd := first, firstEnd
	for a, b := nextSeparator(title, firstEnd-1); a >= 0; a, b = nextSeparator(title, b-1) {
		last, lastEnd = a, b
	}
	if looksLikeSiteName(title[lastEnd:], maxSiteWords, sc) {
		return title[:last], title[last:], true
	}
	if looksLikeSiteName(title[:first], maxSiteWords, sc) {
		return title[firstEnd:], title[:firstEnd], true
	}
	return "", "", false
}

// looksLikeSiteName reports whether s has 1 to maxWords words, each
// starting with an upper-case letter or a digit, or s contains a dot.
func looksLikeSiteName(s string, maxWords int, sc *scratch) bool {
	sc.tok.Reset(s)
	n := 0
	capitalised := true
	for sc.tok.Next() {
		n++
		r, _ := utf8.DecodeRuneInString(s[sc.tok.Start():])
		capitalised = capitalised && (unicode.IsUpper(r) || unicode.IsDigit(r))
	}
	return n >= 1 && n <= maxWords && (capitalised || strings.Contains(s, "."))
}

// startsLike reports whether a text whose first word is tok can start a
// copy of a headline form.
func (m *headlineMatcher) startsLike(tok []byte) bool {
	for _, f := range m.forms {
		if bytes.HasPrefix(f.sq, tok) {
			return true
		}
	}
	return false
}

// match reports whether text repeats the headline, and how. edge says
// whether text is the first or last paragraph, where scrapers put copies.
func (m *headlineMatcher) match(text string, edge bool, sc *scratch) (headlineMatch, bool) {
	text = strings.TrimSpace(text)
	if len(text) < m.minRaw || len(text) > m.maxRaw {
		return headlineMatch{}, false
	}
	// A copy starts with the headline's first word, or with a site name
	// and a separator. Most paragraphs fail this after one word.
	sc.tok.Reset(text)
	if !sc.tok.Next() {
		return headlineMatch{}, false
	}
	sepA, sepB := nextSeparator(text, 0)
	if !m.startsLike(sc.tok.Token()) && sepA < 0 {
		return headlineMatch{}, false
	}
	sc.squeeze(text)
	n := len(sc.sqEnd)
	if len(sc.sq) < m.minSq {
		return headlineMatch{}, false
	}
	// The whole paragraph. Inside the body, a copy whose case changed
	// the way prose changes it is a quotation of a headline that quotes
	// someone, not a scraper's copy.
	if hm, ok := m.matchPart(sc, text, sc.sq, n, edge); ok &&
		(edge || hm.verbatim || hm.kind == matchTruncated || caseLooksScraped(text, hm.form.raw)) {
		return hm, true
	}
	// One side of a site separator, the other side a short site name.
	for a, b := sepA, sepB; a >= 0; a, b = nextSeparator(text, b-1) {
		left := sc.wordsBefore(a)
		right := n - sc.wordsBefore(b)
		if left == 0 || right == 0 {
			continue
		}
		if right <= m.o.MaxSiteWords {
			if hm, ok := m.matchPart(sc, text[:a], sc.sq[:sc.sqEnd[left-1]], left, edge); ok {
				hm.suffix = text[a:]
				return hm, true
			}
		}
		if left <= m.o.MaxSiteWords {
			if hm, ok := m.matchPart(sc, text[b:], sc.sq[sc.sqEnd[n-right-1]:], right, edge); ok {
				hm.prefix = text[:b]
				return hm, true
			}
		}
	}
	return headlineMatch{}, false
}

// matchPart matches one candidate part against the headline forms: raw is
// the part as written, sq its squeezed form of words words, edge whether
// the paragraph is the first or last of the body.
func (m *headlineMatcher) matchPart(sc *scratch, raw string, sq []byte, words int, edge bool) (headlineMatch, bool) {
	raw = strings.TrimSpace(raw)
	for i := range m.forms {
		f := &m.forms[i]
		if (edge || !f.short) && bytes.Equal(sq, f.sq) {
			return headlineMatch{kind: matchExact, form: f, verbatim: raw == f.raw}, true
		}
	}
	if ell := trailingEllipsis(raw); ell != "" && words >= m.o.MinTruncatedWords {
		for i := range m.forms {
			f := &m.forms[i]
			kept := float64(len(sq)) / float64(len(f.sq))
			if !f.short && len(sq) < len(f.sq) && kept >= m.o.MinTruncatedShare && bytes.HasPrefix(f.sq, sq) {
				return headlineMatch{kind: matchTruncated, form: f, ellipsis: ell, kept: kept}, true
			}
		}
	}
	if m.o.MaxEditShare > 0 {
		for i := range m.forms {
			f := &m.forms[i]
			if f.short || len(f.sq) < m.o.MinNearChars {
				continue
			}
			k := int(m.o.MaxEditShare * float64(len(f.sq)))
			if k < 1 || abs(len(sq)-len(f.sq)) > k {
				continue
			}
			var d int
			if d, sc.row = editDistanceWithin(f.sq, sq, k, sc.row); d <= k {
				return headlineMatch{kind: matchNear, form: f, edits: d}, true
			}
		}
	}
	return headlineMatch{}, false
}

// caseLooksScraped reports whether the letter case of copy could come from
// a scraper (or a style sheet) rewriting title: unchanged, all upper case,
// all lower case, or title case (every word of four letters or more
// capitalised). A sentence-case copy of a Title Case headline is none of
// these: it is how prose quotes the words a headline quotes.
func caseLooksScraped(copy, title string) bool {
	var hasUpper, hasLower bool
	sameCase, titleCase := true, true
	tr := title
	wordStart, wordUpper, wordLen := false, false, 0
	endWord := func() {
		if wordLen >= 4 && !wordUpper {
			titleCase = false
		}
		wordLen = 0
	}
	for _, r := range copy {
		if !unicode.IsLetter(r) {
			if r != '\'' && r != '’' && !unicode.IsDigit(r) {
				endWord()
				wordStart = false
			}
			continue
		}
		up, low := unicode.IsUpper(r), unicode.IsLower(r)
		hasUpper = hasUpper || up
		hasLower = hasLower || low
		if !wordStart {
			wordStart, wordUpper = true, up
		}
		wordLen++
		// Walk title to its next letter and compare cases.
		if sameCase {
			found := false
			for len(tr) > 0 {
				tr2, size := utf8.DecodeRuneInString(tr)
				tr = tr[size:]
				if unicode.IsLetter(tr2) {
					found = true
					sameCase = unicode.IsUpper(tr2) == up && unicode.IsLower(tr2) == low
					break
				}
			}
			sameCase = sameCase && found
		}
	}
	endWord()
	return sameCase || !hasLower || !hasUpper || titleCase
}

// trailingEllipsis returns the ellipsis ("..." or "…") text ends with, or
// "".
func trailingEllipsis(text string) string {
	text = strings.TrimRight(text, " \t")
	switch {
	case strings.HasSuffix(text, "…"):
		return "…"
	case strings.HasSuffix(text, "..."):
		return "..."
	}
	return ""
}

// score is the hit's score, see Headline.
func (hm headlineMatch) score() float64 {
	s := 1.0
	switch hm.kind {
	case matchExact:
		if !hm.verbatim {
			s = 0.98
		}
	case matchTruncated:
		s = 0.8 + 0.2*hm.kept
	case matchNear:
		s = 1 - float64(hm.edits)/float64(len(hm.form.sq))
	}
	if hm.suffix != "" || hm.prefix != "" {
		s *= 0.95
	}
	return s
}

// message is the hit's one-line explanation.
func (hm headlineMatch) message() string {
	var b strings.Builder
	b.WriteString("repeats the headline")
	switch hm.kind {
	case matchTruncated:
		b.WriteString(", truncated (")
		b.WriteString(strconv.Quote(hm.ellipsis))
		b.WriteString(")")
	case matchNear:
		b.WriteString(" nearly verbatim")
	}
	var details []string
	if hm.kind == matchExact && !hm.verbatim {
		details = append(details, "case or punctuation changed")
	}
	if hm.kind == matchNear {
		if hm.edits == 1 {
			details = append(details, "1 character differs")
		} else {
			details = append(details, strconv.Itoa(hm.edits)+" characters differ")
		}
	}
	if hm.form.dropped != "" {
		details = append(details, "without the title's "+quoteShort(hm.form.dropped))
	}
	if hm.prefix != "" {
		details = append(details, "with site prefix "+quoteShort(hm.prefix))
	}
	if hm.suffix != "" {
		details = append(details, "with site suffix "+quoteShort(hm.suffix))
	}
	if len(details) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(details, ", "))
		b.WriteString(")")
	}
	return b.String()
}

// quoteShort quotes s for a message, cut to 60 bytes at a rune boundary.
func quoteShort(s string) string {
	const limit = 60
	if len(s) > limit {
		i := limit
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i] + "…"
	}
	return strconv.Quote(s)
}
