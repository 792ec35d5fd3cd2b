package neardup_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup/internal/minhash"
	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/dedup/internal/neardup"
	"github.com/newsdedup/newsdedup/dedup/internal/testsample"
)

// sampleDir holds the repository's near-duplicate sample, shared with the
// tests of package dedup.
var sampleDir = filepath.Join("..", "..", "..", "testdata", "neardup")

func readSample(tb testing.TB) []*model.Doc {
	return testsample.MustRead(tb, filepath.Join(sampleDir, "sample.jsonl"))
}

type idPair struct{ a, b string }

func pairOf(a, b string) idPair {
	if b < a {
		a, b = b, a
	}
	return idPair{a, b}
}

// pairScores scores reported links like score.py: links are closed
// transitively into groups, every pair in a group is predicted, pairs
// marked ambiguous (dup: null) are not scored.
func pairScores(t *testing.T, links map[string]string) (precision, recall float64) {
	f, err := os.Open(filepath.Join(sampleDir, "sample.truth.jsonl"))
	require.NoError(t, err)
	defer f.Close()
	gold, amb := map[idPair]bool{}, map[idPair]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var row struct {
			A, B string
			Dup  *bool
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &row))
		if row.Dup != nil && *row.Dup {
			gold[pairOf(row.A, row.B)] = true
		} else {
			amb[pairOf(row.A, row.B)] = true
		}
	}
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		parent[x] = x
		return x
	}
	for a, b := range links {
		parent[find(a)] = find(b)
	}
	groups := map[string][]string{}
	for x := range parent {
		groups[find(x)] = append(groups[find(x)], x)
	}
	tp, fp := 0, 0
	for _, g := range groups {
		for i := range g {
			for j := i + 1; j < len(g); j++ {
				p := pairOf(g[i], g[j])
				switch {
				case amb[p]:
				case gold[p]:
					tp++
				default:
					fp++
				}
			}
		}
	}
	return float64(tp) / float64(max(1, tp+fp)), float64(tp) / float64(max(1, len(gold)))
}

func mustNew(tb testing.TB, opts *neardup.Options) *neardup.Finder {
	tb.Helper()
	f, err := neardup.New(opts)
	require.NoError(tb, err)
	return f
}

func observeAll(t *testing.T, f *neardup.Finder, docs []*model.Doc) map[string]string {
	links := map[string]string{}
	for i, d := range docs {
		for _, h := range f.Observe(i, d) {
			require.Equal(t, model.NearDuplicate, h.Kind)
			require.Equal(t, model.Title, h.Para)
			require.NotEqual(t, d.ID, h.Related)
			require.GreaterOrEqual(t, h.Score, f.Options().Threshold)
			require.LessOrEqual(t, h.Score, 1.0)
			require.Contains(t, h.Message, h.Related)
			links[d.ID] = h.Related
		}
	}
	return links
}

// TestSample scores the Finder on a sample of the dev neardup set: the
// excerpts, wrapped copies and syndicated pairs it holds must come out
// right.
func TestSample(t *testing.T) {
	docs := readSample(t)
	cases := []struct {
		reason       string
		opts         *neardup.Options
		minPrecision float64
		minRecall    float64
	}{
		// Recall 30 or 31 of the 31 pairs: the excerpt pair 473, 473~0
		// has a Jaccard of 0.36, where the banding proposes a pair
		// with probability 0.6 (the signature decides whether it does).
		{"the defaults", nil, 0.9, 0.96},
		{"a lower threshold keeps precision (complete linkage)", &neardup.Options{Threshold: 0.5}, 0.9, 0.96},
		{"a high threshold keeps precision, loses excerpts", &neardup.Options{Threshold: 0.9}, 0.95, 0.5},
		{"5-word shingles lose some edited copies", &neardup.Options{Signature: minhash.Options{ShingleSize: 5}}, 0.9, 0.75},
	}
	for _, c := range cases {
		p, r := pairScores(t, observeAll(t, mustNew(t, c.opts), docs))
		assert.GreaterOrEqual(t, p, c.minPrecision, "precision: %s", c.reason)
		assert.GreaterOrEqual(t, r, c.minRecall, "recall: %s", c.reason)
	}
}

// TestClustersMatchHits checks that closing the hits transitively gives
// exactly the clusters, and that each cluster keeps its first article.
func TestClustersMatchHits(t *testing.T) {
	docs := readSample(t)
	f := mustNew(t, nil)
	links := observeAll(t, f, docs)
	order := map[string]int{}
	for i, d := range docs {
		order[d.ID] = i
	}
	clusters := f.Clusters()
	require.NotEmpty(t, clusters)
	member := map[string]int{}
	for ci, c := range clusters {
		require.GreaterOrEqual(t, len(c.Members), 2, "a cluster has two or more members")
		assert.Equal(t, c.Kept, c.Members[0], "the kept article comes first")
		assert.True(t, slices.IsSortedFunc(c.Members, func(a, b string) int { return order[a] - order[b] }), "members in input order")
		assert.NotContains(t, links, c.Kept, "the kept article has no hit")
		if ci > 0 {
			assert.Less(t, order[clusters[ci-1].Kept], order[c.Kept], "clusters in input order of their kept articles")
		}
		for _, m := range c.Members {
			_, dup := member[m]
			assert.False(t, dup, "%s is in one cluster only", m)
			member[m] = ci
		}
	}
	for a, b := range links {
		assert.Equal(t, member[a], member[b], "%s links to %s inside its cluster", a, b)
		assert.Less(t, order[b], order[a], "a hit names an earlier article")
	}
	assert.Equal(t, len(member)-len(clusters), len(links), "every member but the kept one has a hit")
}

// words makes a paragraph of n distinct words tagged with tag.
func words(tag string, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = fmt.Sprintf("%s%d", tag, i)
	}
	return strings.Join(w, " ")
}

// TestChainNotGlued: a page wrapping story A with the lead of story C is
// similar to A and, by containment, to an excerpt of C; the chain must not
// put A and C in one cluster.
func TestChainNotGlued(t *testing.T) {
	a := []string{words("a", 60), words("aa", 60), words("aaa", 60)}
	c := []string{words("c", 40), words("cc", 60), words("ccc", 60), words("cccc", 60)}
	excerptC := c[:1]
	wrapper := append(slices.Clone(a), excerptC...)
	orders := []struct {
		reason string
		docs   []*model.Doc
	}{
		{"originals first", []*model.Doc{
			{ID: "A", Paras: a}, {ID: "C", Paras: c}, {ID: "wrapper", Paras: wrapper}, {ID: "excerptC", Paras: excerptC}}},
		{"wrapper first", []*model.Doc{
			{ID: "wrapper", Paras: wrapper}, {ID: "A", Paras: a}, {ID: "excerptC", Paras: excerptC}, {ID: "C", Paras: c}}},
	}
	for _, o := range orders {
		f := mustNew(t, nil)
		observeAll(t, f, o.docs)
		for _, cl := range f.Clusters() {
			hasA := slices.Contains(cl.Members, "A")
			hasC := slices.Contains(cl.Members, "C")
			assert.False(t, hasA && hasC, "%s: A and C glued in %v", o.reason, cl.Members)
			if hasA {
				assert.Contains(t, cl.Members, "wrapper", "%s: the wrapper belongs with A", o.reason)
			}
		}
	}
}

func TestIdenticalAndShort(t *testing.T) {
	body := []string{words("x", 50), words("y", 50)}
	docs := []*model.Doc{
		{ID: "1", Paras: body},
		{ID: "empty1"},
		{ID: "2", Paras: body, Title: "another headline"},
		{ID: "empty2"},
		{ID: "short1", Paras: []string{"Read more"}},
		{ID: "short2", Paras: []string{"Read more"}},
		{ID: "3", Paras: body},
		{ID: "other", Paras: []string{words("z", 80)}},
	}
	f := mustNew(t, nil)
	links := observeAll(t, f, docs)
	assert.Equal(t, map[string]string{"2": "1", "3": "1"}, links,
		"identical bodies link to the first; empty pages and two-word pages are never duplicates")
	assert.Equal(t, []neardup.Cluster{{Kept: "1", Members: []string{"1", "2", "3"}}}, f.Clusters())
	assert.Equal(t, len(docs), f.Articles())
	cases := []struct {
		reason string
		a, b   int
		same   bool
	}{
		{"identical bodies are one story", 0, 2, true},
		{"so are the empty pages (one body)", 1, 3, true},
		{"an empty page and a story are not", 0, 1, false},
		{"two unrelated stories are not", 0, 7, false},
		{"an article not observed is no story", 0, len(docs), false},
		{"nor a negative one", -1, 0, false},
	}
	for _, c := range cases {
		assert.Equal(t, c.same, f.SameStory(c.a, c.b), c.reason)
	}
}

// TestPrepared prepares the sample on several goroutines and observes it
// in order: the hits and clusters are those of Observe.
func TestPrepared(t *testing.T) {
	docs := readSample(t)
	seq := mustNew(t, nil)
	var want [][]model.Hit
	for i, d := range docs {
		want = append(want, seq.Observe(i, d))
	}
	par := mustNew(t, nil)
	bodies := make([]*neardup.Body, len(docs))
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(docs); i += 4 {
				bodies[i] = par.Prepare(docs[i])
			}
		})
	}
	wg.Wait()
	for i, d := range docs {
		assert.Equal(t, want[i], par.ObservePrepared(i, d, bodies[i]), d.ID)
	}
	assert.Equal(t, seq.Clusters(), par.Clusters())
}

func TestNewRejects(t *testing.T) {
	cases := []struct {
		reason string
		opts   neardup.Options
	}{
		{"threshold above 1", neardup.Options{Threshold: 1.5}},
		{"negative threshold", neardup.Options{Threshold: -0.1}},
		{"bad k", neardup.Options{Signature: minhash.Options{NumHashes: -1}}},
		{"bad weights", neardup.Options{FalsePositiveWeight: -1, FalseNegativeWeight: 1}},
	}
	for _, c := range cases {
		_, err := neardup.New(&c.opts)
		assert.Error(t, err, c.reason)
	}
}

// BenchmarkObserve observes the sample; MB/s is per byte of body text.
func BenchmarkObserve(b *testing.B) {
	docs := readSample(b)
	b.SetBytes(int64(testsample.BodyBytes(docs)))
	b.ReportAllocs()
	for b.Loop() {
		f := mustNew(b, nil)
		for i, d := range docs {
			f.Observe(i, d)
		}
	}
}

// TestKept checks that Kept names, after each article, the first member of
// the cluster the article joined, as Clusters lists it at the end.
func TestKept(t *testing.T) {
	docs := readSample(t)
	f := mustNew(t, nil)
	kept := map[string]string{}
	for i, d := range docs {
		hits := f.Observe(i, d)
		ord, id, ok := f.Kept()
		assert.Equal(t, len(hits) > 0, ok, "%s: a later member of a cluster, and only one, has a kept article", d.ID)
		if ok {
			assert.Less(t, ord, i, "the kept article comes earlier")
			assert.Equal(t, docs[ord].ID, id)
			kept[d.ID] = id
		}
	}
	require.NotEmpty(t, kept)
	for _, c := range f.Clusters() {
		for _, m := range c.Members[1:] {
			assert.Equal(t, c.Kept, kept[m], "%s", m)
		}
	}
	_, _, ok := mustNew(t, nil).Kept()
	assert.False(t, ok, "nothing observed")
}

// TestOldBodiesVerifiedBySignature checks that a copy of a story met
// after more than ExactBodies other bodies (whose exact sets the Finder
// no longer keeps) is still found, through the signatures, and that no
// more than ExactBodies sets are kept.
func TestOldBodiesVerifiedBySignature(t *testing.T) {
	story := readSample(t)[0]
	f := mustNew(t, nil)
	require.Empty(t, f.Observe(0, story))
	rng := rand.New(rand.NewPCG(8, 8))
	const fillers = neardup.ExactBodies + 500
	for i := range fillers {
		words := make([]string, 12)
		for j := range words {
			words[j] = fmt.Sprintf("w%d", rng.IntN(1<<30))
		}
		require.Empty(t, f.Observe(i+1, &model.Doc{ID: fmt.Sprint("filler", i), Paras: []string{strings.Join(words, " ")}}))
	}
	edited := &model.Doc{ID: "copy", Title: story.Title, Paras: append([]string{"An editor's note at the top."}, story.Paras...)}
	hits := f.Observe(fillers+1, edited)
	require.Len(t, hits, 1, "the copy is found")
	assert.Equal(t, story.ID, hits[0].Related)
	assert.Equal(t, neardup.ExactBodies, f.ExactSets(), "exact sets kept")
}
