// Package read reads news articles as dedup.Documents: plain text (one
// article per file, see Text), JSONL (one per line, see JSONL), JSON
// arrays (what Scrapy's "-o items.json" writes, see JSONArray), CSV with a
// header row (see CSV), any of them compressed with gzip, zstd or bzip2,
// folders of them and standard input. Paths reads all of these, as the
// newsdedup command does; Text, JSONL, JSONArray and CSV read one stream.
//
// An error in one record or file is an *Error naming the file and line,
// "corpus.jsonl:1042: invalid JSON: ...", wrapping one of the sentinels
// ErrInvalidJSON, ErrNotObject, ErrInvalidUTF8, ErrLineTooLong,
// ErrMissingBody, ErrBinary, ErrNoHeadline, ErrInvalidCSV,
// ErrUnsupportedCompression, ErrEmptyFolder or ErrRead; reading goes on
// with the next record.
package read

// This file holds what the readers share: Options, Paths (which opens
// files, walks folders, gunzips and picks a format for each input),
// lineReader, the capped line splitter under both the text and the JSONL
// reader, and readahead, which gunzips in a goroutine.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/newsdedup/newsdedup/dedup"
)

// Default field names of JSONL records, tried in order.
var (
	// DefaultTitleFields are the fields a JSONL headline is read from.
	DefaultTitleFields = []string{"title", "headline"}
	// DefaultBodyFields are the fields a JSONL body is read from.
	DefaultBodyFields = []string{"text", "body", "content", "articleBody"}
	// DefaultIDFields are the fields a JSONL id is read from.
	DefaultIDFields = []string{"id", "url"}
)

// DefaultMaxLineBytes is the longest line the readers accept when
// Options.MaxLineBytes is 0.
const DefaultMaxLineBytes = 64 << 20

// Input formats, for Options.Format and dedup.Document.Format.
const (
	// FormatAuto decides by file name, and sniffs the others.
	FormatAuto = "auto"
	// FormatText is one article per file (see Text).
	FormatText = "text"
	// FormatJSONL is one JSON object per line (see JSONL).
	FormatJSONL = "jsonl"
	// FormatJSON is a JSON array of objects (see JSONArray).
	FormatJSON = "json"
	// FormatCSV is a CSV file with a header row (see CSV).
	FormatCSV = "csv"
)

// maxKeptBuffer is the largest scratch buffer kept from one line to the
// next.
const maxKeptBuffer = 1 << 20

// readBufferSize is the size of the bufio.Reader under each input. Lines
// that fit in it are handed out without copying.
const readBufferSize = 64 << 10

// Options say how to read articles. The zero value reads with the
// defaults.
type Options struct {
	// TitleFields are the fields (JSON) or columns (CSV) tried, in
	// order, for the headline; nil means DefaultTitleFields.
	TitleFields []string
	// BodyFields are the fields or columns tried, in order, for the body;
	// nil means DefaultBodyFields.
	BodyFields []string
	// IDFields are the fields or columns tried, in order, for the id; nil
	// means DefaultIDFields.
	IDFields []string
	// Format is "" or "auto" (decide by file name, sniff standard input
	// and unknown names), "text", "jsonl", "json" or "csv".
	Format string
	// MaxLineBytes caps the length of one line (of a JSON array element,
	// of a CSV record), terminator excluded; 0 means DefaultMaxLineBytes.
	// A longer one is an ErrLineTooLong: a record is skipped and reading
	// goes on with the next one; a text file is skipped.
	MaxLineBytes int
	// NoRaw leaves dedup.Document.Raw nil, for readers that never write a record
	// back: it saves a copy of every record.
	NoRaw bool
	// FollowSymlinks reads the files that symbolic links inside a folder
	// lead to wherever they are. False (the default) reads only those
	// that stay inside the folder named, and reports each other one as an
	// ErrLinkOutside. Links to folders are never followed.
	FollowSymlinks bool
	// BytesRead, when not nil, is added the bytes Paths reads from each
	// file and from stdin, as they are stored (before decompression), as
	// they are read; with Size it tells how far a reading has come. It is
	// updated from the goroutines that read, so it is atomic.
	BytesRead *atomic.Int64
}

// withDefaults returns o with nil and zero fields replaced by defaults.
func (o Options) withDefaults() (Options, error) {
	if o.TitleFields == nil {
		o.TitleFields = DefaultTitleFields
	}
	if o.BodyFields == nil {
		o.BodyFields = DefaultBodyFields
	}
	if o.IDFields == nil {
		o.IDFields = DefaultIDFields
	}
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = DefaultMaxLineBytes
	}
	switch o.Format {
	case "", FormatAuto:
		o.Format = FormatAuto
	case FormatText, FormatJSONL, FormatJSON, FormatCSV:
	default:
		return o, fmt.Errorf("%w %q (want %s, %s, %s, %s or %s)", ErrUnknownFormat, o.Format, FormatAuto, FormatText, FormatJSONL, FormatJSON, FormatCSV)
	}
	return o, nil
}

// Paths reads the articles in paths: files, folders, or "-" for stdin.
// No paths at all means stdin. The source name of stdin is "-".
//
// Folders are walked recursively in lexical order. Inside a folder, entries
// whose name starts with '.' are skipped, symbolic links to folders are not
// followed, and only files ending in .txt, .text, .jsonl, .ndjson, .json or
// .csv, each perhaps followed by a compression extension (.gz, .zst, .bz2,
// or one that is refused, such as .xz), are read (case-insensitively). A
// folder with no such file is an *Error wrapping ErrEmptyFolder. A file
// named explicitly in paths is always read, whatever its name.
//
// The compression and format of each input are decided this way:
//   - Input that starts with the magic bytes of gzip, zstd or bzip2 is
//     decompressed, whatever its name; so is a name ending in ".gz",
//     ".zst" or ".bz2". Input that starts with those of xz, lz4, zip, 7z,
//     lzip or compress, or whose name ends in their extension (or
//     ".lzma", ".br", ".sz"), is an *Error wrapping
//     ErrUnsupportedCompression: "unsupported compression (xz)".
//   - Then the name without its compression extension decides the format:
//     ".jsonl" and ".ndjson" are JSONL, one article per line (see JSONL);
//     ".json" is a JSON array (see JSONArray), or JSONL when its first
//     byte that is not white space is '{'; ".csv" is CSV (see CSV);
//     ".txt" and ".text" are text, one article per file (see Text).
//   - Any other name, and stdin, is sniffed: the input is JSONL when its
//     first byte that is not white space or a UTF-8 byte order mark is
//     '{', a JSON array when it is '[' and the next one '{' or ']', else
//     text. CSV is never sniffed. Sniffed input with no such byte at all is
//     empty and yields nothing.
//   - opts.Format "text", "jsonl", "json" or "csv" overrides the format the
//     name or the sniff would give (compression is still recognised).
//
// In text, JSONL and JSON a line ends at "\n", "\r\n" or a lone "\r"; in
// CSV at "\n" or "\r\n", as encoding/csv has it. A UTF-8 byte order mark
// at the start of an input is dropped.
//
// An error in one record (bad JSON, invalid UTF-8, a line too long, a
// missing body...) is yielded as (nil, *Error) naming the file and
// line, and iteration continues with the next record. An error that ends a
// file (it cannot be opened, decompressed or read) is yielded as
// (nil, *Error) too, and iteration continues with the next file. An
// invalid opts.Format is yielded once, as an error wrapping
// ErrUnknownFormat, and nothing is read.
//
// Iteration stops when the consumer breaks out of the loop, or when ctx is
// done, in which case ctx.Err() is yielded once. Each iteration opens the
// paths again (stdin, though, can only be read once), so the sequence may
// be ranged over by several goroutines at once when it reads no stdin.
// Documents yielded do not share memory with the reader or each other,
// but for the CSVHeader of the records of one CSV file.
func Paths(ctx context.Context, paths []string, stdin io.Reader, opts Options) iter.Seq2[*dedup.Document, error] {
	return func(yield func(*dedup.Document, error) bool) {
		o, err := opts.withDefaults()
		if err != nil {
			yield(nil, err)
			return
		}
		if len(paths) == 0 {
			paths = []string{"-"}
		}
		pr := &pathReader{ctx: ctx, opts: o, stdin: stdin, yield: yield, jsonl: newJSONLDecoder(o)}
		for _, p := range paths {
			if !pr.path(p) {
				return
			}
		}
	}
}

// pathReader carries the state of one Paths iteration.
type pathReader struct {
	ctx   context.Context
	opts  Options
	stdin io.Reader
	yield func(*dedup.Document, error) bool
	jsonl *jsonlDecoder
}

// path reads one argument of Paths. It returns false when iteration
// must stop.
func (pr *pathReader) path(p string) bool {
	if err := pr.ctx.Err(); err != nil {
		pr.yield(nil, err)
		return false
	}
	if p == "-" {
		if pr.stdin == nil {
			return pr.yield(nil, ErrNoStdin)
		}
		return pr.stream("-", "", pr.counted(pr.stdin))
	}
	fi, err := os.Stat(p)
	if err != nil {
		return pr.yield(nil, &Error{File: p, Err: pathError(err)})
	}
	if fi.IsDir() {
		return pr.walk(p)
	}
	return pr.file(p)
}

// walk reads the folder root recursively.
func (pr *pathReader) walk(root string) bool {
	more, files, errs := true, 0, 0
	walkFolder(root, pr.opts.FollowSymlinks, func(p string, err error) bool {
		if cerr := pr.ctx.Err(); cerr != nil {
			pr.yield(nil, cerr)
			more = false
			return false
		}
		if err != nil {
			errs++
			more = pr.yield(nil, &Error{File: p, Err: pathError(err)})
			return more
		}
		files++
		more = pr.file(p)
		return more
	})
	if more && files == 0 && errs == 0 {
		return pr.yield(nil, &Error{File: root, Err: ErrEmptyFolder})
	}
	return more
}

// walkFolder calls visit with each file of the folder root that Paths
// reads, in lexical order, and with each error met on the way (with the
// path it concerns), until visit returns false. A symbolic link to a file
// outside root is an ErrLinkOutside unless follow is set.
func walkFolder(root string, follow bool, visit func(p string, err error) bool) {
	realRoot, rerr := filepath.EvalSymlinks(root)
	if rerr != nil {
		realRoot = root
	}
	// WalkDir visits entries in lexical order and does not follow links.
	// It returns only what the function returns, nil here (SkipAll and
	// SkipDir are not errors), so its result is not checked.
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if !visit(p, err) {
				return filepath.SkipAll
			}
			return nil
		}
		if p == root {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !folderFileName(d.Name()) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if fi, err := os.Stat(p); err == nil && fi.IsDir() {
				return nil
			}
			if !follow && !within(realRoot, p) {
				if !visit(p, ErrLinkOutside) {
					return filepath.SkipAll
				}
				return nil
			}
		}
		if !visit(p, nil) {
			return filepath.SkipAll
		}
		return nil
	})
}

// within reports whether the link p leads to a file inside the folder
// realRoot (a path with its links resolved).
func within(realRoot, p string) bool {
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		return true // a dangling link: reading it reports the error
	}
	rel, err := filepath.Rel(realRoot, target)
	return err == nil && filepath.IsLocal(rel)
}

// Size returns the number of bytes Paths reads from the files and folders
// in paths, as they are stored (compressed files count their compressed
// size), "-" left out; with Options.BytesRead it gives a reader's
// progress. Paths that cannot be read count nothing.
func Size(paths []string) int64 {
	var n int64
	add := func(p string) {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
	}
	for _, p := range paths {
		fi, err := os.Stat(p)
		switch {
		case p == "-" || err != nil:
		case fi.IsDir():
			walkFolder(p, false, func(f string, err error) bool {
				if err == nil {
					add(f)
				}
				return true
			})
		default:
			add(p)
		}
	}
	return n
}

// folderFileName reports whether a file found inside a folder is read:
// its extension, after one compression extension (supported or not, so
// that corpus.jsonl.xz is refused by name rather than passed over), names
// a format.
func folderFileName(name string) bool {
	base, _ := splitCompression(strings.ToLower(name))
	return formatOfExt(filepath.Ext(base)) != FormatAuto
}

// pathError drops the path from an *fs.PathError, which Error names.
func pathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// file reads one file.
func (pr *pathReader) file(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return pr.yield(nil, &Error{File: p, Err: pathError(err)})
	}
	defer f.Close()
	return pr.stream(p, p, pr.counted(f))
}

// counted returns r, counting what is read from it in opts.BytesRead.
func (pr *pathReader) counted(r io.Reader) io.Reader {
	if pr.opts.BytesRead == nil {
		return r
	}
	return countingReader{r, pr.opts.BytesRead}
}

// countingReader adds the bytes read from r to n.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n.Add(int64(k))
	return k, err
}

// stream reads one input. name is the source name; fileName, when not
// empty, decides compression and format by its extensions.
func (pr *pathReader) stream(name, fileName string, r io.Reader) bool {
	base, comp := splitCompression(strings.ToLower(fileName))
	byName := formatOfExt(filepath.Ext(base))
	br := bufio.NewReaderSize(r, readBufferSize)
	head, err := peek(br, magicLen)
	if err != nil {
		return pr.yield(nil, &Error{File: name, Err: fmt.Errorf("%w: %w", ErrRead, err)})
	}
	if c := compressionOf(head); c != "" {
		comp = c
	}
	if comp != "" {
		zr, stop, err := decompress(br, comp)
		if err != nil {
			return pr.yield(nil, &Error{File: name, Err: err})
		}
		defer stop()
		br = bufio.NewReaderSize(zr, readBufferSize)
	}
	format := pr.opts.Format
	if format == FormatAuto {
		format = byName
	}
	if format == FormatAuto || format == FormatJSON {
		c, err := sniff(br)
		if err != nil {
			return pr.yield(nil, &Error{File: name, Err: fmt.Errorf("%w: %w", ErrRead, err)})
		}
		switch {
		case c == 0:
			return true // empty
		case c == '{':
			format = FormatJSONL
		case c == '[' && (format == FormatJSON || jsonArrayAhead(br)):
			format = FormatJSON
		case format == FormatAuto:
			format = FormatText
		}
	}
	if err := pr.ctx.Err(); err != nil {
		pr.yield(nil, err)
		return false
	}
	switch format {
	case FormatJSONL:
		return pr.jsonl.read(pr.ctx, name, br, pr.yield)
	case FormatJSON:
		return pr.jsonl.readArray(pr.ctx, name, br, pr.yield)
	case FormatCSV:
		return readCSV(pr.ctx, name, br, pr.opts, pr.yield)
	}
	doc, err := readText(name, br, pr.opts.MaxLineBytes, !pr.opts.NoRaw)
	if err != nil {
		return pr.yield(nil, err)
	}
	return pr.yield(doc, nil)
}

// formatOfExt returns the format a file extension (lower case) stands
// for: FormatAuto when it says nothing, FormatJSON for ".json", which
// may hold an array or JSONL.
func formatOfExt(ext string) string {
	switch ext {
	case ".jsonl", ".ndjson":
		return FormatJSONL
	case ".json":
		return FormatJSON
	case ".csv":
		return FormatCSV
	case ".txt", ".text":
		return FormatText
	}
	return FormatAuto
}

// jsonArrayAhead reports whether the input of br, whose first byte that
// is not white space (or a byte order mark) is '[', is a JSON array of
// objects: the next such byte is '{' or ']'. A text article headed
// "[VIDEO] ..." is not one. Like sniff, it reads no more than it needs.
func jsonArrayAhead(br *bufio.Reader) bool {
	seen := false // the '['
	for i := 0; ; i++ {
		b, _ := br.Peek(i + 1)
		if len(b) <= i {
			return false
		}
		switch c := b[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
		case !seen && c == '[':
			seen = true
		case !seen:
			// the byte order mark
		default:
			return c == '{' || c == ']'
		}
	}
}

// sniff returns the first byte of br that is not white space or part of a
// UTF-8 byte order mark, without consuming anything and without waiting for
// more input than it needs. It returns 0 when the input has no such byte,
// and ' ' when the whole buffer is white space.
func sniff(br *bufio.Reader) (byte, error) {
	b, err := peek(br, len(utf8BOM))
	if err != nil {
		return 0, err
	}
	start := 0
	if bytes.Equal(b, utf8BOM) {
		start = len(utf8BOM)
	}
	for i := start; ; i++ {
		b, err := br.Peek(i + 1)
		if len(b) <= i {
			switch {
			case err == io.EOF:
				return 0, nil
			case errors.Is(err, bufio.ErrBufferFull):
				return ' ', nil
			}
			return 0, err
		}
		switch b[i] {
		case ' ', '\t', '\n', '\r', '\f', '\v':
		default:
			return b[i], nil
		}
	}
}

// peek is br.Peek(n) where a short input is not an error: the error is nil
// or a read error.
func peek(br *bufio.Reader, n int) ([]byte, error) {
	b, err := br.Peek(n)
	if err == io.EOF || errors.Is(err, bufio.ErrBufferFull) {
		err = nil
	}
	return b, err
}

// utf8BOM is the UTF-8 encoding of U+FEFF, dropped at the start of input.
var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// lineReader splits its input into lines ending at "\n", "\r\n" or a lone
// "\r", and numbers them from 1. A line longer than max is not kept: it is
// read to its end and reported as too long, so one huge line costs at most
// max bytes of memory and does not stop the reading. Lines that fit in the
// bufio.Reader's buffer are returned without copying. The BOM at the start
// of the input is dropped.
type lineReader struct {
	r      *bufio.Reader
	max    int
	n      int    // number of the last line returned
	acc    []byte // a line that did not fit in the buffer
	skipLF bool   // the last line ended in '\r' at the buffer's end
	bomOK  bool   // the start of the input was checked for a BOM
	done   bool
	err    error // read error other than io.EOF, reported once done
}

// newLineReader returns a lineReader over r with lines of at most max bytes.
func newLineReader(r *bufio.Reader, max int) *lineReader {
	return &lineReader{r: r, max: max}
}

// next returns the next line, without its terminator, valid until the next
// call. When the line is longer than max, line is nil and tooLong is true.
// ok is false at the end of the input or on a read error (see lr.err).
func (lr *lineReader) next() (line []byte, tooLong, ok bool) {
	if lr.done {
		return nil, false, false
	}
	if !lr.bomOK {
		lr.bomOK = true
		b, err := peek(lr.r, len(utf8BOM))
		if err != nil {
			lr.done, lr.err = true, err
			return nil, false, false
		}
		if bytes.Equal(b, utf8BOM) {
			_, _ = lr.r.Discard(len(utf8BOM))
		}
	}
	if cap(lr.acc) > maxKeptBuffer {
		lr.acc = nil // do not hold on to the memory of one huge line
	}
	lr.acc = lr.acc[:0]
	size := 0        // bytes of the line so far
	started := false // some byte of the line, or its terminator, was seen
	for {
		if lr.r.Buffered() == 0 {
			if _, err := lr.r.Peek(1); err != nil {
				lr.done = true
				if err != io.EOF {
					lr.err = err
					return nil, false, false
				}
				if !started {
					return nil, false, false
				}
				return lr.finish(nil, 0, size)
			}
		}
		buf, _ := lr.r.Peek(lr.r.Buffered())
		if lr.skipLF {
			lr.skipLF = false
			if buf[0] == '\n' {
				_, _ = lr.r.Discard(1)
				continue
			}
		}
		started = true
		seg := buf
		lf := bytes.IndexByte(buf, '\n')
		if lf >= 0 {
			seg = buf[:lf]
		}
		if cr := bytes.IndexByte(seg, '\r'); cr >= 0 {
			adv := cr + 1
			if cr+1 < len(buf) {
				if buf[cr+1] == '\n' {
					adv++
				}
			} else {
				lr.skipLF = true
			}
			return lr.finish(buf[:cr], adv, size)
		}
		if lf >= 0 {
			return lr.finish(buf[:lf], lf+1, size)
		}
		// No terminator in the buffer: keep what we have and read on.
		size += len(buf)
		if size <= lr.max {
			lr.acc = append(lr.acc, buf...)
		}
		_, _ = lr.r.Discard(len(buf))
	}
}

// finish ends the current line with part, the rest of it in the buffer,
// then discards adv bytes. size counts the bytes of the line before part.
func (lr *lineReader) finish(part []byte, adv, size int) ([]byte, bool, bool) {
	lr.n++
	size += len(part)
	var line []byte
	switch {
	case size > lr.max:
		lr.acc = lr.acc[:0]
		_, _ = lr.r.Discard(adv)
		return nil, true, true
	case len(lr.acc) == 0:
		line = part // still valid: Discard does not overwrite the buffer
	default:
		lr.acc = append(lr.acc, part...)
		line = lr.acc
	}
	_, _ = lr.r.Discard(adv)
	return line, false, true
}

// readError wraps a read error of lr as an Error at the line being read.
func (lr *lineReader) readError(name string) error {
	return &Error{File: name, Line: lr.n + 1, Err: fmt.Errorf("%w: %w", ErrRead, lr.err)}
}

// Gunzipping costs more than decoding JSONL, so it runs in its own
// goroutine, this many chunks of this size ahead of the reader.
const (
	readaheadChunk  = 256 << 10
	readaheadChunks = 4
)

// readahead reads r in a goroutine, up to n chunks ahead of its own Read.
// The goroutine owns r: nothing else may use r once newReadahead is called.
// Close asks the goroutine to stop, without waiting for it, so a consumer
// that stops early is not held up by a stalled reader such as a pipe; the
// goroutine returns once its current r.Read does (a read from a closed file
// returns at once). A readahead is not safe for concurrent use.
type readahead struct {
	filled chan []byte   // chunks read, in order; closed after the last
	free   chan []byte   // chunks the consumer is done with
	done   chan struct{} // closed by Close
	err    error         // the error that ended r, set before filled is closed
	buf    []byte        // the chunk being consumed
	cur    []byte        // its unread part
}

// newReadahead starts reading r in chunks of size bytes, at most n ahead.
// done, when not nil, is called by the goroutine once it is done with r.
func newReadahead(r io.Reader, size, n int, done func()) *readahead {
	ra := &readahead{
		filled: make(chan []byte, n),
		free:   make(chan []byte, n+1),
		done:   make(chan struct{}),
	}
	go func() {
		if done != nil {
			defer done()
		}
		ra.fill(r, size, n+1)
	}()
	return ra
}

// fill runs in the goroutine: it reads r into at most max chunks, reused.
func (ra *readahead) fill(r io.Reader, size, max int) {
	defer close(ra.filled)
	made := 0
	for {
		var buf []byte
		select {
		case buf = <-ra.free:
		case <-ra.done:
			return
		default:
			if made < max {
				buf = make([]byte, size)
				made++
				break
			}
			select {
			case buf = <-ra.free:
			case <-ra.done:
				return
			}
		}
		k := 0
		var err error
		for k < len(buf) && err == nil {
			var m int
			m, err = r.Read(buf[k:])
			k += m
		}
		if k > 0 {
			select {
			case ra.filled <- buf[:k]:
			case <-ra.done:
				return
			}
		}
		if err != nil {
			ra.err = err
			return
		}
	}
}

// Read implements io.Reader, returning r's error (io.EOF at the end) once
// every byte read before it has been returned. It must not be called after
// Close.
func (ra *readahead) Read(p []byte) (int, error) {
	for len(ra.cur) == 0 {
		if ra.buf != nil {
			ra.free <- ra.buf[:cap(ra.buf)] // never blocks: free holds every chunk
			ra.buf = nil
		}
		buf, ok := <-ra.filled
		if !ok {
			return 0, ra.err
		}
		ra.buf, ra.cur = buf, buf
	}
	n := copy(p, ra.cur)
	ra.cur = ra.cur[n:]
	return n, nil
}

// Close asks the goroutine to stop. It is safe to call more than once.
func (ra *readahead) Close() error {
	select {
	case <-ra.done:
	default:
		close(ra.done)
	}
	return nil
}
