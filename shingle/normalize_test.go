package shingle

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"
)

var normalizeCases = []struct {
	in, want string
	reason   string
}{
	{"", "", "empty input stays empty"},
	{"hello world", "hello world", "already normal ASCII is unchanged"},
	{"  Hello   World \t\n", "hello world", "ASCII is lower-cased, white space collapsed and trimmed"},
	{"a\x00b\x1fc\x7fd", "a b c d", "ASCII control characters count as white space"},
	{"Don’t", "don't", "right single quote used as apostrophe becomes '"},
	{"“Quoted” ‘single’ „low“ «guillemets» ‹angle› ‛rev‟", `"quoted" 'single' "low" "guillemets" 'angle' 'rev"`, "typographic quotes become ASCII quotes"},
	{"5′ 10″ ‵x‶", `5' 10" 'x"`, "primes map like quotes, including double primes that NFKC would split"},
	{"a–b—c―d−e‐f‑g⸺h", "a-b-c-d-e-f-g-h", "dashes and the minus sign become -"},
	{"wait…", "wait...", "ellipsis becomes three dots"},
	{"a\u00a0b\u2009c\u3000d\u202fe", "a b c d e", "no-break, thin and ideographic spaces become one space"},
	{"a\u2028b\u2029c\u0085d", "a b c d", "line and paragraph separators and NEL are white space"},
	{"\u00a0\u3000 \u2003", "", "input of only Unicode spaces normalises to empty"},
	{"zero\u200bwidth\u200d\ufeffjoin\u2060ed", "zerowidthjoined", "zero-width characters, BOM and word joiner are removed"},
	{"news\u00adpaper", "newspaper", "soft hyphen is removed"},
	{"ﬁnance ＡＢＣ１２３", "finance abc123", "NFKC expands ligatures and full-width forms"},
	{"x² ½", "x2 1⁄2", "NFKC maps superscripts and fractions"},
	{"STRASSE Straße ẞ", "strasse strasse ss", "full case folding expands sharp s"},
	{"ΣΊΣΥΦΟΣ σίσυφος", "σίσυφοσ σίσυφοσ", "final sigma folds to sigma"},
	{"Cafe\u0301", "café", "combining accent composes with NFKC"},
	{"e\u200b\u0301", "é", "a removed zero-width space does not block composition"},
	{"İstanbul", "i̇stanbul", "dotted capital I folds to i with combining dot (no Turkic tailoring)"},
	{"ǰ J̌", "ǰ ǰ", "fold of ǰ decomposes, NFKC recomposes it"},
	{"ꭰ Ꭰ ᏸ", "Ꭰ Ꭰ Ᏸ", "Cherokee folds to capital letters as Unicode case folding specifies"},
	{"a\xffb\xc3", "a\ufffdb\ufffd", "invalid UTF-8 becomes U+FFFD"},
	{"Привет, МИР!", "привет, мир!", "Cyrillic is case-folded"},
	{"北京欢迎你", "北京欢迎你", "CJK is unchanged"},
	{" \u2014 ", "-", "a lone dash surrounded by spaces is trimmed to a dash"},
}

func TestNormalize(t *testing.T) {
	for _, tc := range normalizeCases {
		t.Run(fmt.Sprintf("%q", tc.in), func(t *testing.T) {
			got := Normalize(tc.in)
			assert.Equal(t, tc.want, got, tc.reason)
			assert.Equal(t, got, Normalize(got), "idempotent: %s", tc.reason)
		})
	}
}

func TestAppendNormalized(t *testing.T) {
	for _, tc := range normalizeCases {
		t.Run(fmt.Sprintf("%q", tc.in), func(t *testing.T) {
			prefix := []byte("prefix:")
			got := AppendNormalized(prefix, tc.in)
			assert.Equal(t, "prefix:"+tc.want, string(got), "appends after existing content: %s", tc.reason)
		})
	}
}

// TestNormalizeText checks the invariants of Normalize on real text.
func TestNormalizeText(t *testing.T) {
	for _, name := range []string{"news.txt", "multilingual.txt"} {
		t.Run(name, func(t *testing.T) {
			text := readTestdata(t, name)
			checkNormalized(t, text, Normalize(text))
		})
	}
}

// TestNormalizeRandom checks the invariants on seeded random text made of
// characters that stress normalisation.
func TestNormalizeRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		s := randomText(rng, 12)
		got := Normalize(s)
		if !assert.Equal(t, slowNormalize(s), got, "input %q", s) ||
			!assert.Equal(t, got, Normalize(got), "idempotent on %q", s) {
			return
		}
	}
}

// FuzzNormalize checks that Normalize is idempotent, that its output has
// the documented properties, and that the ASCII fast path agrees with a
// naive implementation.
func FuzzNormalize(f *testing.F) {
	for _, tc := range normalizeCases {
		f.Add(tc.in)
	}
	for _, s := range testdataParagraphs(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkNormalized(t, s, Normalize(s))
	})
}

func checkNormalized(t *testing.T, in, got string) {
	t.Helper()
	require.True(t, utf8.ValidString(got), "output is valid UTF-8")
	assert.Equal(t, got, Normalize(got), "idempotent")
	assert.True(t, norm.NFKC.IsNormalString(got), "output is NFKC")
	assert.Equal(t, got, strings.TrimSpace(got), "no leading or trailing space")
	assert.NotContains(t, got, "  ", "white space collapsed")
	for _, r := range got {
		if r == ' ' {
			continue
		}
		assert.Falsef(t, r < ' ' || r == 0x7f || unicode.IsSpace(r) || unicode.IsControl(r), "no white space or control %U left", r)
		assert.Falsef(t, isIgnorable(r), "no ignorable %U left", r)
		assert.Zerof(t, mapPunct(r), "no typographic quote or dash %U left", r)
		assert.Falsef(t, 'A' <= r && r <= 'Z', "no ASCII capital %c left", r)
	}
	if isASCII(in) {
		assert.Equal(t, naiveNormalizeASCII(in), got, "ASCII fast path matches naive implementation")
	}
	assert.Equal(t, slowNormalize(in), got, "chunking and fast paths agree with the whole-text pipeline")
	buf := AppendNormalized(make([]byte, 0, 4), in)
	assert.Equal(t, got, string(buf), "AppendNormalized == Normalize")
}

// naiveNormalizeASCII is an obviously correct Normalize for ASCII input.
func naiveNormalizeASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < ' ' || c == 0x7f {
			b[i] = ' '
		}
	}
	return strings.ToLower(strings.Join(strings.Fields(string(b)), " "))
}

// slowNormalize runs the whole of s through the full pipeline, without
// chunking or fast paths: the reference for the fast paths.
func slowNormalize(s string) string {
	var p pipeline
	var w spaceWriter
	p.normalizeChunk(&w, s)
	return string(w.dst)
}

func TestNormalizeNoAllocs(t *testing.T) {
	// The pipeline is held here rather than taken from the pool, which may
	// drop items (always does under the race detector).
	for _, name := range []string{"news.txt", "multilingual.txt"} {
		t.Run(name, func(t *testing.T) {
			text := readTestdata(t, name)
			p := new(pipeline)
			w := spaceWriter{}
			appendNormalized(&w, text, &p)
			require.Equal(t, Normalize(text), string(w.dst))
			allocs := testing.AllocsPerRun(20, func() {
				w = spaceWriter{dst: w.dst[:0]}
				appendNormalized(&w, text, &p)
			})
			assert.Zero(t, allocs, "steady state normalisation allocates nothing")
		})
	}
	dst := make([]byte, 0, 64)
	allocs := testing.AllocsPerRun(20, func() {
		dst = AppendNormalized(dst[:0], "Some ASCII Text,  with  spaces.")
	})
	assert.Zero(t, allocs, "ASCII text needs no pipeline and allocates nothing")
}

// TestClassTable checks the precomputed rune classes against their
// definitions for every rune of the Basic Multilingual Plane.
func TestClassTable(t *testing.T) {
	tab := classTable()
	for r := rune(0); r < 0x10000; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		cl := tab[r]
		require.Equalf(t, unicode.In(r, unicode.L, unicode.Nd), cl&kWord != 0, "kWord of %U", r)
		require.Equalf(t, unicode.In(r, unicode.M), cl&kMark != 0, "kMark of %U", r)
		require.Equalf(t, Normalize(string(r)) == "'", cl&kApos != 0, "kApos of %U", r)
		require.Equalf(t, isIgnorable(r), cl&kIgnore != 0, "kIgnore of %U", r)
		if cl&kInert != 0 {
			s := string(r)
			require.Equalf(t, s, slowNormalize(s), "inert %U normalises to itself", r)
			require.Equalf(t, "a"+s+"b"+s, slowNormalize("A"+s+"B"+s), "inert %U between letters", r)
		}
	}
}

func BenchmarkNormalize(b *testing.B) {
	for _, name := range []string{"news.txt", "multilingual.txt"} {
		b.Run(strings.TrimSuffix(name, ".txt"), func(b *testing.B) {
			text := readTestdata(b, name)
			dst := AppendNormalized(make([]byte, 0, 2*len(text)), text) // warm up

			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				dst = AppendNormalized(dst[:0], text)
			}
		})
	}
}

func readTestdata(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(tb, err)
	return string(b)
}

// testdataParagraphs returns the paragraphs of the text samples, used as
// fuzz seeds and test inputs.
func testdataParagraphs(tb testing.TB) []string {
	var out []string
	for _, name := range []string{"news.txt", "multilingual.txt"} {
		for _, p := range strings.Split(readTestdata(tb, name), "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
