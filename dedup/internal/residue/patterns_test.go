package residue

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ruleView is what a test compares of a rule.
type ruleView struct {
	Category string
	Weight   float64
	Regexp   string
	Line     int
}

func rulesOf(p *Patterns) []ruleView {
	var out []ruleView
	for _, r := range p.rules {
		out = append(out, ruleView{r.category, r.weight, r.source, r.line})
	}
	return out
}

func TestParsePatterns(t *testing.T) {
	src := "# comment\n\nshare (?i)^share this$\nad 0.6 ^Anzeige$\n\tcredit\t^Photo: \\S+$\n"
	p, err := ParsePatterns(strings.NewReader(src))
	require.NoError(t, err)
	assert.Equal(t, 3, p.Len())
	rules := rulesOf(p)
	require.Len(t, rules, 3)
	assert.Equal(t, ruleView{"share", DefaultWeight, "(?i)^share this$", 3}, rules[0])
	assert.Equal(t, ruleView{"ad", 0.6, "^Anzeige$", 4}, rules[1])
	assert.Equal(t, "credit", rules[2].Category, "tab-separated")

	i := p.matchText("Share This")
	require.GreaterOrEqual(t, i, 0)
	assert.Equal(t, "share", p.rules[i].category)
	assert.Equal(t, -1, p.matchText("Share this story with friends"), "anchored rule")

	merged := DefaultPatterns().Merge(p)
	assert.Equal(t, DefaultPatterns().Len()+3, merged.Len())
	assert.Equal(t, rules, rulesOf(merged)[DefaultPatterns().Len():], "q's rules follow p's")
	assert.Greater(t, DefaultPatterns().Len(), 50)
	assert.Equal(t, p.Len(), (*Patterns)(nil).Merge(p).Len(), "a nil set merges as an empty one")
	assert.Zero(t, (*Patterns)(nil).Len())
}

func TestParsePatternsErrors(t *testing.T) {
	cases := []struct {
		src    string
		line   int
		target error
		text   string
		reason string
	}{
		{"share ^ok$\nad (unclosed\n", 2, ErrInvalidRegexp, "line 2: invalid regexp:", "bad regexp names its line"},
		{"# c\n\nshare\n", 3, ErrInvalidPattern, "missing regexp", "category without regexp"},
		{"share 1.5 ^x$\n", 1, ErrInvalidPattern, "weight", "weight above 1"},
		{"share 0 ^x$\n", 1, ErrInvalidPattern, "weight", "zero weight"},
		{"sh@re ^x$\n", 1, ErrInvalidPattern, "not a word", "category with punctuation"},
		{"share x*\n", 1, ErrInvalidPattern, "matches an empty line", "regexp matching nothing at all"},
		{"share ^\xff$\n", 1, ErrInvalidPattern, "invalid residue pattern: invalid UTF-8", "invalid UTF-8"},
		{"share ^" + strings.Repeat("a", maxRuleBytes) + "$\n", 1, ErrInvalidPattern, "longer than", "line too long"},
		{strings.Repeat("share ^x$\n", maxRules+1), maxRules + 1, ErrInvalidPattern, "more than 4096 rules", "too many rules"},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			_, err := ParsePatterns(strings.NewReader(tc.src))
			require.Error(t, err)
			var pe *PatternError
			require.True(t, errors.As(err, &pe), "a *PatternError: %v", err)
			assert.Equal(t, tc.line, pe.Line)
			assert.ErrorIs(t, err, tc.target)
			assert.Contains(t, err.Error(), tc.text)
		})
	}
}

// TestPatternErrorFile: the caller, who knows the file, prints
// "FILE:LINE: msg" from the error's parts, as dedup.InputError does.
func TestPatternErrorFile(t *testing.T) {
	_, err := ParsePatterns(strings.NewReader("share ^ok$\nshare [\n"))
	var pe *PatternError
	require.True(t, errors.As(err, &pe))
	assert.True(t, strings.HasPrefix(fmt.Sprintf("site.txt:%d: %v", pe.Line, pe.Err), "site.txt:2: invalid regexp: "), pe.Err.Error())
	assert.Equal(t, "line 0: <nil>", (&PatternError{}).Error())
}

func TestParsePatternsReadError(t *testing.T) {
	_, err := ParsePatterns(bytes.NewReader(nil))
	require.NoError(t, err, "an empty file is an empty set")
	_, err = ParsePatterns(iotest.ErrReader(iotest.ErrTimeout))
	var pe *PatternError
	require.True(t, errors.As(err, &pe), "%v", err)
	assert.Equal(t, 1, pe.Line, "the line it could not read")
	assert.ErrorIs(t, err, iotest.ErrTimeout)
	assert.Contains(t, err.Error(), "line 1: read error: ")
}

func FuzzParsePatterns(f *testing.F) {
	f.Add([]byte(defaultPatternsText))
	f.Add([]byte("share (?i)^share this$\nad 0.5 ^Anzeige$\n"))
	f.Add([]byte("x 1 a|b|c\ny (?i)^(?:foo|bar)\\s{0,3}baz$\n"))
	f.Add([]byte("bad (\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := ParsePatterns(bytes.NewReader(src))
		if err != nil {
			var pe *PatternError
			if !errors.As(err, &pe) || pe.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		// Whatever the rules, matching must not panic, and the
		// prefilter must not drop a match on a short text.
		for _, text := range []string{"", "Advertisement", "Share this on Facebook", string(src[:min(len(src), 200)])} {
			i := p.matchText(text)
			for _, r := range p.rules {
				if r.re.MatchString(strings.TrimSpace(text)) && len(text) <= 2*windowBytes && i < 0 {
					t.Fatalf("rule %q matches %q but matchText found none", r.source, text)
				}
			}
			if i >= 0 && (p.rules[i].weight <= 0 || p.rules[i].weight > 1) {
				t.Fatalf("weight %v", p.rules[i].weight)
			}
		}
	})
}

// BenchmarkParsePatterns compiles the built-in rules, which every process
// that judges residue does once (see Detector.Warm).
func BenchmarkParsePatterns(b *testing.B) {
	b.SetBytes(int64(len(defaultPatternsText)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParsePatterns(strings.NewReader(defaultPatternsText)); err != nil {
			b.Fatal(err)
		}
	}
}
