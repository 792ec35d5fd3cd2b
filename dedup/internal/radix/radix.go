// Package radix sorts 64-bit hashes faster than a comparison sort.
//
// The shingle hashes of a body are sorted once per body, to deduplicate
// them and to build its exact set: a few hundred to a few thousand
// uniformly distributed values. A least-significant-digit radix sort over
// their high 32 bits (four passes of one byte, the four histograms
// counted in one pass) orders them by those bits; values whose high
// halves tie, rare with hashes, are then sorted by their low halves. The
// result is the same as slices.Sort's; it takes about a third of the
// time on a body's hashes (BenchmarkSort).
package radix

import "slices"

// minRadix is the length below which Sort uses a comparison sort: the
// histograms cost more than they save on a handful of values.
const minRadix = 192

// Sort sorts keys in increasing order, as slices.Sort does, using
// scratch (grown to len(keys) if shorter) as the second buffer, and
// returns scratch for reuse.
func Sort(keys, scratch []uint64) []uint64 {
	n := len(keys)
	if n < minRadix {
		slices.Sort(keys)
		return scratch
	}
	if cap(scratch) < n {
		scratch = make([]uint64, n)
	}
	scratch = scratch[:n]
	// Sort by the top 16 bits, or 32 for many keys, so that the runs of
	// keys tied on those bits stay short.
	passes := 2
	if n > 1<<14 {
		passes = 4
	}
	top := 64 - 8*uint(passes)
	src, dst := keys, scratch
	for p := range passes {
		if scatter(src, dst, top+8*uint(p)) {
			src, dst = dst, src
		}
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
	}
	// Keys tied on the top bits are in input order: sort each such run.
	for i := 0; i < n; {
		hi := keys[i] >> top
		j := i + 1
		for j < n && keys[j]>>top == hi {
			j++
		}
		if j-i > 1 {
			slices.Sort(keys[i:j])
		}
		i = j
	}
	return scratch
}

// scatter moves src to dst in the stable order of the byte at shift, and
// reports whether it did: when every key has the same byte there, src is
// in that order already.
func scatter(src, dst []uint64, shift uint) bool {
	var c [256]uint32
	for _, k := range src {
		c[byte(k>>shift)]++
	}
	if c[byte(src[0]>>shift)] == uint32(len(src)) {
		return false
	}
	var sum uint32
	for i, m := range c {
		c[i] = sum
		sum += m
	}
	dst = dst[:len(src)]
	for _, k := range src {
		d := byte(k >> shift)
		dst[c[d]] = k
		c[d]++
	}
	return true
}
