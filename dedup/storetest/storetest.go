// Package storetest is the conformance suite every dedup.Store passes: the
// memory store, dedup/boltstore and dedup/redisstore run it from their
// tests.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) dedup.Store { return dedup.NewMemoryStore() })
//	}
//
// Persistent stores also pass a Reopen function to RunSuite, which checks
// that what was written survives Close.
package storetest

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/internal/minhash"
)

// Suite describes the store under test.
type Suite struct {
	// Open returns a new, empty store; every subtest opens its own. The
	// suite closes each store it is given exactly once.
	Open func(t *testing.T) dedup.Store
	// Reopen, when not nil, returns a store over the same data as closed,
	// which the suite has just closed. Persistent stores set it; nil skips
	// the persistence test.
	Reopen func(t *testing.T, closed dedup.Store) dedup.Store
	// KeepsDecider is set for a store that keeps, on a decided entry, the
	// Owner that decided it (stores that outlive their process: see
	// dedup.Entry.Owner); the suite then checks that it does, and
	// otherwise that Owner is empty once decided.
	KeepsDecider bool
}

// Run runs the suite on the stores open makes (no persistence test).
func Run(t *testing.T, open func(t *testing.T) dedup.Store) {
	RunSuite(t, Suite{Open: open})
}

// RunSuite runs every conformance test on s.
func RunSuite(t *testing.T, s Suite) {
	require.NotNil(t, s.Open, "Suite.Open is required")
	tests := []struct {
		name string
		fn   func(t *testing.T, s Suite)
	}{
		{"InsertGet", testPutGet},
		{"InsertIsCreateOnly", testInsertCreateOnly},
		{"InsertRace", testInsertRace},
		{"CandidatesByBand", testCandidates},
		{"NextSeqConcurrent", testNextSeq},
		{"SetStatus", testSetStatus},
		{"TakeOver", testTakeOver},
		{"Expiry", testExpiry},
		{"Scan", testScan},
		{"NotFound", testNotFound},
		{"Remove", testRemove},
		{"Stats", testStats},
		{"ReturnedCopies", testReturnedCopies},
		{"EmptySignature", testEmptySignature},
		{"IndexCheckAddRemove", testIndexCheckAddRemove},
		{"ConcurrentCheckAndAdd", testConcurrentCheckAndAdd},
		{"ConcurrentSameID", testConcurrentSameID},
		{"ChangedPage", testChangedPage},
		{"ExpiredLease", testExpiredLease},
		{"Unsettled", testUnsettled},
		{"Reopen", testReopen},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, s) })
	}
}

// open opens a store and closes it when the test ends (unless the test
// closed it itself, which it then reports through the returned func).
func open(t *testing.T, s Suite) (dedup.Store, func()) {
	t.Helper()
	st := s.Open(t)
	require.NotNil(t, st, "Open returned a nil store")
	var once sync.Once
	closeIt := func() { once.Do(func() { assert.NoError(t, st.Close(), "Close") }) }
	t.Cleanup(closeIt)
	return st, closeIt
}

func ctxOf(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func put(t *testing.T, ctx context.Context, st dedup.Store, e dedup.Entry, bands ...uint64) {
	t.Helper()
	_, ok, err := st.Insert(ctx, e, bands)
	require.NoError(t, err, "Insert %q", e.ID)
	require.True(t, ok, "Insert %q inserts", e.ID)
}

// owner is the lease owner of the entries the tests insert pending.
const owner = "test-owner"

func entry(id string, seq uint64, sig string) dedup.Entry {
	return dedup.Entry{ID: id, Seq: seq, Status: dedup.StatusPending, Sig: []byte(sig),
		Owner: owner, Lease: time.Now().Add(time.Hour).Truncate(time.Millisecond)}
}

func ids(es []dedup.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	slices.Sort(out)
	return out
}

func testPutGet(t *testing.T, s Suite) {
	ctx := ctxOf(t)
	st, _ := open(t, s)
	cases := []struct {
		reason string
		e      dedup.Entry
	}{
		{"a pending entry", dedup.Entry{ID: "a", Seq: 1, Status: dedup.StatusPending, Sig: []byte{1, 2, 3}}},
		{"a pending entry with a lease and times", dedup.Entry{ID: "leased", Seq: 7, Status: dedup.StatusPending, Sig: []byte{1},
			Owner: "host/1/ab", Lease: time.UnixMilli(1_900_000_000_123), Added: time.UnixMilli(1_800_000_000_456),
			Expires: time.UnixMilli(4_000_000_000_789)}},
		{"an admitted entry", dedup.Entry{ID: "b", Seq: 2, Status: dedup.StatusAdmitted, Sig: []byte("sig-b")}},
		{"a duplicate names its original", dedup.Entry{ID: "c", Seq: 3, Status: dedup.StatusDuplicate, DupOf: "b", Sig: []byte("sig-c")}},
		{"an id with spaces, colons, braces and non-ASCII", dedup.Entry{ID: "https://ex.com/a b:{x}/ü", Seq: 4, Sig: []byte{0}}},
		{"a large seq", dedup.Entry{ID: "big", Seq: 1<<63 + 5, Status: dedup.StatusAdmitted, Sig: bytes.Repeat([]byte{0xff, 0}, 300)}},
		{"a signature with NUL and high bytes", dedup.Entry{ID: "bin", Seq: 6, Sig: []byte{0, 0xff, 0, '\n', 0x80}}},
	}
	for _, c := range cases {
		put(t, ctx, st, c.e, uint64(len(c.e.ID)))
	}
	for _, c := range cases {
		got, err := st.Get(ctx, c.e.ID)
		require.NoError(t, err, c.reason)
		assert.Equal(t, c.e.ID, got.ID, c.reason)
		assert.Equal(t, c.e.Seq, got.Seq, c.reason)
		assert.Equal(t, c.e.Status, got.Status, c.reason)
		assert.Equal(t, c.e.DupOf, got.DupOf, c.reason)
		assert.Equal(t, c.e.Sig, got.Sig, c.reason)
		assert.Equal(t, c.e.Owner, got.Owner, c.reason)
		assert.True(t, c.e.Lease.Equal(got.Lease), "lease %v, want %v: %s", got.Lease, c.e.Lease, c.reason)
		assert.True(t, c.e.Added.Equal(got.Added), "added %v, want %v: %s", got.Added, c.e.Added, c.reason)
		assert.True(t, c.e.Expires.Equal(got.Expires), "expires %v, want %v: %s", got.Expires, c.e.Expires, c.reason)
	}
}

func testInsertCreateOnly(t *testing.T, s Suite) {
	ctx := ctxOf(t)
	st, _ := open(t, s)
	put(t, ctx, st, entry("a", 1, "old"), 10, 11)
	old, ok, err := st.Insert(ctx, dedup.Entry{ID: "a", Seq: 7, Status: dedup.StatusAdmitted, Sig: []byte("new")}, []uint64{11, 12})
	require.NoError(t, err)
	assert.False(t, ok, "a second Insert of an id does not insert")
	assert.Equal(t, uint64(1), old.Seq, "it is answered with the entry there")
	assert.Equal(t, []byte("old"), old.Sig)
	assert.Equal(t, dedup.StatusPending, old.Status)
	assert.Equal(t, owner, old.Owner)
	got, err := st.Get(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, uint64(1), got.Seq, "the entry is unchanged")
	assert.Equal(t, []byte("old"), got.Sig, "the entry is unchanged")
	bands := slices.Clone(got.Bands)
	slices.Sort(bands)
	assert.Equal(t, []uint64{10, 11}, bands, "Get of a pending entry gives its band keys, for a writer taking it over")

	cases := []struct {
		reason string
		bands  []uint64
		want   []string
	}{
		{"the first Insert's band finds the entry", []uint64{10}, []string{"a"}},
		{"a band both used finds it", []uint64{11}, []string{"a"}},
		{"a band only the refused Insert named finds nothing", []uint64{12}, nil},
	}
	for _, c := range cases {
		es, err := st.Candidates(ctx, c.bands)
		require.NoError(t, err, c.reason)
		assert.Equal(t, c.want, nilIfEmpty(ids(es)), c.reason)
	}
	stats, err := st.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, stats.Entries, "a refused Insert adds no entry")
}

// testInsertRace inserts one id from 8 goroutines at once: exactly one
// inserts, and every other is answered with the winner's entry.
func testInsertRace(t *testing.T, s Suite) {
	ctx := ctxOf(t)
	st, _ := open(t, s)
	const workers, rounds = 8, 20
	for r := range rounds {
		id := fmt.Sprintf("race-%d", r)
		var wg, start sync.WaitGroup
		start.Add(1)
		type outcome struct {
			old dedup.Entry
			ok  bool
			err error
		}
		out := make([]outcome, workers)
		for w := range workers {
			wg.Go(func() {
				start.Wait()
				e := entry(id, uint64(100*r+w+1), fmt.Sprintf("S%d", w))
				o, ok, err := st.Insert(ctx, e, []uint64{uint64(r)})
				out[w] = outcome{o, ok, err}
			})
		}
		start.Done()
		wg.Wait()
		winner := -1
		for w, o := range out {
			require.NoError(t, o.err)
			if o.ok {
				require.Equal(t, -1, winner, "round %d: two Inserts of one id both inserted", r)
				winner = w
			}
		}
		require.NotEqual(t, -1, winner, "round %d: one Insert inserts", r)
		for w, o := range out {
			if w != winner {
				assert.Equal(t, uint64(100*r+winner+1), o.old.Seq, "round %d: a loser is answered with the winner", r)
				assert.Equal(t, []byte(fmt.Sprintf("S%d", winner)), o.old.Sig)
			}
		}
		es, err := st.Candidates(ctx, []uint64{uint64(r)})
		require.NoError(t, err)
		assert.Equal(t, []string{id}, ids(es), "the id is filed once")
	}
	stats, err := st.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, rounds, stats.Entries)
}

func testTakeOver(t *testing.T, s Suite) {
	ctx := ctxOf(t)
	st, _ := open(t, s)
	put(t, ctx, st, entry("a", 1, "A"), 1)
	until := time.UnixMilli(2_000_000_000_000)
	assert.ErrorIs(t, st.TakeOver(ctx, "a", "someone-else", "me", until), dedup.ErrLeaseLost,
		"only the holder's lease can be taken over")
	require.NoError(t, st.TakeOver(ctx, "a", owner, "me", until))
	got, err := st.Get(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, "me", got.Owner, "the new owner holds the lease")
	assert.True(t, until.Equal(got.Lease), "until the new time")
	assert.Equal(t, dedup.StatusPending, got.Status)
	assert.ErrorIs(t, st.SetStatus(ctx, "a", owner, dedup.StatusAdmitted, ""), dedup.ErrLeaseLost,
		"the old owner can no longer decide")
	assert.ErrorIs(t, st.TakeOver(ctx, "a", owner, "third", until), dedup.ErrLeaseLost,
		"nor hand the lease on")
	require.NoError(t, st.SetStatus(ctx, "a", "me", dedup.StatusAdmitted, ""))
	if s.KeepsDecider {
		got, err := st.Get(ctx, "a")
		require.NoError(t, err)
		assert.Equal(t, "me", got.Owner, "the writer that took the lease over decided")
	}
	assert.ErrorIs(t, st.TakeOver(ctx, "a", "me", "third", until), dedup.ErrLeaseLost,
		"a decided entry has no lease to take")
	assert.ErrorIs(t, st.TakeOver(ctx, "ghost", "me", "third", until), dedup.ErrNotFound)
}

func testExpiry(t *testing.T, s Suite) {
	ctx := ctxOf(t)
	st, _ := open(t, s)
	past := time.Now().Add(-time.Minute)
	gone := dedup.Entry{ID: "old", Seq: 1, Status: dedup.StatusAdmitted, Sig: []byte("O"), Expires: past}
	put(t, ctx, st, gone, 1)
	put(t, ctx, st, dedup.Entry{ID: "new", Seq: 2, Status: dedup.StatusAdmitted, Sig: []byte("N"),
		Expires: time.Now().Add(time.Hour)}, 1)
	put(t, ctx, st, dedup.Entry{ID: "ever", Seq: 3, Status: dedup.StatusAdmitted, Sig: []byte("E")}, 1)
	_, err := st.Get(ctx, "old")
	assert.ErrorIs(t, err, dedup.ErrNotFound, "an expired entry is gone")
	es, err := st.Candidates(ctx, []uint64{1})
	require.NoError(t, err)
	assert.Equal(t, []string{"ever", "new"}, ids(es), "Candidates skips an expired entry")
	var scanned []dedup.Entry
	require.NoError(t, st.Scan(ctx, func(e dedup.Entry) error { scanned = append(scanned, e); return nil }))
	assert.Equal(t, []string{"ever", "new"}, ids(scanned), "Scan skips an expired entry")
	n, err := st.Prune(ctx, time.Now())
	require.NoError(t, err)
	assert.LessOrEqual(t, n, 1, "Prune deletes at most the expired entry (a store may have let it go already)")
	_, err = st.Get(ctx, "new")
	assert.NoError(t, err, "Prune keeps what has not expired")
	put(t, ctx, st, dedup.Entry{ID: "old", Seq: 4, Status: dedup.StatusAdmitted, Sig: []byte("O2")}, 2)
	got, err := st.Get(ctx, "old")
	require.NoError(t, err, "an expired id can be inserted afresh")
	assert.Equal(t, uint64(4), got.Seq)
	es, err = st.Candidates(ctx, []uint64{1})
	require.NoError(t, err)
	assert.Equal(t, []string{"ever", "new"}, ids(es), "the fresh entry is filed under its own keys only")
}

func testScan(t *testing.T, s Suite) {
	ctx := ctxOf(t)
	st, _ := open(t, s)
	want := []string{"a", "b", "c"}
	for i, id := range want {
		put(t, ctx, st, entry(id, uint64(i+1), strings.ToUpper(id)), uint64(i))
	}
	var got []dedup.Entry
	require.NoError(t, st.Scan(ctx, func(e dedup.Entry) error { got = append(got, e); return nil }))
	assert.Equal(t, want, ids(got), "Scan sees every entry once")
	for _, e := range got {
		assert.Equal(t, strings.ToUpper(e.ID), string(e.Sig), "with its signature")
		assert.Equal(t, owner, e.Owner, "and its lease")
	}
	stop := fmt.Errorf("stop")
	n := 0
	err := st.Scan(ctx, func(e dedup.Entry) error { n++; return stop })
	assert.ErrorIs(t, err, stop, "Scan returns fn's error")
	assert.Equal(t, 1, n, "and stops there")
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func testCandidates(t *testing.T, s Suite) {
	ctx := ctxOf(t)
	st, _ := open(t, s)
	put(t, ctx, st, entry("a", 1, "A"), 1, 2, 3)
	put(t, ctx, st, entry("b", 2, "B"), 3, 4)
	put(t, ctx, st, entry("c", 3, "C"), 5)
	put(t, ctx, st, entry("d", 4, "D"), 1<<63, ^uint64(0))
	put(t, ctx, st, entry("none", 5, "N"))
	cases := []struct {
		reason string
		bands  []uint64
		want   []string
	}{
		{"no band keys give no candidates", nil, nil},
		{"an unused key gives none", []uint64{99}, nil},
		{"a key of one entry", []uint64{1}, []string{"a"}},
		{"a key shared by two entries gives both", []uint64{3}, []string{"a", "b"}},
		{"an entry under several queried keys comes once", []uint64{1, 2, 3}, []string{"a", "b"}},
		{"keys of different entries give their union", []uint64{2, 4, 5}, []string{"a", "b", "c"}},
		{"a repeated key gives each entry once", []uint64{5, 5, 5}, []string{"c"}},
		{"large keys work", []uint64{^uint64(0)}, []string{"d"}},
		{"key zero is an ordinary unused key", []uint64{0}, nil},
	}
	for _, c := range cases {
		es, err := st.Candidates(ctx, c.bands)
		require.NoError(t, err, c.reason)
		assert.Equal(t, c.want, nilIfEmpty(ids(es)), c.reason)
		for _, e := range es {
			assert.Equal(t, strings.ToUpper(e.ID)[:1], string(e.Sig), "candidate %q carries its signature (%s)", e.ID, c.reason)
		}
	}
}

func testNextSeq(t *testing.T, s Suite) {
	ctx := ctxOf(t)
	st, _ := open(t, s)
	const workers, each = 8, 100
	var wg sync.WaitGroup
	got := make([][]uint64, workers)
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			for range each {
				k := 1 + w%3 // blocks of 1, 2 and 3 numbers
				n, err := st.NextSeq(ctx, k)
				if err != nil {
					errs[w] = err
					return
				}
				for i := range k {
					got[w] = append(got[w], n+uint64(i))
				}
			}
		})
	}
	wg.Wait()
	var all []uint64
	for w := range workers {
		require.NoError(t, errs[w], "NextSeq")
		assert.True(t, slices.IsSorted(got[w]), "one caller sees strictly increasing numbers")
		all = append(all, got[w]...)
	}
	slices.Sort(all)
	total := len(all)
	assert.Len(t, slices.Compact(slices.Clone(all)), total, "no number is reserved twice")
	assert.Greater(t, all[0], uint64(0), "claim numbers start above 0")
	n, err := st.NextSeq(ctx, 1)
	require.NoError(t, err)
	assert.Greater(t, n, all[len(all)-1], "a later call returns more than every earlier one")
}

func testSetStatus(t *testing.T, s Suite) {
	ctx := ctxOf(t)
	st, _ := open(t, s)
	put(t, ctx, st, entry("a", 1, "A"), 1)
	put(t, ctx, st, entry("b", 2, "B"), 1)
	cases := []struct {
		reason string
		id     string
		st     dedup.Status
		dupOf  string
	}{
		{"pending to admitted", "a", dedup.StatusAdmitted, ""},
		{"pending to duplicate with its original", "b", dedup.StatusDuplicate, "a"},
	}
	for _, c := range cases {
		assert.ErrorIs(t, st.SetStatus(ctx, c.id, "not-the-owner", c.st, c.dupOf), dedup.ErrLeaseLost,
			"another owner cannot decide (%s)", c.reason)
		require.NoError(t, st.SetStatus(ctx, c.id, owner, c.st, c.dupOf), c.reason)
		got, err := st.Get(ctx, c.id)
		require.NoError(t, err, c.reason)
		assert.Equal(t, c.st, got.Status, c.reason)
		assert.Equal(t, c.dupOf, got.DupOf, c.reason)
		assert.Equal(t, []byte(strings.ToUpper(c.id)), got.Sig, "SetStatus keeps the signature (%s)", c.reason)
		assert.True(t, got.Lease.IsZero(), "SetStatus ends the lease (%s)", c.reason)
		if s.KeepsDecider {
			assert.Equal(t, owner, got.Owner, "the entry names the writer that decided (%s)", c.reason)
		} else {
			assert.Empty(t, got.Owner, "SetStatus ends the lease (%s)", c.reason)
		}
		assert.ErrorIs(t, st.SetStatus(ctx, c.id, owner, dedup.StatusAdmitted, ""), dedup.ErrLeaseLost,
			"a decided entry is decided once (%s)", c.reason)
		es, err := st.Candidates(ctx, []uint64{1})
		require.NoError(t, err)
		for _, e := range es {
			if e.ID == c.id {
				assert.Equal(t, c.st, e.Status, "Candidates sees the new status (%s)", c.reason)
				assert.Equal(t, c.dupOf, e.DupOf, "Candidates sees the new DupOf (%s)", c.reason)
			}
		}
	}
	// SetStatus of an id that is not there must not make one appear.
	err := st.SetStatus(ctx, "ghost", owner, dedup.StatusAdmitted, "")
	assert.ErrorIs(t, err, dedup.ErrNotFound, "SetStatus of a missing id fails with ErrNotFound")
	_, err = st.Get(ctx, "ghost")
	assert.ErrorIs(t, err, dedup.ErrNotFound, "SetStatus does not create entries")
}

func testNotFound(t *testing.T, s Suite) {
	ctx := ctxOf(t)
	st, _ := open(t, s)
	put(t, ctx, st, entry("a", 1, "A"), 1)
	_, err := st.Get(ctx, "b")
	assert.ErrorIs(t, err, dedup.ErrNotFound, "Get of a missing id")
	_, err = st.Get(ctx, "")
	assert.ErrorIs(t, err, dedup.ErrNotFound, "Get of the empty id")
	assert.ErrorIs(t, st.Remove(ctx, "b"), dedup.ErrNotFound, "Remove of a missing id")
	require.NoError(t, st.Remove(ctx, "a"))
	assert.ErrorIs(t, st.Remove(ctx, "a"), dedup.ErrNotFound, "Remove twice")
	_, err = st.Get(ctx, "a")
	assert.ErrorIs(t, err, dedup.ErrNotFound, "Get after Remove")
}

func testRemove(t *testing.T, s Suite) {
	ctx := ctxOf(t)
	st, _ := open(t, s)
	put(t, ctx, st, entry("a", 1, "A"), 1, 2)
	put(t, ctx, st, entry("b", 2, "B"), 2, 3)
	require.NoError(t, st.Remove(ctx, "a"))
	cases := []struct {
		reason string
		bands  []uint64
		want   []string
	}{
		{"a key only the removed entry had is empty", []uint64{1}, nil},
		{"a shared key keeps the other entry", []uint64{2}, []string{"b"}},
		{"other keys are untouched", []uint64{3}, []string{"b"}},
	}
	for _, c := range cases {
		es, err := st.Candidates(ctx, c.bands)
		require.NoError(t, err, c.reason)
		assert.Equal(t, c.want, nilIfEmpty(ids(es)), c.reason)
	}
	// A removed id can be put again.
	put(t, ctx, st, entry("a", 9, "A2"), 1)
	got, err := st.Get(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, uint64(9), got.Seq, "a removed id is put afresh")
	es, err := st.Candidates(ctx, []uint64{1, 2})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, ids(es), "the re-put entry is filed under its new keys only")
}

func testStats(t *testing.T, s Suite) {
	ctx := ctxOf(t)
	st, _ := open(t, s)
	stats, err := st.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, 0, stats.Entries, "a new store is empty")
	put(t, ctx, st, entry("a", 1, "A"), 1, 2)
	put(t, ctx, st, entry("b", 2, "B"), 2, 3)
	put(t, ctx, st, entry("c", 3, "C"), 4)
	put(t, ctx, st, entry("d", 4, "D"))
	require.NoError(t, st.SetStatus(ctx, "a", owner, dedup.StatusAdmitted, ""))
	require.NoError(t, st.SetStatus(ctx, "b", owner, dedup.StatusDuplicate, "a"))
	require.NoError(t, st.SetStatus(ctx, "c", owner, dedup.StatusAdmitted, ""))
	cases := []struct {
		reason string
		remove string
		want   dedup.StoreStats
	}{
		{"four entries, two admitted, one duplicate, keys 1-4", "", dedup.StoreStats{Entries: 4, Admitted: 2, Duplicates: 1, BandKeys: 4}},
		{"removing the duplicate frees key 3", "b", dedup.StoreStats{Entries: 3, Admitted: 2, Duplicates: 0, BandKeys: 3}},
		{"removing an admitted entry", "a", dedup.StoreStats{Entries: 2, Admitted: 1, Duplicates: 0, BandKeys: 1}},
	}
	for _, c := range cases {
		if c.remove != "" {
			require.NoError(t, st.Remove(ctx, c.remove), c.reason)
		}
		got, err := st.Stats(ctx)
		require.NoError(t, err, c.reason)
		assert.Equal(t, c.want.Entries, got.Entries, "entries: %s", c.reason)
		assert.Equal(t, c.want.Admitted, got.Admitted, "admitted: %s", c.reason)
		assert.Equal(t, c.want.Duplicates, got.Duplicates, "duplicates: %s", c.reason)
		if got.BandKeys != -1 {
			assert.Equal(t, c.want.BandKeys, got.BandKeys, "band keys (or -1): %s", c.reason)
		}
	}
}

func testReturnedCopies(t *testing.T, s Suite) {
	ctx := ctxOf(t)
	st, _ := open(t, s)
	sig := []byte("ABC")
	put(t, ctx, st, entry("a", 1, string(sig)), 1)
	sig[0] = 'x'
	got, err := st.Get(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, []byte("ABC"), got.Sig, "Put keeps its own copy of Sig")
	got.Sig[0] = 'y'
	es, err := st.Candidates(ctx, []uint64{1})
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.Equal(t, []byte("ABC"), es[0].Sig, "changing what Get returned does not change the store")
	es[0].Sig[0] = 'z'
	got, err = st.Get(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, []byte("ABC"), got.Sig, "changing what Candidates returned does not change the store")
}

// Synthetic stories: seeded random words, so that different stories share
// no shingles and copies share almost all.

func story(rng *rand.Rand, words int) []string {
	w := make([]string, words)
	for i := range w {
		w[i] = fmt.Sprintf("w%x", rng.Uint32()%50000)
	}
	return w
}

// copyOf returns the text of a copy of words with share of them replaced.
func copyOf(rng *rand.Rand, words []string, share float64) string {
	c := slices.Clone(words)
	for i := range c {
		if rng.Float64() < share {
			c[i] = fmt.Sprintf("x%x", rng.Uint32())
		}
	}
	// Two paragraphs.
	h := len(c) / 2
	return strings.Join(c[:h], " ") + "\n" + strings.Join(c[h:], " ")
}

func doc(id, text string) *dedup.Document {
	d := &dedup.Document{ID: id}
	for i, p := range strings.Split(text, "\n") {
		if p != "" {
			d.Paragraphs = append(d.Paragraphs, dedup.Paragraph{Text: p, Line: i + 1})
		}
	}
	return d
}

func testEmptySignature(t *testing.T, s Suite) {
	ctx := ctxOf(t)
	st, _ := open(t, s)
	ix, err := dedup.OpenIndex(st, nil)
	require.NoError(t, err)
	cases := []struct {
		reason string
		doc    *dedup.Document
	}{
		{"an article without paragraphs", doc("empty1", "")},
		{"another one", doc("empty2", "")},
		{"an article of punctuation only", doc("punct", "... --- !!!")},
	}
	for _, c := range cases {
		r, err := ix.CheckAndAdd(ctx, c.doc)
		require.NoError(t, err, c.reason)
		assert.True(t, r.Admitted, "an empty article is new, never a duplicate of another empty one: %s", c.reason)
		assert.Empty(t, r.Matches, c.reason)
		ms, err := ix.Check(ctx, doc(c.doc.ID+"-again", ""))
		require.NoError(t, err, c.reason)
		assert.Empty(t, ms, "an empty article matches nothing: %s", c.reason)
	}
	e, err := st.Get(ctx, "empty1")
	require.NoError(t, err)
	assert.Equal(t, dedup.StatusAdmitted, e.Status, "an empty article is stored (it has no band keys)")
	var sig minhash.Signature
	require.NoError(t, sig.UnmarshalBinary(e.Sig))
	assert.True(t, sig.Empty(), "its stored signature is empty")
}

func testIndexCheckAddRemove(t *testing.T, s Suite) {
	ctx := ctxOf(t)
	st, _ := open(t, s)
	ix, err := dedup.OpenIndex(st, nil)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 2))
	a, b := story(rng, 300), story(rng, 300)
	require.NoError(t, ix.Add(ctx, doc("a", copyOf(rng, a, 0))))
	require.NoError(t, ix.Add(ctx, doc("b", copyOf(rng, b, 0))))
	cases := []struct {
		reason string
		text   string
		want   []string
	}{
		{"an exact copy of a", copyOf(rng, a, 0), []string{"a"}},
		{"a copy of b with 3% of words changed", copyOf(rng, b, 0.03), []string{"b"}},
		{"an unrelated story", copyOf(rng, story(rng, 300), 0), nil},
	}
	for _, c := range cases {
		ms, err := ix.Check(ctx, doc("q", c.text))
		require.NoError(t, err, c.reason)
		var got []string
		for _, m := range ms {
			got = append(got, m.ID)
			assert.GreaterOrEqual(t, m.Similarity, dedup.DefaultOptions().Threshold, c.reason)
			assert.Equal(t, dedup.StatusAdmitted, m.Status, c.reason)
		}
		assert.Equal(t, c.want, got, c.reason)
	}
	ms, err := ix.Check(ctx, doc("a", copyOf(rng, a, 0)))
	require.NoError(t, err)
	assert.Empty(t, ms, "an article is not its own match")

	require.NoError(t, ix.Remove(ctx, "a"))
	ms, err = ix.Check(ctx, doc("q", copyOf(rng, a, 0)))
	require.NoError(t, err)
	assert.Empty(t, ms, "a removed article is no longer found")
	assert.ErrorIs(t, ix.Remove(ctx, "a"), dedup.ErrNotFound)

	r, err := ix.CheckAndAdd(ctx, doc("b", copyOf(rng, b, 0)))
	require.NoError(t, err)
	assert.True(t, r.Existing, "an id already indexed is reported as existing")
	assert.False(t, r.Admitted)
	assert.Equal(t, "b", r.DupOf)
}

// testConcurrentCheckAndAdd submits the copies of each story from 8
// goroutines at the same moment: exactly one copy per story is admitted and
// every other one names the admitted copy of its story.
func testConcurrentCheckAndAdd(t *testing.T, s Suite) {
	ctx := ctxOf(t)
	st, _ := open(t, s)
	const workers, stories = 8, 12
	rng := rand.New(rand.NewPCG(3, 4))
	texts := make([][]string, stories) // texts[story][worker]
	for i := range texts {
		words := story(rng, 120+rng.IntN(200))
		for w := range workers {
			share := 0.0
			if w%2 == 1 {
				share = 0.02 // half the copies lightly edited
			}
			texts[i] = append(texts[i], copyOf(rng, words, share))
		}
	}
	type outcome struct {
		res dedup.Result
		err error
	}
	results := make([][]outcome, stories)
	for i := range results {
		results[i] = make([]outcome, workers)
	}
	var start sync.WaitGroup
	var done sync.WaitGroup
	// Every worker is counted before any starts: adding one at a time let
	// the first workers' Wait return while later ones were still added,
	// which sync.WaitGroup refuses with a panic.
	start.Add(workers)
	for w := range workers {
		// Each worker has its own Index over the shared store, like
		// separate crawler processes.
		o := dedup.DefaultOptions()
		o.WaitTimeout = 20 * time.Second
		ix, err := dedup.OpenIndex(st, &o)
		require.NoError(t, err)
		done.Add(1)
		go func() {
			defer done.Done()
			start.Done()
			start.Wait()
			for i := range stories {
				d := doc(fmt.Sprintf("s%d-w%d", i, w), texts[i][w])
				r, err := ix.CheckAndAdd(ctx, d)
				results[i][w] = outcome{r, err}
			}
		}()
	}
	done.Wait()
	for i := range stories {
		var admitted []string
		for w := range workers {
			o := results[i][w]
			require.NoError(t, o.err, "story %d worker %d", i, w)
			if o.res.Admitted {
				admitted = append(admitted, fmt.Sprintf("s%d-w%d", i, w))
			}
		}
		require.Len(t, admitted, 1, "story %d: exactly one copy admitted", i)
		for w := range workers {
			id := fmt.Sprintf("s%d-w%d", i, w)
			o := results[i][w]
			e, err := st.Get(ctx, id)
			require.NoError(t, err)
			if o.res.Admitted {
				assert.Equal(t, dedup.StatusAdmitted, e.Status, "%s is stored admitted", id)
				continue
			}
			assert.Equal(t, admitted[0], o.res.DupOf, "%s names the admitted copy of its story", id)
			assert.Equal(t, dedup.StatusDuplicate, e.Status, "%s is stored as a duplicate", id)
			assert.True(t, strings.HasPrefix(e.DupOf, fmt.Sprintf("s%d-", i)), "%s is stored as a duplicate of its own story, not %q", id, e.DupOf)
		}
	}
	stats, err := st.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, stories*workers, stats.Entries)
	assert.Equal(t, stories, stats.Admitted)
	assert.Equal(t, stories*(workers-1), stats.Duplicates)
}

func testReopen(t *testing.T, s Suite) {
	if s.Reopen == nil {
		t.Skip("the store is not persistent (no Suite.Reopen)")
	}
	ctx := ctxOf(t)
	st := s.Open(t)
	require.NotNil(t, st)
	ix, err := dedup.OpenIndex(st, nil)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(5, 6))
	a := story(rng, 200)
	r, err := ix.CheckAndAdd(ctx, doc("a", copyOf(rng, a, 0)))
	require.NoError(t, err)
	require.True(t, r.Admitted)
	r, err = ix.CheckAndAdd(ctx, doc("a2", copyOf(rng, a, 0.01)))
	require.NoError(t, err)
	require.Equal(t, "a", r.DupOf)
	put(t, ctx, st, dedup.Entry{ID: "raw", Seq: 100, Status: dedup.StatusAdmitted, Sig: []byte{9, 8, 7}}, 77, 78)
	put(t, ctx, st, entry("gone", 101, "G"), 79)
	require.NoError(t, st.Remove(ctx, "gone"))
	last, err := st.NextSeq(ctx, 1)
	require.NoError(t, err)
	require.NoError(t, st.Close())

	st2 := s.Reopen(t, st)
	require.NotNil(t, st2)
	t.Cleanup(func() { assert.NoError(t, st2.Close()) })
	got, err := st2.Get(ctx, "raw")
	require.NoError(t, err, "an entry survives reopening")
	assert.Equal(t, dedup.Entry{ID: "raw", Seq: 100, Status: dedup.StatusAdmitted, Sig: []byte{9, 8, 7}}, got)
	got, err = st2.Get(ctx, "a2")
	require.NoError(t, err)
	assert.Equal(t, dedup.StatusDuplicate, got.Status, "a status survives reopening")
	assert.Equal(t, "a", got.DupOf)
	_, err = st2.Get(ctx, "gone")
	assert.ErrorIs(t, err, dedup.ErrNotFound, "a removal survives reopening")
	es, err := st2.Candidates(ctx, []uint64{77, 79})
	require.NoError(t, err)
	assert.Equal(t, []string{"raw"}, ids(es), "band memberships survive reopening")
	n, err := st2.NextSeq(ctx, 1)
	require.NoError(t, err)
	assert.Greater(t, n, last, "claim numbers keep increasing after reopening")

	ix2, err := dedup.OpenIndex(st2, nil)
	require.NoError(t, err)
	r, err = ix2.CheckAndAdd(ctx, doc("a3", copyOf(rng, a, 0)))
	require.NoError(t, err)
	assert.False(t, r.Admitted, "a copy after reopening is a duplicate")
	assert.Equal(t, "a", r.DupOf)
	stats, err := st2.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, 4, stats.Entries)
	assert.Equal(t, 2, stats.Admitted)
	assert.Equal(t, 2, stats.Duplicates)
}

// testConcurrentSameID submits each story under one id from 8 Indexes at
// the same moment (a crawl fetched twice, the same file scanned by
// several processes): exactly one submission is admitted, every other
// is told the id is already in the index.
func testConcurrentSameID(t *testing.T, s Suite) {
	ctx := ctxOf(t)
	st, _ := open(t, s)
	const workers, stories = 8, 10
	rng := rand.New(rand.NewPCG(7, 8))
	texts := make([]string, stories)
	for i := range texts {
		texts[i] = copyOf(rng, story(rng, 150), 0)
	}
	admitted := make([]int, stories)
	var mu sync.Mutex
	var start, done sync.WaitGroup
	start.Add(1)
	errs := make([]error, workers)
	for w := range workers {
		ix, err := dedup.OpenIndex(st, nil)
		require.NoError(t, err)
		done.Go(func() {
			start.Wait()
			for i := range stories {
				r, err := ix.CheckAndAdd(ctx, doc(fmt.Sprintf("id%d", i), texts[i]))
				if err != nil {
					errs[w] = err
					return
				}
				if r.Admitted {
					mu.Lock()
					admitted[i]++
					mu.Unlock()
				} else if !r.Existing && r.DupOf != fmt.Sprintf("id%d", i) {
					errs[w] = fmt.Errorf("id%d: neither admitted nor existing: %+v", i, r)
				}
			}
		})
	}
	start.Done()
	done.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	for i, n := range admitted {
		assert.Equal(t, 1, n, "id%d is admitted exactly once", i)
	}
	stats, err := st.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, stories, stats.Entries)
	assert.Equal(t, stories, stats.Admitted)
}

// testChangedPage checks content before ids: an id met again with an
// unrelated body is a changed page, never a duplicate of the old body.
func testChangedPage(t *testing.T, s Suite) {
	ctx := ctxOf(t)
	st, _ := open(t, s)
	ix, err := dedup.OpenIndex(st, nil)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(9, 10))
	day1, day2 := story(rng, 200), story(rng, 200)
	r, err := ix.CheckAndAdd(ctx, doc("1", copyOf(rng, day1, 0)))
	require.NoError(t, err)
	require.True(t, r.Admitted)
	r, err = ix.CheckAndAdd(ctx, doc("1", copyOf(rng, day2, 0)))
	require.NoError(t, err)
	assert.True(t, r.Admitted, "an unrelated story under a reused id is new")
	require.NotNil(t, r.Changed, "and reported as a changed page")
	assert.Less(t, r.Changed.Similarity, 0.6)
	assert.True(t, strings.HasPrefix(r.Changed.FiledAs, "1#v"), "filed under a version id, not %q", r.Changed.FiledAs)
	old, err := st.Get(ctx, "1")
	require.NoError(t, err)
	assert.Equal(t, dedup.StatusAdmitted, old.Status, "the old entry is kept")

	r, err = ix.CheckAndAdd(ctx, doc("1", copyOf(rng, day2, 0)))
	require.NoError(t, err)
	assert.True(t, r.Existing, "the new version met again is already in the index")
	assert.NotNil(t, r.Changed)
	r, err = ix.CheckAndAdd(ctx, doc("1", copyOf(rng, day1, 0.01)))
	require.NoError(t, err)
	assert.True(t, r.Existing, "the old body, lightly edited, is the same page")
	assert.Nil(t, r.Changed)
	r, err = ix.CheckAndAdd(ctx, doc("other", copyOf(rng, day2, 0.02)))
	require.NoError(t, err)
	assert.False(t, r.Admitted, "a copy of the new version elsewhere is its duplicate")
	assert.Equal(t, r.DupOf, old.ID+r.DupOf[len(old.ID):], "it names the version id")
	assert.True(t, strings.HasPrefix(r.DupOf, "1#v"))
}

// testExpiredLease leaves pending entries of a dead writer (leases in the
// past): a later writer of the same id, and one of a similar article,
// take them over and decide at once instead of waiting.
func testExpiredLease(t *testing.T, s Suite) {
	ctx := ctxOf(t)
	st, _ := open(t, s)
	o := dedup.DefaultOptions()
	o.WaitTimeout = 30 * time.Second
	ix, err := dedup.OpenIndex(st, &o)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(11, 12))
	a, b := story(rng, 200), story(rng, 200)

	// A dead writer's pending entries: it dies before deciding (its
	// SetStatus fails), with a lease of 2 ms.
	od := dedup.DefaultOptions()
	od.WaitTimeout = time.Millisecond
	dead, err := dedup.OpenIndex(killedStore{st}, &od)
	require.NoError(t, err)
	for _, d := range []*dedup.Document{doc("a", copyOf(rng, a, 0)), doc("b", copyOf(rng, b, 0))} {
		_, err := dead.CheckAndAdd(ctx, d)
		require.ErrorIs(t, err, errKilled)
		e, err := st.Get(ctx, d.ID)
		require.NoError(t, err)
		require.Equal(t, dedup.StatusPending, e.Status, "the dead writer left %s pending", d.ID)
	}
	time.Sleep(20 * time.Millisecond)
	begin := time.Now()
	r, err := ix.CheckAndAdd(ctx, doc("a", copyOf(rng, a, 0)))
	require.NoError(t, err)
	assert.True(t, r.Admitted, "the rerun of a takes its expired lease over and admits it")
	r, err = ix.CheckAndAdd(ctx, doc("b2", copyOf(rng, b, 0.01)))
	require.NoError(t, err)
	assert.False(t, r.Admitted, "a copy of b waits for nobody: b is decided for it")
	assert.Equal(t, "b", r.DupOf)
	assert.Less(t, time.Since(begin), 10*time.Second, "no one waited for a dead writer")
	e, err := st.Get(ctx, "b")
	require.NoError(t, err)
	assert.Equal(t, dedup.StatusAdmitted, e.Status)
	assert.True(t, e.Lease.IsZero(), "b has no lease left")
	if s.KeepsDecider {
		assert.NotEmpty(t, e.Owner, "b names the writer that decided it for the dead one")
	}
	// No one reported b's admission (b2 reported its own duplicate): b's
	// article, when it comes to the writer that decided it, does.
	r, err = ix.CheckAndAdd(ctx, doc("b", copyOf(rng, b, 0)))
	require.NoError(t, err)
	assert.True(t, r.Admitted, "b's own article reports the decision made for it")
	r, err = ix.CheckAndAdd(ctx, doc("b", copyOf(rng, b, 0)))
	require.NoError(t, err)
	assert.True(t, r.Existing, "once")
	r, err = ix.CheckAndAdd(ctx, doc("a", copyOf(rng, a, 0)))
	require.NoError(t, err)
	assert.True(t, r.Existing, "a's article reported a's take-over already")
}

var errKilled = fmt.Errorf("storetest: the writer was killed")

// killedStore is a store whose writer dies before it decides anything.
type killedStore struct{ dedup.Store }

func (killedStore) SetStatus(context.Context, string, string, dedup.Status, string) error {
	return errKilled
}

var errReplyLost = fmt.Errorf("storetest: the connection died with the reply")

// replyLost is a store whose SetStatus is applied but answered with an
// error, as when the connection dies after Redis ran the script.
type replyLost struct{ dedup.Store }

func (s replyLost) SetStatus(ctx context.Context, id, owner string, st dedup.Status, dupOf string) error {
	if err := s.Store.SetStatus(ctx, id, owner, st, dupOf); err != nil {
		return err
	}
	return errReplyLost
}

// failOnce is a store whose next Candidates fails: the writer gives up
// on an article it has inserted pending.
type failOnce struct {
	dedup.Store
	failed *bool
}

func (s failOnce) Candidates(ctx context.Context, bands []uint64) ([]dedup.Entry, error) {
	if !*s.failed {
		*s.failed = true
		return nil, errReplyLost
	}
	return s.Store.Candidates(ctx, bands)
}

// testUnsettled loses the reply to a decision (Redis applied it, the
// writer never heard): a later run given the failed run's unsettled
// claims reports the decision once, where without them it could only say
// "already in the index"; an Index that gave up on an article of its own
// decides it at once when the article comes again.
func testUnsettled(t *testing.T, s Suite) {
	ctx := ctxOf(t)
	st, _ := open(t, s)
	rng := rand.New(rand.NewPCG(21, 22))
	a, b := story(rng, 200), story(rng, 200)
	docs := []*dedup.Document{doc("a", copyOf(rng, a, 0)), doc("b", copyOf(rng, b, 0))}

	// The failed run: a's decision is applied, its reply lost.
	o := dedup.DefaultOptions()
	o.Corpus, o.Workers, o.Store = false, 1, replyLost{st}
	o.Only = []dedup.Kind{dedup.KindNearDuplicate}
	p, err := dedup.NewPipeline(&o)
	require.NoError(t, err)
	var failure *dedup.IndexError
	n := 0
	seq := func(yield func(*dedup.Document, error) bool) {
		for _, d := range docs {
			if !yield(d, nil) {
				return
			}
		}
	}
	for _, err := range p.Run(ctx, seq) {
		if err != nil {
			require.ErrorAs(t, err, &failure)
			continue
		}
		n++
	}
	require.NotNil(t, failure, "the run fails on a")
	assert.Zero(t, n, "and yields nothing")
	assert.Equal(t, "a", failure.ID)
	require.Len(t, failure.Unsettled, 1, "a's claim is unsettled")
	u := failure.Unsettled[0]
	assert.Equal(t, "a", u.ID)
	assert.Equal(t, "a", u.FiledAs)
	e, err := st.Get(ctx, "a")
	require.NoError(t, err)
	require.Equal(t, dedup.StatusAdmitted, e.Status, "the index holds a admitted")
	assert.Equal(t, e.Seq, u.Seq)

	rerun := func(adopt ...dedup.Unsettled) *dedup.Pipeline {
		o := dedup.DefaultOptions()
		o.Corpus, o.Store = false, st
		p, err := dedup.NewPipeline(&o)
		require.NoError(t, err)
		p.Adopt(adopt...)
		return p
	}
	admitsA := func(p *dedup.Pipeline) bool {
		art, err := p.CheckAndAdd(ctx, doc("a", copyOf(rng, a, 0)))
		require.NoError(t, err)
		return art.Admitted
	}
	assert.False(t, admitsA(rerun()), "without the claim, a is \"already in the index\"")
	if s.KeepsDecider {
		p := rerun(failure.Unsettled...)
		assert.True(t, admitsA(p), "given the claim, the rerun reports a's admission")
		assert.False(t, admitsA(p), "once")
		other := dedup.Unsettled{ID: "a", FiledAs: "a", Seq: u.Seq, Owner: "someone-else"}
		assert.False(t, admitsA(rerun(other)), "a claim of another owner settles nothing")
	}

	// A run whose output was never committed (killed before): the
	// batches it claimed, handed to the next run, report their
	// decisions once, admissions and duplicates alike.
	c, c2 := story(rng, 200), story(rng, 200)
	batch := []*dedup.Document{doc("c", copyOf(rng, c, 0)), doc("c-copy", copyOf(rng, c, 0.02)), doc("d", copyOf(rng, c2, 0))}
	var claims []dedup.Unsettled
	o = dedup.DefaultOptions()
	o.Corpus, o.Workers, o.Store = false, 1, st
	o.Only = []dedup.Kind{dedup.KindNearDuplicate}
	o.OnClaim = func(u dedup.Unsettled) error { claims = append(claims, u); return nil }
	p, err = dedup.NewPipeline(&o)
	require.NoError(t, err)
	for _, err := range p.Run(ctx, func(yield func(*dedup.Document, error) bool) {
		for _, d := range batch {
			if !yield(d, nil) {
				return
			}
		}
	}) {
		require.NoError(t, err)
	}
	require.Len(t, claims, 3, "one claim a batch of one (Workers 1)")
	for _, u := range claims {
		assert.Equal(t, uint64(1), u.N)
		assert.NotZero(t, u.Seq)
		assert.NotEmpty(t, u.Owner)
	}
	if s.KeepsDecider {
		p := rerun(claims...)
		for i, want := range []bool{true, false, true} {
			art, err := p.CheckAndAdd(ctx, batch[i])
			require.NoError(t, err)
			assert.Equal(t, want, art.Admitted, "%s: the lost run's decision is reported", batch[i].ID)
			nd := false
			for _, f := range art.Findings {
				if f.Kind == dedup.KindNearDuplicate {
					nd = true
					assert.Equal(t, "c", f.RelatedID, "c-copy duplicates c")
					assert.NotContains(t, f.Message, "already in the index")
				}
			}
			assert.Equal(t, !want, nd, batch[i].ID)
		}
		for _, d := range batch {
			art, err := p.CheckAndAdd(ctx, d)
			require.NoError(t, err)
			assert.False(t, art.Admitted, "%s: once", d.ID)
		}
	}

	// A writer that gave up on b after inserting it pending decides it
	// at once when b comes again, instead of waiting out its own lease.
	failed := false
	o = dedup.DefaultOptions()
	o.WaitTimeout = 30 * time.Second
	ix, err := dedup.OpenIndex(failOnce{st, &failed}, &o)
	require.NoError(t, err)
	_, err = ix.CheckAndAdd(ctx, docs[1])
	require.ErrorIs(t, err, errReplyLost)
	e, err = st.Get(ctx, "b")
	require.NoError(t, err)
	require.Equal(t, dedup.StatusPending, e.Status, "b is left pending")
	begin := time.Now()
	r, err := ix.CheckAndAdd(ctx, doc("b", copyOf(rng, b, 0)))
	require.NoError(t, err)
	assert.True(t, r.Admitted, "the retry admits b")
	assert.False(t, r.Existing)
	assert.Less(t, time.Since(begin), 5*time.Second, "without waiting for its own lease")
	r, err = ix.CheckAndAdd(ctx, doc("b", copyOf(rng, b, 0)))
	require.NoError(t, err)
	assert.True(t, r.Existing, "then b is in the index")
}
