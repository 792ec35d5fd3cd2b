package jsonrec_test

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/internal/jsonrec"
	"github.com/newsdedup/newsdedup/dedup/read"
)

// removeSet returns a remove function for the paragraphs listed.
func removeSet(ps ...int) func(int) bool {
	return func(i int) bool { return slices.Contains(ps, i) }
}

func TestRewriteBody(t *testing.T) {
	tests := []struct {
		name   string
		raw    string
		field  string
		remove []int
		want   string
		paras  int
		reason string
	}{
		{"middle", `{"id":"a","text":"P0\n\nP1\n\nP2","x":[1,{"y":"\u00e9"}]}`, "text", []int{1},
			`{"id":"a","text":"P0\n\nP2","x":[1,{"y":"\u00e9"}]}`, 3,
			"a removed paragraph takes the blank line before it; other fields are copied byte for byte"},
		{"first", `{"text":"P0\n\nP1\n\nP2"}`, "text", []int{0}, `{"text":"P1\n\nP2"}`, 3,
			"with nothing kept before it, a removed paragraph takes the blank lines after it"},
		{"last", `{"text":"P0\n\nP1\n\nP2"}`, "text", []int{2}, `{"text":"P0\n\nP1"}`, 3,
			"the body ends without a terminator, as it did"},
		{"last with final newline", `{"text":"P0\nP1\n"}`, "text", []int{1}, `{"text":"P0\n"}`, 2,
			"the body still ends with its terminator"},
		{"all", `{"text":"P0\n\nP1"}`, "text", []int{0, 1}, `{"text":""}`, 2,
			"removing every paragraph leaves an empty string"},
		{"none", `{ "text" : "P0\n\n\nP1" , "n":1e3 }`, "text", nil, `{ "text" : "P0\n\n\nP1" , "n":1e3 }`, 2,
			"nothing removed: the record as it was, white space included"},
		{"escapes kept", `{"text":"\u201cQuoted\u201d \/ \"x\"\nRelated Articles"}`, "text", []int{1},
			`{"text":"\u201cQuoted\u201d \/ \"x\""}`, 2, "kept lines keep their escapes as written"},
		{"crlf", `{"text":"P0\r\nP1\r\nP2"}`, "text", []int{1}, `{"text":"P0\r\nP2"}`, 3,
			"\\r\\n is one terminator"},
		{"lone cr", `{"text":"P0\rP1\rP2"}`, "text", []int{0}, `{"text":"P1\rP2"}`, 3,
			"a lone \\r ends a line, as for the reader"},
		{"unicode newline escapes", `{"text":"P0\u000aP1\u000AP2"}`, "text", []int{1}, `{"text":"P0\u000aP2"}`, 3,
			"\\u000a is a newline too"},
		{"leading blanks", `{"text":"\n\nP0\n\nP1"}`, "text", []int{0}, `{"text":"\n\nP1"}`, 2,
			"blank lines before the first paragraph stay"},
		{"white space lines are blank", `{"text":"P0\n \t\nP1"}`, "text", []int{1}, `{"text":"P0"}`, 2,
			"a line of spaces is no paragraph and goes with the removed one"},
		{"paragraph with spaces", `{"text":"  P0  \n  P1  "}`, "text", []int{0}, `{"text":"  P1  "}`, 2,
			"a kept line keeps its surrounding spaces"},
		{"blank lines between kept", `{"text":"P0\n\n\nP1\nR\n\nP2"}`, "text", []int{2}, `{"text":"P0\n\n\nP1\n\nP2"}`, 4,
			"the gap between P0 and P1 is untouched; R takes the single newline before it"},
		{"array", `{"text":["P0","","P1","","P2"]}`, "text", []int{1}, `{"text":["P0","","P2"]}`, 3,
			"an array body stays an array; the blank element before the removed one goes with it"},
		{"array spacing", `{"text":[ "P0" , "P1" ] }`, "text", []int{1}, `{"text":[ "P0" ] }`, 2,
			"the white space around the elements is kept"},
		{"array first", `{"text":[ "P0" , "P1" ] }`, "text", []int{0}, `{"text":[ "P1" ] }`, 2,
			"removing the first element"},
		{"array all", `{"text":[ "P0" , "P1" ],"z":0}`, "text", []int{0, 1}, `{"text":[],"z":0}`, 2,
			"removing every element leaves an empty array"},
		{"array empty", `{"text":[ ]}`, "text", nil, `{"text":[ ]}`, 0, "an empty array has no paragraphs"},
		{"array multi-line element", `{"text":["P0\nP1","P2"]}`, "text", []int{1}, `{"text":["P0","P2"]}`, 3,
			"an element holding several lines loses only the removed one"},
		{"array element emptied", `{"text":["P0","P1\nP2","P3"]}`, "text", []int{1, 2}, `{"text":["P0","P3"]}`, 4,
			"an element whose lines are all removed is removed"},
		{"repeated key", `{"text":"A\nB","text":"C\nD"}`, "text", []int{1}, `{"text":"A\nB","text":"C"}`, 2,
			"the last of a repeated key is the body, as for the reader"},
		{"escaped key", `{"te\u0078t":"A\nB"}`, "text", []int{0}, `{"te\u0078t":"B"}`, 2,
			"keys are compared unescaped"},
		{"nested field", `{"meta":{"text":"x\ny"},"text":"A\nB"}`, "text", []int{0}, `{"meta":{"text":"x\ny"},"text":"B"}`, 2,
			"only the top-level field is the body"},
		{"other field", `{"text":"x\ny","body":"A\nB"}`, "body", []int{1}, `{"text":"x\ny","body":"A"}`, 2,
			"the field named is edited, not the first body field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := []byte(tt.raw)
			orig := bytes.Clone(raw)
			got, n, err := jsonrec.RewriteBody(raw, tt.field, removeSet(tt.remove...))
			require.NoError(t, err, tt.reason)
			assert.Equal(t, tt.want, string(got), tt.reason)
			assert.Equal(t, tt.paras, n, tt.reason)
			assert.Equal(t, orig, raw, "raw must not be modified")
		})
	}
}

func TestRewriteBodyErrors(t *testing.T) {
	tests := []struct {
		name   string
		raw    string
		want   error
		reason string
	}{
		{"not json", `{"text":"a"`, jsonrec.ErrInvalidJSON, "truncated record"},
		{"trailing garbage", `{"text":"a"} x`, jsonrec.ErrInvalidJSON, "one value a line"},
		{"not object", `["text"]`, jsonrec.ErrNotObject, "a record is an object"},
		{"no field", `{"body":"a"}`, jsonrec.ErrMissingBody, "the field is absent"},
		{"empty object", `{}`, jsonrec.ErrMissingBody, "nothing at all"},
		{"number", `{"text":3}`, jsonrec.ErrMissingBody, "a body is a string or an array of strings"},
		{"null", `{"text":null}`, jsonrec.ErrMissingBody, "null is no body"},
		{"array of numbers", `{"text":["a",1]}`, jsonrec.ErrMissingBody, "every element must be a string"},
		{"invalid utf-8", "{\"text\":\"a\xff\"}", jsonrec.ErrInvalidUTF8, "the reader rejects it too"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := jsonrec.RewriteBody([]byte(tt.raw), "text", removeSet(0))
			require.Error(t, err, tt.reason)
			assert.ErrorIs(t, err, tt.want, tt.reason)
			assert.True(t, strings.HasPrefix(err.Error(), tt.want.Error()), "no prefix: the caller gives one: %v", err)
			assert.Nil(t, got)
		})
	}
}

func TestRewriteText(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		remove []int
		want   string
		paras  int
		reason string
	}{
		{"seed shape", "Title\n\nTitle\n\nP1\n\nRelated Articles", []int{0, 2}, "Title\n\nP1", 3,
			"the repeated headline and the residue go, the title and the blank line under it stay"},
		{"title never removed", "Title\nP0", []int{0}, "Title", 1,
			"paragraph 0 is the line after the title"},
		{"blank lines before the title", "\n\n  Title\n\nP0\n\nP1\n", []int{1}, "\n\n  Title\n\nP0\n", 2,
			"the lines before the title are kept as they were"},
		{"bom", "\ufeffTitle\r\nP0\r\nP1\r\n", []int{0}, "\ufeffTitle\r\nP1\r\n", 2,
			"the byte order mark and CRLF terminators stay"},
		{"lone cr", "Title\rP0\rP1", []int{1}, "Title\rP0", 2, "classic Mac line ends"},
		{"none", "Title\n\n\n P0 \n\n", nil, "Title\n\n\n P0 \n\n", 1, "nothing removed: the same bytes"},
		{"title only", "Title\n", []int{0}, "Title\n", 0, "no paragraphs to remove"},
		{"empty", "", []int{0}, "", 0, "no title, nothing to do"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n := jsonrec.RewriteText([]byte(tt.text), removeSet(tt.remove...))
			assert.Equal(t, tt.want, string(got), tt.reason)
			assert.Equal(t, tt.paras, n, tt.reason)
		})
	}
}

// randomBody builds a body of lines of a few kinds, joined by random
// terminators, as the escaped content of a JSON string and as text.
func randomBody(rng *rand.Rand) (escaped, plain string) {
	lines := []string{"Alpha beta.", "", "   ", "Gamma \\u201cdelta\\u201d", "\\t", "x", "\\u00a0"}
	plainOf := map[string]string{"\\u201c": "\u201c", "\\u201d": "\u201d", "\\t": "\t", "\\u00a0": "\u00a0"}
	terms := []string{"\\n", "\\r\\n", "\\r", "\\u000a", "\\n\\n"}
	var e, p strings.Builder
	n := rng.Intn(8)
	for i := 0; i < n; i++ {
		l := lines[rng.Intn(len(lines))]
		e.WriteString(l)
		pl := l
		for k, v := range plainOf {
			pl = strings.ReplaceAll(pl, k, v)
		}
		p.WriteString(pl)
		if i < n-1 || rng.Intn(2) == 0 {
			tm := terms[rng.Intn(len(terms))]
			e.WriteString(tm)
			p.WriteString(strings.NewReplacer("\\n", "\n", "\\r", "\r", "\\u000a", "\n").Replace(tm))
		}
	}
	return e.String(), p.String()
}

// readOne reads raw as a JSONL record with the given body field.
func readOne(t *testing.T, raw []byte, field string) *dedup.Document {
	t.Helper()
	var doc *dedup.Document
	for d, err := range read.JSONL("t", bytes.NewReader(raw), read.Options{BodyFields: []string{field}}) {
		require.NoError(t, err, "%s", raw)
		require.Nil(t, doc, "one record")
		doc = d
	}
	require.NotNil(t, doc, "%s", raw)
	return doc
}

func paragraphTexts(doc *dedup.Document) []string {
	var out []string
	for _, p := range doc.Paragraphs {
		out = append(out, p.Text)
	}
	return out
}

// TestRewriteBodyAgreesWithReader checks, on random bodies and removals,
// that the reader sees exactly the kept paragraphs of a rewritten record,
// in string and array form, and that the text rewriter agrees.
func TestRewriteBodyAgreesWithReader(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	for iter := 0; iter < 2000; iter++ {
		esc, plain := randomBody(rng)
		mask := rng.Uint64()
		remove := func(i int) bool { return mask>>(uint(i)%64)&1 == 1 }
		records := []string{
			fmt.Sprintf(`{"id":7,"text":"%s","tail":"keep \u00e9"}`, esc),
			fmt.Sprintf(`{"text":["%s", "%s"]}`, esc, strings.ReplaceAll(esc, "x", "y")),
		}
		for _, rec := range records {
			raw := []byte(rec)
			before := readOne(t, raw, "text")
			got, n, err := jsonrec.RewriteBody(raw, "text", remove)
			require.NoError(t, err, rec)
			require.Equal(t, len(before.Paragraphs), n, rec)
			var want []string
			for i, p := range paragraphTexts(before) {
				if !remove(i) {
					want = append(want, p)
				}
			}
			after := readOne(t, got, "text")
			assert.Equal(t, want, paragraphTexts(after), "%s\n=> %s", rec, got)
			assert.Equal(t, before.ID, after.ID)
		}

		text := "Title\n" + plain
		doc, err := read.Text("t", strings.NewReader(text))
		require.NoError(t, err)
		got, n := jsonrec.RewriteText([]byte(text), remove)
		require.Equal(t, len(doc.Paragraphs), n, "%q", text)
		var want []string
		for i, p := range paragraphTexts(doc) {
			if !remove(i) {
				want = append(want, p)
			}
		}
		after, err := read.Text("t", bytes.NewReader(got))
		require.NoError(t, err)
		assert.Equal(t, doc.Title, after.Title)
		assert.Equal(t, want, paragraphTexts(after), "%q => %q", text, got)
	}
}

// FuzzRewriteBody checks RewriteBody on any record: it fails exactly when
// the reader cannot take a body from the field; otherwise it keeps the
// bytes around the body, keeps everything when nothing is removed, and
// the reader sees exactly the kept paragraphs in what it returns.
func FuzzRewriteBody(f *testing.F) {
	seeds := []string{
		`{"id":"a","text":"P0\n\nP1\n\nP2"}`,
		`{"text":["P0","","P1\r\nP2"],"title":"T"}`,
		`{"text":"\u201cQ\u201d\u000aR\rS"}`,
		`{"te\u0078t":"A","text":"B\nC"}`,
		`{"text":[]}`,
		`{"text":3}`,
		`[1]`,
	}
	for _, s := range seeds {
		f.Add([]byte(s), uint64(0b101))
	}
	// The records of the clean command's samples.
	data, err := os.ReadFile("../../../testdata/clean/shapes.jsonl")
	require.NoError(f, err)
	for line := range bytes.Lines(data) {
		f.Add(bytes.TrimRight(line, "\n"), uint64(0b1101))
	}
	f.Fuzz(func(t *testing.T, raw []byte, mask uint64) {
		if bytes.ContainsAny(raw, "\r\n") || bytes.HasPrefix(raw, []byte("\ufeff")) {
			return // not one JSONL record as the reader hands it over
		}
		remove := func(i int) bool { return mask>>(uint(i)%64)&1 == 1 }
		var doc *dedup.Document
		var rerr error
		for d, err := range read.JSONL("t", bytes.NewReader(raw), read.Options{BodyFields: []string{"text"}}) {
			doc, rerr = d, err
		}
		got, n, err := jsonrec.RewriteBody(raw, "text", remove)
		if doc == nil {
			if rerr != nil || len(bytes.TrimSpace(raw)) == 0 {
				require.Error(t, err, "the reader failed (%v) on %q", rerr, raw)
			}
			return
		}
		require.NoError(t, err, "%q", raw)
		require.Equal(t, len(doc.Paragraphs), n)
		sp, ferr := jsonrec.FindField(raw, "text")
		require.NoError(t, ferr)
		require.True(t, bytes.HasPrefix(got, raw[:sp.Start]), "bytes before the body kept")
		require.True(t, bytes.HasSuffix(got, raw[sp.End:]), "bytes after the body kept")
		keep, _, err := jsonrec.RewriteBody(raw, "text", func(int) bool { return false })
		require.NoError(t, err)
		require.Equal(t, raw, keep, "nothing removed, nothing changed")
		var want []string
		for i, p := range paragraphTexts(doc) {
			if !remove(i) {
				want = append(want, p)
			}
		}
		after := readOne(t, got, "text")
		require.Equal(t, want, paragraphTexts(after), "%q => %q", raw, got)
		require.Equal(t, doc.ID, after.ID)
		require.Equal(t, doc.Title, after.Title)
	})
}

// FuzzRewriteText checks RewriteText against read.Text: the title stays,
// exactly the kept paragraphs are left, nothing changes when nothing is
// removed.
func FuzzRewriteText(f *testing.F) {
	for _, s := range []string{"Title\n\nP0\n\nP1\n", "\ufeff\r\n T \r\nP0\rP1", "T\nP0\n \n\tP1\n\n"} {
		f.Add([]byte(s), uint64(0b10))
	}
	data, err := os.ReadFile("../../../testdata/seed.txt")
	require.NoError(f, err)
	f.Add(data, uint64(1|1<<14))
	f.Fuzz(func(t *testing.T, text []byte, mask uint64) {
		doc, err := read.Text("t", bytes.NewReader(text))
		if err != nil {
			return // not an article: never rewritten
		}
		remove := func(i int) bool { return mask>>(uint(i)%64)&1 == 1 }
		got, n := jsonrec.RewriteText(text, remove)
		require.Equal(t, len(doc.Paragraphs), n)
		same, _ := jsonrec.RewriteText(text, func(int) bool { return false })
		require.Equal(t, text, same, "nothing removed, nothing changed")
		after, err := read.Text("t", bytes.NewReader(got))
		require.NoError(t, err, "%q => %q", text, got)
		require.Equal(t, doc.Title, after.Title)
		var want []string
		for i, p := range paragraphTexts(doc) {
			if !remove(i) {
				want = append(want, p)
			}
		}
		require.Equal(t, want, paragraphTexts(after), "%q => %q", text, got)
	})
}

func BenchmarkRewriteBody(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"id":"bench","title":"A headline","text":"`)
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&sb, `Paragraph %d of the article, with \u201cquotes\u201d and some words to read.\n\n`, i)
	}
	sb.WriteString(`Related Articles"}`)
	raw := []byte(sb.String())
	remove := removeSet(3, 17, 40)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := jsonrec.RewriteBody(raw, "text", remove); err != nil {
			b.Fatal(err)
		}
	}
}
