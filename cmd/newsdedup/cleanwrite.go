package main

// Where clean writes: text articles under --out-dir, never outside it,
// and JSONL records with only their body rewritten.

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/newsdedup/newsdedup/dedup"
)

// outPaths places text articles under --out-dir: a file named on the
// command line keeps its base name, a file found in a folder named on
// the command line keeps its path relative to that folder.
type outPaths struct {
	dir   string
	files map[string]string
	dirs  []string
}

// newOutPaths checks the output folder against the inputs: it may not be
// inside a folder being read, which would read its own output.
func newOutPaths(paths []string, outDir string) (*outPaths, error) {
	p := &outPaths{dir: outDir, files: make(map[string]string)}
	absOut := ""
	if outDir != "" {
		var err error
		if absOut, err = filepath.Abs(outDir); err != nil {
			return nil, fmt.Errorf("--out-dir: %w", err)
		}
	}
	for _, a := range paths {
		if a == "-" {
			continue
		}
		fi, err := os.Stat(a)
		if err != nil {
			continue // the reader reports it
		}
		if !fi.IsDir() {
			p.files[a] = filepath.Base(a)
			continue
		}
		p.dirs = append(p.dirs, a)
		if absOut != "" {
			absIn, err := filepath.Abs(a)
			if err != nil {
				return nil, err
			}
			if rel, err := filepath.Rel(absIn, absOut); err == nil && filepath.IsLocal(rel) || absIn == absOut {
				return nil, fmt.Errorf("--out-dir %s is inside the input folder %s: it would be read as input", outDir, a)
			}
		}
	}
	return p, nil
}

// rel returns the path under the output folder of a text article read
// from source, always a local path (no "..", not absolute).
func (p *outPaths) rel(source string) (string, error) {
	if r, ok := p.files[source]; ok && filepath.IsLocal(r) {
		return r, nil
	}
	for _, d := range p.dirs {
		if r, err := filepath.Rel(d, source); err == nil && filepath.IsLocal(r) {
			return r, nil
		}
	}
	return "", fmt.Errorf("%s: no place for it under --out-dir", source)
}

// notWritten is an article that could not be cleaned; the run goes on.
// quiet is set for the later articles of a file refused whole, which was
// said once.
type notWritten struct {
	source string
	err    error
	quiet  bool
}

func (e notWritten) Error() string { return e.source + ": not written: " + e.err.Error() }
func (e notWritten) Unwrap() error { return e.err }

// writeText writes a cleaned text article, data: under --out-dir, or
// where JSONL goes when it came from standard input.
func (c *cleaner) writeText(doc *dedup.Document, data []byte) error {
	if doc.Source == "-" {
		_, err := c.out.w.Write(data)
		return err
	}
	if c.opts.outDir == "" {
		return fmt.Errorf("%s is a text article: give --out-dir DIR to write cleaned text articles", doc.Source)
	}
	rel, err := c.places.rel(doc.Source)
	if err != nil {
		return notWritten{source: doc.Source, err: err}
	}
	if strings.EqualFold(filepath.Ext(rel), ".bz2") {
		// bzip2 is read, not written: the article is written plain.
		rel = rel[:len(rel)-len(".bz2")]
		if !c.unzipped {
			c.unzipped = true
			fmt.Fprintf(c.stderr, "newsdedup: clean: bzip2 files cannot be written: %s and the other .bz2 articles are written uncompressed, without .bz2\n", doc.Source)
		}
	}
	if prev, ok := c.written[rel]; ok {
		return notWritten{source: doc.Source, err: fmt.Errorf("%s was already written for %s", filepath.Join(c.opts.outDir, rel), prev)}
	}
	if err := c.openRoot(); err != nil {
		return err
	}
	if err := writeInRoot(c.root, rel, doc.Source, data); err != nil {
		return notWritten{source: doc.Source, err: err}
	}
	c.written[rel] = doc.Source
	return nil
}

// openRoot creates and opens --out-dir, once.
func (c *cleaner) openRoot() error {
	if c.root != nil {
		return nil
	}
	if err := os.MkdirAll(c.opts.outDir, 0o755); err != nil {
		return fmt.Errorf("--out-dir: %w", err)
	}
	root, err := os.OpenRoot(c.opts.outDir)
	if err != nil {
		return fmt.Errorf("--out-dir: %w", err)
	}
	c.root, c.written = root, make(map[string]string)
	return nil
}

// writeInRoot writes data to rel inside root under a temporary name, then
// renames it. os.Root refuses any path, symbolic links included, that
// leads out of the root; the rename replaces a link at rel rather than
// writing through it. A name ending in .gz is gzipped, .zst compressed
// with zstd. It refuses to replace source itself.
func writeInRoot(root *os.Root, rel, source string, data []byte) error {
	if !filepath.IsLocal(rel) {
		return fmt.Errorf("%q is not a local path", rel)
	}
	if dir := filepath.Dir(rel); dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	if fi, err := root.Lstat(rel); err == nil {
		if si, err := os.Stat(source); err == nil && os.SameFile(fi, si) {
			return errors.New("it would replace its own input")
		}
	}
	// A stale temporary file (or a link put in its place) is removed, not
	// written through.
	tmp := filepath.Join(filepath.Dir(rel), tempBase(filepath.Base(rel), len(".newsdedup-tmp"))+".newsdedup-tmp")
	_ = root.Remove(tmp)
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	var w io.Writer = f
	zw := compressor(rel, f)
	if zw != nil {
		w = zw
	}
	_, err = w.Write(data)
	if zw != nil && err == nil {
		err = zw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = root.Rename(tmp, rel)
	}
	if err != nil {
		root.Remove(tmp)
	}
	return err
}
