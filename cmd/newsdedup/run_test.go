package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runCmd runs the command with args and stdin, returning its exit code,
// stdout and stderr.
func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

const seed = "../../testdata/seed.txt"

func TestScanSeedText(t *testing.T) {
	code, out, stderr := runCmd(t, "", "scan", seed)
	assert.Equal(t, exitFlagged, code, stderr)
	assert.Contains(t, out, seed+":3: repeated_headline: paragraph 0:", "compiler-style lines an editor can jump to")
	assert.Contains(t, out, seed+":31: residue: paragraph 14:")
	assert.Contains(t, out, "1 of 1 articles flagged")
	assert.Empty(t, stderr)
}

type outRecord struct {
	ID         string   `json:"id"`
	Source     string   `json:"source"`
	Line       int      `json:"line"`
	Title      string   `json:"title"`
	Paragraphs []string `json:"paragraphs"`
	Findings   []struct {
		Kind      string  `json:"kind"`
		Paragraph int     `json:"paragraph"`
		Line      int     `json:"line"`
		Score     float64 `json:"score"`
		Message   string  `json:"message"`
		RelatedID string  `json:"related_id"`
	} `json:"findings"`
}

func parseJSONL(t *testing.T, s string) []outRecord {
	t.Helper()
	var recs []outRecord
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		if line == "" {
			continue
		}
		var r outRecord
		require.NoError(t, json.Unmarshal([]byte(line), &r), line)
		recs = append(recs, r)
	}
	return recs
}

func TestScanJSONLContract(t *testing.T) {
	code, out, stderr := runCmd(t, "", "scan", "--format", "jsonl", seed)
	require.Equal(t, exitFlagged, code, stderr)
	recs := parseJSONL(t, out)
	require.Len(t, recs, 1)
	r := recs[0]
	assert.Equal(t, seed, r.ID)
	assert.Equal(t, seed, r.Source)
	assert.Equal(t, "Libya's Haftar rejects Ankara, Moscow's call for ceasefire", r.Title)
	assert.Len(t, r.Paragraphs, 15)
	require.NotEmpty(t, r.Findings)
	for _, f := range r.Findings {
		assert.NotEmpty(t, f.Kind)
		assert.NotEmpty(t, f.Message)
		assert.True(t, f.Score >= 0 && f.Score <= 1)
	}
}

func TestScanJSONDocument(t *testing.T) {
	code, out, _ := runCmd(t, "", "scan", "--format", "json", "../../testdata/mismatch/sample.jsonl")
	require.Equal(t, exitFlagged, code)
	var doc struct {
		Articles []outRecord `json:"articles"`
		Summary  struct {
			Articles int            `json:"articles"`
			Flagged  int            `json:"flagged"`
			ByKind   map[string]int `json:"by_kind"`
		} `json:"summary"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Len(t, doc.Articles, 100)
	assert.Equal(t, 100, doc.Summary.Articles)
	assert.Positive(t, doc.Summary.ByKind["headline_mismatch"])
}

func TestScanOrderIsInputOrderAtAnyJobs(t *testing.T) {
	in := "../../testdata/splice/sample.jsonl"
	_, one, _ := runCmd(t, "", "scan", "--format", "jsonl", "-j", "1", in)
	for _, j := range []string{"2", "7"} {
		_, many, _ := runCmd(t, "", "scan", "--format", "jsonl", "-j", j, in)
		assert.Equal(t, one, many, "-j %s changes nothing but speed", j)
	}
}

func TestScanStdin(t *testing.T) {
	seedText, err := os.ReadFile(seed)
	require.NoError(t, err)
	for _, args := range [][]string{{"scan"}, {"scan", "-"}, {"scan", "--no-corpus", "-"}} {
		code, out, stderr := runCmd(t, string(seedText), append(args, "--format", "jsonl")...)
		require.Equal(t, exitFlagged, code, stderr)
		recs := parseJSONL(t, out)
		require.Len(t, recs, 1)
		assert.Equal(t, "-", recs[0].Source)
	}
}

func TestScanExitCodes(t *testing.T) {
	dir := t.TempDir()
	clean := filepath.Join(dir, "clean.txt")
	require.NoError(t, os.WriteFile(clean, []byte("Scorpion stings passenger\n\nA scorpion stung a passenger on a flight to Portland.\n"), 0o644))
	bad := filepath.Join(dir, "bad.jsonl")
	require.NoError(t, os.WriteFile(bad, []byte(`{"id":"a","title":"t","text":"Scorpion stings passenger on a flight to Portland, t."}`+"\n{oops\n"+`{"id":"c","title":"t","text":"x"}`+"\n"), 0o644))

	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"nothing flagged", []string{"scan", clean}, exitClean, ""},
		{"flagged", []string{"scan", seed}, exitFlagged, ""},
		{"bad record names file and line", []string{"scan", bad}, exitError, bad + ":2:"},
		{"strict stops", []string{"scan", "--strict", bad}, exitError, bad + ":2:"},
		{"missing file", []string{"scan", filepath.Join(dir, "nope.txt")}, exitError, "nope.txt"},
		{"unknown flag", []string{"scan", "--frobnicate"}, exitError, "unknown flag"},
		{"unknown kind", []string{"scan", "--only", "nonsense", seed}, exitError, `unknown kind "nonsense"`},
		{"bad format", []string{"scan", "--format", "xml", seed}, exitError, "--format"},
		{"bad min-score", []string{"scan", "--min-score", "2", seed}, exitError, "--min-score"},
		{"unknown command", []string{"frobnicate"}, exitError, "unknown command"},
		{"no command", nil, exitError, "Usage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, "", tt.args...)
			assert.Equal(t, tt.code, code, stderr)
			assert.Contains(t, stderr, tt.err)
		})
	}
}

func TestScanBadRecordSkippedOthersKept(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	require.NoError(t, os.WriteFile(bad, []byte(`{"id":"a","title":"t","text":"one"}`+"\nnot json\n"+`{"id":"c","title":"t","text":"three"}`+"\n"), 0o644))
	code, out, stderr := runCmd(t, "", "scan", "--format", "jsonl", bad)
	assert.Equal(t, exitError, code)
	assert.Equal(t, 1, strings.Count(stderr, bad+":2:"), "reported once, not once per pass")
	recs := parseJSONL(t, out)
	require.Len(t, recs, 2, "the good records are still scanned")
	assert.Equal(t, "a", recs[0].ID)
	assert.Equal(t, "c", recs[1].ID)

	code, out, _ = runCmd(t, "", "scan", "--strict", "--format", "jsonl", bad)
	assert.Equal(t, exitError, code)
	assert.Empty(t, out, "--strict stops before judging")
}

func TestScanFilters(t *testing.T) {
	_, out, _ := runCmd(t, "", "scan", "--format", "jsonl", "--only", "residue", seed)
	for _, f := range parseJSONL(t, out)[0].Findings {
		assert.Equal(t, "residue", f.Kind)
	}
	_, out, _ = runCmd(t, "", "scan", "--format", "jsonl", "--skip", "residue,repeated_headline", seed)
	for _, f := range parseJSONL(t, out)[0].Findings {
		assert.NotContains(t, []string{"residue", "repeated_headline"}, f.Kind)
	}
	code, out, _ := runCmd(t, "", "scan", "--min-score", "1", "--only", "headline_mismatch", seed)
	assert.Equal(t, exitClean, code, "nothing scores 1 here: %s", out)
}

func TestHelpAndVersion(t *testing.T) {
	code, out, _ := runCmd(t, "", "help")
	assert.Equal(t, exitClean, code)
	assert.Contains(t, out, "newsdedup scan")
	code, out, _ = runCmd(t, "", "scan", "--help")
	assert.Equal(t, exitClean, code)
	assert.Contains(t, out, "Examples:")
	assert.Contains(t, out, "--mismatch-threshold float", "every threshold is a flag")
	assert.Contains(t, out, "(default 0.09)", "with its default shown")
	code, out, _ = runCmd(t, "", "help", "scan")
	assert.Equal(t, exitClean, code)
	assert.Contains(t, out, "Usage: newsdedup scan")
	code, out, _ = runCmd(t, "", "--version")
	assert.Equal(t, exitClean, code)
	assert.True(t, strings.HasPrefix(out, "newsdedup "))
}

func BenchmarkScanCommand(b *testing.B) {
	in := "../../testdata/mismatch/sample.jsonl"
	st, err := os.Stat(in)
	require.NoError(b, err)
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for b.Loop() {
		run(context.Background(), []string{"scan", "--format", "jsonl", "-j", "1", in}, nil, io.Discard, io.Discard)
	}
}

func TestScanNearDuplicatesAndClusters(t *testing.T) {
	dir := t.TempDir()
	story := "Hong Kong police fired tear gas at thousands of pro-democracy protesters who blocked roads in the financial district on Sunday night.\n" +
		"The protesters, many of them students carrying umbrellas, demand free elections for the city's leader in 2017, which Beijing has refused.\n" +
		"Beijing called the protests illegal and backed the police, as students vowed to stay in the district until their demands were met.\n"
	other := "Lenovo is preparing a bid for BlackBerry, the Canadian smartphone maker, according to a report published on Monday morning.\n" +
		"BlackBerry shares rose nine per cent in early trading after the report of the Lenovo bid for the company was published.\n"
	lines := []map[string]string{
		{"id": "a", "title": "Police fire tear gas in Hong Kong", "text": story},
		{"id": "b", "title": "Lenovo eyes BlackBerry", "text": other},
		{"id": "c", "title": "Tear gas in Hong Kong", "text": strings.Replace(story, "Sunday", "Saturday", 1)},
	}
	var buf bytes.Buffer
	for _, l := range lines {
		b, err := json.Marshal(l)
		require.NoError(t, err)
		buf.Write(append(b, '\n'))
	}
	in := filepath.Join(dir, "crawl.jsonl")
	require.NoError(t, os.WriteFile(in, buf.Bytes(), 0o644))

	code, out, stderr := runCmd(t, "", "scan", "--format", "json", "--only", "near_duplicate", in)
	require.Equal(t, exitFlagged, code, stderr)
	var doc struct {
		Articles []outRecord `json:"articles"`
		Clusters []struct {
			Kept    string   `json:"kept"`
			Members []string `json:"members"`
		} `json:"clusters"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.Len(t, doc.Articles, 3)
	assert.Empty(t, doc.Articles[0].Findings, "the first copy is kept")
	assert.Empty(t, doc.Articles[1].Findings, "another story")
	require.Len(t, doc.Articles[2].Findings, 1)
	assert.Equal(t, "a", doc.Articles[2].Findings[0].RelatedID)
	require.Len(t, doc.Clusters, 1)
	assert.Equal(t, "a", doc.Clusters[0].Kept)
	assert.Equal(t, []string{"a", "c"}, doc.Clusters[0].Members)
}

func TestScanIndexSecondRunFlagsEverything(t *testing.T) {
	for _, extra := range [][]string{nil, {"--index-no-sync"}} {
		t.Run(strings.Join(append([]string{"index"}, extra...), " "), func(t *testing.T) {
			ix := filepath.Join(t.TempDir(), "seen.db")
			in := "../../testdata/splice/sample.jsonl"
			args := append([]string{"scan", "--index", ix, "--only", "near_duplicate", "--format", "jsonl"}, extra...)
			code, out, stderr := runCmd(t, "", append(args, in)...)
			require.Contains(t, []int{exitClean, exitFlagged}, code, stderr)
			first := parseJSONL(t, out)

			code, out, stderr = runCmd(t, "", append(args, in)...)
			require.Equal(t, exitFlagged, code, stderr)
			second := parseJSONL(t, out)
			require.Len(t, second, len(first))
			for _, r := range second {
				require.Len(t, r.Findings, 1, "every article of the second run was seen: %s", r.ID)
				assert.Equal(t, "near_duplicate", r.Findings[0].Kind)
				assert.NotEmpty(t, r.Findings[0].RelatedID)
			}

			code, out, stderr = runCmd(t, "", "index", "stats", ix)
			require.Equal(t, exitClean, code, stderr)
			assert.Contains(t, out, fmt.Sprintf("articles:   %d", len(first)))
		})
	}
}

func TestScanIndexNoSyncIsForFiles(t *testing.T) {
	code, _, stderr := runCmd(t, "", "scan", "--index", "redis://127.0.0.1:1/0", "--index-no-sync", seed)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "--index-no-sync applies to a file index")
}

func TestScanOutputFileAndHTML(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.html")
	code, stdout, stderr := runCmd(t, "", "scan", "--format", "html", "-o", out, seed)
	require.Equal(t, exitFlagged, code, stderr)
	assert.Empty(t, stdout, "-o takes the output off stdout")
	page, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(page), "<html")
	assert.Contains(t, string(page), "Haftar")

	gz := filepath.Join(dir, "findings.jsonl.gz")
	code, _, stderr = runCmd(t, "", "scan", "--format", "jsonl", "-o", gz, seed)
	require.Equal(t, exitFlagged, code, stderr)
	f, err := os.Open(gz)
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err, ".gz output is gzipped")
	b, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.Len(t, parseJSONL(t, string(b)), 1)

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "no temporary files left behind")

	code, _, _ = runCmd(t, "", "scan", "--strict", "-o", filepath.Join(dir, "strict.jsonl"), filepath.Join(dir, "missing.txt"))
	assert.Equal(t, exitError, code)
	_, err = os.Stat(filepath.Join(dir, "strict.jsonl"))
	assert.True(t, os.IsNotExist(err), "a stopped scan leaves no output in place")
}

func TestScanResiduePatternsFlag(t *testing.T) {
	dir := t.TempDir()
	pat := filepath.Join(dir, "site.txt")
	require.NoError(t, os.WriteFile(pat, []byte("# our site\n^Omar al-Tawil\n"), 0o644))
	code, out, stderr := runCmd(t, "", "scan", "--residue-patterns", pat, "--only", "residue", "--format", "jsonl", seed)
	require.Equal(t, exitFlagged, code, stderr)
	got := map[int]bool{}
	for _, f := range parseJSONL(t, out)[0].Findings {
		got[f.Paragraph] = true
	}
	assert.True(t, got[1], "the site pattern matches paragraph 1")
	assert.True(t, got[14], "the built-in patterns still apply")

	require.NoError(t, os.WriteFile(pat, []byte("(unclosed\n"), 0o644))
	code, _, stderr = runCmd(t, "", "scan", "--residue-patterns", pat, seed)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, pat+":1:", "a bad pattern names file and line")
}
