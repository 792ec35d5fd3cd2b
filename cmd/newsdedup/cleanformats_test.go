package main

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const inputDir = "../../testdata/input"

// TestCleanFormatsRoundTrip: with every removal switched off, clean
// writes each format back as it read it, byte for byte.
func TestCleanFormatsRoundTrip(t *testing.T) {
	for _, name := range []string{"items.json", "articles.csv", "articles-excel.csv", "small.jsonl.zst"} {
		t.Run(name, func(t *testing.T) {
			in := filepath.Join(inputDir, name)
			want := readPlain(t, in)
			out := filepath.Join(t.TempDir(), "out"+filepath.Ext(strings.TrimSuffix(name, ".zst")))
			code, _, stderr := runCleanCmd(t, "", "--keep", "all", "-o", out, in)
			require.Equal(t, exitClean, code, stderr)
			got, err := os.ReadFile(out)
			require.NoError(t, err)
			if name == "items.json" {
				want = append(want, '\n') // the array's last line is ended
			}
			assert.Equal(t, string(want), string(got))
		})
	}
}

// readPlain reads a file, decompressed when its name says so.
func readPlain(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	switch filepath.Ext(path) {
	case ".gz":
		zr, err := gzip.NewReader(bytes.NewReader(data))
		require.NoError(t, err)
		data, err = io.ReadAll(zr)
		require.NoError(t, err)
	case ".zst":
		zr, err := zstd.NewReader(bytes.NewReader(data))
		require.NoError(t, err)
		defer zr.Close()
		data, err = io.ReadAll(zr)
		require.NoError(t, err)
	}
	return data
}

func TestCleanJSONArray(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "clean.json")
	report := filepath.Join(dir, "removed.jsonl")
	code, _, stderr := runCleanCmd(t, "", "-o", out, "--report", report, filepath.Join(inputDir, "items-indent.json"))
	require.Equal(t, exitClean, code, stderr)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	var items []map[string]any
	require.NoError(t, json.Unmarshal(data, &items), "a JSON array in, a JSON array out:\n%s", data)
	require.Len(t, items, 3)
	assert.Equal(t, "The harbour closed on Monday.\n\nShips waited offshore.", items[0]["text"], "the residue line goes")
	assert.Equal(t, []any{"The council voted 7 to 2."}, items[1]["text"], "an array body stays an array (the blank element before the residue goes with it)")
	assert.Equal(t, []any{"weather", "port"}, items[0]["tags"], "other fields stay")
	assert.Contains(t, string(data), "{\n    \"url\": \"https://example.com/a\",\n", "each element keeps its layout")
	var kinds []string
	for _, r := range readReport(t, report) {
		kinds = append(kinds, r.Kind+":"+r.Text)
	}
	assert.Equal(t, []string{"residue:Related Articles", "residue:Share this article"}, kinds)
}

func TestCleanCSV(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "clean.csv")
	in := filepath.Join(inputDir, "articles.csv")
	code, _, stderr := runCleanCmd(t, "", "-o", out, in)
	require.Equal(t, exitClean, code, stderr)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	orig, err := os.ReadFile(in)
	require.NoError(t, err)
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	require.NoError(t, err, "CSV in, CSV out:\n%s", data)
	origRecs, err := csv.NewReader(bytes.NewReader(orig)).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, len(origRecs), "the header and every record")
	assert.Equal(t, origRecs[0], recs[0], "the header")
	for i := 1; i < len(recs); i++ {
		for j := range recs[i] {
			if j != 2 {
				assert.Equal(t, origRecs[i][j], recs[i][j], "record %d: only the body cell changes", i)
			}
		}
	}
	assert.Equal(t, "The harbour closed on Monday.\n\nShips waited offshore.", recs[1][2])
	assert.Equal(t, "A body, with a comma.", recs[3][2])
	assert.True(t, bytes.HasPrefix(data, []byte("id,title,content,publication\r\n")), "records end as the header does")
	assert.Contains(t, stderr, "3 articles in, 3 out, 0 dropped; 2 paragraphs removed (2 residue)")
}

func TestCleanMixedOutputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(data), 0o644))
		return p
	}
	jsonl := write("a.jsonl", `{"id":"j1","text":"A body."}`+"\n")
	array := write("b.json", `[{"id":"a1","text":"One."},{"id":"a2","text":"Two."}]`)
	csv1 := write("c.csv", "id,text\nc1,Body\n")
	csv2 := write("d.csv", "\ufeffid,text\r\nc2,Other\r\n")
	csv3 := write("e.csv", "text,id\nBody,c3\n")
	out := filepath.Join(dir, "out")
	report := filepath.Join(dir, "report.jsonl")
	code, _, stderr := runCleanCmd(t, "", "-o", out, "--report", report, jsonl, array, csv1)
	assert.Equal(t, exitError, code, "records that cannot be written are an input error")
	assert.Equal(t, 1, strings.Count(stderr, array+":"), "one message for the file refused: %s", stderr)
	assert.Contains(t, stderr, array+":1: not written: "+array+" holds a JSON array, but the output already holds JSONL (from "+jsonl+"): clean it into another output")
	assert.Contains(t, stderr, "4 articles in, 1 out, 3 dropped (3 not_written)")
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, `{"id":"j1","text":"A body."}`+"\n", string(got))
	n := 0
	for _, r := range readReport(t, report) {
		if r.Reason == reasonNotWritten {
			n++
		}
	}
	assert.Equal(t, 3, n, "every record refused is in the report")

	code, _, stderr = runCleanCmd(t, "", "-o", out, csv1, csv2, csv3)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, csv3+":2: not written: "+csv3+" has another CSV header than "+csv1)
	got, err = os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "id,text\nc1,Body\nc2,Other\n", string(got), "CSV files with one header share an output (BOM and line ends aside)")
}

func TestCleanCompressedOutputs(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "in")
	require.NoError(t, os.MkdirAll(src, 0o755))
	seedText, err := os.ReadFile(seed)
	require.NoError(t, err)
	var zbuf bytes.Buffer
	zw, err := zstd.NewWriter(&zbuf)
	require.NoError(t, err)
	_, _ = zw.Write(seedText)
	require.NoError(t, zw.Close())
	require.NoError(t, os.WriteFile(filepath.Join(src, "a.txt.zst"), zbuf.Bytes(), 0o644))
	bz, err := os.ReadFile(filepath.Join(inputDir, "seed.txt.bz2"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(src, "b.txt.bz2"), bz, 0o644))

	outDir := filepath.Join(dir, "out")
	code, _, stderr := runCleanCmd(t, "", "--out-dir", outDir, src)
	require.Equal(t, exitClean, code, stderr)
	want, err := os.ReadFile(filepath.Join(cleanDir, "seed.clean.txt"))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(readPlain(t, filepath.Join(outDir, "a.txt.zst"))), "zstd in, zstd out")
	got, err := os.ReadFile(filepath.Join(outDir, "b.txt"))
	require.NoError(t, err, "bzip2 cannot be written: the article is written plain")
	assert.Equal(t, string(want), string(got))
	assert.Contains(t, stderr, "bzip2 files cannot be written")

	out := filepath.Join(dir, "clean.jsonl.zst")
	code, _, stderr = runCleanCmd(t, "", "--keep", "all", "-o", out, filepath.Join(inputDir, "small.jsonl.gz"))
	require.Equal(t, exitClean, code, stderr)
	assert.Equal(t, string(readPlain(t, filepath.Join(inputDir, "small.jsonl.gz"))), string(readPlain(t, out)), "-o FILE.zst is zstd")

	code, _, stderr = runCleanCmd(t, "", "-o", filepath.Join(dir, "clean.jsonl.bz2"), filepath.Join(inputDir, "small.jsonl.gz"))
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, ".bz2 files cannot be written; name the file .gz or .zst")
}
