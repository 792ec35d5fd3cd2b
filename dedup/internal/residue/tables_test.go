package residue

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTableRowCells(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"| Arsenal | 20 | 46 |", 3},
		{"|---|---|---|", 0},
		{"| :-- | --: |", 0},
		{"|Fall of wkts||1-3, 2-41, 3-44|", 2},
		{"Home | News | Sport", 3},
		{"Just text", -1},
		{"| only one cell |", -1},
		{"|||", -1},
	} {
		assert.Equal(t, tc.want, tableRowCells(tc.in), "%q", tc.in)
	}
}

// TestArticleTables checks that a table the article introduces, or one
// inside the article proper, is the article's, whatever its rows look
// like; that a league table after the article, not introduced, is not;
// and that a menu between pipes is no table.
func TestArticleTables(t *testing.T) {
	p := prose
	table := []string{"| Team | Played | Points |", "|---|---|---|",
		"| Arsenal | 20 | 46 |", "| Liverpool | 20 | 45 |", "| Aston Villa | 20 | 42 |"}
	paras := append([]string{p[0], "The table after Saturday's games:"}, table...)
	paras = append(paras, p[1], p[2], p[3])
	got := flagged(t, testDoc("Bridge closed for repairs", paras...), nil)
	for i := 2; i < 2+len(table); i++ {
		assert.NotContains(t, got, i, "the article's table: %q", paras[i])
	}

	paras = append([]string{p[0], p[1], p[2], p[3], "League table"}, table...)
	paras = append(paras, "Home | News | Sport | Weather", "Privacy | Terms | Contact")
	got = flagged(t, testDoc("Bridge closed for repairs", paras...), nil)
	for i := 5; i < len(paras); i++ {
		assert.Contains(t, got, i, "the page's: %q", paras[i])
	}
}

func FuzzTableRowCells(f *testing.F) {
	for _, s := range []string{"| Arsenal | 20 | 46 |", "|---|---|", "|Fall of wkts||1-3|", "Home | News", "a|b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := tableRowCells(s)
		pipes := strings.Count(s, "|")
		switch {
		case c < -1:
			t.Fatalf("tableRowCells(%q) = %d", s, c)
		case c >= 0 && pipes < 2:
			t.Fatalf("tableRowCells(%q) = %d with %d pipes", s, c, pipes)
		case c > pipes+1:
			t.Fatalf("tableRowCells(%q) = %d cells between %d pipes", s, c, pipes)
		}
	})
}
