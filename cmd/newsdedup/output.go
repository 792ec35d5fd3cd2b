package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/newsdedup/newsdedup/dedup"
)

// writer writes a scan's results in one output format.
type writer interface {
	// article writes one article and its findings, in input order;
	// cluster, on a near-duplicate, is the id of the article its
	// cluster keeps.
	article(doc *dedup.Document, fs []dedup.Finding, cluster string) error
	// finish writes what comes after the last article and flushes.
	finish(st stats) error
}

// formats are the output formats, and the file extensions that choose
// them when -o is given without --format.
var formats = map[string][]string{
	"text": {".txt"}, "json": {".json"}, "jsonl": {".jsonl", ".ndjson"}, "html": {".html", ".htm"}, "csv": {".csv"},
}

// formatOfFile returns the output format a file name asks for (its
// compression extension aside), "" when it asks for none.
func formatOfFile(name string) string {
	name = strings.ToLower(name)
	switch filepath.Ext(name) {
	case ".gz", ".zst", ".zstd":
		name = strings.TrimSuffix(name, filepath.Ext(name))
	}
	ext := filepath.Ext(name)
	for f, exts := range formats {
		if slices.Contains(exts, ext) {
			return f
		}
	}
	return ""
}

// newWriter returns the writer of format; findingsOnly leaves out the
// articles without findings and the paragraphs of the others (JSON and
// JSONL only: text and csv list only findings anyway, html shows the
// paragraphs it highlights).
func newWriter(format string, w io.Writer, findingsOnly bool) (writer, error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	if findingsOnly && format != "json" && format != "jsonl" {
		return nil, fmt.Errorf("--findings-only applies to --format json and jsonl, not %s", format)
	}
	switch format {
	case "text":
		return &textWriter{w: bw, color: useColor(w)}, nil
	case "jsonl":
		return &jsonlWriter{w: bw, findingsOnly: findingsOnly}, nil
	case "json":
		return &jsonWriter{jsonlWriter: jsonlWriter{w: bw, findingsOnly: findingsOnly}}, nil
	case "html":
		return newHTMLWriter(bw), nil
	case "csv":
		return newCSVWriter(bw), nil
	}
	return nil, fmt.Errorf("--format %q: want text, json, jsonl, csv or html", format)
}

// csvWriter writes one row per finding, under a header: for pandas,
// DuckDB and spreadsheets.
type csvWriter struct {
	bw  *bufio.Writer
	w   *csv.Writer
	row []string
}

// csvColumns are the columns of --format csv, in order.
var csvColumns = []string{"id", "source", "line", "kind", "paragraph", "score", "related_id", "message"}

func newCSVWriter(bw *bufio.Writer) *csvWriter {
	c := &csvWriter{bw: bw, w: csv.NewWriter(bw), row: make([]string, len(csvColumns))}
	c.w.Write(csvColumns)
	return c
}

func (c *csvWriter) article(doc *dedup.Document, fs []dedup.Finding, _ string) error {
	for _, f := range fs {
		line := f.Line
		if line == 0 {
			line = doc.Line
		}
		c.row[0], c.row[1], c.row[2] = doc.ID, doc.Source, strconv.Itoa(line)
		c.row[3], c.row[4] = string(f.Kind), strconv.Itoa(f.Paragraph)
		c.row[5] = strconv.FormatFloat(f.Score, 'f', -1, 64)
		c.row[6], c.row[7] = f.RelatedID, f.Message
		if err := c.w.Write(c.row); err != nil {
			return err
		}
	}
	return nil
}

func (c *csvWriter) finish(stats) error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return err
	}
	return c.bw.Flush()
}

// jsonlWriter writes one JSON object per article and line; with
// findingsOnly, only the articles with findings, without their
// paragraphs.
type jsonlWriter struct {
	w            *bufio.Writer
	buf          []byte
	findingsOnly bool
}

// skip reports whether an article is left out of the output.
func (j *jsonlWriter) skip(fs []dedup.Finding) bool { return j.findingsOnly && len(fs) == 0 }

func (j *jsonlWriter) article(doc *dedup.Document, fs []dedup.Finding, cluster string) error {
	if j.skip(fs) {
		return nil
	}
	j.buf = appendRecordOpts(j.buf[:0], doc, fs, recordOpts{cluster: cluster, noParagraphs: j.findingsOnly})
	_, err := j.w.Write(j.buf)
	return err
}

func (j *jsonlWriter) finish(stats) error { return j.w.Flush() }

// flush writes out the articles buffered, without what finish adds: for
// a scan that fails part-way.
func (j *jsonlWriter) flush() error { return j.w.Flush() }

func (t *textWriter) flush() error { return t.w.Flush() }

// jsonWriter writes one JSON document: {"articles": [...], "summary": {...}}.
type jsonWriter struct {
	jsonlWriter
	n int
}

func (j *jsonWriter) article(doc *dedup.Document, fs []dedup.Finding, cluster string) error {
	if j.skip(fs) {
		return nil
	}
	sep := ",\n"
	if j.n == 0 {
		sep = "{\"articles\": [\n"
	}
	j.n++
	j.w.WriteString(sep)
	return j.jsonlWriter.article(doc, fs, cluster)
}

func (j *jsonWriter) finish(st stats) error {
	if j.n == 0 {
		j.w.WriteString("{\"articles\": [\n")
	}
	byKind := make(map[string]int)
	for k, n := range st.byKind {
		byKind[string(k)] = n
	}
	sum, err := json.Marshal(map[string]any{
		"articles": st.articles, "flagged": st.flagged, "findings": st.findings,
		"by_kind": byKind, "input_errors": st.inputErrors,
	})
	if err != nil {
		return err
	}
	clusters := st.clusters
	if clusters == nil {
		clusters = []*cluster{}
	}
	cl, err := json.Marshal(clusters)
	if err != nil {
		return err
	}
	fmt.Fprintf(j.w, "],\n\"clusters\": %s,\n\"summary\": %s}\n", cl, sum)
	return j.w.Flush()
}

// textWriter writes findings for people, as compilers print errors:
// "path:line: kind: message", grouped per article, then a summary.
type textWriter struct {
	w     *bufio.Writer
	color bool // ANSI colours (a terminal, no NO_COLOR)
}

func (t *textWriter) article(doc *dedup.Document, fs []dedup.Finding, _ string) error {
	if len(fs) == 0 {
		return nil
	}
	fmt.Fprintf(t.w, "%s: %s\n", paint(t.color, ansiBold, doc.ID), quoteTitle(doc.Title))
	for _, f := range fs {
		where := findingPlace(f)
		line := f.Line
		if line == 0 {
			line = doc.Line
		}
		fmt.Fprintf(t.w, "%s:%d: %s: %s: %s", doc.Source, line, paint(t.color, kindColor[f.Kind], string(f.Kind)), where, f.Message)
		if f.RelatedID != "" && !strings.Contains(f.Message, f.RelatedID) {
			fmt.Fprintf(t.w, " (see %s)", f.RelatedID)
		}
		t.w.WriteByte('\n')
	}
	return t.w.WriteByte('\n')
}

// findingPlace names what a finding is about, for people: "paragraph 3",
// "title" for a finding on the headline alone (shared_headline), and
// "article" for one on the whole article (near_duplicate, and
// headline_mismatch, a body that is not about its headline).
func findingPlace(f dedup.Finding) string {
	switch {
	case f.Paragraph >= 0:
		return "paragraph " + strconv.Itoa(f.Paragraph)
	case f.Kind == dedup.KindSharedHeadline:
		return "title"
	}
	return "article"
}

func quoteTitle(s string) string {
	if r := []rune(s); len(r) > 80 {
		s = string(r[:77]) + "..."
	}
	return fmt.Sprintf("%q", s)
}

func (t *textWriter) finish(st stats) error {
	fmt.Fprintf(t.w, "%d of %d articles flagged", st.flagged, st.articles)
	if st.findings > 0 {
		var parts []string
		for _, k := range dedup.Kinds() {
			if n := st.byKind[k]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, k))
			}
		}
		var rest []string
		for k, n := range st.byKind {
			if !slices.Contains(dedup.Kinds(), k) {
				rest = append(rest, fmt.Sprintf("%d %s", n, k))
			}
		}
		slices.Sort(rest)
		fmt.Fprintf(t.w, ": %s", strings.Join(append(parts, rest...), ", "))
	}
	if st.inputErrors > 0 {
		fmt.Fprintf(t.w, "; %d bad input records skipped", st.inputErrors)
	}
	t.w.WriteByte('\n')
	return t.w.Flush()
}
