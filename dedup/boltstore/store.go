// Package boltstore is a dedup.Store in one local file, on bbolt
// (go.etcd.io/bbolt): an index that outlives the process and survives a
// writer killed mid-write.
//
// # Key layout
//
// The file holds three top-level buckets.
//
// "meta" describes the file. Key "version" holds one byte, the format
// version (formatVersion, 1); Open refuses any other. Key "created" holds
// the creation time as RFC 3339 text in UTC. Keys "entries", "admitted",
// "duplicates" and "bandkeys" hold counters as 8-byte big-endian unsigned
// integers: the number of entries, of entries admitted and of duplicates,
// and the number of distinct band keys with at least one member. Every
// write updates them in the same transaction as the data they count, so
// Stats reads four keys instead of walking the file. Key "session" (8
// bytes, absent in files written before leases) counts the read-write
// openings of the file: each Store writes its session into the entries it
// writes.
//
// "entries" maps an article id (its UTF-8 bytes, 1 to 32768 bytes) to
// its encoded entry: a version byte (1), the claim number as a uvarint,
// the status byte (dedup.Status), the DupOf id and the signature bytes,
// each as a uvarint length then the bytes, and last the entry's band keys,
// a uvarint count then 8 bytes big-endian each (see appendEntry). Keeping
// the band keys in the entry lets Remove, and a Put that replaces an
// entry, delete exactly the memberships the entry had. The bucket's
// sequence (persisted with each commit) is the claim counter behind
// NextSeq.
//
// # Leases
//
// A read-write Store holds the file's lock, so it is the only writer: a
// pending entry written in an earlier session belongs to a writer that
// died (or was killed) before deciding it. The Store reports the lease of
// such an entry as expired (a zero Lease), whatever time it was given, so
// that the next writer to meet it takes it over at once instead of
// waiting. Expired entries (Entry.Expires) are skipped by every read and
// replaced by Insert; Prune deletes them.
//
// "bands" holds one key per band membership: the band key as 8 bytes
// big-endian followed by the article id, with an empty value. Big-endian
// makes all members of a band adjacent, so Candidates seeks to the 8-byte
// prefix and reads keys until the prefix changes; a membership is added or
// removed without reading or rewriting a list.
//
// # Crash safety
//
// Every method that writes is a single bbolt transaction, or a part of
// one shared with writes that overlap it (see Store.write), committed
// before the method returns: Put writes the entry, all its band
// memberships and the counters together, Remove deletes them together,
// and NextSeq commits the sequence before it returns a number. bbolt
// commits by writing the new pages, syncing, then switching one of two
// checksummed meta pages, so a process killed at any moment leaves the
// file as of its last commit: an entry whose Put returned is there with
// every membership, and nothing is half-written. With Options.NoSync the
// same holds for a killed process, but not for an operating-system crash
// or power loss.
//
// # Sharing
//
// A Store is safe for concurrent use by goroutines: bbolt runs one write
// transaction at a time and read transactions beside it. The file is
// locked while open: a read-write Store holds an exclusive lock, so one
// process at a time writes an index; processes that must share one index
// at the same moment should use dedup/redisstore.
package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync/atomic"
	"time"

	"github.com/newsdedup/newsdedup/dedup"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// formatVersion is the byte under meta/version.
const formatVersion = 1

// Bucket and key names of the layout described above.
var (
	bucketMeta    = []byte("meta")
	bucketEntries = []byte("entries")
	bucketBands   = []byte("bands")

	keyVersion    = []byte("version")
	keyCreated    = []byte("created")
	keyEntries    = []byte("entries")
	keyAdmitted   = []byte("admitted")
	keyDuplicates = []byte("duplicates")
	keyBandKeys   = []byte("bandkeys")
	keySession    = []byte("session")
)

// DefaultTimeout is how long Open waits for the file lock when
// Options.Timeout is zero.
const DefaultTimeout = 5 * time.Second

// Options configures Open. The zero value, like a nil *Options, gives the
// defaults.
type Options struct {
	// Timeout is how long Open waits for the file lock while another
	// Store, in this process or another, holds it: a read-write Store
	// excludes every other Store of the file, read-only Stores exclude
	// read-write ones. Zero means DefaultTimeout; a negative value waits
	// indefinitely.
	Timeout time.Duration
	// NoSync skips the fsync after each commit. False (the default)
	// syncs every commit, so a write that returned survives power loss.
	// True is faster and still survives a killed process, but an
	// operating-system crash may lose recent writes or damage the file.
	NoSync bool
	// ReadOnly opens an existing index for reading under a shared lock,
	// so several read-only Stores may have it open at once; the methods
	// that write return an error. False (the default) opens the file
	// read-write under an exclusive lock and creates it when missing.
	ReadOnly bool
	// Mode is the permission of a newly created file. Zero means 0600.
	Mode os.FileMode
}

// Store is a dedup.Store kept in one bbolt file. It is safe for
// concurrent use by goroutines. Create it with Open; Close it when done to
// release the file lock.
type Store struct {
	db      *bolt.DB
	path    string
	created time.Time
	// session is this Store's number (meta/session); a pending entry of
	// another session has an expired lease.
	session uint64
	// writers counts the writes in flight (see write).
	writers atomic.Int32
}

// batchDelay is how long a write that joins others waits for more to
// share its commit (bbolt's MaxBatchDelay).
const batchDelay = 2 * time.Millisecond

// write runs fn in a read-write transaction that is committed (and
// synced, unless Options.NoSync) before it returns. A write with no other
// in flight runs alone; synced writes that overlap share transactions
// (bbolt's Batch), so that concurrent writers share fsyncs. (Without the
// fsync a commit is cheap, and waiting for others to share it costs more
// than it saves.) Under Batch fn may run more than once, each time in a
// fresh transaction, so it must keep its results only in variables it
// sets on every run.
func (s *Store) write(fn func(*bolt.Tx) error) error {
	defer s.writers.Add(-1)
	if s.writers.Add(1) > 1 && !s.db.NoSync {
		return s.db.Batch(fn)
	}
	return s.db.Update(fn)
}

var _ dedup.Store = (*Store)(nil)

// Open opens the index file at path, creating it when it does not exist
// (unless opts.ReadOnly). A nil opts means the defaults. A new file is
// initialised with the layout described in the package documentation; an
// existing one must be a newsdedup index of a known format version
// (ErrNotIndex, ErrFormatVersion).
func Open(path string, opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	bo := &bolt.Options{NoSync: o.NoSync, ReadOnly: o.ReadOnly}
	switch {
	case o.Timeout == 0:
		bo.Timeout = DefaultTimeout
	case o.Timeout > 0:
		bo.Timeout = o.Timeout
	} // negative: bbolt's zero, which waits indefinitely
	mode := o.Mode
	if mode == 0 {
		mode = 0o600
	}
	if o.ReadOnly {
		// A writer killed right after it created the file leaves it
		// empty; bbolt would try to initialise it through a read-only
		// descriptor.
		if fi, err := os.Stat(path); err == nil && fi.Size() == 0 {
			return nil, fmt.Errorf("boltstore: open %s: %w: the file is empty (its writer stopped before it wrote the index; a scan with --index %s makes one)", path, ErrNotIndex, path)
		}
	}
	db, err := bolt.Open(path, mode, bo)
	if err == nil {
		db.MaxBatchDelay = batchDelay
	}
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("boltstore: open %s: index is in use by another process (waited %v for its lock; one process at a time writes a file index, share one in Redis instead): %w",
			path, bo.Timeout, ErrInUse)
	}
	if err != nil {
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	if o.ReadOnly {
		err = db.View(s.load)
		s.session++ // every pending entry is an orphan to a reader
	} else {
		err = db.Update(func(tx *bolt.Tx) error {
			if err := s.initialise(tx); err != nil {
				return err
			}
			s.session++
			return tx.Bucket(bucketMeta).Put(keySession, binary.BigEndian.AppendUint64(nil, s.session))
		})
	}
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	return s, nil
}

// initialise creates the buckets of an empty file, then loads the meta
// data of the file.
func (s *Store) initialise(tx *bolt.Tx) error {
	if tx.Bucket(bucketMeta) == nil {
		if k, _ := tx.Cursor().First(); k != nil {
			return ErrNotIndex
		}
		meta, err := tx.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		created := time.Now().UTC().Format(time.RFC3339Nano)
		if err := meta.Put(keyVersion, []byte{formatVersion}); err != nil {
			return err
		}
		if err := meta.Put(keyCreated, []byte(created)); err != nil {
			return err
		}
		for _, k := range [][]byte{keyEntries, keyAdmitted, keyDuplicates, keyBandKeys} {
			if err := meta.Put(k, make([]byte, 8)); err != nil {
				return err
			}
		}
		if _, err := tx.CreateBucket(bucketEntries); err != nil {
			return err
		}
		if _, err := tx.CreateBucket(bucketBands); err != nil {
			return err
		}
	}
	return s.load(tx)
}

// load checks the format version and the buckets, and reads the creation
// time.
func (s *Store) load(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		if k, _ := tx.Cursor().First(); k == nil {
			// bbolt made the file, and its writer stopped before it
			// wrote the index (a writer initialises such a file).
			return fmt.Errorf("%w: the file holds no index yet (its writer stopped before it wrote one; a scan with --index makes one)", ErrNotIndex)
		}
		return ErrNotIndex
	}
	v := meta.Get(keyVersion)
	if len(v) != 1 {
		return fmt.Errorf("%w: meta/version is %d bytes, want 1", ErrCorrupt, len(v))
	}
	if v[0] != formatVersion {
		return fmt.Errorf("%w %d (this build reads %d)", ErrFormatVersion, v[0], formatVersion)
	}
	if tx.Bucket(bucketEntries) == nil || tx.Bucket(bucketBands) == nil {
		return fmt.Errorf("%w: bucket %q or %q missing", ErrCorrupt, bucketEntries, bucketBands)
	}
	created, err := time.Parse(time.RFC3339Nano, string(meta.Get(keyCreated)))
	if err != nil {
		return fmt.Errorf("%w: meta/created: %v", ErrCorrupt, err)
	}
	s.created = created
	if v := meta.Get(keySession); v != nil {
		if len(v) != 8 {
			return fmt.Errorf("%w: meta/session is %d bytes, want 8", ErrCorrupt, len(v))
		}
		s.session = binary.BigEndian.Uint64(v)
	}
	return nil
}

// decode decodes the stored entry v of id, with the lease of an earlier
// session's pending entry expired.
func (s *Store) decode(id string, v []byte, wantBands bool) (dedup.Entry, []uint64, error) {
	e, bands, session, err := decodeEntrySession(id, v, wantBands)
	if err == nil && e.Status == dedup.StatusPending && session != s.session {
		e.Lease = time.Time{}
	}
	return e, bands, err
}

// expired reports whether e has expired at now.
func expired(e dedup.Entry, now time.Time) bool {
	return !e.Expires.IsZero() && !e.Expires.After(now)
}

// Path returns the path the Store was opened with.
func (s *Store) Path() string { return s.path }

// Created returns when the index file was created.
func (s *Store) Created() time.Time { return s.created }

// Close releases the file and its lock. It waits for running
// transactions; methods called after Close return an error.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("boltstore: close %s: %w", s.path, err)
	}
	return nil
}

// NextSeq reserves n claim numbers from the entries bucket's sequence
// and returns the first. The numbers are committed (and synced, unless Options.NoSync)
// before it is returned, so it is never handed out twice, also across
// reopenings of the file.
func (s *Store) NextSeq(ctx context.Context, n int) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("boltstore: next seq: %w", err)
	}
	if n < 1 {
		return 0, fmt.Errorf("boltstore: next seq: %d numbers", n)
	}
	var seq uint64
	err := s.write(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEntries)
		seq = b.Sequence() + 1
		return b.SetSequence(b.Sequence() + uint64(n))
	})
	if err != nil {
		return 0, fmt.Errorf("boltstore: next seq: %w", err)
	}
	return seq, nil
}

// Insert stores e under e.ID with its band keys, in one transaction,
// unless an entry of that id is there and has not expired, which it
// returns instead; an expired one is replaced with its memberships.
// Repeated band keys are stored once. It returns ErrEmptyID for an entry
// without an id and ErrInvalidStatus for an unknown status.
func (s *Store) Insert(ctx context.Context, e dedup.Entry, bands []uint64) (dedup.Entry, bool, error) {
	if err := ctx.Err(); err != nil {
		return dedup.Entry{}, false, wrap("insert", e.ID, err)
	}
	if e.ID == "" {
		return dedup.Entry{}, false, ErrEmptyID
	}
	if !validStatus(e.Status) {
		return dedup.Entry{}, false, wrap("insert", e.ID, fmt.Errorf("%w %d", ErrInvalidStatus, e.Status))
	}
	bands = uniqueBands(bands)
	if e.Status != dedup.StatusPending {
		e.Lease = time.Time{}
	}
	val := appendEntrySession(nil, e, bands, s.session)
	var found dedup.Entry
	var inserted bool
	err := s.write(func(tx *bolt.Tx) error {
		found, inserted = dedup.Entry{}, false
		t := open(tx)
		var d delta
		if old := t.entries.Get([]byte(e.ID)); old != nil {
			oe, obands, err := s.decode(e.ID, old, true)
			if err != nil {
				return err
			}
			if !expired(oe, time.Now()) {
				found = oe
				return nil
			}
			if err := t.unfile(oe, obands, &d); err != nil {
				return err
			}
		}
		inserted = true
		// bbolt keeps the key slices until commit: one buffer, one
		// distinct slice of it per key.
		id := []byte(e.ID)
		if err := t.entries.Put(id, val); err != nil {
			return err
		}
		d.count(e.Status, +1)
		buf := make([]byte, len(bands)*(8+len(id)))
		for i, b := range bands {
			key := bandKey(buf[i*(8+len(id)):i*(8+len(id))], b, id)
			if !t.inUse(key[:8]) {
				d.bandKeys++
			}
			if err := t.bands.Put(key, []byte{}); err != nil {
				return err
			}
		}
		return t.apply(d)
	})
	if err != nil {
		return dedup.Entry{}, false, wrap("insert", e.ID, err)
	}
	return found, inserted, nil
}

// Candidates returns the entries filed under any of bands, each once, in
// no particular order. A membership naming a missing entry is reported as
// ErrCorrupt.
func (s *Store) Candidates(ctx context.Context, bands []uint64) ([]dedup.Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("boltstore: candidates: %w", err)
	}
	var out []dedup.Entry
	err := s.db.View(func(tx *bolt.Tx) error {
		t := open(tx)
		c := t.bands.Cursor()
		seen := make(map[string]struct{})
		now := time.Now()
		var prefix [8]byte
		for _, b := range bands {
			binary.BigEndian.PutUint64(prefix[:], b)
			for k, _ := c.Seek(prefix[:]); k != nil && bytes.HasPrefix(k, prefix[:]); k, _ = c.Next() {
				id := k[8:]
				if _, ok := seen[string(id)]; ok {
					continue
				}
				v := t.entries.Get(id)
				if v == nil {
					return fmt.Errorf("%w: band %016x lists missing entry %q", ErrCorrupt, b, id)
				}
				e, _, err := s.decode(string(id), v, false)
				if err != nil {
					return err
				}
				seen[e.ID] = struct{}{}
				if !expired(e, now) {
					out = append(out, e)
				}
			}
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrCorrupt) {
			return nil, err
		}
		return nil, fmt.Errorf("boltstore: candidates: %w", err)
	}
	return out, nil
}

// SetStatus records the admission decision of the pending entry id that
// owner holds, keeping its claim number, signature and band keys, and
// ends the lease. It returns an error wrapping dedup.ErrLeaseLost when the
// entry is decided or held by another owner, dedup.ErrNotFound when there
// is no such entry.
func (s *Store) SetStatus(ctx context.Context, id, owner string, st dedup.Status, dupOf string) error {
	if err := ctx.Err(); err != nil {
		return wrap("set status", id, err)
	}
	if !validStatus(st) {
		return wrap("set status", id, fmt.Errorf("%w %d", ErrInvalidStatus, st))
	}
	err := s.write(func(tx *bolt.Tx) error {
		t := open(tx)
		e, bands, err := s.held(t, id, owner)
		if err != nil {
			return err
		}
		var d delta
		d.count(e.Status, -1)
		d.count(st, +1)
		e.Status, e.DupOf = st, dupOf
		if st != dedup.StatusPending {
			e.Lease = time.Time{} // the owner stays: it decided
		}
		if err := t.entries.Put([]byte(id), appendEntrySession(nil, e, bands, s.session)); err != nil {
			return err
		}
		return t.apply(d)
	})
	return wrap("set status", id, err)
}

// held loads the entry of id when it is pending under owner's lease.
func (s *Store) held(t txn, id, owner string) (dedup.Entry, []uint64, error) {
	v := t.entries.Get([]byte(id))
	if v == nil {
		return dedup.Entry{}, nil, dedup.ErrNotFound
	}
	e, bands, err := s.decode(id, v, true)
	if err != nil {
		return dedup.Entry{}, nil, err
	}
	if expired(e, time.Now()) {
		return dedup.Entry{}, nil, dedup.ErrNotFound
	}
	if e.Status != dedup.StatusPending || e.Owner != owner {
		return dedup.Entry{}, nil, dedup.ErrLeaseLost
	}
	return e, bands, nil
}

// TakeOver hands the lease of the pending entry id from owner from to
// owner to, until until. It returns an error wrapping dedup.ErrLeaseLost
// when from does not hold it, dedup.ErrNotFound when there is no entry.
func (s *Store) TakeOver(ctx context.Context, id, from, to string, until time.Time) error {
	if err := ctx.Err(); err != nil {
		return wrap("take over", id, err)
	}
	err := s.write(func(tx *bolt.Tx) error {
		t := open(tx)
		e, bands, err := s.held(t, id, from)
		if err != nil {
			return err
		}
		e.Owner, e.Lease = to, until
		return t.entries.Put([]byte(id), appendEntrySession(nil, e, bands, s.session))
	})
	return wrap("take over", id, err)
}

// Scan calls fn with every entry that has not expired, in id order, in
// one read transaction.
func (s *Store) Scan(ctx context.Context, fn func(dedup.Entry) error) error {
	now := time.Now()
	return s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketEntries).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			e, _, err := s.decode(string(k), v, false)
			if err != nil {
				return err
			}
			if expired(e, now) {
				continue
			}
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	})
}

// Prune deletes the entries expired at now with their memberships, in
// transactions of up to 1000 entries.
func (s *Store) Prune(ctx context.Context, now time.Time) (int, error) {
	var ids []string
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketEntries).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			e, _, err := decodeEntry(string(k), v, false)
			if err != nil {
				return err
			}
			if expired(e, now) {
				ids = append(ids, string(k))
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("boltstore: prune: %w", err)
	}
	n := 0
	for start := 0; start < len(ids); start += 1000 {
		if err := ctx.Err(); err != nil {
			return n, fmt.Errorf("boltstore: prune: %w", err)
		}
		chunk := ids[start:min(start+1000, len(ids))]
		done := 0
		err := s.db.Update(func(tx *bolt.Tx) error {
			done = 0
			t := open(tx)
			var d delta
			for _, id := range chunk {
				e, bands, err := t.load(id)
				if errors.Is(err, dedup.ErrNotFound) {
					continue
				}
				if err != nil {
					return err
				}
				if !expired(e, now) {
					continue
				}
				if err := t.unfile(e, bands, &d); err != nil {
					return err
				}
				if err := t.entries.Delete([]byte(id)); err != nil {
					return err
				}
				done++
			}
			return t.apply(d)
		})
		if err != nil {
			return n, fmt.Errorf("boltstore: prune: %w", err)
		}
		n += done
	}
	return n, nil
}

// Get returns the entry of id, or an error wrapping dedup.ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (dedup.Entry, error) {
	if err := ctx.Err(); err != nil {
		return dedup.Entry{}, wrap("get", id, err)
	}
	var e dedup.Entry
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketEntries).Get([]byte(id))
		if v == nil {
			return dedup.ErrNotFound
		}
		var err error
		var bands []uint64
		e, bands, err = s.decode(id, v, true)
		if err == nil && expired(e, time.Now()) {
			return dedup.ErrNotFound
		}
		if e.Status == dedup.StatusPending {
			e.Bands = bands
		}
		return err
	})
	if err != nil {
		return dedup.Entry{}, wrap("get", id, err)
	}
	return e, nil
}

// Remove deletes the entry of id and all its band memberships in one
// transaction. It returns an error wrapping dedup.ErrNotFound when there
// is no such entry.
func (s *Store) Remove(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return wrap("remove", id, err)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		t := open(tx)
		e, bands, err := t.load(id)
		if err != nil {
			return err
		}
		var d delta
		if err := t.unfile(e, bands, &d); err != nil {
			return err
		}
		if err := t.entries.Delete([]byte(id)); err != nil {
			return err
		}
		return t.apply(d)
	})
	return wrap("remove", id, err)
}

// Stats returns the counters kept in the meta bucket; it does not walk
// the file. BandKeys is exact.
func (s *Store) Stats(ctx context.Context) (dedup.StoreStats, error) {
	if err := ctx.Err(); err != nil {
		return dedup.StoreStats{}, fmt.Errorf("boltstore: stats: %w", err)
	}
	var st dedup.StoreStats
	err := s.db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		for _, c := range []struct {
			key []byte
			dst *int
		}{{keyEntries, &st.Entries}, {keyAdmitted, &st.Admitted}, {keyDuplicates, &st.Duplicates}, {keyBandKeys, &st.BandKeys}} {
			n, err := counter(meta, c.key)
			if err != nil {
				return err
			}
			*c.dst = int(n)
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrCorrupt) {
			return dedup.StoreStats{}, err
		}
		return dedup.StoreStats{}, fmt.Errorf("boltstore: stats: %w", err)
	}
	return st, nil
}

// wrap prefixes err with the operation and id. Corruption errors already
// name the key and the package, and pass unchanged.
func wrap(op, id string, err error) error {
	if err == nil || errors.Is(err, ErrCorrupt) {
		return err
	}
	return fmt.Errorf("boltstore: %s %.100q: %w", op, id, err)
}

// uniqueBands returns the distinct band keys of bands, sorted, in a new
// slice.
func uniqueBands(bands []uint64) []uint64 {
	if len(bands) == 0 {
		return nil
	}
	out := slices.Clone(bands)
	slices.Sort(out)
	return slices.Compact(out)
}

// bandKey appends the membership key of id under band to dst.
func bandKey(dst []byte, band uint64, id []byte) []byte {
	dst = binary.BigEndian.AppendUint64(dst, band)
	return append(dst, id...)
}
