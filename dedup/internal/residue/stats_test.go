package residue

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// unrelatedTexts are paragraphs with no word in common, to stand as the
// neighbours of a line in unrelated articles.
var unrelatedTexts = []string{
	"Rain flooded three villages overnight.",
	"Parliament debated tariffs until dawn.",
	"Scientists cloned endangered frogs successfully.",
	"Markets tumbled amid currency fears.",
	"Firefighters rescued twelve hikers yesterday.",
	"Voters rejected proposed stadium funding.",
}

// recurrence returns the number of distinct bodies of s that contain text.
func recurrence(s *Stats, text string) int {
	docs, _ := s.lookup(text)
	return docs
}

func TestStatsBoilerplateVsSyndication(t *testing.T) {
	s := NewStats()
	boiler := "Scroll down for video"
	// Boilerplate: the same line in three articles, between different
	// paragraphs.
	for i := range 3 {
		s.Add(testDoc(fmt.Sprint(i), unrelatedTexts[2*i], boiler, unrelatedTexts[2*i+1]))
	}
	// Syndication: one article copied by three sites, the last with its
	// closing paragraph edited; its lines keep their neighbours.
	article := []string{"First paragraph of the wire story.", "Second paragraph of the wire story.", "Third paragraph of the wire story."}
	s.Add(testDoc("a", article...))
	s.Add(testDoc("b", append([]string{"Site B intro line."}, article...)...))
	s.Add(testDoc("c", article[0], article[1], "Third paragraph, as edited by site C."))

	cases := []struct {
		text           string
		docs, contexts int
		reason         string
	}{
		{boiler, 3, 3, "boilerplate has as many contexts as bodies"},
		{"SCROLL  DOWN for video", 3, 3, "lines are compared normalised"},
		{article[1], 3, 1, "a syndicated line keeps its neighbours"},
		{article[0], 3, 1, "a syndicated line with one new neighbour in one copy"},
		{"Never seen.", 0, 0, "unknown line"},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			docs, ctx := s.lookup(tc.text)
			assert.Equal(t, tc.docs, docs, "docs")
			assert.Equal(t, tc.contexts, ctx, "contexts")
			d2, c2 := s.lookupKey(lineKey(tc.text))
			assert.Equal(t, [2]int{docs, ctx}, [2]int{d2, c2}, "lookupKey agrees")
		})
	}
	assert.Equal(t, 6, s.docs())
}

func TestStatsDistinctBodies(t *testing.T) {
	s := NewStats()
	body := []string{"Advertisement", "A sentence of the story.", "Advertisement"}
	for i := range 5 {
		// The same body under five headlines counts once.
		doc := testDoc(fmt.Sprintf("Headline %d", i), body...)
		s.Add(doc)
	}
	assert.Equal(t, 1, s.docs())
	assert.Equal(t, 1, recurrence(s, "Advertisement"), "twice in one body counts once")
	s.Add(testDoc("other", "Advertisement", "Another story."))
	assert.Equal(t, 2, recurrence(s, "advertisement"))
}

func TestStatsLongLinesAndNil(t *testing.T) {
	s := NewStats()
	long := strings.Repeat("word ", maxStatLineBytes/5+1)
	s.Add(testDoc("a", long, "short"))
	s.Add(testDoc("b", long, "short", "b"))
	assert.Equal(t, 0, recurrence(s, long), "long paragraphs are not counted")
	assert.Equal(t, 2, recurrence(s, "short"))
	s.Add(nil)
	s.Add(&model.Doc{})
	assert.Equal(t, 2, s.docs())

	var none *Stats
	assert.Equal(t, 0, recurrence(none, "short"))
	assert.Equal(t, 0, none.docs())
	d, c := none.lookup("short")
	assert.Zero(t, d+c)
	assert.Zero(t, none.siteRecurrence(lineKey("short"), Site("https://example.com/")))
}

// TestStatsCountsWhatIsAskedAbout checks that Stats keeps the lines the
// detector asks about (recurWords words or fewer, and lines in Chinese or
// Japanese by their bytes) and not the prose paragraphs it never asks
// about.
func TestStatsCountsWhatIsAskedAbout(t *testing.T) {
	s := NewStats()
	prose := "The city council voted on Tuesday to close the old bridge to traffic after engineers found cracks in two piers."
	asked := strings.TrimSuffix(strings.Repeat("word ", recurWords), " ")
	cjk := "市议会周二投票决定关闭这座旧桥 工程师 在两个 桥墩上 发现了 裂缝 之后 禁止 车辆 通行 并将 在 八个月 内 完成 修复 工作 费用 约为 一千二百万 美元"
	for _, id := range []string{"a", "b"} {
		s.Add(testDoc(id, prose, asked, cjk, id))
	}
	assert.Equal(t, 2, recurrence(s, asked), "a line of recurWords words is counted")
	assert.Equal(t, 2, recurrence(s, cjk), "a Chinese line is counted by its bytes, not its spaces")
	assert.Equal(t, 0, recurrence(s, prose), "a prose paragraph is never asked about, so not kept")
	assert.Len(t, s.lines, 4, "the short lines and the Chinese line (one key per distinct line)")
}

func TestStatsConcurrentAdd(t *testing.T) {
	s := NewStats()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				s.Add(testDoc("t", fmt.Sprintf("Body %d-%d.", g, i), "Advertisement", fmt.Sprintf("End %d-%d.", g, i)))
			}
		})
	}
	wg.Wait()
	require.Equal(t, 200, s.docs())
	docs, ctx := s.lookup("Advertisement")
	assert.Equal(t, 200, docs)
	assert.GreaterOrEqual(t, ctx, statContexts)
}

// TestStatsAddCounts: counting bodies apart (Counts.Count, on several
// goroutines, with scratch reused) and adding them in order with
// AddCounts builds the same Stats as Add, on the sample with every body
// twice and under two sites.
func TestStatsAddCounts(t *testing.T) {
	sample, _ := loadSample(t)
	var docs []*model.Doc
	for i, d := range sample {
		for _, site := range []string{"https://a.example/", "https://www.b.example/"} {
			docs = append(docs, &model.Doc{ID: site + fmt.Sprint(i), Title: d.Title, Paras: d.Paras})
		}
	}
	docs = append(docs, docs...)
	want := statsOf(docs)

	counts := make([]Counts, len(docs))
	var wg sync.WaitGroup
	const workers = 4
	for w := range workers {
		wg.Go(func() {
			var c Counts
			var buf []byte
			for i := w; i < len(docs); i += workers {
				c, buf = c.Count(docs[i], buf)
				counts[i] = Counts{keys: slices.Clone(c.keys), sigs: slices.Clone(c.sigs)}
			}
		})
	}
	wg.Wait()
	got := NewStats()
	for i, d := range docs {
		got.AddCounts(d.BodyKey(), Site(d.ID), d, counts[i])
	}
	got.AddCounts(1, 0, &model.Doc{}, Counts{})
	assert.Equal(t, want.bodies, got.bodies)
	assert.Equal(t, want.lines, got.lines)
	assert.Equal(t, want.sites, got.sites)
	assert.NotEmpty(t, got.sites)
}

func BenchmarkStatsAdd(b *testing.B) {
	docs, _ := loadSample(b)
	n := 0
	for _, d := range docs {
		for _, p := range d.Paras {
			n += len(p)
		}
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		s := NewStats()
		for _, d := range docs {
			s.Add(d)
		}
	}
}

func TestSite(t *testing.T) {
	tests := []struct {
		id, same string
		want     bool
		why      string
	}{
		{"https://www.example.com/news/1", "http://example.com/other?x=1", true, "scheme and www. aside"},
		{"https://user@Example.com:8443/a", "https://example.com/b", true, "user, port and case aside"},
		{"https://example.com/a", "https://example.org/a", false, "another site"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			a, b := Site(tt.id), Site(tt.same)
			require.NotZero(t, a)
			assert.Equal(t, tt.want, a == b, tt.why)
		})
	}
	assert.Zero(t, Site("m12"), "an id that is no URL has no site")
	assert.Zero(t, Site("https://"))
}

// TestSiteBoilerplate: a short line that stands between the paragraphs
// of two articles of one site is residue; the same line in two articles
// of two sites is not enough.
func TestSiteBoilerplate(t *testing.T) {
	const footer = "The Daily Tribune team in Leeds"
	stories := [][]string{
		{"Police in Leeds arrested two men after a break-in at a jeweller on Monday night, officers said.", "The men, aged 24 and 31, were held on suspicion of burglary and remain in custody."},
		{"The city council approved a new cycle lane along the river on Tuesday after a long debate.", "Work on the lane is due to start in the spring and to take about six months."},
		{"A local bakery won a national award for its sourdough loaf, beating 300 entries from across the country.", "The owners said they would use the prize money to train two new apprentices."},
	}
	build := func(ids []string) []*model.Doc {
		var docs []*model.Doc
		for i, st := range stories {
			d := testDoc("Story", st[0], footer, st[1])
			d.ID = ids[i]
			docs = append(docs, d)
		}
		return docs
	}
	flagged := func(docs []*model.Doc) int {
		stats := statsOf(docs)
		det := New(Options{})
		n := 0
		for _, d := range docs {
			for _, h := range det.Detect(d, stats) {
				if d.Paras[h.Para] == footer {
					n++
				}
			}
		}
		return n
	}
	stories = stories[:2]
	one := build([]string{"https://tribune.example/a", "https://www.tribune.example/b"})
	assert.Equal(t, 2, flagged(one), "the site's own footer")
	two := build([]string{"https://a.example/1", "https://b.example/2"})
	assert.Zero(t, flagged(two), "two sites: not enough")
}

func TestNeighbourSig(t *testing.T) {
	// Case and words without letters or digits do not count: a list's
	// bullet is no word of its items.
	assert.Equal(t, neighbourSig("Home"), neighbourSig("* home"))
	assert.Equal(t, neighbourSig("Sport news"), neighbourSig("  - Sport | news"))
	assert.NotEqual(t, neighbourSig("* Home"), neighbourSig("* Sport"))
	assert.Equal(t, ^uint64(0), neighbourSig("* - |"))
}
