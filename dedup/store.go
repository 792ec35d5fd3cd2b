package dedup

import (
	"context"
)

// A Store keeps the entries of an Index: per article its claim number,
// signature and admission status, and per LSH band key the articles filed
// under it. The Index runs its admission protocol over these operations,
// so a Store needs no transactions of its own; every method must be safe
// for concurrent use, also across processes that share the store.
//
// Implementations: the memory store (NewMemoryStore), dedup/boltstore (an
// embedded file) and dedup/redisstore (Redis, Redis Cluster). One
// conformance suite, dedup/storetest, runs against all of them.
type Store interface {
	// NextSeq returns a claim number greater than every number it
	// returned before to any user of the store.
	NextSeq(ctx context.Context) (uint64, error)
	// Put stores e under e.ID, replacing an entry of that id, and files
	// the id under every band key. When Put returns, the entry and all its
	// band memberships are visible to every later Candidates and Get.
	Put(ctx context.Context, e Entry, bands []uint64) error
	// Candidates returns the entries filed under any of the band keys,
	// each once, in no particular order.
	Candidates(ctx context.Context, bands []uint64) ([]Entry, error)
	// SetStatus records the admission decision of the entry id.
	SetStatus(ctx context.Context, id string, st Status, dupOf string) error
	// Get returns the entry of id, or ErrNotFound.
	Get(ctx context.Context, id string) (Entry, error)
	// Remove deletes the entry of id and its band memberships; it
	// returns ErrNotFound when there is none.
	Remove(ctx context.Context, id string) error
	// Stats counts what the store holds.
	Stats(ctx context.Context) (StoreStats, error)
	// Close releases the store's resources.
	Close() error
}

// Status is where an entry stands in the admission protocol.
type Status uint8

const (
	// StatusPending: put, not yet decided.
	StatusPending Status = iota
	// StatusAdmitted: the first of its story; new.
	StatusAdmitted
	// StatusDuplicate: a near-duplicate of the entry in DupOf.
	StatusDuplicate
)

// Entry is what a Store keeps about one article.
type Entry struct {
	ID string
	// Seq is the claim number from Store.NextSeq.
	Seq    uint64
	Status Status
	// DupOf names the article this one duplicates (StatusDuplicate).
	DupOf string
	// Sig is the encoded signature (Signature.MarshalBinary); stores keep
	// it as opaque bytes.
	Sig []byte
}

// StoreStats counts what a Store holds.
type StoreStats struct {
	Entries    int // articles
	Admitted   int
	Duplicates int
	BandKeys   int // distinct band keys in use (-1 when the store cannot tell cheaply)
}
