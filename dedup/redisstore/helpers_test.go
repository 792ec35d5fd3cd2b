package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/internal/ci"
)

// The Redis tests run against the servers named by these variables
// (bash .ci/redis.sh sets both). Outside CI a missing URL skips them; in
// CI (CI=true) it fails them, so that CI never passes without Redis.
const (
	envURL        = "NEWSDEDUP_REDIS_URL"
	envClusterURL = "NEWSDEDUP_REDIS_CLUSTER_URL"
)

// serverURL returns the URL of the single test server, or skips t.
func serverURL(tb testing.TB) string {
	tb.Helper()
	return urlFromEnv(tb, envURL, "redis://127.0.0.1:PORT/0")
}

// clusterURL returns the URL of the test cluster, or skips t.
func clusterURL(tb testing.TB) string {
	tb.Helper()
	return urlFromEnv(tb, envClusterURL, "redis://127.0.0.1:PORT?cluster=true&addr=127.0.0.1:PORT2")
}

func urlFromEnv(tb testing.TB, name, example string) string {
	tb.Helper()
	u := os.Getenv(name)
	if u != "" {
		return u
	}
	ci.Missing(tb, name+" is not set", "run the tests under bash .ci/redis.sh, or set "+name+"="+example)
	return ""
}

// clusterURLIfSet returns the cluster URL, "" when it is not set outside
// CI (in CI it must be set).
func clusterURLIfSet(tb testing.TB) string {
	tb.Helper()
	if os.Getenv(envClusterURL) != "" || ci.Enabled() {
		return clusterURL(tb)
	}
	return ""
}

// targets are the servers the Redis tests run on: the single server, and
// the cluster when its URL is set (in CI both must be).
func targets(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{"server": serverURL(t)}
	if u := clusterURLIfSet(t); u != "" {
		out["cluster"] = u
	}
	return out
}

// testPrefix returns a namespace of its own for one test: the test name
// and random hex, so that runs never see each other's keys.
func testPrefix(tb testing.TB) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := strings.NewReplacer(" ", "_", "*", "_", "?", "_", "[", "_", "]", "_", "{", "(", "}", ")").Replace(tb.Name())
	return "ndtest:" + name + ":" + hex.EncodeToString(b[:])
}

// openTest opens a store on url with a fresh prefix whose keys are
// deleted when the test ends. It does not close the store: the caller (or
// the conformance suite) does.
func openTest(tb testing.TB, url string) *Store {
	tb.Helper()
	return openTestWith(tb, url, Options{})
}

// openTestWith is openTest with options (their Prefix is replaced).
func openTestWith(tb testing.TB, url string, o Options) *Store {
	tb.Helper()
	prefix := testPrefix(tb)
	o.Prefix = prefix
	s, err := Open(context.Background(), url, &o)
	require.NoError(tb, err, "Open %s", url)
	dropOnCleanup(tb, url, prefix)
	return s
}

// dropOnCleanup deletes every key of the prefix on url when tb ends.
func dropOnCleanup(tb testing.TB, url, prefix string) {
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s, err := Open(ctx, url, &Options{Prefix: prefix})
		if err != nil {
			tb.Errorf("cleanup: %v", err)
			return
		}
		defer s.Close()
		if _, err := dropKeys(ctx, s.Client(), prefix); err != nil {
			tb.Errorf("cleanup of %s: %v", prefix, err)
		}
	})
}

// dropKeys deletes the keys that start with prefix+":" and returns how
// many there were.
func dropKeys(ctx context.Context, c redis.UniversalClient, prefix string) (int, error) {
	keys, err := keysOf(ctx, c, prefix)
	if err != nil {
		return 0, err
	}
	pipe := c.Pipeline()
	for _, k := range keys {
		pipe.Unlink(ctx, k) // one key per command: the keys span slots
	}
	if pipe.Len() > 0 {
		if _, err := pipe.Exec(ctx); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}

// keysOf lists the keys of prefix (SCAN on every master).
func keysOf(ctx context.Context, c redis.UniversalClient, prefix string) ([]string, error) {
	pattern := escapeGlob(prefix) + ":*"
	switch c := c.(type) {
	case *redis.ClusterClient:
		var mu sync.Mutex
		var out []string
		err := c.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
			keys, err := scanAll(ctx, m, pattern)
			mu.Lock()
			out = append(out, keys...)
			mu.Unlock()
			return err
		})
		return out, err
	case *redis.Client:
		return scanAll(ctx, c, pattern)
	}
	return nil, fmt.Errorf("unexpected client type %T", c)
}

func scanAll(ctx context.Context, c *redis.Client, pattern string) ([]string, error) {
	var out []string
	iter := c.Scan(ctx, 0, pattern, 1000).Iterator()
	for iter.Next(ctx) {
		out = append(out, iter.Val())
	}
	return out, iter.Err()
}
