package residue

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/newsdedup/newsdedup/dedup/internal/model"
)

func TestBulletMarker(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // the line without its marker
	}{
		{"  * Home", "Home"},
		{"- Weather", "Weather"},
		{"• Set up the winning goal", "Set up the winning goal"},
		{"\t–\tSport", "Sport"},
		{"+ Add to basket", "Add to basket"},
		{"-5 degrees overnight", "-5 degrees overnight"},
		{"*", "*"},
		{"* ", "* "},
		{"Home - News", "Home - News"},
		{"**Bold** start", "**Bold** start"},
	} {
		k := bulletMarker(tc.in)
		assert.Equal(t, tc.want, tc.in[k:], "%q", tc.in)
	}
}

func TestUnbulletedPages(t *testing.T) {
	title := tramTitle
	menu := []string{"Home", "News", "Sport", "Weather", "Business", "Opinion", "Contact us"}
	article := append(append([]string{title}, tramStory...), "Share this article")
	footer := []string{"About us", "Advertise", "Jobs", "Privacy policy", "Terms of use", "Site map"}
	page := func(mark string) []string {
		var paras []string
		for _, m := range menu {
			paras = append(paras, mark+m)
		}
		paras = append(paras, article...)
		for _, m := range footer {
			paras = append(paras, mark+m)
		}
		return paras
	}
	plain := flagged(t, testDoc(title, page("")...), nil)
	for _, mark := range []string{"  * ", "- ", "• "} {
		got := flagged(t, testDoc(title, page(mark)...), nil)
		assert.Equal(t, keysOf(plain), keysOf(got), "menus marked with %q", mark)
	}
	// A few bullets are the page's own list, left as evidence.
	assert.Nil(t, unbulleted([]string{"• One", "• Two", "Some prose here that runs on for a while, as prose does."}))
	assert.NotNil(t, unbulleted(page("* ")))
}

// keysOf returns the paragraphs of hits, sorted.
func keysOf(hits map[int]model.Hit) []int {
	var out []int
	for i := range hits {
		out = append(out, i)
	}
	slices.Sort(out)
	return out
}

func FuzzBulletMarker(f *testing.F) {
	for _, s := range []string{"* a", "  - b", "•", "- ", "\t+\tx", "-1", "–\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := bulletMarker(s)
		if k < 0 || k > len(s) {
			t.Fatalf("%q: marker length %d", s, k)
		}
		if k == 0 {
			return
		}
		rest := s[k:]
		if rest == "" || rest[0] == ' ' || rest[0] == '\t' {
			t.Fatalf("%q: left %q", s, rest)
		}
		if !utf8.ValidString(s[:k]) || strings.TrimLeft(s[:k], " \t*•-–·+") != "" {
			t.Fatalf("%q: the marker %q is more than blanks and a bullet", s, s[:k])
		}
	})
}

func TestFewFields(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want bool
	}{
		{"", 0, true},
		{"one", 0, false},
		{"  * Home  ", 2, true},
		{"  * Home  ", 1, false},
		{"a\tb c d e f", 6, true},
		{"a\tb c d e f g", 6, false},
	} {
		assert.Equal(t, tc.want, fewFields(tc.in, tc.max), "%q, %d", tc.in, tc.max)
		assert.Equal(t, len(strings.Fields(tc.in)) <= tc.max, fewFields(tc.in, tc.max), "as strings.Fields: %q", tc.in)
	}
}
