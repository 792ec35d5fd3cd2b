package main

// End-to-end tests of the index under several processes: the newsdedup
// binary, built once by TestMain with "go build", run as a crawler
// operator runs it, against bbolt files and the Redis servers .ci/run
// starts (NEWSDEDUP_REDIS_URL, NEWSDEDUP_REDIS_CLUSTER_URL; missing ones
// skip the test, or fail it when CI is set). The crawl is made here, from
// seeded random words, so that the tests need nothing outside the repo.
// NEWSDEDUP_E2E_RUNS (default 3) sets how many times the repeated ones
// run; the figures of the README's index section use 10.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup/boltstore"
)

// binary is the newsdedup binary TestMain built, "" when it could not.
var (
	binary    string
	binaryErr error
)

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "newsdedup-e2e-")
	switch {
	case err == nil && fuzzing():
		// No test that runs the binary runs while fuzzing: do not build
		// it in the fuzzing engine's every worker.
		os.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
		binaryErr = errors.New("the binary is not built while fuzzing")
	case err == nil:
		// The journals of failed scans (journal.go) go to the test's own
		// cache directory, in this process and in the binary it runs.
		os.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
		binary = filepath.Join(dir, "newsdedup")
		out, berr := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
		if berr != nil {
			binary, binaryErr = "", fmt.Errorf("go build: %v: %s", berr, out)
		}
	default:
		binaryErr = err
	}
	code := m.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// fuzzing reports whether the test binary runs for the fuzzing engine
// (-test.fuzz, or as one of its workers).
func fuzzing() bool {
	for _, name := range []string{"test.fuzz", "test.fuzzworker"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" && f.Value.String() != "false" {
			return true
		}
	}
	return false
}

// bin returns the binary, skipping the test in -short mode.
func bin(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the end-to-end tests run the binary many times")
	}
	require.NoError(t, binaryErr)
	return binary
}

// e2eRuns is how many times the repeated tests run.
func e2eRuns() int {
	if n, err := strconv.Atoi(os.Getenv("NEWSDEDUP_E2E_RUNS")); err == nil && n > 0 {
		return n
	}
	return 3
}

// redisFor returns the URL in env with a prefix of its own for the test,
// or skips (fails in CI).
func redisFor(t *testing.T, env, name string) string {
	t.Helper()
	u := os.Getenv(env)
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set, and CI must not skip the Redis tests", env)
		}
		t.Skipf("set %s to run this test (bash .ci/redis.sh go test ./cmd/newsdedup)", env)
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + "prefix=" + fmt.Sprintf("e2e-%s-%d-%d", name, time.Now().UnixNano(), rand.Int())
}

// crawlRecord is one line of a generated crawl.
type crawlRecord struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// makeCrawl writes a crawl of stories with near-copies, in seeded random
// order, and returns its path and the number of distinct stories. Words
// are drawn from a large vocabulary, so that stories share no shingles
// and copies share almost all.
func makeCrawl(t *testing.T, seed uint64, stories, copies int) (string, int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	var recs []crawlRecord
	bodies := make([][]string, stories)
	for s := range stories {
		paras := make([]string, 4+rng.IntN(5))
		for i := range paras {
			w := make([]string, 25+rng.IntN(20))
			for j := range w {
				w[j] = fmt.Sprintf("w%d", rng.IntN(200000))
			}
			paras[i] = strings.Join(w, " ")
		}
		bodies[s] = paras
		recs = append(recs, crawlRecord{ID: fmt.Sprintf("s%d", s), Title: fmt.Sprintf("Story %d", s), Text: strings.Join(paras, "\n\n")})
	}
	for c := range copies {
		s := rng.IntN(stories)
		paras := make([]string, len(bodies[s]))
		for i, p := range bodies[s] {
			w := strings.Fields(p)
			for j := range w {
				if rng.Float64() < 0.02 {
					w[j] = fmt.Sprintf("e%d", rng.IntN(1<<30))
				}
			}
			paras[i] = strings.Join(w, " ")
		}
		recs = append(recs, crawlRecord{ID: fmt.Sprintf("s%d-copy%d", s, c), Title: fmt.Sprintf("Story %d", s), Text: strings.Join(paras, "\n\n")})
	}
	rng.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
	path := filepath.Join(t.TempDir(), "crawl.jsonl")
	writeRecords(t, path, recs)
	return path, stories
}

func writeRecords(t *testing.T, path string, recs []crawlRecord) {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, r := range recs {
		require.NoError(t, enc.Encode(r))
	}
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
}

// result is one run of the binary.
type result struct {
	code           int
	stdout, stderr string
}

// runBin runs the binary to its end.
func runBin(t *testing.T, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin(t), args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return result{code, out.String(), errb.String()}
}

// scanArgs are the arguments of an index scan of path.
func scanArgs(index, path string, extra ...string) []string {
	return append([]string{"scan", "--index", index, "--only", "near_duplicate,changed_page", "--format", "jsonl"}, append(extra, path)...)
}

// admitted returns the ids of the articles a scan's output reports
// without near_duplicate: the ones its index admitted.
func admitted(t *testing.T, out string) []string {
	t.Helper()
	var ids []string
	for _, r := range parseJSONL(t, out) {
		dup := false
		for _, f := range r.Findings {
			dup = dup || f.Kind == "near_duplicate"
		}
		if !dup {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// indexStatsOf runs "index stats --format json".
func indexStatsOf(t *testing.T, spec string) indexStats {
	t.Helper()
	r := runBin(t, "index", "stats", "--format", "json", spec)
	require.Equal(t, exitClean, r.code, r.stderr)
	var st indexStats
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &st))
	return st
}

// concurrentScans starts n scans of path into index at the same moment
// and waits for all.
func concurrentScans(t *testing.T, n int, index, path string, extra ...string) []result {
	t.Helper()
	out := make([]result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { out[i] = runBin(t, scanArgs(index, path, extra...)...) })
	}
	wg.Wait()
	return out
}

// TestE2EConcurrentScansAdmitOnce runs 4 scans of one crawl into one empty
// Redis (a server, a 3-node cluster) at the same moment: the stories
// admitted in total are those one scan admits alone.
func TestE2EConcurrentScansAdmitOnce(t *testing.T) {
	path, _ := makeCrawl(t, 1, 300, 100)
	for _, target := range []struct{ name, env string }{
		{"server", "NEWSDEDUP_REDIS_URL"}, {"cluster", "NEWSDEDUP_REDIS_CLUSTER_URL"},
	} {
		t.Run(target.name, func(t *testing.T) {
			alone := runBin(t, scanArgs(redisFor(t, target.env, "alone"), path)...)
			require.Contains(t, []int{exitClean, exitFlagged}, alone.code, alone.stderr)
			want := len(admitted(t, alone.stdout))
			for run := range e2eRuns() {
				spec := redisFor(t, target.env, "four")
				total := 0
				for i, r := range concurrentScans(t, 4, spec, path) {
					require.Contains(t, []int{exitClean, exitFlagged}, r.code, "scan %d: %s", i, r.stderr)
					total += len(admitted(t, r.stdout))
				}
				st := indexStatsOf(t, spec)
				assert.Equal(t, want, total, "run %d: stories admitted by 4 scans in total", run)
				assert.Equal(t, want, st.Admitted, "run %d: stories admitted in the index", run)
				assert.Zero(t, st.Pending, "run %d: nothing left pending", run)
				t.Logf("%s run %d: one scan alone admits %d; 4 at once admit %d in total", target.name, run, want, total)
			}
		})
	}
}

// TestE2EConcurrentScansBolt runs 4 scans of one crawl into one bbolt
// file at the same moment: each waits for the lock (or says the index is
// in use), the file is never damaged, and the stories are admitted once.
func TestE2EConcurrentScansBolt(t *testing.T) {
	path, _ := makeCrawl(t, 2, 200, 60)
	alone := runBin(t, scanArgs(filepath.Join(t.TempDir(), "alone.db"), path)...)
	want := len(admitted(t, alone.stdout))
	for run := range e2eRuns() {
		db := filepath.Join(t.TempDir(), "shared.db")
		total, inUse := 0, 0
		for i, r := range concurrentScans(t, 4, db, path, "--index-no-sync") {
			switch r.code {
			case exitClean, exitFlagged:
				total += len(admitted(t, r.stdout))
			default:
				assert.Contains(t, r.stderr, "index is in use by another process", "scan %d fails only on the lock", i)
				inUse++
			}
		}
		s, err := boltstore.Open(db, &boltstore.Options{ReadOnly: true})
		require.NoError(t, err)
		assert.NoError(t, s.Check(context.Background()), "run %d: the file passes its consistency check", run)
		require.NoError(t, s.Close())
		if inUse == 0 {
			assert.Equal(t, want, total, "run %d: stories admitted in total", run)
		}
		assert.Equal(t, want, indexStatsOf(t, db).Admitted, "run %d: stories admitted in the index", run)
	}
}

// TestE2EJobsDeterministic scans one crawl with -j 1, 2 and 4, each into
// a fresh index: the outputs are identical.
func TestE2EJobsDeterministic(t *testing.T) {
	path, _ := makeCrawl(t, 3, 150, 80)
	for run := range e2eRuns() {
		var want string
		for _, j := range []string{"1", "2", "4"} {
			r := runBin(t, scanArgs(filepath.Join(t.TempDir(), "j.db"), path, "--index-no-sync", "-j", j)...)
			require.Contains(t, []int{exitClean, exitFlagged}, r.code, r.stderr)
			if want == "" {
				want = r.stdout
				continue
			}
			assert.Equal(t, want, r.stdout, "run %d: -j %s gives the output of -j 1", run, j)
		}
	}
	if os.Getenv("NEWSDEDUP_REDIS_URL") == "" && os.Getenv("CI") == "" {
		return
	}
	var want string
	for _, j := range []string{"1", "2", "8"} {
		r := runBin(t, scanArgs(redisFor(t, "NEWSDEDUP_REDIS_URL", "jobs"), path, "-j", j)...)
		require.Contains(t, []int{exitClean, exitFlagged}, r.code, r.stderr)
		if want == "" {
			want = r.stdout
			continue
		}
		assert.Equal(t, want, r.stdout, "Redis: -j %s gives the output of -j 1", j)
	}
}

// TestE2EKillDrill kills a scan writing a bbolt index at a random moment,
// 20 times: the file reopens, a rerun completes, index repair leaves no
// lease, and no article is missing or admitted twice.
func TestE2EKillDrill(t *testing.T) {
	path, _ := makeCrawl(t, 4, 150, 50)
	clean := runBin(t, scanArgs(filepath.Join(t.TempDir(), "clean.db"), path)...)
	want := len(admitted(t, clean.stdout))
	n := len(parseJSONL(t, clean.stdout))
	rng := rand.New(rand.NewPCG(4, 4))
	left := 0
	for round := range 20 {
		db := filepath.Join(t.TempDir(), "kill.db")
		cmd := exec.Command(bin(t), scanArgs(db, path, "-j", "2")...)
		require.NoError(t, cmd.Start())
		time.Sleep(time.Duration(50+rng.IntN(600)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		// The file reopens, unless the kill came before the scan made
		// it, wrote its first page or its index's buckets (a loaded
		// machine starts the process slowly): then there is no index to
		// read yet, and index stats says so.
		if fi, err := os.Stat(db); err == nil && fi.Size() > 0 {
			if r := runBin(t, "index", "stats", "--format", "json", db); r.code == exitClean {
				left += len(indexStatsOf(t, db).ExpiredLeases)
			} else {
				assert.Contains(t, r.stderr, "no index yet", "round %d: a killed writer's file reopens", round)
			}
		}
		r := runBin(t, scanArgs(db, path)...)
		require.Contains(t, []int{exitClean, exitFlagged}, r.code, "round %d: the rerun completes: %s", round, r.stderr)
		rep := runBin(t, "index", "repair", db)
		require.Equal(t, exitClean, rep.code, rep.stderr)
		st := indexStatsOf(t, db)
		assert.Empty(t, st.ExpiredLeases, "round %d: no lease left after repair", round)
		assert.Zero(t, st.Pending, "round %d", round)
		assert.Equal(t, n, st.Entries, "round %d: every article is in the index", round)
		assert.Equal(t, want, st.Admitted, "round %d: as many stories admitted as without the kill", round)
	}
	t.Logf("20 kills left %d pending entries in all, every one decided by the rerun", left)
}

// TestE2EKillDrillOutputFile kills a scan that writes its output with -o
// (a file renamed into place only at the end) and a bbolt index: the
// killed scan leaves no output, so the rerun must report every story the
// killed one admitted. Across the two, each story is admitted once in an
// output.
func TestE2EKillDrillOutputFile(t *testing.T) {
	path, _ := makeCrawl(t, 4, 600, 200)
	begin := time.Now()
	clean := runBin(t, scanArgs(filepath.Join(t.TempDir(), "clean.db"), path, "-j", "2")...)
	took := time.Since(begin)
	want := len(admitted(t, clean.stdout))
	rng := rand.New(rand.NewPCG(5, 5))
	adopted := 0
	for round := range 8 {
		dir := t.TempDir()
		db, out := filepath.Join(dir, "kill.db"), filepath.Join(dir, "first.jsonl")
		cmd := exec.Command(bin(t), scanArgs(db, path, "-j", "2", "-o", out)...)
		require.NoError(t, cmd.Start())
		time.Sleep(took/5 + time.Duration(rng.Int64N(int64(took)*3/4))) // mostly in the scan pass
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		first := ""
		if b, err := os.ReadFile(out); err == nil {
			first = string(b) // the kill came after the end
		}
		r := runBin(t, scanArgs(db, path, "-o", filepath.Join(dir, "second.jsonl"))...)
		require.Contains(t, []int{exitClean, exitFlagged}, r.code, "round %d: the rerun completes: %s", round, r.stderr)
		if strings.Contains(r.stderr, "stopped before its output was committed") {
			adopted++
		}
		b, err := os.ReadFile(filepath.Join(dir, "second.jsonl"))
		require.NoError(t, err)
		seen := map[string]bool{}
		for _, id := range admitted(t, first) {
			seen[id] = true
		}
		for _, id := range admitted(t, string(b)) {
			assert.False(t, seen[id], "round %d: %s admitted by both runs", round, id)
			seen[id] = true
		}
		assert.Len(t, seen, want, "round %d: every story admitted once across the two outputs: %s", round, r.stderr)
	}
	t.Logf("%d of 8 reruns reported the decisions of a killed scan", adopted)
}

// TestE2ERedisRestart kills the Redis a scan writes to, mid-scan (a
// server of the test's own, with AOF): restarted within --index-retry,
// the scan finishes; left down, the scan exits 2 with every article it
// decided in its output, and after a restart a rerun completes; no story
// is admitted twice across the two runs.
func TestE2ERedisRestart(t *testing.T) {
	server, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-server is missing in CI (.ci/redis.sh installs it)")
		}
		t.Skip("redis-server is not installed")
	}
	bin(t)
	path, _ := makeCrawl(t, 5, 3000, 1000)
	dir := t.TempDir()
	port := freePort(t)
	start := func() *exec.Cmd {
		cmd := exec.Command(server, "--bind", "127.0.0.1", "--port", strconv.Itoa(port), "--dir", dir,
			"--appendonly", "yes", "--appendfsync", "always", "--save", "")
		require.NoError(t, cmd.Start())
		for range 100 {
			if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
				c.Close()
				return cmd
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatal("redis-server did not start")
		return nil
	}
	kill := func(cmd *exec.Cmd) {
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
	}
	srv := start()
	defer func() { kill(srv) }()
	base := fmt.Sprintf("redis://127.0.0.1:%d/0?prefix=", port)
	ref := runBin(t, scanArgs(base+"ref", path, "-j", "4")...)
	require.Contains(t, []int{exitClean, exitFlagged}, ref.code, ref.stderr)
	want := len(admitted(t, ref.stdout))
	n := len(parseJSONL(t, ref.stdout))

	// Restarted within the retry window: the scan finishes.
	scan := exec.Command(bin(t), scanArgs(base+"restart", path, "-j", "4", "--index-retry", "30s")...)
	out := &fileOut{t: t, path: filepath.Join(t.TempDir(), "restart.out")}
	var errb bytes.Buffer
	scan.Stdout, scan.Stderr = out.open(), &errb
	require.NoError(t, scan.Start())
	out.waitBegun() // kill Redis in the scan pass, not before
	kill(srv)
	time.Sleep(time.Second)
	srv = start()
	err = scan.Wait()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	require.Contains(t, []int{exitClean, exitFlagged}, code, "the scan rides out the restart: %s", errb.String())
	assert.Len(t, parseJSONL(t, out.String()), n, "every article is written")
	assert.Equal(t, want, len(admitted(t, out.String())), "as many stories admitted as without the restart")
	assert.NotContains(t, errb.String(), "redis: ", "go-redis's own log lines stay off stderr")

	// Left down: the scan fails after --index-retry with what it decided.
	scan = exec.Command(bin(t), scanArgs(base+"down", path, "-j", "4", "--index-retry", "2s")...)
	out = &fileOut{t: t, path: filepath.Join(t.TempDir(), "down.out")}
	errb.Reset()
	scan.Stdout, scan.Stderr = out.open(), &errb
	require.NoError(t, scan.Start())
	out.waitBegun()
	kill(srv)
	err = scan.Wait()
	ee, ok := err.(*exec.ExitError)
	require.True(t, ok, "the scan fails: %v %s", err, errb.String())
	assert.Equal(t, exitError, ee.ExitCode())
	assert.Contains(t, errb.String(), "the index failed after")
	assert.Contains(t, errb.String(), "rerun the same scan")
	first := parseJSONL(t, out.String())
	srv = start()
	second := runBin(t, scanArgs(base+"down", path, "-j", "4")...)
	require.Contains(t, []int{exitClean, exitFlagged}, second.code, second.stderr)
	firstAdmitted := admitted(t, out.String())
	again := map[string]bool{}
	for _, id := range admitted(t, second.stdout) {
		again[id] = true
	}
	for _, id := range firstAdmitted {
		assert.False(t, again[id], "%s admitted by both runs", id)
	}
	// A decision whose reply died with the connection (Redis applied it,
	// the scan never heard) is kept in the journal, and the rerun reports
	// it: every story is admitted once across the two runs.
	lost := want - len(firstAdmitted) - len(again)
	assert.GreaterOrEqual(t, lost, 0, "no story admitted twice")
	assert.Zero(t, lost, "no story lost with its reply: %s", second.stderr)
	inFlight := strings.Contains(errb.String(), "decisions were in flight")
	assert.Equal(t, inFlight, strings.Contains(second.stderr, "settled"),
		"the rerun settles the decisions the failed scan kept: %s / %s", errb.String(), second.stderr)
	t.Logf("left down: %d articles decided before the failure, %d stories admitted then, %d by the rerun, %d lost; in flight kept: %v",
		len(first), len(firstAdmitted), len(again), lost, inFlight)
	// Redis's counters may be off after failed pipelines; prune counts
	// the entries afresh.
	pr := runBin(t, "index", "prune", base+"down")
	require.Equal(t, exitClean, pr.code, pr.stderr)
	st := indexStatsOf(t, base+"down")
	assert.Equal(t, want, st.Admitted)
	assert.Equal(t, n, st.Entries)
}

// fileOut is the standard output of a process, in a file that the test
// can watch while the process writes it.
type fileOut struct {
	t    *testing.T
	path string
}

func (f *fileOut) open() *os.File {
	fh, err := os.Create(f.path)
	require.NoError(f.t, err)
	f.t.Cleanup(func() { fh.Close() })
	return fh
}

// waitBegun waits until the process has written something.
func (f *fileOut) waitBegun() {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if fi, err := os.Stat(f.path); err == nil && fi.Size() > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.t.Fatal("the scan wrote nothing in 30 s")
}

// String returns what the process wrote.
func (f *fileOut) String() string {
	b, err := os.ReadFile(f.path)
	require.NoError(f.t, err)
	return string(b)
}

// freePort returns a port nothing listens on, below the ephemeral range.
func freePort(t *testing.T) int {
	t.Helper()
	for range 100 {
		p := 10000 + rand.IntN(20000)
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", p)); err == nil {
			c.Close()
			continue
		}
		return p
	}
	t.Fatal("no free port")
	return 0
}

// TestE2EInterrupted interrupts a scan (SIGINT): it exits 2, says how far
// it got of how many, and prints no summary.
func TestE2EInterrupted(t *testing.T) {
	path, _ := makeCrawl(t, 6, 3000, 0)
	outPath := filepath.Join(t.TempDir(), "out.txt")
	f, err := os.Create(outPath)
	require.NoError(t, err)
	defer f.Close()
	cmd := exec.Command(bin(t), "scan", "-j", "1", path)
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = f, &errb
	require.NoError(t, cmd.Start())
	// Interrupt once the scan pass has begun: after the corpus pass
	// counted the articles.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if fi, err := os.Stat(outPath); err == nil && fi.Size() > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	err = cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	require.True(t, ok, "exit status: %v; %s", err, errb.String())
	assert.Equal(t, exitError, ee.ExitCode())
	assert.Regexp(t, `interrupted after \d+ of 3000 articles`, errb.String())
	out, err := os.ReadFile(outPath)
	require.NoError(t, err)
	assert.NotContains(t, string(out), "articles flagged", "no summary reads as complete")
}

// TestE2ESecrets checks that a Redis password never shows: not in scan's
// errors (bad database, unreachable host, unknown option, a URL that
// does not parse), not in --help or --version.
func TestE2ESecrets(t *testing.T) {
	path, _ := makeCrawl(t, 7, 3, 0)
	for _, u := range []string{
		"redis://:S3cr3t@127.0.0.1:1/0",
		"redis://:S3cr3t@127.0.0.1:1/abc",
		"redis://:S3cr3t@127.0.0.1:1/0?frobnicate=1",
		"redis://user:S3cr3t@[::1]:1/0?dial_timeout=1ms",
		"redis://:S3cr3t/@127.0.0.1:1/0",
		"redis://:S3cr3t@127.0.0.1:1/0?cluster=true&addr=127.0.0.1:2",
		"rediss://:S3cr3t@127.0.0.1:1/3",
	} {
		r := runBin(t, "scan", "--index", u, "--index-retry", "0s", path)
		assert.Equal(t, exitError, r.code, u)
		assert.NotContains(t, r.stderr+r.stdout, "S3cr3t", "scan --index %s", u)
		r = runBin(t, "index", "stats", u)
		assert.NotContains(t, r.stderr+r.stdout, "S3cr3t", "index stats %s", u)
	}
	for _, args := range [][]string{{"scan", "--help"}, {"index", "--help"}, {"--version"}} {
		r := runBin(t, args...)
		assert.NotContains(t, r.stdout+r.stderr, "S3cr3t")
	}
}

// TestE2EReusedIDs scans two days of a crawl whose ids are per-file
// counters: day two reuses day one's ids for other stories, carries
// lightly updated pages under their old ids and reposts of day-one
// stories under new ids. No unrelated story is called a duplicate.
func TestE2EReusedIDs(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	story := func() []string {
		p := make([]string, 5)
		for i := range p {
			w := make([]string, 30)
			for j := range w {
				w[j] = fmt.Sprintf("w%d", rng.IntN(200000))
			}
			p[i] = strings.Join(w, " ")
		}
		return p
	}
	edit := func(p []string) []string {
		out := make([]string, len(p))
		for i, s := range p {
			w := strings.Fields(s)
			w[rng.IntN(len(w))] = "updated"
			out[i] = strings.Join(w, " ")
		}
		return out
	}
	var day1, day2 []crawlRecord
	old := make([][]string, 60)
	for i := range old {
		old[i] = story()
		day1 = append(day1, crawlRecord{ID: strconv.Itoa(i + 1), Title: "day one", Text: strings.Join(old[i], "\n\n")})
	}
	kind := map[string]string{}
	for i := range 60 {
		id := strconv.Itoa(i + 1)
		switch {
		case i%3 == 0: // the same page, lightly updated
			day2 = append(day2, crawlRecord{ID: id, Title: "day two", Text: strings.Join(edit(old[i]), "\n\n")})
			kind[id] = "updated"
		default: // the counter reused for another story
			day2 = append(day2, crawlRecord{ID: id, Title: "day two", Text: strings.Join(story(), "\n\n")})
			kind[id] = "reused"
		}
	}
	for i := range 10 { // reposts of day-one stories under new ids
		id := fmt.Sprintf("repost-%d", i)
		day2 = append(day2, crawlRecord{ID: id, Title: "day two", Text: strings.Join(edit(old[3*i+1]), "\n\n")})
		kind[id] = "repost"
	}
	dir := t.TempDir()
	writeRecords(t, filepath.Join(dir, "day1.jsonl"), day1)
	writeRecords(t, filepath.Join(dir, "day2.jsonl"), day2)
	db := filepath.Join(dir, "crawl.db")
	r := runBin(t, scanArgs(db, filepath.Join(dir, "day1.jsonl"))...)
	require.Equal(t, exitClean, r.code, r.stderr)
	r = runBin(t, scanArgs(db, filepath.Join(dir, "day2.jsonl"))...)
	require.Equal(t, exitFlagged, r.code, r.stderr)
	wrong := 0
	for _, rec := range parseJSONL(t, r.stdout) {
		var dup, changed bool
		for _, f := range rec.Findings {
			dup = dup || f.Kind == "near_duplicate"
			changed = changed || f.Kind == "changed_page"
		}
		switch kind[rec.ID] {
		case "reused":
			if !assert.False(t, dup, "%s: an unrelated story under a reused id is no duplicate", rec.ID) ||
				!assert.True(t, changed, "%s: a reused id is reported as a changed page", rec.ID) {
				wrong++
			}
		case "updated":
			assert.True(t, dup, "%s: the same page again is already in the index", rec.ID)
			assert.False(t, changed, "%s: a light update is the same page", rec.ID)
		case "repost":
			assert.True(t, dup, "%s: a repost is a near-duplicate", rec.ID)
		}
	}
	t.Logf("day two: %d of 40 unrelated stories under reused ids misreported", wrong)
}

// TestE2EPaths checks the path rules: an output that is also an input,
// or a report that is the output, is a usage error; names of 240+ bytes
// work.
func TestE2EPaths(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	writeRecords(t, in, []crawlRecord{{ID: "a", Title: "A title", Text: "Some body text of the article."}})
	r := runBin(t, "scan", "-o", in, in)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "the output is also an input")
	r = runBin(t, "clean", "-o", filepath.Join(dir, "x.jsonl"), "--report", filepath.Join(dir, "x.jsonl"), in)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "the same file as -o")

	long := strings.Repeat("é", 120) + ".txt" // 244 bytes
	src := filepath.Join(dir, "src")
	require.NoError(t, os.MkdirAll(src, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(src, long), []byte("A headline\n\nA paragraph of the story.\n"), 0o644))
	r = runBin(t, "clean", "--out-dir", filepath.Join(dir, "out"), src)
	assert.Equal(t, exitClean, r.code, r.stderr)
	_, err := os.Stat(filepath.Join(dir, "out", long))
	assert.NoError(t, err, "a 244-byte name is written")
	r = runBin(t, "scan", "-o", filepath.Join(dir, strings.Repeat("r", 245)+".jsonl"), "--format", "jsonl", src)
	assert.Contains(t, []int{exitClean, exitFlagged}, r.code, r.stderr)
	assert.Empty(t, r.stderr, "a 251-byte output name is written")
}
