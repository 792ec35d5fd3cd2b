package boltstore

import (
	"encoding/binary"
	"testing"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEntryRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		e     dedup.Entry
		bands []uint64
	}{
		{"pending without signature or bands: the smallest entry", dedup.Entry{ID: "a", Seq: 1}, nil},
		{"duplicate with dupOf: the dupOf field survives", dedup.Entry{ID: "b", Seq: 1 << 40, Status: dedup.StatusDuplicate, DupOf: "a", Sig: []byte{1, 2, 3}}, []uint64{7}},
		{"admitted with many bands: extreme band values keep all 64 bits", dedup.Entry{ID: "c", Seq: ^uint64(0), Status: dedup.StatusAdmitted, Sig: make([]byte, 258)}, []uint64{0, 1, 1 << 63, ^uint64(0)}},
		{"non-ASCII ids: ids are bytes", dedup.Entry{ID: "naïve/日本", Status: dedup.StatusDuplicate, DupOf: "ünï"}, []uint64{42}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := appendEntry(nil, tt.e, tt.bands)
			got, bands, err := decodeEntry(tt.e.ID, v, true)
			require.NoError(t, err)
			assert.Equal(t, tt.e, got)
			assert.Equal(t, tt.bands, bands)

			_, bands, err = decodeEntry(tt.e.ID, v, false)
			require.NoError(t, err)
			assert.Nil(t, bands, "wantBands false returns no bands")
		})
	}
}

func TestEntryDecodeCopies(t *testing.T) {
	v := appendEntry(nil, dedup.Entry{ID: "a", DupOf: "b", Sig: []byte{9, 9}}, nil)
	e, _, err := decodeEntry("a", v, false)
	require.NoError(t, err)
	for i := range v {
		v[i] = 0
	}
	assert.Equal(t, "b", e.DupOf, "DupOf must not alias the page")
	assert.Equal(t, []byte{9, 9}, e.Sig, "Sig must not alias the page")
}

func TestEntryDecodeCorrupt(t *testing.T) {
	good := appendEntry(nil, dedup.Entry{ID: "x", Seq: 300, Status: dedup.StatusAdmitted, DupOf: "y", Sig: []byte{1, 2}}, []uint64{5, 6})
	tests := []struct {
		name string
		v    []byte
		msg  string
	}{
		{"empty value: nothing to read", nil, "truncated version"},
		{"unknown version: a future format is not guessed at", []byte{3}, "unknown entry version 3"},
		{"only the version byte", []byte{entryVersion}, "bad seq"},
		{"status out of range", append([]byte{entryVersion, 1}, 3), "status 3 out of range"},
		{"dupOf longer than the value", []byte{entryVersion, 1, 0, 100}, "truncated dupOf"},
		{"signature longer than the value", []byte{entryVersion, 1, 0, 0, 5, 1}, "truncated signature"},
		{"band count larger than the bytes", append(good[:len(good)-16:len(good)-16], good[len(good)-16:len(good)-8]...), "band keys in"},
		{"trailing bytes after the bands", append(append([]byte(nil), good...), 0), "band keys in"},
		{"band count missing", good[:len(good)-17], "bad band count"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := decodeEntry("x", tt.v, true)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrCorrupt)
			assert.Contains(t, err.Error(), `entry "x"`, "the error names the id")
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func FuzzDecodeEntry(f *testing.F) {
	f.Add(appendEntry(nil, dedup.Entry{ID: "a", Seq: 3, Status: dedup.StatusDuplicate, DupOf: "b", Sig: []byte{1}}, []uint64{1, 2}))
	f.Add([]byte{entryVersion, 0x80, 0x80})
	f.Add(binary.AppendUvarint([]byte{entryVersion, 1, 0, 0, 0}, 1<<62))
	f.Fuzz(func(t *testing.T, v []byte) {
		e, bands, err := decodeEntry("id", v, true)
		if err != nil {
			require.ErrorIs(t, err, ErrCorrupt)
			return
		}
		// What decodes re-encodes to a value that decodes to the same.
		again, bands2, err := decodeEntry("id", appendEntry(nil, e, bands), true)
		require.NoError(t, err)
		assert.Equal(t, e, again)
		assert.Equal(t, bands, bands2)
	})
}
