package dedup

// This file holds the memory store (NewMemoryStore), the Store a Pipeline
// uses when it is given none.
//
// # Layout
//
// The store is laid out to hold an article in under 400 bytes at k = 128
// (BenchmarkMemoryStore1M measures about 390 bytes with 20 bands and
// 15-byte ids), without a Go string, map entry or slice header per
// article:
//
//   - Slots. Each Insert takes the next slot number. Per slot, in pages of
//     memPageSize fixed arrays: the claim number (8 bytes), a reference to
//     its record in the arena (8), the times added and expires (8 each,
//     Unix milliseconds, 0 never), the slot of the article it duplicates
//     (4; -1 none, -2 an id kept in dupOther) and its status (1). The
//     lease of a pending slot (owner, expiry) is kept in the map leases,
//     since few entries are pending at a time.
//   - Arena. Records, appended to chunks that double from 4 KiB to 1 MiB:
//     uvarint id length, id, uvarint signature length, signature. A
//     record is never rewritten; SetStatus changes only the slot arrays.
//   - Ids. An open-addressing table of slot+1 (uint32), probed linearly
//     by XXH64 of the id, compared with the id in the arena.
//   - Band postings. 4096 shards by the top 12 bits of the band key. A
//     shard holds postings {low 32 bits of the key, slot} (8 bytes): a
//     sorted base array searched by binary search, and a short unsorted
//     tail of recent postings scanned linearly, merged into a new exact-size
//     base when it reaches a sixteenth of it.
//
// A posting keeps 44 of the key's 64 bits, so Candidates may return an
// entry filed under another key with the same 44 bits: about one spurious
// entry per 10^5 queries of 20 keys at 20 million postings. The Index
// verifies every candidate against its signature, so this costs nothing
// but the check.
//
// Remove, Prune and an Insert over an expired entry mark the old slot dead: lookups skip it, and
// merges drop its postings. When dead slots outnumber live ones (and are
// more than memCompactMin), the store compacts: it renumbers the live
// slots, copies their records into a new arena and rewrites the postings
// and the id table.

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cespare/xxhash/v2"
)

const (
	memPageBits   = 12
	memPageSize   = 1 << memPageBits
	memChunkSize  = 1 << 20
	memShardBits  = 12
	memShards     = 1 << memShardBits
	memMinPending = 32
	memCompactMin = 1024

	memDead   = 0xFF // status of a removed or replaced slot
	memNoDup  = -1
	memDupStr = -2

	memIDEmpty = 0
	memIDGone  = ^uint32(0) // tombstone in the id table
)

// memoryStore is a Store in memory. See the layout at the top of
// memstore.go.
type memoryStore struct {
	seq    atomic.Uint64
	closed atomic.Bool

	mu       sync.RWMutex
	pages    []*memPage
	nslots   uint32
	live     int
	dead     int
	admitted int
	dups     int
	chunks   [][]byte
	ids      []uint32 // slot+1, memIDEmpty or memIDGone; len a power of two
	idUsed   int      // non-empty cells of ids, tombstones included
	dupOther map[uint32]string
	leases   map[uint32]memLease
	shards   [memShards]memShard
}

// memLease is the lease of a pending slot.
type memLease struct {
	owner string
	until int64    // Unix milliseconds
	bands []uint64 // the band keys, for a writer that takes it over
}

type memPage struct {
	seq [memPageSize]uint64
	rec [memPageSize]uint64 // chunk<<32 | offset
	add [memPageSize]int64  // Unix ms
	exp [memPageSize]int64  // Unix ms, 0 never
	dup [memPageSize]int32
	st  [memPageSize]uint8
}

type memPosting struct {
	tag  uint32 // low 32 bits of the band key
	slot uint32
}

type memShard struct {
	base []memPosting // sorted by tag
	pend []memPosting
}

// NewMemoryStore returns an empty Store in memory, about 390 bytes an
// article at the default options. It is safe for concurrent use within one
// process; its content is lost when the process ends. (It returns the
// interface: a caller has no use for the type beyond the Store methods.)
func NewMemoryStore() Store {
	return newMemoryStore()
}

// newMemoryStore returns an empty memory store.
func newMemoryStore() *memoryStore {
	return &memoryStore{ids: make([]uint32, 64), dupOther: map[uint32]string{}, leases: map[uint32]memLease{}}
}

func (m *memoryStore) page(slot uint32) (*memPage, uint32) {
	return m.pages[slot>>memPageBits], slot & (memPageSize - 1)
}

// record returns the id and signature of a slot (aliasing the arena).
func (m *memoryStore) record(slot uint32) (id, sig []byte) {
	p, i := m.page(slot)
	ref := p.rec[i]
	b := m.chunks[ref>>32][uint32(ref):]
	n, w := binary.Uvarint(b)
	id = b[w : w+int(n)]
	b = b[w+int(n):]
	n, w = binary.Uvarint(b)
	return id, b[w : w+int(n)]
}

func (m *memoryStore) appendRecord(id string, sig []byte) uint64 {
	need := 2*binary.MaxVarintLen64 + len(id) + len(sig)
	c := len(m.chunks) - 1
	if c < 0 || cap(m.chunks[c])-len(m.chunks[c]) < need {
		size := 4096 // chunks double up to memChunkSize, so small stores stay small
		if c >= 0 {
			size = min(memChunkSize, 2*cap(m.chunks[c]))
		}
		m.chunks = append(m.chunks, make([]byte, 0, max(size, need)))
		c++
	}
	b := m.chunks[c]
	off := len(b)
	b = binary.AppendUvarint(b, uint64(len(id)))
	b = append(b, id...)
	b = binary.AppendUvarint(b, uint64(len(sig)))
	b = append(b, sig...)
	m.chunks[c] = b
	return uint64(c)<<32 | uint64(off)
}

// lookup returns the live slot of id.
func (m *memoryStore) lookup(id string) (uint32, bool) {
	mask := uint64(len(m.ids) - 1)
	for i := xxhash.Sum64String(id) & mask; ; i = (i + 1) & mask {
		switch v := m.ids[i]; v {
		case memIDEmpty:
			return 0, false
		case memIDGone:
		default:
			if rid, _ := m.record(v - 1); string(rid) == id {
				return v - 1, true
			}
		}
	}
}

// idInsert files slot under id (which is not in the table).
func (m *memoryStore) idInsert(id []byte, slot uint32) {
	mask := uint64(len(m.ids) - 1)
	i := xxhash.Sum64(id) & mask
	for m.ids[i] != memIDEmpty && m.ids[i] != memIDGone {
		i = (i + 1) & mask
	}
	if m.ids[i] == memIDEmpty {
		m.idUsed++
	}
	m.ids[i] = slot + 1
}

func (m *memoryStore) idDelete(id string) {
	mask := uint64(len(m.ids) - 1)
	for i := xxhash.Sum64String(id) & mask; ; i = (i + 1) & mask {
		switch v := m.ids[i]; v {
		case memIDEmpty:
			return
		case memIDGone:
		default:
			if rid, _ := m.record(v - 1); string(rid) == id {
				m.ids[i] = memIDGone
				return
			}
		}
	}
}

// idReserve makes room in the id table for one more id, keeping it at
// most three quarters full (tombstones included).
func (m *memoryStore) idReserve() {
	if 4*(m.idUsed+1) > 3*len(m.ids) {
		m.idRebuild()
	}
}

// idRebuild refiles every live slot in a new table at most half full.
func (m *memoryStore) idRebuild() {
	n := 64
	for n < 2*(m.live+1) {
		n *= 2
	}
	m.ids = make([]uint32, n)
	m.idUsed = 0
	for s := uint32(0); s < m.nslots; s++ {
		if p, i := m.page(s); p.st[i] != memDead {
			id, _ := m.record(s)
			m.idInsert(id, s)
		}
	}
}

func (m *memoryStore) count(st uint8, d int) {
	switch Status(st) {
	case StatusAdmitted:
		m.admitted += d
	case StatusDuplicate:
		m.dups += d
	}
}

// setDup records dupOf for slot.
func (m *memoryStore) setDup(slot uint32, dupOf string) {
	p, i := m.page(slot)
	delete(m.dupOther, slot)
	switch d, ok := m.lookup(dupOf); {
	case dupOf == "":
		p.dup[i] = memNoDup
	case ok:
		p.dup[i] = int32(d)
	default:
		p.dup[i] = memDupStr
		m.dupOther[slot] = dupOf
	}
}

func (m *memoryStore) dupOf(slot uint32) string {
	p, i := m.page(slot)
	switch d := p.dup[i]; d {
	case memNoDup:
		return ""
	case memDupStr:
		return m.dupOther[slot]
	default:
		id, _ := m.record(uint32(d))
		return string(id)
	}
}

func (m *memoryStore) entry(slot uint32) Entry {
	p, i := m.page(slot)
	id, sig := m.record(slot)
	e := Entry{ID: string(id), Seq: p.seq[i], Status: Status(p.st[i]), DupOf: m.dupOf(slot), Sig: slices.Clone(sig),
		Added: fromMillis(p.add[i]), Expires: fromMillis(p.exp[i])}
	if l, ok := m.leases[slot]; ok {
		e.Owner, e.Lease, e.Bands = l.owner, fromMillis(l.until), slices.Clone(l.bands)
	}
	return e
}

// expired reports whether the live slot has expired at now (Unix ms).
func (m *memoryStore) expired(slot uint32, now int64) bool {
	p, i := m.page(slot)
	return p.exp[i] != 0 && p.exp[i] <= now
}

// millis returns t in Unix milliseconds, 0 for the zero time.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMillis is the inverse of millis.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// kill marks a live slot dead.
func (m *memoryStore) kill(slot uint32) {
	p, i := m.page(slot)
	id, _ := m.record(slot)
	m.idDelete(string(id))
	m.count(p.st[i], -1)
	p.st[i] = memDead
	delete(m.leases, slot)
	m.live--
	m.dead++
}

// NextSeq reserves n claim numbers, from 1, and returns the first.
func (m *memoryStore) NextSeq(ctx context.Context, n int) (uint64, error) {
	if m.closed.Load() {
		return 0, ErrClosed
	}
	if n < 1 {
		return 0, fmt.Errorf("dedup: NextSeq of %d numbers", n)
	}
	return m.seq.Add(uint64(n)) - uint64(n) + 1, nil
}

func validStatus(st Status) error {
	if st > StatusDuplicate {
		return fmt.Errorf("dedup: invalid status %d", st)
	}
	return nil
}

// Insert stores e and files it under bands, unless a live entry of e.ID
// is there, which it returns.
func (m *memoryStore) Insert(ctx context.Context, e Entry, bands []uint64) (Entry, bool, error) {
	if err := validStatus(e.Status); err != nil {
		return Entry{}, false, err
	}
	if uint64(len(e.ID))+uint64(len(e.Sig)) > 1<<31 {
		return Entry{}, false, fmt.Errorf("dedup: entry %.40q too large", e.ID)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed.Load() {
		return Entry{}, false, ErrClosed
	}
	if old, ok := m.lookup(e.ID); ok {
		if !m.expired(old, time.Now().UnixMilli()) {
			return m.entry(old), false, nil
		}
		m.kill(old)
	}
	if m.nslots == ^uint32(0)-1 {
		return Entry{}, false, errors.New("dedup: memory store full")
	}
	m.idReserve()
	slot := m.nslots
	m.nslots++
	if int(slot>>memPageBits) == len(m.pages) {
		m.pages = append(m.pages, new(memPage))
	}
	p, i := m.page(slot)
	p.seq[i] = e.Seq
	p.rec[i] = m.appendRecord(e.ID, e.Sig)
	p.st[i] = uint8(e.Status)
	p.add[i], p.exp[i] = millis(e.Added), millis(e.Expires)
	if e.Status == StatusPending {
		m.leases[slot] = memLease{e.Owner, millis(e.Lease), slices.Clone(bands)}
	}
	m.live++
	m.count(p.st[i], 1)
	id, _ := m.record(slot)
	m.idInsert(id, slot)
	m.setDup(slot, e.DupOf)
	for _, k := range bands {
		sh := &m.shards[k>>(64-memShardBits)]
		sh.pend = append(sh.pend, memPosting{uint32(k), slot})
		if len(sh.pend) >= max(memMinPending, len(sh.base)/16) {
			m.merge(sh)
		}
	}
	m.maybeCompact()
	return Entry{}, true, nil
}

// maybeCompact compacts when dead slots outnumber live ones.
func (m *memoryStore) maybeCompact() {
	if m.dead > memCompactMin && m.dead > m.live {
		m.compact()
	}
}

// merge folds a shard's pending postings into a new base, dropping the
// postings of dead slots.
func (m *memoryStore) merge(sh *memShard) {
	slices.SortFunc(sh.pend, func(a, b memPosting) int { return cmp.Compare(a.tag, b.tag) })
	out := make([]memPosting, 0, len(sh.base)+len(sh.pend))
	a, b := sh.base, sh.pend
	for len(a) > 0 || len(b) > 0 {
		var x memPosting
		if len(b) == 0 || (len(a) > 0 && a[0].tag <= b[0].tag) {
			x, a = a[0], a[1:]
		} else {
			x, b = b[0], b[1:]
		}
		if p, i := m.page(x.slot); p.st[i] != memDead {
			out = append(out, x)
		}
	}
	sh.base = slices.Clip(out)
	sh.pend = sh.pend[:0]
}

// Candidates returns the entries filed under any of bands (see the note
// on the 44-bit postings in the file comment).
func (m *memoryStore) Candidates(ctx context.Context, bands []uint64) ([]Entry, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed.Load() {
		return nil, ErrClosed
	}
	var slots []uint32
	now := time.Now().UnixMilli()
	add := func(s uint32) {
		if p, i := m.page(s); p.st[i] != memDead && !m.expired(s, now) {
			slots = append(slots, s)
		}
	}
	for _, k := range bands {
		sh := &m.shards[k>>(64-memShardBits)]
		tag := uint32(k)
		j, _ := slices.BinarySearchFunc(sh.base, tag, func(p memPosting, t uint32) int { return cmp.Compare(p.tag, t) })
		for ; j < len(sh.base) && sh.base[j].tag == tag; j++ {
			add(sh.base[j].slot)
		}
		for _, p := range sh.pend {
			if p.tag == tag {
				add(p.slot)
			}
		}
	}
	slices.Sort(slots)
	slots = slices.Compact(slots)
	out := make([]Entry, len(slots))
	for i, s := range slots {
		out[i] = m.entry(s)
	}
	return out, nil
}

// find returns the slot of id when it is there and not expired.
func (m *memoryStore) find(id string) (uint32, bool) {
	slot, ok := m.lookup(id)
	if !ok || m.expired(slot, time.Now().UnixMilli()) {
		return 0, false
	}
	return slot, true
}

// held returns the slot of id when it is pending under owner's lease.
func (m *memoryStore) held(id, owner string) (uint32, error) {
	slot, ok := m.find(id)
	if !ok {
		return 0, ErrNotFound
	}
	p, i := m.page(slot)
	if Status(p.st[i]) != StatusPending || m.leases[slot].owner != owner {
		return 0, ErrLeaseLost
	}
	return slot, nil
}

// SetStatus records the decision about the pending entry id that owner
// holds.
func (m *memoryStore) SetStatus(ctx context.Context, id, owner string, st Status, dupOf string) error {
	if err := validStatus(st); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed.Load() {
		return ErrClosed
	}
	slot, err := m.held(id, owner)
	if err != nil {
		return err
	}
	p, i := m.page(slot)
	m.count(p.st[i], -1)
	p.st[i] = uint8(st)
	m.count(p.st[i], 1)
	m.setDup(slot, dupOf)
	if st != StatusPending {
		delete(m.leases, slot)
	}
	return nil
}

// TakeOver hands the lease of the pending entry id from from to to.
func (m *memoryStore) TakeOver(ctx context.Context, id, from, to string, until time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed.Load() {
		return ErrClosed
	}
	slot, err := m.held(id, from)
	if err != nil {
		return err
	}
	l := m.leases[slot]
	m.leases[slot] = memLease{to, millis(until), l.bands}
	return nil
}

// Scan calls fn with every live entry, on a copy of the slots taken
// under the lock, so that fn may call the store.
func (m *memoryStore) Scan(ctx context.Context, fn func(Entry) error) error {
	m.mu.RLock()
	if m.closed.Load() {
		m.mu.RUnlock()
		return ErrClosed
	}
	now := time.Now().UnixMilli()
	var es []Entry
	for s := uint32(0); s < m.nslots; s++ {
		if p, i := m.page(s); p.st[i] != memDead && !m.expired(s, now) {
			es = append(es, m.entry(s))
		}
	}
	m.mu.RUnlock()
	for _, e := range es {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// Prune deletes the entries expired at now.
func (m *memoryStore) Prune(ctx context.Context, now time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed.Load() {
		return 0, ErrClosed
	}
	n := 0
	ms := now.UnixMilli()
	for s := uint32(0); s < m.nslots; s++ {
		if p, i := m.page(s); p.st[i] != memDead && m.expired(s, ms) {
			m.kill(s)
			n++
		}
	}
	m.maybeCompact()
	return n, nil
}

// Get returns the entry of id, or ErrNotFound.
func (m *memoryStore) Get(ctx context.Context, id string) (Entry, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed.Load() {
		return Entry{}, ErrClosed
	}
	slot, ok := m.find(id)
	if !ok {
		return Entry{}, ErrNotFound
	}
	return m.entry(slot), nil
}

// Remove deletes the entry of id, or returns ErrNotFound.
func (m *memoryStore) Remove(ctx context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed.Load() {
		return ErrClosed
	}
	slot, ok := m.lookup(id)
	if !ok {
		return ErrNotFound
	}
	m.kill(slot)
	m.maybeCompact()
	return nil
}

// Stats counts the entries. BandKeys is -1: postings keep only part of
// each key.
func (m *memoryStore) Stats(ctx context.Context) (StoreStats, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed.Load() {
		return StoreStats{}, ErrClosed
	}
	return StoreStats{Entries: m.live, Admitted: m.admitted, Duplicates: m.dups, BandKeys: -1}, nil
}

// Close releases the store's memory; later calls return ErrClosed.
func (m *memoryStore) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed.Store(true)
	m.pages, m.chunks, m.ids, m.dupOther, m.leases = nil, nil, nil, nil, nil
	m.shards = [memShards]memShard{}
	m.nslots, m.live, m.dead, m.admitted, m.dups = 0, 0, 0, 0, 0
	return nil
}

// compact renumbers the live slots from 0, dropping the dead ones and
// their records and postings.
func (m *memoryStore) compact() {
	remap := make([]uint32, m.nslots)
	oldPages, oldChunks, n := m.pages, m.chunks, m.nslots
	oldPage := func(s uint32) (*memPage, uint32) { return oldPages[s>>memPageBits], s & (memPageSize - 1) }
	m.pages, m.chunks = nil, nil
	var next uint32
	for s := uint32(0); s < n; s++ {
		p, i := oldPage(s)
		if p.st[i] == memDead {
			remap[s] = ^uint32(0)
			continue
		}
		remap[s] = next
		if int(next>>memPageBits) == len(m.pages) {
			m.pages = append(m.pages, new(memPage))
		}
		np, ni := m.page(next)
		ref := p.rec[i]
		b := oldChunks[ref>>32][uint32(ref):]
		l1, w1 := binary.Uvarint(b)
		l2, w2 := binary.Uvarint(b[w1+int(l1):])
		np.seq[ni], np.st[ni], np.dup[ni] = p.seq[i], p.st[i], p.dup[i]
		np.add[ni], np.exp[ni] = p.add[i], p.exp[i]
		np.rec[ni] = m.appendRecord(string(b[w1:w1+int(l1)]), b[w1+int(l1)+w2:w1+int(l1)+w2+int(l2)])
		next++
	}
	// Duplicate links: renumber, or keep the id of a dead target as text.
	others := make(map[uint32]string, len(m.dupOther))
	for s := uint32(0); s < n; s++ {
		if remap[s] == ^uint32(0) {
			continue
		}
		np, ni := m.page(remap[s])
		switch d := np.dup[ni]; {
		case d == memDupStr:
			others[remap[s]] = m.dupOther[s]
		case d >= 0 && remap[d] == ^uint32(0):
			dp, di := oldPage(uint32(d))
			b := oldChunks[dp.rec[di]>>32][uint32(dp.rec[di]):]
			l, w := binary.Uvarint(b)
			others[remap[s]] = string(b[w : w+int(l)])
			np.dup[ni] = memDupStr
		case d >= 0:
			np.dup[ni] = int32(remap[d])
		}
	}
	m.dupOther = others
	leases := make(map[uint32]memLease, len(m.leases))
	for s, l := range m.leases {
		if remap[s] != ^uint32(0) {
			leases[remap[s]] = l
		}
	}
	m.leases = leases
	m.nslots, m.dead = next, 0
	for k := range m.shards {
		sh := &m.shards[k]
		sh.base = remapPostings(sh.base, remap)
		sh.pend = remapPostings(sh.pend, remap)
	}
	m.idRebuild()
}

func remapPostings(ps []memPosting, remap []uint32) []memPosting {
	out := ps[:0]
	for _, p := range ps {
		if s := remap[p.slot]; s != ^uint32(0) {
			out = append(out, memPosting{p.tag, s})
		}
	}
	return slices.Clip(out)
}
