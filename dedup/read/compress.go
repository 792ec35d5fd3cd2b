package read

// Compressed input: gzip, zstd and bzip2 are read; other compressions
// are recognised, by their magic bytes or their file extension, and
// refused by name ("unsupported compression (xz)") rather than read as
// binary garbage.

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// Compressions read.
const (
	compGzip  = "gzip"
	compZstd  = "zstd"
	compBzip2 = "bzip2"
)

// compressionExts maps file extensions (lower case) to the compression
// they stand for, read or not.
var compressionExts = map[string]string{
	".gz": compGzip, ".zst": compZstd, ".zstd": compZstd, ".bz2": compBzip2,
	".xz": "xz", ".lzma": "lzma", ".lz": "lzip", ".lz4": "lz4", ".br": "brotli",
	".z": "compress", ".sz": "snappy", ".7z": "7z", ".zip": "zip",
}

// magicNumbers are the first bytes of the compressed formats that have
// them. bzip2's are checked apart (see isBzip2).
var magicNumbers = []struct {
	name  string
	magic []byte
}{
	{compGzip, []byte{0x1f, 0x8b}},
	{compZstd, []byte{0x28, 0xb5, 0x2f, 0xfd}},
	{"xz", []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}},
	{"lz4", []byte{0x04, 0x22, 0x4d, 0x18}},
	{"compress", []byte{0x1f, 0x9d}},
	{"lzip", []byte("LZIP")},
	{"7z", []byte{'7', 'z', 0xbc, 0xaf, 0x27, 0x1c}},
	{"zip", []byte{'P', 'K', 0x03, 0x04}},
}

// magicLen is how many bytes compressionOf looks at.
const magicLen = 10

// compressionOf names the compression of data that starts with head, by
// its magic bytes; "" when it has none known. Every magic number but
// bzip2's holds a byte that is invalid UTF-8 or a control character, so
// text never starts with one; bzip2's "BZh" is checked up to its block
// magic (the digits of pi, or of sqrt(pi) for an empty stream).
func compressionOf(head []byte) string {
	for _, m := range magicNumbers {
		if bytes.HasPrefix(head, m.magic) {
			return m.name
		}
	}
	if isBzip2(head) {
		return compBzip2
	}
	return ""
}

// isBzip2 reports whether head starts a bzip2 stream: "BZh", a block
// size digit, then a block or end-of-stream magic.
func isBzip2(head []byte) bool {
	if len(head) < 10 || !bytes.HasPrefix(head, []byte("BZh")) || head[3] < '1' || head[3] > '9' {
		return false
	}
	block := head[4:10]
	return bytes.Equal(block, []byte{0x31, 0x41, 0x59, 0x26, 0x53, 0x59}) ||
		bytes.Equal(block, []byte{0x17, 0x72, 0x45, 0x38, 0x50, 0x90})
}

// splitCompression splits a lower-case file name into the name without
// its compression extension and that compression ("" for none).
func splitCompression(lower string) (base, comp string) {
	ext := filepath.Ext(lower)
	if c, ok := compressionExts[ext]; ok {
		return strings.TrimSuffix(lower, ext), c
	}
	return lower, ""
}

// zstdMaxWindow bounds the memory a zstd stream may ask for: 128 MiB, what
// "zstd --ultra -22" and "--long" (27) use.
const zstdMaxWindow = 128 << 20

// decompress returns a reader of the data of br decompressed with comp,
// decoding ahead in a goroutine, and a function that stops it. An empty
// input is an error: there is no compressed stream in it.
func decompress(br *bufio.Reader, comp string) (io.Reader, func(), error) {
	switch comp {
	case compGzip, compZstd, compBzip2:
	default:
		return nil, nil, fmt.Errorf("%w (%s)", ErrUnsupportedCompression, comp)
	}
	if b, err := br.Peek(1); len(b) == 0 {
		if err == io.EOF {
			err = errors.New("empty file")
		}
		what := comp
		if comp == compGzip {
			what = "gunzip"
		}
		return nil, nil, fmt.Errorf("%s: %w", what, err)
	}
	var r io.Reader
	var closer func()
	switch comp {
	case compGzip:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("gunzip: %w", err)
		}
		r = zr
	case compZstd:
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(zstdMaxWindow))
		if err != nil {
			return nil, nil, fmt.Errorf("zstd: %w", err)
		}
		r, closer = zr, zr.Close
	default:
		r = bzip2.NewReader(br)
	}
	ra := newReadahead(r, readaheadChunk, readaheadChunks, closer)
	return ra, func() { ra.Close() }, nil
}
