package residue

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// An author's note ("Heiko Sauer is a Professor of Public Law at the
// University of Bonn.", "Moritz Gathmann leitet das Ressort Berliner
// Republik bei Cicero.") is the page's, not the article's: a paragraph
// that opens with the name of the article's author. Two pieces of
// evidence name the author, neither of them a language's words: the
// page's byline ("VON MORITZ GATHMANN am 21. April 2020", "By Evan
// Halper"), anywhere on it, or a line that is the name alone right above
// the note and outside the article proper (an author box: "Markus
// Reuter" over his note). Inside the article, a name over a paragraph
// that opens with it is a profile's subheading, and stays.

// bioNameWords bounds an author's name, in words.
const bioNameWords = 4

// bioLines is how far above its note an author box's name line stands.
const bioLines = 6

// bioMinWords and bioWords bound an author's note, in words.
const bioMinWords, bioWords = 8, 100

// markBios marks the author's notes of the body (see above), where
// first..last is the article proper.
func markBios(P []string, L []line, first, last int) {
	var bylines []string // the bylines' names, their words joined by a space
	for i := range L {
		if !L[i].skip && byline(P[i], L[i].words) {
			if name := leadingName(strings.Fields(P[i])[1:]); len(name) >= 2 {
				bylines = append(bylines, strings.Join(name, " "))
			}
		}
	}
	// names[j] is line j as a name (its words joined by a space), "" when
	// it is none; computed when a note below it asks.
	var names []string
	var named []bool
	for i := range L {
		l := &L[i]
		// (A note with an address, "John Harris can be reached at
		// jharris@tribweb.com", is a contact line, which the rules of
		// credits judge.)
		if l.skip || l.strong > 0 || l.email || l.words < bioMinWords || l.words > bioWords {
			continue
		}
		p := strings.TrimLeft(P[i], " \t")
		if r, _ := utf8.DecodeRuneInString(p); !unicode.IsUpper(r) {
			continue
		}
		if slices.ContainsFunc(bylines, func(name string) bool { return opensWith(p, name, true) }) {
			l.add(0.6, true, "author's note (opens with the byline's name)")
			continue
		}
		if i >= first && i <= last {
			continue
		}
		for j := i - 1; j >= 0 && j >= i-bioLines; j-- {
			if L[j].skip || L[j].words < 2 || L[j].words > bioNameWords || L[j].digits > 0 {
				continue
			}
			if names == nil {
				names, named = make([]string, len(L)), make([]bool, len(L))
			}
			if !named[j] {
				named[j] = true
				if w := strings.Fields(P[j]); len(leadingName(w)) == len(w) {
					names[j] = strings.Join(w, " ")
				}
			}
			if names[j] != "" && opensWith(p, names[j], false) {
				l.add(0.6, true, "author's note (opens with the name above it)")
				break
			}
		}
	}
}

// leadingName returns the name that words open with: up to bioNameWords
// capitalised words, without the punctuation after the last ("Evan
// Halper,").
func leadingName(words []string) []string {
	n := 0
	for n < len(words) && n < bioNameWords {
		w := strings.TrimRight(words[n], ",;|")
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) || strings.ContainsFunc(w, unicode.IsDigit) {
			break
		}
		words[n] = w
		n++
		if len(w) < len(words[n-1]) {
			break // the name ends at its punctuation
		}
	}
	return words[:n]
}

// opensWith reports whether p, a paragraph, opens with name (words
// joined by a space), and goes on with a sentence about the person
// rather than a label's colon ("Moritz Gathmann: Herr Professor, ..." is
// the interviewer's question). With fold the case of the words does not
// count (a byline is often in capitals); without, it must be the name's:
// a name keeps its capitals in a sentence, where a heading's words in
// title case ("List Comprehensions") do not.
func opensWith(p, name string, fold bool) bool {
	if len(p) <= len(name)+1 {
		return false
	}
	head := p[:len(name)]
	if fold && !strings.EqualFold(head, name) || !fold && head != name {
		return false
	}
	rest := p[len(name):]
	rest = strings.TrimPrefix(rest, ",")
	if rest == "" || rest[0] != ' ' {
		return false // the name goes on ("Markus Reuters")
	}
	rest = strings.TrimLeft(rest, " ")
	// At least two more words, and no label's colon after the name.
	return !strings.HasPrefix(rest, ":") && strings.Count(strings.TrimSpace(rest), " ") >= 1
}
