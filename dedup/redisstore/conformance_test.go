package redisstore

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/storetest"
)

// TestConformance runs the Store conformance suite on a single server and
// on Redis Cluster; Reopen connects again to the same prefix.
func TestConformance(t *testing.T) {
	for name, url := range targets(t) {
		t.Run(name, func(t *testing.T) {
			storetest.RunSuite(t, storetest.Suite{
				Open: func(t *testing.T) dedup.Store { return openTest(t, url) },
				Reopen: func(t *testing.T, closed dedup.Store) dedup.Store {
					s, err := Open(context.Background(), url, &Options{Prefix: closed.(*Store).Prefix()})
					require.NoError(t, err)
					return s
				},
				KeepsDecider: true,
			})
		})
	}
}
