package main

// The clean command: scan, then write the articles back without what the
// scan found. JSONL records are rewritten in place of their body field
// only (dedup.RewriteBody); text articles are rewritten line by line
// (dedup.RewriteText) into --out-dir, which nothing from the input can
// escape: paths are made relative to the argument they came from and
// written through an os.Root.

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/newsdedup/newsdedup/dedup"
)

const cleanUsage = `Usage: newsdedup clean [flags] [PATH...]

Scan articles as "newsdedup scan" does, then write them back without what
the scan found: by default scraper residue, paragraphs repeating the
headline, repeated paragraphs and off-topic (spliced-in) paragraphs. The
title is never removed.

JSONL in, JSONL out (-o FILE, gzipped when FILE ends in .gz, or standard
output): each record is written as it was read, byte for byte, except the
body field, which loses the removed paragraphs (a body held as an array of
strings stays one). Text articles are written to --out-dir under the same
path relative to the folder given (a file given by name keeps its name);
nothing is ever written outside --out-dir. A text article read from
standard input is written where JSONL goes.

Files are written under a temporary name and renamed when complete, so an
interrupted run leaves no half-written output. --report FILE lists every
removed paragraph and dropped article, one JSON object a line:
  {"id","source","line","kind","paragraph","text","score","message"}
  {"id","source","line","kind":"dropped_article","reason","message"}
A final count goes to standard error: articles in = out + dropped (bad
input records are dropped, and reported, too).

Exit status: 0 done, 2 usage or input error (bad records are reported and
skipped; --strict stops at the first and writes nothing).

Examples:
  newsdedup clean -o clean.jsonl.gz --report removed.jsonl corpus.jsonl.gz
  newsdedup clean --out-dir cleaned/ crawl/
  newsdedup clean --keep off_topic --drop-duplicates corpus.jsonl > clean.jsonl
  newsdedup clean --residue-patterns site.txt -o out.jsonl dump.jsonl
  cat page.txt | newsdedup clean > page.clean.txt

Flags:
`

// cleanSkipScanFlags are the scan flags that mean nothing to clean, or
// that clean defines for itself.
// (--index is not offered: adding to a persistent index is a side
// effect a clean that writes nothing, stopped or interrupted, could not
// undo.)
var cleanSkipScanFlags = []string{"format", "only", "skip", "no-corpus", "index", "output", "residue-patterns"}

// Reasons for dropping a whole article, in the report and the count.
const (
	reasonBadRecord  = "bad_record"  // the reader could not read it
	reasonNotWritten = "not_written" // it could not be cleaned or written
	kindDropped      = "dropped_article"
)

// defaultRemoved are the kinds of findings whose paragraphs clean removes
// unless told otherwise.
var defaultRemoved = []dedup.Kind{dedup.KindResidue, dedup.KindRepeatedHeadline, dedup.KindRepeatedParagraph, dedup.KindOffTopic}

// cleanOptions are the clean command's flags.
type cleanOptions struct {
	scan            scanOptions
	output          string
	outDir          string
	report          string
	keep, drop      []string
	dropDuplicates  bool
	dropMismatched  bool
	residuePatterns string
}

func cleanFlags(o *cleanOptions) *pflag.FlagSet {
	fs := pflag.NewFlagSet("clean", pflag.ContinueOnError)
	fs.StringVarP(&o.output, "output", "o", "", "write JSONL (and text from standard input) to FILE, gzipped if it ends in .gz (default standard output)")
	fs.StringVar(&o.outDir, "out-dir", "", "write cleaned text articles under DIR, at the same relative paths")
	fs.StringVar(&o.report, "report", "", "write one JSON line per removed paragraph and dropped article to FILE")
	fs.StringSliceVar(&o.keep, "keep", nil, "do not remove paragraphs of these kinds (comma-separated, or all)")
	fs.StringSliceVar(&o.drop, "drop", nil, "also remove paragraphs of these kinds (comma-separated, or all)")
	fs.BoolVar(&o.dropDuplicates, "drop-duplicates", false, "drop every article with a near_duplicate finding (all of a cluster but the one kept)")
	fs.BoolVar(&o.dropMismatched, "drop-mismatched", false, "drop articles whose body is not about their headline (headline_mismatch)")
	fs.StringVar(&o.residuePatterns, "residue-patterns", "", "add the residue patterns of FILE (one regular expression a line, # comments) to the built-in ones")
	// The reader, detector and worker flags are scan's, bound to o.scan.
	sf := scanFlags(&o.scan)
	sf.VisitAll(func(f *pflag.Flag) {
		if slices.Contains(cleanSkipScanFlags, f.Name) || (f.Shorthand != "" && fs.ShorthandLookup(f.Shorthand) != nil) {
			return
		}
		if f.Name == "min-score" {
			f.Usage = "remove only for findings scoring at least this (0..1)"
		}
		fs.AddFlag(f)
	})
	fs.SortFlags = false
	return fs
}

func runClean(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var o cleanOptions
	fs := cleanFlags(&o)
	fs.SetOutput(io.Discard)
	help := fs.BoolP("help", "h", false, "show this help")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(stderr, "newsdedup: clean: %v\nRun 'newsdedup help clean' for usage.\n", err)
		return exitError
	}
	if *help {
		fmt.Fprint(stdout, cleanUsage)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return exitClean
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "newsdedup: clean: %v\n", err)
		return exitError
	}
	remove, err := removedKinds(o.keep, o.drop)
	if err != nil {
		return fail(err)
	}
	filter, err := newFilter(nil, nil, o.scan.minScore)
	if err != nil {
		return fail(err)
	}
	if o.residuePatterns != "" {
		p, err := loadResiduePatterns(o.residuePatterns)
		if err != nil {
			return fail(fmt.Errorf("--residue-patterns: %w", err))
		}
		o.scan.detect.Residue.Patterns = p
	}
	o.scan.noCorpus = false // clean always learns the corpus first
	if o.scan.jobs < 1 {
		o.scan.jobs = 1
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"-"}
	}
	places, err := newOutPaths(paths, o.outDir)
	if err != nil {
		return fail(err)
	}
	var spooled string
	if slices.Contains(paths, "-") {
		f, err := spool(stdin)
		if err != nil {
			return fail(err)
		}
		defer func() { f.Close(); os.Remove(f.Name()) }()
		stdin, spooled = f, f.Name()
	}

	c := &cleaner{ctx: ctx, opts: &o, remove: remove, places: places, spooled: spooled,
		stderr: stderr, removed: map[dedup.Kind]int{}, dropped: map[string]int{}}
	if err := c.open(stdout); err != nil {
		return fail(err)
	}
	defer c.abort()
	in := &input{ctx: ctx, paths: paths, stdin: stdin, opts: o.scan.read}
	sc, err := newScanRun(ctx, o.scan, in, filter, c, stderr)
	if err != nil {
		return fail(err)
	}
	corpus, err := c.corpusPass(sc)
	if err != nil {
		if errors.Is(err, dedup.ErrUnknownFormat) {
			return fail(fmt.Errorf("--input-format: %w", err))
		}
		return fail(fmt.Errorf("nothing written: %w", err))
	}
	st := sc.scan(dedup.NewScanner(o.scan.detect, corpus))
	if err := ctx.Err(); err != nil {
		return fail(fmt.Errorf("interrupted, nothing written: %w", err))
	}
	if st.err == nil {
		st.err = c.finish(st)
	}
	if st.err != nil {
		return fail(fmt.Errorf("nothing written: %w", st.err))
	}
	if err := c.commit(); err != nil {
		return fail(err)
	}
	c.summary(stderr)
	if c.dropped[reasonBadRecord]+c.dropped[reasonNotWritten] > 0 {
		return exitError
	}
	return exitClean
}

// removedKinds returns the kinds whose paragraphs are removed: the
// defaults, less keep, plus drop.
func removedKinds(keep, drop []string) (map[dedup.Kind]bool, error) {
	// "all" stands for every kind removed by default; a kind named on
	// both sides is a contradiction, "all" on one side is not.
	all := map[string]bool{}
	expand := func(flag string, names []string) (map[dedup.Kind]bool, error) {
		var list []string
		for _, n := range names {
			if strings.TrimSpace(n) == "all" {
				all[flag] = true
				continue
			}
			list = append(list, n)
		}
		m, err := parseKinds(list)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", flag, err)
		}
		if m == nil {
			m = map[dedup.Kind]bool{}
		}
		return m, nil
	}
	for _, n := range drop {
		switch dedup.Kind(strings.TrimSpace(n)) {
		case dedup.KindHeadlineMismatch:
			return nil, errors.New("--drop headline_mismatch: the kind is about a whole article; use --drop-mismatched")
		case dedup.KindNearDuplicate:
			return nil, errors.New("--drop near_duplicate: the kind is about a whole article; use --drop-duplicates")
		}
	}
	k, err := expand("--keep", keep)
	if err != nil {
		return nil, err
	}
	d, err := expand("--drop", drop)
	if err != nil {
		return nil, err
	}
	out := make(map[dedup.Kind]bool)
	for _, kind := range defaultRemoved {
		out[kind] = !k[kind] && !all["--keep"]
	}
	if all["--drop"] {
		for _, kind := range defaultRemoved {
			out[kind] = !k[kind]
		}
	}
	for kind := range d {
		if k[kind] {
			return nil, fmt.Errorf("--keep and --drop both name %s", kind)
		}
		out[kind] = true
	}
	return out, nil
}

// loadResiduePatterns reads a site's residue patterns, one regular
// expression a line (blank lines and lines starting with # are skipped),
// and returns them after the built-in ones. Errors name the file and line.
func loadResiduePatterns(path string) (*dedup.ResiduePatterns, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	// Each expression becomes a rule "site 0.9 REGEXP" of the built-in
	// format, on the same line, so that errors keep their line numbers.
	// The weight is spelled out so that an expression starting with a
	// number is not read as one.
	var rules strings.Builder
	for line := range strings.Lines(string(data)) {
		t := strings.TrimSpace(line)
		if t != "" && t[0] != '#' {
			fmt.Fprintf(&rules, "site %v ", dedup.DefaultResidueWeight)
		}
		rules.WriteString(strings.TrimRight(line, "\r\n"))
		rules.WriteByte('\n')
	}
	site, err := dedup.ParseResiduePatterns(namedReader{strings.NewReader(rules.String()), path})
	if err != nil {
		return nil, err
	}
	if site.Len() == 0 {
		return nil, fmt.Errorf("%s: no patterns", path)
	}
	return dedup.DefaultResiduePatterns().Merge(site), nil
}

// namedReader gives a reader the name ParseResiduePatterns puts in errors.
type namedReader struct {
	io.Reader
	name string
}

// Name returns the file name.
func (n namedReader) Name() string { return n.name }

// outPaths places text articles under --out-dir: a file named on the
// command line keeps its base name, a file found in a folder named on
// the command line keeps its path relative to that folder.
type outPaths struct {
	dir   string
	files map[string]string
	dirs  []string
}

// newOutPaths checks the output folder against the inputs: it may not be
// inside a folder being read, which would read its own output.
func newOutPaths(paths []string, outDir string) (*outPaths, error) {
	p := &outPaths{dir: outDir, files: make(map[string]string)}
	absOut := ""
	if outDir != "" {
		var err error
		if absOut, err = filepath.Abs(outDir); err != nil {
			return nil, fmt.Errorf("--out-dir: %w", err)
		}
	}
	for _, a := range paths {
		if a == "-" {
			continue
		}
		fi, err := os.Stat(a)
		if err != nil {
			continue // the reader reports it
		}
		if !fi.IsDir() {
			p.files[a] = filepath.Base(a)
			continue
		}
		p.dirs = append(p.dirs, a)
		if absOut != "" {
			absIn, err := filepath.Abs(a)
			if err != nil {
				return nil, err
			}
			if rel, err := filepath.Rel(absIn, absOut); err == nil && filepath.IsLocal(rel) || absIn == absOut {
				return nil, fmt.Errorf("--out-dir %s is inside the input folder %s: it would be read as input", outDir, a)
			}
		}
	}
	return p, nil
}

// rel returns the path under the output folder of a text article read
// from source, always a local path (no "..", not absolute).
func (p *outPaths) rel(source string) (string, error) {
	if r, ok := p.files[source]; ok && filepath.IsLocal(r) {
		return r, nil
	}
	for _, d := range p.dirs {
		if r, err := filepath.Rel(d, source); err == nil && filepath.IsLocal(r) {
			return r, nil
		}
	}
	return "", fmt.Errorf("%s: no place for it under --out-dir", source)
}

// cleaner is the writer of the clean command: it gets every article with
// its findings, in input order, from scanRun.scan, and writes it cleaned.
type cleaner struct {
	ctx     context.Context
	opts    *cleanOptions
	remove  map[dedup.Kind]bool
	places  *outPaths
	spooled string // the file holding standard input, if read

	out     *sink // JSONL (and text from standard input)
	report  *sink // --report, or nil
	reportW *json.Encoder
	root    *os.Root // --out-dir, opened at the first text article
	written map[string]string
	stderr  io.Writer

	in, kept   int
	removed    map[dedup.Kind]int
	paragraphs int
	dropped    map[string]int
	best       []int // per paragraph, the finding that removes it
}

// open creates the outputs under temporary names.
func (c *cleaner) open(stdout io.Writer) error {
	var err error
	if c.out, err = openSink(c.opts.output, stdout); err != nil {
		return err
	}
	if c.opts.report != "" {
		if c.report, err = openSink(c.opts.report, nil); err != nil {
			return err
		}
		c.reportW = json.NewEncoder(c.report.w)
		c.reportW.SetEscapeHTML(false)
	}
	return nil
}

// corpusPass reads the input once to learn the corpus, as scanRun.run
// does, and records the bad records. It fails on a canceled context, a
// bad --input-format, and with --strict at the first bad record.
func (c *cleaner) corpusPass(sc *scanRun) (*dedup.Corpus, error) {
	b := dedup.NewCorpusBuilder()
	prog := newProgress(sc.stderr, sc.showProgress, sc.start, "reading", -1, 0)
	defer prog.done()
	in := sc.in
	for doc, err := range in.docs() {
		if err != nil {
			var ie *dedup.InputError
			if !errors.As(err, &ie) {
				return nil, err
			}
			if rerr := c.badRecord(ie); rerr != nil {
				return nil, rerr
			}
			if c.opts.scan.strict {
				return nil, fmt.Errorf("--strict: %w", err)
			}
			continue
		}
		b.Add(doc)
		n := docBytes(doc)
		sc.articles++
		sc.bytes += int64(n)
		prog.add(n)
	}
	if b.NeedContent() {
		ord := 0
		for doc, err := range in.docs() {
			if err != nil {
				continue
			}
			b.AddContent(ord, doc)
			ord++
		}
	}
	return b.Corpus(), nil
}

// badRecord counts, reports and lists a record the reader skipped.
func (c *cleaner) badRecord(e *dedup.InputError) error {
	fmt.Fprintf(c.stderr, "newsdedup: %v\n", e)
	c.in++
	c.dropped[reasonBadRecord]++
	id := e.File
	if e.Line > 0 {
		id = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	return c.write(droppedRecord{ID: id, Source: e.File, Line: e.Line, Kind: kindDropped,
		Reason: reasonBadRecord, Message: e.Err.Error()})
}

// removalRecord is the report line of one removed paragraph.
type removalRecord struct {
	ID        string  `json:"id"`
	Source    string  `json:"source"`
	Line      int     `json:"line"`
	Kind      string  `json:"kind"`
	Paragraph int     `json:"paragraph"`
	Text      string  `json:"text"`
	Score     float64 `json:"score"`
	Message   string  `json:"message"`
}

// droppedRecord is the report line of one dropped article.
type droppedRecord struct {
	ID        string  `json:"id"`
	Source    string  `json:"source"`
	Line      int     `json:"line"`
	Kind      string  `json:"kind"`
	Reason    string  `json:"reason"`
	Message   string  `json:"message"`
	RelatedID string  `json:"related_id,omitempty"`
	Score     float64 `json:"score,omitempty"`
}

// write adds a line to the report, if there is one.
func (c *cleaner) write(rec any) error {
	if c.reportW == nil {
		return nil
	}
	if err := c.reportW.Encode(rec); err != nil {
		return fmt.Errorf("writing --report: %w", err)
	}
	return nil
}

// article writes one article cleaned, or drops it. It returns an error
// only when an output cannot be written, which ends the run.
func (c *cleaner) article(doc *dedup.Document, fs []dedup.Finding) error {
	c.in++
	if f, ok := c.dropFinding(fs); ok {
		c.dropped[string(f.Kind)]++
		return c.write(droppedRecord{ID: doc.ID, Source: doc.Source, Line: doc.Line, Kind: kindDropped,
			Reason: string(f.Kind), Message: f.Message, RelatedID: f.RelatedID, Score: f.Score})
	}
	c.best = slices.Grow(c.best[:0], len(doc.Paragraphs))[:len(doc.Paragraphs)]
	for i := range c.best {
		c.best[i] = -1
	}
	for i, f := range fs {
		if !c.remove[f.Kind] || f.Paragraph < 0 || f.Paragraph >= len(doc.Paragraphs) {
			continue
		}
		if b := c.best[f.Paragraph]; b < 0 || f.Score > fs[b].Score {
			c.best[f.Paragraph] = i
		}
	}
	remove := func(i int) bool { return i < len(c.best) && c.best[i] >= 0 }
	var err error
	if doc.Raw != nil {
		err = c.writeJSONL(doc, remove)
	} else {
		err = c.writeText(doc, remove)
	}
	if err != nil {
		var ne notWritten
		if !errors.As(err, &ne) {
			return err
		}
		fmt.Fprintf(c.stderr, "newsdedup: %v\n", err)
		c.dropped[reasonNotWritten]++
		return c.write(droppedRecord{ID: doc.ID, Source: doc.Source, Line: doc.Line, Kind: kindDropped,
			Reason: reasonNotWritten, Message: ne.err.Error()})
	}
	c.kept++
	for i, b := range c.best {
		if b < 0 {
			continue
		}
		f := fs[b]
		c.removed[f.Kind]++
		c.paragraphs++
		p := doc.Paragraphs[i]
		if err := c.write(removalRecord{ID: doc.ID, Source: doc.Source, Line: p.Line, Kind: string(f.Kind),
			Paragraph: i, Text: p.Text, Score: f.Score, Message: f.Message}); err != nil {
			return err
		}
	}
	return nil
}

// dropFinding returns the finding for which the whole article is dropped,
// if there is one.
func (c *cleaner) dropFinding(fs []dedup.Finding) (dedup.Finding, bool) {
	for _, f := range fs {
		switch {
		case c.opts.dropDuplicates && f.Kind == dedup.KindNearDuplicate && f.RelatedID != "":
			return f, true
		case c.opts.dropMismatched && f.Kind == dedup.KindHeadlineMismatch:
			return f, true
		}
	}
	return dedup.Finding{}, false
}

// notWritten is an article that could not be cleaned; the run goes on.
type notWritten struct {
	source string
	err    error
}

func (e notWritten) Error() string { return e.source + ": not written: " + e.err.Error() }
func (e notWritten) Unwrap() error { return e.err }

// writeJSONL writes the record of doc without the removed paragraphs.
func (c *cleaner) writeJSONL(doc *dedup.Document, remove func(int) bool) error {
	if !slices.ContainsFunc(c.best, func(b int) bool { return b >= 0 }) {
		c.out.w.Write(doc.Raw) // nothing removed: the record as read
		return c.out.w.WriteByte('\n')
	}
	out, n, err := dedup.RewriteBody(doc.Raw, doc.BodyField, remove)
	if err == nil && n != len(doc.Paragraphs) {
		err = fmt.Errorf("the body has %d paragraphs, the scan saw %d", n, len(doc.Paragraphs))
	}
	if err != nil {
		return notWritten{fmt.Sprintf("%s:%d", doc.Source, doc.Line), err}
	}
	c.out.w.Write(out)
	return c.out.w.WriteByte('\n')
}

// maxTextBytes caps the size of a text article read again to be cleaned.
const maxTextBytes = 256 << 20

// writeText reads the text article of doc again, checks it is the one
// scanned, and writes it without the removed paragraphs: under --out-dir,
// or where JSONL goes when it came from standard input.
func (c *cleaner) writeText(doc *dedup.Document, remove func(int) bool) error {
	data, err := c.readSource(doc.Source)
	if err != nil {
		return notWritten{doc.Source, err}
	}
	check, err := dedup.ReadText(doc.Source, bytes.NewReader(data))
	if err != nil || check.Title != doc.Title || !sameParagraphs(check.Paragraphs, doc.Paragraphs) {
		return notWritten{doc.Source, errors.New("the file changed since it was scanned")}
	}
	out, _ := dedup.RewriteText(data, remove)
	if doc.Source == "-" {
		_, err := c.out.w.Write(out)
		return err
	}
	if c.opts.outDir == "" {
		return fmt.Errorf("%s is a text article: give --out-dir DIR to write cleaned text articles", doc.Source)
	}
	rel, err := c.places.rel(doc.Source)
	if err != nil {
		return notWritten{doc.Source, err}
	}
	if prev, ok := c.written[rel]; ok {
		return notWritten{doc.Source, fmt.Errorf("%s was already written for %s", filepath.Join(c.opts.outDir, rel), prev)}
	}
	if err := c.openRoot(); err != nil {
		return err
	}
	if err := writeInRoot(c.root, rel, doc.Source, out); err != nil {
		return notWritten{doc.Source, err}
	}
	c.written[rel] = doc.Source
	return nil
}

// sameParagraphs reports whether a and b hold the same texts.
func sameParagraphs(a, b []dedup.Paragraph) bool {
	return slices.EqualFunc(a, b, func(x, y dedup.Paragraph) bool { return x.Text == y.Text })
}

// readSource reads a text article's file again, gunzipped as the reader
// does.
func (c *cleaner) readSource(source string) ([]byte, error) {
	name := source
	if source == "-" {
		name = c.spooled
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var r io.Reader = br
	lower := strings.ToLower(source)
	gz := strings.HasSuffix(lower, ".gz")
	if ext := filepath.Ext(lower); !gz && ext != ".txt" && ext != ".text" {
		magic, _ := br.Peek(2)
		gz = len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b
	}
	if gz {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		r = zr
	}
	data, err := io.ReadAll(io.LimitReader(r, maxTextBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxTextBytes {
		return nil, fmt.Errorf("more than %d bytes", maxTextBytes)
	}
	return data, nil
}

// openRoot creates and opens --out-dir, once.
func (c *cleaner) openRoot() error {
	if c.root != nil {
		return nil
	}
	if err := os.MkdirAll(c.opts.outDir, 0o755); err != nil {
		return fmt.Errorf("--out-dir: %w", err)
	}
	root, err := os.OpenRoot(c.opts.outDir)
	if err != nil {
		return fmt.Errorf("--out-dir: %w", err)
	}
	c.root, c.written = root, make(map[string]string)
	return nil
}

// writeInRoot writes data to rel inside root under a temporary name, then
// renames it. os.Root refuses any path, symbolic links included, that
// leads out of the root; the rename replaces a link at rel rather than
// writing through it. A name ending in .gz is gzipped. It refuses to
// replace source itself.
func writeInRoot(root *os.Root, rel, source string, data []byte) error {
	if !filepath.IsLocal(rel) {
		return fmt.Errorf("%q is not a local path", rel)
	}
	if dir := filepath.Dir(rel); dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	if fi, err := root.Lstat(rel); err == nil {
		if si, err := os.Stat(source); err == nil && os.SameFile(fi, si) {
			return errors.New("it would replace its own input")
		}
	}
	// A stale temporary file (or a link put in its place) is removed, not
	// written through.
	tmp := filepath.Join(filepath.Dir(rel), "."+filepath.Base(rel)+".newsdedup-tmp")
	_ = root.Remove(tmp)
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	var w io.Writer = f
	var zw *gzip.Writer
	if strings.HasSuffix(strings.ToLower(rel), ".gz") {
		zw = gzip.NewWriter(f)
		w = zw
	}
	_, err = w.Write(data)
	if zw != nil && err == nil {
		err = zw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = root.Rename(tmp, rel)
	}
	if err != nil {
		root.Remove(tmp)
	}
	return err
}

// finish flushes the outputs; commit puts them in place.
func (c *cleaner) finish(stats) error {
	if err := c.out.flush(); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	if c.report != nil {
		if err := c.report.flush(); err != nil {
			return fmt.Errorf("writing --report: %w", err)
		}
	}
	return nil
}

// commit renames the output files into place.
func (c *cleaner) commit() error {
	if err := c.out.commit(); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	if c.report != nil {
		if err := c.report.commit(); err != nil {
			return fmt.Errorf("writing --report: %w", err)
		}
	}
	return nil
}

// abort removes the temporary files not committed.
func (c *cleaner) abort() {
	if c.out != nil {
		c.out.abort()
	}
	if c.report != nil {
		c.report.abort()
	}
	if c.root != nil {
		c.root.Close()
	}
}

// summary prints the final count.
func (c *cleaner) summary(w io.Writer) {
	drops := 0
	var why []string
	for _, r := range slices.Sorted(maps.Keys(c.dropped)) {
		drops += c.dropped[r]
		why = append(why, fmt.Sprintf("%d %s", c.dropped[r], r))
	}
	fmt.Fprintf(w, "newsdedup: clean: %d articles in, %d out, %d dropped", c.in, c.kept, drops)
	if len(why) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(why, ", "))
	}
	fmt.Fprintf(w, "; %d paragraphs removed", c.paragraphs)
	var kinds []string
	for _, k := range slices.Sorted(maps.Keys(c.removed)) {
		kinds = append(kinds, fmt.Sprintf("%d %s", c.removed[k], k))
	}
	if len(kinds) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(kinds, ", "))
	}
	fmt.Fprintln(w)
}

// sink is one output stream: standard output, or a file written under a
// temporary name in its folder and renamed by commit.
type sink struct {
	w      *bufio.Writer
	zw     *gzip.Writer
	file   *os.File // the temporary file, nil for standard output
	direct *os.File // a file that is not regular, written in place
	path   string
	done   bool
}

// openSink opens path for writing, or stdout when path is "" or "-".
// A path ending in .gz is gzipped. A regular file (or a link to one) is
// written under a temporary name and renamed; anything else that exists
// (/dev/stdout, a named pipe) is written to directly.
func openSink(path string, stdout io.Writer) (*sink, error) {
	if path == "" || path == "-" {
		if stdout == nil {
			return nil, errors.New("no file to write to")
		}
		return &sink{w: bufio.NewWriterSize(stdout, 256<<10)}, nil
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		return &sink{w: bufio.NewWriterSize(f, 256<<10), direct: f}, nil
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real // replace the file a link points to, not the link
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, err
	}
	s := &sink{file: f, path: path}
	var w io.Writer = f
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		s.zw = gzip.NewWriter(f)
		w = s.zw
	}
	s.w = bufio.NewWriterSize(w, 256<<10)
	return s, nil
}

// flush writes out what is buffered.
func (s *sink) flush() error { return s.w.Flush() }

// commit ends the stream and, for a file, renames it into place.
func (s *sink) commit() error {
	if err := s.w.Flush(); err != nil {
		return err
	}
	if s.file == nil {
		s.done = true
		if s.direct != nil {
			return s.direct.Close()
		}
		return nil
	}
	if s.zw != nil {
		if err := s.zw.Close(); err != nil {
			return err
		}
	}
	if err := s.file.Chmod(0o644); err != nil {
		return err
	}
	if err := s.file.Sync(); err != nil {
		return err
	}
	if err := s.file.Close(); err != nil {
		return err
	}
	if err := os.Rename(s.file.Name(), s.path); err != nil {
		return err
	}
	s.done = true
	return nil
}

// abort removes the temporary file of a stream not committed.
func (s *sink) abort() {
	if s.direct != nil && !s.done {
		s.direct.Close()
	}
	if s.done || s.file == nil {
		return
	}
	s.done = true
	s.file.Close()
	os.Remove(s.file.Name())
}
