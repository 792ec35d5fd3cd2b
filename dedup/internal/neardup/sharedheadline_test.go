package neardup_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/dedup/internal/neardup"
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
	arts := []*model.Doc{
		{ID: "a", Title: title, Paras: scorpion},
		{ID: "b", Title: title, Paras: scorpion},                                            // a copy: same story, same headline
		{ID: "c", Title: title, Paras: lenovo},                                              // the headline stamped on another story
		{ID: "d", Title: "Update", Paras: lenovo},                                           // too short to count
		{ID: "e", Title: "Update", Paras: scorpion},                                         // too short to count
		{ID: "f", Title: "scorpion STINGS woman on alaska airlines flight!", Paras: lenovo}, // normalised
	}
	f := mustNew(t, nil)
	sh := neardup.NewSharedHeadlines()
	assert.Empty(t, sh.Observe(arts[0], f), "nothing observed by the finder yet")
	var got []string
	for i, a := range arts {
		f.Observe(i, a)
		for _, h := range sh.Observe(a, f) {
			assert.Equal(t, model.SharedHeadline, h.Kind)
			assert.Equal(t, "a", h.Related, "names the first article with the headline")
			assert.Equal(t, model.Title, h.Para)
			assert.Equal(t, 1.0, h.Score)
			assert.Equal(t, `the headline also stands over "a", another story`, h.Message)
			got = append(got, a.ID)
		}
	}
	assert.Equal(t, []string{"c", "f"}, got)
}
