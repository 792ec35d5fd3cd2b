package dedup

import (
	"context"
	"sync"
)

// MemoryStore is a Store in memory, the default store of an Index. It is
// safe for concurrent use within one process; its content is lost when
// the process ends.
type MemoryStore struct {
	mu      sync.RWMutex
	seq     uint64
	entries map[string]*memEntry
	bands   map[uint64][]string
	closed  bool
}

type memEntry struct {
	e     Entry
	bands []uint64
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{entries: map[string]*memEntry{}, bands: map[uint64][]string{}}
}

var errMemClosed = errClosed("memory store")

type errClosed string

func (e errClosed) Error() string { return "dedup: " + string(e) + " is closed" }

// NextSeq returns the next claim number.
func (m *MemoryStore) NextSeq(ctx context.Context) (uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return 0, errMemClosed
	}
	m.seq++
	return m.seq, nil
}

// Put stores e and files it under bands.
func (m *MemoryStore) Put(ctx context.Context, e Entry, bands []uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return errMemClosed
	}
	if old, ok := m.entries[e.ID]; ok {
		m.unfile(e.ID, old.bands)
	}
	e.Sig = append([]byte(nil), e.Sig...)
	me := &memEntry{e: e, bands: append([]uint64(nil), bands...)}
	m.entries[e.ID] = me
	for _, k := range me.bands {
		m.bands[k] = append(m.bands[k], e.ID)
	}
	return nil
}

func (m *MemoryStore) unfile(id string, bands []uint64) {
	for _, k := range bands {
		ids := m.bands[k]
		for i, x := range ids {
			if x == id {
				ids = append(ids[:i], ids[i+1:]...)
				break
			}
		}
		if len(ids) == 0 {
			delete(m.bands, k)
		} else {
			m.bands[k] = ids
		}
	}
}

// Candidates returns the entries filed under any of bands.
func (m *MemoryStore) Candidates(ctx context.Context, bands []uint64) ([]Entry, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, errMemClosed
	}
	seen := map[string]bool{}
	var out []Entry
	for _, k := range bands {
		for _, id := range m.bands[k] {
			if !seen[id] {
				seen[id] = true
				e := m.entries[id].e
				e.Sig = append([]byte(nil), e.Sig...)
				out = append(out, e)
			}
		}
	}
	return out, nil
}

// SetStatus records the decision about id.
func (m *MemoryStore) SetStatus(ctx context.Context, id string, st Status, dupOf string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return errMemClosed
	}
	me, ok := m.entries[id]
	if !ok {
		return ErrNotFound
	}
	me.e.Status, me.e.DupOf = st, dupOf
	return nil
}

// Get returns the entry of id.
func (m *MemoryStore) Get(ctx context.Context, id string) (Entry, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return Entry{}, errMemClosed
	}
	me, ok := m.entries[id]
	if !ok {
		return Entry{}, ErrNotFound
	}
	e := me.e
	e.Sig = append([]byte(nil), e.Sig...)
	return e, nil
}

// Remove deletes id.
func (m *MemoryStore) Remove(ctx context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return errMemClosed
	}
	me, ok := m.entries[id]
	if !ok {
		return ErrNotFound
	}
	m.unfile(id, me.bands)
	delete(m.entries, id)
	return nil
}

// Stats counts the entries.
func (m *MemoryStore) Stats(ctx context.Context) (StoreStats, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return StoreStats{}, errMemClosed
	}
	st := StoreStats{Entries: len(m.entries), BandKeys: len(m.bands)}
	for _, me := range m.entries {
		switch me.e.Status {
		case StatusAdmitted:
			st.Admitted++
		case StatusDuplicate:
			st.Duplicates++
		}
	}
	return st, nil
}

// Close releases the store; later calls fail.
func (m *MemoryStore) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}
