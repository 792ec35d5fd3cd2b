package residue

import "strings"

// Tables of the article's own.
//
// Extractors write a table a row a line, its cells between pipes:
// trafilatura as "|Fall of wkts||1-3, 2-41, ...|", a Markdown writer as
// "| Arsenal | 20 | 46 |" under a delimiter row "|---|---|". Read line by
// line, a row is a menu's items between separators, a delimiter row a
// line without letters. A block of such rows is a table when it has the
// shape of one, which no menu has: three rows or more, most of them of
// the same number of cells, half of them or more with a number. It is
// the article's when it stands in the article proper or right after a
// line of the article that introduces it with a colon ("The table after
// Saturday's games:"); a league table in the page's sidebar is the
// page's.

// tableRowCells returns the number of cells of s as a table row (text
// between pipes, two or more), 0 for a delimiter row ("|---|:--:|"), or
// -1 when s is no row.
func tableRowCells(s string) int {
	s = strings.TrimSpace(s)
	if strings.Count(s, "|") < 2 {
		return -1
	}
	if strings.Trim(s, "|-: ") == "" {
		if strings.Contains(s, "-") {
			return 0
		}
		return -1
	}
	cells := 0
	for _, c := range strings.Split(s, "|") {
		if strings.TrimSpace(c) != "" {
			cells++
		}
	}
	if cells < 2 {
		return -1
	}
	return cells
}

// tableRows is the fewest rows of a table (a delimiter row counts).
const tableRows = 3

// skipTables marks the rows of the article's own tables (see above) as
// lines no rule judges: none is residue, nor evidence for its
// neighbours, nor a run's link, and the article proper runs across them.
func skipTables(L []line, P []string) {
	first, last := articleCore(L)
	n := len(L)
	for i := 0; i < n; {
		if L[i].skip || tableRowCells(P[i]) < 0 {
			i++
			continue
		}
		j := i
		counts := map[int]int{}
		rows, numbered := 0, 0
		for j < n && !L[j].skip {
			c := tableRowCells(P[j])
			if c < 0 {
				break
			}
			if c > 0 {
				rows++
				counts[c]++
				if L[j].digits > 0 {
					numbered++
				}
			}
			j++
		}
		mode := 0
		for _, k := range counts {
			mode = max(mode, k)
		}
		intro := i > 0 && !L[i-1].skip && L[i-1].endColon && L[i-1].strong == 0 && i-1 >= first-1 && i-1 <= last
		inside := i >= first && j-1 <= last
		if j-i >= tableRows && rows >= 2 && mode*5 >= rows*4 && numbered*2 >= rows && (inside || intro) {
			for m := i; m < j; m++ {
				L[m].skip = true
			}
		}
		i = j
	}
}
