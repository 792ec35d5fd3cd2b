package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/read"
)

// The -update flag rewrites golden files. It is registered here unless
// another test file of the package already did.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files under testdata")
	}
}

// updateGoldenFiles reports whether -update was given.
func updateGoldenFiles() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// golden compares got with the golden file path, or rewrites it with
// -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if updateGoldenFiles() {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run the test with -update to create it")
	assert.Equal(t, string(want), string(got), "differs from %s (run with -update if intended)", path)
}

const cleanDir = "../../testdata/clean"

// runCleanCmd runs the clean command with args and stdin, returning its
// exit code, stdout and stderr.
func runCleanCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runClean(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// reportLine is one line of --report.
type reportLine struct {
	ID        string  `json:"id"`
	Source    string  `json:"source"`
	Line      int     `json:"line"`
	Kind      string  `json:"kind"`
	Paragraph int     `json:"paragraph"`
	Text      string  `json:"text"`
	Score     float64 `json:"score"`
	Message   string  `json:"message"`
	Reason    string  `json:"reason"`
	RelatedID string  `json:"related_id"`
}

func readReport(t *testing.T, path string) []reportLine {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []reportLine
	for line := range strings.Lines(string(data)) {
		var r reportLine
		require.NoError(t, json.Unmarshal([]byte(line), &r), line)
		out = append(out, r)
	}
	return out
}

func TestCleanSeedText(t *testing.T) {
	dir := t.TempDir()
	report := filepath.Join(dir, "report.jsonl")
	code, stdout, stderr := runCleanCmd(t, "", "--out-dir", filepath.Join(dir, "out"), "--report", report, seed)
	require.Equal(t, exitClean, code, stderr)
	assert.Empty(t, stdout, "text articles go to --out-dir")
	got, err := os.ReadFile(filepath.Join(dir, "out", "seed.txt"))
	require.NoError(t, err, "a file named on the command line keeps its base name")
	golden(t, filepath.Join(cleanDir, "seed.clean.txt"), got)

	text := string(got)
	assert.Equal(t, 1, strings.Count(text, "Libya's Haftar rejects Ankara, Moscow's call for ceasefire"), "the title stays, its repeat goes")
	assert.NotContains(t, text, "Related Articles")
	for _, libya := range []string{"Since April 2019, Haftar", "The European Union's top diplomat", "After talks between their presidents"} {
		assert.Contains(t, text, libya, "the Libya paragraphs stay")
	}
	for _, foreign := range []string{"Damascus", "Assad", "Soleimani"} {
		assert.NotContains(t, text, foreign, "the Syria and Iran paragraphs go")
	}
	rep := readReport(t, report)
	require.Len(t, rep, 12)
	assert.Equal(t, reportLine{ID: seed, Source: seed, Line: 3, Kind: "repeated_headline", Paragraph: 0,
		Text: "Libya's Haftar rejects Ankara, Moscow's call for ceasefire", Score: 1, Message: rep[0].Message}, rep[0])
	var off []int
	for _, r := range rep[1:11] {
		assert.Equal(t, "off_topic", r.Kind)
		off = append(off, r.Paragraph)
	}
	assert.Equal(t, []int{1, 2, 4, 5, 6, 7, 8, 10, 12, 13}, off)
	assert.Equal(t, "residue", rep[11].Kind)
	assert.Equal(t, 14, rep[11].Paragraph)
	assert.Equal(t, 31, rep[11].Line)
	assert.Contains(t, stderr, "newsdedup: clean: 1 articles in, 1 out, 0 dropped; 12 paragraphs removed (10 off_topic, 1 repeated_headline, 1 residue)")
}

// TestCleanRoundTrip: with every removal switched off, clean writes the
// JSONL it read, byte for byte, to stdout, a file and a gzipped file.
func TestCleanRoundTrip(t *testing.T) {
	for _, name := range []string{"shapes.jsonl", "residue-sample.jsonl"} {
		in := filepath.Join(cleanDir, name)
		want, err := os.ReadFile(in)
		require.NoError(t, err)
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runCleanCmd(t, "", "--keep", "all", in)
			require.Equal(t, exitClean, code, stderr)
			assert.Equal(t, string(want), stdout, "stdout")

			dir := t.TempDir()
			out := filepath.Join(dir, "out.jsonl")
			code, _, stderr = runCleanCmd(t, "", "--keep", "residue,repeated_headline,repeated_paragraph,off_topic", "-o", out, in)
			require.Equal(t, exitClean, code, stderr)
			got, err := os.ReadFile(out)
			require.NoError(t, err)
			assert.Equal(t, want, got, "-o FILE")

			gz := filepath.Join(dir, "out.jsonl.gz")
			code, _, stderr = runCleanCmd(t, "", "--keep", "all", "-o", gz, in)
			require.Equal(t, exitClean, code, stderr)
			f, err := os.Open(gz)
			require.NoError(t, err)
			defer f.Close()
			zr, err := gzip.NewReader(f)
			require.NoError(t, err, "-o FILE.gz is gzipped")
			got, err = io.ReadAll(zr)
			require.NoError(t, err)
			assert.Equal(t, want, got, "-o FILE.gz")
			entries, _ := os.ReadDir(dir)
			assert.Len(t, entries, 2, "no temporary file left behind")
		})
	}
}

// jsonFields returns the top-level keys of a record, in order, and their
// values as written.
func jsonFields(t *testing.T, line []byte) ([]string, map[string]json.RawMessage) {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(line, &m))
	dec := json.NewDecoder(bytes.NewReader(line))
	_, err := dec.Token()
	require.NoError(t, err)
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, k.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return keys, m
}

// TestCleanDefaultsGolden cleans the committed samples with the defaults
// and checks, beyond the goldens, that every paragraph gone from a record
// is in the report and that every other field is as it was.
func TestCleanDefaultsGolden(t *testing.T) {
	for _, name := range []string{"shapes.jsonl", "residue-sample.jsonl"} {
		t.Run(name, func(t *testing.T) {
			in := filepath.Join(cleanDir, name)
			dir := t.TempDir()
			report := filepath.Join(dir, "report.jsonl")
			code, stdout, stderr := runCleanCmd(t, "", "--report", report, in)
			require.Equal(t, exitClean, code, stderr)
			if name == "shapes.jsonl" {
				// The crafted records have a golden; the residue sample,
				// whose removals follow the detectors, is checked by the
				// invariants below.
				golden(t, filepath.Join(cleanDir, "shapes.clean.golden.jsonl"), []byte(stdout))
				rep, err := os.ReadFile(report)
				require.NoError(t, err)
				golden(t, filepath.Join(cleanDir, "shapes.report.golden.jsonl"), rep)
			}

			removed := map[string]map[int]string{}
			for _, r := range readReport(t, report) {
				require.NotEqual(t, kindDropped, r.Kind, "nothing is dropped by default")
				if removed[r.ID] == nil {
					removed[r.ID] = map[int]string{}
				}
				removed[r.ID][r.Paragraph] = r.Text
			}
			before := readDocs(t, in)
			after := readDocs(t, "-", stdout)
			require.Len(t, after, len(before), "articles in = articles out")
			lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
			for i, b := range before {
				a := after[i]
				var kept []string
				for j, p := range b.Paragraphs {
					if text, ok := removed[b.ID][j]; ok {
						assert.Equal(t, p.Text, text, "%s: the report quotes paragraph %d", b.ID, j)
						continue
					}
					kept = append(kept, p.Text)
				}
				var got []string
				for _, p := range a.Paragraphs {
					got = append(got, p.Text)
				}
				assert.Equal(t, kept, got, "%s: exactly the reported paragraphs are gone", b.ID)
				assert.Equal(t, b.Title, a.Title)

				bk, bm := jsonFields(t, b.Raw)
				ak, am := jsonFields(t, []byte(lines[i]))
				assert.Equal(t, bk, ak, "%s: the fields and their order", b.ID)
				for k, v := range bm {
					if k != b.BodyField {
						assert.Equal(t, string(v), string(am[k]), "%s: field %q as written", b.ID, k)
					}
				}
			}
		})
	}
}

// readDocs reads the documents of a path, or of data when path is "-".
func readDocs(t *testing.T, path string, data ...string) []*dedup.Document {
	t.Helper()
	var stdin io.Reader
	if path == "-" {
		stdin = strings.NewReader(data[0])
	}
	var docs []*dedup.Document
	for d, err := range read.Paths(context.Background(), []string{path}, stdin, read.Options{}) {
		require.NoError(t, err)
		docs = append(docs, d)
	}
	return docs
}

func TestCleanKindFlags(t *testing.T) {
	in := filepath.Join(cleanDir, "shapes.jsonl")
	tests := []struct {
		name    string
		args    []string
		removed string // the count of removals in the summary
		err     string
		reason  string
	}{
		{"defaults", nil, "(1 repeated_paragraph, 5 residue)", "",
			"residue and repeated paragraphs go by default; a record's body keeps its own headline"},
		{"keep residue", []string{"--keep", "residue"}, "(1 repeated_paragraph)", "",
			"--keep takes a kind off the list"},
		{"keep all drop residue", []string{"--keep", "all", "--drop", "residue"}, "5 paragraphs removed (5 residue)", "",
			"--drop puts one back"},
		{"keep all", []string{"--keep", "all"}, "0 paragraphs removed\n", "", "nothing removed"},
		{"keep list", []string{"--keep", "residue,repeated_paragraph", "--keep", "repeated_headline"}, "0 paragraphs removed\n", "",
			"comma-separated and repeated"},
		{"unknown kind", []string{"--keep", "adverts"}, "", `--keep: unknown kind "adverts"`, "kinds are checked"},
		{"drop all keep one", []string{"--drop", "all", "--keep", "off_topic"}, "(1 repeated_paragraph, 5 residue)", "",
			"an explicit --keep beats --drop all"},
		{"keep one rule", []string{"--keep", "residue:share"}, "(1 repeated_paragraph, 4 residue)", "",
			"kind:rule keeps the findings of one rule"},
		{"both", []string{"--keep", "residue", "--drop", "residue"}, "", "--keep and --drop both name residue", "a contradiction is an error"},
		{"article kind", []string{"--drop", "headline_mismatch"}, "", "use --drop-mismatched", "a whole-article kind is not a paragraph to remove"},
		{"near_duplicate", []string{"--drop", "near_duplicate"}, "", "use --drop-duplicates", "likewise"},
		{"min score", []string{"--min-score", "2"}, "", "--min-score 2", "scores are in 0..1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCleanCmd(t, "", append(tt.args, in)...)
			if tt.err != "" {
				assert.Equal(t, exitError, code, tt.reason)
				assert.Contains(t, stderr, tt.err, tt.reason)
				return
			}
			require.Equal(t, exitClean, code, stderr)
			assert.Contains(t, stderr, tt.removed, tt.reason)
		})
	}
}

// TestCleanDropArticles drives the writer with findings, as the scan
// would hand them over, including near_duplicate findings.
func TestCleanDropArticles(t *testing.T) {
	doc := func(id string) *dedup.Document {
		return &dedup.Document{ID: id, Source: "in.jsonl", Line: 1, Title: "T",
			Paragraphs: []dedup.Paragraph{{Text: "A", Line: 1}, {Text: "B", Line: 1}},
			Raw:        []byte(`{"id":"` + id + `","title":"T","text":"A\nB"}`), BodyField: "text"}
	}
	nearDup := dedup.Finding{Kind: dedup.KindNearDuplicate, Paragraph: -1, Score: 0.93, Message: "near duplicate of k", RelatedID: "k"}
	mismatch := dedup.Finding{Kind: dedup.KindHeadlineMismatch, Paragraph: -1, Score: 0.6, Message: "the body is not about the headline"}
	residue := dedup.Finding{Kind: dedup.KindResidue, Paragraph: 1, Score: 0.9, Message: "residue"}
	tests := []struct {
		name       string
		opts       cleanOptions
		fs         []dedup.Finding
		wantOut    string
		wantReason string
		reason     string
	}{
		{"duplicate dropped", cleanOptions{dropDuplicates: true}, []dedup.Finding{nearDup, residue}, "", string(dedup.KindNearDuplicate),
			"--drop-duplicates drops an article that names the one kept"},
		{"duplicate kept without the flag", cleanOptions{}, []dedup.Finding{nearDup, residue}, `{"id":"x","title":"T","text":"A"}` + "\n", "",
			"without the flag only paragraphs go"},
		{"duplicate with no related id", cleanOptions{dropDuplicates: true}, []dedup.Finding{{Kind: dedup.KindNearDuplicate, Score: 1}}, `{"id":"x","title":"T","text":"A\nB"}` + "\n", "",
			"the one kept of a cluster names no other"},
		{"mismatch dropped", cleanOptions{dropMismatched: true}, []dedup.Finding{mismatch}, "", string(dedup.KindHeadlineMismatch),
			"--drop-mismatched"},
		{"mismatch kept", cleanOptions{}, []dedup.Finding{mismatch}, `{"id":"x","title":"T","text":"A\nB"}` + "\n", "",
			"a mismatch alone removes nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			opts := tt.opts
			opts.report = filepath.Join(dir, "r.jsonl")
			remove, err := removeFunc(nil, nil)
			require.NoError(t, err)
			var out, errb bytes.Buffer
			c := &cleaner{opts: &opts, remove: remove, places: &outPaths{},
				stderr: &errb, removed: map[dedup.Kind]int{}, dropped: map[string]int{}}
			require.NoError(t, c.open(&out))
			require.NoError(t, c.article(doc("x"), tt.fs, ""))
			require.NoError(t, c.finish(stats{}))
			require.NoError(t, c.commit())
			assert.Equal(t, tt.wantOut, out.String(), tt.reason)
			rep := readReport(t, opts.report)
			if tt.wantReason == "" {
				for _, r := range rep {
					assert.NotEqual(t, kindDropped, r.Kind, tt.reason)
				}
				assert.Equal(t, 1, c.kept)
				return
			}
			require.Len(t, rep, 1, tt.reason)
			assert.Equal(t, kindDropped, rep[0].Kind)
			assert.Equal(t, tt.wantReason, rep[0].Reason)
			assert.Equal(t, "x", rep[0].ID)
			assert.Equal(t, 1, c.in)
			assert.Equal(t, 0, c.kept)
			assert.Equal(t, 1, c.dropped[tt.wantReason], "in = out + dropped")
		})
	}
}

// TestCleanDropDuplicatesEndToEnd: of two copies of a story, the first
// is kept and the second dropped, with a trace.
func TestCleanDropDuplicatesEndToEnd(t *testing.T) {
	in := filepath.Join(cleanDir, "dups.jsonl")
	report := filepath.Join(t.TempDir(), "r.jsonl")
	code, stdout, stderr := runCleanCmd(t, "", "--drop-duplicates", "--report", report, in)
	require.Equal(t, exitClean, code, stderr)
	var ids []string
	for _, d := range readDocs(t, "-", stdout) {
		ids = append(ids, d.ID)
	}
	assert.Equal(t, []string{"1032~0", "r160"}, ids, "the first copy and the other story stay")
	assert.Contains(t, stderr, "3 articles in, 2 out, 1 dropped (1 near_duplicate)")
	var dropped []reportLine
	for _, r := range readReport(t, report) {
		if r.Kind == kindDropped {
			dropped = append(dropped, r)
		}
	}
	require.Len(t, dropped, 1)
	assert.Equal(t, "1032", dropped[0].ID)
	assert.Equal(t, "1032~0", dropped[0].RelatedID)
	assert.Equal(t, string(dedup.KindNearDuplicate), dropped[0].Reason)

	code, stdout, stderr = runCleanCmd(t, "", in)
	require.Equal(t, exitClean, code, stderr)
	assert.Len(t, readDocs(t, "-", stdout), 3, "without the flag no article is dropped")
}

// TestCleanDropMismatchedEndToEnd runs the scanner on an article whose
// headline is another story's.
func TestCleanDropMismatchedEndToEnd(t *testing.T) {
	dir := t.TempDir()
	art := filepath.Join(dir, "scorpion.txt")
	require.NoError(t, os.WriteFile(art, []byte("Apple unveils a gold watch at its spring event in San Francisco\n\n"+
		"A scorpion stung a woman on the hand just before her Alaska Airlines flight from Los Angeles to Portland took off.\n\n"+
		"The plane returned to the gate and medics checked the passenger, who refused further treatment after the scorpion sting.\n"), 0o644))
	report := filepath.Join(dir, "r.jsonl")
	code, stdout, stderr := runCleanCmd(t, "", "--drop-mismatched", "--report", report, "--out-dir", filepath.Join(dir, "out"), art)
	require.Equal(t, exitClean, code, stderr)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "1 articles in, 0 out, 1 dropped (1 headline_mismatch)")
	rep := readReport(t, report)
	require.Len(t, rep, 1)
	assert.Equal(t, reportLine{ID: art, Source: art, Line: 1, Kind: kindDropped, Reason: "headline_mismatch",
		Message: rep[0].Message, Score: rep[0].Score, Paragraph: 0}, rep[0])
}

func TestCleanBadRecords(t *testing.T) {
	in := filepath.Join(cleanDir, "bad-records.jsonl")
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	report := filepath.Join(dir, "r.jsonl")
	code, _, stderr := runCleanCmd(t, "", "-o", out, "--report", report, in)
	assert.Equal(t, exitError, code, "bad records make the exit status 2")
	assert.Contains(t, stderr, in+":2: invalid JSON")
	assert.Contains(t, stderr, in+":4: missing body")
	assert.Contains(t, stderr, "4 articles in, 2 out, 2 dropped (2 bad_record)", "in = out + dropped")
	got := readDocs(t, out)
	require.Len(t, got, 2, "the good records are written")
	var bad []string
	for _, r := range readReport(t, report) {
		if r.Kind == kindDropped {
			assert.Equal(t, reasonBadRecord, r.Reason)
			bad = append(bad, r.ID)
		}
	}
	assert.Equal(t, []string{in + ":2", in + ":4"}, bad, "each bad record is in the report")

	t.Run("strict", func(t *testing.T) {
		require.NoError(t, os.WriteFile(out, []byte("previous\n"), 0o644))
		code, _, stderr := runCleanCmd(t, "", "--strict", "-o", out, in)
		assert.Equal(t, exitError, code)
		assert.Contains(t, stderr, "nothing written")
		got, err := os.ReadFile(out)
		require.NoError(t, err)
		assert.Equal(t, "previous\n", string(got), "a stopped run leaves the previous output in place")
		entries, _ := os.ReadDir(dir)
		assert.Len(t, entries, 2, "no temporary file left behind")
	})
}

// TestCleanInterrupted: a canceled run writes nothing and leaves the
// previous output as it was.
func TestCleanInterrupted(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	require.NoError(t, os.WriteFile(out, []byte("previous\n"), 0o644))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	code := runClean(ctx, []string{"-o", out, "--report", filepath.Join(dir, "r.jsonl"), filepath.Join(cleanDir, "shapes.jsonl")},
		strings.NewReader(""), &stdout, &stderr)
	assert.Equal(t, exitError, code)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "previous\n", string(got))
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "neither the report nor a temporary file")
}

func TestSinkCommitAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.jsonl")
	s, err := openSink(path, nil)
	require.NoError(t, err)
	s.w.WriteString("half")
	require.NoError(t, s.flush())
	_, err = os.Stat(path)
	assert.True(t, os.IsNotExist(err), "nothing at the final name before commit")
	s.abort()
	entries, _ := os.ReadDir(dir)
	assert.Empty(t, entries, "abort removes the temporary file")

	s, err = openSink(path, nil)
	require.NoError(t, err)
	s.w.WriteString("whole\n")
	require.NoError(t, s.commit())
	s.abort() // after commit: nothing to do
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "whole\n", string(got))

	// A link to a file: the file is replaced, the link stays.
	link := filepath.Join(dir, "link.jsonl")
	require.NoError(t, os.Symlink("f.jsonl", link))
	s, err = openSink(link, nil)
	require.NoError(t, err)
	s.w.WriteString("via link\n")
	require.NoError(t, s.commit())
	fi, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&os.ModeSymlink, "the link is still a link")
	got, _ = os.ReadFile(path)
	assert.Equal(t, "via link\n", string(got))

	// Something that is not a regular file is written in place.
	s, err = openSink(os.DevNull, nil)
	require.NoError(t, err)
	s.w.WriteString("gone")
	require.NoError(t, s.commit())
	fi, err = os.Stat(os.DevNull)
	require.NoError(t, err)
	assert.False(t, fi.Mode().IsRegular(), "/dev/null is not replaced by a file")
}

// writeTree writes files (path -> content) under root.
func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		full := filepath.Join(root, p)
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte(c), 0o644))
	}
}

const article = "Harbour council votes\n\nCouncillors voted on Tuesday night to keep large cruise liners away from the old port.\n\nShare this article\n"
const articleClean = "Harbour council votes\n\nCouncillors voted on Tuesday night to keep large cruise liners away from the old port.\n"

// TestCleanTextOutDir writes text articles under --out-dir and never
// outside it, whatever the paths and links.
func TestCleanTextOutDir(t *testing.T) {
	t.Run("folder keeps relative paths", func(t *testing.T) {
		base := t.TempDir()
		in, out := filepath.Join(base, "crawl"), filepath.Join(base, "out")
		writeTree(t, in, map[string]string{"a.txt": article, "sub/deep/b.txt": article, "c.txt.gz": "", ".hidden/x.txt": article})
		gzipFile(t, filepath.Join(in, "c.txt.gz"), article)
		code, _, stderr := runCleanCmd(t, "", "--out-dir", out, in)
		require.Equal(t, exitClean, code, stderr)
		assertFile(t, filepath.Join(out, "a.txt"), articleClean)
		assertFile(t, filepath.Join(out, "sub/deep/b.txt"), articleClean)
		assert.Equal(t, articleClean, gunzipFile(t, filepath.Join(out, "c.txt.gz")), "a gzipped article is written gzipped")
		assert.NoDirExists(t, filepath.Join(out, ".hidden"), "hidden entries are not read")
		assertOnly(t, base, "crawl", "out")
	})
	t.Run("dot-dot and absolute arguments keep the base name", func(t *testing.T) {
		base := t.TempDir()
		writeTree(t, base, map[string]string{"in/x/a.txt": article, "in/y/b.txt": article})
		out := filepath.Join(base, "out")
		abs := filepath.Join(base, "in", "y", "b.txt")
		dotdot := filepath.Join(base, "in", "y", "..", "x", "a.txt")
		code, _, stderr := runCleanCmd(t, "", "--out-dir", out, dotdot, abs)
		require.Equal(t, exitClean, code, stderr)
		assertFile(t, filepath.Join(out, "a.txt"), articleClean)
		assertFile(t, filepath.Join(out, "b.txt"), articleClean)
		assertOnly(t, base, "in", "out")
	})
	t.Run("a linked folder in the out dir is not followed out", func(t *testing.T) {
		base := t.TempDir()
		writeTree(t, base, map[string]string{"in/sub/a.txt": article, "in/b.txt": article})
		outside := filepath.Join(base, "outside")
		require.NoError(t, os.Mkdir(outside, 0o755))
		out := filepath.Join(base, "out")
		require.NoError(t, os.Mkdir(out, 0o755))
		require.NoError(t, os.Symlink(outside, filepath.Join(out, "sub")))
		code, _, stderr := runCleanCmd(t, "", "--out-dir", out, filepath.Join(base, "in"))
		assert.Equal(t, exitError, code, "the article that cannot be written is an error")
		assert.Contains(t, stderr, "not written")
		assert.Contains(t, stderr, "2 articles in, 1 out, 1 dropped (1 not_written)")
		entries, err := os.ReadDir(outside)
		require.NoError(t, err)
		assert.Empty(t, entries, "nothing written through the link")
		assertFile(t, filepath.Join(out, "b.txt"), articleClean)
	})
	t.Run("a linked file in the out dir is replaced, not written through", func(t *testing.T) {
		base := t.TempDir()
		writeTree(t, base, map[string]string{"in/a.txt": article, "victim.txt": "precious\n"})
		out := filepath.Join(base, "out")
		require.NoError(t, os.Mkdir(out, 0o755))
		require.NoError(t, os.Symlink(filepath.Join(base, "victim.txt"), filepath.Join(out, "a.txt")))
		code, _, stderr := runCleanCmd(t, "", "--out-dir", out, filepath.Join(base, "in"))
		require.Equal(t, exitClean, code, stderr)
		assertFile(t, filepath.Join(base, "victim.txt"), "precious\n")
		fi, err := os.Lstat(filepath.Join(out, "a.txt"))
		require.NoError(t, err)
		assert.True(t, fi.Mode().IsRegular(), "the link was replaced by the cleaned file")
		assertFile(t, filepath.Join(out, "a.txt"), articleClean)
	})
	t.Run("out dir inside the input folder", func(t *testing.T) {
		base := t.TempDir()
		writeTree(t, base, map[string]string{"in/a.txt": article})
		code, _, stderr := runCleanCmd(t, "", "--out-dir", filepath.Join(base, "in", "clean"), filepath.Join(base, "in"))
		assert.Equal(t, exitError, code)
		assert.Contains(t, stderr, "inside the input folder")
		assertOnly(t, filepath.Join(base, "in"), "a.txt")
	})
	t.Run("out dir is the input's folder", func(t *testing.T) {
		base := t.TempDir()
		writeTree(t, base, map[string]string{"a.txt": article})
		code, _, stderr := runCleanCmd(t, "", "--out-dir", base, filepath.Join(base, "a.txt"))
		assert.Equal(t, exitError, code)
		assert.Contains(t, stderr, "would replace its own input")
		assertFile(t, filepath.Join(base, "a.txt"), article)
	})
	t.Run("same name twice", func(t *testing.T) {
		base := t.TempDir()
		writeTree(t, base, map[string]string{"x/a.txt": article, "y/a.txt": article})
		out := filepath.Join(base, "out")
		code, _, stderr := runCleanCmd(t, "", "--out-dir", out, filepath.Join(base, "x", "a.txt"), filepath.Join(base, "y", "a.txt"))
		assert.Equal(t, exitError, code)
		assert.Contains(t, stderr, "was already written for")
		assertFile(t, filepath.Join(out, "a.txt"), articleClean)
	})
	t.Run("text without out dir", func(t *testing.T) {
		code, _, stderr := runCleanCmd(t, "", seed)
		assert.Equal(t, exitError, code)
		assert.Contains(t, stderr, "give --out-dir")
	})
	t.Run("text from stdin to stdout", func(t *testing.T) {
		code, stdout, stderr := runCleanCmd(t, article)
		require.Equal(t, exitClean, code, stderr)
		assert.Equal(t, articleClean, stdout)
	})
}

func assertFile(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, want, string(got), path)
}

// assertOnly checks that dir holds exactly the names given.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	assert.ElementsMatch(t, names, got, "entries of %s", dir)
}

func gzipFile(t *testing.T, path, content string) {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(content))
	require.NoError(t, zw.Close())
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
}

func gunzipFile(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReader(f))
	require.NoError(t, err)
	b, err := io.ReadAll(zr)
	require.NoError(t, err)
	return string(b)
}

func TestCleanResiduePatterns(t *testing.T) {
	doc := `{"id":"p","title":"Rail strike called off","text":"Train drivers called off Friday's strike after a late offer on pay.\nOur partners at Acme keep this page free for every reader.\nServices will run as normal."}` + "\n"
	tests := []struct {
		name     string
		patterns string
		err      string
		removed  string
		reason   string
	}{
		{"site pattern", "# Acme's sponsor lines\n\n^Our partners at Acme\n", "", "1 paragraphs removed (1 residue)",
			"a site pattern marks its lines as residue"},
		{"number first", "2 comments\n^Our partners at\n", "", "1 paragraphs removed (1 residue)",
			"an expression starting with a number is an expression, not a weight"},
		{"without", "", "", "0 paragraphs removed", "the line is prose to the built-in rules"},
		{"bad regexp", "ok line\n# comment\n^Our (partners\n", "sites.txt:3: invalid regexp", "",
			"the error names the file and the line"},
		{"matches empty", "^\\s*$\n", "sites.txt:1: invalid residue pattern", "", "an expression matching an empty line would match everything"},
		{"only comments", "# nothing\n", "no patterns", "", "an empty file is a mistake"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"-o", filepath.Join(t.TempDir(), "o.jsonl")}
			if tt.patterns != "" {
				path := filepath.Join(t.TempDir(), "sites.txt")
				require.NoError(t, os.WriteFile(path, []byte(tt.patterns), 0o644))
				args = append(args, "--residue-patterns", path)
			}
			code, _, stderr := runCleanCmd(t, doc, append(args, "-")...)
			if tt.err != "" {
				assert.Equal(t, exitError, code, tt.reason)
				assert.Contains(t, stderr, "--residue-patterns: ", tt.reason)
				assert.Contains(t, stderr, tt.err, tt.reason)
				return
			}
			require.Equal(t, exitClean, code, stderr)
			assert.Contains(t, stderr, tt.removed, tt.reason)
		})
	}
	t.Run("missing file", func(t *testing.T) {
		code, _, stderr := runCleanCmd(t, doc, "--residue-patterns", "/nonexistent/sites.txt", "-")
		assert.Equal(t, exitError, code)
		assert.Contains(t, stderr, "/nonexistent/sites.txt")
	})
}

func TestCleanHelpAndFlags(t *testing.T) {
	code, stdout, _ := runCleanCmd(t, "", "--help")
	assert.Equal(t, exitClean, code)
	for _, want := range []string{"Usage: newsdedup clean", "--out-dir", "--report", "--keep", "--drop-duplicates",
		"--residue-patterns", "--mismatch-threshold", "--body-field", "--jobs"} {
		assert.Contains(t, stdout, want, "help lists %s (scan's detector and reader flags are shared)", want)
	}
	for _, not := range []string{"--format", "--no-corpus", "--only"} {
		assert.NotContains(t, stdout, not, "scan-only flag")
	}
	code, _, stderr := runCleanCmd(t, "", "--bogus")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "unknown flag: --bogus")
}

// BenchmarkCleanCommand cleans the residue sample, as the command does.
func BenchmarkCleanCommand(b *testing.B) {
	in := filepath.Join(cleanDir, "residue-sample.jsonl")
	fi, err := os.Stat(in)
	require.NoError(b, err)
	b.SetBytes(fi.Size())
	b.ReportAllocs()
	for b.Loop() {
		var out, errb bytes.Buffer
		if code := runClean(context.Background(), []string{in}, nil, &out, &errb); code != exitClean {
			b.Fatal(errb.String())
		}
	}
}
