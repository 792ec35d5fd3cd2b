package dedup

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStem(t *testing.T) {
	tests := []struct {
		in, want string
		why      string
	}{
		{"war", "war", "short words stay whole"},
		{"ceasefire", "ceasef", "cut to six runes"},
		{"beheading", "behead", "inflections meet"},
		{"beheaded", "behead", "inflections meet"},
		{"überraschung", "überra", "runes, not bytes"},
		{"日本語のテキスト", "日本語のテキ", "any script"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, string(stem([]byte(tt.in))), tt.why)
		})
	}
}

func TestTermSetDropsStopWordsAndFoldsCase(t *testing.T) {
	a := TermSet("The Ceasefire was REJECTED by Haftar")
	b := TermSet("haftar rejected a ceasefire")
	assert.Equal(t, a, b, "stop words and case do not matter")
	assert.Len(t, a, 3)
	assert.Empty(t, TermSet("the and of to"), "only stop words")
	assert.Empty(t, TermSet(""))
}

func TestVectorOps(t *testing.T) {
	a := vector{{1, 1}, {3, 2}}
	b := vector{{2, 5}, {3, 4}}
	assert.InDelta(t, 8.0, dot(a, b), 1e-12)
	assert.InDelta(t, 8/(math.Sqrt(5)*math.Sqrt(41)), cosine(a, b), 1e-12)
	assert.Zero(t, cosine(a, nil), "an empty vector has no direction")
	sum := addScaled(nil, a, b, 0.5)
	require.Equal(t, vector{{1, 1}, {2, 2.5}, {3, 4}}, sum)
	assert.Equal(t, vector{{1, 1}, {3, 2}}, addScaled(nil, nil, a, 1), "adding to nothing copies")
}

func TestTopTermsKeepsStrongest(t *testing.T) {
	idf := func(id uint64) float64 { return float64(id) }
	v := topTerms([]uint64{1, 1, 1, 2, 5, 9}, 2, idf)
	require.Len(t, v, 2)
	assert.Equal(t, uint64(5), v[0].id, "sorted by id, strongest kept")
	assert.Equal(t, uint64(9), v[1].id)
	assert.Equal(t, 1.0, v[1].w, "raw frequency kept")
}

func TestPossessiveMeetsItsWord(t *testing.T) {
	assert.Equal(t, TermSet("Libya"), TermSet("Libya's"), "straight apostrophe")
	assert.Equal(t, TermSet("Moscow"), TermSet("Moscow’s"), "curly apostrophe")
	assert.Equal(t, TermSet("bus"), TermSet("bus"), "a word ending in s stays")
	assert.NotEqual(t, TermSet("rat"), TermSet("rats"), "no apostrophe, no possessive")
}
