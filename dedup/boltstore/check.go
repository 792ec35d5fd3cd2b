package boltstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// maxCheckErrors bounds how many problems Check reports.
const maxCheckErrors = 10

// Check verifies the whole file in one read transaction: bbolt's own page
// consistency check, then the invariants of the layout: every entry
// decodes, every band key recorded in an entry has its membership key,
// the bands bucket holds no other membership, and the meta counters equal
// what the buckets hold. It returns nil for a consistent index, or the
// first problems found (up to ten, joined), each wrapping ErrCorrupt
// unless bbolt reported it. Check reads every key; it is meant for tests
// and for an operator's "is this file sound?", not for every request.
func (s *Store) Check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("boltstore: check: %w", err)
	}
	var errs []error
	add := func(err error) bool {
		errs = append(errs, err)
		return len(errs) < maxCheckErrors
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		// Read the channel to its end, so that bbolt's goroutine ends.
		for err := range tx.Check() {
			if len(errs) < maxCheckErrors {
				errs = append(errs, fmt.Errorf("boltstore: page check: %w", err))
			}
		}
		if len(errs) > 0 {
			return nil
		}
		checkLayout(open(tx), add)
		return nil
	})
	if err != nil {
		return fmt.Errorf("boltstore: check: %w", err)
	}
	return errors.Join(errs...)
}

// checkLayout walks the entries and bands buckets and compares them with
// each other and with the counters, reporting each problem to add until
// add returns false.
func checkLayout(t txn, add func(error) bool) {
	var want delta
	var members int64 // memberships the entries record
	key := make([]byte, 0, 64)
	err := t.entries.ForEach(func(k, v []byte) error {
		id := string(k)
		e, bands, err := decodeEntry(id, v, true)
		if err != nil {
			if !add(err) {
				return errStop
			}
			return nil
		}
		want.count(e.Status, 1)
		members += int64(len(bands))
		for _, b := range bands {
			key = bandKey(key[:0], b, k)
			if t.bands.Get(key) == nil {
				if !add(fmt.Errorf("%w: entry %q: membership of band %016x missing", ErrCorrupt, id, b)) {
					return errStop
				}
			}
		}
		return nil
	})
	if err != nil {
		return
	}
	var stored int64
	var prev []byte
	err = t.bands.ForEach(func(k, _ []byte) error {
		stored++
		if len(k) <= 8 {
			if !add(fmt.Errorf("%w: band membership key %x too short", ErrCorrupt, k)) {
				return errStop
			}
			return nil
		}
		if prev == nil || !bytesEqual8(prev, k) {
			want.bandKeys++
			prev = append(prev[:0], k[:8]...)
		}
		if t.entries.Get(k[8:]) == nil {
			if !add(fmt.Errorf("%w: band %016x lists missing entry %q", ErrCorrupt, binary.BigEndian.Uint64(k), k[8:])) {
				return errStop
			}
		}
		return nil
	})
	if err != nil {
		return
	}
	// Every recorded membership exists (checked above), so equal counts
	// mean the bands bucket holds nothing else.
	if stored != members {
		if !add(fmt.Errorf("%w: bands bucket holds %d memberships, entries record %d", ErrCorrupt, stored, members)) {
			return
		}
	}
	for _, c := range []struct {
		key  []byte
		want int64
	}{{keyEntries, want.entries}, {keyAdmitted, want.admitted}, {keyDuplicates, want.duplicates}, {keyBandKeys, want.bandKeys}} {
		got, err := counter(t.meta, c.key)
		if err == nil && int64(got) != c.want {
			err = fmt.Errorf("%w: counter meta/%s is %d, the buckets hold %d", ErrCorrupt, c.key, got, c.want)
		}
		if err != nil && !add(err) {
			return
		}
	}
}

// errStop ends a ForEach walk early.
var errStop = errors.New("stop")

func bytesEqual8(a, b []byte) bool {
	return len(a) >= 8 && len(b) >= 8 && string(a[:8]) == string(b[:8])
}
