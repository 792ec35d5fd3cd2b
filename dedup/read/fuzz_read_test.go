package read

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/newsdedup/newsdedup/dedup"
)

// checkDocument fails t unless doc keeps the invariants every reader
// promises.
func checkDocument(t *testing.T, doc *dedup.Document) {
	t.Helper()
	if doc.Source == "" || doc.ID == "" || doc.Line < 1 {
		t.Fatalf("document without source, id or line: %+v", doc)
	}
	if !utf8.ValidString(doc.ID) || !utf8.ValidString(doc.Title) {
		t.Fatalf("id or title not UTF-8: %q %q", doc.ID, doc.Title)
	}
	if doc.Title != strings.TrimSpace(doc.Title) {
		t.Fatalf("title not trimmed: %q", doc.Title)
	}
	if (doc.Title == "") != (doc.TitleLine == 0) {
		t.Fatalf("title %q on line %d", doc.Title, doc.TitleLine)
	}
	last := doc.TitleLine
	for i, p := range doc.Paragraphs {
		if p.Text == "" || p.Text != strings.TrimSpace(p.Text) || !utf8.ValidString(p.Text) {
			t.Fatalf("paragraph %d blank, untrimmed or not UTF-8: %q", i, p.Text)
		}
		if p.Line < 1 || p.Line < last {
			t.Fatalf("paragraph %d on line %d after line %d", i, p.Line, last)
		}
		last = p.Line
	}
}

// addFileSeeds adds the files of testdata/input matching pattern, and
// with lines true each of their lines too, to the corpus of f.
func addFileSeeds(f *testing.F, pattern string, lines bool) {
	paths, err := filepath.Glob(filepath.Join(inputDir, pattern))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no seeds for %s: %v", pattern, err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		if lines {
			for _, l := range bytes.Split(data, []byte("\n")) {
				f.Add(l)
			}
		}
	}
}

// FuzzReadJSONL reads arbitrary bytes as JSONL and compares every item
// yielded with an oracle built on encoding/json and a naive line split.
func FuzzReadJSONL(f *testing.F) {
	addFileSeeds(f, "*.jsonl", true)
	for _, s := range []string{
		"", "\n", "\ufeff{}", `{"text":"a"}` + "\r" + `{"text":"b"}`, `{"id":1e5,"title":"\ud800","text":["a","\u2028"]}`,
		`{"text":"\"\\\/\b\f\n\r\t"}`, "{\"text\":\"\x00\"}", `[[[[{}]]]]`, `{"a":{"b":[1,-0.5e-3,true,false,null]},"body":" x "}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, max := range []int{0, 32} {
			opts := Options{MaxLineBytes: max}
			got := collect(JSONL("f.jsonl", bytes.NewReader(data), opts))

			d := newJSONLDecoder(mustDefaults(t, opts))
			var want []yielded
			for i, line := range naiveLines(bytes.TrimPrefix(data, utf8BOM)) {
				n := i + 1
				switch {
				case max > 0 && len(line) > max:
					want = append(want, yielded{err: &Error{File: "f.jsonl", Line: n, Err: ErrLineTooLong}})
				case len(bytes.TrimSpace(line)) == 0:
				default:
					doc, err := oracleDocument("f.jsonl", n, bytes.Clone(line), d.opts)
					if err != nil {
						err = &Error{File: "f.jsonl", Line: n, Err: err}
					}
					want = append(want, yielded{doc, err})
				}
			}
			matchOracle(t, got, want, nil)
		}
	})
}

// matchOracle fails t unless got, what a reader yielded, is want, what an
// oracle says it should: the same documents (after clear, when not nil,
// has dropped what the oracle does not know), and errors at the same
// lines wrapping the same sentinels.
func matchOracle(t *testing.T, got, want []yielded, clear func(*dedup.Document)) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d items, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if w.err != nil {
			var gi, wi *Error
			if !errors.As(g.err, &gi) || !errors.As(w.err, &wi) || gi.Line != wi.Line || gi.File != wi.File || !errors.Is(gi, wi.Err) {
				t.Fatalf("item %d: got %v, %v; want error %v", i, g.doc, g.err, w.err)
			}
			if g.doc != nil {
				t.Fatalf("item %d: a document with an error", i)
			}
			continue
		}
		if g.err != nil {
			t.Fatalf("item %d: got error %v, want %+v", i, g.err, w.doc)
		}
		checkDocument(t, g.doc)
		if clear != nil {
			clear(g.doc)
		}
		if !equalDocs(g.doc, w.doc) {
			t.Fatalf("item %d:\ngot  %+v\nwant %+v", i, g.doc, w.doc)
		}
	}
}

// equalDocs compares documents field by field.
func equalDocs(a, b *dedup.Document) bool {
	if a.ID != b.ID || a.Source != b.Source || a.Line != b.Line || a.Title != b.Title || a.TitleLine != b.TitleLine ||
		!bytes.Equal(a.Raw, b.Raw) || a.BodyField != b.BodyField || a.TitleField != b.TitleField || len(a.Paragraphs) != len(b.Paragraphs) ||
		a.Format != b.Format || !bytes.Equal(a.CSVHeader, b.CSVHeader) {
		return false
	}
	for i := range a.Paragraphs {
		if a.Paragraphs[i] != b.Paragraphs[i] {
			return false
		}
	}
	return true
}

// oracleText reads a text article the naive way, returning the sentinel
// and line of an error.
func oracleText(name string, data []byte) (*dedup.Document, error, int) {
	doc := &dedup.Document{ID: name, Source: name, Line: 1, Format: FormatText}
	blank := false // a blank line since the last paragraph
	for i, l := range naiveLines(bytes.TrimPrefix(data, utf8BOM)) {
		switch {
		case bytes.IndexByte(l, 0) >= 0:
			return nil, ErrBinary, i + 1
		case !utf8.Valid(l):
			return nil, ErrInvalidUTF8, i + 1
		}
		text := strings.TrimSpace(string(l))
		switch {
		case text == "":
			blank = true
		case doc.TitleLine == 0:
			doc.Title, doc.TitleLine = text, i+1
		default:
			doc.Paragraphs = append(doc.Paragraphs, dedup.Paragraph{Text: text, Line: i + 1, AfterBlank: blank && len(doc.Paragraphs) > 0})
			blank = false
		}
	}
	if doc.TitleLine == 0 {
		return nil, ErrNoHeadline, 0
	}
	doc.Raw = data // the file as read, for Clean to rewrite
	return doc, nil, 0
}

// FuzzReadText reads arbitrary bytes as a text article, whole and one byte
// at a time, and compares the result with a naive oracle.
func FuzzReadText(f *testing.F) {
	addFileSeeds(f, "*.txt", false)
	for _, s := range []string{"", "\ufeff", "H\r", "H\r\n\rp\n\r\n", "\x00", "H\n\xff", "\u00a0\n H \n\u3000p\u2028q"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want, wantErr, wantLine := oracleText("f.txt", data)
		for _, r := range []interface{ Read([]byte) (int, error) }{bytes.NewReader(data), iotest.OneByteReader(bytes.NewReader(data))} {
			doc, err := Text("f.txt", r)
			if wantErr != nil {
				var ie *Error
				if !errors.As(err, &ie) || !errors.Is(err, wantErr) || ie.Line != wantLine || ie.File != "f.txt" || doc != nil {
					t.Fatalf("got %+v, %v; want %v on line %d", doc, err, wantErr, wantLine)
				}
				continue
			}
			if err != nil {
				t.Fatalf("got error %v, want %+v", err, want)
			}
			checkDocument(t, doc)
			if !equalDocs(doc, want) {
				t.Fatalf("got  %+v\nwant %+v", doc, want)
			}
		}
	})
}
