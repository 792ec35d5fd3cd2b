package main

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/klauspost/compress/zstd"
)

// maxNameBytes is the longest file name most file systems take.
const maxNameBytes = 255

// tempBase returns the hidden name a temporary file for base starts
// with: "." and base, or, when that and room more bytes would not fit in
// a file name, "." and as much of base as fits, "~" and a hash of all of
// it, so that names of 240 bytes and more still get a temporary file.
func tempBase(base string, room int) string {
	if 1+len(base)+room <= maxNameBytes {
		return "." + base
	}
	h := fnv.New64a()
	h.Write([]byte(base))
	cut := max(maxNameBytes-room-1-17, 0)
	for cut > 0 && !utf8.RuneStart(base[cut]) {
		cut--
	}
	return fmt.Sprintf(".%s~%016x", base[:cut], h.Sum64())
}

// sink is one output stream: standard output, or a file written under a
// temporary name in its folder and renamed by commit.
type sink struct {
	w      *bufio.Writer
	zw     io.WriteCloser // the compressor of a .gz or .zst file
	file   *os.File       // the temporary file, nil for standard output
	direct *os.File       // a file that is not regular, written in place
	path   string
	done   bool
}

// openSink opens path for writing, or stdout when path is "" or "-".
// A path ending in .gz is gzipped, one ending in .zst compressed with
// zstd. A regular file (or a link to one) is written under a temporary
// name and renamed; anything else that exists (/dev/stdout, a named pipe)
// is written to directly.
func openSink(path string, stdout io.Writer) (*sink, error) {
	if err := canCompress(path); err != nil {
		return nil, err
	}
	if path == "" || path == "-" {
		if stdout == nil {
			return nil, errors.New("no file to write to")
		}
		return &sink{w: bufio.NewWriterSize(stdout, 256<<10)}, nil
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		return &sink{w: bufio.NewWriterSize(f, 256<<10), direct: f}, nil
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real // replace the file a link points to, not the link
	}
	f, err := os.CreateTemp(filepath.Dir(path), tempBase(filepath.Base(path), len(".tmp-")+20)+".tmp-*")
	if err != nil {
		return nil, err
	}
	s := &sink{file: f, path: path}
	var w io.Writer = f
	if s.zw = compressor(path, f); s.zw != nil {
		w = s.zw
	}
	s.w = bufio.NewWriterSize(w, 256<<10)
	return s, nil
}

// compressor returns the compressor a file named name is written through:
// gzip for .gz, zstd for .zst; nil for any other name.
func compressor(name string, w io.Writer) io.WriteCloser {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".gz":
		return gzip.NewWriter(w)
	case ".zst", ".zstd":
		zw, _ := zstd.NewWriter(w, zstd.WithEncoderConcurrency(1)) // fails only on invalid options
		return zw
	}
	return nil
}

// canCompress refuses a file name that asks for a compression that cannot
// be written: bzip2 (only read) and the ones the readers refuse.
func canCompress(name string) error {
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".bz2", ".xz", ".lz4", ".lzma", ".lz", ".br", ".z", ".sz", ".7z", ".zip":
		return fmt.Errorf("%s: %s files cannot be written; name the file .gz or .zst, or give no compression extension", name, ext)
	}
	return nil
}

// flush writes out what is buffered.
func (s *sink) flush() error { return s.w.Flush() }

// commit ends the stream and, for a file, renames it into place.
func (s *sink) commit() error {
	if err := s.w.Flush(); err != nil {
		return err
	}
	if s.file == nil {
		s.done = true
		if s.direct != nil {
			return s.direct.Close()
		}
		return nil
	}
	if s.zw != nil {
		if err := s.zw.Close(); err != nil {
			return err
		}
	}
	if err := s.file.Chmod(0o644); err != nil {
		return err
	}
	if err := s.file.Sync(); err != nil {
		return err
	}
	if err := s.file.Close(); err != nil {
		return err
	}
	if err := os.Rename(s.file.Name(), s.path); err != nil {
		return err
	}
	s.done = true
	return nil
}

// abort removes the temporary file of a stream not committed.
func (s *sink) abort() {
	if s.direct != nil && !s.done {
		s.direct.Close()
	}
	if s.done || s.file == nil {
		return
	}
	s.done = true
	s.file.Close()
	os.Remove(s.file.Name())
}
