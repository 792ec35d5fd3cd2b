package dedup_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/internal/minhash"
	"github.com/newsdedup/newsdedup/dedup/read"
)

func mustIndex(t testing.TB, st dedup.Store, opts *dedup.Options) *dedup.Index {
	ix, err := dedup.OpenIndex(st, opts)
	require.NoError(t, err)
	return ix
}

func docOf(id string, ps ...string) *dedup.Document {
	return &dedup.Document{ID: id, Paragraphs: paras(ps...)}
}

// randomStory returns paragraphs of seeded random words.
func randomStory(rng *rand.Rand, paragraphs, words int) []string {
	ps := make([]string, paragraphs)
	for i := range ps {
		w := make([]string, words)
		for j := range w {
			w[j] = fmt.Sprintf("w%d", rng.IntN(100000))
		}
		ps[i] = strings.Join(w, " ")
	}
	return ps
}

// edit replaces share of the words of ps.
func edit(rng *rand.Rand, ps []string, share float64) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		w := strings.Fields(p)
		for j := range w {
			if rng.Float64() < share {
				w[j] = fmt.Sprintf("e%d", rng.IntN(1<<30))
			}
		}
		out[i] = strings.Join(w, " ")
	}
	return out
}

func TestIndexCheckAndAdd(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(21, 21))
	a := randomStory(rng, 8, 40)
	b := randomStory(rng, 6, 40)
	teaser := randomStory(rng, 1, 30)
	ix := mustIndex(t, dedup.NewMemoryStore(), nil)
	cases := []struct {
		reason   string
		doc      *dedup.Document
		admitted bool
		dupOf    string
		existing bool
	}{
		{"the first story is new", docOf("a", a...), true, "", false},
		{"an exact copy", docOf("a-copy", a...), false, "a", false},
		{"a copy with 4% of words changed", docOf("a-edit", edit(rng, a, 0.04)...), false, "a", false},
		{"an excerpt (the first 60%)", docOf("a-excerpt", a[:5]...), false, "a", false},
		{"a copy wrapped with a teaser", docOf("a-wrapped", append(append([]string{}, a...), teaser...)...), false, "a", false},
		{"another story is new", docOf("b", b...), true, "", false},
		{"a copy of the second story names it", docOf("b-copy", edit(rng, b, 0.02)...), false, "b", false},
		{"an empty page is new", docOf("empty"), true, "", false},
		{"another empty page is new too", docOf("empty2"), true, "", false},
		{"an id seen before with another body is judged by its content", docOf("a", b...), false, "b", false},
		{"an id and body seen before is existing", docOf("a", a...), false, "a", true},
		{"a duplicate seen before names its original", docOf("a-copy", a...), false, "a", true},
	}
	for _, c := range cases {
		r, err := ix.CheckAndAdd(ctx, c.doc)
		require.NoError(t, err, c.reason)
		assert.Equal(t, c.admitted, r.Admitted, c.reason)
		assert.Equal(t, c.dupOf, r.DupOf, c.reason)
		assert.Equal(t, c.existing, r.Existing, c.reason)
		if c.doc.ID == "a" && !c.existing && !c.admitted {
			require.NotNil(t, r.Changed, "a changed page is reported so: %s", c.reason)
			assert.Less(t, r.Changed.Similarity, ix.Threshold(), c.reason)
		}
		if !c.admitted && !c.existing {
			require.NotEmpty(t, r.Matches, c.reason)
			assert.GreaterOrEqual(t, r.Matches[0].Similarity, ix.Threshold(), c.reason)
		}
	}
	stats, err := ix.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, 10, stats.Entries, "9 articles and the changed page's new version")
	assert.Equal(t, 4, stats.Admitted)
	assert.Equal(t, 6, stats.Duplicates)
	assert.Equal(t, dedup.DefaultOptions().Threshold, stats.Threshold)
	assert.Equal(t, ix.LSH().Bands, stats.Bands)
	assert.Equal(t, ix.LSH().Rows, stats.Rows)
	assert.LessOrEqual(t, stats.Bands, minhash.DefaultMaxBands)

	ms, err := ix.Check(ctx, docOf("q", edit(rng, a, 0.02)...))
	require.NoError(t, err)
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.ID)
		assert.GreaterOrEqual(t, m.Similarity, ix.Threshold())
	}
	assert.ElementsMatch(t, []string{"a", "a-copy", "a-edit", "a-excerpt", "a-wrapped"}, ids, "Check finds every copy of the story")
	for i := 1; i < len(ms); i++ {
		assert.GreaterOrEqual(t, ms[i-1].Similarity, ms[i].Similarity, "most similar first")
	}
}

func TestOpenIndexRejects(t *testing.T) {
	with := func(set func(*dedup.Options)) dedup.Options {
		o := dedup.DefaultOptions()
		set(&o)
		return o
	}
	cases := []struct {
		reason string
		store  dedup.Store
		opts   dedup.Options
	}{
		{"no store", nil, dedup.DefaultOptions()},
		{"threshold above 1", dedup.NewMemoryStore(), with(func(o *dedup.Options) { o.Threshold = 1.2 })},
		{"negative threshold", dedup.NewMemoryStore(), with(func(o *dedup.Options) { o.Threshold = -1 })},
		{"zero threshold", dedup.NewMemoryStore(), dedup.Options{}},
		{"bad shingle size", dedup.NewMemoryStore(), with(func(o *dedup.Options) { o.ShingleSize = 1000 })},
		{"too many hashes", dedup.NewMemoryStore(), with(func(o *dedup.Options) { o.NumHashes = 1 << 20 })},
	}
	for _, c := range cases {
		_, err := dedup.OpenIndex(c.store, &c.opts)
		assert.Error(t, err, c.reason)
	}
	ix := mustIndex(t, dedup.NewMemoryStore(), nil)
	_, err := ix.CheckAndAdd(context.Background(), docOf("", "some words here"))
	assert.Error(t, err, "an article needs an id")
	assert.Error(t, ix.Add(context.Background(), docOf("", "some words here")))
}

// TestIndexWaitTimeout: an article similar to a pending entry of higher
// seq (a worker that died after Put) waits, then fails.
func TestIndexWaitTimeout(t *testing.T) {
	ctx := context.Background()
	st := dedup.NewMemoryStore()
	o := dedup.DefaultOptions()
	o.WaitTimeout = 30 * time.Millisecond
	ix := mustIndex(t, st, &o)
	story := randomStory(rand.New(rand.NewPCG(5, 5)), 5, 40)
	sig := ix.Sign(docOf("ghost", story...))
	enc, err := sig.MarshalBinary()
	require.NoError(t, err)
	keys := ix.LSH().AppendBandKeys(nil, sig)
	require.NoError(t, insertErr(st, dedup.Entry{ID: "ghost", Seq: 1 << 40, Status: dedup.StatusPending, Sig: enc,
		Owner: "alive", Lease: time.Now().Add(time.Hour)}, keys))
	_, err = ix.CheckAndAdd(ctx, docOf("late", story...))
	assert.ErrorIs(t, err, dedup.ErrWaitTimeout, "a pending entry under a live lease is waited for, up to a bound")

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	st = dedup.NewMemoryStore()
	require.NoError(t, insertErr(st, dedup.Entry{ID: "ghost", Seq: 1 << 40, Status: dedup.StatusPending, Sig: enc,
		Owner: "alive", Lease: time.Now().Add(time.Hour)}, keys))
	ix2 := mustIndex(t, st, nil)
	_, err = ix2.CheckAndAdd(cctx, docOf("cancelled", story...))
	assert.ErrorIs(t, err, context.Canceled, "a cancelled context ends the wait")
}

func TestIndexIncompatibleEntry(t *testing.T) {
	ctx := context.Background()
	st := dedup.NewMemoryStore()
	ix := mustIndex(t, st, nil)
	story := randomStory(rand.New(rand.NewPCG(6, 6)), 5, 40)
	sig := ix.Sign(docOf("x", story...))
	other, err := minhash.NewSigner(&minhash.Options{ShingleSize: 3})
	require.NoError(t, err)
	enc, err := other.SignText(strings.Join(story, "\n")).MarshalBinary()
	require.NoError(t, err)
	require.NoError(t, insertErr(st, dedup.Entry{ID: "old", Seq: 1, Status: dedup.StatusAdmitted, Sig: enc}, ix.LSH().AppendBandKeys(nil, sig)))
	_, err = ix.Check(ctx, docOf("x", story...))
	assert.ErrorIs(t, err, dedup.ErrIncompatible)
	require.NoError(t, st.Remove(ctx, "old"))
	require.NoError(t, insertErr(st, dedup.Entry{ID: "old", Seq: 1, Status: dedup.StatusAdmitted, Sig: []byte{1, 2}}, ix.LSH().AppendBandKeys(nil, sig)))
	_, err = ix.Check(ctx, docOf("x", story...))
	assert.ErrorIs(t, err, minhash.ErrBadSignature)
}

// TestOpenIndexRefusesOldSignatures checks that an index written with
// version 1 signatures (k permutations) is refused when opened, with a
// message that says what to do, instead of being compared with the
// version 2 signatures of this build.
func TestOpenIndexRefusesOldSignatures(t *testing.T) {
	st := dedup.NewMemoryStore()
	ix := mustIndex(t, st, nil)
	story := randomStory(rand.New(rand.NewPCG(6, 7)), 5, 40)
	enc, err := ix.Sign(docOf("new", story...)).MarshalBinary()
	require.NoError(t, err)
	require.NoError(t, insertErr(st, dedup.Entry{ID: "new", Seq: 1, Status: dedup.StatusAdmitted, Sig: enc}, nil))
	_, err = dedup.OpenIndex(st, nil)
	require.NoError(t, err, "an index of this build's signatures opens")

	old := slices.Clone(enc)
	old[0] = 1
	st = dedup.NewMemoryStore()
	require.NoError(t, insertErr(st, dedup.Entry{ID: "old", Seq: 1, Status: dedup.StatusAdmitted, Sig: old}, nil))
	_, err = dedup.OpenIndex(st, nil)
	require.ErrorIs(t, err, dedup.ErrIncompatible)
	assert.ErrorIs(t, err, minhash.ErrBadSignature)
	assert.Contains(t, err.Error(), `entry "old"`)
	assert.Contains(t, err.Error(), "version 1")
	assert.Contains(t, err.Error(), "build a new one")

	// An entry too short to carry a version says nothing: whichever
	// order the store scans in, the entry that has one decides.
	raw := dedup.Entry{ID: "raw", Seq: 2, Status: dedup.StatusAdmitted, Sig: []byte{9, 8, 7}}
	require.NoError(t, insertErr(st, raw, nil))
	_, err = dedup.OpenIndex(st, nil)
	require.ErrorIs(t, err, dedup.ErrIncompatible, "a short entry does not hide an old one")
	st = dedup.NewMemoryStore()
	require.NoError(t, insertErr(st, raw, nil))
	_, err = dedup.OpenIndex(st, nil)
	require.NoError(t, err, "an index whose only entry is short opens")
	require.NoError(t, insertErr(st, dedup.Entry{ID: "new", Seq: 3, Status: dedup.StatusAdmitted, Sig: enc}, nil))
	_, err = dedup.OpenIndex(st, nil)
	require.NoError(t, err, "a short entry beside this build's opens")
}

// jitterStore delays every call by a random few hundred microseconds, to
// open the windows between one worker's Put and another's query.
type jitterStore struct {
	dedup.Store
	mu  sync.Mutex
	rng *rand.Rand
}

func (j *jitterStore) pause() {
	j.mu.Lock()
	d := time.Duration(j.rng.IntN(400)) * time.Microsecond
	j.mu.Unlock()
	time.Sleep(d)
}

func (j *jitterStore) NextSeq(ctx context.Context, n int) (uint64, error) {
	j.pause()
	return j.Store.NextSeq(ctx, n)
}

func (j *jitterStore) Insert(ctx context.Context, e dedup.Entry, bands []uint64) (dedup.Entry, bool, error) {
	j.pause()
	old, ok, err := j.Store.Insert(ctx, e, bands)
	j.pause()
	return old, ok, err
}

func (j *jitterStore) Candidates(ctx context.Context, bands []uint64) ([]dedup.Entry, error) {
	j.pause()
	return j.Store.Candidates(ctx, bands)
}

func (j *jitterStore) SetStatus(ctx context.Context, id, owner string, st dedup.Status, dupOf string) error {
	j.pause()
	return j.Store.SetStatus(ctx, id, owner, st, dupOf)
}

// TestIndexAdmissionUnderJitter runs the admission protocol with random
// delays in every store call: no two admitted copies of a story are
// near-duplicates of each other (a story whose copies all are is admitted
// exactly once), and every other copy names an admitted copy of its
// story.
func TestIndexAdmissionUnderJitter(t *testing.T) {
	ctx := context.Background()
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			st := &jitterStore{Store: dedup.NewMemoryStore(), rng: rand.New(rand.NewPCG(seed, 0))}
			rng := rand.New(rand.NewPCG(seed, 1))
			const workers, stories = 6, 10
			texts := make([][][]string, stories)
			for s := range texts {
				base := randomStory(rng, 4, 30)
				for w := range workers {
					texts[s] = append(texts[s], edit(rng, base, 0.01*float64(w%3)))
				}
			}
			results := make([][]dedup.Result, stories)
			for s := range results {
				results[s] = make([]dedup.Result, workers)
			}
			var wg sync.WaitGroup
			for w := range workers {
				ix := mustIndex(t, st, nil)
				wg.Go(func() {
					for s := range stories {
						r, err := ix.CheckAndAdd(ctx, docOf(fmt.Sprintf("s%d/w%d", s, w), texts[s][w]...))
						assert.NoError(t, err)
						results[s][w] = r
					}
				})
			}
			wg.Wait()
			signer := mustIndex(t, dedup.NewMemoryStore(), nil)
			threshold := signer.Threshold()
			for s := range stories {
				sigs := make([]minhash.Signature, workers)
				for w := range workers {
					sigs[w] = signer.Sign(docOf("", texts[s][w]...))
				}
				similar := func(a, b int) bool { return minhash.Similarity(sigs[a], sigs[b]).Score >= threshold }
				var admitted []int
				ids := make(map[string]bool)
				for w, r := range results[s] {
					if r.Admitted {
						admitted = append(admitted, w)
						ids[fmt.Sprintf("s%d/w%d", s, w)] = true
					}
				}
				require.NotEmpty(t, admitted, "story %d: one copy is admitted", s)
				// Exactly once: no two admitted copies are near-duplicates.
				// Similarity is not transitive: of copies A ~ B ~ C with A
				// and C below the threshold, A and C may both be admitted
				// (seed 3 has such a story).
				for i, a := range admitted {
					for _, b := range admitted[i+1:] {
						assert.False(t, similar(a, b), "story %d: w%d and w%d are near-duplicates, and both admitted", s, a, b)
					}
				}
				clique := true
				for a := range workers {
					for b := a + 1; b < workers; b++ {
						clique = clique && similar(a, b)
					}
				}
				if clique {
					assert.Len(t, admitted, 1, "story %d: its copies are all near-duplicates of each other", s)
				}
				for w, r := range results[s] {
					if !r.Admitted {
						assert.True(t, ids[r.DupOf], "story %d worker %d names %q, not an admitted copy of its story", s, w, r.DupOf)
					}
				}
			}
		})
	}
}

func BenchmarkIndexCheckAndAdd(b *testing.B) {
	ctx := context.Background()
	docs := readSample(b)
	_, size := sampleTexts(b)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ix := mustIndex(b, dedup.NewMemoryStore(), nil)
		for j, d := range docs {
			c := *d
			c.ID = fmt.Sprint(i, "/", j)
			if _, err := ix.CheckAndAdd(ctx, &c); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkIndexCheck queries an index of 20,000 synthetic articles with
// known signatures (the cost of a query without signing).
func BenchmarkIndexCheck(b *testing.B) {
	ctx := context.Background()
	st := dedup.NewMemoryStore()
	ix := mustIndex(b, st, nil)
	signer, err := minhash.NewSigner(nil)
	require.NoError(b, err)
	rng := rand.New(rand.NewPCG(9, 9))
	var queries []minhash.Signature
	for i := range 20000 {
		set := make([]uint64, 200)
		for j := range set {
			set[j] = rng.Uint64()
		}
		sig := signer.SignShingles(set)
		if _, err := dedup.CheckAndAddSignature(ix, ctx, fmt.Sprint(i), sig); err != nil {
			b.Fatal(err)
		}
		if i%100 == 0 {
			queries = append(queries, sig)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := dedup.CheckSignature(ix, ctx, "q", queries[i%len(queries)]); err != nil {
			b.Fatal(err)
		}
	}
}

var sampleDir = filepath.Join("..", "testdata", "neardup")

// readSample reads the near-duplicate sample.
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

// sampleTexts returns the bodies of the sample and their size.
func sampleTexts(tb testing.TB) (texts []string, size int) {
	for _, d := range readSample(tb) {
		var b strings.Builder
		for _, p := range d.Paragraphs {
			b.WriteString(p.Text)
			b.WriteByte('\n')
		}
		texts = append(texts, b.String())
		size += b.Len()
	}
	return texts, size
}

func paras(texts ...string) []dedup.Paragraph {
	ps := make([]dedup.Paragraph, len(texts))
	for i, s := range texts {
		ps[i] = dedup.Paragraph{Text: s, Line: i + 1}
	}
	return ps
}
