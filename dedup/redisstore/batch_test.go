package redisstore

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
)

// TestBatchingKeepsCallsApart runs many concurrent calls through shared
// pipelines: each sees its own results, and a command that fails fails
// only its own call.
func TestBatchingKeepsCallsApart(t *testing.T) {
	for name, u := range targets(t) {
		t.Run(name, func(t *testing.T) {
			ctx := ctxOf(t)
			s := openTestWith(t, u, Options{Pipelines: 1}) // one pipeline in flight: maximal batching
			defer s.Close()
			rt := &roundTrips{}
			s.Client().AddHook(rt)
			// Band key 666 is a string, not a set: SADD to it fails.
			require.NoError(t, s.Client().Set(ctx, s.bandKey(666), "x", 0).Err())

			const workers, each = 32, 20
			var wg sync.WaitGroup
			errs := make([][]error, workers)
			seqs := make([][]uint64, workers)
			for w := range workers {
				wg.Go(func() {
					for i := range each {
						id := fmt.Sprintf("w%d-%d", w, i)
						bands := []uint64{uint64(w), uint64(1000 + i)}
						if i == 7 {
							bands = append(bands, 666)
						}
						seq, err := s.NextSeq(ctx, 1)
						if err == nil {
							seqs[w] = append(seqs[w], seq)
							err = put(s, ctx, dedup.Entry{ID: id, Seq: seq, Sig: []byte(id)}, bands)
						}
						if err == nil {
							var e dedup.Entry
							e, err = s.Get(ctx, id)
							if err == nil && (e.ID != id || string(e.Sig) != id || e.Seq != seq) {
								err = fmt.Errorf("Get %s returned %+v", id, e)
							}
						}
						errs[w] = append(errs[w], err)
					}
				})
			}
			wg.Wait()
			for w := range workers {
				for i, err := range errs[w] {
					if i == 7 {
						require.Error(t, err, "the Put with the bad band key fails")
						assert.Contains(t, err.Error(), "WRONGTYPE", "worker %d", w)
						continue
					}
					assert.NoError(t, err, "worker %d call %d", w, i)
				}
			}
			for w := range workers {
				es, err := s.Candidates(ctx, []uint64{uint64(w)})
				require.NoError(t, err)
				assert.Len(t, es, each, "worker %d: every Put filed its entry (the failing one too, before its bad key)", w)
			}
			calls := int64(workers * each * 3)
			t.Logf("%d calls sent as %d pipelines", calls, rt.n.Load())
			assert.Less(t, rt.n.Load(), calls, "concurrent calls share pipelines")
		})
	}
}

// TestBatchingContext checks that a cancelled context ends a call.
func TestBatchingContext(t *testing.T) {
	s := openTest(t, serverURL(t))
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.NextSeq(ctx, 1)
	assert.ErrorIs(t, err, context.Canceled)
	_, err = s.NextSeq(context.Background(), 1)
	assert.NoError(t, err, "the store still works")
}
