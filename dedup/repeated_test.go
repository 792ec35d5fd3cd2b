package dedup

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDetectRepeatedParagraphs(t *testing.T) {
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
			name: "five words", reason: "five words is long enough to report an exact repeat",
			paras: []string{"Share this story with friends", testLede, "Share this story with friends"},
			want:  map[int]string{2: "paragraph repeats paragraph 0"},
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
			name: "headline copies", reason: "copies of the headline are DetectRepeatedHeadline's findings",
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
			doc := headlineTestDoc(tt.title, tt.paras...)
			got := map[int]string{}
			for _, f := range DetectRepeatedParagraphs(doc) {
				got[f.Paragraph] = f.Message
				assert.Equal(t, KindRepeatedParagraph, f.Kind, tt.reason)
				assert.Equal(t, doc.Paragraphs[f.Paragraph].Line, f.Line, tt.reason)
				assert.Greater(t, f.Score, 0.8, tt.reason)
				assert.LessOrEqual(t, f.Score, 1.0, tt.reason)
			}
			want := tt.want
			if want == nil {
				want = map[int]string{}
			}
			assert.Equal(t, want, got, tt.reason)
		})
	}
	assert.Nil(t, DetectRepeatedParagraphs(nil), "a nil doc has no findings")
}

// TestDetectRepeatedParagraphsLong covers documents longer than
// nearWindow, where exact repeats are looked up by key and near ones only
// within the window.
func TestDetectRepeatedParagraphsLong(t *testing.T) {
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
	for _, f := range DetectRepeatedParagraphs(headlineTestDoc("", paras...)) {
		got[f.Paragraph] = f.Message
	}
	assert.Equal(t, map[int]string{
		n - 2: "paragraph repeats paragraph 3",
		n - 1: fmt.Sprintf("paragraph nearly repeats paragraph %d (1 of 12 words differ)", n-12),
	}, got, "an exact repeat far back is found by key, a near one within the window")
}

func TestDetectRepeatedParagraphsScore(t *testing.T) {
	const p = "Officials said the bridge would stay closed for at least three weeks while engineers inspect the damaged supports under the river."
	got := DetectRepeatedParagraphs(headlineTestDoc("", p, testLede, p))
	require.Len(t, got, 1)
	assert.Equal(t, 1.0, got[0].Score, "an exact repeat is certain")
	got = DetectRepeatedParagraphs(headlineTestDoc("", p, testLede, strings.Replace(p, "three", "four", 1)))
	require.Len(t, got, 1)
	assert.InDelta(t, 1-1.0/21, got[0].Score, 1e-9, "a near repeat scores one less the share of words edited")
}

func TestDetectRepeatedParagraphsConcurrent(t *testing.T) {
	docs, _ := loadHeadlineSample(t, filepath.Join("..", "testdata", "headline", "sample.jsonl"))
	want := make([][]Finding, len(docs))
	for i, d := range docs {
		want[i] = append(DetectRepeatedHeadline(d), DetectRepeatedParagraphs(d)...)
	}
	done := make(chan [][]Finding)
	for g := 0; g < 4; g++ {
		go func() {
			got := make([][]Finding, len(docs))
			for i, d := range docs {
				got[i] = append(DetectRepeatedHeadline(d), DetectRepeatedParagraphs(d)...)
			}
			done <- got
		}()
	}
	for g := 0; g < 4; g++ {
		assert.Equal(t, want, <-done, "pooled scratch space must not leak between calls")
	}
}

func BenchmarkRepeatedParagraphs(b *testing.B) {
	docs, size := loadHeadlineSample(b, filepath.Join("..", "testdata", "headline", "sample.jsonl"))
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, doc := range docs {
			DetectRepeatedParagraphs(doc)
		}
	}
}
