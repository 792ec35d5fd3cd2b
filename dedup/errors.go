package dedup

import "errors"

// Errors of the index and its stores. Test for them with errors.Is.
var (
	// ErrNotFound is returned when a Store or Index has no entry of an id.
	ErrNotFound = errors.New("dedup: not found")
	// ErrClosed is returned by a Store used after Close.
	ErrClosed = errors.New("dedup: store is closed")
	// ErrWaitTimeout is returned by CheckAndAdd when a concurrent
	// submission of a similar article stays pending longer than
	// Options.WaitTimeout (its worker may have died; remove its entry).
	ErrWaitTimeout = errors.New("dedup: timed out waiting for a pending article")
	// ErrIncompatible is returned when the store holds a signature made
	// with other parameters (NumHashes, ShingleSize) than the index's.
	ErrIncompatible = errors.New("dedup: signature parameters differ from the index's")
)

// ErrLeaseLost is returned by Store.SetStatus and Store.TakeOver when the
// entry is no longer pending under the owner given: another writer took
// its decision over, or made it.
var ErrLeaseLost = errors.New("dedup: lease lost: another writer holds or decided the entry")
