package read

import (
	"fmt"

	"github.com/newsdedup/newsdedup/dedup"
)

// Record decodes one JSON object, rec, as JSONL reads a line: the same
// fields (opts.TitleFields, BodyFields, IDFields), the same rules and the
// same errors, for callers that get records one at a time rather than as
// a stream, such as a server given an article in a request. name and line
// say where rec comes from: they are the document's Source and Line, and
// the place an error names. rec may span several lines (white space
// between JSON tokens is JSON's); its paragraphs all carry line.
//
// One rule differs from JSONL's: a record with none of the id fields gets
// an empty ID, not "name:line", so that the caller can tell an article
// without an id (which an index cannot admit) from one with an id, and
// make up its own.
//
// A record that is not one valid JSON object, not valid UTF-8, longer
// than opts.MaxLineBytes or without a body is an *Error naming name and
// line, wrapping ErrInvalidJSON, ErrNotObject, ErrInvalidUTF8,
// ErrLineTooLong or ErrMissingBody. The document does not share memory
// with rec; its Raw is a copy of rec unless opts.NoRaw. opts.Format is
// ignored. Record is safe for concurrent use.
func Record(name string, line int, rec []byte, opts Options) (*dedup.Document, error) {
	opts.Format = ""
	o, _ := opts.withDefaults() // cannot fail with Format ""
	if len(rec) > o.MaxLineBytes {
		err := fmt.Errorf("%w: more than %d bytes", ErrLineTooLong, o.MaxLineBytes)
		return nil, &Error{File: name, Line: line, Err: err}
	}
	d := newJSONLDecoder(o)
	d.noDefaultID = true
	doc, err := d.decode(name, line, rec, FormatJSONL)
	if err != nil {
		return nil, &Error{File: name, Line: line, Err: err}
	}
	return doc, nil
}
