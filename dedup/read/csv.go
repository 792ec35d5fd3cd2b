package read

// CSV articles: a header row naming the columns, then one article a
// record. dedup/internal/csvrec splits the records (as encoding/csv does)
// and keeps their bytes, for Clean to rewrite one field of them.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/internal/csvrec"
	"github.com/newsdedup/newsdedup/dedup/internal/jsonrec"
)

// CSV reads the articles of r, a CSV file named name: comma-separated,
// quoted as RFC 4180 has it, its first record a header naming the
// columns, every further record an article.
//
// The columns are found by name, as the fields of a JSONL record are
// (opts.TitleFields, BodyFields, IDFields; a header name is trimmed of
// spaces and, when it repeats, its first column counts): the title is the
// first title column there is, trimmed; the body the first body column
// there is, its non-blank lines, trimmed, the paragraphs; the id the first
// id column holding a value, else "name:line". A header with no body
// column is an *Error wrapping ErrMissingBody, and nothing of the file is
// read.
//
// A document's Line is the line where its record starts, which is also
// its TitleLine when it has a title; a paragraph's Line is the line of
// the file it is on (a quoted field may hold line breaks). Raw is the
// record's bytes without its line terminator, CSVHeader the header's,
// and Format "csv".
//
// A record that breaks the quoting rules, has another number of fields
// than the header, is longer than opts.MaxLineBytes or is not valid UTF-8
// is yielded as (nil, *Error) naming its line, and reading goes on with
// the next line, as encoding/csv does. Blank lines are skipped. The
// sequence reads r as it goes, so it can be ranged over only once.
func CSV(name string, r io.Reader, opts Options) iter.Seq2[*dedup.Document, error] {
	return oneStream(r, opts, func(o Options, br *bufio.Reader, yield func(*dedup.Document, error) bool) {
		readCSV(context.Background(), name, br, o, yield)
	})
}

// csvColumns are the columns of a CSV file that make a document.
type csvColumns struct {
	names []string
	title int   // -1 for none
	body  int   //
	ids   []int // in the order of opts.IDFields
}

// findColumns finds the columns of opts in the header names.
func findColumns(names []string, opts Options) (csvColumns, error) {
	first := func(name string) int {
		for i, n := range names {
			if n == name {
				return i
			}
		}
		return -1
	}
	c := csvColumns{names: names, title: -1, body: -1}
	for _, f := range opts.TitleFields {
		if c.title = first(f); c.title >= 0 {
			break
		}
	}
	for _, f := range opts.BodyFields {
		if c.body = first(f); c.body >= 0 {
			break
		}
	}
	for _, f := range opts.IDFields {
		if i := first(f); i >= 0 {
			c.ids = append(c.ids, i)
		}
	}
	if c.body < 0 {
		quote := func(ss []string) string {
			q := make([]string, len(ss))
			for i, s := range ss {
				q[i] = strconv.Quote(s)
			}
			return strings.Join(q, ", ")
		}
		msg := "no body column " + quote(opts.BodyFields)
		if len(opts.BodyFields) == 0 {
			msg = "no body columns to try"
		}
		return c, fmt.Errorf("%w: %s in the header (its columns: %s)", ErrMissingBody, msg, quote(names))
	}
	return c, nil
}

// readCSV yields the documents of the CSV stream br. It returns false
// when iteration must stop.
func readCSV(ctx context.Context, name string, br *bufio.Reader, opts Options, yield func(*dedup.Document, error) bool) bool {
	var bom []byte
	if b, _ := peek(br, len(utf8BOM)); bytes.Equal(b, utf8BOM) {
		bom = utf8BOM
		_, _ = br.Discard(len(utf8BOM))
	}
	cr := csvrec.NewReader(br, opts.MaxLineBytes)
	readErr := func() bool {
		return yield(nil, &Error{File: name, Line: cr.Line() + 1, Err: fmt.Errorf("%w: %w", ErrRead, cr.Err())})
	}
	raw, fields, line, err, ok := cr.Next()
	switch {
	case !ok && cr.Err() != nil:
		return readErr()
	case !ok:
		return true // empty
	case err != nil && errors.Is(err, csvrec.ErrTooLong):
		return yield(nil, &Error{File: name, Line: line, Err: fmt.Errorf("%w: the header: %w", ErrLineTooLong, err)})
	case err != nil:
		return yield(nil, &Error{File: name, Line: line, Err: fmt.Errorf("%w: the header: %w", ErrInvalidCSV, err)})
	case bytes.IndexByte(raw, 0) >= 0:
		return yield(nil, &Error{File: name, Line: line, Err: ErrBinary})
	case !utf8.Valid(raw):
		return yield(nil, &Error{File: name, Line: line, Err: jsonrec.InvalidUTF8(raw)})
	}
	header := make([]byte, 0, len(bom)+len(raw)+2)
	header = append(append(append(header, bom...), raw...), cr.Terminator()...)
	names := make([]string, len(fields))
	var buf []byte
	for i, f := range fields {
		buf = f.Value(buf[:0], raw)
		names[i] = string(bytes.TrimSpace(buf))
	}
	cols, err := findColumns(names, opts)
	if err != nil {
		return yield(nil, &Error{File: name, Line: line, Err: err})
	}
	var paras []dedup.Paragraph
	for {
		raw, fields, line, err, ok := cr.Next()
		if !ok {
			break
		}
		if cerr := ctx.Err(); cerr != nil {
			yield(nil, cerr)
			return false
		}
		switch {
		case err != nil && errors.Is(err, csvrec.ErrTooLong):
			err = fmt.Errorf("%w: %w", ErrLineTooLong, err)
		case err != nil:
			err = fmt.Errorf("%w: %w", ErrInvalidCSV, err)
		case len(fields) != len(names):
			err = fmt.Errorf("%w: the record has %d fields, the header %d", ErrInvalidCSV, len(fields), len(names))
		case !utf8.Valid(raw):
			err = jsonrec.InvalidUTF8(raw)
		}
		if err != nil {
			if !yield(nil, &Error{File: name, Line: line, Err: err}) {
				return false
			}
			continue
		}
		doc := &dedup.Document{Source: name, Line: line, Format: FormatCSV, BodyField: names[cols.body]}
		if cols.title >= 0 {
			buf = fields[cols.title].Value(buf[:0], raw)
			doc.Title = string(bytes.TrimSpace(buf))
			doc.TitleField = names[cols.title]
			if doc.Title != "" {
				doc.TitleLine = line
			}
		}
		f := fields[cols.body]
		buf = f.Value(buf[:0], raw)
		paras = appendCSVParagraphs(paras[:0], string(buf), line+bytes.Count(raw[:f.Start], []byte{'\n'}))
		if len(paras) > 0 {
			doc.Paragraphs = make([]dedup.Paragraph, len(paras))
			copy(doc.Paragraphs, paras)
		}
		for _, i := range cols.ids {
			if f := fields[i]; f.End > f.Start {
				buf = f.Value(buf[:0], raw)
				doc.ID = string(buf)
				break
			}
		}
		if doc.ID == "" {
			doc.ID = name + ":" + strconv.Itoa(line)
		}
		if !opts.NoRaw {
			doc.Raw = bytes.Clone(raw)
			doc.CSVHeader = header
		}
		if cap(buf) > maxKeptBuffer {
			buf = nil
		}
		if !yield(doc, nil) {
			return false
		}
	}
	if cr.Err() != nil {
		return readErr()
	}
	return true
}

// appendCSVParagraphs appends the non-blank lines of value, the value of
// a field that starts on line n, trimmed, to dst. Lines end at "\n" or
// a lone "\r" ("\r\n" was read as "\n"); only "\n" starts a new line of
// the file. A paragraph after a blank line is marked so. The paragraphs
// share value's memory.
func appendCSVParagraphs(dst []dedup.Paragraph, value string, n int) []dedup.Paragraph {
	start, blank := len(dst), false
	for len(value) > 0 {
		i := strings.IndexAny(value, "\r\n")
		ln := value
		if i >= 0 {
			ln = value[:i]
		}
		if t := strings.TrimSpace(ln); len(t) > 0 {
			dst = append(dst, dedup.Paragraph{Text: t, Line: n, AfterBlank: blank && len(dst) > start})
			blank = false
		} else {
			blank = true
		}
		if i < 0 {
			break
		}
		if value[i] == '\n' {
			n++
		}
		value = value[i+1:]
	}
	return dst
}
