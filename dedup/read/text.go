package read

// Plain-text articles: one article per file, the first non-blank line the
// headline, every further non-blank line a paragraph.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/internal/jsonrec"
)

// Text reads the one article in r, a plain-text file named name.
//
// The first non-blank line, trimmed, is the title; every further non-blank
// line, trimmed, is a paragraph, with its 1-based line in the file. Lines
// end at "\n", "\r\n" or a lone "\r"; a UTF-8 byte order mark at the start
// is dropped. The document's ID and Source are name, its Line 1, and its
// Raw the whole file, which dedup.Clean rewrites.
//
// A file with a title and nothing else is a document with no paragraphs.
// The whole file is skipped, with an *Error naming name and the line,
// when a line holds a NUL byte (ErrBinary), is not valid UTF-8
// (ErrInvalidUTF8), or is longer than DefaultMaxLineBytes
// (ErrLineTooLong), or when reading fails (ErrRead). An empty file, or one
// with only blank lines, has no article: it is an *Error wrapping
// ErrNoHeadline, with Line 0.
func Text(name string, r io.Reader) (*dedup.Document, error) {
	return readText(name, bufio.NewReaderSize(r, readBufferSize), DefaultMaxLineBytes, true)
}

// readText is Text with a line cap of max bytes, keeping the file's bytes
// in Raw when raw is set.
func readText(name string, br *bufio.Reader, max int, raw bool) (*dedup.Document, error) {
	var data bytes.Buffer
	if raw {
		// Keep every byte as it is read, so that a read error still names
		// its line.
		br = bufio.NewReaderSize(io.TeeReader(br, &data), readBufferSize)
	}
	lr := newLineReader(br, max)
	doc := &dedup.Document{ID: name, Source: name, Line: 1, Format: FormatText}
	blank := false // a blank line since the last paragraph
	for {
		line, tooLong, ok := lr.next()
		if !ok {
			break
		}
		if tooLong {
			return nil, &Error{File: name, Line: lr.n, Err: fmt.Errorf("%w: more than %d bytes", ErrLineTooLong, max)}
		}
		if i := bytes.IndexByte(line, 0); i >= 0 {
			return nil, &Error{File: name, Line: lr.n, Err: fmt.Errorf("%w at column %d", ErrBinary, i+1)}
		}
		if !utf8.Valid(line) {
			return nil, &Error{File: name, Line: lr.n, Err: jsonrec.InvalidUTF8(line)}
		}
		t := bytes.TrimSpace(line)
		if len(t) == 0 {
			blank = true
			continue
		}
		if doc.TitleLine == 0 {
			doc.Title = string(t)
			doc.TitleLine = lr.n
			continue
		}
		doc.Paragraphs = append(doc.Paragraphs, dedup.Paragraph{Text: string(t), Line: lr.n, AfterBlank: blank && len(doc.Paragraphs) > 0})
		blank = false
	}
	if lr.err != nil {
		return nil, lr.readError(name)
	}
	if doc.TitleLine == 0 {
		what := "the file is empty"
		if lr.n > 0 {
			what = "the file has only blank lines"
		}
		return nil, &Error{File: name, Err: fmt.Errorf("%w: %s", ErrNoHeadline, what)}
	}
	if raw {
		doc.Raw = data.Bytes()
	}
	return doc, nil
}
