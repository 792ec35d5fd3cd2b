// Package fifo is a map of bounded size that forgets its oldest keys
// first: the caches of recent bodies that a scan keeps without growing
// with the crawl.
package fifo

// Map maps uint64 keys (hashes) to values and holds at most its size of
// them: putting a new key beyond that forgets the key put longest ago.
// Make one with New; a nil *Map can be read (it holds nothing). A Map is
// not safe for concurrent use.
type Map[V any] struct {
	m    map[uint64]V
	ring []uint64 // the keys in the order put, oldest at next once full
	next int
	size int
}

// New returns an empty Map of at most size keys (at least 1).
func New[V any](size int) *Map[V] {
	return &Map[V]{size: max(size, 1)}
}

// Get returns the value of k and whether k is held. A nil Map holds
// nothing.
func (f *Map[V]) Get(k uint64) (V, bool) {
	if f == nil {
		var zero V
		return zero, false
	}
	v, ok := f.m[k]
	return v, ok
}

// Put holds v for k. A key already held keeps its place in the order; a
// new one, when the Map is full, takes the place of the oldest, which is
// forgotten.
func (f *Map[V]) Put(k uint64, v V) {
	if f.m == nil {
		f.m = make(map[uint64]V)
	}
	if _, ok := f.m[k]; ok {
		f.m[k] = v
		return
	}
	if len(f.ring) < f.size {
		f.ring = append(f.ring, k)
	} else {
		delete(f.m, f.ring[f.next])
		f.ring[f.next] = k
		f.next = (f.next + 1) % f.size
	}
	f.m[k] = v
}

// Delete forgets k. Its place in the order stays taken until it is the
// oldest, so a Map from which keys are deleted may hold fewer than its
// size.
func (f *Map[V]) Delete(k uint64) { delete(f.m, k) }

// Len returns the number of keys held.
func (f *Map[V]) Len() int { return len(f.m) }
