package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cespare/xxhash/v2"
	"github.com/newsdedup/newsdedup/dedup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// The crash test re-executes the test binary as a writer process (the
// test TestCrashWriter, which does nothing unless crashEnvPath is set),
// kills it with SIGKILL at a random moment, and checks the file.
const (
	crashEnvPath   = "BOLTSTORE_CRASH_PATH"
	crashEnvPrefix = "BOLTSTORE_CRASH_PREFIX"
)

// The writer logs each operation to stdout before it starts ("putting",
// "admitting", "removing") and after it returned ("put", "admitted",
// "removed"); a line is written only after the previous one, so the log
// is exact up to the kill.
//
//	claiming ID (before NextSeq)
//	putting ID SEQ / put ID
//	admitting ID / admitted ID
//	removing ID / removed ID

// crashBands derives the band keys of id: 4 from a pool of 64, so bands
// have many members, and 12 spread over all 64 bits.
func crashBands(id string) []uint64 {
	bands := make([]uint64, 16)
	for j := range bands {
		h := xxhash.Sum64String(strconv.Itoa(j) + "/" + id)
		if j < 4 {
			h %= 64
		}
		bands[j] = h
	}
	return bands
}

// crashSig derives a 256-byte signature of id.
func crashSig(id string) []byte {
	sig := make([]byte, 0, 256)
	for j := 0; len(sig) < 256; j++ {
		sig = binary.LittleEndian.AppendUint64(sig, xxhash.Sum64String(id+"#"+strconv.Itoa(j)))
	}
	return sig
}

// TestCrashWriter is the writer process of TestCrashSafety; run directly
// it skips.
func TestCrashWriter(t *testing.T) {
	path := os.Getenv(crashEnvPath)
	if path == "" {
		t.Skip("the writer process of TestCrashSafety; runs only when re-executed by it")
	}
	if err := crashWrite(path, os.Getenv(crashEnvPrefix), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "crash writer:", err)
		os.Exit(3)
	}
}

// crashWrite puts entries in a loop until killed (or 20 s have passed),
// with a SetStatus every 4th entry and a Remove every 7th.
func crashWrite(path, prefix string, w io.Writer) error {
	ctx := context.Background()
	s, err := Open(path, &Options{Timeout: 10 * time.Second})
	if err != nil {
		return err
	}
	deadline := time.Now().Add(20 * time.Second)
	for i := 0; time.Now().Before(deadline); i++ {
		id := fmt.Sprintf("%s-%d", prefix, i)
		fmt.Fprintf(w, "claiming %s\n", id)
		seq, err := s.NextSeq(ctx, 1)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "putting %s %d\n", id, seq)
		if err := put(s, ctx, dedup.Entry{ID: id, Seq: seq, Sig: crashSig(id)}, crashBands(id)); err != nil {
			return err
		}
		fmt.Fprintf(w, "put %s\n", id)
		if i%4 == 0 {
			fmt.Fprintf(w, "admitting %s\n", id)
			if err := s.SetStatus(ctx, id, "", dedup.StatusAdmitted, ""); err != nil {
				return err
			}
			fmt.Fprintf(w, "admitted %s\n", id)
		}
		if i%7 == 0 && i >= 3 {
			old := fmt.Sprintf("%s-%d", prefix, i-3)
			fmt.Fprintf(w, "removing %s\n", old)
			if err := s.Remove(ctx, old); err != nil {
				return err
			}
			fmt.Fprintf(w, "removed %s\n", old)
		}
	}
	return s.Close()
}

// crashState is what the writer's log says about one id.
type crashState struct {
	seq                                                  uint64
	putting, put, admitting, admitted, removing, removed bool
}

// crashLog collects the writer's stdout and signals its first line.
type crashLog struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	first chan struct{}
	once  sync.Once
}

func (l *crashLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	if bytes.IndexByte(p, '\n') >= 0 {
		l.once.Do(func() { close(l.first) })
	}
	return len(p), nil
}

// apply reads the complete lines of the log into states and reports
// whether the last complete line starts an operation (the writer was
// killed with a write in flight).
func (l *crashLog) apply(t *testing.T, states map[string]*crashState) (inFlight bool, acked int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	text := l.buf.String()
	if i := strings.LastIndexByte(text, '\n'); i >= 0 {
		text = text[:i] // drop a line cut short by the kill
	} else {
		return false, 0
	}
	for line := range strings.SplitSeq(text, "\n") {
		f := strings.Fields(line)
		require.GreaterOrEqual(t, len(f), 2, "writer log line %q", line)
		st := states[f[1]]
		if st == nil {
			st = &crashState{}
			states[f[1]] = st
		}
		inFlight = strings.HasSuffix(f[0], "ing")
		switch f[0] {
		case "claiming":
		case "putting":
			require.Len(t, f, 3)
			seq, err := strconv.ParseUint(f[2], 10, 64)
			require.NoError(t, err)
			st.putting, st.seq = true, seq
		case "put":
			st.put = true
			acked++
		case "admitting":
			st.admitting = true
		case "admitted":
			st.admitted = true
		case "removing":
			st.removing = true
		case "removed":
			st.removed = true
		default:
			t.Fatalf("unknown writer log line %q", line)
		}
	}
	return inFlight, acked
}

// TestCrashSafety kills a writer with SIGKILL at random moments, 20 times
// (5 with -short), and checks after each kill that the file reopens and
// holds every entry whose Put returned, no entry that was never put, and
// no half-written entry.
func TestCrashSafety(t *testing.T) {
	if os.Getenv(crashEnvPath) != "" {
		t.Skip("inside the writer process")
	}
	kills := 20
	if testing.Short() {
		kills = 5
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	path := filepath.Join(t.TempDir(), "index.db")
	states := map[string]*crashState{}
	var consistent, inFlightKills, acked int
	for it := range kills {
		var stderr bytes.Buffer
		log := &crashLog{first: make(chan struct{})}
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashWriter$")
		cmd.Env = append(os.Environ(), crashEnvPath+"="+path, crashEnvPrefix+"=r"+strconv.Itoa(it))
		cmd.Stdout, cmd.Stderr = log, &stderr
		require.NoError(t, cmd.Start())
		if rng.IntN(5) == 0 {
			// Early: perhaps while the writer opens or creates the file.
			time.Sleep(time.Duration(rng.IntN(40)) * time.Millisecond)
		} else {
			select {
			case <-log.first:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatalf("writer wrote nothing in 10 s; stderr:\n%s", stderr.String())
			}
			time.Sleep(time.Duration(rng.IntN(400)) * time.Millisecond)
		}
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		err := cmd.Wait()
		require.Error(t, err, "the writer must be killed, not finish; stderr:\n%s", stderr.String())
		inFlight, n := log.apply(t, states)
		acked += n
		if inFlight {
			inFlightKills++
		}
		if crashVerify(t, it, path, states) {
			consistent++
		}
	}
	t.Logf("%d/%d kills reopened consistent; %d with a write in flight; %d puts acknowledged", consistent, kills, inFlightKills, acked)
	assert.Equal(t, kills, consistent)
}

// crashVerify reopens the file after kill number it and checks it
// against the writer logs so far.
func crashVerify(t *testing.T, it int, path string, states map[string]*crashState) bool {
	t.Helper()
	ctx := context.Background()
	s, err := Open(path, &Options{Timeout: 5 * time.Second})
	if !assert.NoError(t, err, "kill %d: reopen", it) {
		return false
	}
	defer func() { require.NoError(t, s.Close()) }()
	ok := assert.NoError(t, s.Check(ctx), "kill %d: consistency", it)

	var maxSeq uint64
	for id, st := range states {
		if st.seq > maxSeq {
			maxSeq = st.seq
		}
		e, err := s.Get(ctx, id)
		present := err == nil
		if !present {
			ok = assert.ErrorIs(t, err, dedup.ErrNotFound, "kill %d: %s", it, id) && ok
		}
		switch {
		case st.removed:
			ok = assert.False(t, present, "kill %d: %s was removed", it, id) && ok
		case st.put && !st.removing:
			ok = assert.True(t, present, "kill %d: %s was put and is lost", it, id) && ok
		}
		if !present {
			continue
		}
		want := dedup.Entry{ID: id, Seq: st.seq, Sig: crashSig(id)}
		if st.admitted || (st.admitting && e.Status == dedup.StatusAdmitted) {
			want.Status = dedup.StatusAdmitted
		}
		e.Bands = nil // checked through Candidates below
		ok = assert.Equal(t, want, e, "kill %d: %s", it, id) && ok
		cands, err := s.Candidates(ctx, crashBands(id)[4:5])
		require.NoError(t, err)
		ok = assert.Contains(t, ids(cands), id, "kill %d: %s is filed under its band", it, id) && ok
	}
	// Nothing in the file that the writer never started to put.
	require.NoError(t, s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketEntries).ForEach(func(k, _ []byte) error {
			st := states[string(k)]
			ok = assert.True(t, st != nil && st.putting, "kill %d: unexpected entry %q", it, k) && ok
			return nil
		})
	}))
	seq, err := s.NextSeq(ctx, 1)
	require.NoError(t, err)
	ok = assert.Greater(t, seq, maxSeq, "kill %d: a claim number handed out is never handed out again", it) && ok
	return ok
}
