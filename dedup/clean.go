package dedup

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/newsdedup/newsdedup/dedup/internal/csvrec"
	"github.com/newsdedup/newsdedup/dedup/internal/jsonrec"
)

// Cleaned is an article without the paragraphs that some of its findings
// flag.
type Cleaned struct {
	// Doc is the article without them: a copy, with the paragraphs left
	// at their lines. The title is never removed.
	Doc *Document
	// Raw is the document's Raw (a JSON record, a CSV record or a text
	// file) without them, byte for byte as read otherwise: a JSON record
	// keeps every field, their order and escapes, and loses paragraphs
	// from its body field only (an array of strings stays one; an HTML
	// body, BodyHTML, is written back as the text kept, a paragraph a
	// line); a CSV record loses lines of its body field only, which stays
	// quoted if it was. It is Raw itself when nothing is removed, and nil
	// when the document has no Raw.
	Raw []byte
	// Removed lists the paragraphs removed, in order, each with the
	// finding that removes it: of those that flag it, the one scoring
	// highest.
	Removed []Removal
}

// Removal is a paragraph that Clean removed.
type Removal struct {
	// Finding is why: its Paragraph and Line say which paragraph.
	Finding
	// Text is the paragraph.
	Text string
}

// Clean returns doc without the paragraphs that findings fs flag and that
// remove accepts; a nil remove is RemovedByDefault. Findings on the title or the whole article (paragraph -1)
// remove nothing: dropping a whole article is the caller's decision.
//
// A headline is article text once: a record whose title stands in a field
// of its own (a JSONL record) keeps one paragraph that repeats it, the
// body's own headline (the last copy before the article's first sentence
// of prose, else the first copy), and loses the others; a text file,
// whose first line is the title, loses them all.
//
// It fails, and removes nothing, when doc.Raw cannot be rewritten: a
// record that is not the one read (its body field has another number of
// paragraphs than doc), or not a JSON object or CSV record with that
// field.
func Clean(doc *Document, fs []Finding, remove func(Finding) bool) (Cleaned, error) {
	if remove == nil {
		remove = RemovedByDefault
	}
	best := make([]int, len(doc.Paragraphs))
	for i := range best {
		best[i] = -1
	}
	removing := false
	own := -1 // the body's own headline
	if doc.BodyField != "" {
		// A copy that another finding removes (a page's title line,
		// site name and all, taken for a link) is not the one kept.
		gone := make([]bool, len(doc.Paragraphs))
		for _, f := range fs {
			if f.Kind != KindRepeatedHeadline && f.Paragraph >= 0 && f.Paragraph < len(gone) && remove(f) {
				gone[f.Paragraph] = true
			}
		}
		own = ownHeadline(doc, fs, gone)
	}
	for i, f := range fs {
		if f.Paragraph < 0 || f.Paragraph >= len(best) || !remove(f) {
			continue
		}
		if f.Kind == KindRepeatedHeadline && f.Paragraph == own {
			continue
		}
		if b := best[f.Paragraph]; b < 0 || f.Score > fs[b].Score {
			best[f.Paragraph] = i
			removing = true
		}
	}
	out := Cleaned{Doc: doc, Raw: doc.Raw}
	if !removing {
		return out, nil
	}
	drop := func(i int) bool { return i < len(best) && best[i] >= 0 }
	if doc.Raw != nil {
		var raw []byte
		var n int
		switch {
		case doc.BodyHTML:
			// The markup cannot lose a paragraph as a line: the body
			// is written back as the text kept, one paragraph a line.
			var kept []string
			for i, p := range doc.Paragraphs {
				if !drop(i) {
					kept = append(kept, p.Text)
				}
			}
			var err error
			if raw, err = jsonrec.SetString(doc.Raw, doc.BodyField, strings.Join(kept, "\n")); err != nil {
				return Cleaned{}, fmt.Errorf("dedup: cleaning %s: %w", where(doc), err)
			}
			n = len(doc.Paragraphs)
		case doc.Format == "csv":
			var err error
			if raw, n, err = rewriteCSV(doc, drop); err != nil {
				return Cleaned{}, fmt.Errorf("dedup: cleaning %s: %w", where(doc), err)
			}
		case doc.BodyField != "":
			var err error
			if raw, n, err = jsonrec.RewriteBody(doc.Raw, doc.BodyField, drop); err != nil {
				return Cleaned{}, fmt.Errorf("dedup: cleaning %s: %w", where(doc), err)
			}
		default:
			raw, n = jsonrec.RewriteText(doc.Raw, drop)
		}
		if n != len(doc.Paragraphs) {
			return Cleaned{}, fmt.Errorf("dedup: cleaning %s: %w: it has %d paragraphs, the document %d",
				where(doc), errNotTheRecord, n, len(doc.Paragraphs))
		}
		out.Raw = raw
	}
	c := *doc
	c.Paragraphs = nil
	for i, p := range doc.Paragraphs {
		if b := best[i]; b >= 0 {
			out.Removed = append(out.Removed, Removal{Finding: fs[b], Text: p.Text})
			continue
		}
		c.Paragraphs = append(c.Paragraphs, p)
	}
	c.Raw = out.Raw
	out.Doc = &c
	return out, nil
}

// ownHeadline returns the paragraph that is the body's own headline among
// those findings fs say repeat the headline and that are not gone: the
// last before the first sentence of prose (a paragraph of ten words or
// more ending with a full stop, question or exclamation mark), else the
// first; -1 when none.
func ownHeadline(doc *Document, fs []Finding, gone []bool) int {
	prose := len(doc.Paragraphs)
	for i, p := range doc.Paragraphs {
		t := strings.TrimRight(p.Text, " \"'”’)")
		if len(strings.Fields(t)) >= 10 && strings.ContainsAny(t[len(t)-1:], ".!?") {
			prose = i
			break
		}
	}
	own := -1
	for _, f := range fs {
		if f.Kind != KindRepeatedHeadline || f.Paragraph < 0 || f.Paragraph >= len(gone) || gone[f.Paragraph] {
			continue
		}
		switch {
		case own < 0, f.Paragraph < prose && f.Paragraph > own:
			own = f.Paragraph
		}
	}
	return own
}

// rewriteCSV rewrites doc.Raw, a CSV record, without the paragraphs of
// its body column (BodyField, found in CSVHeader) that drop accepts.
func rewriteCSV(doc *Document, drop func(int) bool) ([]byte, int, error) {
	col, err := csvrec.Column(doc.CSVHeader, doc.BodyField)
	switch {
	case err != nil:
		return nil, 0, fmt.Errorf("the CSV header: %w", err)
	case col < 0:
		return nil, 0, fmt.Errorf("the CSV header has no column %q", doc.BodyField)
	}
	return csvrec.RewriteField(doc.Raw, col, drop)
}

// errNotTheRecord is what Clean reports when a document's Raw is not what
// its paragraphs were read from.
var errNotTheRecord = errors.New("the record is not the one read")

// paragraphKinds are the kinds about one paragraph, which Clean removes by
// default.
var paragraphKinds = []Kind{KindResidue, KindRepeatedHeadline, KindRepeatedParagraph, KindOffTopic}

// keptRules are the rules whose findings Clean keeps by default: what
// belongs to the article, though the scan points it out (its own byline,
// dateline, copyright or credit line; residue in a paragraph that is most
// of the article, which Clean cannot cut without the article), and what only the single-article
// split calls another story (a digest's second item looks the same).
var keptRules = map[Kind][]string{KindResidue: {"article-credit", "article-text"}, KindOffTopic: {"split"}}

// RemovedByDefault reports whether Clean with a nil remove removes the
// paragraph of f: the paragraph kinds, but for the findings of keptRules.
func RemovedByDefault(f Finding) bool {
	return slices.Contains(paragraphKinds, f.Kind) && !slices.Contains(keptRules[f.Kind], f.Rule)
}

// where names a document's place in its input, for errors.
func where(doc *Document) string {
	if doc.BodyField != "" {
		return fmt.Sprintf("%s:%d", doc.Source, doc.Line)
	}
	return doc.Source
}
