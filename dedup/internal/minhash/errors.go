package minhash

import "errors"

// ErrBadSignature is returned when an encoded signature cannot be decoded:
// a wrong version byte, a wrong length or impossible parameters.
var ErrBadSignature = errors.New("dedup: bad signature encoding")
