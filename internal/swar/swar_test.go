package swar

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLoad(t *testing.T) {
	for _, s := range []string{"\x00\x00\x00\x00\x00\x00\x00\x00", "abcdefgh", "abcdefghij", "\xff\x80\x01\x7f é€"} {
		assert.Equal(t, binary.LittleEndian.Uint64([]byte(s)), Load(s), "%q", s)
	}
	assert.Panics(t, func() { Load("seven b") })
}
