// Package jsonrec reads and edits JSONL records as bytes, for the readers
// of dedup/read and for cleaning.
//
// WalkObject checks that a line is one JSON object (RFC 8259, nesting up
// to 10000 levels, as encoding/json) in one pass without allocating, and
// says where the value of each top-level key is, so that a reader unescapes
// only the strings it wants (Unquote, ArrayStrings). RewriteBody and
// RewriteText write an article back without some of its paragraphs,
// copying every other byte as it was.
//
// Everything here is safe for concurrent use.
package jsonrec

// This file holds the walker: WalkObject, ArrayStrings and Unquote over
// jsonScanner, which validates JSON without building anything.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Span is where a value lies in a line: line[Start:End]. The zero Span
// (End 0) stands for a value that is not there.
type Span struct{ Start, End int }

// Kind names the type of the JSON value starting with byte c: "a string",
// "an object", "an array", "a boolean", "null" or "a number".
func Kind(c byte) string {
	switch c {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// WalkObject validates line as one JSON object and calls visit with each
// top-level key (unescaped, valid only during the call) and the span of
// its value, in order. keyBuf is scratch for escaped keys; WalkObject
// returns it, perhaps grown. The error wraps ErrInvalidJSON, or
// ErrNotObject when line is valid JSON but not an object; line must be
// valid UTF-8 (see InvalidUTF8).
func WalkObject(line, keyBuf []byte, visit func(key []byte, v Span)) ([]byte, error) {
	s := jsonScanner{data: line}
	s.skipWS()
	if !s.at('{') {
		if err := s.value(); err != nil {
			return keyBuf, err
		}
		if err := s.end(); err != nil {
			return keyBuf, err
		}
		s.pos = 0
		s.skipWS()
		return keyBuf, fmt.Errorf("%w (it is %s)", ErrNotObject, Kind(line[s.pos]))
	}
	s.pos++
	s.depth = 1
	s.skipWS()
	if s.at('}') {
		s.pos++
		return keyBuf, s.end()
	}
	for {
		if !s.at('"') {
			return keyBuf, s.syntaxError("expecting a string key")
		}
		kstart := s.pos
		if err := s.str(); err != nil {
			return keyBuf, err
		}
		key := line[kstart+1 : s.pos-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			keyBuf = Unquote(keyBuf[:0], key)
			key = keyBuf
		}
		s.skipWS()
		if !s.at(':') {
			return keyBuf, s.syntaxError("expecting ':' after object key")
		}
		s.pos++
		s.skipWS()
		vstart := s.pos
		if err := s.value(); err != nil {
			return keyBuf, err
		}
		visit(key, Span{vstart, s.pos})
		s.skipWS()
		if s.at(',') {
			s.pos++
			s.skipWS()
			continue
		}
		if s.at('}') {
			s.pos++
			return keyBuf, s.end()
		}
		return keyBuf, s.syntaxError("expecting ',' or '}' after object value")
	}
}

// ArrayStrings calls visit with each element of the array at a, a value
// WalkObject found, in order: the span of the string, quotes included, and
// next, where the next element or the closing bracket starts. It reports
// false, having stopped, at the first element that is not a string.
func ArrayStrings(line []byte, a Span, visit func(s Span, next int)) bool {
	s := jsonScanner{data: line[:a.End], pos: a.Start + 1}
	s.skipWS()
	if s.at(']') {
		return true
	}
	for {
		if !s.at('"') {
			return false
		}
		start := s.pos
		if s.str() != nil {
			return false
		}
		end := s.pos
		s.skipWS()
		if s.at(']') {
			visit(Span{start, end}, s.pos)
			return true
		}
		s.pos++ // ',': the array is valid JSON
		s.skipWS()
		visit(Span{start, end}, s.pos)
	}
}

// InvalidUTF8 returns an error wrapping ErrInvalidUTF8 that names the
// column of the first bad byte of line, a line that utf8.Valid rejects.
func InvalidUTF8(line []byte) error {
	col := 1
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRune(line[i:])
		if r == utf8.RuneError && size == 1 {
			col = i + 1
			break
		}
		i += size
	}
	return fmt.Errorf("%w at column %d", ErrInvalidUTF8, col)
}

// maxJSONDepth is the deepest nesting of objects and arrays accepted, as
// in encoding/json; it also bounds the scanner's recursion.
const maxJSONDepth = 10000

// strPlain[c] is true for the bytes that stand for themselves inside a JSON
// string: not '"', not '\\', not a control character.
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// specialBytes returns a mask whose lowest set bit is the high bit of the
// first byte of x (little-endian) that is '"', '\\' or below 0x20, or 0
// when there is none. Bits above the lowest may be false alarms: the
// subtractions borrow across bytes, but only above a true hit.
func specialBytes(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q := x ^ (ones * '"')
	b := x ^ (ones * '\\')
	return ((x-ones*0x20)&^x | (q-ones)&^q | (b-ones)&^b) & highs
}

// jsonScanner validates JSON in data from pos without allocating.
type jsonScanner struct {
	data  []byte
	pos   int
	depth int
}

// at reports whether the byte at pos is c.
func (s *jsonScanner) at(c byte) bool { return s.pos < len(s.data) && s.data[s.pos] == c }

// skipWS moves pos past white space.
func (s *jsonScanner) skipWS() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// end checks that only white space is left.
func (s *jsonScanner) end() error {
	s.skipWS()
	if s.pos < len(s.data) {
		return s.syntaxError("expecting the end of the line after the value")
	}
	return nil
}

// syntaxError describes what was found at pos.
func (s *jsonScanner) syntaxError(expecting string) error {
	if s.pos >= len(s.data) {
		return fmt.Errorf("%w: unexpected end of line, %s", ErrInvalidJSON, expecting)
	}
	r, _ := utf8.DecodeRune(s.data[s.pos:])
	return fmt.Errorf("%w: unexpected %s at column %d, %s", ErrInvalidJSON, strconv.QuoteRune(r), s.pos+1, expecting)
}

// value moves pos past one JSON value.
func (s *jsonScanner) value() error {
	if s.pos >= len(s.data) {
		return s.syntaxError("expecting a value")
	}
	switch c := s.data[s.pos]; c {
	case '"':
		return s.str()
	case '{':
		return s.object()
	case '[':
		return s.array()
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	default:
		if c == '-' || '0' <= c && c <= '9' {
			return s.number()
		}
		return s.syntaxError("expecting a value")
	}
}

// str moves pos past the string starting at pos.
func (s *jsonScanner) str() error {
	data := s.data
	i := s.pos + 1
	for {
		// Eight bytes at a time while none needs attention, then one by
		// one: after a hit, data[i] is the byte that needs it.
		for i+8 <= len(data) {
			if m := specialBytes(binary.LittleEndian.Uint64(data[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		for i < len(data) && strPlain[data[i]] {
			i++
		}
		if i >= len(data) {
			s.pos = i
			return s.syntaxError("expecting '\"' to end the string")
		}
		switch c := data[i]; c {
		case '"':
			s.pos = i + 1
			return nil
		case '\\':
			if i+1 >= len(data) {
				s.pos = i + 1
				return s.syntaxError("expecting an escape")
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for k := i + 2; k < i+6; k++ {
					if k >= len(data) || !isHex(data[k]) {
						s.pos = k
						return s.syntaxError("expecting 4 hex digits after \\u")
					}
				}
				i += 6
			default:
				s.pos = i + 1
				return s.syntaxError("in string escape")
			}
		default:
			s.pos = i
			return s.syntaxError("control characters must be escaped in strings")
		}
	}
}

// isHex reports whether c is a hexadecimal digit.
func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// number moves pos past the number starting at pos.
func (s *jsonScanner) number() error {
	d := s.data
	i := s.pos
	digits := func() bool {
		start := i
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
		return i > start
	}
	if d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case !digits():
		s.pos = i
		return s.syntaxError("expecting a digit")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if !digits() {
			s.pos = i
			return s.syntaxError("expecting a digit after '.'")
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if !digits() {
			s.pos = i
			return s.syntaxError("expecting a digit in the exponent")
		}
	}
	s.pos = i
	return nil
}

// literal moves pos past lit, which must be at pos.
func (s *jsonScanner) literal(lit string) error {
	for k := 0; k < len(lit); k++ {
		if s.pos >= len(s.data) || s.data[s.pos] != lit[k] {
			return s.syntaxError("expecting " + lit)
		}
		s.pos++
	}
	return nil
}

// object moves pos past the object starting at pos.
func (s *jsonScanner) object() error {
	if s.depth++; s.depth > maxJSONDepth {
		return fmt.Errorf("%w: nested more than %d levels at column %d", ErrInvalidJSON, maxJSONDepth, s.pos+1)
	}
	s.pos++
	s.skipWS()
	if s.at('}') {
		s.pos++
		s.depth--
		return nil
	}
	for {
		if !s.at('"') {
			return s.syntaxError("expecting a string key")
		}
		if err := s.str(); err != nil {
			return err
		}
		s.skipWS()
		if !s.at(':') {
			return s.syntaxError("expecting ':' after object key")
		}
		s.pos++
		s.skipWS()
		if err := s.value(); err != nil {
			return err
		}
		s.skipWS()
		if s.at(',') {
			s.pos++
			s.skipWS()
			continue
		}
		if s.at('}') {
			s.pos++
			s.depth--
			return nil
		}
		return s.syntaxError("expecting ',' or '}' after object value")
	}
}

// array moves pos past the array starting at pos.
func (s *jsonScanner) array() error {
	if s.depth++; s.depth > maxJSONDepth {
		return fmt.Errorf("%w: nested more than %d levels at column %d", ErrInvalidJSON, maxJSONDepth, s.pos+1)
	}
	s.pos++
	s.skipWS()
	if s.at(']') {
		s.pos++
		s.depth--
		return nil
	}
	for {
		if err := s.value(); err != nil {
			return err
		}
		s.skipWS()
		if s.at(',') {
			s.pos++
			s.skipWS()
			continue
		}
		if s.at(']') {
			s.pos++
			s.depth--
			return nil
		}
		return s.syntaxError("expecting ',' or ']' after array element")
	}
}

// Unquote appends the unescaped form of raw, the validated content of a
// JSON string without its quotes, to dst. Escapes of lone surrogates
// become U+FFFD, as encoding/json does.
func Unquote(dst, raw []byte) []byte {
	for {
		i := bytes.IndexByte(raw, '\\')
		if i < 0 {
			return append(dst, raw...)
		}
		dst = append(dst, raw[:i]...)
		raw = raw[i:]
		c := raw[1]
		if c != 'u' {
			switch c {
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			}
			dst = append(dst, c)
			raw = raw[2:]
			continue
		}
		r := hex4(raw[2:6])
		raw = raw[6:]
		if utf16.IsSurrogate(r) {
			r2 := utf8.RuneError
			if len(raw) >= 6 && raw[0] == '\\' && raw[1] == 'u' {
				r2 = hex4(raw[2:6])
			}
			if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
				dst = utf8.AppendRune(dst, dec)
				raw = raw[6:]
				continue
			}
			r = utf8.RuneError
		}
		dst = utf8.AppendRune(dst, r)
	}
}

// hex4 decodes four validated hex digits.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}
