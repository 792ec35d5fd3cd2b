package terms

import (
	"math"
	"strings"
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

// countWordsRef is CountWords byte by byte, as it was written first.
func countWordsRef(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); i++ {
		sp := s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'
		if !sp && !in {
			n++
		}
		in = !sp
	}
	return n
}

func TestCountWords(t *testing.T) {
	for _, c := range []struct {
		s    string
		want int
	}{
		{"", 0},
		{" ", 0},
		{"word", 1},
		{"exactly8", 1},
		{"two words", 2},
		{"  leading and trailing  ", 3},
		{"tab\tnewline\ncr\rspace end", 5},
		{"eight b words cross the boundary of eight bytes at a time", 12},
		{"a b c d e f g h i j k l m n o p", 16},
		{"        spaces first, eight of them", 5},
		{"北京 时间 十二月", 3},
		{"\x00\x09\x0a\x0b\x0c\x0d\x20\x21\x80\xff\x19", 3},
	} {
		assert.Equal(t, c.want, CountWords(c.s), "%q", c.s)
		assert.Equal(t, countWordsRef(c.s), CountWords(c.s), "%q", c.s)
	}
}

// FuzzCountWords checks the eight-byte count against the byte-by-byte one.
func FuzzCountWords(f *testing.F) {
	f.Add("eight b words cross the boundary of eight bytes at a time")
	f.Add("\t\n\r  \x00\x20\x40\x60\x80\xa0")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := CountWords(s), countWordsRef(s); got != want {
			t.Fatalf("CountWords(%q) = %d, want %d", s, got, want)
		}
	})
}

// BenchmarkCountWords counts a news paragraph's words.
func BenchmarkCountWords(b *testing.B) {
	p := strings.Repeat("The minister said on Tuesday that the talks would resume next week. ", 6)
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for b.Loop() {
		CountWords(p)
	}
}

func BenchmarkCountWordsRef(b *testing.B) {
	p := strings.Repeat("The minister said on Tuesday that the talks would resume next week. ", 6)
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		countWordsRef(p)
	}
}
