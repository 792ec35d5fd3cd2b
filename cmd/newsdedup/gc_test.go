package main

import (
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// keep holds the test's live heap.
var keep [][]byte

func TestArmLeanGC(t *testing.T) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	var lowered atomic.Int32
	armLeanGC(sample[0].Value.Uint64()+32<<20, func() { lowered.Add(1) })
	// Collections under the limit leave it armed.
	for range 3 {
		runtime.GC()
	}
	time.Sleep(20 * time.Millisecond) // cleanups run on their own goroutine
	require.Zero(t, lowered.Load(), "lowered with a live heap under the limit")

	keep = append(keep, make([]byte, 64<<20))
	deadline := time.Now().Add(5 * time.Second)
	for lowered.Load() == 0 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
	assert.EqualValues(t, 1, lowered.Load(), "lowered once the live heap passed the limit")
	for range 3 {
		runtime.GC()
	}
	time.Sleep(20 * time.Millisecond)
	assert.EqualValues(t, 1, lowered.Load(), "lowered only once")
	keep = nil
}
