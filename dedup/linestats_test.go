package dedup

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lineStatsTexts are paragraphs with no word in common, to stand as the
// neighbours of a line in unrelated articles.
var lineStatsTexts = []string{
	"Rain flooded three villages overnight.",
	"Parliament debated tariffs until dawn.",
	"Scientists cloned endangered frogs successfully.",
	"Markets tumbled amid currency fears.",
	"Firefighters rescued twelve hikers yesterday.",
	"Voters rejected proposed stadium funding.",
}

func TestLineStatsBoilerplateVsSyndication(t *testing.T) {
	s := NewLineStats()
	boiler := "Scroll down for video"
	// Boilerplate: the same line in three articles, between different
	// paragraphs.
	for i := range 3 {
		s.Add(residueDoc(fmt.Sprint(i), lineStatsTexts[2*i], boiler, lineStatsTexts[2*i+1]))
	}
	// Syndication: one article copied by three sites, the last with its
	// closing paragraph edited; its lines keep their neighbours.
	article := []string{"First paragraph of the wire story.", "Second paragraph of the wire story.", "Third paragraph of the wire story."}
	s.Add(residueDoc("a", article...))
	s.Add(residueDoc("b", append([]string{"Site B intro line."}, article...)...))
	s.Add(residueDoc("c", article[0], article[1], "Third paragraph, as edited by site C."))

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
			docs, ctx := s.Lookup(tc.text)
			assert.Equal(t, tc.docs, docs, "docs")
			assert.Equal(t, tc.contexts, ctx, "contexts")
			assert.Equal(t, tc.docs, s.Recurrence(tc.text))
			d2, c2 := s.LookupKey(LineKey(tc.text))
			assert.Equal(t, [2]int{docs, ctx}, [2]int{d2, c2}, "LookupKey agrees")
		})
	}
	assert.Equal(t, 6, s.Docs())
}

func TestLineStatsDistinctBodies(t *testing.T) {
	s := NewLineStats()
	body := []string{"Advertisement", "A sentence of the story.", "Advertisement"}
	for i := range 5 {
		// The same body under five headlines counts once.
		doc := residueDoc(fmt.Sprintf("Headline %d", i), body...)
		s.Add(doc)
	}
	assert.Equal(t, 1, s.Docs())
	assert.Equal(t, 1, s.Recurrence("Advertisement"), "twice in one body counts once")
	s.Add(residueDoc("other", "Advertisement", "Another story."))
	assert.Equal(t, 2, s.Recurrence("advertisement"))
}

func TestLineStatsLongLinesAndNil(t *testing.T) {
	s := NewLineStats()
	long := strings.Repeat("word ", MaxStatLineBytes/5+1)
	s.Add(residueDoc("a", long, "short"))
	s.Add(residueDoc("b", long, "short", "b"))
	assert.Equal(t, 0, s.Recurrence(long), "long paragraphs are not counted")
	assert.Equal(t, 2, s.Recurrence("short"))
	s.Add(nil)
	s.Add(&Document{})
	assert.Equal(t, 2, s.Docs())

	var none *LineStats
	assert.Equal(t, 0, none.Recurrence("short"))
	assert.Equal(t, 0, none.Docs())
	d, c := none.Lookup("short")
	assert.Zero(t, d+c)
}

func TestLineStatsConcurrentAdd(t *testing.T) {
	s := NewLineStats()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				s.Add(residueDoc("t", fmt.Sprintf("Body %d-%d.", g, i), "Advertisement", fmt.Sprintf("End %d-%d.", g, i)))
			}
		})
	}
	wg.Wait()
	require.Equal(t, 200, s.Docs())
	docs, ctx := s.Lookup("Advertisement")
	assert.Equal(t, 200, docs)
	assert.GreaterOrEqual(t, ctx, lineStatContexts)
}

func BenchmarkLineStatsAdd(b *testing.B) {
	docs, _ := loadResidueSample(b)
	n := 0
	for _, d := range docs {
		for _, p := range d.Paragraphs {
			n += len(p.Text)
		}
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		s := NewLineStats()
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
			a, b := Site(&Document{ID: tt.id}), Site(&Document{ID: tt.same})
			require.NotZero(t, a)
			assert.Equal(t, tt.want, a == b, tt.why)
		})
	}
	assert.Zero(t, Site(&Document{ID: "m12"}), "an id that is no URL has no site")
	assert.Zero(t, Site(&Document{ID: "https://"}))
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
	build := func(ids []string) []*Document {
		var docs []*Document
		for i, st := range stories {
			d := residueDoc("Story", st[0], footer, st[1])
			d.ID = ids[i]
			docs = append(docs, d)
		}
		return docs
	}
	flagged := func(docs []*Document) int {
		stats := NewLineStats()
		for _, d := range docs {
			stats.Add(d)
		}
		det := NewResidueDetector(ResidueOptions{})
		n := 0
		for _, d := range docs {
			for _, f := range det.Detect(d, stats) {
				if d.Paragraphs[f.Paragraph].Text == footer {
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
