package uspace

import (
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
)

func TestPlain(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Partager\u00a0:", "Partager :"},
		{"10\u202f000 habitants", "10 000 habitants"},
		{"1\u2009234\u20075", "1 234 5"},
		{"Headline\u00a0|\u00a0Site", "Headline | Site"},
		{"plain text", "plain text"},
		{"«\u00a0guillemets\u00a0» – “quotes” …", "« guillemets » – “quotes” …"},
		{"全角\u3000空格", "全角\u3000空格"},
		{"", ""},
	} {
		got, changed := Plain(tc.in)
		assert.Equal(t, tc.want, got, "%q", tc.in)
		assert.Equal(t, tc.in != tc.want, changed, "%q", tc.in)
		assert.Equal(t, changed, Has(tc.in), "%q", tc.in)
	}
}

func FuzzPlain(f *testing.F) {
	for _, s := range []string{"a\u00a0b", "\xc2", "\xe2\x80", "x\u202f", "«\u00a0»", "\u3000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, changed := Plain(s)
		if !changed {
			if got != s {
				t.Fatalf("unchanged %q came back as %q", s, got)
			}
			return
		}
		if Has(got) {
			t.Fatalf("%q still has a wide space: %q", s, got)
		}
		// Only the spaces change: the text without any space is the same.
		strip := func(x string) string {
			return strings.Map(func(r rune) rune {
				if unicode.IsSpace(r) || r == '\u2007' || r == '\u200b' {
					return -1
				}
				return r
			}, x)
		}
		if strip(got) != strip(s) {
			t.Fatalf("%q: more than spaces changed: %q", s, got)
		}
	})
}

func BenchmarkHas(b *testing.B) {
	text := strings.Repeat("Le conseil municipal a voté mardi la construction d’une ligne de tramway « entre la gare et l’université ». ", 20)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if Has(text) {
			b.Fatal("no wide space in the text")
		}
	}
}
