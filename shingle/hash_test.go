package shingle

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// hashGolden pins Hash to XXH64 with seed 0. Users of the package persist
// these values: a failure here means stored hashes would silently change.
// Never update them; a new hash needs a new FormatVersion.
var hashGolden = []struct {
	in     string
	want   uint64
	reason string
}{
	{"", 0xef46db3751d8e999, "empty input, published XXH64 test vector"},
	{"a", 0xd24ec4f1a98c6e5b, "one byte, published XXH64 test vector"},
	{"hello world", 0x45ab6734b21e6968, "short input below one 32-byte stripe"},
	{"The quick brown fox jumps over the lazy dog", 0x0b242d361fda71bc, "input longer than one 32-byte stripe"},
	{"0123456789012345678901234567890123456789", 0xca6fc80cbde1a931, "40 bytes: stripe plus 8-byte tail"},
	{"zürich", 0x49778a8d47a1ac40, "non-ASCII bytes are hashed as UTF-8"},
	{"北京", 0xf0dc50d7482a7ee2, "CJK token hashed as UTF-8"},
}

func TestHashGolden(t *testing.T) {
	for _, tc := range hashGolden {
		t.Run(fmt.Sprintf("%q", tc.in), func(t *testing.T) {
			assert.Equalf(t, tc.want, Hash([]byte(tc.in)), "Hash: %s", tc.reason)
			assert.Equalf(t, tc.want, HashString(tc.in), "HashString: %s", tc.reason)
		})
	}
}

func TestHashNoAllocs(t *testing.T) {
	b := []byte("a word to hash")
	var sink uint64
	allocs := testing.AllocsPerRun(100, func() {
		sink += Hash(b) + HashString("another word")
	})
	assert.Zero(t, allocs, "hashing must not allocate")
	_ = sink
}

func TestFormatVersion(t *testing.T) {
	// Pinned together with the golden values above: changing the
	// definition of any persisted hash means changing both.
	assert.Equal(t, 1, FormatVersion, "format version of persisted hashes")
}
