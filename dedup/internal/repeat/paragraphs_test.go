package repeat

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParagraphs(t *testing.T) {
	const (
		p20  = "Officials said the bridge would stay closed for at least three weeks while engineers inspect the damaged supports under the river."
		p20b = "Officials said the bridge would stay closed for at least four weeks while engineers inspect the damaged supports under the river."
		p20c = "Officials said the road would stay open for at most four weeks while builders inspect the damaged supports under the river."
		p8   = "The mayor thanked residents for their patience."
		p8b  = "The mayor thanked drivers for their patience."
	)
	tests := []struct {
		name   string
		reason string
		title  string
		paras  []string
		want   map[int]string // paragraph -> message
	}{
		{
			name: "exact repeat", reason: "the later copy gets the finding and names the first",
			paras: []string{testLede, p20, testBody, p20},
			want:  map[int]string{3: "paragraph repeats paragraph 1"},
		},
		{
			name: "three copies", reason: "every later copy names the first paragraph",
			paras: []string{p20, testLede, p20, testBody, p20},
			want:  map[int]string{2: "paragraph repeats paragraph 0", 4: "paragraph repeats paragraph 0"},
		},
		{
			name: "case and punctuation", reason: "comparison is on normalised words",
			paras: []string{p20, testLede, strings.ToUpper(strings.ReplaceAll(p20, ",", ""))},
			want:  map[int]string{2: "paragraph repeats paragraph 0"},
		},
		{
			name: "near exact", reason: "one word in twenty-one changed is still the same paragraph",
			paras: []string{p20, testLede, p20b},
			want:  map[int]string{2: "paragraph nearly repeats paragraph 0 (1 of 21 words differ)"},
		},
		{
			name: "caption with credit", reason: "a caption repeating a paragraph plus a short credit",
			paras: []string{testBody, testLede, testBody + " Photo: AP"},
			want:  map[int]string{2: "paragraph nearly repeats paragraph 0 (2 of 28 words differ)"},
		},
		{
			name: "five words, adjacent", reason: "five words printed twice in a row is a double",
			paras: []string{testLede, "Share this story with friends", "Share this story with friends"},
			want:  map[int]string{2: "paragraph repeats paragraph 1"},
		},
		{
			name: "a recurring label", reason: "a short line that recurs away from its first copy is the article's own structure",
			paras: []string{"What the inquest has been told", testLede, testBody, "What the inquest has been told", testClosing},
		},
		{
			name: "a repeated run", reason: "short lines count when a run of paragraphs is printed again",
			paras: []string{"Share this story with friends", "What the inquest has been told", testLede, "Share this story with friends", "What the inquest has been told"},
			want:  map[int]string{3: "paragraph repeats paragraph 0", 4: "paragraph repeats paragraph 1"},
		},
		{
			name: "short lines", reason: "repeated furniture under five words is residue's business",
			paras: []string{"Advertisement", testLede, "Advertisement", "Share", testBody, "Share", "Read more here", "Read more here"},
		},
		{
			name: "short paragraphs one word apart", reason: "under ten words only exact repeats count: one word changes the sentence",
			paras: []string{p8, testLede, p8b},
		},
		{
			name: "too different", reason: "five of twenty-one words changed is a different paragraph",
			paras: []string{p20, testLede, p20c},
		},
		{
			name: "headline copies", reason: "copies of the headline are Headline's hits",
			title: testHeadline,
			paras: []string{testHeadline, testLede, testHeadline, testBody, testHeadline + " | BBC News"},
		},
		{
			name: "distinct paragraphs", reason: "an ordinary article has no repeats",
			title: testHeadline, paras: []string{testLede, testBody, testClosing},
		},
		{
			name: "single paragraph", reason: "nothing to repeat",
			paras: []string{p20},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[int]string{}
			for _, h := range Paragraphs(testDoc(tt.title, tt.paras...)) {
				got[h.Para] = h.Message
				assert.Equal(t, model.RepeatedParagraph, h.Kind, tt.reason)
				assert.Greater(t, h.Score, 0.8, tt.reason)
				assert.LessOrEqual(t, h.Score, 1.0, tt.reason)
				assert.Empty(t, h.Related, tt.reason)
			}
			want := tt.want
			if want == nil {
				want = map[int]string{}
			}
			assert.Equal(t, want, got, tt.reason)
		})
	}
	assert.Nil(t, Paragraphs(nil), "a nil doc has no hits")
}

// TestParagraphsLong covers documents longer than nearWindow, where exact
// repeats are looked up by key and near ones only within the window.
func TestParagraphsLong(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	vocab := strings.Fields("river bridge council mayor engineers closed weeks repair budget vote residents traffic ferry harbour port ships crowd streets summer winter report police court judge school market prices")
	var paras []string
	for range nearWindow + 100 {
		words := make([]string, 12)
		for k := range words {
			words[k] = vocab[rng.Intn(len(vocab))]
		}
		paras = append(paras, strings.Join(words, " "))
	}
	far := paras[3]
	near := strings.Fields(paras[len(paras)-10])
	near[5] = "lighthouse"
	paras = append(paras, far, strings.Join(near, " "))
	n := len(paras)

	got := map[int]string{}
	for _, h := range Paragraphs(testDoc("", paras...)) {
		got[h.Para] = h.Message
	}
	assert.Equal(t, map[int]string{
		n - 2: "paragraph repeats paragraph 3",
		n - 1: fmt.Sprintf("paragraph nearly repeats paragraph %d (1 of 12 words differ)", n-12),
	}, got, "an exact repeat far back is found by key, a near one within the window")
}

func TestParagraphsScore(t *testing.T) {
	const p = "Officials said the bridge would stay closed for at least three weeks while engineers inspect the damaged supports under the river."
	got := Paragraphs(testDoc("", p, testLede, p))
	require.Len(t, got, 1)
	assert.Equal(t, 1.0, got[0].Score, "an exact repeat is certain")
	got = Paragraphs(testDoc("", p, testLede, strings.Replace(p, "three", "four", 1)))
	require.Len(t, got, 1)
	assert.InDelta(t, 1-1.0/21, got[0].Score, 1e-9, "a near repeat scores one less the share of words edited")
}

func BenchmarkParagraphs(b *testing.B) {
	benchSample(b, func(doc *model.Doc) { Paragraphs(doc) })
}
