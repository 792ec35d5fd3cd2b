package csvrec

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// record is what Next returned, for comparisons.
type record struct {
	Raw    string
	Values []string
	Line   int
	Err    error
}

// readAll reads every record of data with a Reader over r, its buffer
// the smallest bufio allows, so that records cross buffer boundaries.
func readAll(r io.Reader, max int) ([]record, error) {
	cr := NewReader(bufio.NewReaderSize(r, 16), max)
	var out []record
	for {
		raw, fields, line, err, ok := cr.Next()
		if !ok {
			return out, cr.Err()
		}
		rec := record{Line: line, Err: err}
		if err == nil {
			rec.Raw = string(raw)
			for _, f := range fields {
				rec.Values = append(rec.Values, string(f.Value(nil, raw)))
			}
		}
		out = append(out, rec)
	}
}

func TestReader(t *testing.T) {
	tests := []struct {
		name, reason, in string
		want             []record
	}{
		{name: "plain", reason: "fields split at commas, records at line ends", in: "a,b\nc,d\n",
			want: []record{{Raw: "a,b", Values: []string{"a", "b"}, Line: 1}, {Raw: "c,d", Values: []string{"c", "d"}, Line: 2}}},
		{name: "no final newline", reason: "the last record may end the input", in: "a,b\nc",
			want: []record{{Raw: "a,b", Values: []string{"a", "b"}, Line: 1}, {Raw: "c", Values: []string{"c"}, Line: 2}}},
		{name: "CRLF", reason: "\\r\\n ends a record and is not kept", in: "a,b\r\nc,d\r\n",
			want: []record{{Raw: "a,b", Values: []string{"a", "b"}, Line: 1}, {Raw: "c,d", Values: []string{"c", "d"}, Line: 2}}},
		{name: "quoted", reason: "quotes hold commas, line breaks and doubled quotes; \\r\\n inside reads as \\n",
			in: "\"a,1\",\"say \"\"hi\"\"\",\"x\r\ny\nz\"\nnext\n",
			want: []record{{Raw: "\"a,1\",\"say \"\"hi\"\"\",\"x\r\ny\nz\"", Values: []string{"a,1", `say "hi"`, "x\ny\nz"}, Line: 1},
				{Raw: "next", Values: []string{"next"}, Line: 4}}},
		{name: "empty fields", reason: "empty fields, quoted or not, count", in: "a,,\"\",\n",
			want: []record{{Raw: "a,,\"\",", Values: []string{"a", "", "", ""}, Line: 1}}},
		{name: "blank lines", reason: "blank lines are skipped but counted", in: "\n\r\na\n\nb\n",
			want: []record{{Raw: "a", Values: []string{"a"}, Line: 3}, {Raw: "b", Values: []string{"b"}, Line: 5}}},
		{name: "spaces", reason: "a line of spaces is a record, as encoding/csv has it", in: " \n",
			want: []record{{Raw: " ", Values: []string{" "}, Line: 1}}},
		{name: "lone CR", reason: "a lone \\r is data, not a line end", in: "a\rb,c\n",
			want: []record{{Raw: "a\rb,c", Values: []string{"a\rb", "c"}, Line: 1}}},
		{name: "bare quote", reason: "a quote inside an unquoted field is an error; the next line is read", in: "a,b\"c\nd\n",
			want: []record{{Line: 1, Err: ErrBareQuote}, {Raw: "d", Values: []string{"d"}, Line: 2}}},
		{name: "text after quote", reason: "a closing quote must end the field", in: "\"a\"b,c\nd\n",
			want: []record{{Line: 1, Err: ErrQuote}, {Raw: "d", Values: []string{"d"}, Line: 2}}},
		{name: "unclosed quote", reason: "a quote that never closes takes the rest of the input", in: "a\n\"b,c\nd\n",
			want: []record{{Raw: "a", Values: []string{"a"}, Line: 1}, {Line: 2, Err: ErrQuote}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
				got, err := readAll(r, 0)
				require.NoError(t, err)
				require.Len(t, got, len(tt.want), tt.reason)
				for i := range got {
					if tt.want[i].Err != nil {
						assert.ErrorIs(t, got[i].Err, tt.want[i].Err, tt.reason)
						got[i].Err = tt.want[i].Err
					}
				}
				assert.Equal(t, tt.want, got, tt.reason)
			}
		})
	}
	t.Run("too long", func(t *testing.T) {
		got, err := readAll(strings.NewReader("a,"+strings.Repeat("x", 50)+"\nb\n\""+strings.Repeat("y\n", 30)+"\"\nc\n"), 20)
		require.NoError(t, err)
		require.GreaterOrEqual(t, len(got), 3)
		assert.ErrorIs(t, got[0].Err, ErrTooLong)
		assert.Equal(t, record{Raw: "b", Values: []string{"b"}, Line: 2}, got[1], "the line after a long record is read")
		assert.ErrorIs(t, got[2].Err, ErrTooLong, "a quoted field over many lines is too long too")
	})
}

func TestRewriteField(t *testing.T) {
	drop := func(ps ...int) func(int) bool {
		return func(p int) bool {
			for _, q := range ps {
				if p == q {
					return true
				}
			}
			return false
		}
	}
	tests := []struct {
		name, reason, raw string
		col               int
		remove            func(int) bool
		want              string
		wantN             int
	}{
		{name: "quoted middle", reason: "the line goes, and the blank line before it",
			raw: `1,"One.` + "\n\n" + `Two.` + "\n\n" + `Three.",x`, col: 1, remove: drop(1),
			want: `1,"One.` + "\n\n" + `Three.",x`, wantN: 3},
		{name: "quoted first", reason: "the blank line after it goes with it",
			raw: "\"One.\r\n\r\nTwo.\"", col: 0, remove: drop(0), want: "\"Two.\"", wantN: 2},
		{name: "quoted last", reason: "the field ends as it did",
			raw: "\"One.\nRelated Articles\",\"other, field\"", col: 0, remove: drop(1), want: "\"One.\",\"other, field\"", wantN: 2},
		{name: "doubled quotes kept", reason: "quotes inside the kept lines stay doubled",
			raw: `a,"He said ""no"".` + "\n" + `Share this"`, col: 1, remove: drop(1), want: `a,"He said ""no""."`, wantN: 2},
		{name: "unquoted", reason: "an unquoted field has one paragraph",
			raw: "a,Share this,c", col: 1, remove: drop(0), want: "a,,c", wantN: 1},
		{name: "only field emptied", reason: "a record of one empty field would read as a blank line",
			raw: "Share this", col: 0, remove: drop(0), want: `""`, wantN: 1},
		{name: "nothing removed", reason: "the record is copied",
			raw: "a,\"b\nc\"", col: 1, remove: drop(), want: "a,\"b\nc\"", wantN: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n, err := RewriteField([]byte(tt.raw), tt.col, tt.remove)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got), tt.reason)
			assert.Equal(t, tt.wantN, n)
		})
	}
	for _, bad := range []struct{ raw, reason string }{
		{"a,\"b", "an unclosed quote"},
		{"a\nb", "two records"},
		{"a,b\"", "a bare quote"},
	} {
		_, _, err := RewriteField([]byte(bad.raw), 0, drop(0))
		assert.Error(t, err, bad.reason)
	}
	_, _, err := RewriteField([]byte("a,b"), 2, drop(0))
	assert.EqualError(t, err, "the record has 2 fields, no field 3")
}

func TestNames(t *testing.T) {
	names, err := Names([]byte("\ufeffid, title ,\"text\"\r\n"))
	require.NoError(t, err)
	assert.Equal(t, []string{"id", "title", "text"}, names, "BOM and terminator dropped, names trimmed, quotes read")
	col, err := Column([]byte("id,text,text\n"), "text")
	require.NoError(t, err)
	assert.Equal(t, 1, col, "the first of two columns of one name")
	col, err = Column([]byte("id,text\n"), "body")
	require.NoError(t, err)
	assert.Equal(t, -1, col)
}

// addSeeds adds the CSV files of testdata/input to f.
func addSeeds(f *testing.F) {
	paths, err := filepath.Glob("../../../testdata/input/*.csv")
	if err != nil || len(paths) == 0 {
		f.Fatalf("no CSV seeds: %v", err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{"", "\n", "\r", "a\r", "\"a\"\r", "a,\"b\r\r\nc\"\r\n", "\"\"\"\"", "a\"b", "\"a\"b", "\"a", ",\n,,\n", "\r\r\n\n"} {
		f.Add([]byte(s))
	}
}

// FuzzReader holds the Reader to encoding/csv (a comma, no lazy quotes,
// any number of fields): the same records, values, lines and errors, and
// the record after an error; and each record's bytes are the input's.
func FuzzReader(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := readAll(bytes.NewReader(data), 0)
		require.NoError(t, err)
		cr := csv.NewReader(bytes.NewReader(data))
		cr.FieldsPerRecord = -1
		var ends []int64
		i := 0
		for ; ; i++ {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if i >= len(got) {
				t.Fatalf("encoding/csv has a record %d (%q, %v), the Reader %d", i, rec, err, len(got))
			}
			g := got[i]
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				want := ErrQuote
				if errors.Is(err, csv.ErrBareQuote) {
					want = ErrBareQuote
				}
				if !errors.Is(g.Err, want) || g.Line != pe.StartLine {
					t.Fatalf("record %d: got %+v, want %v", i, g, err)
				}
				ends = append(ends, -1)
				continue
			}
			require.NoError(t, err)
			line, _ := cr.FieldPos(0)
			if g.Err != nil || g.Line != line || !slices.Equal(g.Values, rec) {
				t.Fatalf("record %d: got %+v, want %q on line %d", i, g, rec, line)
			}
			ends = append(ends, cr.InputOffset())
		}
		if i != len(got) {
			t.Fatalf("the Reader has %d records, encoding/csv %d", len(got), i)
		}
		// Each record's bytes, and its terminator, end where encoding/csv
		// says the record ends.
		r := NewReader(bufio.NewReader(bytes.NewReader(data)), 0)
		for i := 0; ; i++ {
			raw, fields, _, err, ok := r.Next()
			if !ok {
				break
			}
			if err != nil || ends[i] < 0 {
				continue
			}
			whole := string(raw) + string(r.Terminator())
			if end := int(ends[i]); end < len(whole) || string(data[end-len(whole):end]) != whole {
				t.Fatalf("record %d: bytes %q do not end at %d of the input", i, whole, end)
			}
			parsed, err := Parse(raw)
			require.NoError(t, err, "a record read parses alone: %q", raw)
			require.Equal(t, fields, parsed)
		}
	})
}

// paragraphs returns the non-blank lines of v, trimmed, as the reader
// makes them.
func paragraphs(v string) []string {
	var out []string
	for _, l := range strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if t := strings.TrimSpace(l); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// FuzzRewriteField rewrites every field of every record of the input with
// a removal pattern drawn from mask, and checks the result: one record,
// the same number of fields, every other field byte for byte the same,
// and the field's paragraphs those kept, in order.
func FuzzRewriteField(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bufio.NewReader(bytes.NewReader(data)), 0)
		mask := uint(len(data)*2654435761) | 1
		for {
			raw, fields, _, err, ok := r.Next()
			if !ok {
				break
			}
			if err != nil {
				continue
			}
			raw = bytes.Clone(raw)
			fields = append([]Field(nil), fields...)
			for col, fld := range fields {
				before := paragraphs(string(fld.Value(nil, raw)))
				remove := func(p int) bool { return mask>>(uint(p+col)%32)&1 == 1 }
				out, n, err := RewriteField(raw, col, remove)
				require.NoError(t, err, "%q field %d", raw, col)
				require.Equal(t, len(before), n, "%q field %d: paragraphs", raw, col)
				got, err := Parse(out)
				require.NoError(t, err, "rewritten %q is one record", out)
				require.Len(t, got, len(fields))
				for j := range fields {
					if j != col {
						require.Equal(t, string(fields[j].Value(nil, raw)), string(got[j].Value(nil, out)))
					}
				}
				var want []string
				for p, text := range before {
					if !remove(p) {
						want = append(want, text)
					}
				}
				require.Equal(t, want, paragraphs(string(got[col].Value(nil, out))), "%q field %d -> %q", raw, col, out)
			}
		}
	})
}
