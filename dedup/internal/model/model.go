// Package model holds what every detector of newsdedup reads of an article
// and what it reports, so that the detectors, each in its own package, need
// nothing of the public dedup package (which converts its Document to a Doc
// and a Hit to its Finding).
package model

import "github.com/cespare/xxhash/v2"

// Kind names what a hit is about. The values are the public finding kinds.
type Kind string

// The kinds the detectors report.
const (
	RepeatedHeadline  Kind = "repeated_headline"
	HeadlineMismatch  Kind = "headline_mismatch"
	OffTopic          Kind = "off_topic"
	Residue           Kind = "residue"
	RepeatedParagraph Kind = "repeated_paragraph"
	NearDuplicate     Kind = "near_duplicate"
	SharedHeadline    Kind = "shared_headline"
)

// Title is the paragraph index of a hit on the title or the whole article.
const Title = -1

// Doc is one article as the detectors see it. A Doc is read, never
// changed, by the detectors.
type Doc struct {
	// ID is the article's id; when it is a URL, its host is the article's
	// site (see the residue detector).
	ID string
	// Title is the headline.
	Title string
	// Paras are the paragraphs of the body, in order.
	Paras []string
}

// BodyKey identifies a body by its paragraphs' exact text: XXH64 of each
// paragraph followed by a newline. Detectors key what they memoise per
// body by it; it is never stored.
func (d *Doc) BodyKey() uint64 {
	var x xxhash.Digest
	for _, p := range d.Paras {
		x.WriteString(p)
		x.Write([]byte{'\n'})
	}
	return x.Sum64()
}

// Hit is one thing a detector found in a Doc.
type Hit struct {
	Kind Kind
	// Para is the 0-based paragraph, or Title.
	Para int
	// Score is the detector's confidence, 0..1.
	Score float64
	// Message says why, in one line for people.
	Message string
	// Related names another article involved, when there is one.
	Related string
	// Rule names the rule or the evidence that decided, within the kind
	// (the residue family, the off_topic test), for callers whose policy
	// depends on it.
	Rule string
}
