package boltstore

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/newsdedup/newsdedup/dedup"
	bolt "go.etcd.io/bbolt"
)

// txn holds the buckets of one transaction. Open has checked that they
// exist, so open never returns nil buckets.
type txn struct {
	meta, entries, bands *bolt.Bucket
}

func open(tx *bolt.Tx) txn {
	return txn{
		meta:    tx.Bucket(bucketMeta),
		entries: tx.Bucket(bucketEntries),
		bands:   tx.Bucket(bucketBands),
	}
}

// load returns the entry of id with its band keys, or dedup.ErrNotFound.
func (t txn) load(id string) (dedup.Entry, []uint64, error) {
	v := t.entries.Get([]byte(id))
	if v == nil {
		return dedup.Entry{}, nil, dedup.ErrNotFound
	}
	return decodeEntry(id, v, true)
}

// inUse reports whether any membership key starts with the 8-byte band
// prefix.
func (t txn) inUse(prefix []byte) bool {
	k, _ := t.bands.Cursor().Seek(prefix)
	return k != nil && bytes.HasPrefix(k, prefix)
}

// unfile deletes the band memberships of e and counts e and the band keys
// left without members out of d. The entry itself stays; the caller
// deletes or replaces it. A membership recorded in the entry but absent
// from the bands bucket is reported as ErrCorrupt.
func (t txn) unfile(e dedup.Entry, bands []uint64, d *delta) error {
	d.count(e.Status, -1)
	id := []byte(e.ID)
	key := make([]byte, 0, 8+len(id))
	c := t.bands.Cursor()
	for _, b := range bands {
		key = bandKey(key[:0], b, id)
		if k, _ := c.Seek(key); !bytes.Equal(k, key) {
			return fmt.Errorf("%w: entry %q: membership of band %016x missing", ErrCorrupt, e.ID, b)
		}
		if err := c.Delete(); err != nil {
			return err
		}
		if !t.inUse(key[:8]) {
			d.bandKeys--
		}
	}
	return nil
}

// delta is the change one transaction makes to the meta counters.
type delta struct {
	entries, admitted, duplicates, bandKeys int64
}

// count adds n entries of status st.
func (d *delta) count(st dedup.Status, n int64) {
	d.entries += n
	switch st {
	case dedup.StatusAdmitted:
		d.admitted += n
	case dedup.StatusDuplicate:
		d.duplicates += n
	}
}

// apply adds d to the counters in the meta bucket.
func (t txn) apply(d delta) error {
	for _, c := range []struct {
		key []byte
		n   int64
	}{{keyEntries, d.entries}, {keyAdmitted, d.admitted}, {keyDuplicates, d.duplicates}, {keyBandKeys, d.bandKeys}} {
		if c.n == 0 {
			continue
		}
		v, err := counter(t.meta, c.key)
		if err != nil {
			return err
		}
		if c.n < 0 && v < uint64(-c.n) {
			return fmt.Errorf("%w: counter meta/%s would drop below zero (%d%+d)", ErrCorrupt, c.key, v, c.n)
		}
		if err := t.meta.Put(c.key, binary.BigEndian.AppendUint64(nil, v+uint64(c.n))); err != nil {
			return err
		}
	}
	return nil
}

// counter reads the counter under key in the meta bucket.
func counter(meta *bolt.Bucket, key []byte) (uint64, error) {
	v := meta.Get(key)
	if len(v) != 8 {
		return 0, fmt.Errorf("%w: counter meta/%s is %d bytes, want 8", ErrCorrupt, key, len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}
