package neardup

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBandTable checks the table against a map of the keys' high 32
// bits, through several growths, with updates of keys filed before.
func TestBandTable(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var tab bandTable
	want := map[uint32]int32{}
	var keys []uint64
	for p := range int32(50_000) {
		k := r.Uint64()
		if p%5 == 0 && len(keys) > 0 {
			k = keys[r.IntN(len(keys))] // a key met before: a new latest posting
		}
		keys = append(keys, k)
		tab.set(k, p)
		want[uint32(k>>32)] = p
	}
	assert.Equal(t, len(want), tab.n)
	assert.LessOrEqual(t, 4*tab.n, 3*len(tab.slots), "at most three quarters full")
	for _, k := range keys {
		got, ok := tab.get(k)
		require.True(t, ok, "key %x", k)
		assert.Equal(t, want[uint32(k>>32)], got, "key %x", k)
	}
	for range 1000 {
		k := r.Uint64()
		if _, filed := want[uint32(k>>32)]; filed {
			continue
		}
		_, ok := tab.get(k)
		assert.False(t, ok, "key %x was never filed", k)
	}
}

// TestBandTableSharedTag checks that keys with the same high 32 bits
// share one posting list, as the type's comment says, and that the
// table's zero value answers.
func TestBandTableSharedTag(t *testing.T) {
	var tab bandTable
	_, ok := tab.get(42)
	assert.False(t, ok, "empty table")
	tab.set(0xdead_beef_0000_0001, 7)
	tab.set(0xdead_beef_ffff_0002, 9)
	p, ok := tab.get(0xdead_beef_0000_0001)
	assert.True(t, ok)
	assert.Equal(t, int32(9), p, "the other key's posting is the latest of the shared list")
	assert.Equal(t, 1, tab.n)
	tab.set(0, 0) // key 0 and posting 0 are ordinary values
	p, ok = tab.get(0)
	assert.True(t, ok)
	assert.Equal(t, int32(0), p)
}

func BenchmarkBandTable(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	keys := make([]uint64, 1<<20)
	for i := range keys {
		keys[i] = r.Uint64()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var tab bandTable
		for i, k := range keys {
			if _, ok := tab.get(k); !ok {
				tab.set(k, int32(i))
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(keys)), "ns/key")
}
