package main

// This file keeps the claims a failed scan left unsettled, so that a
// rerun on the same machine reports their decisions.
//
// When Redis goes away with replies in flight, a scan cannot know whether
// Redis applied its last decisions: an article may be admitted in the
// index without being in the output, and a rerun would call it "already
// in the index" (dedup.IndexError.Unsettled). The scan keeps those claims
// in a journal, one JSON line each, in a file per index under the user's
// cache directory (--index-journal DIR to put it elsewhere), named by a
// hash of the index's identity: a Redis namespace's marker token, or a
// file index's absolute path. The next scan against that index takes the
// file (renaming it, so that of two scans one takes it), hands the claims
// to its pipeline (dedup.Pipeline.Adopt), and at its end writes back the
// claims of articles it did not write out, with those of its own failure.
// A journal a killed scan had taken (named after its dead process) is
// taken again.
//
// A scan that writes to -o commits its file only at the end: killed
// before, it leaves no output, and every story it admitted would be
// "already in the index" to the rerun. So it writes each batch of claims
// (first claim number, count, owner: one short line per batch, written
// before the batch reaches the index) to a run file beside the journal,
// removed once the output is committed. The run file of a killed scan is
// taken by the next scan like a journal, and its batches are adopted
// whole: their articles reached no output. A batch serves one scan: the
// next scan that takes it reports what it meets of it.

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/boltstore"
	"github.com/newsdedup/newsdedup/dedup/redisstore"
)

// journalLine is one unsettled claim in a journal file.
type journalLine struct {
	Index string `json:"index"` // the index, for a reader of the file (a redacted URL or a path)
	dedup.Unsettled
	At time.Time `json:"at"` // when the scan failed
}

// journal is the unsettled claims of one index that a scan took.
type journal struct {
	path   string   // the journal file of the index
	index  string   // the index as messages name it
	taken  []string // the files taken, read and to be removed
	claims []dedup.Unsettled
	run    *runFile // this scan's batches, when its output is a file
}

// defaultJournalDir is where journals live without --index-journal: the
// user's cache directory, or "" when there is none.
func defaultJournalDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "newsdedup", "unsettled")
}

// journalKey is what names the journal of the index st opened from spec.
func journalKey(spec string, st dedup.Store) (string, error) {
	switch s := st.(type) {
	case *redisstore.Store:
		return "redis marker " + s.Marker(), nil
	case *boltstore.Store:
		p, err := filepath.Abs(s.Path())
		if err != nil {
			return "", err
		}
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		return "file " + p, nil
	}
	return "", fmt.Errorf("index %s keeps no journal", redactURL(spec))
}

// openJournal takes the journal of the index st (opened from spec) in
// dir and, when the scan's output is a file committed at its end
// (withRun), starts the scan's run file.
func openJournal(dir, spec string, st dedup.Store, withRun bool) (*journal, error) {
	j, err := takeJournal(dir, spec, st)
	if err != nil || !withRun {
		return j, err
	}
	if j.run, err = j.startRun(); err != nil {
		j.giveBack()
		return nil, err
	}
	return j, nil
}

// takeJournal takes the journal of the index st (opened from spec) in
// dir: the file, and those a killed scan had taken. A bad line is an
// error naming the file and line; the files taken are then given back.
func takeJournal(dir, spec string, st dedup.Store) (*journal, error) {
	key, err := journalKey(spec, st)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(key))
	j := &journal{path: filepath.Join(dir, hex.EncodeToString(sum[:8])+".jsonl"), index: redactURL(spec)}
	mine := fmt.Sprintf("%s.taken.%d", j.path, os.Getpid())
	if err := os.Rename(j.path, mine); err == nil {
		j.taken = append(j.taken, mine)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("journal %s: %w", j.path, err)
	}
	taken, _ := filepath.Glob(j.path + ".taken.*")
	runs, _ := filepath.Glob(j.path + ".run.*")
	for i, f := range append(taken, runs...) {
		if f == mine || processAlive(f[strings.LastIndexByte(f, '.')+1:]) {
			continue
		}
		to := fmt.Sprintf("%s.%d", mine, i)
		if err := os.Rename(f, to); err == nil {
			j.taken = append(j.taken, to)
		}
	}
	for _, f := range j.taken {
		cs, err := readJournal(f)
		if err != nil {
			j.giveBack()
			return nil, err
		}
		j.claims = append(j.claims, cs...)
	}
	return j, nil
}

// processAlive reports whether the process of the decimal pid is alive
// (or may be: anything but "no such process").
func processAlive(pid string) bool {
	n, err := strconv.Atoi(pid)
	if err != nil || n <= 0 {
		return true // not a name this file gives: leave it
	}
	p, err := os.FindProcess(n)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return !(errors.Is(err, os.ErrProcessDone) || errors.Is(err, syscall.ESRCH))
}

// readJournal reads the claims of a journal file.
func readJournal(path string) ([]dedup.Unsettled, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	defer f.Close()
	var cs []dedup.Unsettled
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		var l journalLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("journal %s:%d: %v (move the file away to scan without it)", path, n, err)
		}
		if (l.FiledAs == "") == (l.N == 0) || l.Owner == "" || l.Seq == 0 {
			return nil, fmt.Errorf("journal %s:%d: a claim needs filed_as (or n, for a batch), seq and owner (move the file away to scan without it)", path, n)
		}
		cs = append(cs, l.Unsettled)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	return cs, nil
}

// giveBack returns the files taken to the journal, unread.
func (j *journal) giveBack() {
	for _, f := range j.taken {
		if b, err := os.ReadFile(f); err == nil && appendFile(j.path, b) == nil {
			os.Remove(f)
		}
	}
	j.taken = nil
}

// finish writes back the claims the scan did not settle (those whose
// article it did not write out: written reports which it did) with the
// claims of its own failure, and removes the files it took. It returns
// how many claims of the journal the scan settled.
func (j *journal) finish(written func(id string) bool, failed []dedup.Unsettled) (settled int, err error) {
	var keep []dedup.Unsettled
	for _, c := range j.claims {
		if c.N > 0 {
			continue // a batch serves one scan
		}
		if written(c.ID) {
			settled++
			continue
		}
		keep = append(keep, c)
	}
	keep = append(keep, failed...)
	if len(keep) > 0 {
		var b []byte
		at := time.Now().UTC().Truncate(time.Second)
		for _, c := range keep {
			line, _ := json.Marshal(journalLine{Index: j.index, Unsettled: c, At: at})
			b = append(append(b, line...), '\n')
		}
		if err := os.MkdirAll(filepath.Dir(j.path), 0o700); err != nil {
			return settled, fmt.Errorf("journal %s: %w", j.path, err)
		}
		if err := appendFile(j.path, b); err != nil {
			return settled, fmt.Errorf("journal %s: %w", j.path, err)
		}
	}
	for _, f := range j.taken {
		os.Remove(f)
	}
	j.taken = nil
	return settled, nil
}

// appendFile appends b to the file path in one write, synced.
func appendFile(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// batches counts the claims of the batches among j's claims.
func (j *journal) batches() (claims uint64) {
	for _, c := range j.claims {
		claims += c.N
	}
	return claims
}

// runFile is the run file of a scan writing to -o: the batches of claims
// it made, until its output is committed.
type runFile struct {
	mu    sync.Mutex
	f     *os.File
	path  string
	index string
}

// startRun creates the run file of this scan beside j's journal.
func (j *journal) startRun() (*runFile, error) {
	if err := os.MkdirAll(filepath.Dir(j.path), 0o700); err != nil {
		return nil, fmt.Errorf("journal %s: %w", j.path, err)
	}
	path := fmt.Sprintf("%s.run.%d", j.path, os.Getpid())
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	return &runFile{f: f, path: path, index: j.index}, nil
}

// claim writes a batch of claims to the run file, in one write: a kill
// after it leaves the batch in the file (no sync: a killed process's
// writes reach the file; a crash of the machine is another matter).
func (r *runFile) claim(u dedup.Unsettled) error {
	line, _ := json.Marshal(journalLine{Index: r.index, Unsettled: u, At: time.Now().UTC().Truncate(time.Second)})
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := r.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("journal %s: %w", r.path, err)
	}
	return nil
}

// end closes the run file. When the output was committed its batches are
// done and the file goes; else they are kept in the journal at jpath,
// for the next scan.
func (r *runFile) end(committed bool, jpath string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	err := r.f.Close()
	if !committed && err == nil {
		var b []byte
		if b, err = os.ReadFile(r.path); err == nil && len(b) > 0 {
			err = appendFile(jpath, b)
		}
	}
	if err != nil {
		return fmt.Errorf("journal %s: %w", r.path, err)
	}
	return os.Remove(r.path)
}
