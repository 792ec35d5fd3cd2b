// Package csvrec reads and edits CSV records as bytes, for the CSV reader
// of dedup/read and for cleaning.
//
// A Reader splits a CSV stream into records and fields the way
// encoding/csv does with its defaults (a comma between fields, RFC 4180
// quoting, no lazy quotes, blank lines skipped, "\r\n" read as "\n" inside
// quoted fields), and keeps the bytes of each record as they were, so that
// a cleaner can write a record back with one field changed and every
// other byte the same. The fuzz test holds it to encoding/csv, errors and
// the record after an error included.
//
// RewriteField removes paragraphs (non-blank lines) from one field of a
// record without re-quoting it: the lines of a quoted field are the lines
// of its value, and a "" pair never spans a line, so dropping whole lines
// of the quoted bytes leaves a valid field with the value's lines gone.
//
// Everything here but a Reader is safe for concurrent use.
package csvrec

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/newsdedup/newsdedup/dedup/internal/jsonrec"
)

// Errors about one record. dedup/read wraps them in an error naming the
// file and line, so they carry no package prefix.
var (
	// ErrBareQuote is returned when a field that does not start with a
	// quote holds one.
	ErrBareQuote = errors.New(`bare " in a field without quotes`)
	// ErrQuote is returned when a quoted field is not closed, or its
	// closing quote is followed by something other than a comma or the
	// end of the record.
	ErrQuote = errors.New(`extraneous or missing " in a quoted field`)
	// ErrTooLong is returned when a record is longer than the Reader's
	// limit.
	ErrTooLong = errors.New("record too long")
)

// Field is where a field lies in its record: the value's bytes are
// raw[Start:End], without the quotes of a quoted field (whose "" pairs and
// "\r\n" line ends Value turns into '"' and '\n').
type Field struct {
	Start, End int
	Quoted     bool
}

// Value appends the value of f, a field of raw, to dst.
func (f Field) Value(dst, raw []byte) []byte {
	b := raw[f.Start:f.End]
	if !f.Quoted {
		return append(dst, b...)
	}
	for len(b) > 0 {
		i := bytes.IndexAny(b, "\"\r")
		if i < 0 {
			return append(dst, b...)
		}
		dst = append(dst, b[:i]...)
		switch {
		case b[i] == '"': // the first of a "" pair
			dst = append(dst, '"')
			i++
		case i+1 < len(b) && b[i+1] == '\n':
			// "\r\n" is "\n", as encoding/csv reads it; the '\n' follows.
		default:
			dst = append(dst, '\r')
		}
		b = b[i+1:]
	}
	return dst
}

// Reader reads CSV records from a stream. It is not safe for concurrent
// use.
type Reader struct {
	br   *bufio.Reader
	data []byte // the input, when reading from bytes (Parse)
	max  int

	line   int    // lines consumed
	raw    []byte // the record being read
	end    int    // where its last line's content ends in raw
	fields []Field
	eof    bool
	err    error // read error other than io.EOF
}

// NewReader returns a Reader of br whose records may be at most max bytes
// long (0: no limit).
func NewReader(br *bufio.Reader, max int) *Reader {
	return &Reader{br: br, max: max}
}

// Err returns the read error that ended the input, nil at its end.
func (r *Reader) Err() error { return r.err }

// Line returns the number of lines consumed so far.
func (r *Reader) Line() int { return r.line }

// Terminator returns the line terminator of the last record Next
// returned ("\n", "\r\n", or "" at the end of the input), valid until the
// next call.
func (r *Reader) Terminator() []byte { return r.raw[r.end:] }

// physLine appends the next physical line (up to and including '\n', or
// to the end of the input) to r.raw and returns its start; ok is false
// at the end of the input. Once r.raw is longer than r.max, bytes are
// consumed but no longer kept, and tooLong is set.
func (r *Reader) physLine() (start int, tooLong, ok bool) {
	start = len(r.raw)
	if r.eof {
		return start, false, false
	}
	if r.br == nil {
		i := bytes.IndexByte(r.data, '\n')
		n := i + 1
		if i < 0 {
			n = len(r.data)
			r.eof = true
		}
		if n == 0 {
			return start, false, false
		}
		r.raw = append(r.raw, r.data[:n]...)
		r.data = r.data[n:]
		r.line++
		return start, false, true
	}
	got := false
	for {
		b, err := r.br.ReadSlice('\n')
		if len(b) > 0 {
			got = true
			if r.max > 0 && len(r.raw)+len(b) > r.max {
				tooLong = true
				r.raw = r.raw[:start]
			}
			if !tooLong {
				r.raw = append(r.raw, b...)
			}
		}
		switch {
		case err == nil:
			r.line++
			return start, tooLong, true
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err != io.EOF:
			r.err = err
		}
		r.eof = true
		if got {
			r.line++
		}
		return start, tooLong, got
	}
}

// contentEnd returns where the content of the physical line raw[start:]
// ends: before its "\n" or "\r\n", or, at the end of the input, before a
// last '\r' (encoding/csv drops it).
func (r *Reader) contentEnd(start int) int {
	end := len(r.raw)
	switch {
	case end > start && r.raw[end-1] == '\n':
		end--
		if end > start && r.raw[end-1] == '\r' {
			end--
		}
	case end > start && r.raw[end-1] == '\r' && r.eof:
		end--
	}
	return end
}

// Next reads the next record. It returns its bytes without the final line
// terminator, its fields and the line it starts on; raw and fields are
// valid until the next call. ok is false at the end of the input or on a
// read error (see Err). A record that breaks the quoting rules is returned
// with err set, wrapping ErrBareQuote or ErrQuote, and the rest of the
// physical line where the error is is skipped, as encoding/csv does; a
// record longer than the limit is skipped to the end of the line where it
// passed it, with ErrTooLong.
func (r *Reader) Next() (raw []byte, fields []Field, line int, err error, ok bool) {
	if cap(r.raw) > 1<<20 {
		r.raw = nil
	}
	r.raw, r.fields, r.end = r.raw[:0], r.fields[:0], 0
	var ls int
	for {
		var tooLong bool
		ls, tooLong, ok = r.physLine()
		if !ok {
			return nil, nil, 0, nil, false
		}
		line = r.line
		if tooLong {
			return nil, nil, line, fmt.Errorf("%w: more than %d bytes", ErrTooLong, r.max), true
		}
		if r.contentEnd(ls) > ls {
			break
		}
		r.raw = r.raw[:0] // a blank line
	}
	end := r.contentEnd(ls)
	i := ls
	for {
		if i >= end || r.raw[i] != '"' {
			j := bytes.IndexByte(r.raw[i:end], ',')
			fe := end
			if j >= 0 {
				fe = i + j
			}
			if q := bytes.IndexByte(r.raw[i:fe], '"'); q >= 0 {
				return r.raw, r.fields, line, fmt.Errorf("%w (line %d, column %d)", ErrBareQuote, r.line, i+q-ls+1), true
			}
			r.fields = append(r.fields, Field{Start: i, End: fe})
			if j < 0 {
				r.end = end
				return r.raw[:end], r.fields, line, nil, true
			}
			i = fe + 1
			continue
		}
		// A quoted field, perhaps over several lines.
		start := i + 1
		i = start
		for {
			q := bytes.IndexByte(r.raw[i:], '"')
			if q < 0 {
				var tooLong bool
				nls, tooLong, more := r.physLine()
				if tooLong {
					return nil, nil, line, fmt.Errorf("%w: more than %d bytes", ErrTooLong, r.max), true
				}
				if !more {
					return r.raw, r.fields, line, fmt.Errorf("%w: the quoted field that opens on line %d is not closed", ErrQuote, line), true
				}
				ls, end = nls, r.contentEnd(nls)
				i = nls
				continue
			}
			i += q + 1
			switch {
			case i < len(r.raw) && r.raw[i] == '"':
				i++ // a "" pair
				continue
			case i < len(r.raw) && r.raw[i] == ',':
				r.fields = append(r.fields, Field{Start: start, End: i - 1, Quoted: true})
				i++
			case i >= end:
				r.fields = append(r.fields, Field{Start: start, End: i - 1, Quoted: true})
				r.end = end
				return r.raw[:end], r.fields, line, nil, true
			default:
				return r.raw, r.fields, line, fmt.Errorf("%w (line %d, column %d)", ErrQuote, r.line, i-ls), true
			}
			break
		}
	}
}

// Parse reads raw as one CSV record, as Next returned it. It fails when
// raw does not hold exactly one valid record.
func Parse(raw []byte) ([]Field, error) {
	// A terminator goes back; "\r\n", so that a last '\r' of raw stays
	// part of the record.
	r := &Reader{data: append(raw[:len(raw):len(raw)], '\r', '\n')}
	got, fields, _, err, ok := r.Next()
	switch {
	case err != nil:
		return nil, err
	case !ok || len(got) != len(raw) || len(r.data) != 0:
		return nil, errors.New("not one CSV record")
	}
	return fields, nil
}

// Column returns the index of the first field of the header record
// header (as read, line terminator and byte order mark included) whose
// value, trimmed of spaces, is name; -1 when there is none.
func Column(header []byte, name string) (int, error) {
	names, err := Names(header)
	if err != nil {
		return -1, err
	}
	for i, n := range names {
		if n == name {
			return i, nil
		}
	}
	return -1, nil
}

// utf8BOM is the UTF-8 encoding of U+FEFF, which may start a header.
var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// Names returns the column names of a header record as read (line
// terminator and byte order mark included), trimmed of spaces.
func Names(header []byte) ([]string, error) {
	header = bytes.TrimPrefix(header, utf8BOM)
	r := &Reader{data: header}
	raw, fields, _, err, ok := r.Next()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("no header")
	}
	names := make([]string, len(fields))
	var buf []byte
	for i, f := range fields {
		buf = f.Value(buf[:0], raw)
		names[i] = string(bytes.TrimSpace(buf))
	}
	return names, nil
}

// RewriteField returns a copy of raw, one CSV record, in which field col
// has lost the paragraphs (non-blank lines, ending at "\n", "\r\n" or a
// lone "\r") for which remove returns true, and the number of paragraphs
// the field has. Every other byte is copied; a quoted field stays quoted.
// A record left with a single, empty field is written as "" so that it
// does not read as a blank line. It fails when raw is not one valid
// record or has no field col. It never modifies raw.
func RewriteField(raw []byte, col int, remove func(paragraph int) bool) ([]byte, int, error) {
	fields, err := Parse(raw)
	if err != nil {
		return nil, 0, err
	}
	if col < 0 || col >= len(fields) {
		return nil, 0, fmt.Errorf("the record has %d fields, no field %d", len(fields), col+1)
	}
	f := fields[col]
	lines, n := jsonrec.RewriteLines(raw[f.Start:f.End], remove)
	out := make([]byte, 0, len(raw))
	out = append(out, raw[:f.Start]...)
	if !f.Quoted && len(lines) == 0 && len(fields) == 1 {
		return append(out, `""`...), n, nil
	}
	out = append(out, lines...)
	return append(out, raw[f.End:]...), n, nil
}
