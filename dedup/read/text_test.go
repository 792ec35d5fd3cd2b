package read

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
)

// TestReadTextSeed reads the seed article: a headline, the headline again
// as the first paragraph, 13 paragraphs of text and "Related Articles"
// residue on the last line, with no final newline.
func TestReadTextSeed(t *testing.T) {
	path := filepath.Join(inputDir, "seed.txt")
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	doc, err := Text("seed.txt", f)
	require.NoError(t, err)

	const title = "Libya's Haftar rejects Ankara, Moscow's call for ceasefire"
	assert.Equal(t, "seed.txt", doc.ID)
	assert.Equal(t, "seed.txt", doc.Source)
	assert.Equal(t, 1, doc.Line)
	assert.Equal(t, title, doc.Title)
	assert.Equal(t, 1, doc.TitleLine)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, data, doc.Raw, "Raw is the file, byte for byte")
	doc.Raw = nil // the golden file holds the rest
	assert.Empty(t, doc.BodyField)
	require.Len(t, doc.Paragraphs, 15)
	for i, p := range doc.Paragraphs {
		assert.Equal(t, 3+2*i, p.Line, "paragraph %d: blank lines between paragraphs are counted", i)
	}
	assert.Equal(t, title, doc.Paragraphs[0].Text)
	assert.True(t, strings.HasPrefix(doc.Paragraphs[1].Text, "Omar al-Tawil, a 15-year-old"))
	assert.Equal(t, "Related Articles", doc.Paragraphs[14].Text)

	got, err := json.MarshalIndent(doc, "", "\t")
	require.NoError(t, err)
	golden := path + ".golden.json"
	if updateGolden() {
		require.NoError(t, os.WriteFile(golden, append(got, '\n'), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test -run TestReadTextSeed -update to create it")
	assert.JSONEq(t, string(want), string(got))
}

func TestReadTextFiles(t *testing.T) {
	tests := []struct {
		file, reason string
		wantTitle    string
		wantLine     int // of the title
		wantParas    []dedup.Paragraph
		wantErr      error
		wantMsg      string
	}{
		{file: "title-only.txt", reason: "a headline alone is a document with no paragraphs",
			wantTitle: "Only a headline here", wantLine: 1},
		{file: "crlf.txt", reason: "CRLF line ends are not part of the text",
			wantTitle: "CRLF headline", wantLine: 1, wantParas: []dedup.Paragraph{{Text: "First paragraph.", Line: 3}, {Text: "Second paragraph.", Line: 5, AfterBlank: true}}},
		{file: "cr.txt", reason: "lone CR line ends count as lines",
			wantTitle: "CR headline", wantLine: 1, wantParas: []dedup.Paragraph{{Text: "First paragraph.", Line: 3}, {Text: "Second paragraph.", Line: 5, AfterBlank: true}}},
		{file: "bom.txt", reason: "the BOM is dropped from the headline",
			wantTitle: "BOM headline", wantLine: 1, wantParas: []dedup.Paragraph{{Text: "The only paragraph.", Line: 3}}},
		{file: "empty.txt", reason: "an empty file has no headline",
			wantErr: ErrNoHeadline, wantMsg: "empty.txt: no headline: the file is empty"},
		{file: "blank.txt", reason: "blank lines are no headline",
			wantErr: ErrNoHeadline, wantMsg: "blank.txt: no headline: the file has only blank lines"},
		{file: "binary.txt", reason: "a NUL byte makes the file binary, named by line and column",
			wantErr: ErrBinary, wantMsg: "binary.txt:3: binary file (NUL byte) at column 10"},
		{file: "invalid-utf8.txt", reason: "the first line that is not UTF-8 is named",
			wantErr: ErrInvalidUTF8, wantMsg: "invalid-utf8.txt:4: invalid UTF-8 at column 5"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(inputDir, tt.file))
			require.NoError(t, err)
			for name, r := range chunkings(data) {
				doc, err := Text(tt.file, r)
				if tt.wantErr != nil {
					assert.Nil(t, doc)
					assert.ErrorIs(t, err, tt.wantErr, tt.reason)
					assert.EqualError(t, err, tt.wantMsg, "%s: %s", name, tt.reason)
					continue
				}
				require.NoError(t, err, tt.reason)
				assert.Equal(t, tt.wantTitle, doc.Title, tt.reason)
				assert.Equal(t, tt.wantLine, doc.TitleLine, tt.reason)
				assert.Equal(t, tt.wantParas, doc.Paragraphs, "%s: %s", name, tt.reason)
			}
		})
	}
}

func TestReadTextStrings(t *testing.T) {
	tests := []struct {
		name, reason, in string
		wantTitle        string
		wantTitleLine    int
		wantParas        []dedup.Paragraph
		wantErr          error
	}{
		{name: "leading blanks", reason: "the headline is the first non-blank line",
			in: "\n \t\n  Head  \nBody", wantTitle: "Head", wantTitleLine: 3, wantParas: []dedup.Paragraph{{Text: "Body", Line: 4}}},
		{name: "mixed line ends", reason: "\\n, \\r\\n and \\r can mix",
			in: "H\r\na\rb\nc\r\n", wantTitle: "H", wantTitleLine: 1, wantParas: []dedup.Paragraph{{Text: "a", Line: 2}, {Text: "b", Line: 3}, {Text: "c", Line: 4}}},
		{name: "unicode spaces", reason: "paragraphs are trimmed of Unicode white space",
			in: "\u00a0H\u3000\n\u2003 p \u00a0", wantTitle: "H", wantTitleLine: 1, wantParas: []dedup.Paragraph{{Text: "p", Line: 2}}},
		{name: "space-only lines", reason: "lines of white space are blank",
			in: "H\n\u00a0\n\t\nq", wantTitle: "H", wantTitleLine: 1, wantParas: []dedup.Paragraph{{Text: "q", Line: 4}}},
		{name: "BOM only", reason: "a BOM alone is an empty file", in: "\ufeff", wantErr: ErrNoHeadline},
		{name: "NUL in headline", reason: "NUL anywhere is binary", in: "H\x00\nBody", wantErr: ErrBinary},
		{name: "NUL before bad UTF-8", reason: "a line with a NUL is binary even when also not UTF-8", in: "H\nB\xff\x00", wantErr: ErrBinary},
		{name: "bad UTF-8 late", reason: "a bad line anywhere skips the whole file", in: "H\nfine\n\n\xc3\x28", wantErr: ErrInvalidUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Text("s.txt", strings.NewReader(tt.in))
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr, tt.reason)
				assert.Nil(t, doc)
				return
			}
			require.NoError(t, err, tt.reason)
			assert.Equal(t, tt.wantTitle, doc.Title, tt.reason)
			assert.Equal(t, tt.wantTitleLine, doc.TitleLine, tt.reason)
			assert.Equal(t, tt.wantParas, doc.Paragraphs, tt.reason)
		})
	}
}

func TestReadTextHuge(t *testing.T) {
	big := bytes.Repeat([]byte("all one line "), 10<<20/13)
	t.Run("10 MB headline", func(t *testing.T) {
		doc, err := Text("big.txt", bytes.NewReader(big))
		require.NoError(t, err, "a 10 MB line is under the default cap")
		assert.Len(t, doc.Title, len(big)-1, "trimmed")
		assert.Empty(t, doc.Paragraphs)
	})
	t.Run("10 MB paragraph over the cap", func(t *testing.T) {
		in := io.MultiReader(strings.NewReader("Head\r\n"), bytes.NewReader(big))
		doc, err := readText("big.txt", bufioReader(in), 1<<20, false)
		assert.Nil(t, doc)
		assert.ErrorIs(t, err, ErrLineTooLong)
		assert.EqualError(t, err, "big.txt:2: line too long: more than 1048576 bytes")
	})
	t.Run("10 MB of binary", func(t *testing.T) {
		bin := make([]byte, 10<<20)
		for i := range bin {
			bin[i] = byte(i * 7)
		}
		_, err := Text("bin.txt", bytes.NewReader(bin))
		assert.ErrorIs(t, err, ErrBinary)
	})
}

func TestReadTextReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("Head\nBody\npartial"), iotest.ErrReader(boom))
	doc, err := Text("r.txt", r)
	assert.Nil(t, doc)
	assert.ErrorIs(t, err, boom)
	assert.EqualError(t, err, "r.txt:3: read error: boom")
}

// bufioReader wraps r the way the readers do.
func bufioReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, readBufferSize) }
