package repeat

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/dedup/internal/testsample"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// update (-update) rewrites the golden files under testdata instead of
// comparing with them.
var update = flag.Bool("update", false, "rewrite golden files under testdata")

// testdata is the repository's testdata folder.
var testdata = filepath.Join("..", "..", "..", "testdata")

// testDoc builds a document with a title and paragraphs.
func testDoc(title string, paras ...string) *model.Doc {
	return &model.Doc{ID: "t", Title: title, Paras: paras}
}

const (
	testHeadline = "Harbour council votes to ban cruise ships from the old port"
	testLede     = "Councillors in the harbour town voted on Tuesday night to keep large cruise liners away from the historic old port after months of complaints from residents."
	testBody     = "The decision follows a summer in which as many as four ships a day anchored off the breakwater, sending thousands of visitors into the narrow streets."
	testClosing  = "The ban takes effect next spring and will be reviewed after two seasons, the council said in a statement."
)

func TestHeadline(t *testing.T) {
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
			name: "site suffix no-break spaces", reason: `a page's &nbsp; decoded puts U+00A0 around the separator`,
			title: testHeadline, paras: []string{testHeadline + "\u00a0|\u00a0BBC News", testLede, testBody},
			want: []int{0}, msg: `repeats the headline (with site suffix " | BBC News")`,
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
			got := Headline(testDoc(tt.title, tt.paras...), nil)
			var idx []int
			for _, h := range got {
				idx = append(idx, h.Para)
				assert.Equal(t, model.RepeatedHeadline, h.Kind, tt.reason)
				assert.Greater(t, h.Score, 0.0, tt.reason)
				assert.LessOrEqual(t, h.Score, 1.0, tt.reason)
				assert.NotContains(t, h.Message, "\n", tt.reason)
				assert.Empty(t, h.Related, tt.reason)
			}
			assert.Equal(t, tt.want, idx, tt.reason)
			if tt.msg != "" && len(got) > 0 {
				assert.Equal(t, tt.msg, got[0].Message, tt.reason)
			}
		})
	}
}

func TestHeadlineScores(t *testing.T) {
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
			got := Headline(testDoc(testHeadline, tt.para), nil)
			require.Len(t, got, 1, tt.reason)
			assert.InDelta(t, tt.want, got[0].Score, 1e-9, tt.reason)
		})
	}
	// A truncated copy scores lower the less it keeps.
	long := Headline(testDoc(testHeadline, "Harbour council votes to ban cruise ships from the..."), nil)
	short := Headline(testDoc(testHeadline, "Harbour council votes to..."), nil)
	require.Len(t, long, 1)
	require.Len(t, short, 1)
	assert.Greater(t, long[0].Score, short[0].Score, "keeping more of the headline is more certain")
}

func TestHeadlineOptions(t *testing.T) {
	doc := testDoc(testHeadline, testLede, "Harbour council votes to ban cruise ship from the old port", "Harbour council votes to...")
	require.Len(t, Headline(doc, nil), 2, "defaults find the near copy and the 4-word truncation")
	off := &HeadlineOptions{MaxEditShare: -1, MinTruncatedWords: 5}
	assert.Empty(t, Headline(doc, off), "near matching off and longer truncations required")
	assert.Equal(t, Headline(doc, nil), Headline(doc, &HeadlineOptions{}), "zero options mean defaults")
	defaults := DefaultHeadlineOptions()
	assert.Equal(t, Headline(doc, nil), Headline(doc, &defaults), "nil options mean DefaultHeadlineOptions")
	assert.Nil(t, Headline(nil, nil), "a nil doc has no hits")
}

// TestHeadlineSeed runs on a real scraped article whose first body
// paragraph repeats its title.
func TestHeadlineSeed(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(testdata, "headline", "seed.txt"))
	require.NoError(t, err)
	doc := &model.Doc{ID: "seed.txt"}
	for _, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if doc.Title == "" {
			doc.Title = line
			continue
		}
		doc.Paras = append(doc.Paras, line)
	}
	require.NotEmpty(t, doc.Paras)
	got := Headline(doc, nil)
	require.Len(t, got, 1, "only the first paragraph repeats the title")
	assert.Equal(t, model.Hit{Kind: model.RepeatedHeadline, Para: 0, Score: 1, Message: "repeats the headline"}, got[0])
	assert.Empty(t, Paragraphs(doc), "the copy of the title is not a repeated paragraph")
}

// loadSample reads a JSONL sample into documents and returns them with
// the bytes of their bodies.
func loadSample(tb testing.TB, path string) ([]*model.Doc, int) {
	tb.Helper()
	docs := testsample.MustRead(tb, path)
	return docs, testsample.BodyBytes(docs)
}

// goldenHit is a hit as the public dedup.Finding writes it in JSON, so
// that the golden file stays the one the findings were reviewed in. Line
// is the hit's record's line in the JSONL sample: the line the JSONL
// reader gives every paragraph of a record.
type goldenHit struct {
	Kind    model.Kind `json:"kind"`
	Para    int        `json:"paragraph"`
	Line    int        `json:"line"`
	Score   float64    `json:"score"`
	Message string     `json:"message"`
	Related string     `json:"related_id,omitempty"`
}

// TestHeadlineSample checks the detectors on a sample of the headline
// evaluation set (ten documents of each variant: control, exact,
// site_suffix, case_punct, truncated, at_end) against its truth and against
// a reviewed golden file of every hit.
func TestHeadlineSample(t *testing.T) {
	dir := filepath.Join(testdata, "headline")
	docs, _ := loadSample(t, filepath.Join(dir, "sample.jsonl"))
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
	for i, doc := range docs {
		want, ok := truth[doc.ID]
		require.True(t, ok, "truth for %s", doc.ID)
		got := Headline(doc, nil)
		flagged := map[int]bool{}
		for _, h := range got {
			flagged[h.Para] = true
		}
		for _, p := range want {
			if flagged[p] {
				tp++
				delete(flagged, p)
			} else {
				fn++
				t.Logf("missed %s paragraph %d: %q (title %q)", doc.ID, p, doc.Paras[p], doc.Title)
			}
		}
		for p := range flagged {
			fp++
			t.Logf("flagged %s paragraph %d: %q (title %q)", doc.ID, p, doc.Paras[p], doc.Title)
		}
		all := []goldenHit{}
		for _, h := range append(got, Paragraphs(doc)...) {
			all = append(all, goldenHit{h.Kind, h.Para, i + 1, h.Score, h.Message, h.Related})
		}
		sort.SliceStable(all, func(i, j int) bool { return all[i].Para < all[j].Para })
		b, err := json.Marshal(struct {
			ID       string      `json:"id"`
			Findings []goldenHit `json:"findings"`
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
	if *update {
		require.NoError(t, os.WriteFile(path, golden.Bytes(), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -run TestHeadlineSample -update to create it")
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

// benchSample runs detect over the headline sample, counting the bytes of
// its titles and texts.
func benchSample(b *testing.B, detect func(*model.Doc)) {
	docs, size := loadSample(b, filepath.Join(testdata, "headline", "sample.jsonl"))
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, doc := range docs {
			detect(doc)
		}
	}
}

func BenchmarkHeadline(b *testing.B) {
	benchSample(b, func(doc *model.Doc) { Headline(doc, nil) })
}

// FuzzRepeat checks that neither detector panics and that every hit is
// well formed, whatever the title and body.
func FuzzRepeat(f *testing.F) {
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
		doc := testDoc(strings.TrimSpace(title), paras...)
		for _, h := range append(Headline(doc, nil), Paragraphs(doc)...) {
			if h.Para < 0 || h.Para >= len(doc.Paras) {
				t.Fatalf("paragraph %d out of range", h.Para)
			}
			if h.Score <= 0 || h.Score > 1 {
				t.Fatalf("score %v out of range", h.Score)
			}
			if strings.Contains(h.Message, "\n") || h.Message == "" || h.Related != "" {
				t.Fatalf("bad hit %+v", h)
			}
		}
	})
}
