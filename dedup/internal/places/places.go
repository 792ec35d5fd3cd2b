// Package places reads countries off place names, for the off_topic test
// of bodies that are mostly another story: "Damascus" and "Syrian" are
// Syria, "Tripoli" is Libya, whichever the headline or the paragraphs name.
//
// data/places.txt, derived from WordNet 3.0 by gen_places.go, lists about
// 1,750 place and nationality names with their country. Names that are
// also common words, more often people's names, or shorter than four
// letters are not in it.
package places

import (
	_ "embed"
	"slices"
	"strings"

	"github.com/newsdedup/newsdedup/dedup/internal/terms"
)

//go:embed data/places.txt
var placesText string

// placeCountries maps the term of a place or nationality name to the
// countries it names, and a country's term to itself; countryNames holds
// the countries' names.
var placeCountries, countryNames = func() (map[uint64][]uint64, map[uint64]string) {
	var t terms.Termizer
	term := func(w string) (uint64, bool) {
		ids := t.Append(nil, w)
		if len(ids) != 1 {
			return 0, false
		}
		return ids[0], true
	}
	m := make(map[uint64][]uint64)
	names := make(map[uint64]string)
	for _, line := range strings.Split(placesText, "\n") {
		name, countries, ok := strings.Cut(line, "\t")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		p, ok := term(name)
		if !ok {
			continue
		}
		for _, name := range strings.Fields(countries) {
			if c, ok := term(name); ok && c != p {
				names[c] = strings.ToUpper(name[:1]) + name[1:]
				m[p] = append(m[p], c)
			}
		}
	}
	for c := range names {
		m[c] = []uint64{c} // a country names itself, whatever else it is part of
	}
	for k, v := range m {
		slices.Sort(v)
		m[k] = slices.Compact(v)
	}
	return m, names
}()

// Countries appends to dst the countries term t names (terms.Termizer's
// term of a place, nationality or country name; a country's term names
// itself).
func Countries(dst []uint64, t uint64) []uint64 {
	return append(dst, placeCountries[t]...)
}

// Name returns the name of the country with term c, capitalised, or "".
func Name(c uint64) string { return countryNames[c] }
