package jsonrec

// Cleaning: writing an article back without some of its paragraphs.
//
// A cleaned article must differ from the one read only where paragraphs
// were removed, so both rewriters work on the bytes as read, never on a
// re-encoding:
//
//   - RewriteBody edits one JSONL record. Only the value of the body field
//     changes; every other byte of the record (other fields, their order,
//     white space, escapes) is copied. Inside the body, the lines kept are
//     copied as they were written, escapes included (a "\u201c" stays
//     "\u201c"), and a body held as an array of strings stays an array.
//   - RewriteText edits a plain-text article; the title line is never
//     removed.
//
// Both see a body the way the readers do: lines end at "\n", "\r\n" or a
// lone "\r" (for an array, each element also ends a line), and the
// non-blank lines are the paragraphs, numbered from 0. Removing a
// paragraph removes its line and the blank lines that separated it from
// the paragraph before (from the one after, when no paragraph before it
// is kept), so the blank lines between two kept paragraphs stay as they
// were, and the body ends with a line terminator exactly when it did.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
	"unicode/utf8"
)

// RewriteBody returns a copy of raw, one JSONL record (a JSON object), in
// which the string or array of strings held by the top-level field named
// field (the Document.BodyField the reader took the body from) has lost
// the paragraphs for which remove returns true. It also returns the number
// of paragraphs the body has, which is len(Document.Paragraphs) for the
// record's document; callers check it to be sure they remove what they
// mean to. When a key repeats, the last one is the field, as for the
// reader. remove is called once per paragraph, in order.
//
// The record must be valid UTF-8 and valid JSON; the field must hold a
// string or an array of strings. Otherwise RewriteBody returns an error
// wrapping ErrInvalidUTF8, ErrInvalidJSON, ErrNotObject or ErrMissingBody,
// with no prefix: the caller says what it was rewriting. It never modifies
// raw, and is safe for concurrent use.
func RewriteBody(raw []byte, field string, remove func(paragraph int) bool) ([]byte, int, error) {
	if !utf8.Valid(raw) {
		return nil, 0, InvalidUTF8(raw)
	}
	sp, err := findField(raw, field)
	if err != nil {
		return nil, 0, err
	}
	r := getRewriter()
	defer putRewriter(r)
	switch raw[sp.Start] {
	case '"':
		r.splitString(raw, sp.Start+1, sp.End-1)
	case '[':
		if !r.splitArray(raw, sp) {
			return nil, 0, fmt.Errorf("%w: field %q is an array with non-string elements", ErrMissingBody, field)
		}
	default:
		return nil, 0, fmt.Errorf("%w: field %q is %s", ErrMissingBody, field, Kind(raw[sp.Start]))
	}
	n := r.decide(remove)
	out := make([]byte, 0, len(raw))
	out = append(out, raw[:sp.Start]...)
	if raw[sp.Start] == '"' {
		out = append(out, '"')
		out, _ = r.appendLines(out, raw, 0, len(r.lines))
		out = append(out, '"')
	} else {
		out = r.appendArray(out, raw, sp)
	}
	out = append(out, raw[sp.End:]...)
	return out, n, nil
}

// RewriteText returns a copy of text, a plain-text article as dedup/read
// reads it, without the paragraphs for which remove returns true, and the
// number of paragraphs the article has. The title (the first non-blank
// line), the lines before it and a byte order mark are kept. remove is
// called once per paragraph, in order. It never modifies text, and is
// safe for concurrent use.
func RewriteText(text []byte, remove func(paragraph int) bool) ([]byte, int) {
	r := getRewriter()
	defer putRewriter(r)
	start := 0
	if bytes.HasPrefix(text, utf8BOM) {
		start = len(utf8BOM)
	}
	r.splitText(text, start)
	n := r.decide(remove)
	out := make([]byte, 0, len(text))
	out = append(out, text[:start]...)
	out, _ = r.appendLines(out, text, 0, len(r.lines))
	return out, n
}

// RewriteLines returns a copy of text without the paragraphs (its
// non-blank lines, ending at "\n", "\r\n" or a lone "\r") for which
// remove returns true, and the number of paragraphs it has. It is
// RewriteText without a title, for the bytes of a CSV field. It never
// modifies text, and is safe for concurrent use.
func RewriteLines(text []byte, remove func(paragraph int) bool) ([]byte, int) {
	r := getRewriter()
	defer putRewriter(r)
	r.titled = true // no line is a title
	r.splitText(text, 0)
	n := r.decide(remove)
	out := make([]byte, 0, len(text))
	out, _ = r.appendLines(out, text, 0, len(r.lines))
	return out, n
}

// utf8BOM is the UTF-8 encoding of U+FEFF, which RewriteText keeps.
var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// findField validates raw as one JSON object and returns the span of the
// value of its last top-level key equal to field.
func findField(raw []byte, field string) (Span, error) {
	var found Span
	if _, err := WalkObject(raw, nil, func(key []byte, v Span) {
		if string(key) == field {
			found = v
		}
	}); err != nil {
		return Span{}, err
	}
	if found.End == 0 {
		return Span{}, fmt.Errorf("%w: no field %q", ErrMissingBody, field)
	}
	return found, nil
}

// bodyLine is one line of a body, as byte offsets into the record or
// text: its content is [start,end), its terminator [end,term) (empty for
// the last line of an element or text).
type bodyLine struct {
	start, end, term int
	blank            bool // no paragraph on the line
	title            bool // the title line of a text article: always kept
	keep             bool // decided by decide
}

// arrayElem is one string of an array body: the bytes of the string,
// quotes included, [start,end), what follows it up to the next element or
// the closing bracket, [end,sepEnd), and its lines, lines[first:last].
type arrayElem struct {
	start, end, sepEnd int
	first, last        int
}

// bodyRewriter holds the lines of one body while it is rewritten. A string
// or text body is one element; an array has one per string. RewriteBody
// and RewriteText take one from a pool, so they are safe for concurrent
// use.
type bodyRewriter struct {
	lines   []bodyLine
	elems   []arrayElem
	titled  bool // a title line was seen (text)
	scratch []byte
}

// maxKeptBuffer is the largest scratch buffer a pooled bodyRewriter keeps.
const maxKeptBuffer = 1 << 20

// rewriters keeps bodyRewriters, and their buffers, between calls.
var rewriters = sync.Pool{New: func() any { return new(bodyRewriter) }}

func getRewriter() *bodyRewriter { return rewriters.Get().(*bodyRewriter) }

// putRewriter returns r to the pool, unless it holds the buffers of a
// huge body.
func putRewriter(r *bodyRewriter) {
	if cap(r.lines) > 1<<16 || cap(r.scratch) > maxKeptBuffer {
		return
	}
	r.lines, r.elems, r.titled, r.scratch = r.lines[:0], r.elems[:0], false, r.scratch[:0]
	rewriters.Put(r)
}

// splitString splits the escaped content raw[start:end] of a JSON string
// into lines. An escaped "\n" or "\r" (also as \u000a or \u000d) ends a
// line; "\r" then "\n" end one line together.
func (r *bodyRewriter) splitString(raw []byte, start, end int) {
	ls := start
	i := start
	for i < end {
		k := bytes.IndexByte(raw[i:end], '\\')
		if k < 0 {
			break
		}
		i += k
		nl, w := escapedNewline(raw[i:end])
		if nl == 0 {
			i += w
			continue
		}
		t := i + w
		if nl == '\r' {
			if nl2, w2 := escapedNewline(raw[t:end]); nl2 == '\n' {
				t += w2
			}
		}
		r.addLine(raw, ls, i, t, true)
		i, ls = t, t
	}
	r.addLine(raw, ls, end, end, true)
}

// escapedNewline reads the escape at the start of b: nl is '\n' or '\r'
// when it stands for one of them (0 otherwise), and w its width in bytes.
func escapedNewline(b []byte) (nl byte, w int) {
	if len(b) < 2 || b[0] != '\\' {
		return 0, 1
	}
	switch b[1] {
	case 'n':
		return '\n', 2
	case 'r':
		return '\r', 2
	case 'u':
		if len(b) < 6 {
			return 0, len(b)
		}
		switch hex4(b[2:6]) {
		case '\n':
			return '\n', 6
		case '\r':
			return '\r', 6
		}
		return 0, 6
	}
	return 0, 2
}

// splitArray splits the strings of the array at sp into lines, one element
// after another. It reports false when an element is not a string.
func (r *bodyRewriter) splitArray(raw []byte, sp Span) bool {
	return ArrayStrings(raw, sp, func(s Span, next int) {
		el := arrayElem{start: s.Start, end: s.End, sepEnd: next, first: len(r.lines)}
		r.splitString(raw, s.Start+1, s.End-1)
		el.last = len(r.lines)
		r.elems = append(r.elems, el)
	})
}

// splitText splits text[start:] into lines ending at "\n", "\r\n" or a
// lone "\r". The first non-blank line is the title.
func (r *bodyRewriter) splitText(text []byte, start int) {
	ls := start
	for i := start; i < len(text); i++ {
		c := text[i]
		if c != '\n' && c != '\r' {
			continue
		}
		t := i + 1
		if c == '\r' && t < len(text) && text[t] == '\n' {
			t++
		}
		r.addLine(text, ls, i, t, false)
		i, ls = t-1, t
	}
	r.addLine(text, ls, len(text), len(text), false)
}

// addLine appends the line [start,end) with terminator [end,term).
// escaped says whether the bytes are the content of a JSON string.
func (r *bodyRewriter) addLine(b []byte, start, end, term int, escaped bool) {
	ln := bodyLine{start: start, end: end, term: term, blank: r.blank(b[start:end], escaped)}
	if !escaped && !ln.blank && !r.titled {
		ln.title, r.titled = true, true
	}
	r.lines = append(r.lines, ln)
}

// blank reports whether a line holds only white space, as TrimSpace has
// it. Most lines start with a byte that settles it; the others are
// unescaped and trimmed.
func (r *bodyRewriter) blank(content []byte, escaped bool) bool {
	i := 0
	for i < len(content) && (content[i] == ' ' || content[i] == '\t') {
		i++
	}
	if i == len(content) {
		return true
	}
	if c := content[i]; c < utf8.RuneSelf && c != '\\' && c > ' ' && c != 0x7f {
		return false
	}
	if escaped && bytes.IndexByte(content, '\\') >= 0 {
		r.scratch = Unquote(r.scratch[:0], content)
		content = r.scratch
	}
	return len(bytes.TrimSpace(content)) == 0
}

// decide sets keep on every line and returns the number of paragraphs.
// A removed paragraph takes with it the blank lines before it, back to
// the last kept paragraph; when no paragraph before it is kept, it takes
// the blank lines after it instead, up to the next kept paragraph.
func (r *bodyRewriter) decide(remove func(int) bool) int {
	para := 0
	pending := -1 // first of the blank lines since the last paragraph
	keptAny := false
	dropBlanks := false // after a removed paragraph with none kept before
	keepPending := func(to int) {
		if pending >= 0 {
			for j := pending; j < to; j++ {
				r.lines[j].keep = true
			}
		}
		pending = -1
	}
	for i := range r.lines {
		ln := &r.lines[i]
		switch {
		case ln.blank:
			if !dropBlanks && pending < 0 {
				pending = i
			}
		case ln.title:
			// The title and the lines before it are not the body's.
			keepPending(i)
			ln.keep = true
		default:
			gone := remove(para)
			para++
			switch {
			case !gone:
				keepPending(i)
				ln.keep = true
				keptAny, dropBlanks = true, false
			case keptAny:
				pending = -1
			default:
				keepPending(i)
				dropBlanks = true
			}
		}
	}
	keepPending(len(r.lines))
	return para
}

// appendLines appends the kept lines of lines[first:last], one element, to
// dst. The last line kept loses its terminator when the element's last
// line was removed, so that the element ends with a terminator exactly
// when it did. It reports whether any line was kept.
func (r *bodyRewriter) appendLines(dst, b []byte, first, last int) ([]byte, bool) {
	lastKept := -1
	for i := first; i < last; i++ {
		if ln := &r.lines[i]; ln.keep {
			dst = append(dst, b[ln.start:ln.term]...)
			lastKept = i
		}
	}
	if lastKept >= 0 && lastKept != last-1 {
		ln := &r.lines[lastKept]
		dst = dst[:len(dst)-(ln.term-ln.end)]
	}
	return dst, lastKept >= 0
}

// appendArray appends the array at sp rewritten: its opening bracket and
// the white space after it, the elements with a line kept, each followed
// by the separator that followed it, and the white space and bracket that
// closed it.
func (r *bodyRewriter) appendArray(dst, raw []byte, sp Span) []byte {
	if len(r.elems) == 0 {
		return append(dst, raw[sp.Start:sp.End]...)
	}
	dst = append(dst, raw[sp.Start:r.elems[0].start]...)
	lastKept := -1
	for e, el := range r.elems {
		mark := len(dst)
		dst = append(dst, '"')
		var any bool
		if dst, any = r.appendLines(dst, raw, el.first, el.last); !any {
			dst = dst[:mark]
			continue
		}
		dst = append(dst, '"')
		dst = append(dst, raw[el.end:el.sepEnd]...)
		lastKept = e
	}
	last := r.elems[len(r.elems)-1]
	if lastKept >= 0 && lastKept != len(r.elems)-1 {
		// A comma follows the last element kept: put the white space
		// that followed the array's last element in its place.
		el := r.elems[lastKept]
		dst = dst[:len(dst)-(el.sepEnd-el.end)]
		dst = append(dst, raw[last.end:last.sepEnd]...)
	}
	if lastKept < 0 {
		// Every element was removed: an empty array.
		dst = append(dst[:len(dst)-(r.elems[0].start-sp.Start)], '[')
	}
	return append(dst, raw[last.sepEnd:sp.End]...)
}

// SetString returns a copy of raw, one JSONL record, in which the value of
// the top-level field named field is the JSON string of value; every other
// byte stays as it was. It fails as RewriteBody does when raw is not a JSON
// object with that field.
func SetString(raw []byte, field, value string) ([]byte, error) {
	sp, err := findField(raw, field)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(value); err != nil {
		return nil, err
	}
	q := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	out := make([]byte, 0, len(raw)-(sp.End-sp.Start)+len(q))
	out = append(out, raw[:sp.Start]...)
	out = append(out, q...)
	return append(out, raw[sp.End:]...), nil
}
