package residue

import (
	"errors"
	"strconv"
)

// Errors of ParsePatterns, wrapped in a *PatternError that names the line.
// Like the input errors of the dedup package their messages carry no
// package prefix: the location comes first ("site.txt:12: invalid regexp:
// ..."). Test for them with errors.Is.
var (
	// ErrInvalidRegexp is returned when a rule's regular expression does
	// not compile.
	ErrInvalidRegexp = errors.New("invalid regexp")
	// ErrInvalidPattern is returned when a rule line is not "CATEGORY
	// [WEIGHT] REGEXP": no regexp, a bad category name, a weight out of
	// (0,1], invalid UTF-8, a line that is too long or one rule too many.
	ErrInvalidPattern = errors.New("invalid residue pattern")
)

// errInvalidUTF8 says why a rule line is an ErrInvalidPattern, in the
// words of the dedup package's readers.
var errInvalidUTF8 = errors.New("invalid UTF-8")

// PatternError is an error on one line of a pattern file. The caller,
// who knows the file's name, prints it "FILE:LINE: msg".
type PatternError struct {
	// Line is the 1-based line of the file.
	Line int
	// Err is what went wrong, wrapping ErrInvalidRegexp or
	// ErrInvalidPattern, or the reader's error.
	Err error
}

// Error formats the error as "line N: msg".
func (e *PatternError) Error() string {
	msg := "<nil>"
	if e.Err != nil {
		msg = e.Err.Error()
	}
	return "line " + strconv.Itoa(e.Line) + ": " + msg
}

// Unwrap returns the underlying error.
func (e *PatternError) Unwrap() error { return e.Err }
