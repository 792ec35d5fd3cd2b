// Package residue finds scraper residue in an article: the lines a
// scraper picks up around it that are not the article.
//
// A Detector (New) scores each paragraph of a model.Doc and reports those
// at its threshold or above. With a corpus, it also weighs how often a
// line recurs in other bodies: build a Stats over the corpus first (Add,
// or Counts.Count and Stats.AddCounts to count bodies on several
// goroutines and add them in order), then pass it to Detect. Patterns
// (DefaultPatterns, ParsePatterns, Merge) are the rules kept as data.
//
// # What it finds
//
// Around an article a scraper picks up "Related Articles" and lists of other headlines, read-more links, share,
// follow, like, subscribe and comment prompts, "Advertisement", video,
// gallery and poll placeholders, leaked HTML, CSS and JavaScript, image
// credits and file names, copyright and syndication notes.
//
// # How it scores
//
// The detector scores every paragraph from three kinds of evidence:
//
//   - Patterns, kept as data (patterns.txt, one "category regexp" rule a
//     line, in several languages). A rule match is strong evidence:
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
// is flagged at DefaultThreshold (0.5) or above.
//
// The title is never flagged, nor a paragraph that repeats it (the
// repeated-headline detector reports those), nor consecutive lines that
// together spell it out (a headline and its standfirst printed one under
// the other, when the title field holds both).
//
// # Cost
//
// Every paragraph is measured in one pass over its bytes, except
// long sentences (30 words or more ending in a full stop), which can only
// be residue by a pattern at their start or end and are measured by
// counting spaces. Patterns are matched on a whole paragraph of up to 320
// bytes, else on its first and last 160 bytes (64 and 96 for a long
// sentence). A rule runs only when a literal it requires occurs in the
// text, where a match could have it (the prefilter of prefilter.go, built
// from the parsed regexps), and a rule anchored at one end with a bounded width runs
// on that end only.
package residue

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/newsdedup/newsdedup/dedup/internal/fifo"
	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/dedup/internal/uspace"
)

// categoryLabels name the known categories in messages.
var categoryLabels = map[string]string{
	"related":     "related-link marker",
	"popular":     "most-read list marker",
	"readmore":    "read-more link",
	"share":       "share prompt",
	"follow":      "follow prompt",
	"like":        "like prompt",
	"subscribe":   "subscribe prompt",
	"comment":     "comment prompt",
	"feedback":    "feedback prompt",
	"cookie":      "cookie notice",
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
	"storycredit": "story credit",
	"teaser":      "teaser link",
	"cta":         "call to action",
}

// blockCategories mark a block of links: headline-like lines next
// to such a line are links of the same block. For those mapped to true
// the line opens the block ("Related", "More from"), so any short line
// after it counts.
var blockCategories = map[string]bool{
	"related": true, "popular": true, "teaser": true, "readmore": false, "comment": false, "nav": false,
}

// shapeRules name the rules of the shape, position and recurrence
// evidence, by the first words of their reasons.
var shapeRules = []struct{ prefix, rule string }{
	{"line without letters", "no-letters"}, {"bare URL", "url"}, {"code-like", "code"},
	{"file name or URL slug", "filename"}, {"headlines run together", "run-together"},
	{"line printed twice", "doubled"}, {"contact line", "contact"}, {"lower-case fragment", "fragment"},
	{"truncated teaser", "teaser"}, {"short all-caps", "caps"}, {"headline-like", "headline-like"},
	{"fragment", "fragment"}, {"layout spacing", "spacing"}, {"short line repeated", "doubled"},
	{"copy of the previous", "copy"}, {"repeated in the body", "recurs"}, {"boilerplate: recurs", "recurs"},
	{"dangling introduction", "tail"}, {"trailing line", "tail"}, {"related-link list", "links"},
	{"between residue", "block"}, {"next to residue", "block"}, {"reader comments", "comments"},
	{"past the article", "past"}, {"short line past", "tail"}, {"introduction to residue", "block"},
	{"menu run together", "nav"}, {"author's note", "bio"}, {"list of the comment rules", "comment"}, {"form fields", "form"},
	{"between two prompts", "box"}, {"teaser (one of", "teasers"},
}

// ruleOf names the rule of a reason: a pattern's category, or the shape
// rule.
func ruleOf(reason string) string {
	for cat, l := range categoryLabels {
		if l == reason {
			return cat
		}
	}
	if cat, ok := strings.CutSuffix(reason, " line"); ok && !strings.Contains(cat, " ") {
		return cat // a category of site patterns without a label
	}
	for _, r := range shapeRules {
		if strings.HasPrefix(reason, r.prefix) {
			return r.rule
		}
	}
	return "other"
}

// readerRules are the families of residue addressed to the reader who
// has read the article: share it, follow or like its site, subscribe,
// comment on it, and the comments themselves (see articleEnd).
var readerRules = map[string]bool{
	"share": true, "follow": true, "like": true, "subscribe": true, "comment": true, "feedback": true, "comments": true,
}

// articleText is the rule of the residue found in a paragraph that is
// most of the article, which clean keeps (see Detect).
const articleText = "article-text"

// An article's own byline block stands up to creditBefore lines before
// the article proper, its copyright or credit up to creditAfter after it.
const creditBefore, creditAfter = 4, 3

// creditCategories are the families of lines that belong to the article
// itself when they stand in it: bylines and datelines, copyright and
// syndication notes, image credits, the author's contact.
var creditCategories = map[string]bool{
	"update": true, "copyright": true, "credit": true, "syndication": true, "contact": true, "storycredit": true,
}

func label(cat string) string {
	if l, ok := categoryLabels[cat]; ok {
		return l
	}
	return cat + " line"
}

// Options tune a Detector. The zero value uses the defaults.
type Options struct {
	// Patterns are the rules; nil means DefaultPatterns().
	Patterns *Patterns
	// Threshold is the score from which a paragraph is reported; 0 (or
	// less) means DefaultThreshold.
	Threshold float64
	// MemoBodies is how many bodies the detector remembers what it
	// measured of, so that a body scanned again under another headline
	// (crawls repeat bodies) is not measured twice; 0 means
	// DefaultMemoBodies, a negative number none.
	MemoBodies int
}

// Defaults of Options and of the pattern format.
const (
	// DefaultThreshold is the default Options.Threshold: the score from
	// which a paragraph is reported.
	DefaultThreshold = 0.5
	// DefaultWeight is the weight of a pattern rule that gives none.
	DefaultWeight = 0.9
	// DefaultMemoBodies is the default Options.MemoBodies.
	DefaultMemoBodies = 1024
)

// Detector finds scraper residue. Its settings are fixed by New; its only
// state is the memo of measured bodies, which a mutex guards. It is safe
// for concurrent use by many goroutines.
type Detector struct {
	patterns  func() *Patterns // the rules, parsed when first needed
	threshold float64
	memo      *memo
}

// Warm starts compiling the detector's rules in the background, for a
// caller that will call Detect: compiling the built-in rules takes some
// 50 ms of a core, which then run beside the caller's other work (a
// pipeline's corpus pass) instead of in the first Detect, where the other
// workers' first calls wait for it.
func (d *Detector) Warm() { go d.patterns() }

// New returns a detector with opts applied over the defaults.
func New(opts Options) *Detector {
	d := &Detector{patterns: DefaultPatterns, threshold: opts.Threshold}
	if p := opts.Patterns; p != nil {
		d.patterns = func() *Patterns { return p }
	}
	if !(d.threshold > 0) {
		d.threshold = DefaultThreshold
	}
	switch {
	case opts.MemoBodies == 0:
		d.memo = newMemo(DefaultMemoBodies)
	case opts.MemoBodies > 0:
		d.memo = newMemo(opts.MemoBodies)
	}
	return d
}

// memo remembers, by body hash, the lines of a body as measured
// and matched before the headline and context are considered. Entries are
// never modified once stored. When full it forgets the oldest entry.
type memo struct {
	mu sync.Mutex
	m  *fifo.Map[[]line]
}

func newMemo(max int) *memo {
	return &memo{m: fifo.New[[]line](max)}
}

// get copies the remembered lines of body key into L and reports whether
// there were any (of the same count).
func (m *memo) get(key uint64, L []line) bool {
	if m == nil {
		return false
	}
	m.mu.Lock()
	lines, ok := m.m.Get(key)
	m.mu.Unlock()
	if !ok || len(lines) != len(L) {
		return false
	}
	copy(L, lines)
	return true
}

// put remembers a copy of L for body key.
func (m *memo) put(key uint64, L []line) {
	if m == nil {
		return
	}
	lines := slices.Clone(L)
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.m.Get(key); !ok {
		m.m.Put(key, lines)
	}
}

// line is what the detector measures and concludes about one
// paragraph.
type line struct {
	bytes, words, letters, lowerLetters, digits                 int
	alphaWords, capWords, longWords, capLongWords, allCapsWords int
	codeChars, urlBytes, glue                                   int
	// cjk counts the runes of scripts written without spaces (Han,
	// kana); words counts about two of them a word.
	cjk                                       int
	email, handle, slug, spaceRun, firstLower bool
	endSentence, endEllipsis, endColon        bool
	unpunct                                   bool // a long line without a clause mark (clauseMarks)
	tagged                                    bool // a sentence and its agency's tag (taggedSentence)

	quick bool // a long sentence, measured by measureQuick
	// span is the rule that matched a span of a long paragraph, which
	// counts only when the paragraph is not article text (see anchored).
	span     *rule
	fragment bool // a short line in lower case (see context)
	// skip marks a line no rule judges: the title, repeated
	// (titleCopy), a blank paragraph, a row of the article's own table
	// (see skipTables).
	skip bool
	// titleCopy marks a copy of the headline in the body: the article's
	// own headline, where a link block ends and its header begins.
	titleCopy bool
	key       uint64
	keyed     bool
	strong    float64 // noisy-OR of strong evidence
	weak      float64 // noisy-OR of weak evidence
	reason    string
	reasonW   float64
	// head marks a line of the article's head (its byline, dateline and
	// deck, right before the article proper): only strong evidence
	// counts there, whose reason sReason keeps.
	head    bool
	sReason string
	// wrapped marks a line of a paragraph hard-wrapped into lines (see
	// markWrapped): prose however short, where only strong evidence
	// counts too.
	wrapped     bool
	sReasonW    float64
	block       bool // a marker of a link block
	commentMark bool // a comment marker ("Comments", "Leave a comment")
	blockOpens  bool // a marker that opens one ("Related")
	blockReason string
}

// sentence reports whether the line reads as a sentence.
func (l *line) sentence() bool { return l.endSentence && l.words >= 2 }

// tailLine reports a line that, past the article, reads as the page's by
// its shape: short, no sentence, no introduction to what follows, and not
// a sentence with its agency's tag ("... to comment. - Sapa"), which is
// the article's last paragraph.
func (l *line) tailLine() bool {
	return l.words <= shortWords && !l.sentence() && !l.endColon && !(l.tagged && l.words >= taggedWords)
}

// blank reports a blank line: skipped, with no text.
func (l *line) blank() bool { return l.skip && l.bytes == 0 }

// separator reports a line of punctuation only ("* * *", "—").
func (l *line) separator() bool { return l.letters == 0 && l.digits == 0 }

// titleCase reports a headline-like line in title case.
func (l *line) titleCase() bool {
	return l.words >= 2 && l.words <= 16 && !l.endSentence && l.longWords >= 2 &&
		l.capLongWords*10 >= l.longWords*7
}

// linkish reports a line that could be one link of a list: short, not a
// sentence, with some letters, and no URL in it: a page shows its links'
// anchor text, an article writes out the addresses it cites ("USDA
// Agricultural Research Service: http://ars.usda.gov"), in its list and
// next to residue alike.
func (l *line) linkish() bool {
	return !l.skip && l.words >= 1 && l.words <= maxLineWords && l.letters > 0 &&
		!l.sentence() && !l.endColon && l.urlBytes == 0
}

// add records one piece of evidence.
func (l *line) add(w float64, strong bool, reason string) {
	if strong {
		l.strong = 1 - (1-l.strong)*(1-w)
		if w > l.sReasonW {
			l.sReason, l.sReasonW = reason, w
		}
	} else if l.head || l.wrapped {
		return
	} else {
		l.weak = 1 - (1-l.weak)*(1-w)
		w *= l.penalty()
	}
	if w > l.reasonW {
		l.reason, l.reasonW = reason, w
	}
}

// makeHead makes l a line of the article's head: only its strong
// evidence counts.
func (l *line) makeHead() {
	l.head, l.weak = true, 0
	l.reason, l.reasonW = l.sReason, l.sReasonW
}

// penalty discounts weak evidence on sentence-like and long lines.
func (l *line) penalty() float64 {
	p := 1.0
	if l.sentence() {
		p *= sentencePen
	}
	if l.words > longLineWords {
		p *= longLinePen
	}
	return p
}

func (l *line) score() float64 {
	return 1 - (1-l.strong)*(1-l.weak*l.penalty())
}

// scratch holds per-call buffers.
type scratch struct {
	patterns *Patterns // the detector's rules
	lines    []line
	lower    []byte
	win      []byte
	win2     []byte
	cand     []uint64
	wbuf     []byte
	spans    [][2]int32
	// markTitleRepeats
	title      map[string]bool
	titleWords []string
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch(n int) *scratch {
	sc := scratchPool.Get().(*scratch)
	if cap(sc.lines) < n {
		sc.lines = make([]line, n)
	}
	sc.lines = sc.lines[:n]
	clear(sc.lines)
	return sc
}

func putScratch(sc *scratch) {
	if cap(sc.lines) > 4096 {
		sc.lines = nil
	}
	scratchPool.Put(sc)
}

// keyLines computes the Stats keys of the short lines, which depend on
// the body alone and are memoised with it.
func keyLines(paras []string, L []line) {
	for i := range L {
		l := &L[i]
		if l.skip || l.words > maxLineWords || l.bytes > maxStatLineBytes {
			continue
		}
		l.key, l.keyed = lineKey(paras[i]), true
	}
}

// Detect reports the paragraphs of doc that are scraper residue, in
// paragraph order, each with Kind model.Residue, a score in [threshold, 1]
// and a message saying why. stats, when not nil, holds the line statistics
// of the corpus doc belongs to; nil means no corpus. The title is never
// reported.
func (d *Detector) Detect(doc *model.Doc, stats *Stats) []model.Hit {
	if doc == nil || len(doc.Paras) == 0 {
		return nil
	}
	n := len(doc.Paras)
	sc := getScratch(n)
	defer putScratch(sc)
	L := sc.lines

	// What a paragraph says on its own depends on the body only.
	var key uint64
	if d.memo != nil {
		key = doc.BodyKey()
	}
	// The detector reads the body and headline as shown (see
	// shownParas): no-break spaces as spaces, Markdown as its text, list
	// markup without markers. The memo and the corpus know the body, and
	// the messages quote its paragraphs, as written.
	raw := doc.Paras
	shown := shownParas(doc.Paras)
	if title, spaced := uspace.Plain(doc.Title); shown != nil || spaced {
		v := *doc
		if shown != nil {
			v.Paras = shown
		}
		v.Title = title
		doc = &v
	}
	if !d.memo.get(key, L) {
		for i, text := range doc.Paras {
			switch {
			case strings.TrimSpace(text) == "":
				L[i].skip = true // readers make no blank paragraphs; ignore them
			case !measureQuick(&L[i], text):
				measure(&L[i], text)
			}
		}
		sc.patterns = d.patterns()
		for i := range L {
			if !L[i].skip {
				d.intrinsic(&L[i], doc.Paras[i], sc)
			}
		}
		keyLines(raw, L)
		d.memo.put(key, L)
	}
	if doc.Title == "" {
		// A crawl that kept no headline: the body's own, found by its
		// place, stands for it (see bodyHeadline).
		if h := bodyHeadline(L, doc.Paras); h >= 0 {
			titled := *doc
			titled.Title = doc.Paras[h]
			doc = &titled
		}
	}
	d.markTitleRepeats(doc, L, sc)
	skipTables(L, doc.Paras)
	d.context(doc, L, stats)

	// An article's own credit lines (its dateline, copyright or credit)
	// are told from a site's: within the article proper of a body that is
	// an article rather than a whole page's text, they are the article's.
	// On a whole page's text only its dateline is, within the article or
	// its head under a copy of the headline: a page's footer holds the
	// site's copyright and credits.
	first, last := articleCore(L)
	dense := shortLineShare(L) >= densePage
	// On a whole page's text the core, a span of prose, can run past the
	// article's end onto the long lines of a footer. The article's text
	// runs on from the core's first line up to the first line reported;
	// when that line is a copyright, syndication or story credit note
	// ("With files from the Associated Press") and less prose
	// follows it, up to the next line reported, than half of what came
	// before, it ends the article and is the article's own ("Copyright
	// 2008 The Associated Press. All rights reserved. This material may
	// not be published..."). A caption's credit ("© Getty Images") has
	// the rest of the text still to come, and the text runs on past it.
	ends := -1
	if dense {
		reported := func(j int) bool { return !L[j].skip && L[j].score() >= d.threshold }
		before := 0
		for j := max(first, 0); j < len(L); j++ {
			if !reported(j) {
				before += max(coreValue(L, j), 0)
				continue
			}
			r := ruleOf(L[j].reason)
			if r == "copyright" || r == "syndication" || r == "storycredit" {
				after := 0
				for k := j + 1; k < len(L) && !reported(k); k++ {
					after += max(coreValue(L, k), 0)
				}
				if 2*after <= before {
					ends = j
					break
				}
				continue // a caption's credit: the text goes on
			}
			if r == "credit" {
				continue // a photo's credit ("© Getty Images"): so does it
			}
			break
		}
	}
	// A paragraph that is most of the article (half the body's words or
	// more, on its headline's story) is the article run into one
	// paragraph, whatever a rule saw in a part of it: the page's menu
	// glued to its start, a comment form's text at its end, a script
	// before it. Cutting it would cut the article; the scan names what
	// is in it, and clean keeps it (there is no span to trim it by).
	bodyWords := 0
	for i := range L {
		if !L[i].skip {
			bodyWords += L[i].words
		}
	}
	var title map[string]bool
	mostOfArticle := func(i int) bool {
		if L[i].words < spanWords || 2*L[i].words < bodyWords {
			return false
		}
		if title == nil {
			title = titleTerms(doc.Title)
		}
		return len(title) == 0 || anchored(title, doc.Paras[i])
	}
	var out []model.Hit
	for i := range L {
		l := &L[i]
		if l.skip {
			continue
		}
		s := l.score()
		if s < d.threshold {
			continue
		}
		// The message says why; the kind is the finding's, and not
		// repeated here ("related-link marker \"Related Articles\"").
		rule, msg := ruleOf(l.reason), quote(raw[i])
		if mostOfArticle(i) {
			rule, msg = articleText, l.reason+" in a part of the paragraph that is most of the article "+msg
		} else {
			from := first - creditBefore
			if dense && rule == "update" {
				from = first
			}
			// On a whole page's text the article's own ends it: the last
			// line of the article proper or the one right after it (the
			// agency's "Copyright 2008 The Associated Press. All rights
			// reserved."); the footer's stand further down.
			around := (!dense || rule == "update") && (i >= from || l.head) && i <= last+creditAfter
			// Within the article proper its story credits, sources and
			// contact lines are its own on a whole page's text too; a
			// copyright line or a photo credit there may be the page's (a
			// footer the core reaches, a gallery's credits).
			within := dense && i >= first && i <= last && rule != "copyright" && rule != "credit"
			if creditCategories[rule] && (around || within || dense && (i >= last && i <= last+1 || i == ends)) {
				rule = "article-credit"
			}
			if l.reason != "" {
				msg = l.reason + " " + msg
			}
		}
		out = append(out, model.Hit{
			Kind:    model.Residue,
			Para:    i,
			Score:   math.Round(s*1000) / 1000,
			Message: msg,
			Rule:    rule,
		})
	}
	return out
}

// measure fills the shape features of l from text, in one pass.
func measure(l *line, text string) {
	l.bytes = len(text)
	inWord := false
	var (
		wordStart    int
		wordLetters  int
		wordUpper    int
		wordLower    int
		wordFirstCap bool
		wordFirstLow bool
		wordFirstSet bool
		wordCJK      bool
		cjkTokens    int
		wordMarks    bool // the token has ':' or '@' or starts with "www."
		lowerRun     int
		pendingGlue  bool
		hyphens      int
		spaces       int
	)
	endWord := func(end int) {
		if l.words == 1 && wordLetters > 0 && wordFirstLow && wordUpper == 0 {
			l.firstLower = true
		}
		if wordCJK {
			cjkTokens++
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
			// All caps needs a script with case: Arabic, Hebrew or
			// Chinese words have no lower case and are not shouting.
			if wordLetters >= 2 && wordLower == 0 && wordUpper > 0 {
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
			if at > 0 && strings.IndexByte(tok[at:], '.') > 1 && hasLetter(tok[:at]) {
				l.email = true
			} else if at == 0 || (at == 1 && tok[0] == '(') {
				if at+1 < len(tok) && isWordByte(tok[at+1]) {
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
			class = asciiClass[c]
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
				if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
					l.cjk++
					wordCJK = true
				}
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
			wordFirstSet, wordFirstCap, wordFirstLow, wordCJK = false, false, false, false
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
				wordFirstCap = class == rcUpper
				wordFirstLow = class == rcLower
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
	if l.cjk > 0 {
		// A line of Chinese or Japanese has no spaces between words:
		// count its length in characters, about two a word.
		l.words += (l.cjk+1)/2 - cjkTokens
	}
	l.slug = l.words == 1 && hyphens >= 2 && l.letters >= 4 && l.urlBytes == 0

	measureEnding(l, text)
	if l.words >= 2*coreWords && !l.endSentence {
		l.unpunct = clauseMarks(text)*wordsPerClause < l.words
	}
}

// menuItems reports whether text is a menu's items between separators
// ("|", "·", "•", "›", "»" standing alone between spaces): five items or
// more, of five words or fewer on average, more than half of them
// starting with a letter, digit or quote and holding a word of three
// letters or more. Prices or a tree drawn with "|--" are no menu.
func menuItems(text string, words int) bool {
	items, wordy := 1, 0
	item := func(s string) {
		s = strings.TrimLeft(s, "\"'“„‘«")
		r, _ := utf8.DecodeRuneInString(s)
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return
		}
		run := 0
		for _, r := range s {
			if unicode.IsLetter(r) {
				if run++; run == 3 {
					wordy++
					return
				}
			} else {
				run = 0
			}
		}
	}
	start := 0
	for i := 0; i+2 < len(text); i++ {
		if i < start || text[i] != ' ' {
			continue // a separator's own space is no next one's
		}
		r, size := utf8.DecodeRuneInString(text[i+1:])
		if (r != '|' && r != '·' && r != '•' && r != '›' && r != '»') || i+1+size >= len(text) || text[i+1+size] != ' ' {
			continue
		}
		item(text[start:i])
		items++
		start = i + 1 + size + 1
	}
	item(text[start:])
	return items >= 5 && words <= 5*items && wordy*2 > items
}

// menuWords is the fewest words of four letters or more of a menu run
// together.
const menuWords = 8

// wordsPerClause is the most words of prose per clause mark: prose has a
// comma or a full stop every few words, an extractor's dump of a menu
// or a select box's options hardly any ("Aliens vs. Predator").
const wordsPerClause = 40

// clauseMarks counts the marks that end or divide a sentence or clause,
// in the scripts we meet: ".,;!?" and the Arabic, Devanagari and Urdu
// ones before a space or the end, the full-width ones of Chinese and
// Japanese anywhere.
func clauseMarks(text string) int {
	n := 0
	for i, r := range text {
		switch r {
		case '。', '，', '、', '；', '！', '？':
			n++
		case '.', ',', ';', '!', '?', '،', '؛', '؟', '।', '۔':
			if j := i + utf8.RuneLen(r); j == len(text) || text[j] == ' ' {
				n++
			}
		}
	}
	return n
}

// measureEnding sets how the line ends, past closing quotes and brackets.
func measureEnding(l *line, text string) {
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
		default:
			l.tagged = taggedSentence(end)
		}
	}
}

// taggedWords is the length from which a tagged sentence is prose.
const taggedWords = 6

// taggedSentence reports a sentence followed by its agency's tag, as an
// article's last paragraph often is: "... to comment. - Sapa", "... on
// Monday. (AP)", "... said. — Reuters". The tag is a dash or a bracket
// and at most tagWords words.
func taggedSentence(s string) bool {
	const tagWords, tagBytes = 3, 40
	from := max(0, len(s)-tagBytes)
	for i := len(s) - 2; i > from; i-- {
		if s[i] != ' ' {
			continue
		}
		tail := strings.TrimLeft(s[i:], " ")
		if !slices.ContainsFunc([]string{"-", "–", "—", "("}, func(p string) bool { return strings.HasPrefix(tail, p) }) {
			continue
		}
		head := strings.TrimRight(s[:i], " \"'”’»)")
		r, _ := utf8.DecodeLastRuneInString(head)
		if (r == '.' || r == '!' || r == '?') && strings.Count(tail, " ") < tagWords && strings.Count(head, " ") >= 3 {
			return true
		}
	}
	return false
}

// quickWords is the least number of words (counted by spaces) of a
// long sentence.
const quickWords = 30

// measureQuick measures a long sentence cheaply and reports whether text
// is one: at least quickWords words ending with a full stop,
// question or exclamation mark. Such a paragraph is residue only on a
// pattern match at its start or end (a copyright or syndication note, a
// credit after a caption), so the detector skips its shape and matches
// patterns on short windows only.
func measureQuick(l *line, text string) bool {
	if len(text) < quickWords*3 {
		return false
	}
	words := strings.Count(text, " ") + 1
	if words < quickWords {
		return false
	}
	measureEnding(l, text)
	if !l.endSentence {
		l.endEllipsis, l.endColon = false, false
		return false
	}
	l.quick = true
	l.bytes, l.words, l.alphaWords, l.letters = len(text), words, words, len(text)
	return true
}

// Character classes of measure.
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

// asciiClass classifies the ASCII bytes.
var asciiClass = func() (t [utf8.RuneSelf]uint8) {
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

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c == '_' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// bodyHeadline returns the paragraph that is the headline of a body
// given without one, or -1: the nearest line above the article proper
// (see articleCore), within headLines lines of it (a share bar's buttons
// not counted), that reads as a headline (of 3 to headlineWords words
// with letters, not a sentence, not a byline, "By Jane Doe" or "Posted
// by Jane Doe", nor a dateline, with no pattern's evidence against it),
// else the body's first line if it reads so. Bylines, datelines and
// decks stand between it and the article; a teaser box has a headline
// too, but rarely right above an article's first paragraph. What the
// headline protects (its copies, the head under it, the paragraphs on
// its story) is then protected as for a body given with its headline;
// the repeated_headline detector reports nothing.
func bodyHeadline(L []line, P []string) int {
	first, _ := articleCore(L)
	if first <= 0 {
		return -1
	}
	headline := func(i int) bool {
		l := &L[i]
		return !l.skip && l.strong == 0 && l.words >= 3 && l.words <= headlineWords && l.letters > 0 &&
			!(l.sentence() && l.words > coreWords) && !signedBy(P[i], l.words) && l.digits*3 < l.letters
	}
	// A whole page's text opens with the page's title: the headline,
	// often with the site's name on one side ("Empires are built on
	// Harry Flashmans - Telegraph"). A line above the article that it
	// holds so is the headline, whatever the lead's words (an ad or a
	// caption stands nearer the article: "Hamilton raring to go again"
	// over "Defend yourself against winter infections").
	top := 0
	for top < first && (L[top].skip || L[top].letters == 0) {
		top++
	}
	title := folded(P[top])
	for i := first - 1; i > top && i >= first-leadWindow; i-- {
		if headline(i) && titleHolds(title, folded(P[i])) {
			return i
		}
	}
	// A page often prints its headline atop a list of its section's
	// other stories' headlines, so the line right above the article is
	// another story's ("Liverpool see off Luton challenge" over a story
	// on Joey Barton, whose headline, "Newcastle midfielder Barton
	// charged with assault in incident", opened the list). The lead
	// repeats its headline's words; the others' are their own. So the
	// headline is first the line of the lead's story: of the
	// headline-like lines up to leadWindow above the article, the one
	// with the most terms in the article's first two paragraphs, two at
	// least and leadShare of its terms or more (the nearest of those with
	// as many). A count, not a share: "Do More With Reuters" shares two of
	// its three terms with a lead datelined "(Reuters)", the headline
	// four of its eight.
	lead := map[string]bool{}
	for i, n := first, 0; i < len(L) && n < 2; i++ {
		if prosePara(L, i) {
			forTerms(P[i], func(t string) { lead[t] = true })
			n++
		}
	}
	onLead := func(i int) int { // the terms line i shares with the lead, 0 when too few
		if !headline(i) {
			return 0
		}
		sh, n := termShare(lead, P[i], 4)
		if shared := int(math.Round(sh * float64(n))); sh >= leadShare && shared >= 2 {
			return shared
		}
		return 0
	}
	best, bestShared := -1, 0
	for i := first - 1; i >= 0 && i >= first-leadWindow; i-- {
		if shared := onLead(i); shared > bestShared {
			best, bestShared = i, shared
		}
	}
	if best >= 0 {
		return best
	}
	// Else the nearest. A share bar's buttons between it and the article
	// ("Email a Friend", "RSS", "digg it", "Save This Page": lines a
	// pattern marks, or of a word or two) do not count against the
	// distance.
	for i, left := first-1, headLines; i >= 0 && left > 0; i-- {
		if headline(i) {
			return i
		}
		if l := &L[i]; l.strong == 0 && l.words >= 3 {
			left--
		}
	}
	// A whole page's text opens with the page's title, the headline
	// and the site's name.
	if headline(0) {
		return 0
	}
	return -1
}

// folded returns s in lower case, its blanks each one space: the form
// titleHolds compares.
func folded(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// titleHolds reports whether a page's title t holds headline h (both
// folded), alone or with a site's name before or after it: what is left
// of the title starts (or ends) with no letter or digit, a separator
// (" - ", " | ", ": ").
func titleHolds(t, h string) bool {
	if h == "" || len(h) > len(t) {
		return false
	}
	if t == h {
		return true
	}
	sep := func(s string) bool {
		r, _ := utf8.DecodeRuneInString(strings.TrimSpace(s))
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}
	lastSep := func(s string) bool {
		r, _ := utf8.DecodeLastRuneInString(strings.TrimSpace(s))
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}
	return strings.HasPrefix(t, h) && sep(t[len(h):]) || strings.HasSuffix(t, h) && lastSep(t[:len(t)-len(h)])
}

// headlineWords is the longest a headline runs, in words.
const headlineWords = 25

// leadWindow is how far above the article, in lines, a body's headline
// is looked for among others by its words; leadShare is the share of
// its terms the article's first two paragraphs must hold.
const (
	leadWindow = 40
	leadShare  = 0.5
)

// markTitleRepeats skips paragraphs that repeat the headline: the
// repeated-headline detector reports them.
func (d *Detector) markTitleRepeats(doc *model.Doc, L []line, sc *scratch) {
	if doc.Title == "" {
		return
	}
	buf, spans := wordSpans(doc.Title, sc.wbuf[:0], sc.spans[:0], 0)
	if len(spans) < 2 {
		return
	}
	titleWords := sc.titleWords[:0]
	if sc.title == nil {
		sc.title = make(map[string]bool)
	}
	title := sc.title
	clear(title)
	for _, sp := range spans {
		w := string(buf[sp[0]:sp[1]])
		titleWords = append(titleWords, w)
		title[w] = true
	}
	sc.titleWords = titleWords
	squeezed := string(buf) // the title's words, run together
	// A title that carries a site name ("Headline - Site News - Site")
	// is copied in the body without it: a copy need cover only the rest.
	need := len(titleWords) - siteWords(doc.Title, sc)
	for i := range L {
		// Only lines of about the headline's length are compared, and
		// only those whose first words are the headline's.
		l := &L[i]
		if l.words < 2 || l.words > len(titleWords)+6 || l.bytes*3 < len(doc.Title) || l.bytes > 2*len(doc.Title)+40 {
			continue
		}
		text := doc.Paras[i]
		buf, spans = wordSpans(text, buf[:0], spans[:0], 3)
		in := 0
		for _, sp := range spans {
			if title[string(buf[sp[0]:sp[1]])] {
				in++
			}
		}
		if in+1 < len(spans) {
			continue
		}
		buf, spans = wordSpans(text, buf[:0], spans[:0], 0)
		in = 0
		for _, sp := range spans {
			if title[string(buf[sp[0]:sp[1]])] {
				in++
			}
		}
		// Nearly all its words are the headline's, and it covers most of
		// the headline: a copy, maybe with a site name.
		if len(spans) > 0 && in*10 >= len(spans)*8 && in*10 >= need*6 {
			l.skip, l.titleCopy = true, true
			continue
		}
		// The headline cut short: "Apple Is Shutting..."
		if l.endEllipsis && len(spans) >= 3 && len(spans) <= len(titleWords) {
			prefix := true
			for k, sp := range spans {
				w, tw := buf[sp[0]:sp[1]], titleWords[k]
				if string(w) != tw && !(k == len(spans)-1 && len(w) < len(tw) && tw[:len(w)] == string(w)) {
					prefix = false
					break
				}
			}
			l.skip = prefix
		}
	}
	sc.wbuf, sc.spans = buf, spans
	markSplitTitle(doc, L, squeezed, sc)
}

// firstWordRune returns the first letter or digit of s, lower-cased, as
// wordSpans has it; -1 when there is none.
func firstWordRune(s string) rune {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
	}
	return -1
}

// markSplitTitle marks the lines of a headline printed over two or more
// lines: consecutive lines whose words, in order, are all of the
// title's, and nothing else, as when the title field holds the headline
// and its standfirst (or kicker) that the page prints one under the
// other. Each is a copy of part of the headline, the article's own head,
// never residue; the repeated-headline detector, which looks for whole
// copies, does not report them.
func markSplitTitle(doc *model.Doc, L []line, title string, sc *scratch) {
	if len(sc.titleWords) < 3 {
		return
	}
	// part returns the length of line i's words run together, and
	// whether they continue the title at offset at.
	part := func(i, at int) (int, bool) {
		l := &L[i]
		if l.skip && !l.titleCopy || l.words == 0 || l.bytes > 2*(len(title)-at)+40 {
			return 0, false
		}
		buf, _ := wordSpans(doc.Paras[i], sc.wbuf[:0], sc.spans[:0], 0)
		sc.wbuf = buf
		if len(buf) == 0 || len(buf) > len(title)-at || title[at:at+len(buf)] != string(buf) {
			return 0, false
		}
		return len(buf), true
	}
	lead, _ := utf8.DecodeRuneInString(title)
	for i := range L {
		// Most lines fail on their first letter.
		if L[i].words == 0 || L[i].words >= len(sc.titleWords) || firstWordRune(doc.Paras[i]) != lead {
			continue
		}
		at, j := 0, i
		for j < len(L) && at < len(title) {
			w, ok := part(j, at)
			if !ok {
				break
			}
			at += w
			j++
		}
		if at == len(title) && j-i >= 2 {
			for m := i; m < j; m++ {
				L[m].skip, L[m].titleCopy = true, true
			}
			return
		}
	}
}

// maxSiteWords is the most words of a site name in a title.
const maxSiteWords = 4

// siteWords returns how many words of title a site name takes, at its
// end or else its start: the last (else first) part after (before) a
// separator (" - ", " | ", " : " and the like) when that part has at most
// maxSiteWords words and the rest has more. Zero when there is none.
func siteWords(title string, sc *scratch) int {
	first, last := -1, -1
	for i := 0; i+2 < len(title); i++ {
		if title[i] != ' ' {
			continue
		}
		j := i + 1
		r, size := utf8.DecodeRuneInString(title[j:])
		if !strings.ContainsRune("-|:–—»/·", r) || j+size >= len(title) || title[j+size] != ' ' {
			continue
		}
		if first < 0 {
			first = i
		}
		last = i
	}
	if first < 0 {
		return 0
	}
	count := func(s string) int {
		sc.wbuf, sc.spans = wordSpans(s, sc.wbuf[:0], sc.spans[:0], 0)
		return len(sc.spans)
	}
	all := count(title)
	if w := count(title[last:]); w <= maxSiteWords && all-w > w {
		return w
	}
	if w := count(title[:first]); w <= maxSiteWords && all-w > w {
		return w
	}
	return 0
}

// wordSpans appends s lower-cased to buf and the spans of its words
// (runs of letters and digits) to spans, the first limit words only when
// limit > 0.
func wordSpans(s string, buf []byte, spans [][2]int32, limit int) ([]byte, [][2]int32) {
	start := -1
	for i := 0; i < len(s); {
		c := s[i]
		var r rune
		size := 1
		if c < utf8.RuneSelf {
			r = rune(c)
			if 'A' <= c && c <= 'Z' {
				r += 'a' - 'A'
			}
		} else {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		word := ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') ||
			(r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)))
		if word {
			if start < 0 {
				start = len(buf)
			}
			if r < utf8.RuneSelf {
				buf = append(buf, byte(r))
			} else {
				buf = utf8.AppendRune(buf, unicode.ToLower(r))
			}
			continue
		}
		if start >= 0 {
			spans = append(spans, [2]int32{int32(start), int32(len(buf))})
			start = -1
			if limit > 0 && len(spans) == limit {
				return buf, spans
			}
		}
	}
	if start >= 0 {
		spans = append(spans, [2]int32{int32(start), int32(len(buf))})
	}
	return buf, spans
}

// intrinsic adds the evidence a paragraph carries on its own.
func (d *Detector) intrinsic(l *line, text string, sc *scratch) {
	head, tail := windowBytes, windowBytes
	if l.quick {
		head, tail = sentenceHead, sentenceTail
	}
	if i := sc.patterns.matchIn(text, sc, head, tail); i >= 0 {
		r := &sc.patterns.rules[i]
		if l.words >= spanWords {
			// A few words of a long paragraph: "© Reuters", "Read
			// more", a credit. Whether that makes the paragraph residue
			// depends on what the rest of it is (context).
			l.span = r
			return
		}
		l.add(r.weight, true, label(r.category))
		l.commentMark = r.category == "comment"
		if opens, ok := blockCategories[r.category]; ok {
			l.block = true
			l.blockOpens = opens
			l.blockReason = quoteShort(text)
		}
	}
	if l.quick {
		return
	}
	switch {
	case l.letters == 0 && stamp(text):
		// "2007-12-30 14:49:00.0", "29/12/2007": a time stamp, which
		// right above the article is its dateline (see Detect's article
		// credits). A year alone, or a season ("2006-07"), is not.
		l.add(0.9, true, label("update"))
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
	// A long line without clause marks whose words nearly all start in
	// upper case is a menu's or a select box's items run together ("Front
	// Page News Sports Business Obituaries Opinion ..."): prose has its
	// commas and full stops, and its small words in lower case, which
	// a German caption of capitalised nouns keeps too ("... Teil der
	// Gussstahlfabrik - heute Ikea Parkhaus - im Vordergrund ..."), as
	// does a recipe's table of values ("390 kcal"); a headline is
	// shorter. Case says nothing in scripts without it, where no word
	// counts as capitalised.
	if l.unpunct && l.longWords >= menuWords && l.capLongWords*10 >= l.longWords*8 && l.capWords*10 >= l.alphaWords*9 {
		l.add(0.75, true, "menu run together")
	}
	// So is a line of five items or more between a menu's separators
	// ("Home » Europa » Deutschland » ...", "Dating & Relationships ·
	// Charitable Funds · ...", "historia | Wielka Brytania | dieta | ..."),
	// most of them words, none a sentence.
	if !l.endSentence && l.words >= 8 && menuItems(text, l.words) {
		l.add(0.75, true, "menu run together")
	}
	if l.words >= 4 && doubled(text) {
		l.add(0.8, true, "line printed twice")
	}
	if (l.email || l.handle) && l.words <= 12 && !(l.sentence() && l.words > 8) {
		l.add(0.75, true, "contact line (e-mail or @handle)")
	}
	// A lower-case fragment (alt text?) is judged with its neighbours
	// (see context).
	l.fragment = l.firstLower && l.words <= 4 && !l.endSentence && !l.endColon
	if l.endEllipsis && l.words >= 2 && l.words <= maxLineWords && !l.firstLower {
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

// doubled reports whether text is some line printed twice, "X X".
func doubled(text string) bool {
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
func (d *Detector) context(doc *model.Doc, L []line, stats *Stats) {
	n := len(L)
	P := doc.Paras

	// A short line that opens in lower case is an image's alt text or a
	// fragment of a broken line, unless a line next to it opens so too:
	// items of a list ("verschließbare Bodenluke mit
	// Kunststoffbeschichtung" under "schnelle und leichte Reinigung durch
	// herausziehbare Kunststoffwanne"), where an adjective or a verb comes
	// first in many languages.
	lowerItem := func(j int) bool {
		return j >= 0 && j < n && !L[j].skip && L[j].firstLower && L[j].words >= 3 && L[j].words <= 12 && !L[j].endSentence
	}
	for i := range L {
		if L[i].fragment && !L[i].skip && !lowerItem(i-1) && !lowerItem(i+1) {
			L[i].add(0.55, false, "lower-case fragment (alt text?)")
		}
	}

	// The few lines right before the article proper (see articleCore) are
	// its head: byline, dateline, deck, the agency's name. Their shape is
	// the shape of a link, so only strong evidence (a pattern) makes them
	// residue, on a body that is an article rather than a whole page's
	// text.
	first, last := articleCore(L)
	dense := shortLineShare(L) >= densePage
	headFrom := max(0, first-creditBefore)
	if dense {
		// On a whole page's text the lines before the article are its
		// menus, unless the headline stands right above them: what is
		// between the headline and the article is the article's head.
		headFrom = first
		for i := first - 1; i >= 0 && i >= first-headLines; i-- {
			if L[i].skip {
				headFrom = i + 1
				break
			}
		}
	}
	for i := headFrom; i < first; i++ {
		L[i].makeHead()
	}
	// A byline block over a paragraph of prose is the article's head
	// wherever it stands, whatever the lines around it are: "By DOUG
	// FERGUSON", "AP Golf Writer" under a caption; "By JILL LAWLESS",
	// "The Associated Press", "Thursday, January 17, 2008; 8:43 AM" under
	// a comment policy the core began with. That is the byline and the
	// lines of two words or more between it and the prose (a widget's
	// button is a word: "Pinnen", "Tweet").
	for i := range L {
		if L[i].skip || L[i].strong > 0 || !byline(P[i], L[i].words) {
			continue
		}
		for j := i + 1; j < n && j <= i+creditBefore; j++ {
			if !prosePara(L, j) {
				continue
			}
			for m := i; m < j; m++ {
				if L[m].strong == 0 && L[m].words <= datelineWords && (m == i || L[m].words >= 2) {
					L[m].makeHead()
				}
			}
			break
		}
	}
	if dense {
		// Nor is its dateline a menu: a short dated line ("Monday, 07
		// Jan 2008 22:36", "BS Reporter / New Delhi January 9, 2008",
		// or by a pattern "Posted: Monday, January 7, 2008") right above
		// the article is of its head, and the article's credit, as is
		// its byline by a pattern ("Written by John Biggs"); the lines
		// around them are judged as the page's.
		for i := max(0, first-creditBefore); i < headFrom; i++ {
			l := &L[i]
			rule := ruleOf(l.sReason)
			dateline := !l.skip && l.words <= datelineWords && (l.strong < d.threshold || rule == "update") && dated(P[i])
			if dateline || rule == "storycredit" {
				l.makeHead()
			}
		}
	}

	// Right below a copy of the headline stand the lines of the
	// article's head: a dateline, with the byline or agency's name before
	// it. So even where the article's prose starts further down, under a
	// share bar or the section's menu, the lines from the copy down to
	// the last dated line at most creditBefore lines below it are the
	// article's, unless a pattern or a block's marker says otherwise
	// before it. What stands below the copy undated (a share bar, a
	// "more stories" box) is judged as the page's.
	//
	// (Also the lines in the article proper's first lines: a byline and
	// a date its core begins with are the head too. Looking no further
	// than where the core begins cut "by", "Josiah Motley", "August 21,
	// 2019" under a copy of a blog post's headline, and 13 such lines on
	// other dev pages.)
	//
	// A copy further from the article, past where it begins (its core
	// can begin at a caption or a teaser above the headline) or far
	// above it (a whole page's title over its menus), keeps only the
	// dated lines and bylines right under it, two at most, with nothing
	// between: a copy in a box of links ("Most read") stands over
	// other headlines, some of them with a year in them, and a list of
	// dated items ("Gitarre & Bass 01/2022", "Gitarre & Bass 12/2021")
	// runs on.
	const farHead = 2 // a byline and a dateline
	for i := range L {
		if !L[i].titleCopy {
			continue
		}
		end, near := i, i >= first-headLines-creditBefore && i < first
	scan:
		for j := i + 1; j < n && j <= i+creditBefore; j++ {
			l := &L[j]
			if l.skip || l.block || l.strong > 0 {
				break
			}
			datedLine := l.words <= datelineWords && dated(P[j])
			switch {
			case datedLine:
				end = j
			case !near && l.words <= datelineWords && byline(P[j], l.words):
				end = j
			case !near:
				break scan
			}
			if !near && j-i == farHead {
				break
			}
		}
		for j := i + 1; j <= end; j++ {
			L[j].makeHead()
		}
	}

	markWrapped(L)

	// A pattern that matched a span of a long paragraph makes it residue
	// only when the paragraph is not article text: a legal footer or a
	// comment form is, the article with "© Reuters" at its end is not.
	var title map[string]bool
	var body *proseCount
	for i := range L {
		l := &L[i]
		if l.span == nil || l.skip {
			continue
		}
		if title == nil {
			title = titleTerms(doc.Title)
		}
		// Article text reads as prose: it ends a sentence, and is not
		// headlines run together ("RelatedJames Foley Beheading: ...").
		// A paragraph of many sentences is prose however it ends: an
		// extractor's whole article run into one paragraph with the
		// page's comment policy after it ("... Do not post:"); but not
		// one the page's markup ends ("... <span class=meta>Photo/...</span>").
		runOn := l.words >= runOnWords && sentences(P[i]) >= runOnSentences && l.span.category != "html" && l.span.category != "code"
		prose := (l.endSentence || runOn || sentenceBefore(P[i], l.span)) && l.glue < 2
		// The paragraph must be the article's: on its headline's story,
		// or, for an article without a headline (a crawl that kept none),
		// on the story the body's other prose tells.
		var own bool
		if len(title) > 0 {
			own = anchored(title, P[i])
		} else if prose {
			if body == nil {
				body = newProseCount(L, P)
			}
			own = body.fits(L, P, i)
		}
		if !prose || !own {
			l.add(l.span.weight, true, label(l.span.category))
		}
	}

	commentThreads(L, P)

	// Copies of the previous paragraph: a caption printed again with its
	// credit, a tweet without its attribution, an image's alt text twice.
	for i := 1; i < n; i++ {
		a, b := P[i-1], P[i]
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

	// Keys of short lines (keyLines) find repeats in the body and
	// across the corpus. A line that recurs is evidence, independent of
	// its shape, for the run it stands in.
	// In the body only a block that recurs counts so (two lines that
	// stand together twice): a label repeated over each section of an
	// article is its structure.
	recurs := make([]bool, n)
	// label marks a line the body prints three times or more alone,
	// between different lines each time: a label over each of the
	// article's sections. (A caption's credit or a widget's line is
	// printed twice, at the top and at the foot.)
	label := make([]bool, n)
	same := func(a, b int) bool {
		return a >= 0 && b >= 0 && a < n && b < n && L[a].keyed && L[b].keyed && L[a].key == L[b].key
	}
	// A repeated label that speaks the article's words ("The official
	// account", "Our verdict" over each section of an inquest story) is
	// its parallel structure, not a widget's; "Reply" and "Report" are
	// not words of the story.
	var prose map[string]bool
	for i := range L {
		l := &L[i]
		if !l.keyed || !l.linkish() || l.letters == 0 {
			continue
		}
		checked, speaks, alone := false, false, 0
		for j := range L {
			if j == i || (j >= i-1 && j <= i+1) || !same(i, j) {
				continue
			}
			block := same(i-1, j-1) || same(i+1, j+1)
			if !block {
				alone++
			}
			if !checked {
				if prose == nil {
					prose = proseTerms(L, P)
				}
				speaks, checked = anyTerm(prose, P[i]), true
			}
			if !speaks {
				l.add(0.35, false, "repeated in the body")
				recurs[i] = recurs[i] || block
			}
		}
		label[i] = alone >= 2
	}
	if stats != nil && stats.docs() > 1 {
		for i := range L {
			l := &L[i]
			// Only short lines that are not sentences: a recurring
			// sentence is more often a syndicated or quoted one.
			if !l.keyed || l.words > recurWords || l.sentence() {
				continue
			}
			docs, ctx := stats.lookupKey(l.key)
			// A site's own boilerplate (its footer or promo line in its
			// articles, between different paragraphs) needs fewer
			// articles than a line shared across sites.
			site := stats.siteRecurrence(l.key, Site(doc.ID))
			recurs[i] = recurs[i] || (site >= 2 && ctx >= 2) || (docs >= 3 && ctx >= 3)
			switch {
			case site >= 3 && ctx >= 3:
				l.add(0.6, false, "boilerplate: recurs in "+strconv.Itoa(site)+" articles of this site")
			case site >= 2 && ctx >= 2:
				l.add(0.45, false, "boilerplate: recurs in "+strconv.Itoa(site)+" articles of this site")
			case docs >= 5 && ctx >= 4:
				l.add(0.6, false, "boilerplate: recurs in "+strconv.Itoa(docs)+" articles")
			case docs >= 3 && ctx >= 3:
				l.add(0.45, false, "boilerplate: recurs in "+strconv.Itoa(docs)+" articles")
			}
		}
	}

	// The article proper (see articleCore) and the lists it introduces:
	// shape alone says little there, where the article's own lists,
	// specifications and bylines stand. Outside it, or on a page made
	// mostly of short lines (a whole page's text, navigation and all),
	// short headline-like lines are what they look like.
	intro := introducedLists(L, dense)
	// A fact box of the article's on an extractor's output ("Director:
	// Anne Fletcher", "Cast: ...", "Running time: 1:50"; a game's "Who:",
	// "When:", "Radio:"; a laptop's specifications) is its data; on a
	// whole page's text such rows are as often a menu of sections
	// ("Soccer: Benitez battling ...", "Rugby: ...").
	if !dense {
		markFactBoxes(P, intro)
	}
	// The few lines right before it are its byline and dateline.
	byShape := func(i int) bool { return !intro[i] && (dense || i < first-creditBefore || i > last) }

	// The last paragraph of the article proper: a sentence of some length
	// that is not residue itself. What follows it is the tail.
	lastContent := -1
	for i := n - 1; i >= 0; i-- {
		l := &L[i]
		if l.strong >= d.threshold || l.skip {
			continue
		}
		if (l.words >= 8 && l.endSentence) || l.words >= maxLineWords+1 {
			lastContent = i
			break
		}
	}
	// A table or list of the article's own (a scorecard, tour dates,
	// results, ingredients) is short lines too: most of its lines carry
	// numbers and a quarter of them or more name what the article's prose
	// names. A link list is other stories' headlines. ownData returns
	// which lines of i..j-1 are such rows (numbers or the article's
	// terms), or nil when the block is not a table of the article's.
	ownData := func(i, j int) []bool {
		num := 0
		for m := i; m < j; m++ {
			if L[m].digits > 0 {
				num++
			}
		}
		if j <= i || num*2 < j-i {
			return nil
		}
		if prose == nil {
			prose = proseTerms(L, P)
		}
		rows, named := make([]bool, j-i), 0
		for m := i; m < j; m++ {
			t := anyTerm(prose, P[m])
			if t {
				named++
			}
			rows[m-i] = t || L[m].digits > 0
		}
		if named*4 < j-i {
			return nil
		}
		return rows
	}
	if lastContent >= 0 {
		rows := ownData(lastContent+1, n)
		for i := lastContent + 1; i < n; i++ {
			l := &L[i]
			if l.skip || !byShape(i) || (rows != nil && rows[i-lastContent-1]) {
				continue
			}
			switch {
			case l.endColon && i == n-1 && l.words <= 12:
				l.add(0.5, false, "dangling introduction at the end")
			case l.tailLine():
				l.add(0.45, false, "trailing line after the article")
			}
		}
	}
	// On a whole page's text the short lines between the article proper
	// and the last long sentence of the page (its footer's notices) are
	// the page's: menus, widget labels, "Search for news". Where they
	// stand is the evidence, with their shape, as for the lines after the
	// last sentence above. The first of them, when only sentences stand
	// between it and the article proper, is the article's sign-off (its
	// author, agency or source: "Jonny Evans", "AFP, AP"; nor does residue
	// next to it spread onto it), and a table or list of the article's own
	// among them stays.
	signoff := -1
	if dense && last >= 0 && last+1 < lastContent {
		short := func(l *line) bool { return !l.skip && l.tailLine() }
		from := last + 1
		for from < lastContent && !L[from].skip && L[from].sentence() && L[from].strong == 0 {
			from++
		}
		if from < lastContent && short(&L[from]) {
			signoff = from
			from++
		}
		for i := from; i < lastContent; {
			if !short(&L[i]) {
				i++
				continue
			}
			j := i
			for j < lastContent && short(&L[j]) {
				j++
			}
			rows := ownData(i, j)
			for m := i; m < j; m++ {
				if !intro[m] && (rows == nil || !rows[m-i]) {
					L[m].add(0.45, false, "short line past the article")
				}
			}
			i = j
		}
	}

	// Runs of three or more short headline-like lines: a related-links
	// block. A run that opens the body is a summary (bullet points), not
	// links. On a whole page's text, outside the article proper and the
	// few lines of its head above it, a line of one word counts too: a
	// menu's items ("Dubbo", "Cowra", "Dungog"; "Weather", "Traffic"),
	// where the article's own lists of one word (a recipe's ingredients)
	// stand in the article, and its kicker ("Global") above its
	// headline.
	oneWord := func(i int) bool { return dense && (i < first-creditBefore || i > last) }
	// Nor is the article's sign-off a link of a run after it.
	inRun := func(i int) bool { return i != signoff && runLine(&L[i], oneWord(i)) }
	for i := 0; i < n; {
		if !inRun(i) {
			i++
			continue
		}
		j := i
		trunc := 0
		for j < n && inRun(j) {
			if L[j].endEllipsis {
				trunc++
			}
			j++
		}
		k := j - i
		// (On a whole page's text a run of one-word items opening it is
		// its menu.)
		opening := i <= 1 && (lastContent < 0 || lastContent >= j) && !(dense && L[i].words == 1)
		// Lines of the run that recur, or truncated teasers, are
		// evidence for the whole run wherever it stands.
		evidenced := trunc >= 2 || slices.Contains(recurs[i:j], true)
		// On a whole page's text, where shape is evidence, a run between
		// two paragraphs of the article's prose that holds a label the
		// body repeats over its sections ("The issue", "The official
		// account" over each section of an inquest story, between
		// different lines each time) is the article's structure: its
		// labels and subheadings. A widget printed twice recurs as a
		// block, and teasers of other stories repeat no label.
		structure := dense && !evidenced && i-1 >= first && j <= last &&
			prosePara(L, i-1) && prosePara(L, j) && slices.Contains(label[i:j], true)
		// A post of short lines (a poem, a song's lyrics, a dialogue)
		// between its headline and its share bar is the article, where the
		// page holds no prose of its own for some lines below (see
		// shortArticle).
		structure = structure || !evidenced && j+headLines < first && shortArticle(L, P, i, j, d.threshold)
		if k >= 3 && (!opening || evidenced) && !structure {
			reason := fmt.Sprintf("related-link list (%d short headline-like lines)", k)
			var rows []bool
			if !evidenced {
				rows = ownData(i, j)
			}
			for m := i; m < j; m++ {
				if evidenced || (byShape(m) && (rows == nil || !rows[m-i])) {
					L[m].add(0.45, false, reason)
				}
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
		fwd := func(l *line) bool {
			if L[i].blockOpens {
				return l.linkish()
			}
			return linkShaped(l)
		}
		end := i + 1
		for end < n && fwd(&L[end]) {
			end++
		}
		start := i
		for start > 0 && linkShaped(&L[start-1]) && !L[start-1].block {
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

	markBios(P, L, first, last)
	if dense {
		d.markPast(doc, L, first, last)
	}
	markBoxBlurbs(L, d.threshold)
	if last >= 0 {
		markTeasers(L, first, d.threshold)
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
	// Past the article, a short line that introduces what follows
	// ("Flattr this:", "Latest on:", "Gefördert durch:", "Votre nom : *")
	// goes with what it introduces when that is residue: a label of the
	// page's widgets, left alone once they are gone.
	for i := 0; i+1 < n; i++ {
		l := &L[i]
		past := i > lastContent || dense && (i < first || i > last)
		if past && l.endColon && !l.skip && !flagged(i) && l.words <= shortWords && l.letters > 0 && flagged(i+1) {
			l.add(0.5, false, "introduction to residue")
		}
	}
	// claim makes line m, unless it is flagged already, residue of a
	// block found below, for the rules after it to see.
	claim := func(m int, reason string) {
		if !flagged(m) {
			L[m].add(0.6, true, reason)
			was[m] = true
		}
	}
	// A form: three or more lines in a row that are each a label without
	// its value ("*Member ID:", "*Choose a password:", "*Year of Birth:",
	// "Home Phone:"). A fact box's labels have their values, and a list's
	// introduction is one line.
	for i := 0; i < n; {
		j := i
		for j < n && formLabel(&L[j], P[j]) {
			j++
		}
		if j-i >= formLabels {
			reason := fmt.Sprintf("form fields (%d labels without values)", j-i)
			for m := i; m < j; m++ {
				claim(m, reason)
			}
		}
		i = max(j, i+1)
	}
	// The items of a list that the comment section's rules introduce
	// ("Do not post:", then "* Personal attacks, insults or threats.",
	// "* Comments unrelated to the story.") are those rules too: items
	// marked as a list's, for a form's field ("Comment:") is no
	// introduction of the caption below it.
	for i := 0; i < n; i++ {
		if !L[i].endColon || L[i].strong < d.threshold || ruleOf(L[i].sReason) != "comment" {
			continue
		}
		for j := i + 1; j < n && listItem(&L[j], false) && !L[j].skip && bulleted(P[j]); j++ {
			claim(j, "list of the comment rules above")
		}
	}
	for i := 0; i < n; i++ {
		l := &L[i]
		if !l.linkish() || flagged(i) || intro[i] && !dense || i == signoff {
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

// markFactBoxes marks in mark the runs of three or more "Label: value"
// rows of P with different labels (see factRow).
func markFactBoxes(P []string, mark []bool) {
	var labels []string // the labels of the run ending at i
	for i := 0; i <= len(P); i++ {
		label, ok := "", false
		if i < len(P) {
			label, ok = factRow(P[i])
		}
		if ok && !slices.Contains(labels, label) {
			labels = append(labels, label)
			continue
		}
		if len(labels) >= 3 {
			for m := i - len(labels); m < i; m++ {
				mark[m] = true
			}
		}
		labels = labels[:0]
		if ok {
			labels = append(labels, label) // a label again opens a run
		}
	}
}

// factValueWords bounds the value of a fact box's row.
const factValueWords = 10

// factRow reports whether s is a row of a fact box, with its label
// folded: a label of one or two words starting in upper case, a value
// of at most factValueWords words that is not a truncated teaser.
func factRow(s string) (string, bool) {
	s = strings.TrimSpace(s)
	colon := strings.IndexByte(s, ':')
	if colon <= 0 || colon > 40 || colon+1 >= len(s) || s[colon+1] != ' ' {
		return "", false
	}
	label := strings.TrimSpace(s[:colon])
	r, _ := utf8.DecodeRuneInString(label)
	if !unicode.IsUpper(r) || strings.Count(label, " ") > 1 {
		return "", false
	}
	value := strings.TrimSpace(s[colon+1:])
	words := 0
	for range strings.FieldsSeq(value) {
		words++
	}
	if words == 0 || words > factValueWords || strings.HasSuffix(value, "...") || strings.HasSuffix(value, "…") {
		return "", false
	}
	return strings.ToLower(label), true
}

// bylineWords is the longest line that can be a byline.
const bylineWords = 10

// bylineOpeners open a byline, in the languages of the pages we have
// seen ("di" is not among them: "Di Montezemolo" is a name).
var bylineOpeners = []string{"by", "von", "par", "por", "door", "av", "af", "przez"}

// byline reports whether s, of words words, reads as a byline: a word
// that opens one and a capitalised name after it.
func byline(s string, words int) bool {
	if words < 2 || words > bylineWords {
		return false
	}
	s = strings.TrimLeft(s, " \t-–—·•|")
	sp := strings.IndexByte(s, ' ')
	if sp <= 0 {
		return false
	}
	if !slices.ContainsFunc(bylineOpeners, func(w string) bool { return strings.EqualFold(s[:sp], w) }) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(s[sp:], " "))
	return unicode.IsUpper(r)
}

// bylineVerbs go before an opener in a line that says who did what:
// "Posted by Elinor Mills", "Written by", "Geschrieben von", "Publié
// par", "Escrito por", "Geplaatst door", "Napisane przez". Such a line
// above a blog's post is its byline; under a teaser it is the teaser's,
// so only the search for a body's headline (bodyHeadline) passes over it.
var bylineVerbs = []string{
	"posted", "written", "reported", "published", "compiled", "edited",
	"geschrieben", "verfasst", "veröffentlicht", "erstellt", "publié", "écrit", "rédigé", "escrito", "publicado",
	"redactado", "scritto", "pubblicato", "geplaatst", "geschreven", "napisane", "napisany", "opublikowane", "skrivet", "skrevet",
}

// signedBy reports whether s, of words words, is a byline (see byline)
// or one of its verbs (bylineVerbs) and then a byline.
func signedBy(s string, words int) bool {
	if byline(s, words) {
		return true
	}
	s = strings.TrimLeft(s, " \t-–—·•|")
	verb, rest, ok := strings.Cut(s, " ")
	return ok && words > 2 && slices.ContainsFunc(bylineVerbs, func(v string) bool { return strings.EqualFold(verb, v) }) &&
		byline(rest, words-1)
}

// datelineWords is the longest line that can be a dateline.
const datelineWords = 12

// headLines is how far above the article proper a copy of the headline
// makes the lines between the article's head, on a whole page's text.
const headLines = 6

// wrapWords is the length of a hard-wrapped paragraph, in words over
// its lines, from which its lines are prose.
const wrapWords = 12

// markWrapped marks the lines of paragraphs hard-wrapped into lines (a
// page's <br>s, text wrapped at a width): each line after the first
// begins in lower case where the one before it ends no sentence, the
// last ends one, and together they hold wrapWords words or more, three
// or more a line. Their evidence by shape
// is dropped: a wrapped sentence's pieces look like fragments, captions
// and trailing links one by one.
func markWrapped(L []line) {
	n := len(L)
	for i := 0; i < n; {
		j := i + 1
		for j < n && L[j].firstLower && L[j].letters > 0 && !L[j].skip &&
			L[j-1].letters > 0 && !L[j-1].skip && !L[j-1].endSentence && !L[j-1].endColon {
			j++
		}
		words := 0
		for m := i; m < j; m++ {
			words += L[m].words
		}
		// It ends a sentence, and its lines are not a menu's words.
		if j-i >= 2 && words >= wrapWords && L[j-1].endSentence && words >= 3*(j-i) {
			for m := i; m < j; m++ {
				l := &L[m]
				l.wrapped, l.weak = true, 0
				l.reason, l.reasonW = l.sReason, l.sReasonW
			}
		}
		i = j
	}
}

// sentenceBefore reports whether the match of r at the end of text
// follows a sentence's end: a credit or a prompt tacked on to a
// paragraph of prose ("... at total 11-under-par. (AP Photo/Eric
// Risberg)"), which leaves the paragraph the article's, as one that
// ends its sentence is.
func sentenceBefore(text string, r *rule) bool {
	if !r.atEnd {
		return false
	}
	from := max(0, len(text)-windowBytes)
	for from > 0 && !utf8.RuneStart(text[from]) {
		from++
	}
	loc := r.re.FindStringIndex(text[from:])
	if loc == nil {
		return false
	}
	var before line
	measureEnding(&before, text[:from+loc[0]])
	return before.endSentence
}

// spanWords is the length from which a paragraph is residue by a
// pattern's match on a span of it only when it is not article text.
const spanWords = 25

// formLabels is the fewest labels in a row that make a form.
const formLabels = 3

// formLabel reports whether a line is a form's label without its value:
// one to four words, an optional asterisk before them, a colon after.
func formLabel(l *line, s string) bool {
	if l.skip || !l.endColon || l.words < 1 || l.words > 4 || l.digits > 0 {
		return false
	}
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, "* ")
	return strings.HasSuffix(s, ":") && !strings.Contains(s[:len(s)-1], ":")
}

// bulleted reports whether s opens with a list's bullet ("*", "•", "-",
// "–", "·") or number ("1.", "2)").
func bulleted(s string) bool {
	s = strings.TrimLeft(s, " \t")
	if s == "" {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(s); strings.ContainsRune("*•-–·", r) {
		return true
	}
	k := 0
	for k < len(s) && k < 3 && s[k] >= '0' && s[k] <= '9' {
		k++
	}
	return k > 0 && k < len(s) && (s[k] == '.' || s[k] == ')')
}

// runOnWords and runOnSentences are the length, in words and in
// sentences, from which a paragraph that ends no sentence is prose yet.
const runOnWords, runOnSentences = 4 * spanWords, 5

// sentences counts the sentence ends inside s: a full stop, question or
// exclamation mark followed by a space.
func sentences(s string) int {
	return strings.Count(s, ". ") + strings.Count(s, "? ") + strings.Count(s, "! ")
}

// anchorShare is the share of the headline's terms a long paragraph holds
// when it is article text: its story is the headline's.
const anchorShare = 0.2

// titleTerms returns the terms of a headline that say what it is about:
// its words of four letters or more, lower-cased, and the character
// pairs of words in scripts written without spaces.
func titleTerms(title string) map[string]bool {
	m := make(map[string]bool)
	forTerms(title, func(t string) { m[t] = true })
	return m
}

// forTerms calls f with each term of s (see titleTerms).
func forTerms(s string, f func(string)) {
	forTermsOf(s, 4, f)
}

// forTermsOf calls f with each term of s of at least min runes, and each
// pair of characters of a word in a script without spaces.
func forTermsOf(s string, min int, f func(string)) {
	buf, spans := wordSpans(s, nil, nil, 0)
	for _, sp := range spans {
		w := string(buf[sp[0]:sp[1]])
		rs := []rune(w)
		if cjkWord(rs) {
			for k := 0; k+1 < len(rs); k++ {
				f(string(rs[k : k+2]))
			}
			continue
		}
		if len(rs) >= min {
			f(w)
		}
	}
}

// cjkWord reports whether a word is written in a script without spaces.
func cjkWord(rs []rune) bool {
	for _, r := range rs {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			return true
		}
	}
	return false
}

// proseTerms returns the terms (see titleTerms) of the body's sentences
// of some length: the words the story itself uses.
func proseTerms(L []line, P []string) map[string]bool {
	m := make(map[string]bool)
	for i := range L {
		if proseLine(&L[i]) {
			forTerms(P[i], func(t string) { m[t] = true })
		}
	}
	return m
}

// anyTerm reports whether text has a term (see titleTerms) in terms.
func anyTerm(terms map[string]bool, text string) bool {
	found := false
	forTerms(text, func(t string) { found = found || terms[t] })
	return found
}

// proseCount counts, for each term, the body's sentences of some length
// (see proseTerms) that hold it.
type proseCount struct {
	docs  map[string]int
	paras int
	words int // of those sentences
}

func newProseCount(L []line, P []string) *proseCount {
	c := &proseCount{docs: make(map[string]int)}
	for i := range L {
		if !c.prose(L, P, i) {
			continue
		}
		c.paras++
		c.words += L[i].words
		seen := make(map[string]bool)
		forTerms(P[i], func(t string) {
			if !seen[t] {
				seen[t] = true
				c.docs[t]++
			}
		})
	}
	return c
}

// proseLine reports whether l counts for proseTerms and proseCount.
func proseLine(l *line) bool {
	return l.words >= coreWords && l.endSentence && !l.skip
}

// prose reports whether paragraph i counts: a sentence of some length
// (see proseTerms), or a run-on paragraph however it ends.
func (c *proseCount) prose(L []line, P []string, i int) bool {
	l := &L[i]
	return proseLine(l) || !l.skip && l.words >= runOnWords && sentences(P[i]) >= runOnSentences
}

// fits reports whether paragraph i is on the story the body's other
// prose tells: pastShare or more of its terms are theirs (see markPast).
// A paragraph that holds half the body's prose or more is that story (an
// extractor's whole article run into one paragraph, with the comment
// policy after it), and so is one with no other prose beside it.
func (c *proseCount) fits(L []line, P []string, i int) bool {
	self := c.prose(L, P, i)
	others, words := c.paras, c.words
	if self {
		others--
	} else {
		words += L[i].words
	}
	if others <= 0 || 2*L[i].words >= words {
		return true
	}
	var own map[string]bool
	if self {
		own = make(map[string]bool)
		forTerms(P[i], func(t string) { own[t] = true })
	}
	n, in := 0, 0
	forTerms(P[i], func(t string) {
		n++
		k := c.docs[t]
		if own[t] {
			k--
		}
		if k > 0 {
			in++
		}
	})
	return n == 0 || float64(in) >= pastShare*float64(n)
}

// anchored reports whether text holds anchorShare or more of the
// headline's terms: a paragraph of the headline's story.
func anchored(title map[string]bool, text string) bool {
	return holds(title, text, anchorShare)
}

// holds reports whether text holds share or more of the headline's
// terms (false for a headline without terms).
func holds(title map[string]bool, text string, share float64) bool {
	if len(title) == 0 {
		return false
	}
	seen := make(map[string]bool)
	forTerms(text, func(t string) {
		if title[t] {
			seen[t] = true
		}
	})
	return float64(len(seen)) >= share*float64(len(title))
}

// markPast marks, on a whole page's text, the lines past the article
// proper first..last and below a block of residue that a pattern marks
// (its footer, a box of links, a comment form: the page has left the
// article; see pastResidue), of which less than a fifth of the words
// (its long ones, see pastRunes) are the article's or its headline's:
// they are about something else, the
// page's menus, other stories' teasers, its footer. Two pieces of
// evidence, neither of them shape: where the line stands, and that it is
// not the article's story. A line on the story (a caption, an info box,
// the article's second page) stays, as does one that holds half of the
// headline's terms (a caption of the story's photo under a box of
// links: "Josh Groban sings Christmas songs ..." under "Groban CD breaks
// Christmas record"). Lines marked by an earlier rule count for the
// block; those this one marks do not.
//
// The article proper, the stretch of the most prose, can run on past the
// article's end: a list of other stories' teasers, a headline, a byline
// and a paragraph each, adds more words than its short lines take away,
// as a thread of long comments does. So the article ends earlier, at
// the block that asks its reader to share it or comment on it (see
// articleEnd); the lines below are tested as those past it.
func (d *Detector) markPast(doc *model.Doc, L []line, first, last int) {
	if last < 0 || last >= len(L)-1 {
		return
	}
	P := doc.Paras
	end := d.articleEnd(L, first, last)
	title := titleTerms(doc.Title)
	story := maps.Clone(title)
	for i := first; i <= end; i++ {
		if !L[i].skip && L[i].strong < d.threshold {
			forTerms(P[i], func(t string) { story[t] = true })
		}
	}
	// The share is of the line's long terms when it has a few: the short
	// ones are most often its language's function words ("diese",
	// "nicht", "with", "from"), which every line of a page shares.
	share := func(text string) float64 {
		if sh, n := termShare(story, text, pastRunes); n >= pastTerms {
			return sh
		}
		sh, _ := termShare(story, text, 4)
		return sh
	}
	// A most-read list's marker is such a block on its own: the site's
	// widget, not the article's (see articleEnd).
	wall, below, popular := false, 0, false
	for i := end + 1; i < len(L); i++ {
		l := &L[i]
		if l.skip {
			continue
		}
		if l.strong >= d.threshold {
			wall = true
			popular = popular || ruleOf(l.sReason) == "popular"
		}
		if l.score() >= d.threshold {
			below++
			continue
		}
		if wall && (below >= pastResidue || popular) && !l.head && !l.wrapped && l.letters > 0 && share(P[i]) < pastShare &&
			!(len(title) >= 2 && holds(title, P[i], pastTitleShare)) {
			l.add(0.6, true, "past the article and its residue, about something else")
		}
	}
}

// articleEnd returns the last line of the article within its proper
// first..last: the line before the first block of residue lines in it
// (consecutive lines at the threshold or above, pastResidue of them or
// more with letters) that a pattern addressed to the article's reader
// marks (readerRules: a share bar, a comment form, the comments) and
// that has half the stretch's prose or more above it; else last. Other
// blocks are as often inside an article as after it: a "Read also:" box
// in the middle of an Italian weather story, a site menu between the two
// halves of a German article, "* * *" separators; and one in the first
// half is its head's (a byline, print and e-mail buttons).
func (d *Detector) articleEnd(L []line, first, last int) int {
	residue := func(i int) bool { return !L[i].skip && L[i].score() >= d.threshold }
	total := 0
	for i := first; i <= last; i++ {
		total += max(coreValue(L, i), 0)
	}
	above := 0
	for i := first; i <= last; i++ {
		if !residue(i) {
			above += max(coreValue(L, i), 0)
			continue
		}
		j, strong, k, popular := i, false, 0, false
		for ; j <= last && (L[j].skip || residue(j)); j++ {
			if L[j].strong >= d.threshold {
				rule := ruleOf(L[j].sReason)
				strong = strong || readerRules[rule]
				popular = popular || rule == "popular"
			}
			if !L[j].skip && L[j].letters > 0 {
				k++
			}
		}
		if (strong && k >= pastResidue || popular) && 2*above >= total {
			return i - 1
		}
		i = j - 1
	}
	return last
}

// termShare returns the share of text's terms of min runes or more (and
// pairs of characters in scripts without spaces) in terms, and how many
// such terms text has (share 0 when none).
func termShare(terms map[string]bool, text string, min int) (float64, int) {
	n, in := 0, 0
	forTermsOf(text, min, func(t string) {
		n++
		if terms[t] {
			in++
		}
	})
	if n == 0 {
		return 0, 0
	}
	return float64(in) / float64(n), n
}

// pastResidue is how many residue lines below the article proper, one
// of them marked by a pattern, show that a whole page's text has left
// the article: a block, not a share button under a short article. Below
// them, a line with less than pastShare of its terms in the article
// proper and its headline is not about the article's story: the words
// it shares are the language's (a caption of the story's photo shares
// its names and places).
const (
	pastResidue = 3
	pastShare   = 0.2
)

// pastRunes and pastTerms: the share past the article is of the line's
// terms of pastRunes runes or more when it has pastTerms of them or more
// (short words are a language's function words, and frequent words are
// short in any language), else of all its terms.
const pastRunes, pastTerms = 6, 3

// pastTitleShare is the share of a headline's terms (of two or more) that
// keeps a line past the article on its story wherever it stands.
const pastTitleShare = 0.5

// Constants of the article core.
const (
	// coreWords is the length of a line that counts for the article
	// proper; a shorter one counts against it by corePenalty.
	coreWords   = 10
	corePenalty = 3
	// densePage is the share of lines of shortLine words or fewer from
	// which a body reads as a whole page's text (menus, link lists and
	// the article among them) rather than an article.
	densePage = 0.4
	shortLine = 5
)

// The reasons of the lines that are never the article's prose, however
// long: a menu run on one line, a page's script or style sheet.
var (
	navLabel    = categoryLabels["nav"]
	codeLabel   = categoryLabels["code"]
	markupLabel = categoryLabels["html"]
)

// notProse reports a line that is never the article's prose, however
// long ("Site map | Help center | ...", a script): a navigation, code or
// markup pattern matches it whole or in a span.
func (l *line) notProse() bool {
	if l.span != nil {
		switch l.span.category {
		case "nav", "code", "html":
			return true
		}
	}
	return l.strong > 0 && (l.sReason == navLabel || l.sReason == codeLabel || l.sReason == markupLabel)
}

// prosePara reports whether line i is a paragraph of prose, without
// strong evidence against it, that the article core counts.
func prosePara(L []line, i int) bool {
	return L[i].strong == 0 && coreValue(L, i) > 0
}

// shortArticle reports whether the run of short lines i..j-1 is an
// article of short lines (a poem, a song's lyrics, a dialogue, a list
// post): it stands right below a copy of the headline, past at most its
// dateline, and the lines right after it are addressed to the reader who
// has read it (a share bar, a comment form; see readerRules). Both ends
// are evidence, where the run's shape is a link list's.
func shortArticle(L []line, P []string, i, j int, threshold float64) bool {
	h := i - 1
	for h >= 0 && h >= i-1-creditBefore && !L[h].titleCopy {
		l := &L[h]
		if !l.skip && l.letters > 0 && !(l.words <= datelineWords && dated(P[h])) {
			return false
		}
		h--
	}
	if h < 0 || !L[h].titleCopy {
		return false
	}
	for j < len(L) && L[j].skip {
		j++
	}
	return j < len(L) && L[j].strong >= threshold && readerRules[ruleOf(L[j].sReason)]
}

// A box that asks the reader for something has a line or two of its
// own between its prompts: "Sign up for the newsletter Command Line",
// then "Command Line delivers daily updates from the near-future.", then
// "Email (required)"; "Jetzt abonnieren", "Bleiben Sie auf dem
// Laufenden", a form. The prompts are the evidence, not the blurb's
// shape or words, which are a sentence in the page's language: a
// paragraph of at most blurbWords words whose neighbours on both sides
// are prompts to the reader (readerRules, or a read-more button or call
// to action) is the box's. An article's own paragraph stands between two
// such prompts only when the page prints a share bar under its last
// paragraph and a comment form under that, and the article's last
// paragraph is seldom that short.
const blurbWords = 40

// markBoxBlurbs marks the blurbs of the boxes of prompts (see above):
// between two prompts, one or two lines of blurbWords words in all, and
// a line some other rule marks besides.
func markBoxBlurbs(L []line, threshold float64) {
	// prompt is 2 for a line that asks the reader to act, 1 for a
	// read-more button, 0 for any other line.
	prompt := func(j int) int {
		if L[j].strong < threshold {
			return 0
		}
		switch r := ruleOf(L[j].sReason); {
		case readerRules[r] || r == "cta" || r == "form":
			return 2
		case r == "readmore":
			return 1
		}
		return 0
	}
	var blurb []int
	for i := 0; i < len(L); i++ {
		if L[i].skip || prompt(i) == 0 {
			continue
		}
		blurb = blurb[:0]
		words, j, seen := 0, i+1, 0
		for ; j < len(L); j++ {
			l := &L[j]
			if l.blank() {
				continue
			}
			// A copy of the headline or a table's row (skipped lines
			// with text) is the article's: no box holds it.
			if l.skip || prompt(j) > 0 || seen == 3 {
				break
			}
			seen++
			if l.score() < threshold {
				blurb = append(blurb, j)
				words += l.words
				if l.letters == 0 {
					words = blurbWords + 1 // a line of numbers or signs is no blurb
				}
			}
		}
		if j == len(L) || L[j].skip || prompt(i)+prompt(j) < 3 || len(blurb) == 0 || len(blurb) > 2 || words > blurbWords {
			continue
		}
		for _, m := range blurb {
			L[m].add(0.6, true, "between two prompts to the reader (a box's blurb)")
		}
		i = j - 1
	}
}

// A list of other stories' teasers closes each with its button: a
// headline, maybe a byline, a paragraph, then "Continue reading", "Read
// more", "Weiterlesen". One paragraph before such a button is as often
// the article's (an excerpt whose button leads to the whole story), and
// an article links its own paragraphs to others' ("Read more: Looted
// colonial art: Germany to set up new contact office" between the
// paragraphs of a DW story). The evidence is a list: minTeasers
// paragraphs or more, each closed by a bare button (teaserButtonWords
// words at most), with nothing between one button and the next teaser
// but short lines (a headline, a byline) and residue.
const minTeasers = 2

// teaserWords bounds a teaser's paragraph, teaserButtonWords its button
// and teaserHeadWords the lines between a button and the next teaser,
// in words.
const teaserWords, teaserButtonWords, teaserHeadWords = 80, 4, 12

// markTeasers marks the lists of teasers below line first (see above).
func markTeasers(L []line, first int, threshold float64) {
	var run []int // the teasers of the current list
	flush := func() {
		if len(run) >= minTeasers {
			reason := fmt.Sprintf("teaser (one of %d paragraphs each closed by a read-more button)", len(run))
			for _, i := range run {
				L[i].add(0.6, true, reason)
			}
		}
		run = run[:0]
	}
	for i := first + 1; i < len(L); i++ {
		l := &L[i]
		if l.skip {
			continue
		}
		residue := l.score() >= threshold
		j := i + 1
		for j < len(L) && L[j].blank() {
			j++
		}
		button := j < len(L) && L[j].strong >= threshold && ruleOf(L[j].sReason) == "readmore" && L[j].words <= teaserButtonWords
		switch {
		case !residue && button && l.letters > 0 && l.words <= teaserWords && !l.titleCopy:
			run = append(run, i)
			i = j
		case residue || l.words <= teaserHeadWords:
			// a headline or byline of the next teaser, or residue
		default:
			flush() // a paragraph of prose: the list has ended
		}
	}
	flush()
}

// coreValue is what line i adds to the article core: its words when it
// is a line of prose, else -corePenalty (0 for a skipped line).
func coreValue(L []line, i int) int {
	l := &L[i]
	switch {
	case l.skip:
		return 0
	case l.notProse():
		return -corePenalty
	case l.words >= coreWords && !l.unpunct && (l.endSentence || l.words >= 2*coreWords ||
		(i+1 < len(L) && L[i+1].firstLower)): // prose wrapped at a fixed width
		return l.words
	}
	return -corePenalty
}

// articleCore returns the first and last paragraph of the article proper:
// the stretch of the body that holds the most prose against other lines,
// each sentence of coreWords words or more (or any line of twice that,
// or one the next line continues in lower case) counting its words and
// every other line -corePenalty (the maximum-sum segment; Finn et al.'s body
// text extraction, on lines instead of tags). It returns (0, -1) when no
// line is long enough.
func articleCore(L []line) (first, last int) {
	best, sum, start := 0, 0, 0
	first, last = 0, -1
	for i := range L {
		v := coreValue(L, i)
		if sum <= 0 {
			sum, start = 0, i
		}
		sum += v
		if sum > best {
			best, first, last = sum, start, i
		}
	}
	return first, last
}

// shortLineShare is the share of the body's lines of shortLine words or
// fewer.
func shortLineShare(L []line) float64 {
	n, short := 0, 0
	for i := range L {
		if L[i].skip {
			continue
		}
		n++
		if L[i].words <= shortLine {
			short++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(short) / float64(n)
}

// introducedLists marks the lines of lists the article introduces: the
// list items (listItem) right after a line that ends with a colon ("The
// squad:", "Ingredients:", "On the Net:"), up to the next line of prose.
func introducedLists(L []line, dense bool) []bool {
	intro := make([]bool, len(L))
	for i := 0; i < len(L); i++ {
		if !L[i].endColon || L[i].block || L[i].strong > 0 {
			continue
		}
		// A sentence that introduces a list ("... will rival $60,000
		// luxury sedans. Among the highlights:") is the article's, even
		// on a whole page's text, where a menu's label is a word or
		// two: its items are read as on an extractor's output.
		menu := dense && L[i].words < coreWords
		for j := i + 1; j < len(L) && listItem(&L[j], menu); j++ {
			intro[j] = true
		}
	}
	return intro
}

// listItem reports whether a line can be an item of a list the article
// introduces: shorter than a sentence of the article proper, or, on a
// body that is not a whole page's text, no sentence at all and no longer
// than a link of a block (an agency's "On the Net:" list: "Switch grass
// report in Proceedings of the National Academy of Sciences:
// http://tinyurl.com/2ar4ss"). On a whole page's text a line ending in a
// colon more often labels a menu of such lines.
func listItem(l *line, dense bool) bool {
	return !l.endColon && (l.words < coreWords || !dense && !l.endSentence && l.words <= maxLineWords)
}

// linkShaped reports a short line shaped like a link without the
// help of a marker: title case, truncated, all caps, or a word or two.
func linkShaped(l *line) bool {
	return l.linkish() && (l.titleCase() || l.endEllipsis || l.words <= 2 ||
		(l.alphaWords > 0 && l.allCapsWords == l.alphaWords))
}

// runLine reports whether a line can be one link of a block; a line of
// one word can when oneWord says so.
func runLine(l *line, oneWord bool) bool {
	return l.linkish() && (l.words >= 2 || oneWord) && !l.firstLower
}

// quote quotes a paragraph for a message, shortened to 60 runes.
func quote(s string) string {
	return strconv.Quote(shorten(s, 60))
}

// quoteShort quotes a marker line, shortened to 30 runes.
func quoteShort(s string) string {
	return strconv.Quote(shorten(s, 30))
}

func shorten(s string, max int) string {
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
