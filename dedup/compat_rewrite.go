package dedup

// The body rewriter lives in internal/jsonrec, which cmd/newsdedup cannot
// import; these two forward to it until cleaning is a library call.

import (
	"fmt"

	"github.com/newsdedup/newsdedup/dedup/internal/jsonrec"
)

// RewriteBody returns a copy of raw, one JSONL record (a JSON object), in
// which the string or array of strings held by the top-level field named
// field (the Document.BodyField the reader took the body from) has lost
// the paragraphs for which remove returns true. It also returns the number
// of paragraphs the body has, which is len(Document.Paragraphs) for the
// record's document; callers check it to be sure they remove what they
// mean to. When a key repeats, the last one is the field, as for the
// reader. remove is called once per paragraph, in order.
//
// The record must be valid UTF-8 and valid JSON; the field must hold a
// string or an array of strings. Otherwise RewriteBody returns an error
// wrapping read.ErrInvalidUTF8, read.ErrInvalidJSON, read.ErrNotObject or
// read.ErrMissingBody. It never modifies raw, and is safe for concurrent
// use.
func RewriteBody(raw []byte, field string, remove func(paragraph int) bool) ([]byte, int, error) {
	out, n, err := jsonrec.RewriteBody(raw, field, remove)
	if err != nil {
		return nil, 0, fmt.Errorf("dedup: rewriting a record: %w", err)
	}
	return out, n, nil
}

// RewriteText returns a copy of text, a plain-text article as read.Text
// reads it, without the paragraphs for which remove returns true, and the
// number of paragraphs the article has. The title (the first non-blank
// line), the lines before it and a byte order mark are kept. remove is
// called once per paragraph, in order. It never modifies text, and is
// safe for concurrent use.
func RewriteText(text []byte, remove func(paragraph int) bool) ([]byte, int) {
	return jsonrec.RewriteText(text, remove)
}
