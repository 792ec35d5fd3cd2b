package read

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// idsAndErrors reads paths and returns the ids read and the messages of
// the errors, in order.
func idsAndErrors(t *testing.T, paths []string, opts Options) (ids, errs []string) {
	t.Helper()
	for _, y := range collect(Paths(context.Background(), paths, nil, opts)) {
		if y.err != nil {
			var ie *Error
			assert.ErrorAs(t, y.err, &ie, "errors name the file")
			errs = append(errs, y.err.Error())
			continue
		}
		checkDocument(t, y.doc)
		ids = append(ids, y.doc.ID)
	}
	return ids, errs
}

func TestReadCompressed(t *testing.T) {
	in := func(name string) string { return filepath.Join(inputDir, name) }
	seed := in("seed.txt.bz2")
	tests := []struct {
		name, reason string
		path         string
		wantIDs      []string
		wantErr      string // the one error, "" for none
	}{
		{name: "zstd by extension", reason: ".jsonl.zst is zstd JSONL", path: in("small.jsonl.zst"), wantIDs: []string{"g1", "g2"}},
		{name: "bzip2 by extension", reason: ".txt.bz2 is a bzip2 article", path: seed, wantIDs: []string{seed}},
		{name: "zstd by magic", reason: "zstd data under a plain name is recognised by its magic bytes",
			path: in("zstd-inside.jsonl"), wantIDs: []string{"g1", "g2"}},
		{name: "xz", reason: "xz is named, not read as binary", path: in("small.jsonl.xz"),
			wantErr: in("small.jsonl.xz") + ": unsupported compression (xz)"},
		{name: "lz4", reason: "lz4 is named, not read as binary", path: in("small.jsonl.lz4"),
			wantErr: in("small.jsonl.lz4") + ": unsupported compression (lz4)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids, errs := idsAndErrors(t, []string{tt.path}, Options{})
			assert.Equal(t, tt.wantIDs, ids, tt.reason)
			if tt.wantErr == "" {
				assert.Empty(t, errs, tt.reason)
			} else {
				assert.Equal(t, []string{tt.wantErr}, errs, tt.reason)
			}
		})
	}

	t.Run("the same documents", func(t *testing.T) {
		plain := docsOf(t, collect(Paths(context.Background(), []string{in("seed.txt")}, nil, Options{})))
		for _, p := range []string{in("seed.txt.gz"), seed} {
			docs := docsOf(t, collect(Paths(context.Background(), []string{p}, nil, Options{})))
			require.Len(t, docs, 1)
			assert.Equal(t, plain[0].Raw, docs[0].Raw, "%s: decompressed, the file is the same", p)
			assert.Equal(t, plain[0].Paragraphs, docs[0].Paragraphs)
		}
	})

	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o644))
		return p
	}
	t.Run("magic bytes", func(t *testing.T) {
		tests := []struct {
			name, reason string
			data         []byte
			want         string
		}{
			{"xz.bin", "xz magic", []byte("\xfd7zXZ\x00\x00\x04rest"), "unsupported compression (xz)"},
			{"lz4.jsonl", "lz4 magic under a JSONL name", []byte("\x04\x22\x4d\x18rest"), "unsupported compression (lz4)"},
			{"z.txt", "compress (.Z) magic under a text name", []byte("\x1f\x9d\x90rest"), "unsupported compression (compress)"},
			{"a.zip", "zip", []byte("PK\x03\x04rest"), "unsupported compression (zip)"},
			{"b.7z", "7z", []byte("7z\xbc\xaf\x27\x1crest"), "unsupported compression (7z)"},
			{"c.txt.lz", "lzip", []byte("LZIP\x01rest"), "unsupported compression (lzip)"},
			{"d.txt.br", "brotli has no magic: by extension", []byte("Headline\nbody"), "unsupported compression (brotli)"},
			{"e.bz2", "a bzip2 name over data that is not bzip2", []byte("Headline\nbody\n"), "read error: bzip2 data invalid"},
			{"f.zst", "an empty zstd file", nil, "zstd: empty file"},
		}
		for _, tt := range tests {
			p := write(tt.name, tt.data)
			_, errs := idsAndErrors(t, []string{p}, Options{})
			require.Len(t, errs, 1, tt.reason)
			assert.Contains(t, errs[0], p+":", tt.reason)
			assert.Contains(t, errs[0], tt.want, tt.reason)
		}
	})
	t.Run("text that looks like bzip2", func(t *testing.T) {
		p := write("bzh.txt", []byte("BZh9 is no bzip2 stream\nA body.\n"))
		ids, errs := idsAndErrors(t, []string{p}, Options{})
		assert.Empty(t, errs, "\"BZh\" and a digit are not enough: the block magic must follow")
		assert.Equal(t, []string{p}, ids)
	})
	t.Run("zstd window", func(t *testing.T) {
		// A frame by hand: magic, a header asking for a 256 MiB window
		// (window descriptor 18<<3: 2^(10+18)), one raw last block.
		body := []byte("Headline\nBody\n")
		frame := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 18 << 3}
		bh := len(body)<<3 | 1
		frame = append(frame, byte(bh), byte(bh>>8), byte(bh>>16))
		frame = append(frame, body...)
		p := write("big-window.txt.zst", frame)
		small := append([]byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 10 << 3}, frame[6:]...)
		ids, errs := idsAndErrors(t, []string{write("small-window.txt.zst", small)}, Options{})
		require.Empty(t, errs, "the hand-made frame is valid with a 1 MiB window")
		require.Len(t, ids, 1)
		_, errs = idsAndErrors(t, []string{p}, Options{})
		require.Len(t, errs, 1, "a stream asking for a window over 128 MiB is refused, not allocated")
		assert.Contains(t, errs[0], "window")
	})
}

func TestReadPathsFormatsFolder(t *testing.T) {
	root := filepath.Join(inputDir, "formats")
	ids, errs := idsAndErrors(t, []string{root}, Options{})
	assert.Equal(t, []string{
		"https://example.com/a", "https://example.com/b", "https://example.com/c", // a.json, an array
		"c1", "c2", filepath.Join(root, "b.csv.zst") + ":7", // b.csv.zst: the third record, on line 7 (the first has 4 lines), has no id
		"g1", "g2", // c.jsonl.bz2
	}, ids, "arrays, CSV, zstd and bzip2 are read in folders; .tsv is not a format")
	assert.Equal(t, []string{filepath.Join(root, "d.jsonl.xz") + ": unsupported compression (xz)"}, errs,
		"a file of a known format under an unsupported compression is refused by name, not passed over")
}
