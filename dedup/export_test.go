package dedup

import "github.com/newsdedup/newsdedup/dedup/internal/minhash"

// What the external tests (package dedup_test) need of the index's
// internals.

// Sign returns the signature of doc as ix makes it.
func (ix *Index) Sign(doc *Document) minhash.Signature { return ix.sign(doc) }

// LSH returns the banding of ix.
func (ix *Index) LSH() minhash.LSHParams { return ix.lsh }

// Threshold returns the similarity threshold of ix.
func (ix *Index) Threshold() float64 { return ix.threshold }

// CheckAndAddSignature and CheckSignature are CheckAndAdd and Check for a
// known signature.
var (
	CheckAndAddSignature = (*Index).checkAndAddSignature
	CheckSignature       = (*Index).checkSignature
)
