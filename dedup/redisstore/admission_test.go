package redisstore

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/internal/minhash"
)

// The multi-process admission test: several processes (this test binary
// run again, in the child role) feed their crawls through
// dedup.Index.CheckAndAdd into one Redis at the same time; every story
// must be admitted exactly once and all its other copies must name the
// admitted one.
const (
	admissionProcs   = 4
	admissionPerProc = 5000
	admissionSeed    = 20240611
	// admissionWorkers is the number of goroutines per process.
	admissionWorkers = 4
)

// Environment of a child process.
const (
	envChild    = "NEWSDEDUP_ADMISSION_CHILD" // process number
	envChildURL = "NEWSDEDUP_ADMISSION_URL"
	envChildPfx = "NEWSDEDUP_ADMISSION_PREFIX"
	envChildOut = "NEWSDEDUP_ADMISSION_OUT" // results file
)

// childResult is one line of a child's results file.
type childResult struct {
	ID       string `json:"id"`
	Admitted bool   `json:"admitted"`
	DupOf    string `json:"dup_of,omitempty"`
	Existing bool   `json:"existing,omitempty"`
	Err      string `json:"err,omitempty"`
	// Start and End bound the CheckAndAdd call (Unix nanoseconds).
	Start int64 `json:"start"`
	End   int64 `json:"end"`
}

func TestMultiProcessAdmission(t *testing.T) {
	if p := os.Getenv(envChild); p != "" {
		admissionChild(t, p)
		return
	}
	if testing.Short() {
		t.Skip("-short: the multi-process admission test takes 20 s to 2 min")
	}
	for name, u := range targets(t) {
		t.Run(name, func(t *testing.T) { admissionParent(t, u) })
	}
}

// admissionChild is the child role: feed process p's crawl and write a
// result per article.
func admissionChild(t *testing.T, ps string) {
	p, err := strconv.Atoi(ps)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c := makeCrawl(admissionSeed, admissionProcs, admissionPerProc)
	require.Less(t, p, len(c.feeds))
	s, err := Open(ctx, os.Getenv(envChildURL), &Options{Prefix: os.Getenv(envChildPfx)})
	require.NoError(t, err)
	defer s.Close()
	ix, err := dedup.OpenIndex(s, nil)
	require.NoError(t, err)
	f, err := os.Create(os.Getenv(envChildOut))
	require.NoError(t, err)
	defer f.Close()
	w := bufio.NewWriter(f)

	// Tell the parent we are ready, and start when it says so (a line on
	// stdin), at the same moment as the other children.
	fmt.Println(readyLine)
	_, err = bufio.NewReader(os.Stdin).ReadString('\n')
	require.NoError(t, err, "the start signal")
	begin := time.Now()

	feed := make(chan *dedup.Document)
	var mu sync.Mutex
	enc := json.NewEncoder(w)
	var wg sync.WaitGroup
	for range admissionWorkers {
		wg.Go(func() {
			for d := range feed {
				start := time.Now().UnixNano()
				r, err := ix.CheckAndAdd(ctx, d)
				cr := childResult{ID: d.ID, Admitted: r.Admitted, DupOf: r.DupOf, Existing: r.Existing,
					Start: start, End: time.Now().UnixNano()}
				if err != nil {
					cr.Err = err.Error()
				}
				mu.Lock()
				_ = enc.Encode(cr)
				mu.Unlock()
			}
		})
	}
	for _, a := range c.feeds[p] {
		feed <- a.doc
	}
	close(feed)
	wg.Wait()
	require.NoError(t, w.Flush())
	fmt.Printf("%s %d\n", doneLine, time.Since(begin).Nanoseconds())
}

// What a child prints on its stdout when it is ready to start, and when
// it has done (with its feeding time in nanoseconds).
const (
	readyLine = "ADMISSION-CHILD-READY"
	doneLine  = "ADMISSION-CHILD-DONE"
)

func admissionParent(t *testing.T, url string) {
	exe, err := os.Executable()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	prefix := testPrefix(t)
	dropOnCleanup(t, url, prefix)
	c := makeCrawl(admissionSeed, admissionProcs, admissionPerProc)
	requireCopiesFound(t, c)
	dir := t.TempDir()

	// Start the children, wait until all have loaded, and release them
	// together.
	cmds := make([]*exec.Cmd, admissionProcs)
	outs := make([]string, admissionProcs)
	gos := make([]io.WriteCloser, admissionProcs)
	events := make(chan string, 2*admissionProcs)
	var readers sync.WaitGroup
	for p := range admissionProcs {
		outs[p] = filepath.Join(dir, fmt.Sprintf("child%d.jsonl", p))
		cmd := exec.CommandContext(ctx, exe, "-test.run=^TestMultiProcessAdmission$", "-test.count=1")
		cmd.Env = append(os.Environ(),
			envChild+"="+strconv.Itoa(p), envChildURL+"="+url, envChildPfx+"="+prefix, envChildOut+"="+outs[p])
		cmd.Stderr = &prefixWriter{t: t, name: fmt.Sprint("child ", p)}
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		gos[p], err = cmd.StdinPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		cmds[p] = cmd
		readers.Go(func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				line := sc.Text()
				if strings.HasPrefix(line, readyLine) || strings.HasPrefix(line, doneLine) {
					events <- line
				} else {
					t.Logf("child %d: %s", p, line)
				}
			}
		})
	}
	for range admissionProcs {
		select {
		case ev := <-events:
			require.True(t, strings.HasPrefix(ev, readyLine), "a child is ready before it is done: %q", ev)
		case <-ctx.Done():
			t.Fatal("the children did not get ready")
		}
	}
	begin := time.Now()
	for _, w := range gos {
		_, err := io.WriteString(w, "go\n")
		require.NoError(t, err)
	}
	readers.Wait() // until every child closed its stdout
	for p, cmd := range cmds {
		assert.NoError(t, cmd.Wait(), "child %d", p)
	}
	elapsed := time.Since(begin)
	close(events)
	var slowest time.Duration
	for ev := range events {
		var ns int64
		if _, err := fmt.Sscanf(ev, doneLine+" %d", &ns); err == nil {
			slowest = max(slowest, time.Duration(ns))
		}
	}
	if t.Failed() {
		return
	}

	// What the children were told.
	results := map[string]childResult{}
	for p := range admissionProcs {
		f, err := os.Open(outs[p])
		require.NoError(t, err)
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var r childResult
			require.NoError(t, json.Unmarshal(sc.Bytes(), &r))
			require.Empty(t, r.Err, "CheckAndAdd of %s", r.ID)
			results[r.ID] = r
		}
		require.NoError(t, sc.Err())
		f.Close()
	}
	total := admissionProcs * admissionPerProc
	require.Len(t, results, total, "a result per article")

	// What the store holds, per story.
	s, err := Open(ctx, url, &Options{Prefix: prefix})
	require.NoError(t, err)
	defer s.Close()
	var all []article
	for _, feed := range c.feeds {
		all = append(all, feed...)
	}
	entries := make([]dedup.Entry, len(all))
	errs := make([]error, len(all))
	var getters sync.WaitGroup
	for g := range 16 {
		getters.Go(func() {
			for i := g; i < len(all); i += 16 {
				entries[i], errs[i] = s.Get(ctx, all[i].doc.ID)
			}
		})
	}
	getters.Wait()
	byStory := map[int][]dedup.Entry{}
	copies := 0
	for i, a := range all {
		require.NoError(t, errs[i], "entry %s", a.doc.ID)
		byStory[a.story] = append(byStory[a.story], entries[i])
	}
	require.Len(t, byStory, c.stories)
	bad, waited, overlapped := 0, 0, 0
	for story, es := range byStory {
		var admitted []dedup.Entry
		lowest := es[0]
		for _, e := range es {
			if e.Status == dedup.StatusAdmitted {
				admitted = append(admitted, e)
			}
			if e.Seq < lowest.Seq {
				lowest = e
			}
		}
		if len(es) > 1 {
			copies += len(es)
			if inFlightTogether(es, results) {
				overlapped++
			}
		}
		if !assert.Len(t, admitted, 1, "story %d: exactly one copy admitted, of %d", story, len(es)) {
			bad++
			continue
		}
		root := admitted[0].ID
		if root != lowest.ID {
			waited++ // a copy with a lower seq waited for it and yielded
		}
		assert.True(t, results[root].Admitted, "%s is told it was admitted", root)
		byID := map[string]dedup.Entry{}
		for _, e := range es {
			byID[e.ID] = e
		}
		// rootOf follows the DupOf chain (a duplicate names the
		// lowest-seq copy it met, which may be a duplicate itself).
		rootOf := func(e dedup.Entry) string {
			for range len(es) {
				if e.Status != dedup.StatusDuplicate {
					break
				}
				e = byID[e.DupOf]
			}
			return e.ID
		}
		for _, e := range es {
			if e.ID == root {
				continue
			}
			r := results[e.ID]
			if !assert.Equal(t, dedup.StatusDuplicate, e.Status, "story %d: %s is stored as a duplicate", story, e.ID) ||
				!assert.Equal(t, root, rootOf(e), "story %d: %s is stored as a duplicate of the admitted copy", story, e.ID) ||
				!assert.False(t, r.Admitted, "%s is told it is a duplicate", e.ID) ||
				!assert.Equal(t, root, r.DupOf, "%s is told the admitted copy", e.ID) {
				bad++
			}
		}
	}
	st, err := s.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, total, st.Entries, "stats: entries")
	assert.Equal(t, c.stories, st.Admitted, "stats: one admitted per story")
	assert.Equal(t, total-c.stories, st.Duplicates, "stats: duplicates")
	t.Logf("%d processes x %d articles (%d goroutines each): %d stories, %d of them shared by %d copies (%.1f%% of the articles); "+
		"%d stories had copies in CheckAndAdd at the same moment; "+
		"%d stories wrong; %d stories admitted a copy other than their lowest-seq one (it won a race); "+
		"%.1fs (slowest child %.1fs), %.0f articles/s",
		admissionProcs, admissionPerProc, admissionWorkers, c.stories, c.shared, copies, 100*float64(copies)/float64(total),
		overlapped, bad, waited, elapsed.Seconds(), slowest.Seconds(), float64(total)/elapsed.Seconds())
}

// inFlightTogether tells whether two of the copies es were being checked
// at the same moment, in different processes.
func inFlightTogether(es []dedup.Entry, results map[string]childResult) bool {
	for i, a := range es {
		for _, b := range es[i+1:] {
			ra, rb := results[a.ID], results[b.ID]
			if ra.Start < rb.End && rb.Start < ra.End {
				return true
			}
		}
	}
	return false
}

// requireCopiesFound checks the premise of the test: every two copies of
// a story share a band key and reach the Index's threshold, so the index
// finds them whatever the timing, and only the admission protocol decides
// whether one copy is admitted.
func requireCopiesFound(t *testing.T, c *crawl) {
	signer, err := minhash.NewSigner(nil)
	require.NoError(t, err)
	threshold := dedup.DefaultOptions().Threshold
	th, lt, bands, wfp, wfn := threshold, 0.0, 0, 0.0, 0.0
	lsh, err := minhash.LSHDefaults(&th, &lt, &bands, &wfp, &wfn, minhash.DefaultNumHashes)
	require.NoError(t, err)
	type signed struct {
		id   string
		sig  minhash.Signature
		keys map[uint64]bool
	}
	n := map[int]int{}
	for _, feed := range c.feeds {
		for _, a := range feed {
			n[a.story]++
		}
	}
	byStory := map[int][]signed{}
	for _, feed := range c.feeds {
		for _, a := range feed {
			if n[a.story] < 2 {
				continue
			}
			var texts []string
			for _, p := range a.doc.Paragraphs {
				texts = append(texts, p.Text)
			}
			sig := signer.SignParas(texts)
			keys := map[uint64]bool{}
			for _, k := range lsh.AppendBandKeys(nil, sig) {
				keys[k] = true
			}
			byStory[a.story] = append(byStory[a.story], signed{a.doc.ID, sig, keys})
		}
	}
	require.Len(t, byStory, c.shared)
	for _, cs := range byStory {
		for i, a := range cs {
			for _, b := range cs[i+1:] {
				shared := false
				for k := range a.keys {
					shared = shared || b.keys[k]
				}
				require.True(t, shared, "copies %s and %s share a band key", a.id, b.id)
				require.GreaterOrEqual(t, minhash.Similarity(a.sig, b.sig).Score, threshold,
					"copies %s and %s are near-duplicates", a.id, b.id)
			}
		}
	}
}

// prefixWriter logs a child's output through t.
type prefixWriter struct {
	t    *testing.T
	name string
}

func (w *prefixWriter) Write(b []byte) (int, error) {
	w.t.Logf("%s: %s", w.name, b)
	return len(b), nil
}
