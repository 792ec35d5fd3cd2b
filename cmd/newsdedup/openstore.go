package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

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
// noSync, for a file only, skips the fsync after each write.
func openStore(ctx context.Context, spec string, noSync bool) (dedup.Store, error) {
	return openStoreMode(ctx, spec, storeMode{create: true, noSync: noSync})
}

// storeMode says how to open a store: readOnly opens a file under a shared
// lock, create allows a missing file to be created, noSync skips the
// fsync after each write to a file.
type storeMode struct {
	readOnly, create, noSync bool
	// retry is how long a Redis store retries transient failures; 0
	// means not at all.
	retry time.Duration
}

// openStoreMode opens spec in mode m.
func openStoreMode(ctx context.Context, spec string, m storeMode) (dedup.Store, error) {
	if spec == "" {
		return nil, errors.New("no index given")
	}
	if isRedisURL(spec) {
		if m.noSync {
			return nil, errors.New("--index-no-sync applies to a file index, not to Redis")
		}
		retry := m.retry
		if retry == 0 {
			retry = -1 // redisstore's 0 is its default; here it is none
		}
		st, err := redisstore.Open(ctx, spec, &redisstore.Options{Retry: retry})
		if err != nil {
			return nil, err
		}
		return st, nil
	}
	if !m.create {
		if _, err := os.Stat(spec); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no index there", spec)
		}
	}
	st, err := boltstore.Open(spec, &boltstore.Options{ReadOnly: m.readOnly, NoSync: m.noSync})
	if err != nil {
		return nil, err
	}
	return st, nil
}
