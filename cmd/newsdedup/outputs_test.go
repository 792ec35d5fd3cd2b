package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
)

// dupCrawl writes a JSONL crawl of four articles: a, another story b, and
// c and d, copies of a.
func dupCrawl(t *testing.T) string {
	t.Helper()
	story := "Hong Kong police fired tear gas at thousands of pro-democracy protesters who blocked roads in the financial district on Sunday night.\n" +
		"The protesters, many of them students carrying umbrellas, demand free elections for the city's leader in 2017, which Beijing has refused.\n" +
		"Beijing called the protests illegal and backed the police, as students vowed to stay in the district until their demands were met.\n"
	other := "Lenovo is preparing a bid for BlackBerry, the Canadian smartphone maker, according to a report published on Monday morning.\n" +
		"BlackBerry shares rose nine per cent in early trading after the report of the Lenovo bid for the company was published.\n"
	var buf bytes.Buffer
	for _, l := range []map[string]string{
		{"id": "a", "title": "Police fire tear gas in Hong Kong", "text": story},
		{"id": "b", "title": "Lenovo eyes BlackBerry", "text": other + "Related Articles\n"},
		{"id": "c", "title": "Tear gas in Hong Kong", "text": strings.Replace(story, "Sunday", "Saturday", 1)},
		{"id": "d", "title": "Hong Kong: tear gas", "text": strings.Replace(story, "night", "evening", 1)},
	} {
		b, err := json.Marshal(l)
		require.NoError(t, err)
		buf.Write(append(b, '\n'))
	}
	in := filepath.Join(t.TempDir(), "crawl.jsonl")
	require.NoError(t, os.WriteFile(in, buf.Bytes(), 0o644))
	return in
}

// clusterRecord is a record with its cluster field.
type clusterRecord struct {
	ID         string    `json:"id"`
	Paragraphs *[]string `json:"paragraphs"`
	Findings   []struct {
		Kind      string `json:"kind"`
		RelatedID string `json:"related_id"`
	} `json:"findings"`
	Cluster *string `json:"cluster"`
}

func TestScanClusterField(t *testing.T) {
	in := dupCrawl(t)
	code, out, stderr := runCmd(t, "", "scan", "--format", "jsonl", in)
	require.Equal(t, exitFlagged, code, stderr)
	var clusters []string
	for line := range strings.Lines(out) {
		var r clusterRecord
		require.NoError(t, json.Unmarshal([]byte(line), &r))
		c := "-"
		if r.Cluster != nil {
			c = *r.Cluster
		}
		clusters = append(clusters, r.ID+":"+c)
	}
	assert.Equal(t, []string{"a:-", "b:-", "c:a", "d:a"}, clusters, "every near-duplicate names the article its cluster keeps; the others have no cluster field")

	t.Run("index", func(t *testing.T) {
		ix := filepath.Join(t.TempDir(), "seen.db")
		code, _, stderr := runCmd(t, "", "scan", "--index", ix, "--format", "jsonl", in)
		require.Equal(t, exitFlagged, code, stderr)
		code, out, stderr := runCmd(t, "", "scan", "--index", ix, "--format", "json", in)
		require.Equal(t, exitFlagged, code, stderr)
		var doc struct {
			Articles []clusterRecord `json:"articles"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &doc))
		var got []string
		for _, r := range doc.Articles {
			require.NotNil(t, r.Cluster, "%s: seen before, so a near-duplicate", r.ID)
			got = append(got, r.ID+":"+*r.Cluster)
		}
		assert.Equal(t, []string{"a:a", "b:b", "c:a", "d:a"}, got,
			"the second run: every copy names the article indexed first, also through the run's own clusters")
	})
}

func TestScanFindingsOnly(t *testing.T) {
	in := dupCrawl(t)
	code, out, stderr := runCmd(t, "", "scan", "--format", "jsonl", "--findings-only", in)
	require.Equal(t, exitFlagged, code, stderr)
	var ids []string
	for line := range strings.Lines(out) {
		var r clusterRecord
		require.NoError(t, json.Unmarshal([]byte(line), &r))
		assert.Nil(t, r.Paragraphs, "no paragraphs echoed")
		assert.NotEmpty(t, r.Findings)
		ids = append(ids, r.ID)
	}
	assert.Equal(t, []string{"b", "c", "d"}, ids, "only the articles with findings")

	code, out, stderr = runCmd(t, "", "scan", "--format", "json", "--findings-only", in)
	require.Equal(t, exitFlagged, code, stderr)
	var doc struct {
		Articles []clusterRecord `json:"articles"`
		Summary  struct {
			Articles int `json:"articles"`
		} `json:"summary"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Len(t, doc.Articles, 3)
	assert.Equal(t, 4, doc.Summary.Articles, "the summary counts every article")

	code, _, stderr = runCmd(t, "", "scan", "--findings-only", in)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "--findings-only applies to --format json and jsonl, not text")
}

func TestScanCSVFormat(t *testing.T) {
	code, out, stderr := runCmd(t, "", "scan", "--format", "csv", seed)
	require.Equal(t, exitFlagged, code, stderr)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err, out)
	assert.Equal(t, []string{"id", "source", "line", "kind", "paragraph", "score", "related_id", "message"}, rows[0])
	require.Len(t, rows, 13, "a header and one row per finding")
	assert.Equal(t, []string{seed, seed, "3", "repeated_headline", "0", "1", "", "repeats the headline"}, rows[1])
	last := rows[12]
	assert.Equal(t, []string{seed, seed, "31", "residue", "14"}, last[:5])
	assert.Contains(t, last[7], `"Related Articles"`)

	in := dupCrawl(t)
	code, out, stderr = runCmd(t, "", "scan", "--format", "csv", "--only", "near_duplicate", in)
	require.Equal(t, exitFlagged, code, stderr)
	rows, err = csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 3)
	assert.Equal(t, []string{"c", "a"}, []string{rows[1][0], rows[1][6]}, "related_id names the earlier copy")
	assert.Equal(t, "-1", rows[1][4], "a finding on the whole article is paragraph -1")
}

func TestScanFormatFromOutputName(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, reason string
		args         []string
		check        func(t *testing.T, data []byte)
	}{
		{name: "report.html", reason: "-o report.html is an HTML report",
			check: func(t *testing.T, data []byte) { assert.Contains(t, string(data), "<html") }},
		{name: "findings.csv", reason: "-o .csv is CSV",
			check: func(t *testing.T, data []byte) {
				assert.True(t, strings.HasPrefix(string(data), "id,source,line,kind"))
			}},
		{name: "findings.jsonl.gz", reason: "the compression extension aside",
			check: func(t *testing.T, data []byte) { assert.Len(t, parseJSONL(t, string(data)), 1) }},
		{name: "report.json", reason: "-o .json is one JSON document",
			check: func(t *testing.T, data []byte) { assert.Contains(t, string(data), `"summary"`) }},
		{name: "forced.html", reason: "--format wins over the name", args: []string{"--format", "jsonl"},
			check: func(t *testing.T, data []byte) { assert.Len(t, parseJSONL(t, string(data)), 1) }},
		{name: "notes.out", reason: "an extension that names no format: text",
			check: func(t *testing.T, data []byte) { assert.Contains(t, string(data), "1 of 1 articles flagged") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, tt.name)
			args := append(append([]string{"scan"}, tt.args...), "-o", out, seed)
			code, _, stderr := runCmd(t, "", args...)
			require.Equal(t, exitFlagged, code, stderr)
			tt.check(t, readPlain(t, out))
		})
	}
}

func TestScanTextNamesKindOnce(t *testing.T) {
	code, out, stderr := runCmd(t, "", "scan", seed)
	require.Equal(t, exitFlagged, code, stderr)
	assert.Contains(t, out, seed+`:31: residue: paragraph 14: related-link marker "Related Articles"`+"\n",
		"the kind is said once, by the line, not again by the message")
	for line := range strings.Lines(out) {
		if i := strings.Index(line, ": residue: "); i >= 0 {
			assert.NotContains(t, line[i+len(": residue: "):], "residue:", line)
		}
	}

	code, out, stderr = runCmd(t, "", "scan", "--only", "near_duplicate", dupCrawl(t))
	require.Equal(t, exitFlagged, code, stderr)
	assert.Contains(t, out, ": near_duplicate: article: near-duplicate of a", "a finding on the whole article says article, not title")
	assert.NotContains(t, out, ": title:")
	assert.Equal(t, "article", findingPlace(dedup.Finding{Kind: dedup.KindHeadlineMismatch, Paragraph: -1}))
	assert.Equal(t, "title", findingPlace(dedup.Finding{Kind: dedup.KindSharedHeadline, Paragraph: -1}), "shared_headline is about the headline")
	assert.Equal(t, "paragraph 3", findingPlace(dedup.Finding{Kind: dedup.KindResidue, Paragraph: 3}))
}
