package jsonrec

import "errors"

// Errors about one record. dedup/read returns them as its own sentinels,
// wrapped in an error that names the file and line, so their messages
// carry no package prefix ("corpus.jsonl:1042: invalid JSON: ...").
var (
	// ErrInvalidJSON is returned when a record is not valid JSON.
	ErrInvalidJSON = errors.New("invalid JSON")
	// ErrNotObject is returned when a record is valid JSON but not an
	// object (an array, a string, a number...).
	ErrNotObject = errors.New("record is not a JSON object")
	// ErrInvalidUTF8 is returned when a record or a line is not valid
	// UTF-8.
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	// ErrMissingBody is returned when the body field of a record is not
	// there, or holds neither a string nor an array of strings.
	ErrMissingBody = errors.New("missing body")
)
