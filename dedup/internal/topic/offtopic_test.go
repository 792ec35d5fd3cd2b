package topic

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/dedup/internal/repeat"
	"github.com/newsdedup/newsdedup/dedup/internal/residue"
	"github.com/newsdedup/newsdedup/dedup/internal/testsample"
)

// majorityFlags runs offTopicMajority alone on doc, after the detectors
// that run before it, and returns the paragraphs it flags.
func majorityFlags(t *testing.T, doc *model.Doc) []int {
	t.Helper()
	s := New(defaults, nil)
	a := s.pool.Get().(*analysis)
	defer s.pool.Put(a)
	skip := make([]bool, len(doc.Paras))
	hs := repeat.Headline(doc, nil)
	hs = append(hs, residue.New(residue.Options{}).Detect(doc, nil)...)
	for _, h := range hs {
		if h.Para >= 0 {
			skip[h.Para] = true
		}
	}
	a.reset(doc, s.Body(doc), s.vocab, skip)
	flagged := make(map[int]model.Hit)
	fired := s.offTopicMajority(a, flagged)
	assert.Equal(t, fired, len(flagged) > 0)
	for i, f := range flagged {
		assert.Equal(t, model.OffTopic, f.Kind)
		assert.Equal(t, i, f.Para)
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
	seed := testsample.Load(t, "seed.txt")[0]
	without := func(drop ...int) *model.Doc {
		d := *seed
		d.Paras = nil
		for i, p := range seed.Paras {
			if !slices.Contains(drop, i) {
				d.Paras = append(d.Paras, p)
			}
		}
		return &d
	}
	retitled := func(title string) *model.Doc {
		d := *seed
		d.Title = title
		return &d
	}
	for _, tc := range []struct {
		name   string
		doc    *model.Doc
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
	for _, d := range testsample.Load(t, "splice/sample.jsonl", "mismatch/sample.jsonl") {
		assert.Empty(t, majorityFlags(t, d), "%s: %s", d.ID, strings.TrimSpace(d.Title))
	}
}

// defaults are the public defaults of the thresholds (dedup.DefaultOptions).
var defaults = Options{MismatchThreshold: 0.09, OffTopicMargin: 0.05, OffTopicFloor: 0.05, OffTopicSplit: 0.03, OffTopicCut: 0.15}

// TestOffTopicFew builds bodies as scripts/majority_eval.py does, from the
// untouched sample bodies: a headline and two of its paragraphs among six
// paragraphs of another body. The six are off topic, by words alone (Rule
// "split"); the untouched bodies themselves are left alone.
func TestOffTopicFew(t *testing.T) {
	// The headline sample's bodies stand under their own headlines.
	docs := testsample.Load(t, "headline/sample.jsonl")
	var long []*model.Doc
	seen := map[string]bool{}
	for _, d := range docs {
		if len(d.Paras) >= 7 && !seen[d.Paras[1]] {
			seen[d.Paras[1]] = true
			long = append(long, d)
		}
	}
	require.GreaterOrEqual(t, len(long), 8)
	s := New(defaults, nil)
	found, wrong, built := 0, 0, 0
	for k := 0; k+1 < len(long); k += 2 {
		host, donor := long[k], long[k+1]
		d := &model.Doc{Title: host.Title, Paras: []string{host.Paras[1]}}
		d.Paras = append(d.Paras, donor.Paras[1:4]...)
		d.Paras = append(d.Paras, host.Paras[2])
		d.Paras = append(d.Paras, donor.Paras[4:7]...)
		built++
		for _, h := range s.Detect(nil, d, s.Body(d), -1, nil) {
			if h.Kind != model.OffTopic {
				continue
			}
			assert.Contains(t, []string{"split", "majority"}, h.Rule, "a test on one article")
			if h.Para == 0 || h.Para == 4 {
				wrong++
			} else {
				found++
			}
		}
	}
	t.Logf("%d built bodies: %d foreign paragraphs found of %d, %d host paragraphs flagged", built, found, 6*built, wrong)
	assert.Greater(t, found, 3*built, "most foreign paragraphs are found")
	assert.LessOrEqual(t, wrong, built/4, "host paragraphs stay")
	for _, d := range long {
		for _, h := range s.Detect(nil, d, s.Body(d), -1, nil) {
			assert.NotEqual(t, "belongs to another story: most of the body shares no word", h.Message[:min(len(h.Message), 58)], "an untouched body: %s", d.Title)
		}
	}
}
