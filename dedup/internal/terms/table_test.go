package terms

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/newsdedup/newsdedup/dedup/internal/testsample"
)

// TestTableMatchesMap checks the table against a Go map on seeded random
// ids, id 0 and clustered ids (which share low bits) among them.
func TestTableMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, n := range []int{0, 1, 7, 1000} {
		want := map[uint64]float64{}
		tb := newTable(n)
		for i := range n {
			id := rng.Uint64()
			switch i % 5 {
			case 0:
				id <<= 20 // low bits zero: probes collide
			case 1:
				id = uint64(i / 5) // small ids, 0 included
			}
			if _, dup := want[id]; dup {
				continue
			}
			want[id] = float64(i)
			tb.put(id, float64(i))
		}
		for id, v := range want {
			got, ok := tb.get(id)
			assert.True(t, ok, "n %d: id %d present", n, id)
			assert.Equal(t, v, got, "n %d: id %d", n, id)
		}
		for range 1000 {
			id := rng.Uint64()
			_, inMap := want[id]
			_, inTable := tb.get(id)
			assert.Equal(t, inMap, inTable, "n %d: absent id %d", n, id)
		}
	}
}

// BenchmarkTermizer turns the mismatch sample's bodies into term ids, as
// every pass over a body does; MB/s is per byte of body text.
func BenchmarkTermizer(b *testing.B) {
	docs := testsample.Load(b, "mismatch/sample.jsonl")
	var t Termizer
	var ids []uint64
	b.SetBytes(int64(testsample.BodyBytes(docs)))
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range docs {
			for _, p := range d.Paras {
				ids = t.Append(ids[:0], p)
			}
		}
	}
}

// BenchmarkIDF weighs the sample's terms with the background table.
func BenchmarkIDF(b *testing.B) {
	docs := testsample.Load(b, "mismatch/sample.jsonl")
	var t Termizer
	var ids []uint64
	for _, d := range docs {
		for _, p := range d.Paras {
			ids = t.Append(ids, p)
		}
	}
	v := Background()
	b.SetBytes(int64(8 * len(ids)))
	b.ReportAllocs()
	for b.Loop() {
		for _, id := range ids {
			v.IDF(id)
		}
	}
}

// BenchmarkDot takes the dot product of seeded random vectors of 300
// and 60 terms sharing 30, as off_topic's corpus test does of a centroid
// and a block; MB/s is per byte of the two vectors.
func BenchmarkDot(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 2))
	var x, y Vector
	for i := range 300 {
		id := rng.Uint64()
		x = append(x, Term{id, 1})
		if i%10 == 0 {
			y = append(y, Term{id, 2})
		}
	}
	for range 30 {
		y = append(y, Term{rng.Uint64(), 3})
	}
	cmpID := func(a, b Term) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	}
	slices.SortFunc(x, cmpID)
	slices.SortFunc(y, cmpID)
	b.SetBytes(int64(16 * (len(x) + len(y))))
	b.ReportAllocs()
	for b.Loop() {
		Dot(x, y)
	}
}
