package dedup

import "github.com/newsdedup/newsdedup/dedup/internal/model"

// Kind names what a finding is about.
type Kind string

// The kinds of findings.
const (
	// KindRepeatedHeadline: a paragraph repeats the headline.
	KindRepeatedHeadline Kind = "repeated_headline"
	// KindHeadlineMismatch: the body is not about the headline.
	KindHeadlineMismatch Kind = "headline_mismatch"
	// KindOffTopic: a paragraph spliced in from another story.
	KindOffTopic Kind = "off_topic"
	// KindResidue: scraper residue (related links, share prompts, ads,
	// credits, markup...).
	KindResidue Kind = "residue"
	// KindRepeatedParagraph: a paragraph repeats an earlier one.
	KindRepeatedParagraph Kind = "repeated_paragraph"
	// KindNearDuplicate: the article is a near-duplicate of an earlier
	// one, which RelatedID names.
	KindNearDuplicate Kind = "near_duplicate"
	// KindSharedHeadline: an earlier article, which RelatedID names,
	// carried the headline over another story.
	KindSharedHeadline Kind = "shared_headline"
	// KindChangedPage: the article's id is in the index with another
	// body: a new version of the page, or an id reused for another story
	// (see Result.Changed). Only an index reports it.
	KindChangedPage Kind = "changed_page"
)

// TitleParagraph is the paragraph index of a finding on the title or on
// the whole article.
const TitleParagraph = -1

// Finding is one thing wrong with a document.
type Finding struct {
	Kind Kind `json:"kind"`
	// Paragraph is the 0-based paragraph index, or TitleParagraph (-1)
	// when the finding concerns the title or the whole document.
	Paragraph int `json:"paragraph"`
	// Line is the 1-based source line of the paragraph (or title).
	Line int `json:"line"`
	// Score is the detector's confidence in 0..1.
	Score float64 `json:"score"`
	// Message is a one-line explanation for people.
	Message string `json:"message"`
	// RelatedID names another article involved, when there is one.
	RelatedID string `json:"related_id,omitempty"`
	// Rule names, within the kind, the rule or evidence that decided:
	// for residue its family ("related", "share", "ad", "links" for a
	// list of short headline-like lines, "article-credit" for an
	// article's own byline, dateline, copyright or credit line,
	// "article-text" for residue in a part of the paragraph that is most
	// of the article, ...); for
	// off_topic the test ("donor", "travels", "majority", "split"). See
	// RemovedByDefault.
	Rule string `json:"rule,omitempty"`
}

// appendFindings appends to dst the findings of hits on doc.
func appendFindings(dst []Finding, doc *Document, hits []model.Hit) []Finding {
	for _, h := range hits {
		dst = append(dst, finding(doc, h))
	}
	return dst
}

// appendHit appends to dst the findings of hit h on md, which is
// doc.model(): one, or on a wrapped body (see model.Doc.First) one for
// each line of the paragraph h is on, since a line is what a Document
// calls a paragraph and what Clean removes.
func appendHit(dst []Finding, doc *Document, md *model.Doc, h model.Hit) []Finding {
	if h.Para < 0 || md.First == nil {
		return append(dst, finding(doc, h))
	}
	from, to := md.Lines(h.Para)
	for h.Para = from; h.Para < to; h.Para++ {
		dst = append(dst, finding(doc, h))
	}
	return dst
}

// finding returns the finding of hit h on doc, with its source line: the
// paragraph's, the title's for a finding on the title, the first
// paragraph's (else the record's) for one on the whole article.
func finding(doc *Document, h model.Hit) Finding {
	f := Finding{Kind: Kind(h.Kind), Paragraph: h.Para, Score: h.Score, Message: h.Message, RelatedID: h.Related, Rule: h.Rule}
	switch {
	case h.Para >= 0 && h.Para < len(doc.Paragraphs):
		f.Line = doc.Paragraphs[h.Para].Line
	case h.Kind == model.NearDuplicate:
		f.Line = doc.Line
		if len(doc.Paragraphs) > 0 {
			f.Line = doc.Paragraphs[0].Line
		}
	default:
		f.Line = doc.TitleLine
	}
	return f
}
