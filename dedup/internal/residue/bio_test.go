package residue

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestAuthorsNote checks that a paragraph opening with the article's
// author's name, given by the byline or by a name line above it outside
// the article, is the page's author's note, and that a question the
// author asks, a profile's subheading inside the article, a heading in
// title case and a contact line are not.
func TestAuthorsNote(t *testing.T) {
	p := prose
	cases := []struct {
		name string
		body []string
		para int
		note bool
	}{
		{"byline", []string{"By Jane Slaughter", p[0], p[1], p[2], p[3],
			"Jane Slaughter is a former editor of Labor Notes and co-author of a book on organizing."}, 5, true},
		{"byline in capitals, note without a full stop", []string{"VON MORITZ GATHMANN am 21. April 2020", p[0], p[1], p[2], p[3],
			"Moritz Gathmann leitet das Ressort Berliner Republik bei Cicero und schreibt über Russland"}, 5, true},
		{"name box after the article", []string{p[0], p[1], p[2], p[3], "Share this article", "Facebook", "Twitter",
			"E-Mail", "Über den Autor", "Heiko Sauer", "Heiko Sauer is a Professor of Public Law at the University of Bonn."}, 10, true},
		{"the author's question", []string{"By Jane Slaughter", p[0], p[1],
			"Jane Slaughter: Why did the council wait so long to close the bridge to traffic?", p[2], p[3]}, 3, false},
		{"a profile's subheading", []string{p[0], p[1], "Maria Lopez",
			"Maria Lopez runs the ferry that residents hope will carry them across the river.", p[2], p[3]}, 3, false},
		{"a heading in title case", []string{p[0], p[1], p[2], p[3], "List Comprehensions",
			"List comprehensions are slower than a loop in this benchmark, by about a tenth."}, 5, false},
		{"a contact line", []string{"By John Harris", p[0], p[1], p[2], p[3],
			"John Harris can be reached at jharris@example.com or 412-555-0132."}, 5, false},
	}
	for _, c := range cases {
		got := flagged(t, testDoc("Bridge to close for repairs", c.body...), nil)
		h, ok := got[c.para]
		note := ok && strings.HasPrefix(h.Message, "author's note")
		assert.Equal(t, c.note, note, "%s: %q (%v)", c.name, c.body[c.para], h)
		if c.note && note {
			assert.Equal(t, "bio", h.Rule, c.name)
		}
		for i := range c.body {
			if i != c.para && slices.Contains(p, c.body[i]) {
				assert.NotContains(t, got, i, "%s: the article's prose", c.name)
			}
		}
	}
}
