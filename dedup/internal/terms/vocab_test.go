package terms

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBackgroundTable(t *testing.T) {
	v, err := parseVocabulary(backgroundData)
	require.NoError(t, err, "the embedded table must parse")
	assert.Equal(t, 471, v.Docs(), "counted over the 471 distinct dev bodies")
	assert.Greater(t, len(v.df), 1000)
	common := Set("police")[0]
	rare := Set("zzqxjv")[0]
	assert.Greater(t, v.DF(common), 10, "a common news word")
	assert.Greater(t, v.IDF(rare), v.IDF(common), "unseen words weigh most")
}

func TestParseVocabularyRejectsBadTables(t *testing.T) {
	good := []byte("NDDF\x02")
	good = binary.LittleEndian.AppendUint32(good, 3)
	good = binary.LittleEndian.AppendUint32(good, 1)
	good = binary.LittleEndian.AppendUint64(good, 42)
	good = binary.LittleEndian.AppendUint32(good, 2)
	v, err := parseVocabulary(good)
	require.NoError(t, err)
	assert.Equal(t, 2, v.DF(42))

	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"bad magic", append([]byte("XXXX"), good[4:]...)},
		{"other version", append([]byte("NDDF\x01"), good[5:]...)},
		{"truncated", good[:len(good)-1]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseVocabulary(tt.b)
			assert.Error(t, err)
		})
	}
}

func TestMergeAddsCounts(t *testing.T) {
	a := (&Vocabulary{docs: 10, df: map[uint64]uint32{1: 2, 2: 3}}).cacheWeights()
	m := a.Merge(5, map[uint64]uint32{2: 1, 3: 4})
	assert.Equal(t, 15, m.Docs())
	assert.Equal(t, 2, m.DF(1))
	assert.Equal(t, 4, m.DF(2))
	assert.Equal(t, 4, m.DF(3))
	assert.InDelta(t, m.IDF(99), m.maxIDF, 1e-12)
}
