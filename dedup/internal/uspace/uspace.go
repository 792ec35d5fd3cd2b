// Package uspace reads the Unicode spaces of scraped text as ASCII
// spaces.
//
// A page's &nbsp; decoded is a no-break space (U+00A0): French
// typography puts one before ":", ";", "!" and "?", numbers group their
// digits with one or with a thin space ("10 000", U+2009, U+202F), and
// menus and titles print "Home | News" or "Headline | Site" with them.
// The detectors' patterns and separators write a space as " " or \s,
// which RE2 reads as ASCII only, so "Partager :" and "Headline | Site"
// written with no-break spaces escape the rules that know them. The
// detectors read such text with these spaces as ASCII spaces; clean
// keeps the text as written. The ideographic space (U+3000) is left
// alone: in Chinese and Japanese text it indents a paragraph or stands
// for a character's width.
package uspace

import "strings"

// replacer writes the spaces Plain reads as ASCII ones.
var replacer = strings.NewReplacer("\u00a0", " ", "\u2007", " ", "\u2009", " ", "\u202f", " ")

// Has reports whether s holds a no-break, figure, thin or narrow
// no-break space.
func Has(s string) bool {
	// Each space starts with 0xC2 or 0xE2, found by IndexByte, which is
	// much faster than a loop over the bytes; 0xE2 also starts the
	// typographic quotes and dashes of most text.
	for rest := s; ; {
		i := strings.IndexByte(rest, 0xC2)
		if i < 0 || i+1 >= len(rest) {
			break
		}
		if rest[i+1] == 0xA0 {
			return true
		}
		rest = rest[i+1:]
	}
	for rest := s; ; {
		i := strings.IndexByte(rest, 0xE2)
		if i < 0 || i+2 >= len(rest) {
			return false
		}
		if rest[i+1] == 0x80 {
			switch rest[i+2] {
			case 0x87, 0x89, 0xAF:
				return true
			}
		}
		rest = rest[i+1:]
	}
}

// Plain returns s with its no-break, figure, thin and narrow no-break
// spaces written as ASCII spaces, and whether it had any.
func Plain(s string) (string, bool) {
	if !Has(s) {
		return s, false
	}
	return replacer.Replace(s), true
}
