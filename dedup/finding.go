package dedup

// Kind names what a finding is about.
type Kind string

// The kinds of findings the detectors report.
const (
	KindRepeatedHeadline  Kind = "repeated_headline"
	KindHeadlineMismatch  Kind = "headline_mismatch"
	KindOffTopic          Kind = "off_topic"
	KindResidue           Kind = "residue"
	KindRepeatedParagraph Kind = "repeated_paragraph"
)

// Kinds lists every kind in the order the detectors run.
var Kinds = []Kind{KindRepeatedHeadline, KindHeadlineMismatch, KindOffTopic, KindResidue, KindRepeatedParagraph, KindNearDuplicate, KindSharedHeadline}

// TitleParagraph is the paragraph index of a document's title.
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
}
