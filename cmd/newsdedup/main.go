// Command newsdedup finds what is wrong with scraped news text: repeated
// headlines, bodies not about their headline, paragraphs spliced in from
// other stories, scraper residue and repeated paragraphs.
//
// Run "newsdedup help" for usage.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && (os.Args[1] == "scan" || os.Args[1] == "clean") && os.Getenv("GOGC") == "" {
		leanGC()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
