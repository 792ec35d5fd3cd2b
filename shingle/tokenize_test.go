package shingle

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"
)

// tok is a token with its byte offsets in the input.
type tok struct {
	Word       string
	Start, End int
}

var tokenizerCases = []struct {
	in     string
	want   []tok
	reason string
}{
	{"", nil, "empty input has no tokens"},
	{"  ,;.!? -- ", nil, "punctuation and spaces only"},
	{"Hello, world!", []tok{{"hello", 0, 5}, {"world", 7, 12}}, "ASCII words are lower-cased, punctuation separates"},
	{"don't don’t", []tok{{"dont", 0, 5}, {"dont", 6, 13}}, "straight and curly apostrophes inside a word are dropped"},
	{"Assad's rock'n'roll 90's", []tok{{"assads", 0, 7}, {"rocknroll", 8, 19}, {"90s", 20, 24}}, "every apostrophe between word characters joins"},
	{"'quoted' end' 'start x''y", []tok{{"quoted", 1, 7}, {"end", 9, 12}, {"start", 15, 20}, {"x", 21, 22}, {"y", 24, 25}}, "apostrophes at word edges, and doubled ones, separate"},
	{"don‘t don‛t don′t", []tok{{"dont", 0, 7}, {"dont", 8, 15}, {"dont", 16, 23}}, "characters Normalize maps to ' are apostrophes too"},
	{"well-known e-mail—text", []tok{{"well", 0, 4}, {"known", 5, 10}, {"e", 11, 12}, {"mail", 13, 17}, {"text", 20, 24}}, "hyphens and dashes split words"},
	{"3.5 1,000 10%", []tok{{"3", 0, 1}, {"5", 2, 3}, {"1", 4, 5}, {"000", 6, 9}, {"10", 10, 12}}, "number punctuation splits"},
	{"Zürich", []tok{{"zürich", 0, 7}}, "precomposed Latin letters are word characters"},
	{"Cafe\u0301 au", []tok{{"café", 0, 6}, {"au", 7, 9}}, "a combining mark stays in the word and composes; End covers it"},
	{"\u0301abc \u0301", []tok{{"abc", 2, 5}}, "a mark that does not follow a word character is skipped"},
	{"ﬁnance ＡＢＣ１２３", []tok{{"finance", 0, 8}, {"abc123", 9, 27}}, "NFKC expands ligatures and full-width forms"},
	{"Straße ΣΊΣΥΦΟΣ", []tok{{"strasse", 0, 7}, {"σίσυφοσ", 8, 22}}, "full case folding"},
	{"İstanbul", []tok{{"i̇stanbul", 0, 9}}, "dotted capital I folds to i with combining dot above"},
	{"北京欢迎你 ไทย", []tok{{"北京欢迎你", 0, 15}, {"ไทย", 16, 25}}, "unsegmented scripts give one token per run"},
	{"٣ أيام", []tok{{"٣", 0, 2}, {"أيام", 3, 11}}, "digits and letters of any script"},
	{"news\u00adpaper x\u200b", []tok{{"newspaper", 0, 11}, {"x", 12, 13}}, "invisible characters are skipped, not separators, and not in End"},
	{"don\u200b't", []tok{{"dont", 0, 8}}, "invisible characters around an apostrophe are skipped"},
	{"x² ½", []tok{{"x", 0, 1}}, "superscripts and fractions are not digits before normalisation"},
	{"a\xffb", []tok{{"a", 0, 1}, {"b", 2, 3}}, "invalid UTF-8 separates"},
	{"ᏸꭰ", []tok{{"ᏰᎠ", 0, 6}}, "Cherokee folds to capitals"},
	{"\ufdfa", []tok{{"صلىاللهعليهوسلم", 0, 3}}, "spaces produced by NFKC inside a word are dropped"},
	{"ʼokina", []tok{{"ʼokina", 0, 7}}, "modifier letter apostrophe is a letter, not an apostrophe"},
}

func collect(t *Tokenizer, s string) []tok {
	var out []tok
	t.Reset(s)
	for t.Next() {
		out = append(out, tok{string(t.Token()), t.Start(), t.End()})
	}
	return out
}

func TestTokenizer(t *testing.T) {
	var tz Tokenizer
	for _, tc := range tokenizerCases {
		t.Run(fmt.Sprintf("%q", tc.in), func(t *testing.T) {
			assert.Equal(t, tc.want, collect(&tz, tc.in), tc.reason)
			assert.Equal(t, tc.want, oracleTokens(tc.in), "oracle agrees: %s", tc.reason)
		})
	}
}

func TestTokenizerZeroValue(t *testing.T) {
	var tz Tokenizer
	assert.False(t, tz.Next(), "zero value holds no text")
	assert.Nil(t, tz.Token(), "no token before a successful Next")
	tz.Reset("Ready now")
	require.True(t, tz.Next(), "zero value usable after Reset")
	assert.Equal(t, "ready", string(tz.Token()))
	require.True(t, tz.Next())
	require.False(t, tz.Next(), "two words only")
	assert.False(t, tz.Next(), "Next stays false at the end")
}

// oracleTokens is a slow, obviously correct tokenizer written from the
// documented rules: split the rune sequence (invisible characters deleted)
// into words, then normalise each word with Normalize and drop what is not
// a letter, mark or digit.
func oracleTokens(s string) []tok {
	type pos struct {
		r         rune
		off, size int
	}
	var rs []pos
	for off, r := range s {
		size := utf8.RuneLen(r)
		if r == utf8.RuneError {
			_, size = utf8.DecodeRuneInString(s[off:])
			r = -1 // separator
		}
		if strings.ContainsRune("\u00ad\u200b\u200c\u200d\u2060\ufeff", r) {
			continue
		}
		rs = append(rs, pos{r, off, size})
	}
	word := func(r rune) bool { return unicode.In(r, unicode.L, unicode.Nd) }
	mark := func(r rune) bool { return unicode.In(r, unicode.M) }
	apos := func(r rune) bool { return strings.ContainsRune("'‘’‚‛′‵‹›＇", r) }
	var out []tok
	for i := 0; i < len(rs); {
		if !word(rs[i].r) {
			i++
			continue
		}
		start, end := rs[i].off, 0
		var raw []rune
		for i < len(rs) {
			switch r := rs[i].r; {
			case word(r) || mark(r):
				raw = append(raw, r)
				end = rs[i].off + rs[i].size
			case apos(r) && i+1 < len(rs) && word(rs[i+1].r):
			default:
				goto done
			}
			i++
		}
	done:
		var kept []rune
		for _, r := range Normalize(string(raw)) {
			if word(r) || mark(r) {
				kept = append(kept, r)
			}
		}
		if w := norm.NFKC.String(string(kept)); w != "" {
			out = append(out, tok{w, start, end})
		}
	}
	return out
}

// tricky runes for the randomised oracle test: every class the tokenizer
// distinguishes, and characters whose normalisation changes their class
// or length.
var trickyRunes = []string{
	"a", "Z", "0", "9", "'", "’", "‘", "′", " ", "-", ".", "\n", "\u0301", "\u0323",
	"\u200b", "\u00ad", "\ufeff", "é", "É", "ß", "ẞ", "ﬁ", "Ａ", "１", "²", "½", "北",
	"ไ", "\u0e31", "Ꭰ", "ꭰ", "İ", "\xff", "\xe2\x80", "\ufdfa", "\ufc5e", "ǰ", "Σ", "ς",
	"\u0345", "ʼ", "٣", "ا", "\u00a0", "…", "—", "Ǆ", "ǅ", "㍱", "\u1100", "\u1161",
}

// randomText returns up to maxRunes runes, mostly from trickyRunes and
// otherwise anywhere in Unicode (surrogates become U+FFFD).
func randomText(rng *rand.Rand, maxRunes int) string {
	var b strings.Builder
	for n := rng.IntN(maxRunes + 1); n > 0; n-- {
		switch k := rng.IntN(10); {
		case k < 7:
			b.WriteString(trickyRunes[rng.IntN(len(trickyRunes))])
		case k < 9:
			b.WriteRune(rune(rng.IntN(0x10000)))
		default:
			b.WriteRune(rune(rng.IntN(unicode.MaxRune + 1)))
		}
	}
	return b.String()
}

func TestTokenizerMatchesOracle(t *testing.T) {
	var tz Tokenizer
	inputs := testdataParagraphs(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		inputs = append(inputs, randomText(rng, 12))
	}
	for _, s := range inputs {
		want := oracleTokens(s)
		if !assert.Equal(t, want, collect(&tz, s), "input %q", s) {
			return
		}
	}
}

func TestWordsMatchesTokenizer(t *testing.T) {
	var tz Tokenizer
	for _, s := range testdataParagraphs(t) {
		var want []string
		for _, tk := range collect(&tz, s) {
			want = append(want, tk.Word)
		}
		assert.Equal(t, want, Words(s), "Words == collected Tokenizer tokens")
		assert.Equal(t, append([]string{"x"}, want...), AppendWords([]string{"x"}, s), "AppendWords appends")
	}
}

// TestWordsOfNormalizedText checks that tokenising normalised text gives
// the same words as tokenising the original, on real text.
func TestWordsOfNormalizedText(t *testing.T) {
	for _, s := range testdataParagraphs(t) {
		assert.Equal(t, Words(s), Words(Normalize(s)), "input %q", s)
	}
}

// FuzzTokenizer compares the Tokenizer with the oracle and checks the
// offsets.
func FuzzTokenizer(f *testing.F) {
	for _, tc := range tokenizerCases {
		f.Add(tc.in)
	}
	for _, s := range testdataParagraphs(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var tz Tokenizer
		got := collect(&tz, s)
		require.Equal(t, oracleTokens(s), got, "Tokenizer == oracle")
		prev := 0
		for _, tk := range got {
			require.NotEmpty(t, tk.Word, "tokens are never empty")
			require.True(t, prev <= tk.Start && tk.Start < tk.End && tk.End <= len(s), "offsets ordered and in range: %+v", tk)
			r, _ := utf8.DecodeRuneInString(s[tk.Start:])
			require.True(t, unicode.IsLetter(r) || unicode.IsDigit(r), "a token starts at a letter or digit")
			prev = tk.End
		}
		if isASCII(s) {
			assert.Equal(t, Words(s), Words(Normalize(s)), "ASCII: tokenising normalised text changes nothing")
		}
		checkHash(t, &tz, s, got)
	})
}

// checkHash checks that Hash is the hash of the token, whether it is
// called before Token or after it.
func checkHash(t *testing.T, tz *Tokenizer, s string, want []tok) {
	t.Helper()
	tz.Reset(s)
	i := 0
	for ; tz.Next(); i++ {
		require.Less(t, i, len(want), "no more tokens than Next found")
		h := HashString(want[i].Word)
		require.Equal(t, h, tz.Hash(), "Hash before Token of %q", want[i].Word)
		require.Equal(t, want[i].Word, string(tz.Token()))
		require.Equal(t, h, tz.Hash(), "Hash after Token of %q", want[i].Word)
	}
	require.Equal(t, len(want), i)
}

func TestTokenizerHash(t *testing.T) {
	var tz Tokenizer
	texts := []string{
		"Obama SAID 42 things", "don't stop", "café au lait", "x", "",
		"Antidisestablishmentarianism's ANTIDISESTABLISHMENTARIANISMS supercalifragilisticexpialidocious1234",
		"twelve-chars twelvechars! 123456789012345678901234567890123",
	}
	for _, tc := range tokenizerCases {
		texts = append(texts, tc.in)
	}
	texts = append(texts, testdataParagraphs(t)...)
	for _, s := range texts {
		checkHash(t, &tz, s, collect(&tz, s))
	}
}

func TestTokenizerNoAllocs(t *testing.T) {
	for _, name := range []string{"news.txt", "multilingual.txt"} {
		t.Run(name, func(t *testing.T) {
			text := readTestdata(t, name)
			var tz Tokenizer
			run := func() {
				tz.Reset(text)
				for tz.Next() {
				}
			}
			run() // grow the buffers
			assert.Zero(t, testing.AllocsPerRun(20, run), "steady state tokenising allocates nothing")
		})
	}
}

func BenchmarkTokenizer(b *testing.B) {
	for _, name := range []string{"news.txt", "multilingual.txt"} {
		b.Run(strings.TrimSuffix(name, ".txt"), func(b *testing.B) {
			text := readTestdata(b, name)
			var tz Tokenizer
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				tz.Reset(text)
				for tz.Next() {
					n += len(tz.Token())
				}
			}
			if n == 0 {
				b.Fatal("no tokens")
			}
		})
	}
}
