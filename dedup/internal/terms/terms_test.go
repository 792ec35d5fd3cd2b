package terms

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
	a := Set("The Ceasefire was REJECTED by Haftar")
	b := Set("haftar rejected a ceasefire")
	assert.Equal(t, a, b, "stop words and case do not matter")
	assert.Len(t, a, 3)
	assert.Empty(t, Set("the and of to"), "only stop words")
	assert.Empty(t, Set(""))
}

func TestVectorOps(t *testing.T) {
	a := Vector{{1, 1}, {3, 2}}
	b := Vector{{2, 5}, {3, 4}}
	assert.InDelta(t, 8.0, Dot(a, b), 1e-12)
	assert.InDelta(t, 8/(math.Sqrt(5)*math.Sqrt(41)), Cosine(a, b), 1e-12)
	assert.Zero(t, Cosine(a, nil), "an empty Vector has no direction")
	sum := AddScaled(nil, a, b, 0.5)
	require.Equal(t, Vector{{1, 1}, {2, 2.5}, {3, 4}}, sum)
	assert.Equal(t, Vector{{1, 1}, {3, 2}}, AddScaled(nil, nil, a, 1), "adding to nothing copies")
}

func TestPossessiveMeetsItsWord(t *testing.T) {
	assert.Equal(t, Set("Libya"), Set("Libya's"), "straight apostrophe")
	assert.Equal(t, Set("Moscow"), Set("Moscow’s"), "curly apostrophe")
	assert.Equal(t, Set("bus"), Set("bus"), "a word ending in s stays")
	assert.NotEqual(t, Set("rat"), Set("rats"), "no apostrophe, no possessive")
}
