package read

import (
	"errors"
	"strconv"

	"github.com/newsdedup/newsdedup/dedup/internal/jsonrec"
)

// Errors about one record or one input file. The readers return them
// wrapped in an *Error that names the file and line, so, like the
// sentinels of encoding/csv, their messages carry no package prefix: the
// location comes first ("corpus.jsonl:1042: invalid JSON: ...").
// Test for them with errors.Is.
var (
	// ErrInvalidJSON is returned when a JSONL line is not valid JSON.
	ErrInvalidJSON = jsonrec.ErrInvalidJSON
	// ErrNotObject is returned when a JSONL line is valid JSON but not an
	// object (an array, a string, a number...).
	ErrNotObject = jsonrec.ErrNotObject
	// ErrInvalidUTF8 is returned when a line is not valid UTF-8. A JSONL
	// record is skipped; a text file is skipped whole.
	ErrInvalidUTF8 = jsonrec.ErrInvalidUTF8
	// ErrLineTooLong is returned when a line is longer than
	// Options.MaxLineBytes. The reader skips to the end of that line.
	ErrLineTooLong = errors.New("line too long")
	// ErrMissingBody is returned when a JSONL record has none of the body
	// fields, or none of them holds a string or an array of strings.
	ErrMissingBody = jsonrec.ErrMissingBody
	// ErrBinary is returned when a text file contains NUL bytes.
	ErrBinary = errors.New("binary file (NUL byte)")
	// ErrNoHeadline is returned when a text file is empty or has only
	// blank lines, so there is no headline and no article.
	ErrNoHeadline = errors.New("no headline")
	// ErrRead is returned when reading or decompressing a file fails
	// part-way; the rest of that file is skipped.
	ErrRead = errors.New("read error")
	// ErrLinkOutside is returned for a symbolic link inside a folder that
	// leads out of it: it is not read unless Options.FollowSymlinks.
	ErrLinkOutside = errors.New("symbolic link out of the folder, not followed")
	// ErrInvalidCSV is returned when a CSV record breaks the quoting
	// rules (RFC 4180, as encoding/csv reads them) or has another number
	// of fields than the header. The record is skipped.
	ErrInvalidCSV = errors.New("invalid CSV")
	// ErrUnsupportedCompression is returned for input compressed with
	// something other than gzip, zstd or bzip2: "unsupported compression
	// (xz)". The file is skipped.
	ErrUnsupportedCompression = errors.New("unsupported compression")
)

// ErrEmptyFolder is returned, in an *Error naming the folder, when a
// folder given to Paths holds no file it reads.
var ErrEmptyFolder = errors.New("no file to read in the folder (.txt, .text, .jsonl, .ndjson, .json or .csv, plain or compressed)")

// ErrUnknownFormat is returned by Paths when Options.Format is not one of
// "", "auto", "text", "jsonl", "json" or "csv".
var ErrUnknownFormat = errors.New("read: unknown input format")

// ErrNoStdin is returned by Paths when it is asked to read "-" (or no
// paths) but was given a nil stdin. Iteration goes on with the next path.
var ErrNoStdin = errors.New("read: no standard input to read")

// Error is an error in one record or one file of the input. Line is the
// 1-based line it concerns, or 0 when it concerns the whole file (it
// cannot be opened, or a text file has no headline).
type Error struct {
	// File is the path of the input ("-" for standard input).
	File string
	// Line is the 1-based line, or 0 for the whole file.
	Line int
	// Err is what went wrong, usually wrapping one of the sentinels above.
	Err error
}

// Error formats the error as compilers do, "FILE:LINE: msg", or
// "FILE: msg" when Line is 0.
func (e *Error) Error() string {
	msg := "<nil>"
	if e.Err != nil {
		msg = e.Err.Error()
	}
	if e.Line <= 0 {
		return e.File + ": " + msg
	}
	return e.File + ":" + strconv.Itoa(e.Line) + ": " + msg
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }
