package dedup_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/internal/minhash"
	"github.com/newsdedup/newsdedup/dedup/storetest"
)

func TestMemoryStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) dedup.Store { return dedup.NewMemoryStore() })
}

// survivor is a MemoryStore whose Close keeps the data, so that the
// suite's persistence test (Reopen) runs against the memory store too.
type survivor struct{ dedup.Store }

func (survivor) Close() error { return nil }

func TestMemoryStoreReopenHook(t *testing.T) {
	storetest.RunSuite(t, storetest.Suite{
		Open:   func(t *testing.T) dedup.Store { return survivor{dedup.NewMemoryStore()} },
		Reopen: func(t *testing.T, closed dedup.Store) dedup.Store { return closed },
	})
}

// modelStore is the obvious Store the memory store must agree with.
type modelStore struct {
	entries map[string]dedup.Entry
	bands   map[string][]uint64
}

func (m *modelStore) candidates(keys []uint64) []string {
	var out []string
	for id, bs := range m.bands {
		for _, k := range keys {
			if slices.Contains(bs, k) {
				out = append(out, id)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestMemoryStoreMatchesModel runs random operations, enough to make the
// store merge postings and compact several times, and compares every
// answer with the model.
func TestMemoryStoreMatchesModel(t *testing.T) {
	ctx := context.Background()
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 99))
			st := dedup.NewMemoryStore()
			model := &modelStore{entries: map[string]dedup.Entry{}, bands: map[string][]uint64{}}
			// Few distinct keys, so that keys are shared; spread over the
			// whole 64-bit range, so that every shard is used.
			keyOf := func() uint64 { return rng.Uint64N(400) * 0x9E3779B97F4A7C15 }
			idOf := func() string { return fmt.Sprintf("doc-%d", rng.IntN(1500)) }
			for op := range 12000 {
				switch r := rng.IntN(10); {
				case r < 5: // put
					e := dedup.Entry{ID: idOf(), Seq: uint64(op), Status: dedup.Status(rng.IntN(3)), Sig: []byte(fmt.Sprint("sig", op)), Owner: "o"}
					if e.Status == dedup.StatusDuplicate {
						e.DupOf = idOf()
					}
					keys := make([]uint64, rng.IntN(4))
					for i := range keys {
						keys[i] = keyOf()
					}
					if e.Status != dedup.StatusPending {
						e.Owner = ""
					}
					old, ok, err := st.Insert(ctx, e, keys)
					require.NoError(t, err)
					if m, there := model.entries[e.ID]; there {
						require.False(t, ok, "insert of present %s", e.ID)
						require.Equal(t, m.Seq, old.Seq, "insert of present %s answers with it", e.ID)
						break
					}
					require.True(t, ok, "insert of absent %s", e.ID)
					model.entries[e.ID], model.bands[e.ID] = e, keys
				case r < 8: // remove
					id := idOf()
					err := st.Remove(ctx, id)
					if _, ok := model.entries[id]; ok {
						require.NoError(t, err, "remove %s", id)
						delete(model.entries, id)
						delete(model.bands, id)
					} else {
						require.ErrorIs(t, err, dedup.ErrNotFound, "remove of missing %s", id)
					}
				default: // set status
					id, dup := idOf(), idOf()
					err := st.SetStatus(ctx, id, "o", dedup.StatusDuplicate, dup)
					if e, ok := model.entries[id]; ok && e.Status != dedup.StatusPending {
						require.ErrorIs(t, err, dedup.ErrLeaseLost)
					} else if ok {
						require.NoError(t, err)
						e.Status, e.DupOf, e.Owner = dedup.StatusDuplicate, dup, ""
						model.entries[id] = e
					} else {
						require.ErrorIs(t, err, dedup.ErrNotFound)
					}
				}
				if op%500 == 0 || op == 11999 {
					checkAgainstModel(t, st, model, keyOf)
				}
			}
		})
	}
}

func checkAgainstModel(t *testing.T, st dedup.Store, model *modelStore, keyOf func() uint64) {
	t.Helper()
	ctx := context.Background()
	stats, err := st.Stats(ctx)
	require.NoError(t, err)
	want := dedup.StoreStats{Entries: len(model.entries), BandKeys: -1}
	for _, e := range model.entries {
		switch e.Status {
		case dedup.StatusAdmitted:
			want.Admitted++
		case dedup.StatusDuplicate:
			want.Duplicates++
		}
	}
	require.Equal(t, want, stats)
	for id, e := range model.entries {
		got, err := st.Get(ctx, id)
		require.NoError(t, err, id)
		got.Bands = nil // the model keeps them apart
		require.Equal(t, e, got, id)
	}
	for range 20 {
		keys := []uint64{keyOf(), keyOf(), keyOf()}
		es, err := st.Candidates(ctx, keys)
		require.NoError(t, err)
		var got []string
		for _, e := range es {
			got = append(got, e.ID)
			e.Bands = nil
			require.Equal(t, model.entries[e.ID], e, "candidate %s carries its entry", e.ID)
		}
		require.Equal(t, model.candidates(keys), nilIfNone(got), "candidates of %v", keys)
	}
}

func nilIfNone(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	slices.Sort(s)
	return s
}

func TestMemoryStoreRejects(t *testing.T) {
	ctx := context.Background()
	st := dedup.NewMemoryStore()
	cases := []struct {
		reason string
		err    error
	}{
		{"a status out of range", insertErr(st, dedup.Entry{ID: "a", Status: 7}, nil)},
		{"SetStatus out of range", st.SetStatus(ctx, "a", "", 9, "")},
	}
	for _, c := range cases {
		assert.Error(t, c.err, c.reason)
	}
	require.NoError(t, st.Close())
	_, err := st.NextSeq(ctx, 1)
	assert.ErrorIs(t, err, dedup.ErrClosed, "NextSeq after Close")
	_, err = st.Get(ctx, "a")
	assert.ErrorIs(t, err, dedup.ErrClosed, "Get after Close")
	assert.ErrorIs(t, insertErr(st, dedup.Entry{ID: "a"}, nil), dedup.ErrClosed, "Insert after Close")
}

// insertErr is the error of Insert.
func insertErr(st dedup.Store, e dedup.Entry, bands []uint64) error {
	_, _, err := st.Insert(context.Background(), e, bands)
	return err
}

// TestMemoryStoreConcurrent mixes every operation from several goroutines
// (run it with -race).
func TestMemoryStoreConcurrent(t *testing.T) {
	ctx := context.Background()
	st := dedup.NewMemoryStore()
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for i := range 2000 {
				id := fmt.Sprintf("w%d-%d", w, rng.IntN(300))
				k := rng.Uint64N(50) << 50
				switch i % 5 {
				case 0, 1:
					assert.NoError(t, insertErr(st, dedup.Entry{ID: id, Seq: uint64(i), Sig: []byte(id)}, []uint64{k}))
				case 2:
					es, err := st.Candidates(ctx, []uint64{k})
					assert.NoError(t, err)
					for _, e := range es {
						assert.Equal(t, e.ID, string(e.Sig))
					}
				case 3:
					if err := st.Remove(ctx, id); err != nil {
						assert.ErrorIs(t, err, dedup.ErrNotFound)
					}
				default:
					if e, err := st.Get(ctx, id); err == nil {
						assert.Equal(t, id, e.ID)
					}
				}
			}
		})
	}
	wg.Wait()
	stats, err := st.Stats(ctx)
	require.NoError(t, err)
	assert.LessOrEqual(t, stats.Entries, 6*300)
}

// syntheticSigs returns n encoded signatures and their band keys under
// the default index options: 70% distinct random articles, 30% copies of
// an earlier one with 5% of shingles changed.
func syntheticSigs(tb testing.TB, n int, each func(i int, sig []byte, keys []uint64)) minhash.LSHParams {
	ix, err := dedup.OpenIndex(dedup.NewMemoryStore(), nil)
	require.NoError(tb, err)
	lsh := ix.LSH()
	signer, err := minhash.NewSigner(nil)
	require.NoError(tb, err)
	rng := rand.New(rand.NewPCG(11, 12))
	const shingles = 40
	var prev [][]uint64
	var keys []uint64
	for i := range n {
		var set []uint64
		if len(prev) > 0 && rng.IntN(10) < 3 {
			set = slices.Clone(prev[rng.IntN(len(prev))])
			for j := range set {
				if rng.IntN(20) == 0 {
					set[j] = rng.Uint64()
				}
			}
		} else {
			set = make([]uint64, shingles)
			for j := range set {
				set[j] = rng.Uint64()
			}
			if len(prev) < 1000 {
				prev = append(prev, slices.Clone(set))
			} else {
				prev[rng.IntN(len(prev))] = slices.Clone(set)
			}
		}
		sig := signer.SignShingles(set)
		b, err := sig.MarshalBinary()
		require.NoError(tb, err)
		keys = lsh.AppendBandKeys(keys[:0], sig)
		each(i, b, keys)
	}
	return lsh
}

func heapInUse() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkMemoryStore1M fills a memory store with one million synthetic
// articles (ids "article-0000000", signatures at k = 128, band keys of the
// default index options) and reports the heap it holds per article.
func BenchmarkMemoryStore1M(b *testing.B) {
	const n = 1_000_000
	type item struct {
		sig  []byte
		keys []uint64
	}
	items := make([]item, n)
	lsh := syntheticSigs(b, n, func(i int, sig []byte, keys []uint64) {
		items[i] = item{sig, slices.Clone(keys)}
	})
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		before := heapInUse()
		st := dedup.NewMemoryStore()
		for i, it := range items {
			e := dedup.Entry{ID: fmt.Sprintf("article-%07d", i), Seq: uint64(i + 1), Status: dedup.StatusAdmitted, Sig: it.sig}
			if err := insertErr(st, e, it.keys); err != nil {
				b.Fatal(err)
			}
		}
		after := heapInUse()
		b.ReportMetric(float64(after-before)/n, "B/article")
		b.ReportMetric(float64(lsh.Bands), "bands")
		runtime.KeepAlive(st)
	}
}

func BenchmarkMemoryStorePut(b *testing.B) {
	type item struct {
		sig  []byte
		keys []uint64
	}
	var items []item
	syntheticSigs(b, 10000, func(i int, sig []byte, keys []uint64) { items = append(items, item{sig, slices.Clone(keys)}) })
	st := dedup.NewMemoryStore()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		it := items[i%len(items)]
		if err := insertErr(st, dedup.Entry{ID: fmt.Sprint(i), Seq: uint64(i), Sig: it.sig}, it.keys); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMemoryStoreCandidates(b *testing.B) {
	ctx := context.Background()
	st := dedup.NewMemoryStore()
	var queries [][]uint64
	syntheticSigs(b, 100000, func(i int, sig []byte, keys []uint64) {
		if err := insertErr(st, dedup.Entry{ID: fmt.Sprint(i), Seq: uint64(i), Sig: sig}, keys); err != nil {
			b.Fatal(err)
		}
		if i%10 == 0 {
			queries = append(queries, slices.Clone(keys))
		}
	})
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := st.Candidates(ctx, queries[i%len(queries)]); err != nil {
			b.Fatal(err)
		}
	}
}
