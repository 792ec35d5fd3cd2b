package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/boltstore"
	"github.com/newsdedup/newsdedup/dedup/redisstore"
)

// The Redis tests and benchmarks run against the server named by
// NEWSDEDUP_REDIS_URL (bash .ci/redis.sh sets it). Outside CI a missing
// URL skips them; in CI (CI set) it fails them.
const envRedisURL = "NEWSDEDUP_REDIS_URL"

// testStores are the indexes the server is tested on, by name: memory
// (nil: the pipeline's own), a bbolt file and Redis.
var testStores = []string{"memory", "bolt", "redis"}

// openTestStore opens the store of a name for one test, removed when it
// ends; nil for memory.
func openTestStore(tb testing.TB, name string) dedup.Store {
	tb.Helper()
	switch name {
	case "memory":
		return nil
	case "bolt":
		st, err := boltstore.Open(filepath.Join(tb.TempDir(), "index.db"), &boltstore.Options{NoSync: true})
		require.NoError(tb, err)
		tb.Cleanup(func() { st.Close() })
		return st
	case "redis":
		url := os.Getenv(envRedisURL)
		if url == "" {
			if os.Getenv("CI") != "" {
				tb.Fatalf("%s is not set, and CI must not skip the Redis tests: run them under bash .ci/redis.sh", envRedisURL)
			}
			tb.Skipf("set %s=redis://127.0.0.1:PORT/0 to test the server on Redis", envRedisURL)
		}
		var b [6]byte
		rand.Read(b[:])
		prefix := "ndtest:server:" + hex.EncodeToString(b[:])
		st, err := redisstore.Open(context.Background(), url, &redisstore.Options{Prefix: prefix})
		require.NoError(tb, err)
		tb.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			dropKeys(ctx, tb, st.Client(), prefix)
			st.Close()
		})
		return st
	}
	tb.Fatalf("no store %q", name)
	return nil
}

// dropKeys deletes the keys of a prefix.
func dropKeys(ctx context.Context, tb testing.TB, c redis.UniversalClient, prefix string) {
	iter := c.Scan(ctx, 0, prefix+":*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		tb.Errorf("cleanup of %s: %v", prefix, err)
		return
	}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		if err := c.Del(ctx, keys[:n]...).Err(); err != nil {
			tb.Errorf("cleanup of %s: %v", prefix, err)
			return
		}
		keys = keys[n:]
	}
}
