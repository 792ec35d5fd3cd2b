package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/read"
)

const scanUsage = `Usage: newsdedup scan [flags] [PATH...]

Scan articles and report what is wrong with them: repeated headlines,
bodies not about their headline, paragraphs spliced in from another story,
scraper residue, repeated paragraphs, and near-duplicates of articles seen
earlier in the run (or, with --index, in any earlier run).

A PATH is a plain-text article (first non-blank line the headline, every
further non-blank line a paragraph), a JSONL file (one article per line),
either gzipped (.gz), or a folder (read recursively, in sorted order). No
PATH, or "-", reads standard input.

Before judging, the scan reads the whole input once to learn its word
statistics, shared paragraphs and recurring lines (the corpus); standard
input is kept in a temporary file for that. --no-corpus judges each article
alone, in one streaming pass.

Exit status: 0 nothing flagged, 1 something flagged, 2 usage or input error
(bad records are reported on stderr and skipped; --strict stops at the first).

Examples:
  newsdedup scan article.txt
  newsdedup scan --format jsonl corpus.jsonl.gz > findings.jsonl
  newsdedup scan --only residue,repeated_headline crawl/
  cat page.txt | newsdedup scan -
  newsdedup scan --body-field html_text --min-score 0.8 dump.jsonl
  newsdedup scan --format html -o report.html crawl.jsonl.gz
  newsdedup scan --index seen.db --only near_duplicate today.jsonl.gz
  newsdedup scan --index redis://:secret@10.0.0.5:6379/0 -j 8 crawl/

Flags:
`

// scanOptions are the scan command's flags.
type scanOptions struct {
	format    string
	only      []string
	skip      []string
	minScore  float64
	jobs      int
	strict    bool
	noCorpus  bool
	progress  bool
	threshold float64
	index     string
	noSync    bool
	output    string
	patterns  string
	read      read.Options
	detect    dedup.Options
}

func scanFlags(o *scanOptions) *pflag.FlagSet {
	fs := pflag.NewFlagSet("scan", pflag.ContinueOnError)
	def := dedup.DefaultOptions()
	fs.StringVar(&o.format, "format", "text", "output format: text, json, jsonl or html (a self-contained audit report)")
	fs.StringVarP(&o.output, "output", "o", "", "write to FILE (under a temporary name, renamed when complete; .gz is gzipped)")
	fs.StringSliceVar(&o.only, "only", nil, "report only these kinds (comma-separated)")
	fs.StringSliceVar(&o.skip, "skip", nil, "do not report these kinds (comma-separated)")
	fs.Float64Var(&o.minScore, "min-score", 0, "report only findings scoring at least this (0..1)")
	fs.IntVarP(&o.jobs, "jobs", "j", runtime.NumCPU(), "articles scanned in parallel (output keeps input order)")
	fs.BoolVar(&o.strict, "strict", false, "stop at the first bad input record")
	fs.BoolVar(&o.noCorpus, "no-corpus", false, "judge each article alone, streaming, without corpus statistics")
	fs.BoolVar(&o.progress, "progress", true, "show a progress bar on stderr when it is a terminal and the scan runs over a second")
	fs.Float64Var(&o.threshold, "threshold", dedup.DefaultThreshold, "near_duplicate: similarity (Jaccard, or containment for excerpts) from which two articles are one story")
	fs.StringVar(&o.index, "index", "", "check each article against a persistent index and add the new ones: a bbolt file PATH or a redis:// URL")
	fs.BoolVar(&o.noSync, "index-no-sync", false, "with a file --index: do not fsync each write (faster; a killed process loses nothing, a system crash may lose recent writes)")
	fs.StringVar(&o.patterns, "residue-patterns", "", "add the residue patterns of FILE (one regular expression a line, # comments)")
	fs.StringSliceVar(&o.read.TitleFields, "title-field", nil, "JSONL fields to take the title from, in order (default title,headline)")
	fs.StringSliceVar(&o.read.BodyFields, "body-field", nil, "JSONL fields to take the body from, in order (default text,body,content,articleBody)")
	fs.StringSliceVar(&o.read.IDFields, "id-field", nil, "JSONL fields to take the id from, in order (default id,url)")
	fs.StringVar(&o.read.Format, "input-format", "auto", "input format: auto (by extension, else sniffed), text or jsonl")
	fs.Float64Var(&o.detect.MismatchThreshold, "mismatch-threshold", def.MismatchThreshold, "headline_mismatch: headline/body similarity below which the body is not about the headline")
	fs.Float64Var(&o.detect.OffTopicMargin, "offtopic-margin", def.OffTopicMargin, "off_topic: how much better another article must fit a shared block")
	fs.Float64Var(&o.detect.OffTopicFloor, "offtopic-floor", def.OffTopicFloor, "off_topic: fit below which a block found in 2+ other articles is spliced in, or a paragraph fits neither story")
	fs.Float64Var(&o.detect.OffTopicSplit, "offtopic-split", def.OffTopicSplit, "off_topic: fit to the headline one side of a split article needs")
	fs.Float64Var(&o.detect.OffTopicCut, "offtopic-cut", def.OffTopicCut, "off_topic: normalised cut below which the two sides of a split article are two stories")
	fs.Float64Var(&o.detect.Residue.Threshold, "residue-threshold", dedup.DefaultResidueThreshold, "residue: score from which a line is residue")
	fs.SortFlags = false
	return fs
}

func runScan(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var o scanOptions
	fs := scanFlags(&o)
	fs.SetOutput(io.Discard)
	help := fs.BoolP("help", "h", false, "show this help")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(stderr, "newsdedup: scan: %v\nRun 'newsdedup help scan' for usage.\n", err)
		return exitError
	}
	if *help {
		fmt.Fprint(stdout, scanUsage)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return exitClean
	}
	filter, err := newFilter(o.only, o.skip, o.minScore)
	if err != nil {
		fmt.Fprintf(stderr, "newsdedup: scan: %v\n", err)
		return exitError
	}
	if o.patterns != "" {
		p, err := loadResiduePatterns(o.patterns)
		if err != nil {
			fmt.Fprintf(stderr, "newsdedup: scan: --residue-patterns: %v\n", err)
			return exitError
		}
		o.detect.Residue.Patterns = p
	}
	w := stdout // plain stdout without -o, so that colour sees a terminal
	var so *sink
	if o.output != "" {
		if so, err = openSink(o.output, stdout); err != nil {
			fmt.Fprintf(stderr, "newsdedup: scan: -o: %v\n", err)
			return exitError
		}
		defer so.abort()
		w = so.w
	}
	out, err := newWriter(o.format, w)
	if err != nil {
		fmt.Fprintf(stderr, "newsdedup: scan: %v\n", err)
		return exitError
	}
	if o.jobs < 1 {
		o.jobs = 1
	}
	if o.threshold <= 0 || o.threshold > 1 {
		fmt.Fprintf(stderr, "newsdedup: scan: --threshold %v: want a number in (0, 1]\n", o.threshold)
		return exitError
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"-"}
	}

	var cleanup func()
	if !o.noCorpus && slices.Contains(paths, "-") {
		// The corpus pass reads the input twice: keep stdin in a file.
		f, err := spool(stdin)
		if err != nil {
			fmt.Fprintf(stderr, "newsdedup: scan: %v\n", err)
			return exitError
		}
		cleanup = func() { f.Close(); os.Remove(f.Name()) }
		defer cleanup()
		stdin = f
	}
	o.read.NoRaw = true // scan writes no record back
	in := &input{ctx: ctx, paths: paths, stdin: stdin, opts: o.read}

	sc, err := newScanRun(ctx, o, in, filter, out, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "newsdedup: scan: %v\n", err)
		return exitError
	}
	if o.index != "" {
		st, err := openStore(ctx, o.index, o.noSync)
		if err != nil {
			fmt.Fprintf(stderr, "newsdedup: scan: --index %s: %v\n", o.index, err)
			return exitError
		}
		defer st.Close()
		ix, err := dedup.OpenIndex(st, &dedup.IndexOptions{Threshold: o.threshold})
		if err != nil {
			fmt.Fprintf(stderr, "newsdedup: scan: --index %s: %v\n", o.index, err)
			return exitError
		}
		sc.index = ix
	}
	code := sc.run()
	// Commit a complete output, also when bad records were skipped; an
	// interrupted, stopped (--strict) or failed scan leaves none.
	if so != nil && ctx.Err() == nil && !sc.stopped && !sc.failed {
		if err := so.commit(); err != nil {
			fmt.Fprintf(stderr, "newsdedup: scan: -o %s: %v\n", o.output, err)
			return exitError
		}
	}
	return code
}

// newScanRun returns the passes of a scan (or a clean) over in.
func newScanRun(ctx context.Context, o scanOptions, in *input, filter *filter, out writer, stderr io.Writer) (*scanRun, error) {
	nd, err := dedup.NewNearDup(&dedup.NearDupOptions{Threshold: o.threshold})
	if err != nil {
		return nil, err
	}
	return &scanRun{ctx: ctx, opts: o, in: in, filter: filter, out: out, stderr: stderr,
		nd: nd, shared: dedup.NewSharedHeadlines(),
		showProgress: o.progress && isTerminal(stderr), start: time.Now()}, nil
}

// input reads the scan's documents, as often as the passes need.
type input struct {
	ctx   context.Context
	paths []string
	stdin io.Reader
	opts  read.Options
	pass  int
}

// docs returns the documents of a new pass over the input.
func (in *input) docs() iter.Seq2[*dedup.Document, error] {
	if in.pass > 0 {
		if s, ok := in.stdin.(io.Seeker); ok {
			s.Seek(0, io.SeekStart)
		}
	}
	in.pass++
	return read.Paths(in.ctx, in.paths, in.stdin, in.opts)
}

// spool copies r into a temporary file, rewound.
func spool(r io.Reader) (*os.File, error) {
	f, err := os.CreateTemp("", "newsdedup-stdin-*")
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("reading standard input: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return f, nil
}

// scanRun is one scan: the passes over the input and the output.
type scanRun struct {
	opts   scanOptions
	in     *input
	filter *filter
	out    writer
	stderr io.Writer

	ctx context.Context
	// nd finds near-duplicates within the run; index, when set, is the
	// persistent index that decides them instead.
	nd     *dedup.NearDup
	shared *dedup.SharedHeadlines
	index  *dedup.Index
	sigs   sigMemo

	inputErrors  int
	stopped      bool
	failed       bool // output or index failed: the output is incomplete
	showProgress bool
	start        time.Time
	// articles and bytes count the documents of the corpus pass, so that
	// the scan's progress knows its total.
	articles int
	bytes    int64
}

// docBytes is the size of a document for progress: its record, or its
// text for a text file.
func docBytes(doc *dedup.Document) int {
	if doc.Raw != nil {
		return len(doc.Raw) + 1
	}
	n := len(doc.Title) + 1
	for _, p := range doc.Paragraphs {
		n += len(p.Text) + 1
	}
	return n
}

// reportError reports a bad record; with --strict it stops the scan.
func (s *scanRun) reportError(err error) {
	s.inputErrors++
	fmt.Fprintf(s.stderr, "newsdedup: %v\n", err)
	if s.opts.strict {
		s.stopped = true
	}
}

func (s *scanRun) run() int {
	var corpus *dedup.Corpus
	if !s.opts.noCorpus {
		b := dedup.NewCorpusBuilder()
		b.Workers = s.opts.jobs
		prog := newProgress(s.stderr, s.showProgress, s.start, "reading", -1, 0)
		for doc, err := range s.in.docs() {
			if err != nil {
				if errors.Is(err, context.Canceled) {
					return exitError
				}
				s.reportError(err)
				if s.stopped {
					return exitError
				}
				continue
			}
			b.Add(doc)
			n := docBytes(doc)
			s.articles++
			s.bytes += int64(n)
			prog.add(n)
		}
		prog.done()
		if b.NeedContent() {
			ord := 0
			for doc, err := range s.in.docs() {
				if err != nil {
					continue
				}
				b.AddContent(ord, doc)
				ord++
			}
		}
		corpus = b.Corpus()
	}
	scanner := dedup.NewScanner(s.opts.detect, corpus)
	st := s.scan(scanner)
	if err := s.out.finish(st); err != nil {
		s.failed = true
		fmt.Fprintf(s.stderr, "newsdedup: writing output: %v\n", err)
		return exitError
	}
	switch {
	case s.inputErrors > 0 || s.stopped || st.err != nil:
		if st.err != nil {
			s.failed = true
			fmt.Fprintf(s.stderr, "newsdedup: %v\n", st.err)
		}
		return exitError
	case st.flagged > 0:
		return exitFlagged
	}
	return exitClean
}

// stats counts what a scan saw.
type stats struct {
	articles, flagged, findings int
	byKind                      map[dedup.Kind]int
	inputErrors                 int
	clusters                    []dedup.Cluster
	err                         error
}

// indexInFlight is the least number of articles a scan with --index
// (and -j above 1) keeps in flight.
const indexInFlight = 32

// job is one article on its way through the workers.
type job struct {
	ord  int
	doc  *dedup.Document
	fs   []dedup.Finding
	body *dedup.NearDupBody
	err  error // from the index
	done chan struct{}
}

// work runs what can run in parallel on a job: the detectors, the
// near-duplicate signature and the index's admission.
func (s *scanRun) work(scanner *dedup.Scanner, j *job) {
	j.fs = scanner.ScanAt(j.doc, j.ord)
	if s.nd != nil {
		j.body = s.nd.Prepare(j.doc)
	}
	if s.index == nil {
		return
	}
	r, err := s.checkAndAdd(j.doc)
	if err != nil {
		j.err = fmt.Errorf("index: %s: %w", j.doc.ID, err)
		return
	}
	if f, ok := indexFinding(j.doc, r); ok {
		j.fs = append(j.fs, f)
	}
}

// sigMemo keeps, for the bodies seen last, the index's signature and,
// once one of its articles was decided, the admitted article it is, or
// duplicates: a crawl's many copies of one page are signed once, and all
// but the first are recorded with Index.AddCopy, without a search. It is
// safe for concurrent use.
type sigMemo struct {
	mu   sync.Mutex
	m    map[uint64]*sigEntry
	fifo []uint64
}

type sigEntry struct {
	sig dedup.Signature
	of  string // the admitted article of this body, once known
}

// sigMemoSize bounds the bodies a sigMemo keeps (about 1 KiB each).
const sigMemoSize = 4096

// lookup returns the memo's entry for doc's body, signing it if needed.
func (m *sigMemo) lookup(ix *dedup.Index, doc *dedup.Document) (key uint64, sig dedup.Signature, of string) {
	key = dedup.BodyKey(doc)
	m.mu.Lock()
	e, ok := m.m[key]
	if ok {
		sig, of = e.sig, e.of
	}
	m.mu.Unlock()
	if ok {
		return key, sig, of
	}
	sig = ix.Sign(doc)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = make(map[uint64]*sigEntry)
	}
	if _, ok := m.m[key]; !ok {
		if len(m.fifo) == sigMemoSize {
			delete(m.m, m.fifo[0])
			m.fifo = m.fifo[1:]
		}
		m.m[key] = &sigEntry{sig: sig}
		m.fifo = append(m.fifo, key)
	}
	return key, sig, ""
}

// decided records the admitted article of a body.
func (m *sigMemo) decided(key uint64, of string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.m[key]; ok && e.of == "" {
		e.of = of
	}
}

// checkAndAdd runs the index's admission for doc, or records it as an
// exact copy when its body was decided before in this run.
func (s *scanRun) checkAndAdd(doc *dedup.Document) (dedup.Result, error) {
	key, sig, of := s.sigs.lookup(s.index, doc)
	if of != "" && !sig.Empty() {
		return s.index.AddCopy(s.ctx, doc.ID, sig, of)
	}
	r, err := s.index.CheckAndAddSignature(s.ctx, doc.ID, sig)
	if err != nil || sig.Empty() {
		return r, err
	}
	switch {
	case r.Admitted:
		s.sigs.decided(key, doc.ID)
	case r.DupOf != "":
		s.sigs.decided(key, r.DupOf)
	}
	return r, nil
}

// indexFinding turns an index's verdict into a near_duplicate finding.
func indexFinding(doc *dedup.Document, r dedup.Result) (dedup.Finding, bool) {
	if r.Admitted {
		return dedup.Finding{}, false
	}
	f := dedup.Finding{Kind: dedup.KindNearDuplicate, Paragraph: dedup.TitleParagraph,
		Line: doc.Line, Score: 1, RelatedID: r.DupOf}
	if len(r.Matches) > 0 {
		f.Score = r.Matches[0].Similarity
	}
	switch {
	case r.Existing:
		f.Message = fmt.Sprintf("already in the index (as a copy of %q)", r.DupOf)
		if r.DupOf == doc.ID {
			f.Message = "already in the index"
		}
	default:
		f.Message = fmt.Sprintf("near-duplicate of %q, indexed before (similarity %.2f)", r.DupOf, f.Score)
	}
	return f, true
}

// scan runs the scanner over the input, in parallel, writing results in
// input order.
func (s *scanRun) scan(scanner *dedup.Scanner) (st stats) {
	st = stats{byKind: make(map[dedup.Kind]int)}
	prog := newProgress(s.stderr, s.showProgress, s.start, "scanning", s.bytes, s.articles)
	defer prog.done()
	emit := func(j *job) error {
		prog.add(docBytes(j.doc))
		if j.err != nil {
			return j.err
		}
		// Near-duplicates within the run are decided in input order; with
		// an index the index decides (it has seen the earlier runs too)
		// and the run's own pass only builds the clusters.
		if s.nd != nil {
			if nf := s.nd.ObservePrepared(j.ord, j.doc, j.body); s.index == nil {
				j.fs = append(j.fs, nf...)
			}
			j.fs = append(j.fs, s.shared.Observe(j.doc, s.nd)...)
		}
		fs := s.filter.apply(j.fs)
		st.articles++
		if len(fs) > 0 {
			st.flagged++
			st.findings += len(fs)
			for _, f := range fs {
				st.byKind[f.Kind]++
			}
		}
		return s.out.article(j.doc, fs)
	}
	defer func() {
		st.inputErrors = s.inputErrors
		if s.nd != nil {
			st.clusters = s.nd.Clusters()
		}
	}()
	if s.opts.jobs == 1 {
		for j := range s.jobs {
			s.work(scanner, j)
			if st.err = emit(j); st.err != nil {
				break
			}
		}
		return st
	}

	// Workers judge articles in parallel; the writer below takes them in
	// input order. quit stops the reader when the writer fails. An index
	// in Redis waits on round trips, not on the processor: keep at least
	// indexInFlight articles in flight so they overlap.
	workers := s.opts.jobs
	if s.index != nil {
		workers = max(workers, indexInFlight)
	}
	work := make(chan *job, 4*workers)
	order := make(chan *job, 4*workers)
	quit := make(chan struct{})
	for range workers {
		go func() {
			for j := range work {
				s.work(scanner, j)
				close(j.done)
			}
		}()
	}
	go func() {
		defer close(work)
		defer close(order)
		for j := range s.jobs {
			j.done = make(chan struct{})
			select {
			case work <- j:
				order <- j
			case <-quit:
				return
			}
		}
	}()
	for j := range order {
		<-j.done
		if st.err == nil {
			if st.err = emit(j); st.err != nil {
				close(quit)
			}
		}
	}
	return st
}

// jobs yields the documents of the scan pass, numbered as the corpus pass
// numbered them. Without a corpus pass, this pass reports bad records.
// With several workers it runs in the reader goroutine alone.
func (s *scanRun) jobs(yield func(*job) bool) {
	report := s.opts.noCorpus // else the corpus pass reported them
	ord := 0
	for doc, err := range s.in.docs() {
		if err != nil {
			if report {
				s.reportError(err)
			}
			if s.stopped || errors.Is(err, context.Canceled) {
				return
			}
			continue
		}
		if !yield(&job{ord: ord, doc: doc}) {
			return
		}
		ord++
	}
}

// filter keeps the findings the user asked for.
type filter struct {
	only, skip map[dedup.Kind]bool
	minScore   float64
}

func parseKinds(names []string) (map[dedup.Kind]bool, error) {
	if len(names) == 0 {
		return nil, nil
	}
	m := make(map[dedup.Kind]bool)
	for _, n := range names {
		k := dedup.Kind(strings.TrimSpace(n))
		if !slices.Contains(dedup.Kinds, k) {
			var all []string
			for _, k := range dedup.Kinds {
				all = append(all, string(k))
			}
			return nil, fmt.Errorf("unknown kind %q (kinds: %s)", n, strings.Join(all, ", "))
		}
		m[k] = true
	}
	return m, nil
}

func newFilter(only, skip []string, minScore float64) (*filter, error) {
	o, err := parseKinds(only)
	if err != nil {
		return nil, fmt.Errorf("--only: %w", err)
	}
	sk, err := parseKinds(skip)
	if err != nil {
		return nil, fmt.Errorf("--skip: %w", err)
	}
	if minScore < 0 || minScore > 1 {
		return nil, fmt.Errorf("--min-score %v: want a number in 0..1", minScore)
	}
	return &filter{only: o, skip: sk, minScore: minScore}, nil
}

func (f *filter) apply(fs []dedup.Finding) []dedup.Finding {
	out := fs[:0]
	for _, x := range fs {
		if (f.only != nil && !f.only[x.Kind]) || f.skip[x.Kind] || x.Score < f.minScore {
			continue
		}
		out = append(out, x)
	}
	return out
}
