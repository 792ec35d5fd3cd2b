package fifo

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMapForgetsTheOldestFirst(t *testing.T) {
	f := New[string](3)
	for k, v := range []string{"a", "b", "c"} {
		f.Put(uint64(k), v)
	}
	f.Put(0, "A") // held already: keeps its place
	assert.Equal(t, 3, f.Len())
	f.Put(3, "d") // full: 0, the oldest, goes
	_, ok := f.Get(0)
	assert.False(t, ok, "the oldest key is forgotten")
	for k, want := range map[uint64]string{1: "b", 2: "c", 3: "d"} {
		v, ok := f.Get(k)
		assert.True(t, ok, "key %d", k)
		assert.Equal(t, want, v)
	}
	f.Put(4, "e")
	f.Put(5, "f")
	_, ok = f.Get(2)
	assert.False(t, ok, "the order wraps around")
	assert.Equal(t, 3, f.Len())
}

func TestMapDelete(t *testing.T) {
	f := New[int](2)
	f.Put(1, 1)
	f.Put(2, 2)
	f.Delete(1)
	_, ok := f.Get(1)
	assert.False(t, ok)
	assert.Equal(t, 1, f.Len())
	f.Put(3, 3) // takes the deleted key's place in the order
	f.Put(4, 4)
	v, ok := f.Get(4)
	assert.True(t, ok)
	assert.Equal(t, 4, v)
	assert.LessOrEqual(t, f.Len(), 2, "never more than its size")
}

func TestZeroSizeHoldsOne(t *testing.T) {
	f := New[int](0)
	f.Put(1, 1)
	f.Put(2, 2)
	_, ok := f.Get(1)
	assert.False(t, ok)
	v, _ := f.Get(2)
	assert.Equal(t, 2, v)
}

func BenchmarkPut(b *testing.B) {
	f := New[struct{}](1 << 16)
	for i := range b.N {
		f.Put(uint64(i)*0x9e3779b97f4a7c15, struct{}{})
	}
}
