package dedup

import (
	"fmt"

	"github.com/newsdedup/newsdedup/shingle"
)

// KindSharedHeadline is the kind of a finding on an article whose headline
// an earlier article of the run carried over another story: a scraper
// that stamped one page's headline on many pages. Paragraph is
// TitleParagraph; RelatedID names the first article with the headline.
const KindSharedHeadline Kind = "shared_headline"

// minSharedHeadlineWords is the length a headline needs before its
// recurrence counts: "Update" or "Live blog" recur by nature.
const minSharedHeadlineWords = 4

// SharedHeadlines finds headlines that recur over bodies that are not
// near-duplicates of each other. Feed it every article of a run in input
// order, right after NearDup observed it. It is not safe for concurrent
// use.
type SharedHeadlines struct {
	first map[uint64]sharedFirst
	tok   shingle.Tokenizer
	buf   []byte
}

type sharedFirst struct {
	art int
	id  string
}

// NewSharedHeadlines returns an empty finder.
func NewSharedHeadlines() *SharedHeadlines {
	return &SharedHeadlines{first: make(map[uint64]sharedFirst)}
}

// Observe takes the article nd observed last and returns a
// shared_headline finding when an earlier article carried its headline
// over another story.
func (s *SharedHeadlines) Observe(doc *Document, nd *NearDup) []Finding {
	art := nd.Articles() - 1
	if art < 0 {
		return nil
	}
	// The key is the headline's words: case and punctuation aside.
	s.buf = s.buf[:0]
	words := 0
	s.tok.Reset(doc.Title)
	for s.tok.Next() {
		s.buf = append(append(s.buf, s.tok.Token()...), ' ')
		words++
	}
	if words < minSharedHeadlineWords {
		return nil
	}
	key := shingle.Hash(s.buf)
	f, seen := s.first[key]
	if !seen {
		s.first[key] = sharedFirst{art: art, id: doc.ID}
		return nil
	}
	if nd.SameStory(f.art, art) {
		return nil // a copy of the story, with its headline
	}
	return []Finding{{
		Kind:      KindSharedHeadline,
		Paragraph: TitleParagraph,
		Line:      doc.TitleLine,
		Score:     1,
		Message:   fmt.Sprintf("the headline also stands over %q, another story", f.id),
		RelatedID: f.id,
	}}
}
