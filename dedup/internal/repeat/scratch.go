package repeat

// Scratch space. Both detectors tokenize and squeeze text, and Paragraphs
// runs the headline matcher too, so one pooled scratch serves a call of
// either; a call takes one from the pool and gives it back when it
// returns, so the detectors stay safe for concurrent use.

import (
	"sync"

	"github.com/newsdedup/newsdedup/shingle"
)

// scratch holds the buffers one detector call reuses; scratches are pooled.
type scratch struct {
	tok shingle.Tokenizer
	// sq is the squeezed text: its words concatenated.
	sq []byte
	// sqEnd[k] is the end of word k in sq, rawStart[k] its start in the
	// text.
	sqEnd, rawStart []int
	// hashes and paras are used by Paragraphs.
	hashes []uint64
	paras  []paragraphSig
	row    []int
	// hm is the headline matcher of the current document.
	hm headlineMatcher
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

// putScratch returns sc to the pool unless it grew too large to keep.
func putScratch(sc *scratch) {
	if cap(sc.sq) > 1<<16 || cap(sc.hashes) > 1<<16 || cap(sc.paras) > 1<<12 {
		return
	}
	scratchPool.Put(sc)
}

// squeeze tokenizes text into sc.sq, sc.sqEnd and sc.rawStart.
func (sc *scratch) squeeze(text string) {
	sc.sq, sc.sqEnd, sc.rawStart = sc.sq[:0], sc.sqEnd[:0], sc.rawStart[:0]
	sc.tok.Reset(text)
	for sc.tok.Next() {
		sc.sq = append(sc.sq, sc.tok.Token()...)
		sc.sqEnd = append(sc.sqEnd, len(sc.sq))
		sc.rawStart = append(sc.rawStart, sc.tok.Start())
	}
}

// wordsBefore counts the squeezed words that start before byte offset at.
func (sc *scratch) wordsBefore(at int) int {
	n := 0
	for n < len(sc.rawStart) && sc.rawStart[n] < at {
		n++
	}
	return n
}
