package dedup

import (
	"html"
	"strings"

	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/dedup/internal/wrap"
)

// Document is one article: an id, a headline and the paragraphs of its body.
//
// Paragraph indexes in findings count from 0; the title is paragraph -1
// (TitleParagraph).
type Document struct {
	// ID identifies the article: the id or url field of a record, else
	// "source:line" for records and the file path for text files.
	// It is a label: near_duplicate compares content, never ids.
	ID string
	// Source is the file the document was read from ("-" for stdin, ""
	// for a document made by NewDocument).
	Source string
	// Line is the 1-based line of the source where the record starts
	// (the JSONL line, the line where a JSON array element or a CSV
	// record starts, or 1 for a text file).
	Line int
	// Title is the headline, trimmed of surrounding white space.
	Title string
	// TitleLine is the 1-based source line of the title (0 when none).
	TitleLine int
	// Paragraphs are the non-blank lines of the body, in order.
	Paragraphs []Paragraph
	// Raw is the record as read, byte for byte: a JSONL line, a JSON
	// array element, a CSV record (line terminators excluded), or a
	// whole text file; nil when the reader was told not to keep it.
	// Clean rewrites it.
	Raw []byte
	// BodyField and TitleField name the fields (JSON) or columns (CSV)
	// the body and title came from ("" for text files).
	BodyField, TitleField string
	// BodyHTML is set when the body field held HTML, which the reader read
	// as the text it shows (a paragraph per block element); Clean writes
	// such a body back as text.
	BodyHTML bool
	// Format is the format of Raw: "text", "jsonl", "json" (an element
	// of a JSON array) or "csv", as dedup/read names them; "" for a
	// document made otherwise, which Clean takes for a JSON object when
	// BodyField is set and for a text file when not.
	Format string
	// CSVHeader is, for a CSV record, the header row of its file as read
	// (with its byte order mark, if any, and its line terminator): Clean
	// finds BodyField's column in it, and a writer of the records puts it
	// first. The records of one file share it: do not modify it.
	CSVHeader []byte
}

// Paragraph is one non-blank line of an article body.
type Paragraph struct {
	// Text is the line with surrounding white space trimmed.
	Text string
	// Line is the 1-based line in the source file: for text files and
	// CSV the file line, for JSON the line of the record.
	Line int
	// AfterBlank reports a blank line between the paragraph and the one
	// before it: the writer's paragraph break, where a body wrapped at a
	// fixed width (a text browser's dump) never runs one paragraph on
	// into the next.
	AfterBlank bool
}

// NewDocument returns the article with the given id, headline and body,
// as if read from a text file of the headline followed by the body: its
// paragraphs are the body's non-blank lines (ending at "\n", "\r\n" or a
// lone "\r"), trimmed, and the title is line 1.
func NewDocument(id, title, body string) *Document {
	doc := &Document{ID: id, Line: 1, Title: strings.TrimSpace(title), TitleLine: 1}
	n := 1
	blank := false
	for len(body) > 0 {
		var ln string
		i := strings.IndexAny(body, "\r\n")
		switch {
		case i < 0:
			ln, body = body, ""
		case body[i] == '\r' && i+1 < len(body) && body[i+1] == '\n':
			ln, body = body[:i], body[i+2:]
		default:
			ln, body = body[:i], body[i+1:]
		}
		n++
		if t := strings.TrimSpace(ln); t != "" {
			doc.Paragraphs = append(doc.Paragraphs, Paragraph{Text: t, Line: n, AfterBlank: blank && len(doc.Paragraphs) > 0})
			blank = false
		} else {
			blank = true
		}
	}
	return doc
}

// unescape returns the text that paragraph p, as a scraper that kept a
// page's escapes left it ("said &quot;no&quot;", "R&amp;D"), stands for;
// p itself when it holds no character reference or is nothing else (a
// line of "&nbsp;"). A reference escaped twice ("&amp;lt;a href=...")
// is still one after this: the markup it hides stays markup.
func unescape(p string) string {
	if strings.IndexByte(p, '&') < 0 {
		return p
	}
	if u := strings.TrimSpace(html.UnescapeString(p)); u != "" {
		return u
	}
	return p
}

// model returns what the detectors read of d: its paragraphs, with
// character references read as the characters they stand for (see
// unescape), or, when the body was wrapped at a fixed width (a text
// browser's dump), the paragraphs its lines make (see package wrap).
func (d *Document) model() *model.Doc {
	m := &model.Doc{ID: d.ID, Title: d.Title, Paras: make([]string, len(d.Paragraphs))}
	for i, p := range d.Paragraphs {
		m.Paras[i] = unescape(p.Text)
	}
	if w := wrap.Width(m.Paras); w > 0 {
		breaks := make([]bool, len(d.Paragraphs))
		for i, p := range d.Paragraphs {
			breaks[i] = p.AfterBlank
		}
		var first []int
		if m.Paras, first = wrap.Unwrap(m.Paras, w, d.Title, breaks); first != nil {
			m.First = append(first, len(d.Paragraphs))
		}
	}
	return m
}
