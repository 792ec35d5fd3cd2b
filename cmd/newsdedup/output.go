package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/newsdedup/newsdedup/dedup"
)

// writer writes a scan's results in one output format.
type writer interface {
	// article writes one article and its findings, in input order.
	article(doc *dedup.Document, fs []dedup.Finding) error
	// finish writes what comes after the last article and flushes.
	finish(st stats) error
}

func newWriter(format string, w io.Writer) (writer, error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	switch format {
	case "text":
		return &textWriter{w: bw, color: useColor(w)}, nil
	case "jsonl":
		return &jsonlWriter{w: bw}, nil
	case "json":
		return &jsonWriter{jsonlWriter: jsonlWriter{w: bw}}, nil
	case "html":
		return newHTMLWriter(bw), nil
	}
	return nil, fmt.Errorf("--format %q: want text, json, jsonl or html", format)
}

// record is the JSON form of one scanned article; see the README's output
// schema. Fields are only ever added.
type record struct {
	ID         string          `json:"id"`
	Source     string          `json:"source"`
	Line       int             `json:"line"`
	Title      string          `json:"title"`
	Paragraphs []string        `json:"paragraphs"`
	Findings   []dedup.Finding `json:"findings"`
}

func newRecord(doc *dedup.Document, fs []dedup.Finding) record {
	r := record{ID: doc.ID, Source: doc.Source, Line: doc.Line, Title: doc.Title,
		Paragraphs: make([]string, len(doc.Paragraphs)), Findings: fs}
	for i, p := range doc.Paragraphs {
		r.Paragraphs[i] = p.Text
	}
	if r.Findings == nil {
		r.Findings = []dedup.Finding{}
	}
	return r
}

// jsonlWriter writes one JSON object per article and line.
type jsonlWriter struct {
	w   *bufio.Writer
	buf []byte
}

func (j *jsonlWriter) article(doc *dedup.Document, fs []dedup.Finding) error {
	j.buf = appendRecord(j.buf[:0], doc, fs)
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

func (j *jsonWriter) article(doc *dedup.Document, fs []dedup.Finding) error {
	sep := ",\n"
	if j.n == 0 {
		sep = "{\"articles\": [\n"
	}
	j.n++
	j.w.WriteString(sep)
	return j.jsonlWriter.article(doc, fs)
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

func (t *textWriter) article(doc *dedup.Document, fs []dedup.Finding) error {
	if len(fs) == 0 {
		return nil
	}
	fmt.Fprintf(t.w, "%s: %s\n", paint(t.color, ansiBold, doc.ID), quoteTitle(doc.Title))
	for _, f := range fs {
		where := "title"
		if f.Paragraph >= 0 {
			where = fmt.Sprintf("paragraph %d", f.Paragraph)
		}
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
