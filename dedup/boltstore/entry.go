package boltstore

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/newsdedup/newsdedup/dedup"
)

// entryVersion is the first byte of every entry written; entryVersion1
// entries (without lease and times) are still read. A reader meets only
// versions it knows; any other first byte is reported as corrupt.
const (
	entryVersion  = 2
	entryVersion1 = 1
)

// appendEntry appends the encoding of e and its band keys to dst, with
// session 0 (see appendEntrySession).
func appendEntry(dst []byte, e dedup.Entry, bands []uint64) []byte {
	return appendEntrySession(dst, e, bands, 0)
}

// appendEntrySession appends the encoding of e and its band keys to dst,
// written in the store's session session:
//
//	version   1 byte (entryVersion)
//	seq       uvarint
//	status    1 byte (dedup.Status)
//	dupOf     uvarint length, then the bytes
//	sig       uvarint length, then the bytes
//	owner     uvarint length, then the bytes (the lease's; on a decided entry, the writer that decided; version 2)
//	lease     uvarint, Unix milliseconds, 0 none (version 2)
//	added     uvarint, Unix milliseconds, 0 unknown (version 2)
//	expires   uvarint, Unix milliseconds, 0 never (version 2)
//	session   uvarint, meta/session of the Store that wrote it (version 2)
//	bands     uvarint count, then 8 bytes big-endian per band key
//
// bands must already be free of repeats (see uniqueBands).
func appendEntrySession(dst []byte, e dedup.Entry, bands []uint64, session uint64) []byte {
	dst = append(dst, entryVersion)
	dst = binary.AppendUvarint(dst, e.Seq)
	dst = append(dst, byte(e.Status))
	dst = binary.AppendUvarint(dst, uint64(len(e.DupOf)))
	dst = append(dst, e.DupOf...)
	dst = binary.AppendUvarint(dst, uint64(len(e.Sig)))
	dst = append(dst, e.Sig...)
	dst = binary.AppendUvarint(dst, uint64(len(e.Owner)))
	dst = append(dst, e.Owner...)
	dst = binary.AppendUvarint(dst, millis(e.Lease))
	dst = binary.AppendUvarint(dst, millis(e.Added))
	dst = binary.AppendUvarint(dst, millis(e.Expires))
	dst = binary.AppendUvarint(dst, session)
	dst = binary.AppendUvarint(dst, uint64(len(bands)))
	for _, b := range bands {
		dst = binary.BigEndian.AppendUint64(dst, b)
	}
	return dst
}

// decodeEntry decodes the value v stored under id. The entry it returns
// owns its memory (v may be a bbolt page, valid only in its transaction).
// With wantBands false the band keys are checked but not returned. A value
// that does not decode exactly yields an error wrapping ErrCorrupt that
// names id; decodeEntry never panics.
func decodeEntry(id string, v []byte, wantBands bool) (dedup.Entry, []uint64, error) {
	e, bands, _, err := decodeEntrySession(id, v, wantBands)
	return e, bands, err
}

// decodeEntrySession is decodeEntry that also returns the session that
// wrote the entry (0 for a version 1 entry).
func decodeEntrySession(id string, v []byte, wantBands bool) (dedup.Entry, []uint64, uint64, error) {
	d := decoder{id: id, buf: v}
	ver := d.byte("version")
	if d.err == nil && ver != entryVersion && ver != entryVersion1 {
		d.fail(fmt.Sprintf("unknown entry version %d", ver))
	}
	e := dedup.Entry{ID: id}
	e.Seq = d.uvarint("seq")
	e.Status = dedup.Status(d.byte("status"))
	if d.err == nil && !validStatus(e.Status) {
		d.fail(fmt.Sprintf("status %d out of range", e.Status))
	}
	e.DupOf = string(d.bytes("dupOf"))
	if sig := d.bytes("signature"); len(sig) > 0 {
		e.Sig = append([]byte(nil), sig...)
	}
	var session uint64
	if ver == entryVersion {
		e.Owner = string(d.bytes("owner"))
		e.Lease = fromMillis(d.uvarint("lease"))
		e.Added = fromMillis(d.uvarint("added"))
		e.Expires = fromMillis(d.uvarint("expires"))
		session = d.uvarint("session")
	}
	n := d.uvarint("band count")
	if d.err == nil && (len(d.buf)%8 != 0 || n != uint64(len(d.buf)/8)) {
		d.fail(fmt.Sprintf("%d band keys in %d bytes", n, len(d.buf)))
	}
	if d.err != nil {
		return dedup.Entry{}, nil, 0, d.err
	}
	var bands []uint64
	if wantBands && n > 0 {
		bands = make([]uint64, n)
		for i := range bands {
			bands[i] = binary.BigEndian.Uint64(d.buf[8*i:])
		}
	}
	return e, bands, session, nil
}

// millis returns t in Unix milliseconds, 0 for the zero time (and for
// times before 1970).
func millis(t time.Time) uint64 {
	if t.IsZero() || t.UnixMilli() <= 0 {
		return 0
	}
	return uint64(t.UnixMilli())
}

// fromMillis is the inverse of millis.
func fromMillis(ms uint64) time.Time {
	if ms == 0 || ms > 1<<62 {
		return time.Time{}
	}
	return time.UnixMilli(int64(ms))
}

// decoder reads the fields of one encoded entry with a sticky error.
type decoder struct {
	id  string
	buf []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: entry %q: %s", ErrCorrupt, d.id, what)
	}
}

func (d *decoder) byte(field string) byte {
	if d.err != nil {
		return 0
	}
	if len(d.buf) == 0 {
		d.fail("truncated " + field)
		return 0
	}
	b := d.buf[0]
	d.buf = d.buf[1:]
	return b
}

func (d *decoder) uvarint(field string) uint64 {
	if d.err != nil {
		return 0
	}
	x, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.fail("bad " + field)
		return 0
	}
	d.buf = d.buf[n:]
	return x
}

// bytes reads a length-prefixed field; the result aliases the input.
func (d *decoder) bytes(field string) []byte {
	n := d.uvarint(field + " length")
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.buf)) {
		d.fail("truncated " + field)
		return nil
	}
	b := d.buf[:n]
	d.buf = d.buf[n:]
	return b
}

func validStatus(s dedup.Status) bool {
	return s == dedup.StatusPending || s == dedup.StatusAdmitted || s == dedup.StatusDuplicate
}
