package residue

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPrefilter checks the prefilter against brute force: on texts short
// enough to be matched whole, matchText finds the same best rule as trying
// every regexp.
func TestPrefilter(t *testing.T) {
	p := DefaultPatterns()
	docs, _ := loadSample(t)
	var texts []string
	for _, d := range docs {
		texts = append(texts, d.Paras...)
	}
	texts = append(texts, "Lire aussi : la réforme", "PUBBLICITÀ", "ÉTIQUETTES : politique",
		"Photo: REUTERS/Kevin Lamarque", "Photos: Ron Vining/Twitter via Yahoo News",
		"Like this: Like Loading...", "(MORE: Good News, Kids Cholesterol Levels Are Down)")
	checked := 0
	for _, text := range texts {
		if len(text) > 2*windowBytes {
			continue
		}
		best := -1
		for i, r := range p.rules {
			if r.re.MatchString(text) && (best < 0 || r.weight > p.rules[best].weight) {
				best = i
			}
		}
		got := p.matchText(text)
		if best < 0 {
			assert.Equal(t, -1, got, "%q matched", text)
			continue
		}
		checked++
		if assert.GreaterOrEqual(t, got, 0, "%q: the prefilter dropped rule at line %d", text, p.rules[best].line) {
			assert.Equal(t, p.rules[best].weight, p.rules[got].weight, "%q", text)
		}
	}
	assert.Greater(t, checked, 20)
}

// TestEveryRuleHasLiterals guards the prefilter's worth: a rule without
// a literal it can require runs on every paragraph. An alternation whose
// product of branches passes maxLiterals is the usual cause; split such
// a rule in two.
func TestEveryRuleHasLiterals(t *testing.T) {
	for _, r := range DefaultPatterns().rules {
		assert.True(t, r.lits.ok, "patterns.txt line %d has no literal the prefilter can require: %.80s", r.line, r.source)
	}
}
