package main

import (
	"strconv"
	"unicode/utf8"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/internal/swar"
)

// appendRecord appends the JSONL record of a scanned article (see record)
// to b. It writes what encoding/json writes for record, with HTML
// escaping off, without reflection: output is a hot path of a scan.
func appendRecord(b []byte, doc *dedup.Document, fs []dedup.Finding) []byte {
	return appendRecordOpts(b, doc, fs, recordOpts{})
}

// recordOpts are the optional parts of a record.
type recordOpts struct {
	// cluster is the id of the article a near-duplicate's cluster keeps
	// ("" for none: no "cluster" field).
	cluster string
	// noParagraphs leaves the paragraphs out (--findings-only).
	noParagraphs bool
}

// appendRecordOpts is appendRecord with the optional parts of o: what
// encoding/json writes for record, or findingsRecord with o.noParagraphs.
func appendRecordOpts(b []byte, doc *dedup.Document, fs []dedup.Finding, o recordOpts) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, doc.ID)
	b = append(b, `,"source":`...)
	b = appendJSONString(b, doc.Source)
	b = append(b, `,"line":`...)
	b = strconv.AppendInt(b, int64(doc.Line), 10)
	b = append(b, `,"title":`...)
	b = appendJSONString(b, doc.Title)
	if !o.noParagraphs {
		b = append(b, `,"paragraphs":[`...)
		for i, p := range doc.Paragraphs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, p.Text)
		}
		b = append(b, ']')
	}
	b = append(b, `,"findings":[`...)
	for i, f := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFinding(b, f)
	}
	b = append(b, ']')
	if o.cluster != "" {
		b = append(b, `,"cluster":`...)
		b = appendJSONString(b, o.cluster)
	}
	return append(b, "}\n"...)
}

// appendFinding appends the JSON object of f, as encoding/json would.
func appendFinding(b []byte, f dedup.Finding) []byte {
	b = append(b, `{"kind":`...)
	b = appendJSONString(b, string(f.Kind))
	b = append(b, `,"paragraph":`...)
	b = strconv.AppendInt(b, int64(f.Paragraph), 10)
	b = append(b, `,"line":`...)
	b = strconv.AppendInt(b, int64(f.Line), 10)
	b = append(b, `,"score":`...)
	b = appendJSONFloat(b, f.Score)
	b = append(b, `,"message":`...)
	b = appendJSONString(b, f.Message)
	if f.RelatedID != "" {
		b = append(b, `,"related_id":`...)
		b = appendJSONString(b, f.RelatedID)
	}
	if f.Rule != "" {
		b = append(b, `,"rule":`...)
		b = appendJSONString(b, f.Rule)
	}
	return append(b, '}')
}

// appendJSONFloat formats f as encoding/json does.
func appendJSONFloat(b []byte, f float64) []byte {
	abs := f
	if abs < 0 {
		abs = -abs
	}
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9, as encoding/json does
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// plain8 reports whether the 8 bytes of s are all printable ASCII other
// than '"' and '\\': bytes that a JSON string holds as they are. It
// tests the eight at once (the zero-byte test of "Bit Twiddling Hacks").
func plain8(s string) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	w := swar.Load(s)
	zero := func(v uint64) uint64 { return (v - lo) & ^v & hi }
	// With no high bit set, a byte below 0x20 borrows in w - 0x20 and
	// sets its high bit.
	return (w&hi | (w-0x20*lo)&^w&hi | zero(w^('"'*lo)) | zero(w^('\\'*lo))) == 0
}

// appendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it with HTML escaping off: quotes, backslashes and control
// characters, U+2028 and U+2029; invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				// Then eight bytes at a time while none needs a look:
				// printable ASCII without quotes or backslashes.
				for i+8 <= len(s) && plain8(s[i:i+8]) {
					i += 8
				}
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
