package places

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup/internal/terms"
)

func termOf(t *testing.T, w string) uint64 {
	t.Helper()
	ids := terms.Set(w)
	require.Len(t, ids, 1, w)
	return ids[0]
}

func TestPlaces(t *testing.T) {
	for _, tc := range []struct {
		name string
		want []string // countries; none for a word that is no place
	}{
		{"Tripoli", []string{"libya"}}, // its most frequent place sense; not Lebanon's
		{"Paris", []string{"france"}},  // not Paris, Texas
		{"Damascus", []string{"syria"}},
		{"Syrian", []string{"syria"}},
		{"Latakia", []string{"syria"}},
		{"Kremlin", []string{"russia"}}, // part of Moscow, part of Russia
		{"Ankara", []string{"turkey"}},
		{"Libya", []string{"libya"}}, // a country is its own
		{"Libya's", []string{"libya"}},
		{"nice", nil},    // a town in France, and a common word
		{"reading", nil}, // a town in England, and a common word
		{"sandwich", nil},
		{"co", nil},    // Colorado's abbreviation, too short to trust
		{"James", nil}, // more often a person than the James River
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want []uint64
			for _, c := range tc.want {
				want = append(want, termOf(t, c))
			}
			got := Countries(nil, termOf(t, tc.name))
			slices.Sort(got)
			slices.Sort(want)
			assert.Equal(t, want, got)
		})
	}
	assert.Equal(t, "Syria", countryNames[termOf(t, "syria")])
	assert.Greater(t, len(placeCountries), 1500, "the table is embedded and parsed")
}
