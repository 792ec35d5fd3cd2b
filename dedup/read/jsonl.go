package read

// JSONL articles: one JSON object per line.
//
// The decoder is hand-written because reading is on the hot path of a
// corpus scan: jsonrec.WalkObject validates the whole line as JSON (RFC
// 8259, nesting up to 10000 levels, as encoding/json) in one pass without
// allocating and notes where the values of the wanted fields are; then
// only those strings are unescaped. Keys are matched exactly
// (encoding/json's struct decoding would also match "Title" for "title"; a
// map would not); when a key repeats, the last value wins, as with
// encoding/json. jsonl_test.go checks it against encoding/json.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/internal/jsonrec"
)

// JSONL reads one article per line of r, a JSONL stream named name.
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
// opts.MaxLineBytes, no body) is yielded as (nil, *Error) naming
// name and the line, and reading goes on with the next line. A read error
// is yielded the same way and ends the iteration. opts.Format is ignored.
// The sequence reads r as it goes, so it can be ranged over only once.
func JSONL(name string, r io.Reader, opts Options) iter.Seq2[*dedup.Document, error] {
	return oneStream(r, opts, func(o Options, br *bufio.Reader, yield func(*dedup.Document, error) bool) {
		newJSONLDecoder(o).read(context.Background(), name, br, yield)
	})
}

// oneStream is the sequence of the documents that read yields from r,
// with opts' defaults, for the readers of one stream.
func oneStream(r io.Reader, opts Options, read func(o Options, br *bufio.Reader, yield func(*dedup.Document, error) bool)) iter.Seq2[*dedup.Document, error] {
	return func(yield func(*dedup.Document, error) bool) {
		opts.Format = ""
		o, _ := opts.withDefaults() // cannot fail with Format ""
		read(o, bufio.NewReaderSize(r, readBufferSize), yield)
	}
}

// jsonlDecoder turns JSONL lines into Documents, reusing its buffers from
// one line to the next. It is not safe for concurrent use.
type jsonlDecoder struct {
	opts   Options
	fields []string       // title fields, then body fields, then id fields
	slots  []jsonrec.Span // where the value of each field is in the current line
	nTitle int
	nBody  int
	// noDefaultID leaves the ID of a record without an id field empty
	// (Record) instead of "name:line".
	noDefaultID bool

	scratch []byte            // unescaped string being built
	keyBuf  []byte            // unescaped key
	paras   []dedup.Paragraph // paragraphs being collected
}

// newJSONLDecoder returns a decoder for opts, which must have its defaults.
func newJSONLDecoder(opts Options) *jsonlDecoder {
	d := &jsonlDecoder{opts: opts, nTitle: len(opts.TitleFields), nBody: len(opts.BodyFields)}
	d.fields = append(d.fields, opts.TitleFields...)
	d.fields = append(d.fields, opts.BodyFields...)
	d.fields = append(d.fields, opts.IDFields...)
	d.slots = make([]jsonrec.Span, len(d.fields))
	return d
}

// read yields the documents of the JSONL stream br. It returns false when
// iteration must stop (the consumer broke out, or ctx is done).
func (d *jsonlDecoder) read(ctx context.Context, name string, br *bufio.Reader, yield func(*dedup.Document, error) bool) bool {
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
			if !yield(nil, &Error{File: name, Line: lr.n, Err: err}) {
				return false
			}
			continue
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		doc, err := d.decode(name, lr.n, line, FormatJSONL)
		if err != nil {
			if !yield(nil, &Error{File: name, Line: lr.n, Err: err}) {
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

// decode turns line n of the stream name, a JSON object, into a
// dedup.Document of the given format (FormatJSONL or FormatJSON).
func (d *jsonlDecoder) decode(name string, n int, line []byte, format string) (*dedup.Document, error) {
	if cap(d.scratch) > maxKeptBuffer {
		d.scratch = nil // do not hold on to the memory of one huge body
	}
	if !utf8.Valid(line) {
		return nil, jsonrec.InvalidUTF8(line)
	}
	if err := d.scanRecord(line); err != nil {
		return nil, err
	}
	doc := &dedup.Document{Source: name, Line: n, Format: format}

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
	if looksHTML(body) {
		body, doc.BodyHTML = htmlText(body), true
	}
	d.paras = appendParagraphs(d.paras[:0], body, n)
	if len(d.paras) > 0 {
		doc.Paragraphs = make([]dedup.Paragraph, len(d.paras))
		copy(doc.Paragraphs, d.paras)
	}

	for i := range d.nTitle {
		sp := d.slots[i]
		if sp.End != 0 && line[sp.Start] == '"' {
			doc.Title = strings.TrimSpace(d.str(line, sp))
			doc.TitleField = d.fields[i]
			if doc.Title != "" {
				doc.TitleLine = n
			}
			break
		}
	}

	for _, sp := range d.slots[d.nTitle+d.nBody:] {
		if sp.End == 0 {
			continue
		}
		switch c := line[sp.Start]; {
		case c == '"':
			doc.ID = d.str(line, sp)
		case c == '-' || '0' <= c && c <= '9':
			doc.ID = string(line[sp.Start:sp.End])
		}
		if doc.ID != "" {
			break
		}
	}
	if doc.ID == "" && !d.noDefaultID {
		doc.ID = name + ":" + strconv.Itoa(n)
	}
	if !d.opts.NoRaw {
		doc.Raw = bytes.Clone(line)
	}
	return doc, nil
}

// body returns the body held by the value at sp: a string, or the elements
// of an array of strings joined by newlines. ok is false for anything else.
func (d *jsonlDecoder) body(line []byte, sp jsonrec.Span) (body string, ok bool) {
	if sp.End == 0 {
		return "", false
	}
	switch line[sp.Start] {
	case '"':
		return d.str(line, sp), true
	case '[':
	default:
		return "", false
	}
	d.scratch = d.scratch[:0]
	ok = jsonrec.ArrayStrings(line, sp, func(s jsonrec.Span, _ int) {
		if len(d.scratch) > 0 {
			d.scratch = append(d.scratch, '\n')
		}
		d.scratch = jsonrec.Unquote(d.scratch, line[s.Start+1:s.End-1])
	})
	if !ok {
		return "", false
	}
	return string(d.scratch), true
}

// str returns the string value at sp, unescaped.
func (d *jsonlDecoder) str(line []byte, sp jsonrec.Span) string {
	raw := line[sp.Start+1 : sp.End-1]
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw)
	}
	d.scratch = jsonrec.Unquote(d.scratch[:0], raw)
	return string(d.scratch)
}

// missingBody describes why no body field could be used.
func (d *jsonlDecoder) missingBody(line []byte) error {
	var tried, found []string
	for i, f := range d.opts.BodyFields {
		tried = append(tried, strconv.Quote(f))
		if sp := d.slots[d.nTitle+i]; sp.End != 0 {
			kind := jsonrec.Kind(line[sp.Start])
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

// scanRecord validates line as one JSON object and records in d.slots
// where the values of the wanted fields are.
func (d *jsonlDecoder) scanRecord(line []byte) error {
	clear(d.slots)
	var err error
	d.keyBuf, err = jsonrec.WalkObject(line, d.keyBuf, func(key []byte, v jsonrec.Span) {
		for i, f := range d.fields {
			if string(key) == f {
				d.slots[i] = v
			}
		}
	})
	return err
}

// appendParagraphs appends the non-blank lines of body, trimmed, to dst as
// paragraphs of source line n, each marked when a blank line stands
// before it. Lines end at "\n", "\r\n" or a lone "\r".
func appendParagraphs(dst []dedup.Paragraph, body string, n int) []dedup.Paragraph {
	start, blank := len(dst), false
	for len(body) > 0 {
		var ln string
		if i := strings.IndexByte(body, '\n'); i >= 0 {
			ln, body = body[:i], body[i+1:]
			ln = strings.TrimSuffix(ln, "\r")
		} else {
			ln, body = body, ""
		}
		// A lone "\r" ends a line too.
		for {
			seg, rest, more := strings.Cut(ln, "\r")
			if t := strings.TrimSpace(seg); t != "" {
				dst = append(dst, dedup.Paragraph{Text: t, Line: n, AfterBlank: blank && len(dst) > start})
				blank = false
			} else {
				blank = true
			}
			if !more {
				break
			}
			ln = rest
		}
	}
	return dst
}
