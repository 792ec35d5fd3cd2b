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

// The Redis tests and benchmarks run against the server and the cluster
// named by these variables (bash .ci/redis.sh sets both). Outside CI a
// missing URL skips them; in CI (CI set) it fails them.
const (
	envRedisURL   = "NEWSDEDUP_REDIS_URL"
	envClusterURL = "NEWSDEDUP_REDIS_CLUSTER_URL"
)

// testStores are the indexes the server is tested on, by name: memory
// (nil: the pipeline's own), a bbolt file, Redis and Redis Cluster.
var testStores = []string{"memory", "bolt", "redis", "redis-cluster"}

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
	case "redis", "redis-cluster":
		env := envRedisURL
		if name == "redis-cluster" {
			env = envClusterURL
		}
		url := os.Getenv(env)
		if url == "" {
			if os.Getenv("CI") != "" {
				tb.Fatalf("%s is not set, and CI must not skip the Redis tests: run them under bash .ci/redis.sh", env)
			}
			tb.Skipf("set %s (bash .ci/redis.sh does) to test the server on Redis", env)
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

// dropKeys deletes the keys of a prefix, on every master of a cluster.
func dropKeys(ctx context.Context, tb testing.TB, c redis.UniversalClient, prefix string) {
	drop := func(ctx context.Context, node *redis.Client) error {
		iter := node.Scan(ctx, 0, prefix+":*", 1000).Iterator()
		pipe := node.Pipeline()
		for iter.Next(ctx) {
			pipe.Del(ctx, iter.Val()) // one key each: keys of a cluster are in several slots
		}
		if err := iter.Err(); err != nil {
			return err
		}
		_, err := pipe.Exec(ctx)
		return err
	}
	var err error
	switch c := c.(type) {
	case *redis.ClusterClient:
		err = c.ForEachMaster(ctx, drop)
	case *redis.Client:
		err = drop(ctx, c)
	}
	if err != nil && err != redis.Nil {
		tb.Errorf("cleanup of %s: %v", prefix, err)
	}
}
