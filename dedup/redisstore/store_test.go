package redisstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
)

func ctxOf(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// TestKeyLayout checks the keys the package comment describes, on the
// server and on the cluster.
func TestKeyLayout(t *testing.T) {
	for name, u := range targets(t) {
		t.Run(name, func(t *testing.T) {
			ctx := ctxOf(t)
			s := openTest(t, u)
			defer s.Close()
			P := s.Prefix()
			seq, err := s.NextSeq(ctx, 1)
			require.NoError(t, err)
			require.NoError(t, put(s, ctx, dedup.Entry{ID: "a{1}", Seq: seq, Status: dedup.StatusPending, Sig: []byte{0, 1, 2}},
				[]uint64{0xab, 1 << 63}))
			require.NoError(t, put(s, ctx, dedup.Entry{ID: "b", Seq: 9, Status: dedup.StatusAdmitted, Sig: []byte("B")}, []uint64{0xab}))
			require.NoError(t, s.SetStatus(ctx, "a{1}", "", dedup.StatusDuplicate, "b"))

			keys, err := keysOf(ctx, s.Client(), P)
			require.NoError(t, err)
			slices.Sort(keys)
			assert.Equal(t, []string{
				P + ":b:00000000000000ab",
				P + ":b:8000000000000000",
				P + ":e:a{1}",
				P + ":e:b",
				P + ":marker",
				P + ":seq",
				P + ":stats",
			}, keys, "the keys of the layout, and no others")

			c := s.Client()
			h, err := c.HGetAll(ctx, P+":e:a{1}").Result()
			require.NoError(t, err)
			assert.Equal(t, map[string]string{
				"q": fmt.Sprint(seq), "s": "2", "d": "b", "g": "\x00\x01\x02",
				"b": "\x00\x00\x00\x00\x00\x00\x00\xab\x80\x00\x00\x00\x00\x00\x00\x00",
				"o": "", "l": "0", "a": "0", "x": "0",
			}, h, "the entry hash: seq, status, dupOf, signature, packed band keys, lease, times")
			m, err := c.SMembers(ctx, P+":b:00000000000000ab").Result()
			require.NoError(t, err)
			slices.Sort(m)
			assert.Equal(t, []string{"a{1}", "b"}, m, "a band set holds the ids filed under it")
			st, err := c.HGetAll(ctx, P+":stats").Result()
			require.NoError(t, err)
			assert.Equal(t, map[string]string{"entries": "2", "admitted": "1", "duplicates": "1"}, st)

			require.NoError(t, s.Remove(ctx, "a{1}"))
			require.NoError(t, s.Remove(ctx, "b"))
			keys, err = keysOf(ctx, s.Client(), P)
			require.NoError(t, err)
			slices.Sort(keys)
			assert.Equal(t, []string{P + ":marker", P + ":seq", P + ":stats"}, keys, "removing every entry leaves no entry hash and no band set")
		})
	}
}

// TestClusterSpreadsKeys checks that the cluster target is a real cluster
// and that the entries of one index land on several of its masters: no
// operation relies on keys sharing a slot.
func TestClusterSpreadsKeys(t *testing.T) {
	u := clusterURL(t)
	ctx := ctxOf(t)
	s := openTest(t, u)
	defer s.Close()
	cc, ok := s.Client().(*redis.ClusterClient)
	require.True(t, ok, "a cluster URL gives a cluster client")
	for i := range 60 {
		require.NoError(t, put(s, ctx, dedup.Entry{ID: fmt.Sprint("id", i), Seq: uint64(i + 1), Sig: []byte("S")}, []uint64{uint64(i), 1000}))
	}
	var masters atomic.Int32
	var withKeys atomic.Int32
	require.NoError(t, cc.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
		masters.Add(1)
		keys, err := scanAll(ctx, m, escapeGlob(s.Prefix())+":*")
		if len(keys) > 0 {
			withKeys.Add(1)
		}
		return err
	}))
	require.GreaterOrEqual(t, masters.Load(), int32(2), "the test cluster has several masters")
	assert.Equal(t, masters.Load(), withKeys.Load(), "every master holds keys of the index")
	es, err := s.Candidates(ctx, []uint64{1000, 3, 4})
	require.NoError(t, err)
	assert.Len(t, es, 60, "one query gathers entries from every master")
}

// TestCounters checks that Stats stays exact when the guessed counter
// moves are wrong: replacing entries, re-deciding them, deciding a
// missing one.
func TestCounters(t *testing.T) {
	ctx := ctxOf(t)
	s := openTest(t, serverURL(t))
	defer s.Close()
	steps := []struct {
		reason string
		do     func() error
		want   dedup.StoreStats
	}{
		{"a new pending entry", func() error { return put(s, ctx, dedup.Entry{ID: "a", Seq: 1, Owner: "o"}, []uint64{1}) },
			dedup.StoreStats{Entries: 1}},
		{"a new duplicate entry", func() error {
			return put(s, ctx, dedup.Entry{ID: "b", Seq: 2, Status: dedup.StatusDuplicate, DupOf: "a"}, []uint64{1})
		}, dedup.StoreStats{Entries: 2, Duplicates: 1}},
		{"an Insert of a taken id counts nothing", func() error {
			_, ok, err := s.Insert(ctx, dedup.Entry{ID: "b", Seq: 3, Status: dedup.StatusAdmitted}, []uint64{2})
			assert.False(t, ok)
			return err
		}, dedup.StoreStats{Entries: 2, Duplicates: 1}},
		{"pending to admitted", func() error { return s.SetStatus(ctx, "a", "o", dedup.StatusAdmitted, "") },
			dedup.StoreStats{Entries: 2, Admitted: 1, Duplicates: 1}},
		{"deciding again changes nothing", func() error {
			assert.ErrorIs(t, s.SetStatus(ctx, "a", "o", dedup.StatusDuplicate, "b"), dedup.ErrLeaseLost)
			return nil
		}, dedup.StoreStats{Entries: 2, Admitted: 1, Duplicates: 1}},
		{"deciding a missing id counts nothing", func() error {
			err := s.SetStatus(ctx, "ghost", "o", dedup.StatusDuplicate, "a")
			if !assert.ErrorIs(t, err, dedup.ErrNotFound) {
				return err
			}
			return nil
		}, dedup.StoreStats{Entries: 2, Admitted: 1, Duplicates: 1}},
		{"removing the admitted entry", func() error { return s.Remove(ctx, "a") },
			dedup.StoreStats{Entries: 1, Duplicates: 1}},
		{"removing the duplicate", func() error { return s.Remove(ctx, "b") },
			dedup.StoreStats{}},
	}
	for _, st := range steps {
		require.NoError(t, st.do(), st.reason)
		got, err := s.Stats(ctx)
		require.NoError(t, err, st.reason)
		st.want.BandKeys = -1
		assert.Equal(t, st.want, got, st.reason)
	}
}

// TestSkipsDanglingIDs checks that Candidates skips ids whose entry is not
// there (a Remove cut short, or a Put whose hash is not written yet), and
// names an id met in several bands once, on a single server and on a
// cluster.
func TestSkipsDanglingIDs(t *testing.T) {
	for name, u := range targets(t) {
		t.Run(name, func(t *testing.T) {
			ctx := ctxOf(t)
			s := openTest(t, u)
			defer s.Close()
			require.NoError(t, put(s, ctx, dedup.Entry{ID: "a", Seq: 1, Sig: []byte("A")}, []uint64{7, 8}))
			require.NoError(t, s.Client().SAdd(ctx, s.bandKey(7), "gone").Err())
			es, err := s.Candidates(ctx, []uint64{7, 8, 9})
			require.NoError(t, err)
			require.Len(t, es, 1)
			assert.Equal(t, "a", es[0].ID)
			assert.Equal(t, []byte("A"), es[0].Sig)
		})
	}
}

// TestCorruptEntries checks that entries damaged by hand give errors, not
// panics or wrong entries.
func TestCorruptEntries(t *testing.T) {
	ctx := ctxOf(t)
	s := openTest(t, serverURL(t))
	defer s.Close()
	c := s.Client()
	cases := []struct {
		reason string
		fields []string
		want   string
	}{
		{"a status out of range", []string{"q", "1", "s", "7", "d", "", "g", "x", "b", ""}, "invalid status"},
		{"a seq that is not a number", []string{"q", "x1", "s", "0", "d", "", "g", "x", "b", ""}, "seq"},
		{"a missing signature field", []string{"q", "1", "s", "0", "d", ""}, "missing"},
	}
	for i, cs := range cases {
		id := fmt.Sprint("bad", i)
		args := make([]any, len(cs.fields))
		for j, f := range cs.fields {
			args[j] = f
		}
		require.NoError(t, c.HSet(ctx, s.entryKey(id), args...).Err(), cs.reason)
		require.NoError(t, c.SAdd(ctx, s.bandKey(uint64(100+i)), id).Err(), cs.reason)
		_, err := s.Get(ctx, id)
		require.Error(t, err, cs.reason)
		assert.Contains(t, err.Error(), cs.want, cs.reason)
		assert.NotErrorIs(t, err, dedup.ErrNotFound, cs.reason)
		_, err = s.Candidates(ctx, []uint64{uint64(100 + i)})
		assert.Error(t, err, "Candidates reports it too: %s", cs.reason)
	}
	require.NoError(t, c.HSet(ctx, s.entryKey("bad0"), "s", "9").Err())
	err := s.Remove(ctx, "bad0")
	require.Error(t, err, "Remove of an entry with a bad status")
	assert.Contains(t, err.Error(), "invalid status")
}

// TestPasswordAndDatabase connects as an ACL user with a password and to
// a database other than 0.
func TestPasswordAndDatabase(t *testing.T) {
	ctx := ctxOf(t)
	base := serverURL(t)
	admin := openTest(t, base)
	defer admin.Close()
	user := strings.ReplaceAll(admin.Prefix(), ":", "-")
	const password = "pa:ss/w@rd"
	require.NoError(t, admin.Client().Do(ctx, "ACL", "SETUSER", user, "on", ">"+password,
		"~"+escapeGlob(admin.Prefix())+":*", "+@all").Err())
	t.Cleanup(func() { admin.Client().Do(context.Background(), "ACL", "DELUSER", user) })

	u, err := url.Parse(base)
	require.NoError(t, err)
	u.User = url.UserPassword(user, password)
	u.Path = "/2"
	q := u.Query()
	q.Set("prefix", admin.Prefix())
	u.RawQuery = q.Encode()

	s, err := Open(ctx, u.String(), nil)
	require.NoError(t, err, "the right user and password")
	defer s.Close()
	assert.Equal(t, admin.Prefix(), s.Prefix(), "the prefix parameter of the URL")
	require.NoError(t, put(s, ctx, dedup.Entry{ID: "x", Seq: 1, Sig: []byte("X")}, []uint64{5}))
	n, err := s.Client().Exists(ctx, s.entryKey("x")).Result()
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	n, err = admin.Client().Exists(ctx, s.entryKey("x")).Result()
	require.NoError(t, err)
	assert.Equal(t, int64(0), n, "the entry is in database 2, not 0")
	_, err = dropKeys(ctx, s.Client(), s.Prefix())
	require.NoError(t, err)

	u.User = url.UserPassword(user, "wrong-secret")
	_, err = Open(ctx, u.String(), nil)
	require.Error(t, err, "a wrong password")
	assert.NotContains(t, err.Error(), "wrong-secret", "the error does not show the password")

	_, err = Open(ctx, "redis://127.0.0.1:1/0", nil)
	assert.Error(t, err, "nothing listens on port 1")
}

// TestClosed checks that a closed store fails instead of hanging.
func TestClosed(t *testing.T) {
	ctx := ctxOf(t)
	s := openTest(t, serverURL(t))
	require.NoError(t, s.Close())
	_, err := s.NextSeq(ctx, 1)
	assert.Error(t, err)
	_, err = s.Get(ctx, "a")
	assert.Error(t, err)
	assert.NotErrorIs(t, err, dedup.ErrNotFound, "a closed store does not claim the entry is missing")
}

// roundTrips counts the requests a client sends: single commands and
// whole pipelines (batched or not) count one each.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmd)
	}
}
func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmds)
	}
}

// TestRoundTrips checks how many requests each operation sends, which is
// what bounds throughput: Put, Candidates (two pipelines) and SetStatus of
// a pending entry are each one request, whatever the number of band keys.
func TestRoundTrips(t *testing.T) {
	ctx := ctxOf(t)
	s := openTest(t, serverURL(t))
	defer s.Close()
	bands := make([]uint64, 32)
	for i := range bands {
		bands[i] = uint64(i) * 7919
	}
	// Warm up: the first single command and the first pipeline each dial
	// a connection, which sends HELLO and CLIENT SETINFO once.
	require.NoError(t, put(s, ctx, dedup.Entry{ID: "warm", Seq: 1}, bands))
	require.NoError(t, s.Remove(ctx, "warm"))
	rt := &roundTrips{}
	s.Client().AddHook(rt)
	cases := []struct {
		reason string
		do     func() error
		want   int64
	}{
		{"NextSeq", func() error { _, err := s.NextSeq(ctx, 8); return err }, 1},
		{"Insert of a new id under 32 band keys", func() error {
			return put(s, ctx, dedup.Entry{ID: "a", Seq: 1, Sig: []byte("A")}, bands)
		}, 1},
		{"Candidates over 32 band keys", func() error { _, err := s.Candidates(ctx, bands); return err }, 2},
		{"SetStatus of a pending entry", func() error { return s.SetStatus(ctx, "a", "", dedup.StatusAdmitted, "") }, 1},
		{"Get", func() error { _, err := s.Get(ctx, "a"); return err }, 1},
		{"Stats", func() error { _, err := s.Stats(ctx); return err }, 1},
		{"Insert of a taken id (corrects counters and bands)", func() error {
			_, _, err := s.Insert(ctx, dedup.Entry{ID: "a", Seq: 2, Sig: []byte("A")}, append(bands[:3:3], 99))
			return err
		}, 2},
		{"Remove", func() error { return s.Remove(ctx, "a") }, 2},
	}
	for _, c := range cases {
		before := rt.n.Load()
		require.NoError(t, c.do(), c.reason)
		assert.Equal(t, c.want, rt.n.Load()-before, c.reason)
	}
}

// put inserts e, and fails when an entry of its id is there.
func put(s *Store, ctx context.Context, e dedup.Entry, bands []uint64) error {
	_, ok, err := s.Insert(ctx, e, bands)
	if err == nil && !ok {
		err = fmt.Errorf("insert %q: the id is taken", e.ID)
	}
	return err
}

// TestDataLost deletes the namespace's keys under an open Store, as a
// Redis restarted without persistence would: the next claims fail with
// ErrDataLost instead of starting a new index.
func TestDataLost(t *testing.T) {
	ctx := ctxOf(t)
	s := openTest(t, serverURL(t))
	defer s.Close()
	_, err := s.NextSeq(ctx, 1)
	require.NoError(t, err)
	keys, err := keysOf(ctx, s.Client(), s.Prefix())
	require.NoError(t, err)
	require.NotEmpty(t, keys)
	require.NoError(t, s.Client().Del(ctx, keys...).Err())
	_, err = s.NextSeq(ctx, 1)
	assert.ErrorIs(t, err, ErrDataLost, "a Redis that lost the index is an error")
}

// TestTransient lists the errors retried.
func TestTransient(t *testing.T) {
	cases := []struct {
		reason string
		err    error
		want   bool
	}{
		{"a refused connection", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true},
		{"a reset connection", fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{"a server still loading its data", errors.New("LOADING Redis is loading the dataset in memory"), true},
		{"a cluster resharding", errors.New("TRYAGAIN Multiple keys request during rehashing of slot"), true},
		{"a cluster down", errors.New("CLUSTERDOWN The cluster is down"), true},
		{"an end of stream", io.EOF, true},
		{"a script error", errors.New("ERR Error running script"), false},
		{"a cancelled context", context.Canceled, false},
		{"no error", nil, false},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, transient(c.err), c.reason)
	}
}
