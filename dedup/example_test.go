package dedup_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/boltstore"
)

// A crawler judges each page as it fetches it: CheckAndAdd runs every
// detector on the page and asks the index whether the story is new.
func Example() {
	ctx := context.Background()
	pipeline, err := dedup.NewPipeline(nil) // nil: the defaults, an index in memory
	if err != nil {
		log.Fatal(err)
	}
	body := strings.Join([]string{
		"Libya's Haftar rejects Ankara, Moscow's call for ceasefire",
		"Khalifa Haftar, whose forces control the east of Libya, rejected on Monday a call by Turkey and Russia for a ceasefire in the war over Tripoli.",
		"His spokesman said the fight against the militias that back the government in Tripoli would go on until they were disbanded.",
		"Related Articles",
	}, "\n")
	for _, url := range []string{"https://a.example/haftar", "https://b.example/libya-haftar"} {
		page := dedup.NewDocument(url, "Libya's Haftar rejects Ankara, Moscow's call for ceasefire", body)
		article, err := pipeline.CheckAndAdd(ctx, page)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s new=%t\n", url, article.Admitted)
		for _, f := range article.Findings {
			fmt.Printf("  %s %d: %s\n", f.Kind, f.Paragraph, f.Message)
		}
	}
	// Output:
	// https://a.example/haftar new=true
	//   repeated_headline 0: repeats the headline
	//   residue 3: related-link marker "Related Articles"
	// https://b.example/libya-haftar new=false
	//   near_duplicate -1: near-duplicate of "https://a.example/haftar", indexed before (similarity 1.00)
	//   repeated_headline 0: repeats the headline
	//   residue 3: related-link marker "Related Articles"
}

// A batch job gives Run every document of a crawl. With a corpus (the
// default), Run reads the stream once to learn it, then judges each
// article against the others: here the third article carries two
// paragraphs of the second.
func ExamplePipeline_Run() {
	docs := []*dedup.Document{
		dedup.NewDocument("scorpion", "Scorpion stings passenger on Alaska Airlines flight",
			"A scorpion stung a passenger on an Alaska Airlines flight from Los Angeles to Portland on Saturday night, the airline said.\n"+
				"The plane was taxiing when the scorpion stung the woman on the hand, and the flight returned to the gate.\n"+
				"Medics examined the passenger, who refused further treatment, and the flight left an hour late."),
		dedup.NewDocument("protest", "Hong Kong police fire tear gas at democracy protesters",
			"Hong Kong police fired tear gas at thousands of pro-democracy protesters who blocked roads in the financial district.\n"+
				"The protesters, many of them students carrying umbrellas, demand free elections for the Hong Kong leader in 2017.\n"+
				"Beijing called the protests illegal and backed the police, as students vowed to stay in the district.\n"+
				"Shops and banks in the Central district stayed shut on Monday, and schools in two districts cancelled classes.\n"+
				"Organisers said more than 80,000 people joined the protests, the largest in Hong Kong since the 1997 handover."),
		dedup.NewDocument("spliced", "Passenger stung by scorpion on flight to Portland",
			"A woman was stung by a scorpion on an Alaska Airlines flight to Portland, and medics met the plane at the gate.\n"+
				"Hong Kong police fired tear gas at thousands of pro-democracy protesters who blocked roads in the financial district.\n"+
				"The protesters, many of them students carrying umbrellas, demand free elections for the Hong Kong leader in 2017.\n"+
				"The airline said scorpions sometimes travel in luggage and that the flight to Portland left after a delay."),
	}
	pipeline, err := dedup.NewPipeline(nil)
	if err != nil {
		log.Fatal(err)
	}
	stream := func(yield func(*dedup.Document, error) bool) {
		for _, d := range docs {
			if !yield(d, nil) {
				return
			}
		}
	}
	for article, err := range pipeline.Run(context.Background(), stream) {
		if err != nil {
			log.Fatal(err)
		}
		for _, f := range article.Findings {
			fmt.Printf("%s %s %d: %s\n", article.ID, f.Kind, f.Paragraph, f.Message)
		}
	}
	// Output:
	// spliced off_topic 1: spliced in: 2 paragraph(s) that fit "protest" better (0.63) than this article (0.00)
	// spliced off_topic 2: spliced in: 2 paragraph(s) that fit "protest" better (0.63) than this article (0.00)
}

// Clean removes what the findings flag from a document and from the
// record it was read from: a JSONL record keeps every other field, byte
// for byte.
func ExampleClean() {
	raw := []byte(`{"id":"a1","title":"Rail strike called off","text":"Train drivers called off Friday's strike after a late offer on pay.\nShare this article on Facebook\nServices will run as normal.","lang":"en"}`)
	doc := dedup.NewDocument("a1", "Rail strike called off",
		"Train drivers called off Friday's strike after a late offer on pay.\nShare this article on Facebook\nServices will run as normal.")
	doc.Raw, doc.BodyField = raw, "text" // as dedup/read reads a JSONL record
	pipeline, err := dedup.NewPipeline(nil)
	if err != nil {
		log.Fatal(err)
	}
	article, err := pipeline.Check(context.Background(), doc)
	if err != nil {
		log.Fatal(err)
	}
	cleaned, err := dedup.Clean(doc, article.Findings, nil) // nil: remove every paragraph kind
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range cleaned.Removed {
		fmt.Printf("removed %d (%s): %s\n", r.Paragraph, r.Kind, r.Text)
	}
	fmt.Println(string(cleaned.Raw))
	// Output:
	// removed 1 (residue): Share this article on Facebook
	// {"id":"a1","title":"Rail strike called off","text":"Train drivers called off Friday's strike after a late offer on pay.\nServices will run as normal.","lang":"en"}
}

// An Index over a Store answers "seen it?" for many crawler workers at
// once: of copies submitted together, exactly one is admitted.
func ExampleIndex_CheckAndAdd() {
	index, err := dedup.OpenIndex(dedup.NewMemoryStore(), nil)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	body := "The city council voted on Tuesday to close the old bridge over the river for two years of repairs, a decision that will send 20,000 cars a day through the town centre."
	for _, id := range []string{"https://a.example/bridge", "https://b.example/bridge-closed"} {
		res, err := index.CheckAndAdd(ctx, dedup.NewDocument(id, "", body))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: admitted=%t dupOf=%q\n", id, res.Admitted, res.DupOf)
	}
	// Output:
	// https://a.example/bridge: admitted=true dupOf=""
	// https://b.example/bridge-closed: admitted=false dupOf="https://a.example/bridge"
}

// Options switch detectors off and set any threshold: here only residue
// is reported (and computed), from a score of 0.8.
func ExampleOptions() {
	opts := dedup.DefaultOptions()
	opts.Only = []dedup.Kind{dedup.KindResidue}
	opts.ResidueThreshold = 0.8
	pipeline, err := dedup.NewPipeline(&opts)
	if err != nil {
		log.Fatal(err)
	}
	doc := dedup.NewDocument("x", "Rail strike called off",
		"Rail strike called off\nTrain drivers called off Friday's strike after a late offer on pay.\nFollow us on Twitter @railnews")
	article, err := pipeline.Check(context.Background(), doc)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range article.Findings {
		fmt.Printf("%s %d: %s\n", f.Kind, f.Paragraph, f.Message)
	}
	// Output:
	// residue 2: follow prompt "Follow us on Twitter @railnews"
}

// lostReply is a store whose connection dies with the reply to each
// decision: the decision is made, and its writer never hears of it.
type lostReply struct{ dedup.Store }

func (s lostReply) SetStatus(ctx context.Context, id, owner string, st dedup.Status, dupOf string) error {
	if err := s.Store.SetStatus(ctx, id, owner, st, dupOf); err != nil {
		return err
	}
	return errors.New("connection reset by peer")
}

// A run whose index failed with decisions in flight lists them in
// IndexError.Unsettled (newsdedup scan keeps them in a journal). The next
// run, given them, reports what the index decided, instead of "already
// in the index" for a story that no output carries.
func ExamplePipeline_Adopt() {
	dir, err := os.MkdirTemp("", "adopt-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	store, err := boltstore.Open(filepath.Join(dir, "seen.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	body := "The city council voted on Tuesday to close the old bridge over the river for two years of repairs, a decision that will send 20,000 cars a day through the town centre."
	docs := func(yield func(*dedup.Document, error) bool) {
		yield(dedup.NewDocument("https://a.example/bridge", "", body), nil)
	}
	run := func(st dedup.Store, adopt []dedup.Unsettled) []dedup.Unsettled {
		o := dedup.DefaultOptions()
		o.Store, o.Only = st, []dedup.Kind{dedup.KindNearDuplicate}
		p, err := dedup.NewPipeline(&o)
		if err != nil {
			log.Fatal(err)
		}
		p.Adopt(adopt...)
		for a, err := range p.Run(context.Background(), docs) {
			if ie := (*dedup.IndexError)(nil); errors.As(err, &ie) {
				fmt.Printf("the index failed on %s; unsettled: %d\n", ie.ID, len(ie.Unsettled))
				return ie.Unsettled
			}
			if err != nil {
				log.Fatal(err)
			}
			fmt.Printf("%s admitted=%t findings=%d\n", a.ID, a.Admitted, len(a.Findings))
		}
		return nil
	}
	unsettled := run(lostReply{store}, nil)
	run(store, unsettled)
	// Output:
	// the index failed on https://a.example/bridge; unsettled: 1
	// https://a.example/bridge admitted=true findings=0
}

// A server answers a request of several articles only when all are
// judged: when one fails, it hands back those already decided, and the
// client's retry hears their decisions again.
func ExamplePipeline_Unanswered() {
	p, err := dedup.NewPipeline(nil)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	body := "The city council voted on Tuesday to close the old bridge over the river for two years of repairs, a decision that will send 20,000 cars a day through the town centre."
	doc := dedup.NewDocument("https://a.example/bridge", "", body)
	a, err := p.CheckAndAdd(ctx, doc)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("first answer: admitted =", a.Admitted)
	p.Unanswered(a) // say the request failed on a later article
	for range 2 {
		a, err = p.CheckAndAdd(ctx, doc)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("sent again: admitted =", a.Admitted)
	}
	// Output:
	// first answer: admitted = true
	// sent again: admitted = true
	// sent again: admitted = false
}
