// Package model holds what every detector of newsdedup reads of an article
// and what it reports, so that the detectors, each in its own package, need
// nothing of the public dedup package (which converts its Document to a Doc
// and a Hit to its Finding).
package model

import (
	"encoding/binary"

	"github.com/cespare/xxhash/v2"
)

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
	// First is nil when each paragraph is one line of the body. When the
	// body was wrapped at a fixed width and its lines were joined into
	// paragraphs (see package wrap), paragraph i is made of lines
	// First[i] to First[i+1]-1, and First has one more entry than Paras:
	// the number of lines.
	First []int
}

// Lines returns the lines of the body that paragraph i is made of:
// from to to-1.
func (d *Doc) Lines(i int) (from, to int) {
	if d.First == nil || i < 0 || i+1 >= len(d.First) {
		return i, i + 1
	}
	return d.First[i], d.First[i+1]
}

// BodyKey identifies a body by its paragraphs' exact text: XXH64 of each
// paragraph followed by a newline, and on a wrapped body (First) of where
// its paragraphs' lines begin, since what detectors report names lines.
// Detectors key what they memoise per body by it; it is never stored.
func (d *Doc) BodyKey() uint64 {
	var x xxhash.Digest
	for _, p := range d.Paras {
		x.WriteString(p)
		x.Write([]byte{'\n'})
	}
	if d.First != nil {
		var b [8]byte
		for _, f := range d.First {
			binary.LittleEndian.PutUint64(b[:], uint64(f))
			x.Write(b[:])
		}
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
