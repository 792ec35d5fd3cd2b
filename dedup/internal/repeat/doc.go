// Package repeat finds what an article repeats of itself: copies of its
// headline in the body (Headline, the repeated_headline kind) and
// paragraphs that repeat an earlier one (Paragraphs, repeated_paragraph).
//
// The two share their scratch space and the headline matcher: a copy of
// the headline is Headline's to report, so Paragraphs never reports one.
// Both read a model.Doc and return model.Hits; the caller adds line
// numbers. Both are pure and safe for concurrent use.
package repeat
