package shingle

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/cespare/xxhash/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oracleWordShingles computes word shingles from the documented definition:
// XXH64 of the concatenated little-endian word hashes of each window of n
// words, or of all words when there are fewer than n.
func oracleWordShingles(s string, n int) []uint64 {
	if n < 1 {
		n = 1
	}
	words := Words(s)
	hashWindow := func(ws []string) uint64 {
		var buf []byte
		for _, w := range ws {
			buf = binary.LittleEndian.AppendUint64(buf, xxhash.Sum64String(w))
		}
		return xxhash.Sum64(buf)
	}
	switch {
	case len(words) == 0:
		return nil
	case len(words) < n:
		return []uint64{hashWindow(words)}
	}
	var out []uint64
	for i := 0; i+n <= len(words); i++ {
		out = append(out, hashWindow(words[i:i+n]))
	}
	return out
}

// oracleCharShingles computes character shingles from the definition:
// XXH64 of each window of n runes of the normalised text.
func oracleCharShingles(s string, n int) []uint64 {
	if n < 1 {
		n = 1
	}
	rs := []rune(Normalize(s))
	switch {
	case len(rs) == 0:
		return nil
	case len(rs) < n:
		return []uint64{xxhash.Sum64String(string(rs))}
	}
	var out []uint64
	for i := 0; i+n <= len(rs); i++ {
		out = append(out, xxhash.Sum64String(string(rs[i:i+n])))
	}
	return out
}

// shingleInputs are short edge cases plus the paragraphs of the samples.
func shingleInputs(tb testing.TB) []string {
	in := []string{"", "   ", "one", "two words", "Three little words", "a b c d e f g h",
		"don’t — stop “now”", "北京 欢迎 你", "Zürich Café\u0301 ΣΊΣΥΦΟΣ"}
	return append(in, testdataParagraphs(tb)...)
}

func TestWordShingles(t *testing.T) {
	for _, s := range shingleInputs(t) {
		for n := 0; n <= 6; n++ {
			want := oracleWordShingles(s, n)
			assert.Equalf(t, want, WordShingles(s, n), "n=%d %q", n, s)
			assert.Equalf(t, append([]uint64{7}, want...), AppendWordShingles([]uint64{7}, s, n), "append n=%d %q", n, s)
		}
	}
}

// TestWordShinglerStreaming feeds words one by one, as a caller streaming a
// document would, and checks it matches the one-shot function; it reuses
// one shingler across texts to check Reset.
func TestWordShinglerStreaming(t *testing.T) {
	for n := 1; n <= 6; n++ {
		sh := NewWordShingler(n)
		require.Equal(t, n, sh.N())
		var tz Tokenizer
		for _, s := range shingleInputs(t) {
			sh.Reset()
			var got []uint64
			tz.Reset(s)
			for i := 0; tz.Next(); i++ {
				var h uint64
				var ok bool
				switch i % 3 { // exercise every entry point
				case 0:
					h, ok = sh.Push(tz.Token())
				case 1:
					h, ok = sh.PushString(string(tz.Token()))
				default:
					h, ok = sh.PushHash(Hash(tz.Token()))
				}
				if ok {
					got = append(got, h)
				}
			}
			if h, ok := sh.Partial(); ok {
				got = append(got, h)
			}
			assert.Equalf(t, WordShingles(s, n), got, "n=%d %q", n, s)
		}
	}
}

func TestWordShinglerEdges(t *testing.T) {
	sh := NewWordShingler(0)
	assert.Equal(t, 1, sh.N(), "n < 1 means 1")
	_, ok := sh.Partial()
	assert.False(t, ok, "no words, no partial shingle")

	sh = NewWordShingler(3)
	_, ok = sh.PushString("a")
	assert.False(t, ok, "first of three words gives no shingle")
	h, ok := sh.Partial()
	require.True(t, ok, "one word of three gives a partial shingle")
	assert.Equal(t, WordShingles("a", 3), []uint64{h}, "partial == one-shot short text")
	sh.PushString("b")
	_, ok = sh.PushString("c")
	assert.True(t, ok, "third word completes a shingle")
	_, ok = sh.Partial()
	assert.False(t, ok, "no partial shingle once a full one exists")

	var zero WordShingler
	h, ok = zero.PushString("word")
	require.True(t, ok, "zero value acts as n == 1")
	assert.Equal(t, WordShingles("word", 1), []uint64{h})

	assert.Nil(t, WordShingles(" ,. ", 3), "text without words gives no shingles")
	assert.Len(t, WordShingles("just two", 5), 1, "fewer words than n gives one shingle")
	assert.NotEqual(t, WordShingles("a b", 2), WordShingles("b a", 2), "word order matters")
	assert.Equal(t, WordShingles("Don't STOP", 2), WordShingles("don’t stop", 2), "shingles are over normalised words")
}

// TestShingleGolden pins shingle hashes: they are persisted, so a change
// here is a format change that needs a new FormatVersion.
func TestShingleGolden(t *testing.T) {
	cases := []struct {
		got    []uint64
		want   []uint64
		reason string
	}{
		{WordShingles("Hello, World! Don’t stop believing.", 1),
			[]uint64{0x75b95f3e06e62fdb, 0x62cfb6bc3f97a201, 0x272730a68cc5fe54, 0xecdc9767798587d2, 0x18a4b64ab53927a9},
			"unigram shingles"},
		{WordShingles("Hello, World! Don’t stop believing.", 2),
			[]uint64{0x481164ab300f0222, 0x0c748481387b9f74, 0x0ed0cda0bc0810c9, 0x7f9f393c3c03396a},
			"bigram shingles"},
		{WordShingles("Hello world", 3), []uint64{0x481164ab300f0222},
			"short text: one shingle of its two words, equal to their bigram"},
		{CharShingles("Ab", 5), []uint64{0x65f708ca92d04a61}, "short text: one character shingle"},
		{CharShingles("Zürich’s “café”", 3),
			[]uint64{0x5d7623340c6b4562, 0x2991c72ab8b80c74, 0xf3564a87b9d41e9e, 0x7f46914c90c123b6,
				0x52c7818208e3843c, 0xc502efd307f51d39, 0x0887465d4382b00b, 0xcd43066da6ccf6d2,
				0xd654f5605570398a, 0xa04a607616ed3b25, 0xb745f63d0d38ffdb, 0x7876f7fbb48a4c71, 0x6513b7db594544b7},
			"character trigrams over runes of the normalised text"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, tc.got, tc.reason)
	}
}

func TestCharShingles(t *testing.T) {
	for _, s := range shingleInputs(t) {
		for _, n := range []int{0, 1, 2, 3, 4, 5, 6, 13, 64} {
			want := oracleCharShingles(s, n)
			assert.Equalf(t, want, CharShingles(s, n), "n=%d %q", n, s)
			assert.Equalf(t, append([]uint64{7}, want...), AppendCharShingles([]uint64{7}, s, n), "append n=%d %q", n, s)
		}
	}
	assert.Len(t, CharShingles("héllo", 2), 4, "windows are over runes, not bytes")
	assert.Equal(t, CharShingles("HELLO   World", 4), CharShingles("hello world", 4), "over normalised text")
	assert.Nil(t, CharShingles(" \u00a0 ", 3), "blank text gives none")
}

func TestCharShinglerStreaming(t *testing.T) {
	for _, n := range []int{1, 2, 3, 4, 5, 6, 13, 64} {
		sh := NewCharShingler(n)
		require.Equal(t, n, sh.N())
		for _, s := range shingleInputs(t) {
			sh.Reset()
			var got []uint64
			for _, r := range Normalize(s) {
				if h, ok := sh.Push(r); ok {
					got = append(got, h)
				}
			}
			if h, ok := sh.Partial(); ok {
				got = append(got, h)
			}
			assert.Equalf(t, CharShingles(s, n), got, "n=%d %q", n, s)
		}
	}
	var zero CharShingler
	h, ok := zero.Push('x')
	require.True(t, ok, "zero value acts as n == 1")
	assert.Equal(t, CharShingles("x", 1), []uint64{h})
}

func TestShinglerNoAllocs(t *testing.T) {
	words := strings.Fields("the quick brown fox jumps over the lazy dog")
	wordBytes := make([][]byte, len(words))
	for i, w := range words {
		wordBytes[i] = []byte(w)
	}
	ws := NewWordShingler(4)
	var sink uint64
	allocs := testing.AllocsPerRun(100, func() {
		for _, w := range wordBytes {
			h, _ := ws.Push(w)
			sink += h
		}
		h, _ := ws.Partial()
		sink += h
	})
	assert.Zero(t, allocs, "WordShingler.Push allocates nothing")

	cs := NewCharShingler(5)
	text := Normalize(readTestdata(t, "multilingual.txt"))
	allocs = testing.AllocsPerRun(20, func() {
		cs.Reset()
		for _, r := range text {
			h, _ := cs.Push(r)
			sink += h
		}
	})
	assert.Zero(t, allocs, "CharShingler.Push allocates nothing")
	_ = sink
}

func BenchmarkWordShingles(b *testing.B) {
	for _, name := range []string{"news.txt", "multilingual.txt"} {
		for _, n := range []int{1, 3, 4, 5} {
			b.Run(fmt.Sprintf("%s/n=%d", strings.TrimSuffix(name, ".txt"), n), func(b *testing.B) {
				text := readTestdata(b, name)
				dst := AppendWordShingles(nil, text, n)
				b.SetBytes(int64(len(text)))
				b.ReportAllocs()
				for b.Loop() {
					dst = AppendWordShingles(dst[:0], text, n)
				}
			})
		}
	}
}

func BenchmarkCharShingles(b *testing.B) {
	for _, name := range []string{"news.txt", "multilingual.txt"} {
		b.Run(strings.TrimSuffix(name, ".txt")+"/n=5", func(b *testing.B) {
			text := readTestdata(b, name)
			dst := AppendCharShingles(nil, text, 5)
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				dst = AppendCharShingles(dst[:0], text, 5)
			}
		})
	}
}
