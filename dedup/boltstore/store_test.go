package boltstore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/storetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// mustOpen opens a Store at path and closes it when the test ends.
func mustOpen(t testing.TB, path string, opts *Options) *Store {
	t.Helper()
	s, err := Open(path, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// mustTemp opens a Store in a new temporary directory.
func mustTemp(t testing.TB) *Store {
	t.Helper()
	return mustOpen(t, filepath.Join(t.TempDir(), "index.db"), nil)
}

// mustCheck asserts that the file is consistent and that Stats agrees
// with want.
func mustCheck(t *testing.T, s *Store, want dedup.StoreStats) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, s.Check(ctx))
	st, err := s.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, want, st)
}

func ids(es []dedup.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	slices.Sort(out)
	return out
}

func TestPutGetCandidates(t *testing.T) {
	ctx := context.Background()
	s := mustTemp(t)
	puts := []struct {
		e     dedup.Entry
		bands []uint64
	}{
		{dedup.Entry{ID: "a", Seq: 1, Status: dedup.StatusAdmitted, Sig: []byte{1}}, []uint64{10, 20, 30}},
		{dedup.Entry{ID: "b", Seq: 2, Status: dedup.StatusDuplicate, DupOf: "a", Sig: []byte{2}}, []uint64{10, 21, 31}},
		{dedup.Entry{ID: "c", Seq: 3, Sig: []byte{3}}, []uint64{11, 21, 30, 30}},
		// "a" with a prefix of "ab"'s key: prefixes must not leak across ids.
		{dedup.Entry{ID: "ab", Seq: 4, Status: dedup.StatusAdmitted}, []uint64{1<<63 | 10}},
	}
	for _, p := range puts {
		require.NoError(t, put(s, ctx, p.e, p.bands))
	}
	for _, p := range puts {
		got, err := s.Get(ctx, p.e.ID)
		require.NoError(t, err)
		if p.e.Status == dedup.StatusPending {
			assert.Equal(t, uniqueBands(p.bands), got.Bands, "a pending entry comes with its band keys")
		}
		got.Bands = nil
		assert.Equal(t, p.e, got)
	}

	tests := []struct {
		name  string
		bands []uint64
		want  []string
	}{
		{"one band, two members", []uint64{10}, []string{"a", "b"}},
		{"entry under two of the bands asked is returned once", []uint64{10, 21, 30}, []string{"a", "b", "c"}},
		{"repeated band in the query", []uint64{21, 21}, []string{"b", "c"}},
		{"band key with the top bit set sorts apart", []uint64{1<<63 | 10}, []string{"ab"}},
		{"unknown band", []uint64{99}, []string{}},
		{"no bands", nil, []string{}},
		{"band 0 is not a wildcard", []uint64{0}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Candidates(ctx, tt.bands)
			require.NoError(t, err)
			assert.Equal(t, tt.want, ids(got))
			for _, e := range got {
				want, err := s.Get(ctx, e.ID)
				require.NoError(t, err)
				want.Bands = nil // Get adds them to a pending entry
				assert.Equal(t, want, e, "a candidate carries the whole entry")
			}
		})
	}
	// Bands: 10 20 30 21 31 11 1<<63|10 (the repeated 30 of "c" counts once).
	mustCheck(t, s, dedup.StoreStats{Entries: 4, Admitted: 2, Duplicates: 1, BandKeys: 7})
}

func TestInsertReplacesExpired(t *testing.T) {
	ctx := context.Background()
	s := mustTemp(t)
	require.NoError(t, put(s, ctx, dedup.Entry{ID: "a", Seq: 1, Status: dedup.StatusAdmitted, Expires: time.Now().Add(-time.Second)}, []uint64{1, 2}))
	require.NoError(t, put(s, ctx, dedup.Entry{ID: "b", Seq: 2}, []uint64{2}))
	require.NoError(t, put(s, ctx, dedup.Entry{ID: "a", Seq: 3, Status: dedup.StatusDuplicate, DupOf: "b"}, []uint64{2, 3}))

	got, err := s.Get(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, dedup.Entry{ID: "a", Seq: 3, Status: dedup.StatusDuplicate, DupOf: "b"}, got)
	c, err := s.Candidates(ctx, []uint64{1})
	require.NoError(t, err)
	assert.Empty(t, c, "the expired entry's band membership is gone")
	c, err = s.Candidates(ctx, []uint64{2, 3})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, ids(c))
	mustCheck(t, s, dedup.StoreStats{Entries: 2, Admitted: 0, Duplicates: 1, BandKeys: 2})
}

// put inserts e, and fails when an entry of its id is there.
func put(s *Store, ctx context.Context, e dedup.Entry, bands []uint64) error {
	_, ok, err := s.Insert(ctx, e, bands)
	if err == nil && !ok {
		err = fmt.Errorf("insert %q: the id is taken", e.ID)
	}
	return err
}

func TestSetStatus(t *testing.T) {
	ctx := context.Background()
	s := mustTemp(t)
	require.NoError(t, put(s, ctx, dedup.Entry{ID: "a", Seq: 1, Sig: []byte{7}}, []uint64{1}))
	require.NoError(t, put(s, ctx, dedup.Entry{ID: "b", Seq: 2}, []uint64{1, 2}))

	require.NoError(t, s.SetStatus(ctx, "a", "", dedup.StatusAdmitted, ""))
	require.NoError(t, s.SetStatus(ctx, "b", "", dedup.StatusDuplicate, "a"))
	mustCheck(t, s, dedup.StoreStats{Entries: 2, Admitted: 1, Duplicates: 1, BandKeys: 2})

	b, err := s.Get(ctx, "b")
	require.NoError(t, err)
	assert.Equal(t, dedup.Entry{ID: "b", Seq: 2, Status: dedup.StatusDuplicate, DupOf: "a"}, b)
	c, err := s.Candidates(ctx, []uint64{2})
	require.NoError(t, err)
	assert.Equal(t, []string{"b"}, ids(c), "SetStatus keeps the band memberships")

	// A decided entry is not decided again.
	require.ErrorIs(t, s.SetStatus(ctx, "b", "", dedup.StatusAdmitted, ""), dedup.ErrLeaseLost)
	mustCheck(t, s, dedup.StoreStats{Entries: 2, Admitted: 1, Duplicates: 1, BandKeys: 2})

	err = s.SetStatus(ctx, "nope", "", dedup.StatusAdmitted, "")
	assert.ErrorIs(t, err, dedup.ErrNotFound)
	assert.Contains(t, err.Error(), `boltstore: set status "nope"`)
	assert.ErrorIs(t, s.SetStatus(ctx, "a", "", dedup.Status(9), ""), ErrInvalidStatus)
}

func TestRemove(t *testing.T) {
	ctx := context.Background()
	s := mustTemp(t)
	require.NoError(t, put(s, ctx, dedup.Entry{ID: "a", Seq: 1, Status: dedup.StatusAdmitted}, []uint64{1, 2}))
	require.NoError(t, put(s, ctx, dedup.Entry{ID: "b", Seq: 2, Status: dedup.StatusDuplicate, DupOf: "a"}, []uint64{2, 3}))

	require.NoError(t, s.Remove(ctx, "a"))
	_, err := s.Get(ctx, "a")
	assert.ErrorIs(t, err, dedup.ErrNotFound)
	c, err := s.Candidates(ctx, []uint64{1, 2})
	require.NoError(t, err)
	assert.Equal(t, []string{"b"}, ids(c))
	mustCheck(t, s, dedup.StoreStats{Entries: 1, Admitted: 0, Duplicates: 1, BandKeys: 2})

	err = s.Remove(ctx, "a")
	assert.ErrorIs(t, err, dedup.ErrNotFound, "a second Remove finds nothing")
	require.NoError(t, s.Remove(ctx, "b"))
	mustCheck(t, s, dedup.StoreStats{})
}

func TestPutInvalid(t *testing.T) {
	ctx := context.Background()
	s := mustTemp(t)
	tests := []struct {
		name string
		e    dedup.Entry
		want error
	}{
		{"empty id: bbolt keys cannot be empty", dedup.Entry{}, ErrEmptyID},
		{"status out of range", dedup.Entry{ID: "a", Status: 3}, ErrInvalidStatus},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, put(s, ctx, tt.e, []uint64{1}), tt.want)
		})
	}
	err := put(s, ctx, dedup.Entry{ID: string(make([]byte, bolt.MaxKeySize+1))}, nil)
	assert.ErrorContains(t, err, "boltstore: insert", "an id too long for a bbolt key is an error, not a panic")
	mustCheck(t, s, dedup.StoreStats{})
}

func TestNextSeqPersists(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "index.db")
	var last uint64
	for range 3 {
		s, err := Open(path, nil)
		require.NoError(t, err)
		for range 5 {
			n, err := s.NextSeq(ctx, 1)
			require.NoError(t, err)
			require.Greater(t, n, last, "claim numbers only grow, also across reopenings")
			last = n
		}
		require.NoError(t, s.Close())
	}
}

func TestReopenKeepsEntries(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "index.db")
	s, err := Open(path, nil)
	require.NoError(t, err)
	created := s.Created()
	assert.WithinDuration(t, time.Now(), created, time.Minute)
	assert.Equal(t, path, s.Path())
	e := dedup.Entry{ID: "a", Seq: 9, Status: dedup.StatusAdmitted, Sig: []byte("sig")}
	require.NoError(t, put(s, ctx, e, []uint64{4, 5}))
	require.NoError(t, s.Close())

	_, err = s.Get(ctx, "a")
	assert.Error(t, err, "a closed store returns errors")

	for _, opts := range []*Options{nil, {ReadOnly: true}} {
		s := mustOpen(t, path, opts)
		got, err := s.Get(ctx, "a")
		require.NoError(t, err)
		assert.Equal(t, e, got)
		assert.True(t, created.Equal(s.Created()), "creation time is kept")
		mustCheck(t, s, dedup.StoreStats{Entries: 1, Admitted: 1, BandKeys: 2})
		require.NoError(t, s.Close())
	}
}

func TestReadOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "index.db")
	_, err := Open(path, &Options{ReadOnly: true})
	require.Error(t, err, "read-only does not create the file")

	s, err := Open(path, nil)
	require.NoError(t, err)
	require.NoError(t, s.Close())

	r1 := mustOpen(t, path, &Options{ReadOnly: true})
	r2 := mustOpen(t, path, &Options{ReadOnly: true, Timeout: 100 * time.Millisecond})
	_, err = r2.Stats(ctx)
	require.NoError(t, err, "two read-only stores share the file")
	assert.Error(t, put(r1, ctx, dedup.Entry{ID: "a"}, nil))
	_, err = r1.NextSeq(ctx, 1)
	assert.Error(t, err)
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o600))
		return p
	}
	boltFile := func(name string, fn func(*bolt.Tx) error) string {
		p := filepath.Join(dir, name)
		db, err := bolt.Open(p, 0o600, nil)
		require.NoError(t, err)
		require.NoError(t, db.Update(fn))
		require.NoError(t, db.Close())
		return p
	}
	ours := func(name string, fn func(*bolt.Tx) error) string {
		p := filepath.Join(dir, name)
		s, err := Open(p, nil)
		require.NoError(t, err)
		require.NoError(t, s.db.Update(fn))
		require.NoError(t, s.Close())
		return p
	}
	tests := []struct {
		name string
		path string
		is   error
		msg  string
	}{
		{"text file: not a bbolt file", write("text.db", []byte("hello, this is not a database at all, just some text\n")), nil, "text.db"},
		{"other bbolt database: left untouched", boltFile("other.db", func(tx *bolt.Tx) error {
			_, err := tx.CreateBucket([]byte("users"))
			return err
		}), ErrNotIndex, "other.db"},
		{"future format version: refused, not guessed at", ours("future.db", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put(keyVersion, []byte{2})
		}), ErrFormatVersion, "version 2"},
		{"entries bucket missing", ours("nobucket.db", func(tx *bolt.Tx) error {
			return tx.DeleteBucket(bucketEntries)
		}), ErrCorrupt, "missing"},
		{"directory does not exist", filepath.Join(dir, "no", "such", "dir", "x.db"), os.ErrNotExist, "x.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(tt.path, nil)
			require.Error(t, err)
			assert.Nil(t, s)
			assert.Contains(t, err.Error(), "boltstore: open ")
			assert.Contains(t, err.Error(), tt.msg)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
		})
	}
}

// TestOpenEmptyFile checks the file a writer killed right after creating
// it leaves: empty. A reader is told so; a writer makes it an index.
func TestOpenEmptyFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "killed.db")
	require.NoError(t, os.WriteFile(p, nil, 0o600))
	s, err := Open(p, &Options{ReadOnly: true})
	require.ErrorIs(t, err, ErrNotIndex)
	assert.Nil(t, s)
	assert.Contains(t, err.Error(), "the file is empty")
	s, err = Open(p, nil)
	require.NoError(t, err, "a writer initialises it")
	require.NoError(t, s.Close())
	s, err = Open(p, &Options{ReadOnly: true})
	require.NoError(t, err, "then it reads")
	require.NoError(t, s.Close())
}

// TestOpenBareBolt reads a file bbolt made but whose writer stopped
// before it wrote the index's buckets, as a kill can leave it.
func TestOpenBareBolt(t *testing.T) {
	p := filepath.Join(t.TempDir(), "killed.db")
	db, err := bolt.Open(p, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	s, err := Open(p, &Options{ReadOnly: true})
	require.ErrorIs(t, err, ErrNotIndex)
	assert.Nil(t, s)
	assert.Contains(t, err.Error(), "no index yet")
	s, err = Open(p, nil)
	require.NoError(t, err, "a writer initialises it")
	require.NoError(t, s.Close())
	s, err = Open(p, &Options{ReadOnly: true})
	require.NoError(t, err, "then it reads")
	require.NoError(t, s.Close())
}

func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.db")
	mustOpen(t, path, nil)
	start := time.Now()
	_, err := Open(path, &Options{Timeout: 100 * time.Millisecond})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "in use by another process")
	assert.Less(t, time.Since(start), 5*time.Second, "the timeout is honoured")
}

func TestCorruptValue(t *testing.T) {
	ctx := context.Background()
	s := mustTemp(t)
	require.NoError(t, put(s, ctx, dedup.Entry{ID: "bad", Seq: 1}, []uint64{1}))
	require.NoError(t, put(s, ctx, dedup.Entry{ID: "good", Seq: 2}, []uint64{2}))
	require.NoError(t, s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketEntries).Put([]byte("bad"), []byte{entryVersion, 0xff})
	}))
	_, err := s.Get(ctx, "bad")
	assert.ErrorIs(t, err, ErrCorrupt)
	assert.ErrorContains(t, err, `entry "bad"`)
	_, err = s.Candidates(ctx, []uint64{1, 2})
	assert.ErrorIs(t, err, ErrCorrupt)
	assert.ErrorIs(t, s.Remove(ctx, "bad"), ErrCorrupt)
	assert.ErrorIs(t, s.SetStatus(ctx, "bad", "", dedup.StatusAdmitted, ""), ErrCorrupt)
	got, err := s.Get(ctx, "good")
	require.NoError(t, err, "other entries stay readable")
	assert.Equal(t, "good", got.ID)
	err = s.Check(ctx)
	assert.ErrorIs(t, err, ErrCorrupt)
	assert.ErrorContains(t, err, `entry "bad"`)

	// A membership whose entry is gone.
	require.NoError(t, s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketBands).Put(bandKey(nil, 3, []byte("ghost")), []byte{})
	}))
	_, err = s.Candidates(ctx, []uint64{3})
	assert.ErrorIs(t, err, ErrCorrupt)
	assert.ErrorContains(t, err, `"ghost"`)
	assert.ErrorContains(t, s.Check(ctx), `lists missing entry "ghost"`)
}

func TestCheckCounters(t *testing.T) {
	ctx := context.Background()
	s := mustTemp(t)
	require.NoError(t, put(s, ctx, dedup.Entry{ID: "a", Status: dedup.StatusAdmitted}, []uint64{1}))
	require.NoError(t, s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keyBandKeys, make([]byte, 8))
	}))
	assert.ErrorContains(t, s.Check(ctx), "meta/bandkeys is 0, the buckets hold 1")
	assert.ErrorIs(t, s.Remove(ctx, "a"), ErrCorrupt, "a counter going below zero is reported, not wrapped around")
}

func TestCanceledContext(t *testing.T) {
	s := mustTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.NextSeq(ctx, 1)
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, put(s, ctx, dedup.Entry{ID: "a"}, nil), context.Canceled)
	_, err = s.Candidates(ctx, []uint64{1})
	assert.ErrorIs(t, err, context.Canceled)
	_, err = s.Get(ctx, "a")
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, s.SetStatus(ctx, "a", "", dedup.StatusAdmitted, ""), context.Canceled)
	assert.ErrorIs(t, s.Remove(ctx, "a"), context.Canceled)
	_, err = s.Stats(ctx)
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, s.Check(ctx), context.Canceled)
}

// TestConcurrent runs writers and readers on one Store; the file must be
// consistent and the counters exact afterwards (run with -race).
func TestConcurrent(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, filepath.Join(t.TempDir(), "index.db"), &Options{NoSync: true})
	const workers, perWorker = 4, 60
	var wg sync.WaitGroup
	seqs := make([][]uint64, workers)
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for i := range perWorker {
				seq, err := s.NextSeq(ctx, 1)
				assert.NoError(t, err)
				seqs[w] = append(seqs[w], seq)
				id := fmt.Sprintf("w%d-%d", w, i)
				bands := []uint64{rng.Uint64N(20), rng.Uint64N(20), 100 + rng.Uint64N(1000)}
				assert.NoError(t, put(s, ctx, dedup.Entry{ID: id, Seq: seq}, bands))
				_, err = s.Candidates(ctx, bands)
				assert.NoError(t, err)
				if i%3 == 0 {
					assert.NoError(t, s.SetStatus(ctx, id, "", dedup.StatusAdmitted, ""))
				}
				if i%5 == 0 {
					assert.NoError(t, s.Remove(ctx, id))
				}
			}
		})
	}
	wg.Wait()
	all := slices.Concat(seqs...)
	slices.Sort(all)
	assert.Equal(t, len(all), len(slices.Compact(slices.Clone(all))), "no claim number handed out twice")

	require.NoError(t, s.Check(ctx))
	st, err := s.Stats(ctx)
	require.NoError(t, err)
	// Per worker: 60 puts, 12 removed (i%5==0), of the rest i%3==0 and
	// i%5!=0 are admitted: 20 multiples of 3 minus 4 multiples of 15.
	assert.Equal(t, workers*48, st.Entries)
	assert.Equal(t, workers*16, st.Admitted)
	assert.Equal(t, 0, st.Duplicates)
}

// TestConformance runs the suite every dedup.Store passes, with the
// persistence test: Reopen opens the closed store's file again.
func TestConformance(t *testing.T) {
	storetest.RunSuite(t, storetest.Suite{
		Open: func(t *testing.T) dedup.Store {
			s, err := Open(filepath.Join(t.TempDir(), "index.db"), nil)
			require.NoError(t, err)
			return s
		},
		Reopen: func(t *testing.T, closed dedup.Store) dedup.Store {
			s, err := Open(closed.(*Store).Path(), nil)
			require.NoError(t, err)
			return s
		},
		KeepsDecider: true,
	})
}
