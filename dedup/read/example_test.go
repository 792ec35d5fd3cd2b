package read_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/newsdedup/newsdedup/dedup/read"
)

// Paths reads files and folders (recursively, in sorted order), plain
// text or JSONL, gzipped or not; a bad record is an error naming its file
// and line, and reading goes on with the next.
func ExamplePaths() {
	dir, err := os.MkdirTemp("", "read-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	files := map[string]string{
		"a/story.txt": "Rail strike called off\n\nTrain drivers called off Friday's strike.\n",
		"b/crawl.jsonl": `{"url":"https://x.example/1","title":"Bridge to close","text":"The old bridge closes in May.\nRepairs take two years."}` + "\n" +
			`{"url":"https://x.example/2","title":` + "\n",
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	for doc, err := range read.Paths(context.Background(), []string{dir}, nil, read.Options{}) {
		var bad *read.Error
		if errors.As(err, &bad) {
			rel, _ := filepath.Rel(dir, bad.File)
			fmt.Printf("%s:%d: bad record\n", filepath.ToSlash(rel), bad.Line)
			continue
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%q: %d paragraphs\n", doc.Title, len(doc.Paragraphs))
	}
	// Output:
	// "Rail strike called off": 1 paragraphs
	// "Bridge to close": 2 paragraphs
	// b/crawl.jsonl:2: bad record
}
