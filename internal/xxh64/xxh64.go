// Package xxh64 computes XXH64 of fixed-size inputs held in registers:
// the same values as github.com/cespare/xxhash/v2 over their
// little-endian bytes, without writing the bytes or calling through a
// slice. The tokeniser hashes an ASCII word with Lower32 as it reads it,
// the shingler hashes each 4-word window with Sum4, and the MinHash
// signer hashes each shingle into its bins with Seeded8.
package xxh64

import (
	"math/bits"

	"github.com/newsdedup/newsdedup/internal/swar"
)

// XXH64's primes.
const (
	prime1 uint64 = 11400714785074694791
	prime2 uint64 = 14029467366897019727
	prime3 uint64 = 1609587929392839161
	prime4 uint64 = 9650029242287828579
	prime5 uint64 = 2870177450012600261
)

// Seeded8 is XXH64 with seed of the 8 bytes of x: xxhash.NewWithSeed(seed)
// fed them.
func Seeded8(x, seed uint64) uint64 {
	h := seed + prime5 + 8
	h ^= round(0, x)
	h = bits.RotateLeft64(h, 27)*prime1 + prime4
	return avalanche(h)
}

// Sum4 is XXH64 (seed 0) of the 32 bytes of a, b, c and d: xxhash.Sum64
// of them, one stripe and no tail.
func Sum4(a, b, c, d uint64) uint64 {
	p1, p2 := prime1, prime2 // variables: the seeds wrap around
	v1 := round(p1+p2, a)
	v2 := round(p2, b)
	v3 := round(0, c)
	v4 := round(-p1, d)
	h := bits.RotateLeft64(v1, 1) + bits.RotateLeft64(v2, 7) + bits.RotateLeft64(v3, 12) + bits.RotateLeft64(v4, 18)
	h = mergeRound(h, v1)
	h = mergeRound(h, v2)
	h = mergeRound(h, v3)
	h = mergeRound(h, v4)
	return avalanche(h + 32)
}

func round(acc, input uint64) uint64 {
	acc += input * prime2
	acc = bits.RotateLeft64(acc, 31)
	return acc * prime1
}

func mergeRound(acc, val uint64) uint64 {
	acc ^= round(0, val)
	return acc*prime1 + prime4
}

func avalanche(h uint64) uint64 {
	h ^= h >> 33
	h *= prime2
	h ^= h >> 29
	h *= prime3
	h ^= h >> 32
	return h
}

// Lower32 returns XXH64 (seed 0) of s with bit 0x20 set in every byte, for
// len(s) < 32: the hash of an ASCII word of letters and digits
// lower-cased, without copying it. It panics if len(s) >= 32.
func Lower32(s string) uint64 {
	const lower = 0x2020202020202020
	if len(s) >= 32 {
		panic("xxh64: Lower32 of 32 bytes or more")
	}
	h := prime5 + uint64(len(s))
	for ; len(s) >= 8; s = s[8:] {
		h ^= round(0, swar.Load(s)|lower)
		h = bits.RotateLeft64(h, 27)*prime1 + prime4
	}
	if len(s) >= 4 {
		lane := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24
		h ^= (lane | lower&0xffffffff) * prime1
		h = bits.RotateLeft64(h, 23)*prime2 + prime3
		s = s[4:]
	}
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i]|0x20) * prime5
		h = bits.RotateLeft64(h, 11) * prime1
	}
	return avalanche(h)
}
