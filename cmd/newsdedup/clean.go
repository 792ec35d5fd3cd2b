package main

// The clean command: scan, then write the articles back without what the
// scan found. JSONL records are rewritten in place of their body field
// only (dedup.RewriteBody); text articles are rewritten line by line
// (dedup.RewriteText) into --out-dir, which nothing from the input can
// escape: paths are made relative to the argument they came from and
// written through an os.Root.

import (
	"bytes"
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
	"github.com/newsdedup/newsdedup/dedup/read"
)

const cleanUsage = `Usage: newsdedup clean [flags] [PATH...]

Scan articles as "newsdedup scan" does, then write them back without what
the scan found: by default scraper residue, paragraphs repeating the
headline, repeated paragraphs and off-topic (spliced-in) paragraphs. The
title is never removed.

Records are written back in the format they were read in, to -o FILE
(gzipped when FILE ends in .gz, zstd for .zst) or standard output; each
record as it was read, byte for byte, except the body, which loses the
removed paragraphs:
  JSONL in, JSONL out (a body held as an array of strings stays one);
  a JSON array in (Scrapy's items.json), a JSON array out: "[", the
    elements as they were, separated by ",\n", then "]";
  CSV in, CSV out: the header, then the records, each with only its body
    cell rewritten (a quoted cell stays quoted).
The output holds one format: a record of another format than the first
written (or of a CSV file with another header) is not written, and said
once per file. Text articles are written to --out-dir under the same
path relative to the folder given (a file given by name keeps its name),
compressed as they were (bzip2 is written plain, without .bz2); nothing is
ever written outside --out-dir. A text article read from standard input
is written where records go.

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
  newsdedup clean -o items.clean.json items.json
  newsdedup clean --body-field content -o clean.csv articles.csv
  newsdedup clean --residue-patterns site.txt -o out.jsonl dump.jsonl
  cat page.txt | newsdedup clean > page.clean.txt

Flags:
`

// cleanSkipScanFlags are the scan flags that mean nothing to clean, or
// that clean defines for itself.
// (--index is not offered: adding to a persistent index is a side
// effect a clean that writes nothing, stopped or interrupted, could not
// undo.)
var cleanSkipScanFlags = []string{"format", "findings-only", "only", "skip", "no-corpus", "index", "index-no-sync",
	"index-ttl", "index-retry", "index-journal", "output", "residue-patterns"}

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
	fs.StringVarP(&o.output, "output", "o", "", "write records (and text from standard input) to FILE, in the format read; .gz gzipped, .zst zstd (default standard output)")
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
	if code, done := parseCommand("clean", cleanUsage, fs, args, stdout, stderr); done {
		return code
	}
	fail := failer("clean", stderr)
	remove, err := removeFunc(o.keep, o.drop)
	if err != nil {
		return fail(err)
	}
	o.scan.patterns = o.residuePatterns
	o.scan.noCorpus = false // clean always learns the corpus first
	popts, err := o.scan.pipelineOptions()
	if err != nil {
		return fail(err)
	}
	p, err := newPipeline(popts)
	if err != nil {
		return fail(err)
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"-"}
	}
	if !checkPaths("clean", paths, stderr) {
		return exitError
	}
	places, err := newOutPaths(paths, o.outDir)
	if err != nil {
		return fail(err)
	}
	if err := outputNotInput("-o", o.output, paths); err != nil {
		return fail(err)
	}
	if err := outputNotInput("--report", o.report, paths); err != nil {
		return fail(err)
	}
	if o.report != "" && o.report != "-" && sameOutput(o.report, o.output) {
		return fail(fmt.Errorf("--report %s: the same file as -o", o.report))
	}
	if slices.Contains(paths, "-") {
		f, err := spool(stdin)
		if err != nil {
			return fail(err)
		}
		defer func() { f.Close(); os.Remove(f.Name()) }()
		stdin = f
	}

	c := &cleaner{opts: &o, remove: remove, places: places, refused: map[string]bool{},
		stderr: stderr, removed: map[dedup.Kind]int{}, dropped: map[string]int{}}
	if err := c.open(stdout); err != nil {
		return fail(err)
	}
	defer c.abort()
	o.scan.read.NoRaw = false // clean rewrites what it read
	b := newBatch(ctx, o.scan, paths, stdin, inputSize(paths, stdin), stderr)
	b.out, b.stderr, b.badRecord = c, io.Discard, c.badRecord
	b.run(ctx, p)
	switch {
	case b.err != nil && errors.Is(b.err, read.ErrUnknownFormat):
		return fail(fmt.Errorf("--input-format: %w", b.err))
	case b.err != nil && ctx.Err() != nil:
		return fail(fmt.Errorf("interrupted: %s: %w", c.partial(), ctx.Err()))
	case b.err != nil:
		return fail(fmt.Errorf("%s: %w", c.partial(), b.err))
	case b.stopped:
		return fail(fmt.Errorf("%s: --strict: %w", c.partial(), b.stoppedBy))
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

// removeFunc returns whether a finding removes its paragraph, given the
// --keep and --drop lists: kinds, or "kind:rule" for the findings of one
// rule (see dedup.Finding.Rule); the rules dedup.RemovedByDefault keeps
// stay unless named.
func removeFunc(keep, drop []string) (func(dedup.Finding) bool, error) {
	keepKinds, keepRules := splitRules(keep)
	dropKinds, dropRules := splitRules(drop)
	kinds, err := removedKinds(keepKinds, dropKinds)
	if err != nil {
		return nil, err
	}
	return func(f dedup.Finding) bool {
		key := string(f.Kind) + ":" + f.Rule
		switch {
		case keepRules[key]:
			return false
		case dropRules[key]:
			return true
		}
		return kinds[f.Kind] && dedup.RemovedByDefault(f)
	}, nil
}

// splitRules splits names into kinds and "kind:rule" pairs.
func splitRules(names []string) (kinds []string, rules map[string]bool) {
	rules = map[string]bool{}
	for _, n := range names {
		if strings.Contains(n, ":") {
			rules[strings.TrimSpace(n)] = true
			continue
		}
		kinds = append(kinds, n)
	}
	return kinds, rules
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

// cleaner is the writer of the clean command: it gets every article with
// its findings, in input order, from scanRun.scan, and writes it cleaned.
type cleaner struct {
	opts   *cleanOptions
	remove func(dedup.Finding) bool // whether a finding removes its paragraph
	places *outPaths

	out     *sink // JSONL (and text from standard input)
	report  *sink // --report, or nil
	reportW *json.Encoder
	root    *os.Root // --out-dir, opened at the first text article
	written map[string]string
	stderr  io.Writer

	// What the records output (-o) holds: its format, the file its first
	// record came from, a CSV header and its line end; records written,
	// and the files refused.
	outKind, outFrom string
	csvHeader        []byte
	csvEOL           string
	records          int
	refused          map[string]bool
	unzipped         bool // a .bz2 text article was written uncompressed

	in, kept   int
	removed    map[dedup.Kind]int
	paragraphs int
	dropped    map[string]int
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

// badRecord counts, reports and lists a record the reader skipped.
func (c *cleaner) badRecord(e *read.Error) error {
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
func (c *cleaner) article(doc *dedup.Document, fs []dedup.Finding, _ string) error {
	c.in++
	if f, ok := c.dropFinding(fs); ok {
		c.dropped[string(f.Kind)]++
		return c.write(droppedRecord{ID: doc.ID, Source: doc.Source, Line: doc.Line, Kind: kindDropped,
			Reason: string(f.Kind), Message: f.Message, RelatedID: f.RelatedID, Score: f.Score})
	}
	cl, err := dedup.Clean(doc, fs, c.remove)
	if err != nil {
		err = notWritten{source: where(doc), err: err}
	} else {
		err = c.write1(doc, cl)
	}
	if err != nil {
		var ne notWritten
		if !errors.As(err, &ne) {
			return err
		}
		if !ne.quiet {
			fmt.Fprintf(c.stderr, "newsdedup: %v\n", ne)
		}
		c.dropped[reasonNotWritten]++
		return c.write(droppedRecord{ID: doc.ID, Source: doc.Source, Line: doc.Line, Kind: kindDropped,
			Reason: reasonNotWritten, Message: ne.err.Error()})
	}
	c.kept++
	for _, r := range cl.Removed {
		c.removed[r.Kind]++
		c.paragraphs++
		if err := c.write(removalRecord{ID: doc.ID, Source: doc.Source, Line: r.Line, Kind: string(r.Kind),
			Paragraph: r.Paragraph, Text: r.Text, Score: r.Score, Message: r.Message}); err != nil {
			return err
		}
	}
	return nil
}

// write1 writes the cleaned article: a record where records go (-o), a
// text article under --out-dir (or where records go, when read from
// standard input).
func (c *cleaner) write1(doc *dedup.Document, cl dedup.Cleaned) error {
	if doc.BodyField != "" || doc.Source == "-" {
		return c.writeRecord(doc, cl.Raw)
	}
	return c.writeText(doc, cl.Raw)
}

// Output kinds, named for messages.
var outKinds = map[string]string{
	read.FormatJSONL: "JSONL", read.FormatJSON: "a JSON array", read.FormatCSV: "CSV", read.FormatText: "a text article",
}

// writeRecord writes a cleaned record, or a text article from standard
// input, where records go. That output holds one format, the format of
// the first record written: JSONL lines; a JSON array ("[", the elements
// as read separated by ",\n", "]"); or CSV (the header of the first CSV
// file, then its records and those of any other CSV file with the same
// header, each ending as the header does). A record of another format, or
// of a CSV file with another header, is not written: one message names
// its file, and every record of it is counted and reported.
func (c *cleaner) writeRecord(doc *dedup.Document, raw []byte) error {
	kind := doc.Format
	switch {
	case doc.Source == "-" && doc.BodyField == "":
		kind = read.FormatText
	case kind == "":
		kind = read.FormatJSONL
	}
	if c.outKind == "" {
		c.outKind, c.outFrom = kind, doc.Source
		switch kind {
		case read.FormatJSON:
			c.out.w.WriteString("[\n")
		case read.FormatCSV:
			c.out.w.Write(doc.CSVHeader)
			c.csvHeader = doc.CSVHeader
			c.csvEOL = "\n"
			if bytes.HasSuffix(doc.CSVHeader, []byte("\r\n")) {
				c.csvEOL = "\r\n"
			}
		}
	}
	var refuse error
	switch {
	case kind != c.outKind:
		refuse = fmt.Errorf("%s holds %s, but the output already holds %s (from %s): clean it into another output",
			doc.Source, outKinds[kind], outKinds[c.outKind], c.outFrom)
	case kind == read.FormatCSV && !sameCSVHeader(doc.CSVHeader, c.csvHeader):
		refuse = fmt.Errorf("%s has another CSV header than %s, whose records the output holds: clean it into another output",
			doc.Source, c.outFrom)
	}
	if refuse != nil {
		quiet := c.refused[doc.Source]
		c.refused[doc.Source] = true
		return notWritten{source: where(doc), err: refuse, quiet: quiet}
	}
	switch kind {
	case read.FormatJSON:
		if c.records > 0 {
			c.out.w.WriteString(",\n")
		}
		c.out.w.Write(raw)
	case read.FormatCSV:
		c.out.w.Write(raw)
		if c.csvEOL == "\n" && bytes.HasSuffix(raw, []byte("\r")) {
			c.out.w.WriteByte('\r') // else the '\r' would read as part of the line end
		}
		c.out.w.WriteString(c.csvEOL)
	case read.FormatJSONL:
		c.out.w.Write(raw)
		c.out.w.WriteByte('\n')
	default:
		c.out.w.Write(raw)
	}
	c.records++
	return nil
}

// sameCSVHeader reports whether two CSV headers are the same but for a
// byte order mark and the line terminator.
func sameCSVHeader(a, b []byte) bool {
	trim := func(h []byte) []byte {
		return bytes.TrimRight(bytes.TrimPrefix(h, []byte("\ufeff")), "\r\n")
	}
	return bytes.Equal(trim(a), trim(b))
}

// where names a document's place in the input.
func where(doc *dedup.Document) string {
	if doc.BodyField != "" {
		return fmt.Sprintf("%s:%d", doc.Source, doc.Line)
	}
	return doc.Source
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

// finish flushes the outputs; commit puts them in place.
func (c *cleaner) finish(stats) error {
	if c.outKind == read.FormatJSON {
		c.out.w.WriteString("\n]\n")
	}
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

// partial says what a clean that stopped before the end left: no -o
// output and no report, and the text articles already written under
// --out-dir (each is complete), if any.
func (c *cleaner) partial() string {
	if len(c.written) == 0 {
		return "nothing written"
	}
	return fmt.Sprintf("no output file or report written; %d cleaned text articles were written under %s before it stopped (each complete; rerun to finish)",
		len(c.written), c.opts.outDir)
}

// sameOutput reports whether two output paths name one file.
func sameOutput(a, b string) bool {
	if a == "" || b == "" || a == "-" || b == "-" {
		return false
	}
	absA, _ := filepath.Abs(a)
	absB, _ := filepath.Abs(b)
	if absA == absB {
		return true
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
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
