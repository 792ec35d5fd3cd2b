package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/boltstore"
	"github.com/newsdedup/newsdedup/dedup/redisstore"
)

// isRedisURL reports whether an index spec names Redis rather than a file.
func isRedisURL(spec string) bool {
	s := strings.ToLower(spec)
	return strings.HasPrefix(s, "redis://") || strings.HasPrefix(s, "rediss://")
}

// openStore opens the index store spec names for reading and writing: a
// redis:// or rediss:// URL is a Redis index (dedup/redisstore), anything
// else the path of a bbolt file (dedup/boltstore), created when missing.
func openStore(ctx context.Context, spec string) (dedup.Store, error) {
	return openStoreMode(ctx, spec, false, true)
}

// openStoreMode opens spec; readOnly opens a file under a shared lock, and
// create says whether a missing file may be created.
func openStoreMode(ctx context.Context, spec string, readOnly, create bool) (dedup.Store, error) {
	if spec == "" {
		return nil, errors.New("no index given")
	}
	if isRedisURL(spec) {
		st, err := redisstore.Open(ctx, spec, nil)
		if err != nil {
			return nil, err
		}
		return st, nil
	}
	if !create {
		if _, err := os.Stat(spec); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no index there", spec)
		}
	}
	st, err := boltstore.Open(spec, &boltstore.Options{ReadOnly: readOnly})
	if err != nil {
		return nil, err
	}
	return st, nil
}
