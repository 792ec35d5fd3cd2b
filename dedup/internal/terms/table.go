package terms

// table is an open-addressing hash table from term ids to float64: the
// stop word set and the IDF weights, looked up once per word of every
// body, where a Go map's probe costs several times this one's. Term ids
// are hashes already (shingle.Hash), so their low bits pick the slot.
// Slots are linear-probed; the table is at most half full. Id 0 is kept
// aside, since an empty slot holds it. A table is built once and then
// only read, so it is safe for concurrent reads.
type table struct {
	ids     []uint64
	vals    []float64
	mask    uint64
	hasZero bool
	zero    float64
}

// newTable returns a table sized for n entries.
func newTable(n int) *table {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	return &table{ids: make([]uint64, size), vals: make([]float64, size), mask: uint64(size - 1)}
}

// put sets the value of id; ids must be put at most once each.
func (t *table) put(id uint64, v float64) {
	if id == 0 {
		t.hasZero, t.zero = true, v
		return
	}
	i := id & t.mask
	for t.ids[i] != 0 {
		i = (i + 1) & t.mask
	}
	t.ids[i], t.vals[i] = id, v
}

// get returns the value of id and whether it is there.
func (t *table) get(id uint64) (float64, bool) {
	if id == 0 {
		return t.zero, t.hasZero
	}
	for i := id & t.mask; ; i = (i + 1) & t.mask {
		switch t.ids[i] {
		case id:
			return t.vals[i], true
		case 0:
			return 0, false
		}
	}
}
