// Package swar reads eight bytes of a string as one word, for the loops
// that test eight bytes at a time (counting runes and words, escaping
// JSON, hashing words).
package swar

// Load returns the first eight bytes of s as a little-endian word: byte
// i of s is bits 8i to 8i+7. The compiler makes it one load. It panics
// if s has fewer than eight bytes.
func Load(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
