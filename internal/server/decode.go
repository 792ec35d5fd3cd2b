package server

// Request bodies: one JSON object, or an array of them. The array is
// split here, by a scanner that only follows strings and brackets; each
// element is then decoded, and validated as JSON, by read.Record, so that
// a bad article gets the message the JSONL reader gives for the same
// record, at the line of the body where the element starts.

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/read"
)

// sourceName is the Source of the documents of a request, and the file
// name of its errors ("request:3: missing body: ...").
const sourceName = "request"

// maxRecordErrors bounds the errors reported of one request.
const maxRecordErrors = 20

// decoded is the articles of a request body.
type decoded struct {
	docs []*dedup.Document
	// many is true when the body was an array: the answer is one too.
	many bool
}

// decodeBody returns the articles of body. A document without an id is
// an error when needID is set, else it gets "request:LINE", as a JSONL
// record does. It returns every record's error (up to maxRecordErrors)
// and no document when any is bad.
func decodeBody(body []byte, opts read.Options, needID bool) (decoded, []recordError) {
	body = bytes.TrimPrefix(body, []byte("\ufeff"))
	lines := lineIndex{data: body}
	i := skipWS(body, 0)
	if i == len(body) {
		err := &read.Error{File: sourceName, Line: 1, Err: fmt.Errorf("%w: empty body, want an article (a JSON object) or an array of them", read.ErrInvalidJSON)}
		return decoded{}, []recordError{{Line: 1, Error: err.Error()}}
	}
	if body[i] != '[' {
		n := lines.line(i)
		doc, err := decodeRecord(body, n, opts, needID)
		if err != nil {
			return decoded{}, []recordError{{Line: n, Error: err.Error()}}
		}
		return decoded{docs: []*dedup.Document{doc}}, nil
	}
	var out decoded
	out.many = true
	var errs []recordError
	item := 0
	for sp, err := range splitArray(body, i, &lines) {
		if err != nil {
			var re *read.Error
			errors.As(err, &re)
			errs = append(errs, recordError{Line: re.Line, Error: err.Error()})
			break
		}
		n := lines.line(sp.start)
		doc, err := decodeRecord(body[sp.start:sp.end], n, opts, needID)
		if err != nil {
			it := item
			if errs = append(errs, recordError{Item: &it, Line: n, Error: err.Error()}); len(errs) == maxRecordErrors {
				break
			}
		} else {
			out.docs = append(out.docs, doc)
		}
		item++
	}
	if len(errs) > 0 {
		return decoded{}, errs
	}
	return out, nil
}

// decodeRecord decodes one article at line n.
func decodeRecord(rec []byte, n int, opts read.Options, needID bool) (*dedup.Document, error) {
	doc, err := read.Record(sourceName, n, rec, opts)
	if err != nil {
		return nil, err
	}
	if doc.ID == "" {
		if needID {
			return nil, &read.Error{File: sourceName, Line: n, Err: errNoID(opts)}
		}
		doc.ID = sourceName + ":" + strconv.Itoa(n)
	}
	return doc, nil
}

// errNoID says that an article has none of the id fields.
func errNoID(opts read.Options) error {
	fields := opts.IDFields
	if fields == nil {
		fields = read.DefaultIDFields
	}
	var q []string
	for _, f := range fields {
		q = append(q, strconv.Quote(f))
	}
	return fmt.Errorf("no id: the index admits articles by id, and none of the fields %s holds one", strings.Join(q, ", "))
}

// span is where an element lies in the body: body[start:end].
type span struct{ start, end int }

// splitArray yields the elements of the JSON array starting at body[i],
// then checks that nothing but white space follows it. An element is
// delimited, not validated: strings and brackets are followed so that
// commas inside them do not split it. A body that is not an array of
// delimited elements yields an *read.Error wrapping read.ErrInvalidJSON,
// last.
func splitArray(body []byte, i int, lines *lineIndex) func(yield func(span, error) bool) {
	return func(yield func(span, error) bool) {
		syntax := func(pos int, expecting string) bool {
			what := "unexpected end of body"
			if pos < len(body) {
				r, _ := utf8.DecodeRune(body[pos:])
				what = "unexpected " + strconv.QuoteRune(r)
			}
			err := fmt.Errorf("%w: %s, %s", read.ErrInvalidJSON, what, expecting)
			return yield(span{}, &read.Error{File: sourceName, Line: lines.line(min(pos, len(body))), Err: err})
		}
		pos := skipWS(body, i+1)
		if pos < len(body) && body[pos] == ']' {
			if end := skipWS(body, pos+1); end < len(body) {
				syntax(end, "expecting the end of the body after the array")
			}
			return
		}
		for {
			if pos >= len(body) || body[pos] == ']' || body[pos] == ',' {
				syntax(pos, "expecting an article (a JSON object)")
				return
			}
			end, ok := skipValue(body, pos)
			if !ok {
				syntax(end, "expecting the end of the element")
				return
			}
			if !yield(span{pos, end}, nil) {
				return
			}
			pos = skipWS(body, end)
			switch {
			case pos < len(body) && body[pos] == ',':
				pos = skipWS(body, pos+1)
			case pos < len(body) && body[pos] == ']':
				if end := skipWS(body, pos+1); end < len(body) {
					syntax(end, "expecting the end of the body after the array")
				}
				return
			default:
				syntax(pos, "expecting ',' or ']' after an element of the array")
				return
			}
		}
	}
}

// skipValue returns where the value starting at body[pos] ends: after
// its closing bracket or quote, or, for anything else, at the next white
// space, comma or bracket. ok is false when the body ends first.
func skipValue(body []byte, pos int) (end int, ok bool) {
	depth := 0
	for i := pos; i < len(body); i++ {
		switch c := body[i]; c {
		case '"':
			i++
			for i < len(body) && body[i] != '"' {
				if body[i] == '\\' {
					i++
				}
				i++
			}
			if i >= len(body) {
				return len(body), false
			}
			if depth == 0 {
				return i + 1, true
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i, true // a scalar ends at the array's bracket
			}
			if depth--; depth == 0 {
				return i + 1, true
			}
		case ' ', '\t', '\n', '\r', ',':
			if depth == 0 {
				return i, true
			}
		}
	}
	if depth > 0 {
		return len(body), false
	}
	return len(body), true
}

// skipWS returns the first position from i that is not JSON white space.
func skipWS(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// lineIndex turns offsets of a body into 1-based line numbers, lines
// ending at "\n", "\r\n" or a lone "\r" as for the readers. Offsets must
// be asked for in increasing order.
type lineIndex struct {
	data []byte
	pos  int // offset counted up to
	n    int // line breaks before pos
}

func (l *lineIndex) line(off int) int {
	for ; l.pos < off && l.pos < len(l.data); l.pos++ {
		switch l.data[l.pos] {
		case '\n':
			l.n++
		case '\r':
			if l.pos+1 >= len(l.data) || l.data[l.pos+1] != '\n' {
				l.n++
			}
		}
	}
	return l.n + 1
}
