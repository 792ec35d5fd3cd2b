package xxh64

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/cespare/xxhash/v2"
	"github.com/stretchr/testify/require"
)

// inputs are edge values and random ones.
func inputs() []uint64 {
	rng := rand.New(rand.NewPCG(7, 8))
	xs := []uint64{0, 1, ^uint64(0), 1 << 63}
	for range 1000 {
		xs = append(xs, rng.Uint64())
	}
	return xs
}

func TestSum4(t *testing.T) {
	xs := inputs()
	var b [32]byte
	for i := range xs {
		c := [4]uint64{xs[i], xs[(i+1)%len(xs)], xs[(i+2)%len(xs)], xs[(i+3)%len(xs)]}
		for j, w := range c {
			binary.LittleEndian.PutUint64(b[8*j:], w)
		}
		require.Equal(t, xxhash.Sum64(b[:]), Sum4(c[0], c[1], c[2], c[3]), "%x", c)
	}
}

func TestSeeded8(t *testing.T) {
	xs := inputs()
	var b [8]byte
	for i, x := range xs {
		seed := xs[(i+7)%len(xs)]
		binary.LittleEndian.PutUint64(b[:], x)
		d := xxhash.NewWithSeed(seed)
		d.Write(b[:])
		require.Equal(t, d.Sum64(), Seeded8(x, seed), "x %x seed %x", x, seed)
	}
}

func TestLower32(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for n := range 32 {
		for range 50 {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			want := make([]byte, n)
			for i, c := range b {
				want[i] = c | 0x20
			}
			require.Equal(t, xxhash.Sum64(want), Lower32(string(b)), "%q", b)
		}
	}
	require.Panics(t, func() { Lower32(string(make([]byte, 32))) })
}
