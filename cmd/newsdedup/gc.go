package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// What scan and clean hold lives for the whole run (corpus statistics,
// near-duplicate postings), so the collector's default target of 100 lets
// the heap grow to twice that before a collection; at 50 peak RSS is about
// 1.5 times the live heap. On a small heap that saving is a few MB, and a
// target of 50 costs CPU out of proportion: it collects two to three
// times as often while the heap is small (27 collections against 10 in a
// near-duplicate scan of the x10 corpus, whose live heap stays under 15
// MB), about 15% of that scan's CPU. So the target stays the runtime's
// default until the live heap reaches leanHeap, and is batchGCPercent
// from then on. GOGC in the environment still decides.
const (
	batchGCPercent = 50
	leanHeap       = 32 << 20
)

type sentinel struct{ _ *byte }

// leanGC lowers the collector's target to batchGCPercent after the first
// collection that leaves a live heap of leanHeap or more.
func leanGC() {
	armLeanGC(leanHeap, func() { debug.SetGCPercent(batchGCPercent) })
}

// armLeanGC calls lower once, after the first collection that leaves at
// least limit bytes of live heap: a cleanup on a fresh object runs after
// each collection and arms the next one until then.
func armLeanGC(limit uint64, lower func()) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var arm func()
	arm = func() {
		// A sentinel with a pointer in it: the tiny allocator, which may
		// keep a small object alive long after it is dropped, never has it.
		runtime.AddCleanup(new(sentinel), func(struct{}) {
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() >= limit {
				lower()
				return
			}
			arm()
		}, struct{}{})
	}
	arm()
}
