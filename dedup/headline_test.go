package dedup

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// headlineTestDoc builds a document with a title and paragraphs on
// consecutive lines after it.
func headlineTestDoc(title string, paras ...string) *Document {
	doc := &Document{ID: "t", Title: title, TitleLine: 1}
	for i, p := range paras {
		doc.Paragraphs = append(doc.Paragraphs, Paragraph{Text: p, Line: i + 3})
	}
	return doc
}

const (
	testHeadline = "Harbour council votes to ban cruise ships from the old port"
	testLede     = "Councillors in the harbour town voted on Tuesday night to keep large cruise liners away from the historic old port after months of complaints from residents."
	testBody     = "The decision follows a summer in which as many as four ships a day anchored off the breakwater, sending thousands of visitors into the narrow streets."
	testClosing  = "The ban takes effect next spring and will be reviewed after two seasons, the council said in a statement."
)

func TestDetectRepeatedHeadline(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		title  string
		paras  []string
		want   []int  // paragraphs flagged
		msg    string // message of the first finding, when set
	}{
		{
			name: "exact at top", reason: "a verbatim copy as the first paragraph is the plainest repeat",
			title: testHeadline, paras: []string{testHeadline, testLede, testBody},
			want: []int{0}, msg: "repeats the headline",
		},
		{
			name: "site suffix dash", reason: `scrapers append " - Reuters" from the page title`,
			title: testHeadline, paras: []string{testHeadline + " - Reuters", testLede, testBody},
			want: []int{0}, msg: `repeats the headline (with site suffix " - Reuters")`,
		},
		{
			name: "site suffix pipe", reason: `" | BBC News" is the other common page-title form`,
			title: testHeadline, paras: []string{testHeadline + " | BBC News", testLede},
			want: []int{0}, msg: `repeats the headline (with site suffix " | BBC News")`,
		},
		{
			name: "site suffix en dash", reason: "typographic dashes separate site names too",
			title: testHeadline, paras: []string{testHeadline + " – Daily Mail Online", testLede},
			want: []int{0}, msg: `repeats the headline (with site suffix " – Daily Mail Online")`,
		},
		{
			name: "site prefix", reason: "some sites put their name first",
			title: testHeadline, paras: []string{"CNN.com | " + testHeadline, testLede},
			want: []int{0}, msg: `repeats the headline (with site prefix "CNN.com | ")`,
		},
		{
			name: "upper case without punctuation", reason: "a style sheet's text-transform and a scraper dropping punctuation",
			title: "Man, 92, finishes marathon: 'I'm not done yet'",
			paras: []string{"MAN 92 FINISHES MARATHON IM NOT DONE YET", testLede},
			want:  []int{0}, msg: "repeats the headline (case or punctuation changed)",
		},
		{
			name: "number separators dropped", reason: `"$20,000" upper-cased without punctuation reads "$20000"`,
			title: "Woman, 21, pays $20,000 for third ear", paras: []string{testLede, "WOMAN 21 PAYS $20000 FOR THIRD EAR"},
			want: []int{1},
		},
		{
			name: "truncated with dots", reason: `a teaser cut short with "..."`,
			title: testHeadline, paras: []string{"Harbour council votes to ban cruise ships...", testLede},
			want: []int{0}, msg: `repeats the headline, truncated ("...")`,
		},
		{
			name: "truncated with ellipsis character", reason: `"…" is the typographic ellipsis`,
			title: testHeadline, paras: []string{testLede, "Harbour council votes to ban cruise…", testBody},
			want: []int{1}, msg: `repeats the headline, truncated ("…")`,
		},
		{
			name: "truncated mid-word", reason: "a cut by characters can fall inside a word",
			title: testHeadline, paras: []string{"Harbour council votes to ban cru...", testLede},
			want: []int{0},
		},
		{
			name: "truncated with site suffix", reason: "both manglings at once",
			title: testHeadline, paras: []string{"Harbour council votes to ban cruise ships... - Reuters", testLede},
			want: []int{0}, msg: `repeats the headline, truncated ("...") (with site suffix " - Reuters")`,
		},
		{
			name: "headline containing a separator, truncated", reason: "the whole paragraph is tried before splitting at separators",
			title: "Man saved from bear attack - thanks to his ringtone", paras: []string{"Man saved from bear attack - thanks to...", testLede},
			want: []int{0},
		},
		{
			name: "at end", reason: "templates print the title again under the story",
			title: testHeadline, paras: []string{testLede, testBody, testClosing, testHeadline},
			want: []int{3},
		},
		{
			name: "in the middle", reason: "copies can sit anywhere, for instance above an embedded gallery",
			title: testHeadline, paras: []string{testLede, testHeadline, testBody, testClosing},
			want: []int{1},
		},
		{
			name: "several copies", reason: "every copy is reported",
			title: testHeadline, paras: []string{testHeadline + " | BBC News", testLede, testHeadline},
			want: []int{0, 2},
		},
		{
			name: "title carries the site name", reason: "the title's longest part is tried alone when the rest is a site name",
			title: testHeadline + " - Reuters", paras: []string{testHeadline, testLede},
			want: []int{0}, msg: `repeats the headline (without the title's " - Reuters")`,
		},
		{
			name: "nearly verbatim", reason: "a one-letter slip in a long headline is still a copy",
			title: testHeadline, paras: []string{testLede, "Harbour council votes to ban cruise ship from the old port", testBody},
			want: []int{1}, msg: "repeats the headline nearly verbatim (1 character differs)",
		},
		{
			name: "title case in the body", reason: "text-transform: capitalize is a scraper's case change",
			title: "Harbour council votes to ban cruise ships from the old port",
			paras: []string{testLede, "Harbour Council Votes To Ban Cruise Ships From The Old Port", testBody},
			want:  []int{1},
		},
		{
			name: "one-word headline at the top", reason: "the first paragraph is where scrapers print the title",
			title: "Crabzilla", paras: []string{"Crabzilla – CNN.com", testLede},
			want: []int{0}, msg: `repeats the headline (with site suffix " – CNN.com")`,
		},
		{
			name: "one-word headline at the end", reason: "so is the last",
			title: "Crabzilla", paras: []string{testLede, testBody, "CRABZILLA"},
			want: []int{2},
		},
		{
			name: "two-word headline truncated to one word", reason: "the ellipsis and a prefix keeping a third of the letters suffice",
			title: "Breast Chancer", paras: []string{"Breast...", testLede},
			want: []int{0},
		},
		{
			name: "two-word headline", reason: "short but not a single word: an exact copy counts anywhere",
			title: "Giant Crab", paras: []string{testLede, "GIANT CRAB", testBody},
			want: []int{1},
		},
		// Negatives.
		{
			name: "lede restates the headline", reason: "same story in other words is not a repeat",
			title: testHeadline, paras: []string{"The harbour council has voted to ban cruise ships from using the old port.", testBody},
		},
		{
			name: "headline words then a long sentence", reason: "a lede that starts with the headline and goes on is content",
			title: testHeadline, paras: []string{testHeadline + " after residents complained for months about crowds and fumes in the narrow streets.", testBody},
		},
		{
			name: "headline then a long dash clause", reason: "what follows a separator must be short to be a site name",
			title: testHeadline, paras: []string{testHeadline + " - a move the mayor called long overdue at a packed meeting", testBody},
		},
		{
			name: "one-word headline inside the body", reason: `one word ("Update") inside the body is no evidence of a repeat`,
			title: "Update", paras: []string{testLede, "Update", testBody},
		},
		{
			name: "one-word headline truncated", reason: "a one-word headline is only matched whole",
			title: "Crabzilla", paras: []string{"Crabzil...", testLede},
		},
		{
			name: "empty title", reason: "nothing to repeat",
			title: "", paras: []string{"", testLede},
		},
		{
			name: "title only", reason: "no paragraphs, no findings",
			title: testHeadline,
		},
		{
			name: "truncated to one word", reason: "one word and an ellipsis is too little to tell",
			title: testHeadline, paras: []string{"Harbour...", testLede},
		},
		{
			name: "prefix without ellipsis", reason: "a headline-like start of a sentence is not a truncated copy",
			title: testHeadline, paras: []string{"Harbour council votes to ban cruise ships", testLede},
		},
		{
			name: "related headline", reason: "a different headline about the same story differs by more than slips",
			title: "Apple stores to keep gold Edition watches in custom safes",
			paras: []string{testLede, "Apple stores to keep gold watch in custom safes", testBody},
		},
		{
			name: "url slug", reason: "a link whose slug spells the headline carries much more than the headline",
			title: "Police chief in charge of harbour inquiry resigns",
			paras: []string{testLede, "- See more at: http://example.com/police-chief-in-charge-of-harbour-inquiry-resigns/#sthash.Jz16lg.dpuf"},
		},
		{
			name: "quoted headline quoted in the body", reason: "a headline that quotes someone is quoted again in prose, in sentence case",
			title: `"When We Felt Threatened, We Opened Umbrellas"`,
			paras: []string{testLede, "When we felt threatened, we opened umbrellas.", testBody},
		},
		{
			name: "sentence-case copy at the top", reason: "at the edges of the body, any case change is a scraper's copy",
			title: `"When We Felt Threatened, We Opened Umbrellas"`,
			paras: []string{"When we felt threatened, we opened umbrellas.", testLede, testBody},
			want:  []int{0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := headlineTestDoc(tt.title, tt.paras...)
			got := DetectRepeatedHeadline(doc)
			var idx []int
			for _, f := range got {
				idx = append(idx, f.Paragraph)
				assert.Equal(t, KindRepeatedHeadline, f.Kind, tt.reason)
				assert.Equal(t, doc.Paragraphs[f.Paragraph].Line, f.Line, tt.reason)
				assert.Greater(t, f.Score, 0.0, tt.reason)
				assert.LessOrEqual(t, f.Score, 1.0, tt.reason)
				assert.NotContains(t, f.Message, "\n", tt.reason)
			}
			assert.Equal(t, tt.want, idx, tt.reason)
			if tt.msg != "" && len(got) > 0 {
				assert.Equal(t, tt.msg, got[0].Message, tt.reason)
			}
		})
	}
}

func TestDetectRepeatedHeadlineScores(t *testing.T) {
	tests := []struct {
		name, reason, para string
		want               float64
	}{
		{"verbatim", "an untouched copy is certain", testHeadline, 1},
		{"case", "only case changed", strings.ToUpper(testHeadline), 0.98},
		{"suffix", "a site name costs a little", testHeadline + " | BBC News", 0.95},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DetectRepeatedHeadline(headlineTestDoc(testHeadline, tt.para))
			require.Len(t, got, 1, tt.reason)
			assert.InDelta(t, tt.want, got[0].Score, 1e-9, tt.reason)
		})
	}
	// A truncated copy scores lower the less it keeps.
	long := DetectRepeatedHeadline(headlineTestDoc(testHeadline, "Harbour council votes to ban cruise ships from the..."))
	short := DetectRepeatedHeadline(headlineTestDoc(testHeadline, "Harbour council votes to..."))
	require.Len(t, long, 1)
	require.Len(t, short, 1)
	assert.Greater(t, long[0].Score, short[0].Score, "keeping more of the headline is more certain")
}

func TestDetectRepeatedHeadlineOptions(t *testing.T) {
	doc := headlineTestDoc(testHeadline, testLede, "Harbour council votes to ban cruise ship from the old port", "Harbour council votes to...")
	require.Len(t, DetectRepeatedHeadlineOptions(doc, nil), 2, "defaults find the near copy and the 4-word truncation")
	off := &HeadlineOptions{MaxEditShare: -1, MinTruncatedWords: 5}
	assert.Empty(t, DetectRepeatedHeadlineOptions(doc, off), "near matching off and longer truncations required")
	assert.Equal(t, DetectRepeatedHeadline(doc), DetectRepeatedHeadlineOptions(doc, &HeadlineOptions{}),
		"zero options mean defaults")
	assert.Nil(t, DetectRepeatedHeadline(nil), "a nil doc has no findings")
}

// TestDetectRepeatedHeadlineSeed runs on a real scraped article whose first
// body paragraph repeats its title.
func TestDetectRepeatedHeadlineSeed(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "headline", "seed.txt"))
	require.NoError(t, err)
	doc := &Document{ID: "seed.txt", Source: "seed.txt", Line: 1}
	for i, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if doc.Title == "" {
			doc.Title, doc.TitleLine = line, i+1
			continue
		}
		doc.Paragraphs = append(doc.Paragraphs, Paragraph{Text: line, Line: i + 1})
	}
	require.NotEmpty(t, doc.Paragraphs)
	got := DetectRepeatedHeadline(doc)
	require.Len(t, got, 1, "only the first paragraph repeats the title")
	assert.Equal(t, Finding{Kind: KindRepeatedHeadline, Paragraph: 0, Line: 3, Score: 1, Message: "repeats the headline"}, got[0])
	assert.Empty(t, DetectRepeatedParagraphs(doc), "the copy of the title is not a repeated paragraph")
}

// headlineSampleRecord is one line of testdata/headline/sample.jsonl.
type headlineSampleRecord struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// loadHeadlineSample reads a JSONL sample into documents, paragraphs being
// the trimmed non-blank lines of text, as the eval sets define them.
func loadHeadlineSample(tb testing.TB, path string) ([]*Document, int) {
	tb.Helper()
	f, err := os.Open(path)
	require.NoError(tb, err)
	defer f.Close()
	var docs []*Document
	size := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for line := 1; sc.Scan(); line++ {
		var r headlineSampleRecord
		require.NoError(tb, json.Unmarshal(sc.Bytes(), &r), "%s:%d", path, line)
		doc := &Document{ID: r.ID, Source: path, Line: line, Title: strings.TrimSpace(r.Title), TitleLine: line}
		for _, p := range strings.Split(r.Text, "\n") {
			if p = strings.TrimSpace(p); p != "" {
				doc.Paragraphs = append(doc.Paragraphs, Paragraph{Text: p, Line: line})
			}
		}
		size += len(r.Title) + len(r.Text)
		docs = append(docs, doc)
	}
	require.NoError(tb, sc.Err())
	return docs, size
}

// TestDetectRepeatedHeadlineSample checks the detectors on a sample of the
// headline evaluation set (ten documents of each variant: control, exact,
// site_suffix, case_punct, truncated, at_end) against its truth and against
// a reviewed golden file of every finding.
func TestDetectRepeatedHeadlineSample(t *testing.T) {
	dir := filepath.Join("..", "testdata", "headline")
	docs, _ := loadHeadlineSample(t, filepath.Join(dir, "sample.jsonl"))
	require.GreaterOrEqual(t, len(docs), 60)

	truth := map[string][]int{}
	tf, err := os.ReadFile(filepath.Join(dir, "sample.truth.jsonl"))
	require.NoError(t, err)
	variants := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(tf)), "\n") {
		var r struct {
			ID      string `json:"id"`
			Variant string `json:"variant"`
			Repeat  []int  `json:"repeat"`
		}
		require.NoError(t, json.Unmarshal([]byte(line), &r))
		truth[r.ID] = r.Repeat
		variants[r.Variant]++
	}
	for _, v := range []string{"control", "exact", "site_suffix", "case_punct", "truncated", "at_end"} {
		require.GreaterOrEqual(t, variants[v], 10, "the sample covers variant %s", v)
	}

	var golden bytes.Buffer
	tp, fp, fn := 0, 0, 0
	for _, doc := range docs {
		want, ok := truth[doc.ID]
		require.True(t, ok, "truth for %s", doc.ID)
		got := DetectRepeatedHeadline(doc)
		flagged := map[int]bool{}
		for _, f := range got {
			flagged[f.Paragraph] = true
		}
		for _, p := range want {
			if flagged[p] {
				tp++
				delete(flagged, p)
			} else {
				fn++
				t.Logf("missed %s paragraph %d: %q (title %q)", doc.ID, p, doc.Paragraphs[p].Text, doc.Title)
			}
		}
		for p := range flagged {
			fp++
			t.Logf("flagged %s paragraph %d: %q (title %q)", doc.ID, p, doc.Paragraphs[p].Text, doc.Title)
		}
		all := append(got, DetectRepeatedParagraphs(doc)...)
		sort.SliceStable(all, func(i, j int) bool { return all[i].Paragraph < all[j].Paragraph })
		if all == nil {
			all = []Finding{}
		}
		b, err := json.Marshal(struct {
			ID       string    `json:"id"`
			Findings []Finding `json:"findings"`
		}{doc.ID, all})
		require.NoError(t, err)
		golden.Write(b)
		golden.WriteByte('\n')
	}
	assert.Zero(t, fn, "every repeat in the truth is found")
	// The sample holds one article that genuinely prints its headline
	// twice more in the body; those copies are not in the truth.
	assert.LessOrEqual(t, fp, 2, "false positives")
	f1 := 2 * float64(tp) / float64(2*tp+fp+fn)
	assert.GreaterOrEqual(t, f1, 0.97, "F1 on the sample")

	path := filepath.Join(dir, "sample.golden.jsonl")
	if updateGolden() {
		require.NoError(t, os.WriteFile(path, golden.Bytes(), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -run TestDetectRepeatedHeadlineSample -update to create it")
	assert.Equal(t, string(want), golden.String(), "findings differ from %s (-update rewrites it)", path)
}

func TestCaseLooksScraped(t *testing.T) {
	const title = "Harbour Council Votes to Ban Cruise Ships"
	tests := []struct {
		copy   string
		want   bool
		reason string
	}{
		{title + ".", true, "punctuation only"},
		{strings.ToUpper(title), true, "all caps"},
		{strings.ToLower(title), true, "all lower case"},
		{"Harbour Council Votes To Ban Cruise Ships", true, "title case"},
		{"Harbour council votes to ban cruise ships", false, "sentence case is prose"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, caseLooksScraped(tt.copy, title), tt.reason)
	}
}

func TestTrailingEllipsis(t *testing.T) {
	tests := []struct{ in, want, reason string }{
		{"Cut short...", "...", "three dots"},
		{"Cut short…", "…", "ellipsis character"},
		{"Cut short... ", "...", "trailing space"},
		{"Cut short.", "", "one dot is a full stop"},
		{"Cut... short", "", "only a trailing ellipsis truncates"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, trailingEllipsis(tt.in), tt.reason)
	}
}

// naiveEditDistance is the textbook Levenshtein distance, the oracle for
// editDistanceWithin.
func naiveEditDistance(a, b []byte) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j-1]+c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func TestEditDistanceWithin(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var row []int
	for n := 0; n < 3000; n++ {
		a := make([]byte, rng.Intn(12))
		for i := range a {
			a[i] = "abc"[rng.Intn(3)]
		}
		// b is a copy of a with a few random edits, or random.
		b := append([]byte(nil), a...)
		for e := rng.Intn(4); e > 0; e-- {
			switch i := rng.Intn(len(b) + 1); rng.Intn(3) {
			case 0:
				b = append(b[:i], append([]byte{"abc"[rng.Intn(3)]}, b[i:]...)...)
			case 1:
				if i < len(b) {
					b = append(b[:i], b[i+1:]...)
				}
			default:
				if i < len(b) {
					b[i] = "abc"[rng.Intn(3)]
				}
			}
		}
		k := rng.Intn(5)
		var got int
		got, row = editDistanceWithin(a, b, k, row)
		assert.Equal(t, min(naiveEditDistance(a, b), k+1), got, "a=%q b=%q k=%d", a, b, k)
	}
}

func BenchmarkRepeatedHeadline(b *testing.B) {
	docs, size := loadHeadlineSample(b, filepath.Join("..", "testdata", "headline", "sample.jsonl"))
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, doc := range docs {
			DetectRepeatedHeadline(doc)
		}
	}
}

// FuzzDetectRepeated checks that neither detector panics and that every
// finding is well formed, whatever the title and body.
func FuzzDetectRepeated(f *testing.F) {
	f.Add(testHeadline, testHeadline+" - Reuters\n"+testLede+"\nHarbour council votes to...")
	f.Add("Crabzilla", "CRABZILLA\n\n"+testBody+"\n"+testBody)
	f.Add("a - b | c", " - \n | \n…\n...\n\xff\xfe - x")
	f.Add("", "\n\n")
	f.Fuzz(func(t *testing.T, title, body string) {
		var paras []string
		for _, p := range strings.Split(body, "\n") {
			if p = strings.TrimSpace(p); p != "" {
				paras = append(paras, p)
			}
		}
		doc := headlineTestDoc(strings.TrimSpace(title), paras...)
		for _, f := range append(DetectRepeatedHeadline(doc), DetectRepeatedParagraphs(doc)...) {
			if f.Paragraph < 0 || f.Paragraph >= len(doc.Paragraphs) {
				t.Fatalf("paragraph %d out of range", f.Paragraph)
			}
			if f.Score <= 0 || f.Score > 1 {
				t.Fatalf("score %v out of range", f.Score)
			}
			if f.Line != doc.Paragraphs[f.Paragraph].Line || strings.Contains(f.Message, "\n") || f.Message == "" {
				t.Fatalf("bad finding %+v", f)
			}
		}
	})
}
