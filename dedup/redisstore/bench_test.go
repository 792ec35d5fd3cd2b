package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
)

// benchPool is a synthetic crawl of 20,000 articles, 30% of them copies
// of one another, in submission order.
var benchPool = sync.OnceValue(func() []*dedup.Document {
	c := makeCrawl(7, 2, 10000)
	var out []*dedup.Document
	for i := range c.feeds[0] {
		for _, f := range c.feeds {
			out = append(out, f[i].doc)
		}
	}
	return out
})

// serverCPU returns the CPU seconds the Redis servers (every master of a
// cluster) have used, from INFO cpu.
func serverCPU(ctx context.Context, s *Store) (float64, error) {
	var mu sync.Mutex
	var total float64
	add := func(ctx context.Context, c *redis.Client) error {
		info, err := c.Info(ctx, "cpu").Result()
		if err != nil {
			return err
		}
		for _, line := range strings.Split(info, "\n") {
			k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
			if ok && (k == "used_cpu_sys" || k == "used_cpu_user") {
				f, err := strconv.ParseFloat(v, 64)
				if err != nil {
					return err
				}
				mu.Lock()
				total += f
				mu.Unlock()
			}
		}
		return nil
	}
	switch c := s.Client().(type) {
	case *redis.ClusterClient:
		err := c.ForEachMaster(ctx, add)
		return total, err
	case *redis.Client:
		err := add(ctx, c)
		return total, err
	}
	return 0, fmt.Errorf("unexpected client type %T", s.Client())
}

// selfCPU returns the CPU seconds this process has used.
func selfCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// BenchmarkCheckAndAdd feeds the synthetic crawl through
// Index.CheckAndAdd on a fresh namespace, from 1 to 64 goroutines, with
// and without batching: articles/s is the throughput a crawler (or scan
// --index) gets, pipelines/article the requests sent to Redis per article
// (6 when nothing is batched: Get, INCR, Put, two for Candidates,
// SetStatus), server-µs and client-µs/article the CPU each side spends.
func BenchmarkCheckAndAdd(b *testing.B) {
	targets := map[string]string{"server": serverURL(b)}
	if u := clusterURLIfSet(b); u != "" {
		targets["cluster"] = u
	}
	pool := benchPool()
	var size int64
	for _, d := range pool {
		for _, p := range d.Paragraphs {
			size += int64(len(p.Text)) + 1
		}
	}
	for _, name := range []string{"server", "cluster"} {
		u, ok := targets[name]
		if !ok {
			continue
		}
		for _, v := range []struct {
			workers int
			batch   bool
		}{{1, true}, {16, false}, {16, true}, {64, true}} {
			workers := v.workers
			b.Run(fmt.Sprintf("%s/workers=%d/batching=%v", name, workers, v.batch), func(b *testing.B) {
				ctx := context.Background()
				s := openTestWith(b, u, Options{NoBatching: !v.batch})
				defer s.Close()
				ix, err := dedup.OpenIndex(s, nil)
				require.NoError(b, err)
				cpu0, err := serverCPU(ctx, s)
				require.NoError(b, err)
				self0 := selfCPU()
				rt := &roundTrips{}
				s.Client().AddHook(rt)
				b.SetBytes(size / int64(len(pool)))
				b.ReportAllocs()
				var next atomic.Int64
				var admitted atomic.Int64
				var wg sync.WaitGroup
				errs := make(chan error, workers)
				b.ResetTimer()
				start := time.Now()
				for range workers {
					wg.Go(func() {
						for {
							i := int(next.Add(1)) - 1
							if i >= b.N {
								return
							}
							d := pool[i%len(pool)]
							if i >= len(pool) {
								c := *d
								c.ID = fmt.Sprintf("%s#%d", d.ID, i/len(pool))
								d = &c
							}
							r, err := ix.CheckAndAdd(ctx, d)
							if err != nil {
								errs <- err
								return
							}
							if r.Admitted {
								admitted.Add(1)
							}
						}
					})
				}
				wg.Wait()
				elapsed := time.Since(start)
				b.StopTimer()
				close(errs)
				for err := range errs {
					require.NoError(b, err)
				}
				b.ReportMetric(float64(b.N)/elapsed.Seconds(), "articles/s")
				b.ReportMetric(float64(rt.n.Load())/float64(b.N), "pipelines/article")
				cpu1, err := serverCPU(ctx, s)
				require.NoError(b, err)
				b.ReportMetric((cpu1-cpu0)*1e6/float64(b.N), "server-µs/article")
				b.ReportMetric((selfCPU()-self0)*1e6/float64(b.N), "client-µs/article")
			})
		}
	}
}
