package dedup_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
)

// wireStory is a wire story that several sites carry.
var wireStory = []string{
	"Engineers closed the old iron bridge over the river Severn on Tuesday after inspectors found deep cracks in two of its supporting piers.",
	"The county council said the bridge, which carries about twenty thousand cars a day, would stay shut for at least three months while repairs are planned.",
	"Drivers face a detour of eleven miles through the market town, and the bus company said its timetables would change from Thursday morning.",
	"The inspectors first noticed rust on the piers during a routine survey in March, but divers found the cracks only last week after heavy rain.",
	"Local shopkeepers warned that the closure would cost them custom in the weeks before Christmas, when trade across the bridge is busiest.",
	"A temporary footbridge could open within a month, the council's highways chief told reporters at a briefing beside the river on Tuesday.",
	"The bridge was built in 1887 and was last strengthened in the 1970s, when steel plates were bolted to its piers after a flood damaged them.",
	"Engineers will decide in January whether the piers can be repaired or whether the council must replace the whole structure at far greater cost.",
}

// derbyStory is a football report, a story of its own.
var derbyStory = []string{
	"United came from two goals down to beat City three goals to two in a thrilling derby at the stadium on Saturday afternoon.",
	"City led the derby at half time after two mistakes by the young United goalkeeper, who was booed by his own supporters as he left.",
	"The United manager made three changes at the break and his substitutes scored twice in ten minutes to level the derby against City.",
	"The United winner came in the last minute of the derby, when the captain headed in a corner at the far post to silence the City fans.",
	"The derby result lifts United into fourth place in the league, a point ahead of City, with the busy holiday fixtures still to come.",
	"The United manager praised his players after the derby and said the goalkeeper would keep his place for the cup tie next week.",
}

// edited returns the story with a word changed in paragraph i, as sites
// edit wire copies.
func edited(story []string, i int, from, to string) []string {
	out := append([]string(nil), story...)
	out[i] = strings.Replace(out[i], from, to, 1)
	return out
}

// TestWireCopiesAreOneStory: a crawl holds three copies of one wire story
// and two pages that had two of its paragraphs spliced in. The spliced
// paragraphs are off_topic on those pages; the copies' own paragraphs are
// not, though they stand in other articles too: copies of one story are
// one story.
func TestWireCopiesAreOneStory(t *testing.T) {
	election := []string{
		"Voters in the northern district elected a former teacher as their new mayor on Thursday after a campaign fought over housing and the old hospital.",
		"The new mayor, who has sat on the district council for ten years, took fifty-two per cent of the vote on a turnout of forty per cent.",
		"The mayor promised to build five hundred affordable homes on the hospital site and to cut the cost of parking permits in the district.",
		"Her main rival for mayor, a local businessman, conceded defeat shortly after midnight and said he would work with her on the hospital plans.",
		"The district count in the leisure centre was delayed by two hours after a recount was ordered in one ward where the mayor's race was close.",
		"The new mayor takes office next month and has said her first decision will be to open the district council's accounts to the public.",
	}
	host1 := append(append(append([]string(nil), derbyStory[:3]...), wireStory[2], wireStory[4]), derbyStory[3:]...)
	host2 := append(append(append([]string(nil), election[:4]...), wireStory[1], wireStory[5]), election[4:]...)
	docs := []*dedup.Document{
		dedup.NewDocument("https://a.example/bridge", "Old iron bridge over the Severn closed after cracks found", strings.Join(wireStory, "\n")),
		dedup.NewDocument("https://b.example/news/bridge", "Severn bridge shut for three months", strings.Join(edited(wireStory, 0, "Tuesday", "Tuesday morning"), "\n")),
		dedup.NewDocument("https://c.example/severn", "Cracks close Severn bridge", strings.Join(edited(wireStory, 7, "far greater", "much greater"), "\n")),
		dedup.NewDocument("https://d.example/derby", "United come from behind to win the derby", strings.Join(host1, "\n")),
		dedup.NewDocument("https://e.example/mayor", "Former teacher elected mayor of the northern district", strings.Join(host2, "\n")),
		dedup.NewDocument("https://f.example/derby-report", "Derby report: United beat City", strings.Join(derbyStory, "\n")),
		dedup.NewDocument("https://g.example/vote", "Northern district has a new mayor", strings.Join(election, "\n")),
	}
	offTopic := offTopicParagraphs(t, docs)
	for _, id := range []string{"https://a.example/bridge", "https://b.example/news/bridge", "https://c.example/severn"} {
		assert.Empty(t, offTopic[id], "%s: a copy of the wire story is its own story, not a splice", id)
	}
	assert.Equal(t, []int{3, 4}, offTopic["https://d.example/derby"], "the two bridge paragraphs in the derby report")
	assert.Equal(t, []int{4, 5}, offTopic["https://e.example/mayor"], "the two bridge paragraphs in the election story")
}

// TestMostlyAnotherStoryWithItsDonor: a page like the seed article keeps
// its headline and two of its paragraphs among six of another story, and
// the crawl holds both whole stories too. The other story's paragraphs
// are off_topic; the headline's own two are not, though they fit the
// whole bridge story far better than the page they stand on: an article
// under the same headline is a copy of this story.
func TestMostlyAnotherStoryWithItsDonor(t *testing.T) {
	const headline = "Old iron bridge over the Severn closed after cracks found"
	page := []string{wireStory[0], derbyStory[0], derbyStory[1], derbyStory[2], wireStory[1], derbyStory[3], derbyStory[4], derbyStory[5]}
	docs := []*dedup.Document{
		dedup.NewDocument("https://a.example/bridge", headline, strings.Join(wireStory, "\n")),
		dedup.NewDocument("https://f.example/derby-report", "Derby report: United beat City", strings.Join(derbyStory, "\n")),
		dedup.NewDocument("https://s.example/bridge", headline, strings.Join(page, "\n")),
	}
	offTopic := offTopicParagraphs(t, docs)
	assert.Empty(t, offTopic["https://a.example/bridge"])
	assert.Empty(t, offTopic["https://f.example/derby-report"])
	assert.Equal(t, []int{1, 2, 3, 5, 6, 7}, offTopic["https://s.example/bridge"], "the derby paragraphs, not the bridge's own")
}

// offTopicParagraphs scans docs with the defaults, corpus on, and returns
// the paragraphs flagged off_topic, by article id.
func offTopicParagraphs(t *testing.T, docs []*dedup.Document) map[string][]int {
	t.Helper()
	p, err := dedup.NewPipeline(nil)
	require.NoError(t, err)
	offTopic := map[string][]int{}
	for a, err := range p.Run(context.Background(), stream(docs)) {
		require.NoError(t, err)
		for _, f := range a.Findings {
			if f.Kind == dedup.KindOffTopic {
				offTopic[a.ID] = append(offTopic[a.ID], f.Paragraph)
			}
		}
	}
	return offTopic
}
