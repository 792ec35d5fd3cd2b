package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
a JSON array (.json, as Scrapy's -o items.json writes), a CSV file with a
header row (.csv; the field flags name its columns), any of them
compressed (.gz, .zst, .bz2), or a folder (read recursively, in sorted
order). No PATH, or "-", reads standard input.

Before judging, the scan reads the whole input once to learn its word
statistics, shared paragraphs and recurring lines (the corpus); standard
input is kept in a temporary file for that. --no-corpus judges each article
alone, in one streaming pass.

Output: text for people; json, jsonl (one object per article; a
near-duplicate names its cluster's kept article in "cluster"; with
--findings-only only the articles with findings, without paragraphs);
csv (one row per finding: id, source, line, kind, paragraph, score,
related_id, message); html (an audit report). With -o and no --format,
the file's extension chooses: .html, .csv, .jsonl, .json, .txt.

Exit status: 0 nothing flagged, 1 something flagged, 2 usage or input error
(bad records are reported on stderr and skipped; --strict stops at the first).

Examples:
  newsdedup scan article.txt
  newsdedup scan --format jsonl corpus.jsonl.gz > findings.jsonl
  newsdedup scan --only residue,repeated_headline crawl/
  cat page.txt | newsdedup scan -
  newsdedup scan --body-field html_text --min-score 0.8 dump.jsonl
  newsdedup scan -o report.html crawl.jsonl.gz
  newsdedup scan -o findings.csv --body-field content articles.csv
  newsdedup scan --format jsonl --findings-only items.json > findings.jsonl
  newsdedup scan --index seen.db --only near_duplicate today.jsonl.gz
  newsdedup scan --index redis://:secret@10.0.0.5:6379/0 -j 8 crawl/

Flags:
`

// scanOptions are the scan command's flags.
type scanOptions struct {
	format       string
	findingsOnly bool
	only         []string
	skip         []string
	strict       bool
	noCorpus     bool
	progress     progressMode
	index        string
	noSync       bool
	ttl          time.Duration
	retry        time.Duration
	journal      string
	output       string
	patterns     string
	read         read.Options
	// detect holds the pipeline's options the flags set directly: the
	// workers, the minimum score and every threshold.
	detect dedup.Options
}

func scanFlags(o *scanOptions) *pflag.FlagSet {
	fs := pflag.NewFlagSet("scan", pflag.ContinueOnError)
	o.detect = dedup.DefaultOptions()
	d := &o.detect
	fs.StringVar(&o.format, "format", "text", "output format: text, json, jsonl, csv (one row per finding) or html (a self-contained audit report); with -o, the file's extension chooses it")
	fs.StringVarP(&o.output, "output", "o", "", "write to FILE (under a temporary name, renamed when complete; .gz gzipped, .zst zstd)")
	fs.BoolVar(&o.findingsOnly, "findings-only", false, "json, jsonl: write only the articles with findings, without their paragraphs")
	fs.StringSliceVar(&o.only, "only", nil, "report only these kinds (comma-separated); the others are not computed")
	fs.StringSliceVar(&o.skip, "skip", nil, "do not report these kinds (comma-separated)")
	fs.Float64Var(&d.MinScore, "min-score", 0, "report only findings scoring at least this (0..1)")
	fs.IntVarP(&d.Workers, "jobs", "j", runtime.NumCPU(), "articles scanned in parallel (output keeps input order)")
	fs.BoolVar(&o.strict, "strict", false, "stop at the first bad input record")
	fs.BoolVar(&o.noCorpus, "no-corpus", false, "judge each article alone, streaming, without corpus statistics")
	o.progress = progressAuto
	fs.Var(&o.progress, "progress", "progress on stderr for runs over a second: auto (a bar when stderr is a terminal), plain (a line every 5 s, for logs) or false")
	fs.Lookup("progress").NoOptDefVal = "auto"
	fs.Float64Var(&d.Threshold, "threshold", d.Threshold, "near_duplicate: similarity (Jaccard, or containment for excerpts) from which two articles are one story")
	fs.StringVar(&o.index, "index", "", "check each article against a persistent index and add the new ones: a bbolt file PATH or a redis:// URL")
	fs.BoolVar(&o.noSync, "index-no-sync", false, "with a file --index: do not fsync each write (faster; a killed process loses nothing, a system crash may lose recent writes)")
	fs.DurationVar(&o.ttl, "index-ttl", 0, "with --index: forget articles indexed longer ago than this (e.g. 168h: \"seen in the last week?\"); 0 keeps them")
	fs.DurationVar(&o.retry, "index-retry", 30*time.Second, "with a Redis --index: how long to retry a failing Redis (connection lost, LOADING, CLUSTERDOWN...) before giving up")
	fs.StringVar(&o.journal, "index-journal", "", "with --index: keep the decisions a failing index left unsettled in DIR, for the next scan on this machine to report (default: newsdedup/unsettled in the user cache directory)")
	fs.BoolVar(&o.read.FollowSymlinks, "follow-symlinks", false, "read the files that symbolic links in an input folder lead to outside it (by default they are reported and skipped)")
	fs.StringVar(&o.patterns, "residue-patterns", "", "add the residue patterns of FILE (one regular expression a line, # comments)")
	fs.StringSliceVar(&o.read.TitleFields, "title-field", nil, "JSON fields or CSV columns to take the title from, in order (default title,headline)")
	fs.StringSliceVar(&o.read.BodyFields, "body-field", nil, "JSON fields or CSV columns to take the body from, in order (default text,body,content,articleBody)")
	fs.StringSliceVar(&o.read.IDFields, "id-field", nil, "JSON fields or CSV columns to take the id from, in order (default id,url)")
	fs.StringVar(&o.read.Format, "input-format", "auto", "input format: auto (by extension, else sniffed), text, jsonl, json (an array) or csv")
	fs.Float64Var(&d.MismatchThreshold, "mismatch-threshold", d.MismatchThreshold, "headline_mismatch: headline/body similarity below which the body is not about the headline")
	fs.Float64Var(&d.OffTopicMargin, "offtopic-margin", d.OffTopicMargin, "off_topic: how much better another article must fit a shared block")
	fs.Float64Var(&d.OffTopicFloor, "offtopic-floor", d.OffTopicFloor, "off_topic: fit below which a block found in 2+ other articles is spliced in, or a paragraph fits neither story")
	fs.Float64Var(&d.OffTopicSplit, "offtopic-split", d.OffTopicSplit, "off_topic: fit to the headline one side of a split article needs")
	fs.Float64Var(&d.OffTopicCut, "offtopic-cut", d.OffTopicCut, "off_topic: normalised cut below which the two sides of a split article are two stories")
	fs.Float64Var(&d.ResidueThreshold, "residue-threshold", d.ResidueThreshold, "residue: score from which a line is residue")
	fs.SortFlags = false
	return fs
}

// pipelineOptions completes the pipeline's options from the flags: the
// kinds, the corpus and the residue patterns (the index is set apart).
func (o *scanOptions) pipelineOptions() (dedup.Options, error) {
	d := o.detect
	var err error
	if d.Only, err = parseKindList(o.only); err != nil {
		return d, fmt.Errorf("--only: %w", err)
	}
	if d.Skip, err = parseKindList(o.skip); err != nil {
		return d, fmt.Errorf("--skip: %w", err)
	}
	if d.MinScore < 0 || d.MinScore > 1 {
		return d, fmt.Errorf("--min-score %v: want a number in 0..1", d.MinScore)
	}
	if d.Threshold <= 0 || d.Threshold > 1 {
		return d, fmt.Errorf("--threshold %v: want a number in (0, 1]", d.Threshold)
	}
	if o.ttl < 0 {
		return d, fmt.Errorf("--index-ttl %v: want a duration of 0 or more", o.ttl)
	}
	d.TTL = o.ttl
	d.Workers = max(d.Workers, 1)
	d.Corpus = !o.noCorpus
	if o.patterns != "" {
		data, err := os.ReadFile(o.patterns)
		if err != nil {
			return d, fmt.Errorf("--residue-patterns: %w", err)
		}
		d.ResiduePatterns, d.ResiduePatternsName = string(data), o.patterns
		if strings.TrimSpace(d.ResiduePatterns) == "" {
			d.ResiduePatterns = "#" // no rule: NewPipeline says so
		}
	}
	return d, nil
}

// newPipeline returns the pipeline of the flags; errors about a residue
// pattern name the flag.
func newPipeline(d dedup.Options) (*dedup.Pipeline, error) {
	p, err := dedup.NewPipeline(&d)
	if err != nil && d.ResiduePatternsName != "" && strings.Contains(err.Error(), d.ResiduePatternsName) {
		return nil, fmt.Errorf("--residue-patterns: %w", err)
	}
	return p, err
}

func runScan(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var o scanOptions
	fs := scanFlags(&o)
	if code, done := parseCommand("scan", scanUsage, fs, args, stdout, stderr); done {
		return code
	}
	fail := failer("scan", stderr)
	popts, err := o.pipelineOptions()
	if err != nil {
		return fail(err)
	}
	if f := formatOfFile(o.output); f != "" && !fs.Changed("format") {
		o.format = f // -o report.html is an HTML report
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"-"}
	}
	if err := outputNotInput("-o", o.output, paths); err != nil {
		return fail(err)
	}
	w := stdout // plain stdout without -o, so that colour sees a terminal
	var so *sink
	if o.output != "" {
		if so, err = openSink(o.output, stdout); err != nil {
			return fail(fmt.Errorf("-o: %w", err))
		}
		defer so.abort()
		w = so.w
	}
	out, err := newWriter(o.format, w, o.findingsOnly)
	if err != nil {
		return fail(err)
	}
	if !checkPaths("scan", paths, stderr) {
		return exitError
	}
	if !o.noCorpus && slices.Contains(paths, "-") {
		// The corpus pass reads the input twice: keep stdin in a file.
		f, err := spool(stdin)
		if err != nil {
			return fail(err)
		}
		defer func() { f.Close(); os.Remove(f.Name()) }()
		stdin = f
	}
	size := inputSize(paths, stdin)
	if o.index != "" {
		st, err := openStoreMode(ctx, o.index, storeMode{create: true, noSync: o.noSync, retry: o.retry})
		if err != nil {
			return fail(fmt.Errorf("--index %s: %v", redactURL(o.index), err))
		}
		defer st.Close()
		if o.ttl > 0 && !isRedisURL(o.index) {
			// Redis forgets expired entries itself; a file is swept.
			if _, err := st.Prune(ctx, time.Now()); err != nil {
				return fail(fmt.Errorf("--index %s: sweeping expired entries: %v", o.index, err))
			}
		}
		popts.Store = st
	}
	var jr *journal
	if dir := o.journalDir(); popts.Store != nil && dir != "" {
		// An output file is committed at the end only: its run file
		// keeps the claims until then, for a rerun after a kill.
		if jr, err = openJournal(dir, o.index, popts.Store, so != nil); err != nil {
			return fail(fmt.Errorf("--index %s: %v", redactURL(o.index), err))
		}
		defer jr.giveBack() // unless finished
		if jr.run != nil {
			popts.OnClaim = jr.run.claim
		}
	}
	p, err := newPipeline(popts)
	if err != nil {
		return fail(err)
	}
	o.read.NoRaw = true // scan writes no record back
	b := newBatch(ctx, o, paths, stdin, size, stderr)
	b.out, b.stderr = out, stderr
	if jr != nil {
		b.adopt(p, jr)
	}
	code := b.run(ctx, p)
	// Commit a complete output, also when bad records were skipped; an
	// interrupted, stopped (--strict) or failed scan leaves none, unless
	// an index decided some of its articles: those are written out, since
	// the index remembers them (a rerun reports them "already in the
	// index").
	var cerr error
	committed := false
	switch {
	case so != nil && !b.stopped && !b.failed:
		cerr = so.commit()
		committed = cerr == nil
	case so != nil && b.failed && popts.Store != nil && b.written > 0:
		if cerr = so.commit(); cerr == nil {
			committed = true
			fmt.Fprintf(stderr, "newsdedup: scan: wrote the %d articles decided to %s (incomplete)\n", b.written, o.output)
		}
	}
	if so != nil && !committed {
		clear(b.claimed) // nothing reached the output
	}
	if popts.Store != nil {
		b.keepUnsettled(jr, committed)
	}
	if cerr != nil {
		return fail(fmt.Errorf("-o %s: %v", o.output, cerr))
	}
	return code
}

// journalDir is the directory of the index journals: --index-journal, or
// the default (none when the user has no cache directory).
func (o *scanOptions) journalDir() string {
	if o.journal != "" {
		return o.journal
	}
	return defaultJournalDir()
}

// adopt hands p the claims of the journal jr, notes the ids whose
// articles b must write out to settle them, and says when a killed
// scan's batches are among them.
func (b *batch) adopt(p *dedup.Pipeline, jr *journal) {
	if n := jr.batches(); n > 0 {
		fmt.Fprintf(b.stderr, "newsdedup: a scan against this index stopped before its output was committed: "+
			"this scan reports the decisions of the %d articles it claimed, as it meets them (journal %s)\n", n, jr.path)
	}
	if len(jr.claims) == 0 {
		return
	}
	p.Adopt(jr.claims...)
	b.claimed = make(map[string]bool, len(jr.claims))
	for _, c := range jr.claims {
		b.claimed[c.ID] = false
	}
}

// keepUnsettled ends the scan's run file (its batches kept in the journal
// unless the output was committed), writes back to the journal jr (nil:
// none) the claims the scan did not settle, with those its index failure
// left unsettled, and says what it did.
func (b *batch) keepUnsettled(jr *journal, committed bool) {
	if jr != nil && jr.run != nil {
		if err := jr.run.end(committed, jr.path); err != nil {
			fmt.Fprintf(b.stderr, "newsdedup: %v\n", err)
		}
	}
	var failed []dedup.Unsettled
	if ie := (*dedup.IndexError)(nil); errors.As(b.err, &ie) {
		failed = ie.Unsettled
	}
	if jr == nil {
		if len(failed) > 0 {
			ids := make([]string, len(failed))
			for i, u := range failed {
				ids[i] = strconv.Quote(u.ID)
			}
			fmt.Fprintf(b.stderr, "newsdedup: %d decisions were in flight when the index failed, and the index may hold them; "+
				"with no journal to keep them (no cache directory: see --index-journal), a rerun reports those it finds decided as \"already in the index\": %s\n",
				len(failed), strings.Join(ids, ", "))
		}
		return
	}
	settled, err := jr.finish(func(id string) bool { return b.claimed[id] }, failed)
	if err != nil {
		fmt.Fprintf(b.stderr, "newsdedup: %v\n", err)
		return
	}
	if settled > 0 {
		fmt.Fprintf(b.stderr, "newsdedup: settled %d decisions an earlier scan left in flight (journal %s)\n", settled, jr.path)
	}
	if len(failed) > 0 {
		fmt.Fprintf(b.stderr, "newsdedup: %d decisions were in flight when the index failed, and the index may hold them: "+
			"kept in %s, so that the next scan against this index on this machine reports them\n", len(failed), jr.path)
	}
}

// inputSize returns the bytes the input holds, as stored, or -1 when
// it is not known (standard input that is not kept in a file).
func inputSize(paths []string, stdin io.Reader) int64 {
	n := read.Size(paths)
	if slices.Contains(paths, "-") {
		f, ok := stdin.(*os.File)
		if !ok {
			return -1
		}
		fi, err := f.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return -1
		}
		n += fi.Size()
	}
	return n
}

// newBatch returns the batch of a scan or clean over paths, whose size
// is size (-1 when unknown); progress goes to stderr.
func newBatch(ctx context.Context, o scanOptions, paths []string, stdin io.Reader, size int64, stderr io.Writer) *batch {
	b := &batch{opts: o, progressW: stderr, progress: o.progress.style(stderr), inputSize: size, start: time.Now()}
	b.in = &input{ctx: ctx, paths: paths, stdin: stdin, opts: o.read}
	b.in.opts.BytesRead = &b.in.bytesRead
	return b
}

// input reads the scan's documents, as often as the pipeline's passes
// need.
type input struct {
	ctx   context.Context
	paths []string
	stdin io.Reader
	opts  read.Options
	pass  int
	// seen is called with each document of the first pass.
	seen func(doc *dedup.Document)
	// bytesRead counts the bytes read from the files in this pass.
	bytesRead atomic.Int64
}

// docs yields the documents of the input; each range over it is a new
// pass, which reads the input again.
func (in *input) docs() iter.Seq2[*dedup.Document, error] {
	return func(yield func(*dedup.Document, error) bool) {
		if in.pass > 0 {
			if s, ok := in.stdin.(io.Seeker); ok {
				s.Seek(0, io.SeekStart)
			}
		}
		in.bytesRead.Store(0)
		in.pass++
		first := in.pass == 1
		for doc, err := range read.Paths(in.ctx, in.paths, in.stdin, in.opts) {
			if first && err == nil && in.seen != nil {
				in.seen(doc)
			}
			if !yield(doc, err) {
				return
			}
		}
	}
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

// batch is one run of the pipeline over the input, written by one writer
// (scan's output format, or clean's cleaner).
type batch struct {
	opts   scanOptions
	in     *input
	out    writer
	stderr io.Writer
	// badRecord, when set, is told of each bad input record (clean
	// reports them); else they are printed.
	badRecord func(*read.Error) error

	progress    progressMode // the style progress is drawn in
	progressW   io.Writer    // where
	inputSize   int64        // bytes of the input, -1 when unknown
	start       time.Time
	inputErrors int
	stopped     bool  // --strict stopped at a bad record
	stoppedBy   error // that record's error
	hinted      []int // bad records met, by hint
	// claimed holds the ids of the articles of the journal's claims,
	// true once written out.
	claimed map[string]bool
	failed  bool  // the output, the index or the context failed: the output is incomplete
	err     error // why it failed
	written int   // articles written out
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

// stats counts what a scan saw.
type stats struct {
	articles, flagged, findings int
	byKind                      map[dedup.Kind]int
	inputErrors                 int
	clusters                    []*cluster
}

// cluster is one story's near-duplicates in the JSON output.
type cluster struct {
	Kept    string   `json:"kept"`
	Members []string `json:"members"`
	ord     int
}

// run runs the pipeline and writes every article; it returns the exit
// code.
func (b *batch) run(ctx context.Context, p *dedup.Pipeline) int {
	defer b.printHints()
	st := stats{byKind: make(map[dedup.Kind]int)}
	var total int
	var size int64
	readStyle := b.progress
	if b.opts.noCorpus {
		readStyle = progressOff // one pass: the scanning one
	}
	reading := newProgress(b.progressW, readStyle, b.start, "reading", b.inputSize, 0, &b.in.bytesRead)
	// The first pass runs in the pipeline's reading goroutine, at the same
	// time as the judging when the pipeline needs no corpus pass (with
	// --only near_duplicate, say): mu guards what it counts.
	var mu sync.Mutex
	b.in.seen = func(doc *dedup.Document) {
		n := docBytes(doc)
		mu.Lock()
		defer mu.Unlock()
		total++
		size += int64(n)
		reading.add(n)
	}
	var scanning *progress
	byKept := map[int]*cluster{}
	clusters := clusterIDs{}
	var err error
	for a, rerr := range p.Run(ctx, b.in.docs()) {
		if rerr != nil {
			if re := (*read.Error)(nil); errors.As(rerr, &re) {
				b.inputErrors++
				b.noteHint(re)
				if b.badRecord != nil {
					err = b.badRecord(re)
				} else {
					fmt.Fprintf(b.stderr, "newsdedup: %v\n", rerr)
				}
				if err != nil {
					break
				}
				if b.opts.strict {
					b.stopped, b.stoppedBy = true, rerr
					break
				}
				continue
			}
			err = rerr
			break
		}
		if scanning == nil {
			mu.Lock()
			reading.done()
			total, size := total, size
			mu.Unlock()
			if b.opts.noCorpus {
				// No pass before this one: the file sizes tell how far it is.
				scanning = newProgress(b.progressW, b.progress, b.start, "scanning", b.inputSize, 0, &b.in.bytesRead)
			} else {
				scanning = newProgress(b.progressW, b.progress, b.start, "scanning", size, total, nil)
			}
		}
		scanning.add(docBytes(a.Document))
		st.articles++
		if len(a.Findings) > 0 {
			st.flagged++
			st.findings += len(a.Findings)
			for _, f := range a.Findings {
				st.byKind[f.Kind]++
			}
		}
		if a.KeptOrd >= 0 {
			c := byKept[a.KeptOrd]
			if c == nil {
				c = &cluster{Kept: a.Kept, Members: []string{a.Kept}, ord: a.KeptOrd}
				byKept[a.KeptOrd] = c
				st.clusters = append(st.clusters, c)
			}
			c.Members = append(c.Members, a.ID)
		}
		if err = b.out.article(a.Document, a.Findings, clusters.of(a)); err != nil {
			err = fmt.Errorf("writing output: %w", err)
			break
		}
		b.written++
		if _, ok := b.claimed[a.ID]; ok {
			b.claimed[a.ID] = true
		}
	}
	mu.Lock()
	reading.done()
	mu.Unlock()
	if scanning != nil {
		scanning.done()
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		b.failed, b.err = true, err
		// The articles written so far go out (an index decided them); an
		// HTML report or a JSON document is only written whole.
		if f, ok := b.out.(interface{ flush() error }); ok {
			if ferr := f.flush(); ferr != nil && !errors.Is(err, ferr) {
				fmt.Fprintf(b.stderr, "newsdedup: writing output: %v\n", ferr)
			}
		}
		of := ""
		mu.Lock()
		if total > 0 && !b.opts.noCorpus && b.in.pass > 1 {
			of = fmt.Sprintf(" of %d", total) // the corpus pass counted them all
		}
		mu.Unlock()
		ie := (*dedup.IndexError)(nil)
		switch {
		case ctx.Err() != nil:
			err = fmt.Errorf("interrupted after %d%s articles (no summary: the output is incomplete): %w", st.articles, of, ctx.Err())
		case errors.As(err, &ie):
			err = fmt.Errorf("%w\nnewsdedup: the index failed after %d%s articles: the %d decided are written out, %d read were left undecided; "+
				"rerun the same scan once the index answers again (articles decided already are reported \"already in the index\")",
				err, st.articles, of, st.articles, ie.Undecided)
		}
		fmt.Fprintf(b.stderr, "newsdedup: %v\n", err)
		return exitError
	}
	if b.stopped {
		return exitError
	}
	if st.articles == 0 {
		b.failed, b.err = true, b.noArticles()
		fmt.Fprintf(b.stderr, "newsdedup: %v\n", b.err)
		return exitError
	}
	slices.SortFunc(st.clusters, func(x, y *cluster) int { return x.ord - y.ord })
	st.inputErrors = b.inputErrors
	if err := b.out.finish(st); err != nil {
		b.failed = true
		fmt.Fprintf(b.stderr, "newsdedup: writing output: %v\n", err)
		return exitError
	}
	switch {
	case b.inputErrors > 0:
		return exitError
	case st.flagged > 0:
		return exitFlagged
	}
	return exitClean
}

// outputNotInput returns a usage error when the output file out (of flag
// name) is also one of the inputs, or inside an input folder given as
// a path: writing it would overwrite or feed back what is read.
func outputNotInput(name, out string, inputs []string) error {
	if out == "" || out == "-" {
		return nil
	}
	ofi, oerr := os.Stat(out)
	absOut, _ := filepath.Abs(out)
	for _, in := range inputs {
		if in == "-" {
			continue
		}
		if absIn, _ := filepath.Abs(in); absIn == absOut {
			return fmt.Errorf("%s %s: the output is also an input", name, out)
		}
		if oerr != nil {
			continue
		}
		if ifi, err := os.Stat(in); err == nil && os.SameFile(ofi, ifi) {
			return fmt.Errorf("%s %s: the output is also an input (%s)", name, out, in)
		}
	}
	return nil
}

// noArticles says why a run read no article, and what to do.
func (b *batch) noArticles() error {
	switch {
	case b.inputErrors > 0:
		return errors.New("no article could be read: every record or file above failed")
	case len(b.in.paths) == 1 && b.in.paths[0] == "-":
		return errors.New("no article: standard input is empty (give a PATH, or pipe articles in)")
	}
	return fmt.Errorf("no article in %s: the files are empty", strings.Join(b.in.paths, ", "))
}

// hints say what to do about the kinds of bad input met, once, at the
// end of a run.
var hints = []struct {
	err  error
	hint string
}{
	{read.ErrMissingBody, "name the field (or CSV column) that holds the body with --body-field; " +
		"--title-field and --id-field name the others"},
	{read.ErrUnsupportedCompression, "newsdedup reads gzip, zstd and bzip2; decompress other files first, " +
		"e.g. xz -dc FILE.xz | newsdedup scan -"},
	{read.ErrInvalidCSV, "CSV is read with a comma between fields and RFC 4180 quotes (a field holding a comma, " +
		"quote or line break is quoted, its quotes doubled)"},
}

// noteHint counts a bad record for the hints.
func (b *batch) noteHint(e *read.Error) {
	for i, h := range hints {
		if errors.Is(e, h.err) {
			if b.hinted == nil {
				b.hinted = make([]int, len(hints))
			}
			b.hinted[i]++
		}
	}
}

// printHints prints the hint for each kind of bad input met.
func (b *batch) printHints() {
	for i, n := range b.hinted {
		if n > 0 {
			what := "bad records"
			if n == 1 {
				what = "bad record"
			}
			fmt.Fprintf(b.progressW, "newsdedup: hint: %d %s (%v): %s\n", n, what, hints[i].err, hints[i].hint)
		}
	}
}

// checkPaths reports each path that does not exist, on stderr as
// "newsdedup: CMD: PATH: no such file or directory"; it reports
// whether all do.
func checkPaths(cmd string, paths []string, stderr io.Writer) bool {
	ok := true
	for _, p := range paths {
		if p == "-" {
			continue
		}
		if _, err := os.Stat(p); err != nil {
			ok = false
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			fmt.Fprintf(stderr, "newsdedup: %s: %s: %v\n", cmd, p, err)
		}
	}
	return ok
}

// clusterIDs names the cluster of each near-duplicate: the id of the
// article its cluster keeps. Within a run that is Article.Kept, the
// first of the story; with an index, a story first seen in an earlier run
// is kept as the indexed article its near_duplicate finding names, and
// so are the later copies of the run, through the run's first copy. It
// remembers the near-duplicates that are the first of the run's
// clusters, one entry each.
type clusterIDs map[int]string

// of returns the cluster of a, "" when it is not a near-duplicate.
func (c clusterIDs) of(a *dedup.Article) string {
	if a.KeptOrd >= 0 {
		if root, ok := c[a.KeptOrd]; ok {
			return root
		}
		return a.Kept
	}
	for _, f := range a.Findings {
		if f.Kind == dedup.KindNearDuplicate && f.RelatedID != "" {
			c[a.Ord] = f.RelatedID
			return f.RelatedID
		}
	}
	return ""
}

// parseKindList parses kind names.
func parseKindList(names []string) ([]dedup.Kind, error) {
	m, err := parseKinds(names)
	if err != nil {
		return nil, err
	}
	var ks []dedup.Kind
	for _, k := range dedup.Kinds() {
		if m[k] {
			ks = append(ks, k)
		}
	}
	return ks, nil
}

// parseKinds parses kind names into a set; nil for none.
func parseKinds(names []string) (map[dedup.Kind]bool, error) {
	if len(names) == 0 {
		return nil, nil
	}
	m := make(map[dedup.Kind]bool)
	for _, n := range names {
		k := dedup.Kind(strings.TrimSpace(n))
		if !slices.Contains(dedup.Kinds(), k) {
			var all []string
			for _, k := range dedup.Kinds() {
				all = append(all, string(k))
			}
			return nil, fmt.Errorf("unknown kind %q (kinds: %s)", n, strings.Join(all, ", "))
		}
		m[k] = true
	}
	return m, nil
}
