package radix

import (
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []uint64 {
		ks := make([]uint64, n)
		for i := range ks {
			ks[i] = rng.Uint64()
		}
		return ks
	}
	cases := []struct {
		reason string
		keys   []uint64
	}{
		{"empty", nil},
		{"one", []uint64{7}},
		{"short: the comparison sort", random(minRadix - 1)},
		{"just long enough for the radix sort", random(minRadix)},
		{"a body's hashes", random(500)},
		{"many: four passes", random(20000)},
		{"repeats", append(random(300), random(0)...)},
		{"high halves all equal: every pass skipped, one run of ties", func() []uint64 {
			ks := random(400)
			for i := range ks {
				ks[i] = 0xdeadbeef<<32 | ks[i]&0xffffffff
			}
			return ks
		}()},
		{"high halves from a few values: long runs of ties", func() []uint64 {
			ks := random(1000)
			for i := range ks {
				ks[i] = uint64(i%7)<<32 | ks[i]&0xffffffff
			}
			return ks
		}()},
		{"one byte of the high half varies", func() []uint64 {
			ks := random(300)
			for i := range ks {
				ks[i] &= 0x00ff0000_ffffffff
			}
			return ks
		}()},
		{"sorted already", func() []uint64 { ks := random(300); slices.Sort(ks); return ks }()},
		{"reversed", func() []uint64 { ks := random(300); slices.Sort(ks); slices.Reverse(ks); return ks }()},
	}
	cases[6].keys = append(cases[6].keys, cases[6].keys[:150]...)
	var scratch []uint64
	for _, c := range cases {
		want := slices.Clone(c.keys)
		slices.Sort(want)
		got := slices.Clone(c.keys)
		scratch = Sort(got, scratch)
		assert.Equal(t, want, got, c.reason)
	}
}

func FuzzSort(f *testing.F) {
	f.Add([]byte{1, 2, 3})
	f.Add(make([]byte, 8*200))
	f.Fuzz(func(t *testing.T, b []byte) {
		keys := make([]uint64, len(b)/8)
		for i := range keys {
			keys[i] = binary.LittleEndian.Uint64(b[8*i:])
		}
		// Small inputs reach the radix sort too when repeated.
		for len(keys) > 0 && len(keys) < minRadix {
			keys = append(keys, keys...)
		}
		want := slices.Clone(keys)
		slices.Sort(want)
		Sort(keys, nil)
		assert.Equal(t, want, keys)
	})
}

func BenchmarkSort(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{100, 400, 2000} {
		keys := make([]uint64, n)
		for i := range keys {
			keys[i] = rng.Uint64()
		}
		work := make([]uint64, n)
		var scratch []uint64
		b.Run("radix/"+strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(8 * n))
			b.ReportAllocs()
			for b.Loop() {
				copy(work, keys)
				scratch = Sort(work, scratch)
			}
		})
		b.Run("pdqsort/"+strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(8 * n))
			b.ReportAllocs()
			for b.Loop() {
				copy(work, keys)
				slices.Sort(work)
			}
		})
	}
}
