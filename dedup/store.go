package dedup

import (
	"context"
	"time"
)

// A Store keeps the entries of an Index: per article its claim number,
// signature, admission status, lease and times, and per LSH band key the
// articles filed under it. The Index runs its admission protocol (see
// index.go) over these operations, so a Store needs no transaction that
// spans keys; but each method is atomic on its one entry, and every
// method must be safe for concurrent use, also across processes that
// share the store.
//
// An entry whose Expires has passed is gone: Get, Candidates and Scan
// skip it, and Insert of its id succeeds as if it were not there. When
// the store actually deletes it (Redis key expiry, Prune) is the store's
// business.
//
// Implementations: the memory store (NewMemoryStore), dedup/boltstore (an
// embedded file) and dedup/redisstore (Redis, Redis Cluster). One
// conformance suite, dedup/storetest, runs against all of them.
type Store interface {
	// NextSeq reserves n ≥ 1 consecutive claim numbers, greater than
	// every number it returned before to any user of the store, and
	// returns the first of them.
	NextSeq(ctx context.Context, n int) (uint64, error)
	// Insert stores e under e.ID and files the id under every band key,
	// only when the store holds no entry of that id: it is create-only.
	// When it holds one, Insert changes nothing and returns that entry
	// with inserted false; of concurrent Inserts of one id, exactly one
	// inserts and every other is answered with the winner's entry. When
	// Insert returns, the entry and all its band memberships are visible
	// to every later Candidates and Get.
	Insert(ctx context.Context, e Entry, bands []uint64) (old Entry, inserted bool, err error)
	// Candidates returns the entries filed under any of the band keys,
	// each once, in no particular order.
	Candidates(ctx context.Context, bands []uint64) ([]Entry, error)
	// SetStatus records the admission decision of the pending entry id
	// held by owner, and ends its lease: Lease is cleared, and a store
	// that outlives its process keeps Owner, as the writer that decided
	// (see Entry.Owner). It returns ErrLeaseLost, changing nothing, when the entry
	// is not pending or another owner holds it, and ErrNotFound when there
	// is none.
	SetStatus(ctx context.Context, id, owner string, st Status, dupOf string) error
	// TakeOver hands the lease of the pending entry id from owner from to
	// owner to, until the time until, when from still holds it. It
	// returns ErrLeaseLost, changing nothing, when the entry is not
	// pending or another owner holds it, and ErrNotFound when there is
	// none. (Whether from's lease has expired is the caller's judgement.)
	TakeOver(ctx context.Context, id, from, to string, until time.Time) error
	// Get returns the entry of id, or ErrNotFound.
	Get(ctx context.Context, id string) (Entry, error)
	// Remove deletes the entry of id and its band memberships; it
	// returns ErrNotFound when there is none.
	Remove(ctx context.Context, id string) error
	// Scan calls fn with every entry, in no particular order, until fn
	// returns an error, which Scan returns. Entries inserted or removed
	// while it runs may or may not be seen.
	Scan(ctx context.Context, fn func(Entry) error) error
	// Prune deletes the entries whose Expires is before now, with their
	// band memberships, and whatever else the store keeps for them; it
	// returns how many entries it deleted.
	Prune(ctx context.Context, now time.Time) (int, error)
	// Stats counts what the store holds.
	Stats(ctx context.Context) (StoreStats, error)
	// Close releases the store's resources.
	Close() error
}

// Status is where an entry stands in the admission protocol.
type Status uint8

const (
	// StatusPending: inserted, not yet decided; its Owner holds a lease
	// on the decision.
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
	// Sig is the encoded signature (its first byte the signature format
	// version); stores keep it as opaque bytes.
	Sig []byte
	// Owner and Lease, on a pending entry, name the writer that will
	// decide it and until when it holds that lease: after Lease another
	// writer may take the decision over (Store.TakeOver). Stores keep
	// Lease to the millisecond. On a decided entry Lease is zero, and
	// Owner names the writer that decided it (or that inserted it
	// decided) in a store that outlives its process (bbolt, Redis); a
	// later run uses it to tell its own earlier decisions (Unsettled).
	// The memory store, which no later process sees, keeps it empty.
	Owner string
	Lease time.Time
	// Added is when the entry was inserted, Expires when it is forgotten
	// (zero: never). Stores keep both to the millisecond.
	Added, Expires time.Time
	// Bands are the band keys the entry is filed under, in any order.
	// Get returns them for a pending entry (a writer that takes its
	// decision over queries with them: a stored signature cannot make
	// them again); elsewhere they may be nil.
	Bands []uint64
}

// StoreStats counts what a Store holds.
type StoreStats struct {
	Entries    int // articles
	Admitted   int
	Duplicates int
	BandKeys   int // distinct band keys in use (-1 when the store cannot tell cheaply)
}
