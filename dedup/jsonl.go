package dedup

// JSONL articles: one JSON object per line.
//
// The decoder is hand-written because reading is on the hot path of a
// corpus scan: it validates the whole line as JSON (RFC 8259, nesting up to
// 10000 levels, as encoding/json) in one pass without allocating, notes
// where the values of the wanted fields are, and then unescapes only those
// strings. Keys are matched exactly (encoding/json's struct decoding would
// also match "Title" for "title"; a map would not); when a key repeats, the
// last value wins, as with encoding/json. jsonl_test.go checks it against
// encoding/json.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"iter"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// ReadJSONL reads one article per line of r, a JSONL stream named name.
//
// For each non-blank line, which must be a JSON object:
//   - the title is the first of opts.TitleFields holding a string,
//     trimmed; no such field gives an empty title (not an error);
//   - the body is the first of opts.BodyFields holding a string or an
//     array of strings (whose elements are read as lines of one body);
//     its non-blank lines, trimmed, are the paragraphs. No such field is
//     an ErrMissingBody; an empty body gives a document with no paragraphs;
//   - the id is the first of opts.IDFields holding a non-empty string, or
//     a number (kept as written, e.g. "42" or "1e3"); else "name:line".
//
// A field holding null or a value of another type is passed over for the
// next field of its list. Title, paragraphs and id are valid UTF-8; a \u
// escape of a lone surrogate becomes U+FFFD, as with encoding/json.
//
// A bad line (invalid UTF-8, invalid JSON, not an object, longer than
// opts.MaxLineBytes, no body) is yielded as (nil, *InputError) naming
// name and the line, and reading goes on with the next line. A read error
// is yielded the same way and ends the iteration. opts.Format is ignored.
// The sequence reads r as it goes, so it can be ranged over only once.
func ReadJSONL(name string, r io.Reader, opts ReadOptions) iter.Seq2[*Document, error] {
	return func(yield func(*Document, error) bool) {
		opts.Format = ""
		o, _ := opts.withDefaults() // cannot fail with Format ""
		d := newJSONLDecoder(o)
		d.read(context.Background(), name, bufio.NewReaderSize(r, readBufferSize), yield)
	}
}

// jsonlDecoder turns JSONL lines into Documents, reusing its buffers from
// one line to the next. It is not safe for concurrent use.
type jsonlDecoder struct {
	opts   ReadOptions
	fields []string // title fields, then body fields, then id fields
	slots  []span   // where the value of each field is in the current line
	nTitle int
	nBody  int

	scratch []byte      // unescaped string being built
	keyBuf  []byte      // unescaped key
	paras   []Paragraph // paragraphs being collected
}

// span is where a value lies in a line: line[start:end]; end 0 means the
// field is absent.
type span struct{ start, end int }

// newJSONLDecoder returns a decoder for opts, which must have its defaults.
func newJSONLDecoder(opts ReadOptions) *jsonlDecoder {
	d := &jsonlDecoder{opts: opts, nTitle: len(opts.TitleFields), nBody: len(opts.BodyFields)}
	d.fields = append(d.fields, opts.TitleFields...)
	d.fields = append(d.fields, opts.BodyFields...)
	d.fields = append(d.fields, opts.IDFields...)
	d.slots = make([]span, len(d.fields))
	return d
}

// read yields the documents of the JSONL stream br. It returns false when
// iteration must stop (the consumer broke out, or ctx is done).
func (d *jsonlDecoder) read(ctx context.Context, name string, br *bufio.Reader, yield func(*Document, error) bool) bool {
	lr := newLineReader(br, d.opts.MaxLineBytes)
	for {
		line, tooLong, ok := lr.next()
		if !ok {
			break
		}
		if err := ctx.Err(); err != nil {
			yield(nil, err)
			return false
		}
		if tooLong {
			err := fmt.Errorf("%w: more than %d bytes", ErrLineTooLong, d.opts.MaxLineBytes)
			if !yield(nil, &InputError{File: name, Line: lr.n, Err: err}) {
				return false
			}
			continue
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		doc, err := d.decode(name, lr.n, line)
		if err != nil {
			if !yield(nil, &InputError{File: name, Line: lr.n, Err: err}) {
				return false
			}
			continue
		}
		if !yield(doc, nil) {
			return false
		}
	}
	if lr.err != nil {
		return yield(nil, lr.readError(name))
	}
	return true
}

// decode turns line n of the stream name into a Document.
func (d *jsonlDecoder) decode(name string, n int, line []byte) (*Document, error) {
	if cap(d.scratch) > maxKeptBuffer {
		d.scratch = nil // do not hold on to the memory of one huge body
	}
	if !utf8.Valid(line) {
		return nil, invalidUTF8(line)
	}
	if err := d.scanRecord(line); err != nil {
		return nil, err
	}
	doc := &Document{Source: name, Line: n}

	// Body first: without one there is no document.
	body, field, ok := "", "", false
	for i := range d.nBody {
		slot := d.nTitle + i
		if body, ok = d.body(line, d.slots[slot]); ok {
			field = d.fields[slot]
			break
		}
	}
	if !ok {
		return nil, d.missingBody(line)
	}
	doc.BodyField = field
	d.paras = appendParagraphs(d.paras[:0], body, n)
	if len(d.paras) > 0 {
		doc.Paragraphs = make([]Paragraph, len(d.paras))
		copy(doc.Paragraphs, d.paras)
	}

	for i := range d.nTitle {
		sp := d.slots[i]
		if sp.end != 0 && line[sp.start] == '"' {
			doc.Title = strings.TrimSpace(d.str(line, sp))
			doc.TitleField = d.fields[i]
			if doc.Title != "" {
				doc.TitleLine = n
			}
			break
		}
	}

	for _, sp := range d.slots[d.nTitle+d.nBody:] {
		if sp.end == 0 {
			continue
		}
		switch c := line[sp.start]; {
		case c == '"':
			doc.ID = d.str(line, sp)
		case c == '-' || '0' <= c && c <= '9':
			doc.ID = string(line[sp.start:sp.end])
		}
		if doc.ID != "" {
			break
		}
	}
	if doc.ID == "" {
		doc.ID = name + ":" + strconv.Itoa(n)
	}
	if !d.opts.NoRaw {
		doc.Raw = bytes.Clone(line)
	}
	return doc, nil
}

// body returns the body held by the value at sp: a string, or the elements
// of an array of strings joined by newlines. ok is false for anything else.
func (d *jsonlDecoder) body(line []byte, sp span) (body string, ok bool) {
	if sp.end == 0 {
		return "", false
	}
	switch line[sp.start] {
	case '"':
		return d.str(line, sp), true
	case '[':
	default:
		return "", false
	}
	// The line is valid JSON, so only the element types need checking.
	s := jsonScanner{data: line[:sp.end], pos: sp.start + 1}
	d.scratch = d.scratch[:0]
	s.skipWS()
	if s.at(']') {
		return "", true
	}
	for {
		if !s.at('"') {
			return "", false
		}
		start := s.pos
		if s.str() != nil {
			return "", false
		}
		if len(d.scratch) > 0 {
			d.scratch = append(d.scratch, '\n')
		}
		d.scratch = unquote(d.scratch, line[start+1:s.pos-1])
		s.skipWS()
		if s.at(']') {
			return string(d.scratch), true
		}
		s.pos++ // ','
		s.skipWS()
	}
}

// str returns the string value at sp, unescaped.
func (d *jsonlDecoder) str(line []byte, sp span) string {
	raw := line[sp.start+1 : sp.end-1]
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw)
	}
	d.scratch = unquote(d.scratch[:0], raw)
	return string(d.scratch)
}

// missingBody describes why no body field could be used.
func (d *jsonlDecoder) missingBody(line []byte) error {
	var tried, found []string
	for i, f := range d.opts.BodyFields {
		tried = append(tried, strconv.Quote(f))
		if sp := d.slots[d.nTitle+i]; sp.end != 0 {
			kind := jsonKind(line[sp.start])
			if kind == "an array" {
				kind = "an array with non-string elements"
			}
			found = append(found, fmt.Sprintf("%q is %s", f, kind))
		}
	}
	msg := "no field " + strings.Join(tried, ", ")
	if len(tried) == 0 {
		msg = "no body fields to try"
	}
	if len(found) > 0 {
		msg = "no string in field " + strings.Join(tried, ", ") + " (" + strings.Join(found, ", ") + ")"
	}
	return fmt.Errorf("%w: %s", ErrMissingBody, msg)
}

// jsonKind names the type of the JSON value starting with byte c.
func jsonKind(c byte) string {
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

// scanRecord validates line as one JSON object and records in d.slots
// where the values of the wanted fields are.
func (d *jsonlDecoder) scanRecord(line []byte) error {
	clear(d.slots)
	var err error
	d.keyBuf, err = walkObject(line, d.keyBuf, func(key []byte, v span) {
		for i, f := range d.fields {
			if string(key) == f {
				d.slots[i] = v
			}
		}
	})
	return err
}

// walkObject validates line as one JSON object and calls visit with each
// top-level key (unescaped, valid only during the call) and the span of
// its value, in order. keyBuf is scratch for escaped keys; walkObject
// returns it, perhaps grown.
func walkObject(line, keyBuf []byte, visit func(key []byte, v span)) ([]byte, error) {
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
		return keyBuf, fmt.Errorf("%w (it is %s)", ErrNotObject, jsonKind(line[s.pos]))
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
			keyBuf = unquote(keyBuf[:0], key)
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
		visit(key, span{vstart, s.pos})
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

// invalidUTF8 returns an ErrInvalidUTF8 naming the column of the first bad
// byte of line.
func invalidUTF8(line []byte) error {
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

// appendParagraphs appends the non-blank lines of body, trimmed, to dst as
// paragraphs of source line n. Lines end at "\n", "\r\n" or a lone "\r".
func appendParagraphs(dst []Paragraph, body string, n int) []Paragraph {
	for len(body) > 0 {
		var ln string
		if i := strings.IndexByte(body, '\n'); i >= 0 {
			ln, body = body[:i], body[i+1:]
		} else {
			ln, body = body, ""
		}
		for {
			j := strings.IndexByte(ln, '\r')
			if j < 0 {
				break
			}
			if t := strings.TrimSpace(ln[:j]); t != "" {
				dst = append(dst, Paragraph{Text: t, Line: n})
			}
			ln = ln[j+1:]
		}
		if t := strings.TrimSpace(ln); t != "" {
			dst = append(dst, Paragraph{Text: t, Line: n})
		}
	}
	return dst
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

// unquote appends the unescaped form of raw, the validated content of a
// JSON string without its quotes, to dst. Escapes of lone surrogates
// become U+FFFD, as encoding/json does.
func unquote(dst, raw []byte) []byte {
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
