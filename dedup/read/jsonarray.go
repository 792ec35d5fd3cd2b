package read

// JSON arrays of articles: what Scrapy's "-o items.json" and Python's
// json.dump(list) write, read as a stream.
//
// An arraySplitter walks the bytes of the array without decoding them: it
// follows strings (and their escapes) and the nesting of brackets only to
// find where each element ends, and counts lines as it goes. Each element
// is then decoded as one JSONL record would be (jsonlDecoder.decode, which
// validates it), so an element that is not valid JSON is an error of its
// own, and reading goes on with the next one. What the splitter cannot
// get past (a missing comma, an array that is not closed) ends the file.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/newsdedup/newsdedup/dedup"
)

// JSONArray reads the articles of r, a JSON array of objects named name,
// one at a time, without holding more than one element in memory.
//
// Each element is read as a JSONL record is (see JSONL): the same fields,
// the same errors, and its Raw the element's bytes as they stand in the
// file (over several lines when the array is indented). A document's Line,
// and the Line of its paragraphs, is the line where its element starts.
// Elements that are not objects, or not valid JSON, are yielded as
// (nil, *Error) naming that line, and reading goes on. An input that is not
// an array, an array that does not close (a crawl stopped part-way: every
// element before the end is read), or anything but white space after it
// ends the reading with an *Error wrapping ErrInvalidJSON. The sequence
// reads r as it goes, so it can be ranged over only once.
func JSONArray(name string, r io.Reader, opts Options) iter.Seq2[*dedup.Document, error] {
	return oneStream(r, opts, func(o Options, br *bufio.Reader, yield func(*dedup.Document, error) bool) {
		newJSONLDecoder(o).readArray(context.Background(), name, br, yield)
	})
}

// errArray is returned, wrapped in an *Error, when the input is not one
// JSON array; the reading of that input stops.
var errArray = errors.New("JSON array")

// readArray yields the documents of the JSON array in br. It returns
// false when iteration must stop.
func (d *jsonlDecoder) readArray(ctx context.Context, name string, br *bufio.Reader, yield func(*dedup.Document, error) bool) bool {
	s := &arraySplitter{r: br, max: d.opts.MaxLineBytes, line: 1}
	fail := func(line int, format string, args ...any) bool {
		err := fmt.Errorf("%w: %w: %s", ErrInvalidJSON, errArray, fmt.Sprintf(format, args...))
		return yield(nil, &Error{File: name, Line: line, Err: err})
	}
	if b, _ := peek(br, len(utf8BOM)); bytes.Equal(b, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
	}
	c, ok := s.skipSpace()
	switch {
	case !ok && s.err != nil:
		return yield(nil, s.readError(name))
	case !ok:
		return true // empty
	case c != '[':
		return fail(s.line, "the input does not start with '[' but with %q", c)
	}
	s.discard(1)
	first := true
	for {
		c, ok := s.skipSpace()
		if !ok {
			if s.err != nil {
				return yield(nil, s.readError(name))
			}
			what := "','"
			if first {
				what = "'['"
			}
			return fail(s.line, "the array is not closed: the input ends after %s", what)
		}
		if c == ']' {
			if !first {
				return fail(s.line, "',' before ']' (a trailing comma)")
			}
			s.discard(1)
			break
		}
		if err := ctx.Err(); err != nil {
			yield(nil, err)
			return false
		}
		start := s.line
		elem, tooLong, complete := s.element()
		switch {
		case !complete && s.err != nil:
			return yield(nil, s.readError(name))
		case !complete:
			return fail(start, "the input ends inside an array element (a truncated file?)")
		case tooLong:
			err := fmt.Errorf("%w: array element of more than %d bytes", ErrLineTooLong, d.opts.MaxLineBytes)
			if !yield(nil, &Error{File: name, Line: start, Err: err}) {
				return false
			}
		default:
			doc, err := d.decode(name, start, elem, FormatJSON)
			if err != nil {
				err = &Error{File: name, Line: start, Err: err}
			}
			if !yield(doc, err) {
				return false
			}
		}
		first = false
		c, ok = s.skipSpace()
		switch {
		case !ok && s.err != nil:
			return yield(nil, s.readError(name))
		case !ok:
			return fail(s.line, "the array is not closed: the input ends after an element")
		case c == ',':
			s.discard(1)
			continue
		case c == ']':
			s.discard(1)
		default:
			return fail(s.line, "want ',' or ']' after an array element, found %q", c)
		}
		break
	}
	if c, ok := s.skipSpace(); ok {
		return fail(s.line, "%q after the end of the array", c)
	}
	if s.err != nil {
		return yield(nil, s.readError(name))
	}
	return true
}

// arraySplitter finds the elements of a JSON array in a stream and counts
// its lines (ending at "\n", "\r\n" or a lone "\r", as elsewhere). It is
// not safe for concurrent use.
type arraySplitter struct {
	r      *bufio.Reader
	max    int
	line   int  // the line of the next byte
	lastCR bool // the last byte consumed was '\r'
	acc    []byte
	err    error // read error other than io.EOF
}

// count counts the line ends in b, which is being consumed.
func (s *arraySplitter) count(b []byte) {
	if len(b) == 0 {
		return
	}
	if bytes.IndexByte(b, '\r') < 0 {
		n := bytes.Count(b, []byte{'\n'})
		if s.lastCR && b[0] == '\n' {
			n-- // the end of a "\r\n" counted at its '\r'
		}
		s.line += n
		s.lastCR = false
		return
	}
	for _, c := range b {
		switch c {
		case '\n':
			if !s.lastCR {
				s.line++
			}
			s.lastCR = false
		case '\r':
			s.line++
			s.lastCR = true
		default:
			s.lastCR = false
		}
	}
}

// discard consumes n buffered bytes.
func (s *arraySplitter) discard(n int) {
	b, _ := s.r.Peek(n)
	s.count(b)
	_, _ = s.r.Discard(n)
}

// fill returns the buffered bytes, reading more when there are none; it
// returns nil at the end of the input or on a read error (s.err).
func (s *arraySplitter) fill() []byte {
	if s.r.Buffered() == 0 {
		if _, err := s.r.Peek(1); err != nil {
			if err != io.EOF {
				s.err = err
			}
			return nil
		}
	}
	b, _ := s.r.Peek(s.r.Buffered())
	return b
}

// skipSpace consumes white space and returns the next byte, unconsumed;
// ok is false at the end of the input or on a read error.
func (s *arraySplitter) skipSpace() (c byte, ok bool) {
	for {
		b := s.fill()
		if b == nil {
			return 0, false
		}
		i := 0
		for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
			i++
		}
		s.count(b[:i])
		_, _ = s.r.Discard(i)
		if i < len(b) {
			return b[i], true
		}
	}
}

// element consumes one JSON value and returns its bytes, valid until the
// next call. An object or array ends at its closing bracket, a string at
// its closing quote, anything else before white space, ',', ']' or '}'.
// When the value is longer than s.max, tooLong is set and its bytes are
// not kept. complete is false when the input ends first.
//
// A value that fits in the reader's buffer is returned from it, without
// a copy: the buffer is read further (never more than is there to read,
// so a stream that waits for an answer is not waited on) until the value
// ends or fills it; only a longer value is gathered in s.acc.
func (s *arraySplitter) element() (elem []byte, tooLong, complete bool) {
	var v valueScan
	b := s.fill()
	pos := 0
	for b != nil && len(b) < s.r.Size() {
		if end := v.scan(b, pos); end >= 0 {
			return s.take(b, end)
		}
		pos = len(b)
		// Read more; Peek moves what is buffered, so b is taken again.
		_, err := s.r.Peek(len(b) + 1)
		b, _ = s.r.Peek(s.r.Buffered())
		switch {
		case err == io.EOF && v.scalar:
			return s.take(b, len(b)) // a scalar ends at the end of the input
		case err == io.EOF:
			return nil, false, false
		case err != nil:
			s.err = err
			return nil, false, false
		}
	}
	if b == nil {
		return nil, false, false
	}
	// Longer than the buffer: gather it chunk by chunk.
	if cap(s.acc) > maxKeptBuffer {
		s.acc = nil
	}
	s.acc = s.acc[:0]
	size := 0
	for {
		end := v.scan(b, pos)
		pos = 0
		n := len(b)
		if end >= 0 {
			n = end
		}
		size += n
		if size <= s.max {
			s.acc = append(s.acc, b[:n]...)
		}
		s.count(b[:n])
		_, _ = s.r.Discard(n)
		if end >= 0 {
			if size > s.max {
				return nil, true, true
			}
			return s.acc, false, true
		}
		if b = s.fill(); b == nil {
			if v.scalar && s.err == nil {
				return s.acc, size > s.max, true // a scalar ends at EOF
			}
			return nil, false, false
		}
	}
}

// take consumes the value b[:end] and returns it.
func (s *arraySplitter) take(b []byte, end int) ([]byte, bool, bool) {
	s.count(b[:end])
	_, _ = s.r.Discard(end) // b stays valid: Discard does not overwrite the buffer
	if end > s.max {
		return nil, true, true
	}
	return b[:end], false, true
}

// valueScan follows a JSON value through its bytes, to find its end.
type valueScan struct {
	depth                     int
	started, scalar, inString bool
	escaped                   bool // in a string, the next byte is escaped
}

// scan goes on with b[from:] and returns where the value ends in b (the
// index after its last byte), or -1 when it goes on past b.
func (v *valueScan) scan(b []byte, from int) int {
	i := from
	if !v.started && i < len(b) {
		v.started = true
		switch c := b[i]; c {
		case '{', '[':
			v.depth = 1
		case '"':
			v.inString = true
		case ',', ']', '}':
			return i + 1 // a stray delimiter: an element of its own, invalid
		default:
			v.scalar = true
		}
		i++
	}
	for i < len(b) {
		switch {
		case v.inString:
			if v.escaped {
				v.escaped = false
				i++
				continue
			}
			j := bytes.IndexByte(b[i:], '"')
			if j < 0 {
				v.escaped = oddBackslashes(b[i:])
				return -1
			}
			q := i + j
			if oddBackslashes(b[i:q]) {
				i = q + 1 // an escaped quote
				continue
			}
			v.inString = false
			i = q + 1
			if v.depth == 0 {
				return i
			}
		case v.scalar:
			for ; i < len(b); i++ {
				switch b[i] {
				case ' ', '\t', '\n', '\r', ',', ']', '}':
					return i
				}
			}
		default:
			j := bytes.IndexAny(b[i:], "\"{}[]")
			if j < 0 {
				return -1
			}
			i += j
			switch b[i] {
			case '"':
				v.inString = true
			case '{', '[':
				v.depth++
			default:
				v.depth--
				if v.depth == 0 {
					return i + 1
				}
			}
			i++
		}
	}
	return -1
}

// oddBackslashes reports whether b ends with an odd number of backslashes,
// which escape what follows.
func oddBackslashes(b []byte) bool {
	n := 0
	for n < len(b) && b[len(b)-1-n] == '\\' {
		n++
	}
	return n%2 == 1
}

// readError wraps the read error that stopped s as an Error at its line.
func (s *arraySplitter) readError(name string) error {
	return &Error{File: name, Line: s.line, Err: fmt.Errorf("%w: %w", ErrRead, s.err)}
}
