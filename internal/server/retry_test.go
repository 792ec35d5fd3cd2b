package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
)

// flakyStore fails the Insert whose number (from 1) is failAt.
type flakyStore struct {
	dedup.Store
	failAt  int32
	inserts atomic.Int32
}

var errInjected = errors.New("injected store failure")

func (s *flakyStore) Insert(ctx context.Context, e dedup.Entry, bands []uint64) (dedup.Entry, bool, error) {
	if s.inserts.Add(1) == s.failAt {
		return dedup.Entry{}, false, errInjected
	}
	return s.Store.Insert(ctx, e, bands)
}

// TestCheckAndAddArrayRetry posts three new stories in one request whose
// third insert fails: the client hears only the error, and when it sends
// the three again each is reported admitted, not "already in the index"
// (which a crawler would drop as a duplicate of itself).
func TestCheckAndAddArrayRetry(t *testing.T) {
	for _, name := range testStores {
		t.Run(name, func(t *testing.T) {
			inner := openTestStore(t, name)
			if inner == nil {
				inner = dedup.NewMemoryStore()
			}
			st := &flakyStore{Store: inner, failAt: 3}
			srv := httptest.NewServer(mustServer(t, st, nil))
			defer srv.Close()
			var arts []map[string]any
			for _, copies := range syntheticStories(3, 1, 5) {
				arts = append(arts, copies[0])
			}
			body, _ := json.Marshal(arts)
			post := func() (int, []byte) {
				resp, err := http.Post(srv.URL+"/v1/check-and-add", "application/json", bytes.NewReader(body))
				require.NoError(t, err)
				defer resp.Body.Close()
				out, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, out
			}
			code, out := post()
			require.Equal(t, http.StatusServiceUnavailable, code, string(out))
			assert.Contains(t, string(out), errInjected.Error())

			code, out = post()
			require.Equal(t, http.StatusOK, code, string(out))
			var as []admission
			require.NoError(t, json.Unmarshal(out, &as))
			require.Len(t, as, 3)
			for _, a := range as {
				assert.True(t, a.Admitted, "%s admitted (duplicate_of %q)", a.ID, a.DuplicateOf)
			}

			// Reported once: a third time they are in the index.
			code, out = post()
			require.Equal(t, http.StatusOK, code, string(out))
			require.NoError(t, json.Unmarshal(out, &as))
			for _, a := range as {
				assert.False(t, a.Admitted, "%s the third time", a.ID)
				assert.Equal(t, a.ID, a.DuplicateOf)
			}
		})
	}
}
