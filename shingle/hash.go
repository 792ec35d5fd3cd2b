package shingle

import (
	"github.com/cespare/xxhash/v2"

	"github.com/newsdedup/newsdedup/internal/xxh64"
)

// FormatVersion identifies the definition of every hash this package
// produces: the hash function, the token and normalisation rules and the
// shingle mixing. Hashes are meant to be stored; code that persists them
// should store FormatVersion beside them. It changes only if one of these
// definitions changes, and such a change is never made silently.
const FormatVersion = 1

// Hash returns the 64-bit XXH64 hash, seed 0, of b (the algorithm of
// github.com/cespare/xxhash/v2 Sum64). This is a stable, persisted format:
// the value for a given input is the same in every process, on every
// machine and in every version of this package with the same
// FormatVersion. It is safe for concurrent use.
func Hash(b []byte) uint64 { return xxhash.Sum64(b) }

// HashString is Hash for a string; HashString(s) == Hash([]byte(s)).
func HashString(s string) uint64 { return xxhash.Sum64String(s) }

// hashLowerASCII returns Hash of s lower-cased, for s made of ASCII
// letters and digits only (setting bit 0x20 lower-cases a letter and
// leaves a digit as it is).
func hashLowerASCII(s string) uint64 {
	if len(s) < 32 {
		return xxh64.Lower32(s)
	}
	// Rare in words: copy and hash.
	var buf [64]byte
	b := buf[:0]
	for i := 0; i < len(s); i++ {
		b = append(b, s[i]|0x20)
	}
	return xxhash.Sum64(b)
}
