package dedup

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func termOf(t *testing.T, w string) uint64 {
	t.Helper()
	ids := TermSet(w)
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
			got := countriesOf(nil, termOf(t, tc.name))
			slices.Sort(got)
			slices.Sort(want)
			assert.Equal(t, want, got)
		})
	}
	assert.Equal(t, "Syria", countryNames[termOf(t, "syria")])
	assert.Greater(t, len(placeCountries), 1500, "the table is embedded and parsed")
}

// majorityFlags runs offTopicMajority alone on doc, after the detectors
// that run before it, and returns the paragraphs it flags.
func majorityFlags(t *testing.T, doc *Document) []int {
	t.Helper()
	s := NewScanner(Options{}, nil)
	a := s.pool.Get().(*analysis)
	defer s.pool.Put(a)
	body := newBodyAnalysis(doc, s.vocab, &a.t)
	fs := DetectRepeatedHeadline(doc)
	fs = append(fs, s.residue.Detect(doc, nil)...)
	a.reset(doc, body, s.vocab, fs)
	flagged := make(map[int]Finding)
	fired := s.offTopicMajority(doc, a, flagged)
	assert.Equal(t, fired, len(flagged) > 0)
	for _, f := range flagged {
		assert.Equal(t, KindOffTopic, f.Kind)
		assert.Equal(t, doc.Paragraphs[f.Paragraph].Line, f.Line)
		assert.True(t, f.Score >= 0.5 && f.Score <= 1, f.Score)
		assert.Contains(t, f.Message, "Syria")
	}
	return slices.Sorted(func(yield func(int) bool) {
		for i := range flagged {
			if !yield(i) {
				return
			}
		}
	})
}

func TestOffTopicMajority(t *testing.T) {
	seed := readDocs(t, "../testdata/seed.txt")[0]
	without := func(drop ...int) *Document {
		d := *seed
		d.Paragraphs = nil
		for i, p := range seed.Paragraphs {
			if !slices.Contains(drop, i) {
				d.Paragraphs = append(d.Paragraphs, p)
			}
		}
		return &d
	}
	retitled := func(title string) *Document {
		d := *seed
		d.Title = title
		return &d
	}
	for _, tc := range []struct {
		name   string
		doc    *Document
		want   []int
		reason string
	}{
		{"seed", seed, []int{1, 2, 4, 5, 6, 7, 8, 10, 12, 13},
			"a Libya headline over mostly Syria paragraphs: the three Libya paragraphs are its story"},
		{"the headline is the majority's", retitled("Putin visits Assad in Damascus, Kremlin says"), nil,
			"the Syria paragraphs are the headline's story"},
		{"a headline without a place", retitled("Haftar rejects call for ceasefire"), nil,
			"no country to tell the stories apart"},
		{"no paragraph names the headline's country", without(9, 11), nil,
			"nothing but Haftar ties the body to the headline: a mismatch, not a splice"},
		{"the Libya story and an aside", without(1, 2, 4, 5, 6, 7, 8, 10, 12), nil,
			"no country the headline does not name stands in half of the paragraphs"},
		{"too few paragraphs", without(1, 2, 3, 4, 5, 6, 7, 8, 10, 12), nil,
			"the test needs four paragraphs of eight words or more"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, majorityFlags(t, tc.doc), tc.reason)
		})
	}
}

// TestOffTopicMajoritySplice checks that the test for bodies that are mostly
// another story stays quiet on the splice sample, where the foreign
// paragraphs are the few, and on the untouched bodies.
func TestOffTopicMajoritySplice(t *testing.T) {
	for _, d := range readDocs(t, "../testdata/splice/sample.jsonl", "../testdata/mismatch/sample.jsonl") {
		assert.Empty(t, majorityFlags(t, d), "%s: %s", d.ID, strings.TrimSpace(d.Title))
	}
}
