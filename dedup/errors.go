package dedup

import (
	"errors"
	"strconv"

	"github.com/newsdedup/newsdedup/dedup/internal/jsonrec"
)

// Errors at one line of a residue pattern file (ParseResiduePatterns),
// wrapped in an *InputError. The article readers and their errors are in
// package dedup/read.
var (
	// ErrInvalidUTF8 is returned when a line is not valid UTF-8. It is
	// read.ErrInvalidUTF8.
	ErrInvalidUTF8 = jsonrec.ErrInvalidUTF8
	// ErrRead is returned when reading a file fails part-way.
	ErrRead = errors.New("read error")
)

// InputError is an error at one line of a file the package parses, a
// residue pattern file. Line is the 1-based line it concerns, or 0 when
// it concerns the whole file. (The readers of dedup/read return a
// read.Error, which formats the same way.)
type InputError struct {
	// File is the name of the input.
	File string
	// Line is the 1-based line, or 0 for the whole file.
	Line int
	// Err is what went wrong, usually wrapping a sentinel error.
	Err error
}

// Error formats the error as compilers do, "FILE:LINE: msg", or
// "FILE: msg" when Line is 0.
func (e *InputError) Error() string {
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
func (e *InputError) Unwrap() error { return e.Err }
