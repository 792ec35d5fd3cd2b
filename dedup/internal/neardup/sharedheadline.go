package neardup

// This file holds SharedHeadlines: a scraper that stamped one page's
// headline on many pages shows as a headline that recurs over bodies that
// are not one story. Its hits are of kind shared_headline, on
// model.Title, Related naming the first article with the headline.

import (
	"fmt"

	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/shingle"
)

// minSharedHeadlineWords is the length a headline needs before its
// recurrence counts: "Update" or "Live blog" recur by nature.
const minSharedHeadlineWords = 4

// SharedHeadlines finds headlines that recur over bodies that are not
// near-duplicates of each other. Feed it every article of a run in input
// order, right after the Finder observed it. It is not safe for concurrent
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

// Observe takes the article f observed last and returns a shared_headline
// hit when an earlier article carried its headline over another story.
func (s *SharedHeadlines) Observe(doc *model.Doc, f *Finder) []model.Hit {
	art := f.Articles() - 1
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
	first, seen := s.first[key]
	if !seen {
		s.first[key] = sharedFirst{art: art, id: doc.ID}
		return nil
	}
	if f.SameStory(first.art, art) {
		return nil // a copy of the story, with its headline
	}
	return []model.Hit{{
		Kind:    model.SharedHeadline,
		Para:    model.Title,
		Score:   1,
		Message: fmt.Sprintf("the headline also stands over %q, another story", first.id),
		Related: first.id,
	}}
}
