// Package dedup finds what is wrong with scraped news articles: repeated
// headlines, bodies that are not about their headline, paragraphs spliced in
// from another story, scraper residue and repeated paragraphs.
//
// A Document is read by package dedup/read (plain text, JSONL, gzip,
// folders, stdin), then a Scanner runs the detectors on it and returns
// Findings.
package dedup

import "github.com/cespare/xxhash/v2"

// Document is one article: an id, a headline and the paragraphs of its body.
//
// Paragraph indexes in findings count from 0; the title is paragraph -1.
type Document struct {
	// ID identifies the article: the JSONL id or url field, else
	// "source:line" for JSONL records and the file path for text files.
	ID string
	// Source is the file the document was read from ("-" for stdin).
	Source string
	// Line is the 1-based line of the source where the record starts
	// (the JSONL line, or 1 for a text file).
	Line int
	// Title is the headline, trimmed of surrounding white space.
	Title string
	// TitleLine is the 1-based source line of the title (0 when none).
	TitleLine int
	// Paragraphs are the non-blank lines of the body, in order.
	Paragraphs []Paragraph
	// Raw is the JSONL record as read (nil for text files). Writers that
	// rewrite a record keep every field they do not edit from Raw.
	Raw []byte
	// BodyField and TitleField name the JSONL fields the body and title
	// came from ("" for text files).
	BodyField, TitleField string
}

// BodyKey identifies a body by its paragraphs' exact text: XXH64 of each
// paragraph followed by a newline. Detectors key what they memoise per
// body by it; it is not stored.
func BodyKey(doc *Document) uint64 {
	var d xxhash.Digest
	for _, p := range doc.Paragraphs {
		d.WriteString(p.Text)
		d.Write([]byte{'\n'})
	}
	return d.Sum64()
}

// Paragraph is one non-blank line of an article body.
type Paragraph struct {
	// Text is the line with surrounding white space trimmed.
	Text string
	// Line is the 1-based line in the source file: for text files the
	// file line, for JSONL the line of the record (a body is one line).
	Line int
}
