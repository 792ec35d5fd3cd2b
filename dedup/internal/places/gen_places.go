//go:build ignore

// gen_places builds data/places.txt, the place names the off_topic test
// knows, from WordNet 3.0 (Debian package wordnet-base):
//
//	apt-get install wordnet-base
//	go run gen_places.go -wordnet /usr/share/wordnet -o data/places.txt
//
// A line is "name<TAB>country[ country...]": a city, region or landmark
// that WordNet places, through up to three "part of" links, inside a
// country, or a nationality adjective or noun WordNet derives from the
// country's name. Names that are also common words ("nice", "mobile",
// "reading"), more often people's names than places ("James"), shorter
// than four letters, or made of more than one word are left out: the
// detectors compare single words.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
)

type synset struct {
	pos    byte
	lemmas []string
	ptrs   []ptr
}

type ptr struct {
	sym    string
	offset string
	pos    byte
}

// countryOffset and personOffset are the noun synsets {country, state,
// land} and {person, individual} of WordNet 3.0.
const (
	countryOffset = "08544813"
	personOffset  = "00007846"
)

func main() {
	dir := flag.String("wordnet", "/usr/share/wordnet", "WordNet dict directory")
	out := flag.String("o", "data/places.txt", "output file")
	flag.Parse()

	nouns := read(filepath.Join(*dir, "data.noun"), 'n')
	adjs := read(filepath.Join(*dir, "data.adj"), 'a')
	// Words that are common words: a lower-case lemma of a sense seen in
	// WordNet's tagged texts ("nice", "reading"), not a rare one such as
	// tripoli the mineral.
	common := make(map[string]bool)
	for _, pos := range []string{"noun", "verb", "adj", "adv"} {
		data := read(filepath.Join(*dir, "data."+pos), pos[0])
		for word, e := range index(filepath.Join(*dir, "index."+pos)) {
			for _, off := range e.offs[:e.tagged] {
				if s := data[off]; s != nil && slices.Contains(s.lemmas, word) {
					common[word] = true
				}
			}
		}
	}

	// isA reports whether synset off reaches target through hypernyms.
	var isA func(off, target string, depth int) bool
	isA = func(off, target string, depth int) bool {
		if off == target {
			return true
		}
		if depth > 12 {
			return false
		}
		for _, p := range nouns[off].ptrs {
			if p.sym == "@" && isA(p.offset, target, depth+1) {
				return true
			}
		}
		return false
	}
	// instanceOf reports whether synset off is an instance of target.
	instanceOf := func(off, target string) bool {
		return slices.ContainsFunc(nouns[off].ptrs, func(p ptr) bool {
			return p.sym == "@i" && isA(p.offset, target, 0)
		})
	}
	// People's names ("James", also a river in Virginia) are not places:
	// person[w] is the rank of w's most frequent sense that is a person.
	person := make(map[string]int)
	for w, e := range index(filepath.Join(*dir, "index.noun")) {
		for k, off := range e.offs {
			if instanceOf(off, personOffset) {
				person[w] = k + 1
				break
			}
		}
	}
	countries := make(map[string]string) // offset -> name
	for off, s := range nouns {
		if instanceOf(off, countryOffset) {
			if name := oneWord(s.lemmas); name != "" {
				countries[off] = name
			}
		}
	}

	// A name goes with the countries of its most frequent sense that is
	// a place: Tripoli with Libya (sense 2; sense 1 is a mineral), not
	// Lebanon (sense 3).
	nounIndex := index(filepath.Join(*dir, "index.noun"))
	type place struct {
		rank      int
		countries map[string]bool
	}
	places := make(map[string]*place)
	add := func(word, off, country string) {
		w := strings.ToLower(word)
		if w == country || common[w] || len(w) < 4 || strings.ContainsAny(w, "_-.'") || !letters(w) {
			return // short names are mostly abbreviations: "co", "la"
		}
		rank := slices.Index(nounIndex[w].offs, off) // -1: an adjective
		if k := person[w]; k > 0 && k-1 < rank {
			return // a person's name first: James, not the James River
		}
		p := places[w]
		switch {
		case p == nil || rank < p.rank:
			places[w] = &place{rank, map[string]bool{country: true}}
		case rank == p.rank:
			p.countries[country] = true
		}
	}
	// country returns the country synset off lies in through up to
	// three "part of" links.
	var within func(off string, depth int) []string
	within = func(off string, depth int) []string {
		if c, ok := countries[off]; ok && depth > 0 {
			return []string{c}
		}
		if depth == 3 {
			return nil
		}
		var cs []string
		for _, p := range nouns[off].ptrs {
			if p.sym == "#p" {
				cs = append(cs, within(p.offset, depth+1)...)
			}
		}
		return cs
	}
	for off, s := range nouns {
		if !slices.ContainsFunc(s.ptrs, func(p ptr) bool { return p.sym == "@i" }) {
			continue // places are instances: Tripoli, not city
		}
		for _, c := range within(off, 0) {
			for _, l := range s.lemmas {
				add(l, off, c)
			}
		}
	}
	// Nationality words: adjectives derived from a country's name
	// ("Libyan") and its people, the country's member meronyms.
	for off, c := range countries {
		for _, p := range nouns[off].ptrs {
			switch {
			case p.sym == "+" && p.pos == 'a':
				for _, l := range adjs[p.offset].lemmas {
					if l != strings.ToLower(l) {
						add(l, "", c)
					}
				}
			case p.sym == "%m" && p.pos == 'n':
				for _, l := range nouns[p.offset].lemmas {
					if l != strings.ToLower(l) {
						add(l, p.offset, c)
					}
				}
			}
		}
	}

	names := make([]string, 0, len(places))
	for w, p := range places {
		if len(p.countries) == 1 { // else the name is shared: a river, a region
			names = append(names, w)
		}
	}
	slices.Sort(names)
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	bw := bufio.NewWriter(f)
	fmt.Fprintln(bw, "# Place and nationality names and the countries they belong to, one a")
	fmt.Fprintln(bw, "# line: name<TAB>country[ country...]. Derived from WordNet 3.0 by")
	fmt.Fprintln(bw, "# dedup/gen_places.go; WordNet's licence follows.")
	fmt.Fprintln(bw, "#")
	for _, l := range licence(filepath.Join(*dir, "data.noun")) {
		fmt.Fprintln(bw, strings.TrimRight("# "+l, " "))
	}
	for _, w := range names {
		cs := make([]string, 0, 1)
		for c := range places[w].countries {
			cs = append(cs, c)
		}
		slices.Sort(cs)
		fmt.Fprintf(bw, "%s\t%s\n", w, strings.Join(cs, " "))
	}
	if err := bw.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	log.Printf("%d names in %d countries", len(names), len(countries))
}

// oneWord returns the first lemma of one word, lower-cased.
func oneWord(lemmas []string) string {
	for _, l := range lemmas {
		if !strings.ContainsAny(l, "_-.'") && letters(l) {
			return strings.ToLower(l)
		}
	}
	return ""
}

func letters(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return s != ""
}

// records calls fn with the fields of each record of a WordNet file (the
// part before a gloss), skipping the licence at its top.
func records(path string, fn func(fs []string)) {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "  ") {
			continue // licence header
		}
		if i := strings.Index(line, " | "); i >= 0 {
			line = line[:i]
		}
		fn(strings.Fields(line))
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
}

// licence returns the licence text at the top of a WordNet data file.
func licence(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "  ") {
			break
		}
		// "  12 text": a line number, then the text
		_, text, _ := strings.Cut(strings.TrimLeft(line, " "), " ")
		out = append(out, strings.TrimRight(text, " "))
	}
	return out
}

// indexEntry is a word's line of a WordNet index file: the synsets of its
// senses, most frequent first, of which the first tagged were seen in the
// tagged texts.
type indexEntry struct {
	offs   []string
	tagged int
}

// index reads a WordNet index file.
func index(path string) map[string]indexEntry {
	m := make(map[string]indexEntry)
	records(path, func(fs []string) {
		if len(fs) < 6 {
			return
		}
		var np, tagged int
		fmt.Sscanf(fs[3], "%d", &np)
		k := 4 + np + 1 // pointers, then sense_cnt
		fmt.Sscanf(fs[k], "%d", &tagged)
		offs := fs[k+1:]
		m[fs[0]] = indexEntry{offs, min(tagged, len(offs))}
	})
	return m
}

// read parses a WordNet data file into synsets by offset.
func read(path string, pos byte) map[string]*synset {
	m := make(map[string]*synset)
	records(path, func(fs []string) {
		if len(fs) < 4 {
			return
		}
		s := &synset{pos: pos}
		var nw int
		fmt.Sscanf(fs[3], "%x", &nw)
		k := 4
		for range nw {
			l := fs[k]
			if i := strings.IndexByte(l, '('); i > 0 && pos == 'a' {
				l = l[:i] // adjective markers: (p), (a), (ip)
			}
			s.lemmas = append(s.lemmas, l)
			k += 2
		}
		var np int
		fmt.Sscanf(fs[k], "%d", &np)
		k++
		for range np {
			s.ptrs = append(s.ptrs, ptr{sym: fs[k], offset: fs[k+1], pos: fs[k+2][0]})
			k += 4
		}
		m[fs[0]] = s
	})
	return m
}
