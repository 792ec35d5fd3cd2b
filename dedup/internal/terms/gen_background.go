//go:build ignore

// gen_background builds data/background.df from JSONL articles:
//
//	go run gen_background.go -o data/background.df ../../../../shared/eval/mismatch.jsonl.gz
//
// Only distinct bodies are counted; terms of a single body are left out.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"slices"
	"strings"

	"github.com/newsdedup/newsdedup/dedup/internal/terms"
)

func main() {
	out := flag.String("o", "data/background.df", "output file")
	flag.Parse()
	seen := map[string]bool{}
	df := map[uint64]uint32{}
	docs := 0
	for _, path := range flag.Args() {
		f, err := os.Open(path)
		if err != nil {
			log.Fatal(err)
		}
		var r io.Reader = f
		if strings.HasSuffix(path, ".gz") {
			if r, err = gzip.NewReader(f); err != nil {
				log.Fatal(err)
			}
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			var d struct{ Text string }
			if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
				log.Fatal(err)
			}
			if seen[d.Text] {
				continue
			}
			seen[d.Text] = true
			docs++
			for _, t := range terms.Set(d.Text) {
				df[t]++
			}
		}
		f.Close()
	}
	var keys []uint64
	for t, n := range df {
		if n >= 2 {
			keys = append(keys, t)
		}
	}
	slices.Sort(keys)
	b := []byte("NDDF\x02")
	b = binary.LittleEndian.AppendUint32(b, uint32(docs))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(keys)))
	for _, t := range keys {
		b = binary.LittleEndian.AppendUint64(b, t)
		b = binary.LittleEndian.AppendUint32(b, df[t])
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d documents, %d terms\n", docs, len(keys))
}
