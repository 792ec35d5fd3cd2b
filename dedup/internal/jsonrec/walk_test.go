package jsonrec

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSpecialBytes checks the eight-byte test against a byte loop: every
// byte value at every position, over plain and mixed backgrounds.
func TestSpecialBytes(t *testing.T) {
	first := func(b []byte) int {
		for i, c := range b {
			if !strPlain[c] {
				return i
			}
		}
		return -1
	}
	backgrounds := [][]byte{[]byte("abcdefgh"), []byte("\xe2\x80\x99\xc3\xa9 ~\x7f"), []byte("\xff\xff\xff\xff\xff\xff\xff\xff")}
	for _, bg := range backgrounds {
		for pos := range 8 {
			for v := range 256 {
				for _, later := range []byte{'a', '"', 0x1f, '\\'} {
					b := bytes.Clone(bg)
					b[pos] = byte(v)
					if pos < 7 {
						b[7] = later
					}
					m := specialBytes(binary.LittleEndian.Uint64(b))
					got := -1
					if m != 0 {
						got = bits.TrailingZeros64(m) >> 3
					}
					require.Equal(t, first(b), got, "bytes %q", b)
				}
			}
		}
	}
}

func TestArrayStrings(t *testing.T) {
	type elem struct {
		Str  string
		Next int
	}
	tests := []struct {
		name, reason, line string
		want               []elem
		ok                 bool
	}{
		{name: "empty", reason: "no elements, all strings", line: `{"a":[ ]}`, ok: true},
		{name: "two", reason: "next is the start of the following element, then of ']'", line: `{"a":["x" , "y\"" ]}`,
			want: []elem{{`"x"`, 12}, {`"y\""`, 18}}, ok: true},
		{name: "number", reason: "a non-string element stops the walk", line: `{"a":["x",1,"z"]}`,
			want: []elem{{`"x"`, 10}}},
		{name: "nested", reason: "an array is no string", line: `{"a":[["x"]]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := []byte(tt.line)
			var a Span
			_, err := WalkObject(line, nil, func(key []byte, v Span) { a = v })
			require.NoError(t, err)
			var got []elem
			ok := ArrayStrings(line, a, func(s Span, next int) {
				got = append(got, elem{string(line[s.Start:s.End]), next})
			})
			require.Equal(t, tt.ok, ok, tt.reason)
			require.Equal(t, tt.want, got, tt.reason)
		})
	}
}
