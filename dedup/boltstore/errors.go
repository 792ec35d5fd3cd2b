package boltstore

import "errors"

// Errors returned when opening a file.
var (
	// ErrNotIndex is returned by Open when the file is a bbolt database
	// but not a newsdedup index (it has buckets of its own and no meta
	// bucket), so Open leaves it untouched.
	ErrNotIndex = errors.New("boltstore: not a newsdedup index")
	// ErrFormatVersion is returned by Open when the index was written in a
	// format version this package does not read.
	ErrFormatVersion = errors.New("boltstore: unsupported format version")
	// ErrInUse is returned by Open when another Store, in this process or
	// another, holds the file's lock for longer than Options.Timeout.
	ErrInUse = errors.New("boltstore: index is in use")
)

// Errors returned by the Store methods.
var (
	// ErrCorrupt is returned when a stored value cannot be decoded or the
	// buckets disagree (a band membership naming a missing entry, a
	// counter below zero). The error that wraps it names the key.
	ErrCorrupt = errors.New("boltstore: corrupt index")
	// ErrEmptyID is returned by Insert when the entry has no ID.
	ErrEmptyID = errors.New("boltstore: empty entry id")
	// ErrInvalidStatus is returned by Insert and SetStatus for a status that
	// is not one of dedup.StatusPending, StatusAdmitted, StatusDuplicate.
	ErrInvalidStatus = errors.New("boltstore: invalid status")
)
