package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/boltstore"
)

func openBolt(t *testing.T, path string) *boltstore.Store {
	t.Helper()
	st, err := boltstore.Open(path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

// TestJournalRoundTrip keeps a failed scan's claims, hands them to the
// next scan of the same index, and keeps those it did not settle.
func TestJournalRoundTrip(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(t.TempDir(), "seen.db")
	st := openBolt(t, db)
	never := func(string) bool { return false }

	j, err := takeJournal(dir, db, st)
	require.NoError(t, err)
	assert.Empty(t, j.claims, "a new index has no journal")
	failed := []dedup.Unsettled{
		{ID: "a", FiledAs: "a", Seq: 7, Owner: "host/1/ff"},
		{ID: "b", FiledAs: "b#v0123456789abcdef", Seq: 8, Owner: "host/1/ff"},
	}
	settled, err := j.finish(never, failed)
	require.NoError(t, err)
	assert.Zero(t, settled)

	other := openBolt(t, filepath.Join(t.TempDir(), "other.db"))
	j2, err := takeJournal(dir, "other.db", other)
	require.NoError(t, err)
	assert.Empty(t, j2.claims, "another index has a journal of its own")
	_, err = j2.finish(never, nil)
	require.NoError(t, err)

	j, err = takeJournal(dir, db, st)
	require.NoError(t, err)
	assert.Equal(t, failed, j.claims, "the next scan of the index takes the claims")
	_, err = os.Stat(j.path)
	assert.ErrorIs(t, err, os.ErrNotExist, "and the file, so that no other scan takes them too")
	settled, err = j.finish(func(id string) bool { return id == "a" }, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, settled, "a was written out: its claim is settled")

	j, err = takeJournal(dir, db, st)
	require.NoError(t, err)
	assert.Equal(t, failed[1:], j.claims, "b's claim is kept for a later scan")
	b, err := os.ReadFile(j.taken[0])
	require.NoError(t, err)
	assert.Contains(t, string(b), `"index":"`+db+`"`, "each line names the index for a reader")
	j.giveBack()
	j, err = takeJournal(dir, db, st)
	require.NoError(t, err)
	assert.Equal(t, failed[1:], j.claims, "a journal given back is there for the next scan")
}

// TestJournalTakenByKilledScan takes again a journal that a killed scan
// had taken, and leaves alone the one of a scan still running.
func TestJournalTakenByKilledScan(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(t.TempDir(), "seen.db")
	st := openBolt(t, db)
	j, err := takeJournal(dir, db, st)
	require.NoError(t, err)
	c := dedup.Unsettled{ID: "a", FiledAs: "a", Seq: 3, Owner: "h/2/aa"}
	_, err = j.finish(func(string) bool { return false }, []dedup.Unsettled{c})
	require.NoError(t, err)

	running := j.path + ".taken." + strconv.Itoa(os.Getppid())
	require.NoError(t, os.WriteFile(running, nil, 0o600))
	dead := j.path + ".taken.999999999"
	require.NoError(t, os.Rename(j.path, dead))

	j, err = takeJournal(dir, db, st)
	require.NoError(t, err)
	assert.Equal(t, []dedup.Unsettled{c}, j.claims, "the dead scan's journal is taken")
	_, err = os.Stat(running)
	assert.NoError(t, err, "a running scan's is not")
	_, err = j.finish(func(string) bool { return true }, nil)
	require.NoError(t, err)
	_, err = os.Stat(dead)
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestReadJournalErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		reason, text, want string
	}{
		{"not JSON", `{"id":"a","filed_as":"a","seq":1,"owner":"o"}` + "\nnot json\n", ":2: "},
		{"a claim without owner", `{"id":"a","filed_as":"a","seq":1}`, ":1: a claim needs"},
		{"a claim without seq", `{"id":"a","filed_as":"a","owner":"o"}`, ":1: a claim needs"},
	}
	for i, c := range cases {
		path := filepath.Join(dir, strconv.Itoa(i))
		require.NoError(t, os.WriteFile(path, []byte(c.text), 0o600))
		_, err := readJournal(path)
		require.Error(t, err, c.reason)
		assert.Contains(t, err.Error(), path+c.want, c.reason)
		assert.Contains(t, err.Error(), "move the file away", "%s: the message says what to do", c.reason)
	}
	path := filepath.Join(dir, "blank")
	require.NoError(t, os.WriteFile(path, []byte("\n  \n"), 0o600))
	cs, err := readJournal(path)
	require.NoError(t, err)
	assert.Empty(t, cs, "blank lines are skipped")
}

func FuzzReadJournal(f *testing.F) {
	f.Add([]byte(`{"index":"x","id":"a","filed_as":"a","seq":1,"owner":"o","at":"2026-12-04T00:00:00Z"}` + "\n"))
	f.Add([]byte("{\n"))
	f.Add([]byte(`{"seq":-1}`))
	f.Add([]byte(strings.Repeat("x", 70000)))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, "j")
		require.NoError(t, os.WriteFile(path, b, 0o600))
		cs, err := readJournal(path)
		if err != nil {
			assert.Contains(t, err.Error(), path)
			return
		}
		for _, c := range cs {
			assert.NotEmpty(t, c.FiledAs)
			assert.NotEmpty(t, c.Owner)
			assert.NotZero(t, c.Seq)
		}
	})
}

// TestRunFile keeps the batches of a scan whose output was not committed,
// drops them once it was, and lets the next scan take those of a killed
// scan.
func TestRunFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(t.TempDir(), "seen.db")
	st := openBolt(t, db)
	b1 := dedup.Unsettled{Seq: 1, N: 64, Owner: "h/1/aa"}
	b2 := dedup.Unsettled{Seq: 65, N: 10, Owner: "h/1/aa"}
	start := func() *runFile {
		j, err := takeJournal(dir, db, st)
		require.NoError(t, err)
		_, err = j.finish(func(string) bool { return false }, nil)
		require.NoError(t, err)
		rf, err := j.startRun()
		require.NoError(t, err)
		require.NoError(t, rf.claim(b1))
		require.NoError(t, rf.claim(b2))
		return rf
	}

	rf := start()
	require.NoError(t, rf.end(true, rf.path[:strings.LastIndex(rf.path, ".run.")]))
	j, err := takeJournal(dir, db, st)
	require.NoError(t, err)
	assert.Empty(t, j.claims, "a committed output leaves no batch")
	_, err = j.finish(func(string) bool { return false }, nil)
	require.NoError(t, err)

	rf = start()
	require.NoError(t, rf.end(false, rf.path[:strings.LastIndex(rf.path, ".run.")]))
	j, err = takeJournal(dir, db, st)
	require.NoError(t, err)
	assert.Equal(t, []dedup.Unsettled{b1, b2}, j.claims, "an output not committed leaves its batches")
	assert.Equal(t, uint64(74), j.batches())
	_, err = j.finish(func(string) bool { return false }, nil)
	require.NoError(t, err)
	j, err = takeJournal(dir, db, st)
	require.NoError(t, err)
	assert.Empty(t, j.claims, "a batch serves one scan")
	_, err = j.finish(func(string) bool { return false }, nil)
	require.NoError(t, err)

	// A killed scan's run file, under a pid no process has.
	rf = start()
	require.NoError(t, rf.f.Close())
	dead := rf.path[:strings.LastIndex(rf.path, ".")] + ".999999999"
	require.NoError(t, os.Rename(rf.path, dead))
	j, err = takeJournal(dir, db, st)
	require.NoError(t, err)
	assert.Equal(t, []dedup.Unsettled{b1, b2}, j.claims, "the next scan takes a killed scan's batches")
}
