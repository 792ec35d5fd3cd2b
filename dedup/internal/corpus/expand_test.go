package corpus

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup/internal/terms"
	"github.com/newsdedup/newsdedup/dedup/internal/testsample"
)

// TestExpansionsWorkers checks that the expansions do not depend on how
// many goroutines compute them.
func TestExpansionsWorkers(t *testing.T) {
	build := func(workers int) *Corpus {
		b := NewBuilder()
		b.Workers = workers
		for _, d := range testsample.Load(t, "mismatch/sample.jsonl", "splice/sample.jsonl") {
			b.Add(d)
		}
		return b.Corpus()
	}
	one := build(1)
	expand := func(c *Corpus) []terms.Vector {
		out := make([]terms.Vector, len(c.uses))
		for b := range out {
			e, _, n2 := c.Expansion(int32(b), nil, nil)
			assert.InDelta(t, e.Norm()*e.Norm(), n2, 1e-9, "body %d: squared length", b)
			out[b] = e
		}
		return out
	}
	exp := expand(one)
	require.NotEmpty(t, exp)
	expanded := 0
	for b, e := range exp {
		if len(e) > 0 {
			expanded++
			assert.True(t, slices.IsSortedFunc(e, func(x, y terms.Term) int { return cmp.Compare(x.ID, y.ID) }), "body %d: sorted by term", b)
		}
	}
	assert.Greater(t, expanded, 0, "some bodies have neighbours")
	for _, w := range []int{2, 3, 8} {
		assert.Equal(t, exp, expand(build(w)), "%d workers", w)
	}
}

// TestCorpusBuilderWorkers checks that counting on several goroutines
// gives the corpus counting on one does, with copies of bodies among the
// documents, as crawls have them.
func TestCorpusBuilderWorkers(t *testing.T) {
	docs := testsample.Load(t, "mismatch/sample.jsonl", "splice/sample.jsonl", "residue/sample.jsonl")
	docs = append(docs, docs[:40]...) // copies, some of them far from their first
	build := func(workers int) *Corpus {
		b := NewBuilder()
		b.Workers = workers
		for _, d := range docs {
			b.Add(d)
		}
		if b.NeedContent() {
			for i, d := range docs {
				b.AddContent(i, d)
			}
		}
		return b.Corpus()
	}
	one := build(1)
	require.Equal(t, len(docs), one.Docs())
	for _, w := range []int{2, 3, 8} {
		assert.Equal(t, one, build(w), "%d workers", w)
	}
}

func TestTopTermsKeepsStrongest(t *testing.T) {
	idf := func(id uint64) float64 { return float64(id) }
	var s topScratch
	v := topTerms(&s, []uint64{1, 1, 1, 2, 5, 9}, 2, idf)
	require.Len(t, v, 2)
	assert.Equal(t, 2, cap(v), "holds no more than the terms it keeps")
	assert.Equal(t, uint64(5), v[0].ID, "sorted by id, strongest kept")
	assert.Equal(t, uint64(9), v[1].ID)
	assert.Equal(t, 1.0, v[1].W, "raw frequency kept")
}

// TestSelectTop checks that selectTop picks the same terms as sorting
// them all would, ties of weight broken by id, on inputs of many equal
// weights.
func TestSelectTop(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		n := 1 + r.IntN(60)
		ws := make([]weighed, n)
		for i, id := range r.Perm(n) {
			ws[i] = weighed{terms.Term{ID: uint64(id)}, float64(r.IntN(5))}
		}
		k := 1 + r.IntN(n)
		want := slices.Clone(ws)
		slices.SortFunc(want, func(a, b weighed) int {
			if heavier(a, b) {
				return -1
			}
			if heavier(b, a) {
				return 1
			}
			return 0
		})
		got := slices.Clone(ws)
		selectTop(got, k)
		byID := func(a, b weighed) int { return cmp.Compare(a.t.ID, b.t.ID) }
		slices.SortFunc(want[:k], byID)
		slices.SortFunc(got[:k], byID)
		require.Equal(t, want[:k], got[:k], "top %d of %v", k, ws)
	}
}
