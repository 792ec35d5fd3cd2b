package neardup

// bandTable maps a band key to the latest posting filed under it: an
// open-addressing table of 8-byte slots (the key's high 32 bits and the
// posting), where a Go map of uint64 to int32 takes 25 to 38 bytes an
// entry. At most three quarters full, it holds a key in 11 to 21 bytes.
//
// Band keys are hashes already, so their high 32 bits both place a key
// (the top bits, which a larger table can read again when it grows) and
// tell it from the others in its run. Two keys that share those 32 bits
// share one posting list: their articles become each other's
// candidates, which verification then turns down, as it turns down any
// candidate below the threshold. Among n keys about n²/2³³ pairs do (17
// among x40's 376,800 band keys).
type bandTable struct {
	slots []bandSlot // a power of two long, or empty
	n     int        // slots in use
	bits  uint       // log2(len(slots))
}

type bandSlot struct {
	tag  uint32 // the key's high 32 bits
	head int32  // the latest posting + 1; 0 marks an empty slot
}

// bandTableMinBits is the log2 of a new table's length.
const bandTableMinBits = 10

// get returns the latest posting of key.
func (t *bandTable) get(key uint64) (int32, bool) {
	if t.n == 0 {
		return 0, false
	}
	tag := uint32(key >> 32)
	mask := uint32(len(t.slots) - 1)
	for i := tag >> (32 - t.bits); ; i = (i + 1) & mask {
		s := t.slots[i]
		if s.head == 0 {
			return 0, false
		}
		if s.tag == tag {
			return s.head - 1, true
		}
	}
}

// set files p as the latest posting of key.
func (t *bandTable) set(key uint64, p int32) {
	if 4*(t.n+1) > 3*len(t.slots) {
		t.grow()
	}
	tag := uint32(key >> 32)
	mask := uint32(len(t.slots) - 1)
	for i := tag >> (32 - t.bits); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.head == 0 {
			*s = bandSlot{tag, p + 1}
			t.n++
			return
		}
		if s.tag == tag {
			s.head = p + 1
			return
		}
	}
}

// grow doubles the table (or makes the first one) and files the slots
// in use again.
func (t *bandTable) grow() {
	old := t.slots
	t.bits = max(bandTableMinBits, t.bits+1)
	t.slots = make([]bandSlot, 1<<t.bits)
	mask := uint32(len(t.slots) - 1)
	for _, s := range old {
		if s.head == 0 {
			continue
		}
		i := s.tag >> (32 - t.bits)
		for t.slots[i].head != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}
