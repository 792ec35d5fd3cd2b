package dedup_test

import (
	"bufio"
	"context"
	"encoding/json"
	"iter"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/read"
)

// readDocs reads every document of the files, failing on bad input.
func readDocs(t testing.TB, paths ...string) []*dedup.Document {
	t.Helper()
	var docs []*dedup.Document
	for d, err := range read.Paths(context.Background(), paths, nil, read.Options{}) {
		require.NoError(t, err)
		docs = append(docs, d)
	}
	return docs
}

// stream yields docs, as a reader yields documents.
func stream(docs []*dedup.Document) iter.Seq2[*dedup.Document, error] {
	return func(yield func(*dedup.Document, error) bool) {
		for _, d := range docs {
			if !yield(d, nil) {
				return
			}
		}
	}
}

// mustPipeline returns a pipeline with the defaults, changed by set.
func mustPipeline(t testing.TB, set func(*dedup.Options)) *dedup.Pipeline {
	t.Helper()
	o := dedup.DefaultOptions()
	if set != nil {
		set(&o)
	}
	p, err := dedup.NewPipeline(&o)
	require.NoError(t, err)
	return p
}

// runAll runs a pipeline over docs, as the CLI does, and returns each
// document's findings.
func runAll(t testing.TB, docs []*dedup.Document, withCorpus bool) [][]dedup.Finding {
	t.Helper()
	p := mustPipeline(t, func(o *dedup.Options) { o.Corpus = withCorpus })
	var out [][]dedup.Finding
	for a, err := range p.Run(context.Background(), stream(docs)) {
		require.NoError(t, err)
		require.Equal(t, len(out), a.Ord)
		out = append(out, a.Findings)
	}
	require.Len(t, out, len(docs))
	return out
}

// check judges one page alone.
func check(t testing.TB, p *dedup.Pipeline, d *dedup.Document) []dedup.Finding {
	t.Helper()
	a, err := p.Check(context.Background(), d)
	require.NoError(t, err)
	return a.Findings
}

// readTruth reads a truth file of the eval sets into id -> record.
func readTruth[T any](t testing.TB, path string) map[string]T {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	m := make(map[string]T)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var id struct{ ID string }
		require.NoError(t, json.Unmarshal(sc.Bytes(), &id))
		var v T
		require.NoError(t, json.Unmarshal(sc.Bytes(), &v))
		m[id.ID] = v
	}
	require.NoError(t, sc.Err())
	return m
}

func kinds(fs []dedup.Finding, k dedup.Kind) map[int]dedup.Finding {
	m := make(map[int]dedup.Finding)
	for _, f := range fs {
		if f.Kind == k {
			m[f.Paragraph] = f
		}
	}
	return m
}

func f1(tp, fp, fn int) float64 {
	if tp == 0 {
		return 0
	}
	p := float64(tp) / float64(tp+fp)
	r := float64(tp) / float64(tp+fn)
	return 2 * p * r / (p + r)
}

func TestScanSeedArticle(t *testing.T) {
	docs := readDocs(t, "../testdata/seed.txt")
	require.Len(t, docs, 1)
	fs := runAll(t, docs, false)[0]

	rep := kinds(fs, dedup.KindRepeatedHeadline)
	assert.Contains(t, rep, 0, "the headline printed again as paragraph 0")
	assert.Len(t, rep, 1)
	res := kinds(fs, dedup.KindResidue)
	assert.Contains(t, res, 14, `"Related Articles" closes the page`)
	assert.Equal(t, []int{1, 2, 4, 5, 6, 7, 8, 10, 12, 13}, slices.Sorted(maps.Keys(kinds(fs, dedup.KindOffTopic))),
		"the Syria and Iran paragraphs are another story; the Libya ones, 3, 9 and 11, the headline's")
	for _, f := range fs {
		assert.NotEmpty(t, f.Message)
		assert.GreaterOrEqual(t, f.Score, 0.0)
		assert.LessOrEqual(t, f.Score, 1.0)
		if f.Paragraph >= 0 {
			assert.Equal(t, docs[0].Paragraphs[f.Paragraph].Line, f.Line, "a finding carries its paragraph's line")
		}
	}
}

// TestSpliceSample scores off_topic on a sample of the dev splice set as
// score.py does, so that a regression shows here and not only on the dev
// set. The floors sit a little under what the sample measured.
func TestSpliceSample(t *testing.T) {
	docs := readDocs(t, "../testdata/splice/sample.jsonl")
	truth := readTruth[struct {
		Mode    string
		Foreign []int
	}](t, "../testdata/splice/sample.truth.jsonl")
	for _, tc := range []struct {
		name       string
		corpus     bool
		minF1      float64
		maxControl float64
	}{
		{"with corpus", true, 0.85, 0.15},
		{"alone", false, 0.60, 0.15},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := runAll(t, docs, tc.corpus)
			var tp, fp, fn, ctrl, ctrlFlagged int
			for i, d := range docs {
				tr, ok := truth[d.ID]
				require.True(t, ok, d.ID)
				gold := make(map[int]bool)
				for _, p := range tr.Foreign {
					gold[p] = true
				}
				pred := kinds(res[i], dedup.KindOffTopic)
				flagged := false
				for p, para := range d.Paragraphs {
					_, hit := pred[p]
					switch {
					case gold[p] && hit:
						tp++
					case gold[p]:
						fn++
					case hit && len(strings.Fields(para.Text)) >= 8:
						fp++
						flagged = true
					}
				}
				if tr.Mode == "control" {
					ctrl++
					if flagged {
						ctrlFlagged++
					}
				}
			}
			f := f1(tp, fp, fn)
			t.Logf("off_topic F1 %.3f (tp %d fp %d fn %d), controls flagged %d/%d", f, tp, fp, fn, ctrlFlagged, ctrl)
			assert.GreaterOrEqual(t, f, tc.minF1)
			assert.LessOrEqual(t, float64(ctrlFlagged)/float64(ctrl), tc.maxControl)
		})
	}
}

func TestMismatchSample(t *testing.T) {
	docs := readDocs(t, "../testdata/mismatch/sample.jsonl")
	truth := readTruth[struct{ Unrelated bool }](t, "../testdata/mismatch/sample.truth.jsonl")
	res := runAll(t, docs, true)
	var tp, fp, fn int
	for i, d := range docs {
		pred := len(kinds(res[i], dedup.KindHeadlineMismatch)) > 0
		gold := truth[d.ID].Unrelated
		switch {
		case pred && gold:
			tp++
		case pred:
			fp++
		case gold:
			fn++
		}
	}
	f := f1(tp, fp, fn)
	t.Logf("unrelated F1 %.3f (tp %d fp %d fn %d)", f, tp, fp, fn)
	assert.GreaterOrEqual(t, f, 0.97)
}

func doc(title string, paras ...string) *dedup.Document {
	d := &dedup.Document{ID: title, Source: "test", Line: 1, Title: title, TitleLine: 1}
	for i, p := range paras {
		d.Paragraphs = append(d.Paragraphs, dedup.Paragraph{Text: p, Line: i + 2})
	}
	return d
}

func TestMismatchDecides(t *testing.T) {
	body := []string{
		"A scorpion stung a woman on the hand just before her Alaska Airlines flight from Los Angeles to Portland took off.",
		"The plane returned to the gate and medics checked the passenger, who refused further treatment after the scorpion sting.",
		"Flight attendants searched the overhead compartments for more scorpions before the flight left again.",
	}
	tests := []struct {
		title string
		want  bool
		why   string
	}{
		{"Scorpion stings woman on Alaska Airlines flight", false, "the body's story"},
		{"Woman stung by scorpion before flight to Portland", false, "the same story in other words"},
		{"Apple unveils a gold watch at its spring event in San Francisco", true, "another story"},
		{"Teenage jihadist killed in Syria air strikes, family says", true, "another story"},
	}
	s := mustPipeline(t, nil)
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			got := kinds(check(t, s, doc(tt.title, body...)), dedup.KindHeadlineMismatch)
			assert.Equal(t, tt.want, len(got) > 0, tt.why)
			if f, ok := got[dedup.TitleParagraph]; ok {
				assert.Equal(t, 1, f.Line)
				assert.Greater(t, f.Score, 0.5)
			}
		})
	}
	assert.Empty(t, kinds(check(t, s, doc("", body...)), dedup.KindHeadlineMismatch), "no headline, nothing to judge")
	assert.Empty(t, kinds(check(t, s, doc("Scorpion on a plane")), dedup.KindHeadlineMismatch), "no body, nothing to judge")
}

// spliced builds an article about an airline scorpion with three
// paragraphs of a Hong Kong protest story after its fourth paragraph.
func spliced() (*dedup.Document, []int) {
	d := doc("Scorpion stings passenger on Alaska Airlines flight to Portland",
		"A scorpion stung a passenger on an Alaska Airlines flight from Los Angeles to Portland on Saturday night, the airline said.",
		"The plane was taxiing on the runway when the scorpion stung the passenger on the hand, an Alaska Airlines spokesman said.",
		"The flight returned to the gate, where medics examined the passenger; she refused further treatment after the sting.",
		"The woman stomped the scorpion to death, and flight attendants searched the overhead compartments for more scorpions.",
		"Hong Kong police fired tear gas at thousands of pro-democracy protesters who blocked roads in the financial district.",
		"The protesters, many of them students carrying umbrellas, demand free elections for the Hong Kong leader in 2017.",
		"Beijing called the Hong Kong protests illegal and backed the police, as students vowed to stay in the district.",
		"Alaska Airlines said scorpions sometimes travel in luggage and that the Portland flight left after a delay of an hour.",
		"The airline apologised to the passenger, who flew on to Portland on a later Alaska Airlines flight that night.",
	)
	return d, []int{4, 5, 6}
}

func TestOffTopicAlone(t *testing.T) {
	s := mustPipeline(t, nil)
	d, foreign := spliced()
	got := kinds(check(t, s, d), dedup.KindOffTopic)
	for _, i := range foreign {
		assert.Contains(t, got, i, "the protest paragraphs are another story")
	}
	assert.Len(t, got, len(foreign), "the scorpion paragraphs stay")

	clean := doc(d.Title)
	for i, p := range d.Paragraphs {
		if i < 4 || i > 6 {
			clean.Paragraphs = append(clean.Paragraphs, p)
		}
	}
	assert.Empty(t, kinds(check(t, s, clean), dedup.KindOffTopic), "one story: nothing off topic")
}

func TestOffTopicCorpusNamesTheHome(t *testing.T) {
	host, foreign := spliced()
	host.ID = "host"
	home := doc("Hong Kong police fire tear gas at democracy protesters",
		"Hong Kong police fired tear gas at thousands of pro-democracy protesters who blocked roads in the financial district.",
		"The protesters, many of them students carrying umbrellas, demand free elections for the Hong Kong leader in 2017.",
		"Beijing called the Hong Kong protests illegal and backed the police, as students vowed to stay in the district.",
		"Police said they would clear the streets by the morning, but crowds grew through the night near government headquarters.",
		"Shops and banks in the Central district stayed shut on Monday, and schools in two districts cancelled classes.",
		"Organisers said more than 80,000 people joined the protests, the largest in Hong Kong since the 1997 handover.",
	)
	home.ID = "home"
	other := doc("Lenovo to bid for BlackBerry, report says",
		"Lenovo is preparing a bid for BlackBerry, the Canadian smartphone maker, according to a report on Monday.",
		"BlackBerry shares rose nine per cent in early trading after the report of the Lenovo bid for the company.",
	)
	docs := []*dedup.Document{host, home, other}
	res := runAll(t, docs, true)
	got := kinds(res[0], dedup.KindOffTopic)
	for _, i := range foreign {
		require.Contains(t, got, i)
		assert.Equal(t, "home", got[i].RelatedID, "the block fits the protest article better")
	}
	assert.Empty(t, kinds(res[1], dedup.KindOffTopic), "the block is at home in the protest article")
	assert.Empty(t, kinds(res[2], dedup.KindOffTopic))
}

func TestScanSortsByParagraph(t *testing.T) {
	d, _ := spliced()
	d.Paragraphs = append([]dedup.Paragraph{{Text: d.Title, Line: 2}}, d.Paragraphs...)
	d.Paragraphs = append(d.Paragraphs, dedup.Paragraph{Text: "Related Articles", Line: 99})
	fs := check(t, mustPipeline(t, nil), d)
	require.NotEmpty(t, fs)
	for i := 1; i < len(fs); i++ {
		assert.LessOrEqual(t, fs[i-1].Paragraph, fs[i].Paragraph)
	}
}

func TestScanHostileDocuments(t *testing.T) {
	s := mustPipeline(t, nil)
	for _, d := range []*dedup.Document{
		{},
		{Title: "only a title"},
		{Paragraphs: []dedup.Paragraph{{Text: "no title", Line: 1}}},
		doc("!!!", "???", "..."),
		doc("Same", "Same", "Same", "Same"),
	} {
		assert.NotPanics(t, func() { check(t, s, d) })
	}
}

// BenchmarkRun runs a pipeline over a sample of the dev mismatch set with
// a corpus, on one worker: "new" with a fresh pipeline each time (every
// body analysed), "repeated" with one pipeline, whose memos know the
// bodies (a crawl's copies).
func BenchmarkRun(b *testing.B) {
	docs := readDocs(b, "../testdata/mismatch/sample.jsonl")
	var size int64
	for _, d := range docs {
		size += int64(len(d.Raw))
	}
	run := func(p *dedup.Pipeline) {
		for _, err := range p.Run(context.Background(), stream(docs)) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	one := func(o *dedup.Options) { o.Workers = 1 }
	b.Run("new", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			run(mustPipeline(b, one))
		}
	})
	b.Run("repeated", func(b *testing.B) {
		p := mustPipeline(b, one)
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			run(p)
		}
	})
}
