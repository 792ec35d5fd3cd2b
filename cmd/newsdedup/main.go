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
	"runtime/debug"
	"syscall"
)

// batchGCPercent is the collector's target for scan and clean. What they
// hold lives for the whole run (corpus statistics, near-duplicate
// postings), so the default target of 100 lets the heap grow to twice
// that before a collection; at 50 peak RSS is about 1.5 times the live
// heap, for 1-2% more CPU (README, "Quality and speed"). GOGC in the
// environment still decides.
const batchGCPercent = 50

func main() {
	if len(os.Args) > 1 && (os.Args[1] == "scan" || os.Args[1] == "clean") && os.Getenv("GOGC") == "" {
		debug.SetGCPercent(batchGCPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
