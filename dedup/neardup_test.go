package dedup_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/read"
)

var sampleDir = filepath.Join("..", "testdata", "neardup")

func readSample(tb testing.TB) []*dedup.Document {
	tb.Helper()
	var docs []*dedup.Document
	for d, err := range read.Paths(context.Background(), []string{filepath.Join(sampleDir, "sample.jsonl")}, nil, read.Options{}) {
		require.NoError(tb, err)
		docs = append(docs, d)
	}
	require.NotEmpty(tb, docs)
	return docs
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

func observeAll(t *testing.T, nd *dedup.NearDup, docs []*dedup.Document) map[string]string {
	links := map[string]string{}
	for i, d := range docs {
		for _, f := range nd.Observe(i, d) {
			require.Equal(t, dedup.KindNearDuplicate, f.Kind)
			require.Equal(t, dedup.TitleParagraph, f.Paragraph)
			require.NotEqual(t, d.ID, f.RelatedID)
			require.GreaterOrEqual(t, f.Score, nd.Options().Threshold)
			require.LessOrEqual(t, f.Score, 1.0)
			require.Contains(t, f.Message, f.RelatedID)
			links[d.ID] = f.RelatedID
		}
	}
	return links
}

// TestNearDupSample scores NearDup on a sample of the dev neardup set: the
// excerpts, wrapped copies and syndicated pairs it holds must come out
// right.
func TestNearDupSample(t *testing.T) {
	docs := readSample(t)
	cases := []struct {
		reason       string
		opts         *dedup.NearDupOptions
		minPrecision float64
		minRecall    float64
	}{
		{"the defaults", nil, 0.9, 0.97},
		{"a lower threshold keeps precision (complete linkage)", &dedup.NearDupOptions{Threshold: 0.5}, 0.9, 0.97},
		{"a high threshold keeps precision, loses excerpts", &dedup.NearDupOptions{Threshold: 0.9}, 0.95, 0.5},
		{"5-word shingles lose some edited copies", &dedup.NearDupOptions{Signature: dedup.SignatureOptions{ShingleSize: 5}}, 0.9, 0.75},
	}
	for _, c := range cases {
		nd, err := dedup.NewNearDup(c.opts)
		require.NoError(t, err)
		p, r := pairScores(t, observeAll(t, nd, docs))
		assert.GreaterOrEqual(t, p, c.minPrecision, "precision: %s", c.reason)
		assert.GreaterOrEqual(t, r, c.minRecall, "recall: %s", c.reason)
	}
}

// TestNearDupClustersMatchFindings checks that closing the findings
// transitively gives exactly the clusters, and that each cluster keeps its
// first article.
func TestNearDupClustersMatchFindings(t *testing.T) {
	docs := readSample(t)
	nd, err := dedup.NewNearDup(nil)
	require.NoError(t, err)
	links := observeAll(t, nd, docs)
	order := map[string]int{}
	for i, d := range docs {
		order[d.ID] = i
	}
	clusters := nd.Clusters()
	require.NotEmpty(t, clusters)
	member := map[string]int{}
	for ci, c := range clusters {
		require.GreaterOrEqual(t, len(c.Members), 2, "a cluster has two or more members")
		assert.Equal(t, c.Kept, c.Members[0], "the kept article comes first")
		assert.True(t, slices.IsSortedFunc(c.Members, func(a, b string) int { return order[a] - order[b] }), "members in input order")
		assert.NotContains(t, links, c.Kept, "the kept article has no finding")
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
		assert.Less(t, order[b], order[a], "a finding names an earlier article")
	}
	assert.Equal(t, len(member)-len(clusters), len(links), "every member but the kept one has a finding")
}

func paras(texts ...string) []dedup.Paragraph {
	ps := make([]dedup.Paragraph, len(texts))
	for i, s := range texts {
		ps[i] = dedup.Paragraph{Text: s, Line: i + 1}
	}
	return ps
}

// words makes a paragraph of n distinct words tagged with tag.
func words(tag string, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = fmt.Sprintf("%s%d", tag, i)
	}
	return strings.Join(w, " ")
}

// TestNearDupChainNotGlued: a page wrapping story A with the lead of story
// C is similar to A and, by containment, to an excerpt of C; the chain must
// not put A and C in one cluster.
func TestNearDupChainNotGlued(t *testing.T) {
	a := paras(words("a", 60), words("aa", 60), words("aaa", 60))
	c := paras(words("c", 40), words("cc", 60), words("ccc", 60), words("cccc", 60))
	excerptC := c[:1]
	wrapper := append(append([]dedup.Paragraph{}, a...), excerptC...)
	orders := []struct {
		reason string
		docs   []*dedup.Document
	}{
		{"originals first", []*dedup.Document{
			{ID: "A", Paragraphs: a}, {ID: "C", Paragraphs: c}, {ID: "wrapper", Paragraphs: wrapper}, {ID: "excerptC", Paragraphs: excerptC}}},
		{"wrapper first", []*dedup.Document{
			{ID: "wrapper", Paragraphs: wrapper}, {ID: "A", Paragraphs: a}, {ID: "excerptC", Paragraphs: excerptC}, {ID: "C", Paragraphs: c}}},
	}
	for _, o := range orders {
		nd, err := dedup.NewNearDup(nil)
		require.NoError(t, err)
		observeAll(t, nd, o.docs)
		for _, cl := range nd.Clusters() {
			hasA := slices.Contains(cl.Members, "A")
			hasC := slices.Contains(cl.Members, "C")
			assert.False(t, hasA && hasC, "%s: A and C glued in %v", o.reason, cl.Members)
			if hasA {
				assert.Contains(t, cl.Members, "wrapper", "%s: the wrapper belongs with A", o.reason)
			}
		}
	}
}

func TestNearDupIdenticalAndShort(t *testing.T) {
	body := paras(words("x", 50), words("y", 50))
	docs := []*dedup.Document{
		{ID: "1", Paragraphs: body},
		{ID: "empty1"},
		{ID: "2", Paragraphs: body, Title: "another headline"},
		{ID: "empty2"},
		{ID: "short1", Paragraphs: paras("Read more")},
		{ID: "short2", Paragraphs: paras("Read more")},
		{ID: "3", Paragraphs: body},
		{ID: "other", Paragraphs: paras(words("z", 80))},
	}
	nd, err := dedup.NewNearDup(nil)
	require.NoError(t, err)
	links := observeAll(t, nd, docs)
	assert.Equal(t, map[string]string{"2": "1", "3": "1"}, links,
		"identical bodies link to the first; empty pages and two-word pages are never duplicates")
	assert.Equal(t, []dedup.Cluster{{Kept: "1", Members: []string{"1", "2", "3"}}}, nd.Clusters())
}

// TestNearDupPrepared prepares the sample on several goroutines and
// observes it in order: the findings and clusters are those of Observe.
func TestNearDupPrepared(t *testing.T) {
	docs := readSample(t)
	seq, err := dedup.NewNearDup(nil)
	require.NoError(t, err)
	var want [][]dedup.Finding
	for i, d := range docs {
		want = append(want, seq.Observe(i, d))
	}
	par, err := dedup.NewNearDup(nil)
	require.NoError(t, err)
	bodies := make([]*dedup.NearDupBody, len(docs))
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

func TestNewNearDupRejects(t *testing.T) {
	cases := []struct {
		reason string
		opts   dedup.NearDupOptions
	}{
		{"threshold above 1", dedup.NearDupOptions{Threshold: 1.5}},
		{"negative threshold", dedup.NearDupOptions{Threshold: -0.1}},
		{"bad k", dedup.NearDupOptions{Signature: dedup.SignatureOptions{NumHashes: -1}}},
		{"bad weights", dedup.NearDupOptions{FalsePositiveWeight: -1, FalseNegativeWeight: 1}},
	}
	for _, c := range cases {
		_, err := dedup.NewNearDup(&c.opts)
		assert.Error(t, err, c.reason)
	}
}

// BenchmarkNearDup observes the sample; MB/s is per byte of body text.
func BenchmarkNearDup(b *testing.B) {
	docs := readSample(b)
	_, size := sampleTexts(b)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		nd, err := dedup.NewNearDup(nil)
		if err != nil {
			b.Fatal(err)
		}
		for i, d := range docs {
			nd.Observe(i, d)
		}
	}
}
