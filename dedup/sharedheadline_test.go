package dedup

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSharedHeadlines(t *testing.T) {
	scorpion := []string{
		"A scorpion stung a woman on the hand just before her Alaska Airlines flight from Los Angeles to Portland took off on Saturday.",
		"The plane returned to the gate and medics checked the passenger, who refused further treatment after the scorpion sting.",
	}
	lenovo := []string{
		"Lenovo is preparing a bid for BlackBerry, the Canadian smartphone maker, according to a report published on Monday morning.",
		"BlackBerry shares rose nine per cent in early trading after the report of the Lenovo bid for the company was published.",
	}
	title := "Scorpion stings woman on Alaska Airlines flight"
	arts := []*Document{
		doc(title, scorpion...),
		doc(title, scorpion...),    // a copy: same story, same headline
		doc(title, lenovo...),      // the headline stamped on another story
		doc("Update", lenovo...),   // too short to count
		doc("Update", scorpion...), // too short to count
		doc("scorpion STINGS woman on alaska airlines flight!", lenovo...), // normalised
	}
	for i, a := range arts {
		a.ID = string(rune('a' + i))
	}
	nd, err := NewNearDup(nil)
	require.NoError(t, err)
	sh := NewSharedHeadlines()
	var got []string
	for i, a := range arts {
		nd.Observe(i, a)
		for _, f := range sh.Observe(a, nd) {
			assert.Equal(t, KindSharedHeadline, f.Kind)
			assert.Equal(t, "a", f.RelatedID, "names the first article with the headline")
			assert.Equal(t, TitleParagraph, f.Paragraph)
			got = append(got, a.ID)
		}
	}
	assert.Equal(t, []string{"c", "f"}, got)
}
