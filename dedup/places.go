package dedup

import (
	_ "embed"
	"slices"
	"strings"
)

// The off_topic test for bodies that are mostly another story reads
// countries off place names: "Damascus" and "Syrian" are Syria, "Tripoli"
// is Libya, whichever the headline or the paragraphs name.
// data/places.txt, derived from WordNet 3.0 by gen_places.go, lists about
// 1,750 place and nationality names with their country. Names that are
// also common words, more often people's names, or shorter than four
// letters are not in it.

//go:embed data/places.txt
var placesText string

// placeCountries maps the term of a place or nationality name to the
// countries it names, and a country's term to itself; countryNames holds
// the countries' names.
var placeCountries, countryNames = func() (map[uint64][]uint64, map[uint64]string) {
	var t termizer
	term := func(w string) (uint64, bool) {
		ids := t.appendTerms(nil, w)
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

// countriesOf appends to dst the countries term t names.
func countriesOf(dst []uint64, t uint64) []uint64 {
	return append(dst, placeCountries[t]...)
}
