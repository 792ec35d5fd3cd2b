package residue

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestLinePredicates checks the predicates on one line's text that the
// thread and trailing-line rules use.
func TestLinePredicates(t *testing.T) {
	cases := []struct {
		f    func(string) bool
		name string
		s    string
		want bool
	}{
		{dated, "dated", "Posted by: Sean | Jan 10, 2008 4:49:12 PM", true},
		{dated, "dated", "Posted by Idealist on January 10, 2008 5:58 PM", true},
		{dated, "dated", "8. Dezember 2010 um 10:56", true},
		{dated, "dated", "Le 12 mars à 14h30", true},
		{dated, "dated", "Posted on 01/20/2008", true},
		{dated, "dated", "März 7, 2018", true},
		{dated, "dated", "2,00 € (Preis 2019)", true}, // a year: dated, though no name follows (see TestCommentThreads)
		{dated, "dated", "Posted by Idealist", false},
		{dated, "dated", "Room 12.5 of 40", false},
		{dated, "dated", "Call 555 1234", false},
		{dated, "dated", "Score 3:2", false},
		{hasClock, "hasClock", "9.35am Wed 9 Jan 08", true},
		{hasClock, "hasClock", "January 10, 2008", false},
		{taggedSentence, "taggedSentence", "Selebi's lawyer was not immediately available to comment. - Sapa", true},
		{taggedSentence, "taggedSentence", "The vote is due on Monday. (AP)", true},
		{taggedSentence, "taggedSentence", "He said the talks would go on. — Reuters", true},
		{taggedSentence, "taggedSentence", "Heilpraktikerpraxis - Im Sonnenlicht (4 votes)", false},
		{taggedSentence, "taggedSentence", "Kenn ich. - Alfred", false}, // too short a sentence
		{taggedSentence, "taggedSentence", "The vote is due on Monday.", false},
		{taggedSentence, "taggedSentence", "Read more - Sports - Local news", false},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.f(c.s), "%s(%q)", c.name, c.s)
	}
}

// thread builds the posts of a comment thread: for each name a
// signature made by sig, and a post of prose, in the order given.
func thread(names []string, sig func(i int, name string) string, sigFirst bool) []string {
	var out []string
	for i, n := range names {
		post := fmt.Sprintf("I think %s has a point here, the council should have acted years ago on this.", strings.ToLower(n))
		if sigFirst {
			out = append(out, sig(i, n), post)
		} else {
			out = append(out, post, sig(i, n))
		}
	}
	return out
}

func TestCommentThreads(t *testing.T) {
	names := []string{"Sean", "dan", "tom wolgat", "scott", "spee"}
	typepad := func(i int, n string) string {
		return fmt.Sprintf("Posted by: %s | Jan 10, 2008 %d:%02d:12 PM", n, 4+i, 10*i)
	}
	cases := []struct {
		name string
		body []string
		// want lists the paragraphs flagged as comments; the article
		// is prose[0:3] at the start of every body.
		want []int
	}{{
		// Posts before their signatures, no marker: the first post
		// has no bound before it and is left.
		name: "signed after, no marker",
		body: thread(names, typepad, false),
		want: []int{4, 5, 6, 7, 8, 9, 10, 11, 12},
	}, {
		name: "signed before, after a marker",
		body: append([]string{"Comments (4)"}, thread(names[:4], func(i int, n string) string {
			return fmt.Sprintf("%s on January %d, 2008 %d:15 PM", n, 10+i, 1+i)
		}, true)...),
		want: []int{4, 5, 6, 7, 8, 9, 10, 11}, // the marker (3) by its pattern
	}, {
		name: "German, after a marker, one poster",
		body: append([]string{"Kommentare"}, thread([]string{"Anna", "Anna", "Anna"}, func(i int, n string) string {
			return fmt.Sprintf("%s %d. Juni 2018 um 15:2%d Uhr - Antworten", n, 19+i, i)
		}, false)...),
		want: []int{4, 5, 6, 7, 8, 9},
	}, {
		// A date alone signs each post, the name on the line above it.
		name: "names above the dates",
		body: func() []string {
			var out []string
			for i, n := range []string{"Volker Rieck sagt:", "Stefan sagt:", "Miau sagt:", "Bernd sagt:", "Rafael sagt:"} {
				out = append(out, n, fmt.Sprintf("2%d. Juni 2016 um 17:2%d Uhr", i, i), "Danke für den lesenswerten Artikel, das war mir so nicht klar.")
			}
			return out
		}(),
		want: []int{4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
	}, {
		// Two signatures in three make the template: a post on another
		// day and a poster with a long name are still posts; the
		// article's byline, dated like them, is not one.
		name: "template of most signatures",
		body: append([]string{"Von Moritz Gathmann am 21. April 2020"}, thread(
			[]string{"Heidemarie Heim", "Ellen Wolff", "Lover of The Beautiful Game Forever", "Horst Kessler",
				"Katharine Schön", "Ernst Konrad", "Michaela Diederichs", "Walter"},
			func(i int, n string) string {
				day := "Di"
				if i == 3 {
					day = "Mi"
				}
				return fmt.Sprintf("%s | %s, 21. April 2020 - 16:%02d", n, day, 10+i)
			}, false)...),
		want: []int{5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19},
	}, {
		// Each post's signature glued to its last sentence, as an
		// extractor joins a post's blocks: the posts are the lines.
		name: "signed at the end of the post's line",
		body: func() []string {
			var out []string
			for i, n := range names {
				out = append(out, fmt.Sprintf("I think %s has a point here, the council should have acted years ago.Posted by: %s on December 29, 2007 0%d:59 PM", strings.ToLower(n), n, 1+i))
			}
			return out
		}(),
		want: []int{3, 4, 5, 6, 7},
	}, {
		// A paragraph of the article that ends with a time is no
		// signature.
		name: "times at the end of the article's paragraphs",
		body: func() []string {
			var out []string
			for i := range 4 {
				out = append(out, fmt.Sprintf("The council said the bridge would close on Monday, and the first ferry would leave the northern pier at 0%d:30 AM", 6+i))
			}
			return out
		}(),
	}, {
		// A live blog's entries are the article: the words after the
		// time change with every entry.
		name: "live blog",
		body: thread([]string{"Obama arrives in Des Moines", "Clinton speaks to reporters", "Edwards leaves the stage", "Polls close in the east", "First results come in"},
			func(i int, n string) string { return fmt.Sprintf("Updated %d:%02d AM ET: %s", 10, 10*i, n) }, true),
	}, {
		// A blog's front page: its posts are dated and signed too, by
		// one or two authors, and longer than comments.
		name: "blog front page",
		body: func() []string {
			var out []string
			months := []string{"Januar", "Juli", "Mai", "März", "November"}
			for i, n := range []string{"uriebe", "uriebe", "stelling", "stelling", "stelling"} {
				out = append(out, fmt.Sprintf("Publiziert am %d. %s 2013 von %s", 10+i, months[i], n))
				out = append(out, prose...)
				out = append(out, prose...)
			}
			return out
		}(),
	}, {
		// Embedded tweets: each signed with a date and an @handle,
		// the article going on around them.
		name: "embedded tweets",
		body: thread([]string{"Crystal Hefner (@crystalhefner)", "Crystal Hefner (@crystalhefner)", "Hugh Hefner (@hughhefner)", "L.S. (@UltraGator)", "Ann (@ann)"},
			func(i int, n string) string { return fmt.Sprintf("— %s December %d, 2014", n, 20+i) }, false),
	}, {
		// A schedule: its dated lines stand together, no posts between.
		name: "schedule",
		body: []string{"Lakers at Celtics, Jan 5, 2008 7:30 PM", "Knicks at Nets, Jan 6, 2008 7:30 PM",
			"Bulls at Heat, Jan 7, 2008 8:00 PM", "Suns at Spurs, Jan 8, 2008 8:30 PM"},
	}, {
		// Three signatures and no marker are not enough.
		name: "three posts, no marker",
		body: thread(names[:3], typepad, false),
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := append(slices.Clone(prose[:3]), c.body...)
			var got []int
			for i, h := range flagged(t, testDoc("Bridge to close for repairs", body...), nil) {
				if strings.HasPrefix(h.Message, "reader comments") {
					got = append(got, i)
				}
			}
			slices.Sort(got)
			assert.Equal(t, c.want, got)
		})
	}

	// Comments alone, with no article before them, are left: the body
	// would be nothing.
	body := thread(names, typepad, false)
	for _, h := range flagged(t, testDoc("Bridge to close for repairs", body...), nil) {
		assert.NotContains(t, h.Message, "reader comments")
	}
}

// FuzzDetect runs the detector on bodies made of the lines of a comment
// thread and whatever the fuzzer makes of them: it never panics, and
// reports paragraphs of the body only.
func FuzzDetect(f *testing.F) {
	f.Add("Comments (4)\nPosted by: Sean | Jan 10, 2008 4:49:12 PM\nI think so.\nPosted by: dan | Jan 10, 2008 6:02:53 PM")
	f.Add("Volker Rieck sagt:\n23. Juni 2016 um 17:21 Uhr\nDanke.\nStefan sagt:\n24. Juni 2016 um 03:24 Uhr")
	f.Add("Posted by: Walters on December 29, 2007 01:15 PM 2. Walters: I hope you are not")
	f.Add("He said so. - Sapa\n12.50 € 2019\n9.35am Wed 9 Jan 08")
	f.Add("  * Home\n  * News\n- Sport\n• Weather\n+ Jobs\n### Related\n**Read more**\nShare\u00a0:\nSign up\nDaily news.\nSubscribe")
	f.Add("Continue reading\nA teaser of some words here.\nRead more\nAnother teaser paragraph.\nRead more")
	d := New(Options{})
	f.Fuzz(func(t *testing.T, body string) {
		paras := append(slices.Clone(prose[:3]), strings.Split(body, "\n")...)
		for _, h := range d.Detect(testDoc("Bridge to close for repairs", paras...), nil) {
			if h.Para < 0 || h.Para >= len(paras) {
				t.Fatalf("hit on paragraph %d of %d", h.Para, len(paras))
			}
		}
	})
}
