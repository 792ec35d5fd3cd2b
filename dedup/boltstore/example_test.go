package boltstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/boltstore"
)

// A crawler keeps its "seen it?" index in a file across runs.
func Example() {
	dir, err := os.MkdirTemp("", "boltstore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	store, err := boltstore.Open(filepath.Join(dir, "index.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	ix, err := dedup.OpenIndex(store, nil)
	if err != nil {
		log.Fatal(err)
	}

	var words []string
	for i := range 200 {
		words = append(words, fmt.Sprintf("word%d", i*7919%1000))
	}
	body := strings.Join(words, " ")
	ctx := context.Background()
	for _, id := range []string{"https://a.example/story", "https://b.example/copy"} {
		doc := &dedup.Document{ID: id, Paragraphs: []dedup.Paragraph{{Text: body}}}
		r, err := ix.CheckAndAdd(ctx, doc)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: admitted=%t dupOf=%q\n", id, r.Admitted, r.DupOf)
	}
	st, err := store.Stats(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("entries=%d admitted=%d duplicates=%d\n", st.Entries, st.Admitted, st.Duplicates)
	// Output:
	// https://a.example/story: admitted=true dupOf=""
	// https://b.example/copy: admitted=false dupOf="https://a.example/story"
	// entries=2 admitted=1 duplicates=1
}
