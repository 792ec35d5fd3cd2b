package read

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
)

const inputDir = "../../testdata/input"

// chunkings returns readers of data that deliver it in different ways.
func chunkings(data []byte) map[string]io.Reader {
	return map[string]io.Reader{
		"whole":    bytes.NewReader(data),
		"one byte": iotest.OneByteReader(bytes.NewReader(data)),
		"half":     iotest.HalfReader(bytes.NewReader(data)),
		"data+EOF": iotest.DataErrReader(bytes.NewReader(data)),
	}
}

// line is what lineReader.next returns, for comparisons.
type line struct {
	Text    string
	TooLong bool
}

func readLines(r io.Reader, bufSize, max int) ([]line, error) {
	lr := newLineReader(bufio.NewReaderSize(r, bufSize), max)
	var out []line
	for {
		l, tooLong, ok := lr.next()
		if !ok {
			return out, lr.err
		}
		out = append(out, line{string(l), tooLong})
	}
}

func TestLineReader(t *testing.T) {
	long := strings.Repeat("x", 100)
	tests := []struct {
		name, reason, in string
		max              int
		want             []line
	}{
		{name: "empty", reason: "no input, no lines", in: "", want: nil},
		{name: "one newline", reason: "a terminator alone ends one empty line", in: "\n", want: []line{{Text: ""}}},
		{name: "no final newline", reason: "the last line needs no terminator", in: "a\nb", want: []line{{Text: "a"}, {Text: "b"}}},
		{name: "final newline", reason: "a final terminator adds no empty line", in: "a\nb\n", want: []line{{Text: "a"}, {Text: "b"}}},
		{name: "CRLF", reason: "\\r\\n is one terminator", in: "a\r\n\r\nb\r\n", want: []line{{Text: "a"}, {Text: ""}, {Text: "b"}}},
		{name: "lone CR", reason: "a lone \\r ends a line", in: "a\r\rb\r", want: []line{{Text: "a"}, {Text: ""}, {Text: "b"}}},
		{name: "LF CR", reason: "\\n\\r is two terminators", in: "a\n\rb", want: []line{{Text: "a"}, {Text: ""}, {Text: "b"}}},
		{name: "BOM", reason: "a BOM at the start is dropped", in: "\ufeffa\n\ufeffb", want: []line{{Text: "a"}, {Text: "\ufeffb"}}},
		{name: "BOM only", reason: "a BOM alone is empty input", in: "\ufeff", want: nil},
		{name: "partial BOM", reason: "the start of a BOM is kept", in: "\xef\xbb", want: []line{{Text: "\xef\xbb"}}},
		{name: "long lines", reason: "lines longer than the buffer are whole", in: long + "\r\n" + long + "\r" + long,
			max: 1000, want: []line{{Text: long}, {Text: long}, {Text: long}}},
		{name: "too long", reason: "a line over max is skipped and reading goes on", in: "ab\n" + long + "\ncd\r\n" + long,
			max: 99, want: []line{{Text: "ab"}, {TooLong: true}, {Text: "cd"}, {TooLong: true}}},
		{name: "at max", reason: "max counts the line without its terminator", in: long + "\r\n" + long + "x\n",
			max: 100, want: []line{{Text: long}, {TooLong: true}}},
	}
	for _, tt := range tests {
		max := tt.max
		if max == 0 {
			max = DefaultMaxLineBytes
		}
		for _, size := range []int{16, readBufferSize} {
			for name, r := range chunkings([]byte(tt.in)) {
				got, err := readLines(r, size, max)
				require.NoError(t, err)
				assert.Equal(t, tt.want, got, "%s (%s, buffer %d): %s", tt.name, name, size, tt.reason)
			}
		}
	}
}

// TestLineReaderNaive compares lineReader with naiveLines on inputs full of
// line terminators, at every buffer size that matters.
func TestLineReaderNaive(t *testing.T) {
	alphabet := []byte("ab\r\n")
	// Every string of length 6 over the alphabet.
	n := 1
	for range 6 {
		n *= len(alphabet)
	}
	buf := make([]byte, 6)
	for i := range n {
		k := i
		for j := range buf {
			buf[j] = alphabet[k%len(alphabet)]
			k /= len(alphabet)
		}
		var want []line
		for _, l := range naiveLines(buf) {
			want = append(want, line{Text: string(l)})
		}
		for _, r := range []io.Reader{bytes.NewReader(buf), iotest.OneByteReader(bytes.NewReader(buf))} {
			got, err := readLines(r, 16, DefaultMaxLineBytes)
			require.NoError(t, err)
			require.Equal(t, want, got, "input %q", buf)
		}
	}
}

func TestReadPathsFolder(t *testing.T) {
	root := filepath.Join(inputDir, "tree")
	ys := collect(Paths(context.Background(), []string{root}, nil, Options{}))
	docs := docsOf(t, ys)
	var ids, sources []string
	for _, d := range docs {
		ids = append(ids, d.ID)
		sources = append(sources, d.Source)
	}
	a, bj, cz, dt := filepath.Join(root, "a.txt"), filepath.Join(root, "b", "b.jsonl"),
		filepath.Join(root, "b", "c", "c.ndjson.gz"), filepath.Join(root, "b", "d.TXT")
	assert.Equal(t, []string{a, "tb1", "tb2", "tc1", dt}, ids,
		"lexical order, recursive, gzip read, upper-case extension read, hidden entries and notes.md skipped")
	assert.Equal(t, []string{a, bj, bj, cz, dt}, sources)
}

func TestReadPathsNamedFiles(t *testing.T) {
	in := func(name string) string { return filepath.Join(inputDir, name) }
	tests := []struct {
		name, reason string
		paths        []string
		opts         Options
		wantIDs      []string // "" for an error
		wantTitles   []string
	}{
		{name: "unknown extension", reason: "a named file is read whatever its name, here sniffed as text",
			paths: []string{in("tree/notes.md")}, wantIDs: []string{in("tree/notes.md")}, wantTitles: []string{"# not an article, skipped in folders"}},
		{name: "hidden file", reason: "a named hidden file is read",
			paths: []string{in("tree/.hidden.txt")}, wantIDs: []string{in("tree/.hidden.txt")}, wantTitles: []string{"Hidden headline"}},
		{name: "gzip JSONL", reason: ".jsonl.gz is gunzipped JSONL",
			paths: []string{in("small.jsonl.gz")}, wantIDs: []string{"g1", "g2"}, wantTitles: []string{"Gzipped one", "Gzipped two"}},
		{name: "gzip text", reason: ".txt.gz is a gunzipped article",
			paths: []string{in("seed.txt.gz")}, wantIDs: []string{in("seed.txt.gz")}, wantTitles: []string{"Libya's Haftar rejects Ankara, Moscow's call for ceasefire"}},
		{name: "BOM JSONL", reason: "a BOM before the first record is dropped",
			paths: []string{in("bom.jsonl")}, wantIDs: []string{"b1"}, wantTitles: []string{"BOM record"}},
		{name: "several paths", reason: "paths are read in order; an error does not stop the next",
			paths:   []string{in("small.jsonl.gz"), in("no-such-file.txt"), in("empty.txt"), in("bom.txt")},
			wantIDs: []string{"g1", "g2", "", "", in("bom.txt")}, wantTitles: []string{"Gzipped one", "Gzipped two", "", "", "BOM headline"}},
		{name: "format override", reason: "Format jsonl reads a .txt file as JSONL",
			paths: []string{in("title-only.txt")}, opts: Options{Format: FormatJSONL}, wantIDs: []string{""}, wantTitles: []string{""}},
		{name: "text override", reason: "Format text reads a .jsonl file as one article",
			paths: []string{in("bom.jsonl")}, opts: Options{Format: FormatText}, wantIDs: []string{in("bom.jsonl")},
			wantTitles: []string{`{"id": "b1", "title": "BOM record", "text": "One.\n\nTwo."}`}},
		{name: "field options", reason: "options reach the JSONL reader",
			paths: []string{in("small.jsonl.gz")}, opts: Options{IDFields: []string{"title"}, TitleFields: []string{"id"}},
			wantIDs: []string{"Gzipped one", "Gzipped two"}, wantTitles: []string{"g1", "g2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ys := collect(Paths(context.Background(), tt.paths, nil, tt.opts))
			var ids, titles []string
			for _, y := range ys {
				if y.err != nil {
					ids, titles = append(ids, ""), append(titles, "")
					var ie *Error
					assert.ErrorAs(t, y.err, &ie, "errors name the file")
					continue
				}
				ids, titles = append(ids, y.doc.ID), append(titles, y.doc.Title)
			}
			assert.Equal(t, tt.wantIDs, ids, tt.reason)
			assert.Equal(t, tt.wantTitles, titles, tt.reason)
		})
	}
}

func TestReadPathsErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, data, 0o644))
		return p
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(strings.Repeat(`{"text": "some body text"}`+"\n", 2000)))
	require.NoError(t, zw.Close())
	truncated := write("trunc.jsonl.gz", gz.Bytes()[:gz.Len()/2])
	notGzip := write("plain.txt.gz", []byte("Headline\nBody\n"))
	missing := filepath.Join(dir, "missing.jsonl")
	longText := write("long.txt", []byte("Headline\n"+strings.Repeat("x", 200)+"\n"))
	emptyGzip := write("empty.jsonl.gz", nil)
	good := write("good.txt", []byte("Good\nBody\n"))

	tests := []struct {
		name, reason string
		path         string
		opts         Options
		wantMsg      string // prefix of the last error
		wantErr      error
		wantNotExist bool
	}{
		{name: "missing", reason: "a file that cannot be opened is named", path: missing,
			wantMsg: missing + ": stat: no such file or directory", wantNotExist: true},
		{name: "not gzip", reason: "a .gz file that is not gzip is named", path: notGzip,
			wantMsg: notGzip + ": gunzip: gzip: invalid header", wantErr: gzip.ErrHeader},
		{name: "empty gzip", reason: "an empty .gz file is not gzip", path: emptyGzip,
			wantMsg: emptyGzip + ": gunzip: empty file"},
		{name: "truncated gzip", reason: "a gzip stream that ends early is a read error at the line being read", path: truncated,
			wantMsg: truncated + ":", wantErr: ErrRead},
		{name: "long text line", reason: "the line cap applies to text files", path: longText, opts: Options{MaxLineBytes: 100},
			wantMsg: longText + ":2: line too long: more than 100 bytes", wantErr: ErrLineTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ys := collect(Paths(context.Background(), []string{tt.path, good}, nil, tt.opts))
			require.NotEmpty(t, ys)
			last := ys[len(ys)-1]
			require.NoError(t, last.err, "the next path is read after an error")
			assert.Equal(t, "Good", last.doc.Title)
			errY := ys[len(ys)-2]
			require.Error(t, errY.err)
			assert.True(t, strings.HasPrefix(errY.err.Error(), tt.wantMsg), "%q should start with %q", errY.err, tt.wantMsg)
			if tt.wantErr != nil {
				assert.ErrorIs(t, errY.err, tt.wantErr)
			}
			if tt.wantNotExist {
				assert.ErrorIs(t, errY.err, fs.ErrNotExist)
			}
		})
	}

	t.Run("truncated gzip line", func(t *testing.T) {
		ys := collect(Paths(context.Background(), []string{truncated}, nil, Options{}))
		require.Greater(t, len(ys), 1)
		last := ys[len(ys)-1]
		var ie *Error
		require.ErrorAs(t, last.err, &ie)
		assert.Equal(t, len(ys), ie.Line, "the error is at the line after the last record read")
		assert.ErrorIs(t, last.err, io.ErrUnexpectedEOF)
	})
	t.Run("unknown format", func(t *testing.T) {
		ys := collect(Paths(context.Background(), []string{good}, nil, Options{Format: "xml"}))
		require.Len(t, ys, 1, "nothing is read")
		assert.ErrorIs(t, ys[0].err, ErrUnknownFormat)
		assert.EqualError(t, ys[0].err, `read: unknown input format "xml" (want auto, text, jsonl, json or csv)`)
	})
	t.Run("errors in a folder", func(t *testing.T) {
		sub := filepath.Join(dir, "sub")
		write("sub/1.txt", nil)
		write("sub/2.jsonl", []byte("{\n{\"text\": \"ok\"}\n"))
		write("sub/3.txt", []byte("Third\n"))
		ys := collect(Paths(context.Background(), []string{sub}, nil, Options{}))
		require.Len(t, ys, 4)
		assert.EqualError(t, ys[0].err, filepath.Join(sub, "1.txt")+": no headline: the file is empty")
		assert.ErrorIs(t, ys[1].err, ErrInvalidJSON)
		assert.True(t, strings.HasPrefix(ys[1].err.Error(), filepath.Join(sub, "2.jsonl")+":1: invalid JSON"), ys[1].err.Error())
		assert.Equal(t, "ok", ys[2].doc.Paragraphs[0].Text)
		assert.Equal(t, "Third", ys[3].doc.Title)
	})
	t.Run("empty folder", func(t *testing.T) {
		empty := filepath.Join(dir, "empty")
		write("empty/.hidden.txt", []byte("Hidden\n"))
		write("empty/notes.md", []byte("Notes\n"))
		require.NoError(t, os.MkdirAll(filepath.Join(empty, "sub"), 0o755))
		ys := collect(Paths(context.Background(), []string{empty, good}, nil, Options{}))
		require.Len(t, ys, 2)
		assert.ErrorIs(t, ys[0].err, ErrEmptyFolder, "a folder with nothing to read says so")
		assert.True(t, strings.HasPrefix(ys[0].err.Error(), empty+": no file to read in the folder"), ys[0].err.Error())
		assert.Equal(t, "Good", ys[1].doc.Title, "and the next path is read")
	})
	t.Run("symlinks", func(t *testing.T) {
		links := filepath.Join(dir, "links")
		target := write("target/t.txt", []byte("Target\n"))
		require.NoError(t, os.MkdirAll(links, 0o755))
		require.NoError(t, os.Symlink(filepath.Dir(target), filepath.Join(links, "dir.txt")))
		require.NoError(t, os.Symlink(target, filepath.Join(links, "file.txt")))
		require.NoError(t, os.Symlink(links, filepath.Join(links, "loop")))
		inside := write("links/real.txt", []byte("Inside\n"))
		require.NoError(t, os.Symlink(inside, filepath.Join(links, "within.txt")))
		ys := collect(Paths(context.Background(), []string{links}, nil, Options{}))
		var docs []*dedup.Document
		var errs []error
		for _, y := range ys {
			if y.err != nil {
				errs = append(errs, y.err)
			} else {
				docs = append(docs, y.doc)
			}
		}
		require.Len(t, errs, 1, "a link to a file out of the folder is reported")
		assert.ErrorIs(t, errs[0], ErrLinkOutside)
		assert.Contains(t, errs[0].Error(), filepath.Join(links, "file.txt"))
		require.Len(t, docs, 2, "links to folders are not followed, links to files inside are read")
		assert.Equal(t, filepath.Join(links, "real.txt"), docs[0].Source)
		assert.Equal(t, filepath.Join(links, "within.txt"), docs[1].Source)

		docs = docsOf(t, collect(Paths(context.Background(), []string{links}, nil, Options{FollowSymlinks: true})))
		require.Len(t, docs, 3, "FollowSymlinks reads the link out of the folder too")
		assert.Equal(t, filepath.Join(links, "file.txt"), docs[0].Source)
	})
}

func TestReadPathsStdin(t *testing.T) {
	seed, err := os.ReadFile(filepath.Join(inputDir, "seed.txt"))
	require.NoError(t, err)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(`{"title": "Z", "text": "zipped"}`))
	require.NoError(t, zw.Close())
	tests := []struct {
		name, reason string
		paths        []string
		in           []byte
		opts         Options
		wantIDs      []string
	}{
		{name: "no paths JSONL", reason: "no paths reads stdin, sniffed as JSONL", in: []byte("\n  {\"text\": \"a\"}\n{\"text\": \"b\"}"), wantIDs: []string{"-:2", "-:3"}},
		{name: "dash text", reason: "- reads stdin, sniffed as text", paths: []string{"-"}, in: seed, wantIDs: []string{"-"}},
		{name: "gzip", reason: "gzip on stdin is recognised", in: gz.Bytes(), wantIDs: []string{"-:1"}},
		{name: "BOM JSONL", reason: "the sniff looks past a BOM", in: []byte("\ufeff{\"text\": \"a\"}"), wantIDs: []string{"-:1"}},
		{name: "empty", reason: "empty stdin yields nothing", in: nil, wantIDs: nil},
		{name: "blank", reason: "blank stdin yields nothing", in: []byte("\n \r\n"), wantIDs: nil},
		{name: "forced text", reason: "Format text applies to stdin", in: []byte(`{"text": "a"}`), opts: Options{Format: FormatText}, wantIDs: []string{"-"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs := docsOf(t, collect(Paths(context.Background(), tt.paths, bytes.NewReader(tt.in), tt.opts)))
			var ids []string
			for _, d := range docs {
				ids = append(ids, d.ID)
				assert.Equal(t, "-", d.Source)
			}
			assert.Equal(t, tt.wantIDs, ids, tt.reason)
		})
	}
	t.Run("nil stdin", func(t *testing.T) {
		ys := collect(Paths(context.Background(), nil, nil, Options{}))
		require.Len(t, ys, 1)
		assert.ErrorIs(t, ys[0].err, ErrNoStdin)
	})
}

func TestReadPathsStop(t *testing.T) {
	paths := []string{filepath.Join(inputDir, "tree"), filepath.Join(inputDir, "mixed.jsonl"), filepath.Join(inputDir, "seed.txt")}
	all := collect(Paths(context.Background(), paths, nil, Options{}))
	require.Len(t, all, 5+7+1)

	t.Run("break", func(t *testing.T) {
		for stopAt := 1; stopAt <= len(all); stopAt++ {
			n := 0
			for range Paths(context.Background(), paths, nil, Options{}) {
				n++
				if n == stopAt {
					break // the runtime panics if the iterator yields again
				}
			}
			assert.Equal(t, stopAt, n)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		for stopAt := 1; stopAt <= len(all); stopAt++ {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var got []yielded
			for d, err := range Paths(ctx, paths, nil, Options{}) {
				got = append(got, yielded{d, err})
				if len(got) == stopAt {
					cancel()
				}
			}
			assert.Equal(t, all[:stopAt], got[:stopAt])
			if stopAt == len(all) {
				assert.Len(t, got, stopAt, "nothing was left to read: no context error")
				continue
			}
			require.Len(t, got, stopAt+1, "after the cancel, one more yield: the context error")
			assert.ErrorIs(t, got[stopAt].err, context.Canceled)
		}
	})
	t.Run("cancelled before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		ys := collect(Paths(ctx, paths, nil, Options{}))
		require.Len(t, ys, 1)
		assert.True(t, errors.Is(ys[0].err, context.Canceled))
	})
	t.Run("twice", func(t *testing.T) {
		seq := Paths(context.Background(), paths, nil, Options{})
		assert.Equal(t, collect(seq), collect(seq), "each iteration reads the paths again")
	})
}

func TestErrorMessage(t *testing.T) {
	assert.EqualError(t, &Error{File: "a.jsonl", Line: 3, Err: ErrInvalidJSON}, "a.jsonl:3: invalid JSON")
	assert.EqualError(t, &Error{File: "a.txt", Err: ErrNoHeadline}, "a.txt: no headline")
	assert.EqualError(t, &Error{File: "a.txt"}, "a.txt: <nil>")
	assert.ErrorIs(t, &Error{File: "a", Line: 1, Err: ErrBinary}, ErrBinary)
}

func TestReadahead(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 1000)
	boom := errors.New("boom")
	for _, size := range []int{1, 7, 4096, len(data), 2 * len(data)} {
		for name, r := range chunkings(data) {
			ra := newReadahead(r, size, 2, nil)
			got, err := io.ReadAll(ra)
			require.NoError(t, err)
			assert.Equal(t, data, got, "chunk %d, %s: every byte, in order", size, name)
			require.NoError(t, ra.Close())
		}
		ra := newReadahead(io.MultiReader(bytes.NewReader(data), iotest.ErrReader(boom)), size, 2, nil)
		got, err := io.ReadAll(ra)
		assert.ErrorIs(t, err, boom, "the error comes after the data")
		assert.Equal(t, data, got)
		require.NoError(t, ra.Close())
	}
	t.Run("close early", func(t *testing.T) {
		before := runtime.NumGoroutine()
		// An endless reader: Close must stop the goroutine anyway.
		ra := newReadahead(endless{}, 64, 3, nil)
		p := make([]byte, 10)
		_, err := ra.Read(p)
		require.NoError(t, err)
		require.NoError(t, ra.Close())
		require.NoError(t, ra.Close(), "Close twice is harmless")
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		assert.LessOrEqual(t, runtime.NumGoroutine(), before, "the goroutine stops after Close")
	})
}

// endless reads zeros forever.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestReadPathsStreams checks that a record on stdin is yielded as soon as
// its line is complete, before more input arrives.
func TestReadPathsStreams(t *testing.T) {
	for _, first := range []string{"{\"id\": \"1\", \"text\": \"a\"}\n", "\ufeff  {\"id\": \"1\", \"text\": \"a\"}\r\n"} {
		pr, pw := io.Pipe()
		got1 := make(chan struct{})
		waited := make(chan bool, 1)
		go func() {
			_, _ = pw.Write([]byte(first))
			select {
			case <-got1:
				waited <- false
			case <-time.After(5 * time.Second):
				waited <- true
			}
			_, _ = pw.Write([]byte(`{"id": "2", "text": "b"}`))
			_ = pw.Close()
		}()
		var ids []string
		for d, err := range Paths(context.Background(), nil, pr, Options{}) {
			require.NoError(t, err)
			ids = append(ids, d.ID)
			if d.ID == "1" {
				select {
				case <-got1:
				default:
					close(got1)
				}
			}
		}
		select {
		case <-got1:
		default:
			t.Fatal("no first record")
		}
		assert.Equal(t, []string{"1", "2"}, ids)
		assert.False(t, <-waited, "the first record came before more input")
	}
}

func TestSizeAndBytesRead(t *testing.T) {
	paths := []string{filepath.Join(inputDir, "formats"), filepath.Join(inputDir, "seed.txt.gz"), "-", filepath.Join(inputDir, "missing.txt")}
	var want int64
	for _, p := range []string{"formats/a.json", "formats/b.csv.zst", "formats/c.jsonl.bz2", "formats/d.jsonl.xz", "seed.txt.gz"} {
		fi, err := os.Stat(filepath.Join(inputDir, p))
		require.NoError(t, err)
		want += fi.Size()
	}
	assert.Equal(t, want, Size(paths), "the files Paths reads, as stored; stdin, missing files and .tsv count nothing")

	var n atomic.Int64
	stdin := "Stdin headline\nBody.\n"
	for range Paths(context.Background(), paths, strings.NewReader(stdin), Options{BytesRead: &n}) {
	}
	assert.Equal(t, want+int64(len(stdin)), n.Load(), "every byte read is counted, stdin too")
}
