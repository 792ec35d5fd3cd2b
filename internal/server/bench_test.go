package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/newsdedup/newsdedup/dedup/read"
	"github.com/newsdedup/newsdedup/dedup/redisstore"
)

// benchClients is how many clients post at once, as the README's target
// has it.
const benchClients = 16

// benchBodies returns n check-and-add bodies made of real articles (the
// repository's samples, 2.6 kB each on average) as a crawl meets them:
// first the samples, then, in a seeded order, 70% new stories (the
// headline of one sample over paragraphs taken a third from each of three
// others, as many as the headline's own story has: a body no earlier page
// carries) and 30% copies of an earlier story (its paragraphs rotated, so
// that no two bodies are equal and the detectors' memo of bodies does not
// help).
func benchBodies(tb testing.TB, n int) [][]byte {
	tb.Helper()
	var base []map[string]any
	for _, name := range []string{"mismatch", "splice", "headline", "residue", "neardup", "input"} {
		for _, rec := range sampleArticles(tb, name) {
			var m map[string]any
			if err := json.Unmarshal([]byte(rec), &m); err != nil {
				tb.Fatal(err)
			}
			base = append(base, m)
		}
	}
	d, errs := decodeBody([]byte("["+join(base)+"]"), read.Options{}, false)
	if errs != nil {
		tb.Fatal(errs)
	}
	type story struct {
		title string
		paras []string
	}
	var stories []story
	for _, doc := range d.docs {
		if len(doc.Paragraphs) < 2 {
			continue
		}
		st := story{title: doc.Title}
		for _, p := range doc.Paragraphs {
			st.paras = append(st.paras, p.Text)
		}
		stories = append(stories, st)
	}
	rng := rand.New(rand.NewPCG(9, 9))
	seen := stories[:0:0]
	out := make([][]byte, n)
	for i := range out {
		var st story
		switch {
		case i < len(stories):
			st = stories[i]
		case rng.IntN(10) < 3:
			st = seen[rng.IntN(len(seen))]
			k := 1 + rng.IntN(len(st.paras)-1)
			st.paras = append(append([]string(nil), st.paras[k:]...), st.paras[:k]...)
		default:
			// As long as the story whose headline it takes, a third
			// from each of three others.
			t := stories[rng.IntN(len(stories))]
			st.title = t.title
			for range 3 {
				src := stories[rng.IntN(len(stories))].paras
				run := min(len(src), (len(t.paras)+2)/3)
				j := rng.IntN(len(src) - run + 1)
				st.paras = append(st.paras, src[j:j+run]...)
			}
		}
		seen = append(seen, st)
		b, _ := json.Marshal(map[string]any{"url": fmt.Sprintf("https://example.com/%d", i), "title": st.title, "text": st.paras})
		out[i] = b
	}
	return out
}

// selfCPU returns the CPU seconds this process has used.
func selfCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// serverCPU returns the CPU seconds the Redis server of st has used
// (every master of a cluster), from INFO cpu.
func serverCPU(tb testing.TB, st *redisstore.Store) float64 {
	ctx := context.Background()
	var mu sync.Mutex
	total := 0.0
	add := func(ctx context.Context, c *redis.Client) error {
		info, err := c.Info(ctx, "cpu").Result()
		if err != nil {
			return err
		}
		for line := range strings.Lines(info) {
			k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
			if ok && (k == "used_cpu_sys" || k == "used_cpu_user") {
				f, _ := strconv.ParseFloat(v, 64)
				mu.Lock()
				total += f
				mu.Unlock()
			}
		}
		return nil
	}
	var err error
	switch c := st.Client().(type) {
	case *redis.ClusterClient:
		err = c.ForEachMaster(ctx, add)
	case *redis.Client:
		err = add(ctx, c)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return total
}

// join joins records as JSON array elements.
func join(ms []map[string]any) string {
	var buf bytes.Buffer
	for i, m := range ms {
		if i > 0 {
			buf.WriteByte(',')
		}
		b, _ := json.Marshal(m)
		buf.Write(b)
	}
	return buf.String()
}

// BenchmarkServeCheckAndAdd posts b.N articles to POST /v1/check-and-add
// over loopback TCP from 16 clients with keep-alive connections, against
// each index; req/s is the figure of the README (the clients run on the
// same cores as the server).
//
//	go test ./internal/server -run XXX -bench ServeCheckAndAdd -benchtime 20000x
func BenchmarkServeCheckAndAdd(b *testing.B) {
	for _, name := range []string{"memory", "redis"} {
		b.Run(name, func(b *testing.B) {
			bodies := benchBodies(b, b.N)
			store := openTestStore(b, name)
			srv := httptest.NewServer(mustServer(b, store, nil))
			defer srv.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchClients, MaxConnsPerHost: benchClients}}
			defer client.CloseIdleConnections()
			var next atomic.Int64
			var bytesIn atomic.Int64
			var wg sync.WaitGroup
			redisCPU := func() float64 { return 0 }
			if st, ok := store.(*redisstore.Store); ok {
				redisCPU = func() float64 { return serverCPU(b, st) }
			}
			b.ReportAllocs()
			b.ResetTimer()
			start, cpu0, rcpu0 := time.Now(), selfCPU(), redisCPU()
			for range benchClients {
				wg.Go(func() {
					for {
						i := next.Add(1) - 1
						if i >= int64(len(bodies)) {
							return
						}
						resp, err := client.Post(srv.URL+"/v1/check-and-add", "application/json", bytes.NewReader(bodies[i]))
						if err != nil {
							b.Error(err)
							return
						}
						n, _ := io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != http.StatusOK {
							b.Errorf("status %d", resp.StatusCode)
							return
						}
						bytesIn.Add(n)
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			rcpu := redisCPU() - rcpu0
			cpu := selfCPU() - cpu0 + rcpu
			b.StopTimer()
			// The machine is shared: req/s is what the cores gave us; CPU
			// time per request (this process, clients included, and the
			// Redis server) says what two cores of our own would give.
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
			b.ReportMetric(cpu/float64(b.N)*1e6, "cpu-µs/req")
			b.ReportMetric(2/(cpu/float64(b.N)), "req/s-of-2-cores")
			if rcpu > 0 {
				b.ReportMetric(rcpu/float64(b.N)*1e6, "redis-cpu-µs/req")
			}
			b.ReportMetric(0, "ns/op")
		})
	}
}
