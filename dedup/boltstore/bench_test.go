package boltstore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/stretchr/testify/require"
)

// benchEntry is an article as the Index stores it at k = 128 with 16-bit
// fingerprints: a 256-byte signature and 16 band keys.
func benchEntry(i int) (dedup.Entry, []uint64) {
	id := "https://example.com/news/" + strconv.Itoa(i)
	return dedup.Entry{ID: id, Seq: uint64(i + 1), Sig: crashSig(id)}, crashBands(id)
}

func BenchmarkPut(b *testing.B) {
	for _, noSync := range []bool{false, true} {
		b.Run(fmt.Sprintf("nosync=%t", noSync), func(b *testing.B) {
			ctx := context.Background()
			s := mustOpen(b, filepath.Join(b.TempDir(), "index.db"), &Options{NoSync: noSync})
			e, bands := benchEntry(0)
			b.SetBytes(int64(len(e.Sig) + 8*len(bands)))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				e, bands := benchEntry(i)
				i++
				if err := put(s, ctx, e, bands); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPutParallel measures synced Puts from 8 goroutines per CPU:
// overlapping writes share commits and fsyncs (see Store.write), so the
// time per Put falls below BenchmarkPut's.
func BenchmarkPutParallel(b *testing.B) {
	ctx := context.Background()
	s := mustOpen(b, filepath.Join(b.TempDir(), "index.db"), nil)
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			e, bands := benchEntry(int(next.Add(1)))
			if err := put(s, ctx, e, bands); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkCandidates(b *testing.B) {
	for _, n := range []int{1_000, 20_000} {
		b.Run("entries="+strconv.Itoa(n), func(b *testing.B) {
			ctx := context.Background()
			s := mustOpen(b, filepath.Join(b.TempDir(), "index.db"), &Options{NoSync: true})
			for i := range n {
				e, bands := benchEntry(i)
				require.NoError(b, put(s, ctx, e, bands))
			}
			// Query with the 12 spread-out bands of stored articles: each
			// query finds its article and no other.
			queries := make([][]uint64, 256)
			for i := range queries {
				_, bands := benchEntry(i * n / len(queries))
				queries[i] = bands[4:]
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				c, err := s.Candidates(ctx, queries[i%len(queries)])
				if err != nil || len(c) != 1 {
					b.Fatalf("got %d candidates, err %v", len(c), err)
				}
				i++
			}
		})
	}
}

// BenchmarkIndexCheckAndAdd measures what `scan --index FILE` pays per
// article: the dedup.Index admission protocol (NextSeq, Put, Candidates,
// SetStatus) over a Store, on 300-word articles of which every third is a
// copy of an earlier one.
func BenchmarkIndexCheckAndAdd(b *testing.B) {
	for _, noSync := range []bool{false, true} {
		b.Run(fmt.Sprintf("nosync=%t", noSync), func(b *testing.B) {
			ctx := context.Background()
			s := mustOpen(b, filepath.Join(b.TempDir(), "index.db"), &Options{NoSync: noSync})
			ix, err := dedup.OpenIndex(s, nil)
			require.NoError(b, err)
			rng := rand.New(rand.NewPCG(1, 2))
			var texts []string
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				text := benchText(rng, 300)
				if i%3 == 2 {
					text = texts[rng.IntN(len(texts))]
				}
				texts = append(texts, text)
				doc := &dedup.Document{ID: "doc" + strconv.Itoa(i), Paragraphs: []dedup.Paragraph{{Text: text}}}
				if _, err := ix.CheckAndAdd(ctx, doc); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
		})
	}
}

// benchText returns n random words from a vocabulary of 50,000.
func benchText(rng *rand.Rand, n int) string {
	var sb strings.Builder
	for j := range n {
		if j > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString("w" + strconv.Itoa(rng.IntN(50_000)))
	}
	return sb.String()
}
