package main

// The index command: look at and maintain the index that
// "newsdedup scan --index" checks articles against.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"

	"github.com/spf13/pflag"

	"github.com/newsdedup/newsdedup/dedup"
)

const indexUsage = `Usage:
  newsdedup index stats [flags] PATH|URL
  newsdedup index remove PATH|URL ID...

Look at or maintain a near-duplicate index, the one "newsdedup scan
--index" checks articles against and adds new ones to. PATH is an index
file (bbolt); a redis:// or rediss:// URL is an index in Redis, e.g.
redis://:PASSWORD@host:6379/0?prefix=crawl (the prefix names the index).

stats    counts the articles in the index: admitted (the first copy of a
         story), duplicates (later copies, each naming its admitted
         article) and pending (submitted by a worker that has not decided
         yet; one that stays pending belonged to a worker that died:
         remove it).
remove   deletes the articles with these ids, so that the next copy of
         their story is admitted again, or a stuck pending entry is gone.

Exit status: 0 done; 1 an id to remove was not in the index; 2 usage
error, or the index cannot be opened or read.

Examples:
  newsdedup index stats crawl.idx
  newsdedup index stats --format json redis://localhost:6379/0
  newsdedup index remove crawl.idx https://example.com/news/1234
  newsdedup index remove 'rediss://:secret@cache.internal:6380/2?prefix=crawl' a1 a2

Flags:
`

// indexOptions are the index command's flags.
type indexOptions struct {
	format string
	help   bool
}

func indexFlags(o *indexOptions) *pflag.FlagSet {
	fs := pflag.NewFlagSet("index", pflag.ContinueOnError)
	fs.StringVar(&o.format, "format", "text", "stats output: text or json")
	fs.BoolVarP(&o.help, "help", "h", false, "show this help")
	fs.SortFlags = false
	return fs
}

// indexStats is what "index stats --format json" prints.
type indexStats struct {
	Index      string `json:"index"`
	Entries    int    `json:"entries"`
	Admitted   int    `json:"admitted"`
	Duplicates int    `json:"duplicates"`
	Pending    int    `json:"pending"`
	// BandKeys is -1 when the store cannot count them cheaply.
	BandKeys int `json:"band_keys"`
}

func runIndex(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var o indexOptions
	fs := indexFlags(&o)
	fs.SetOutput(io.Discard)
	printUsage := func(w io.Writer) {
		fmt.Fprint(w, indexUsage)
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			printUsage(stdout)
			return exitClean
		}
		fmt.Fprintf(stderr, "newsdedup: index: %v\n\n", err)
		printUsage(stderr)
		return exitError
	}
	if o.help {
		printUsage(stdout)
		return exitClean
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fmt.Fprintf(stderr, "newsdedup: index: missing subcommand (stats or remove)\n\n")
		printUsage(stderr)
		return exitError
	}
	if o.format != "text" && o.format != "json" {
		fmt.Fprintf(stderr, "newsdedup: index: --format must be text or json, not %q\n", o.format)
		return exitError
	}
	switch sub, rest := rest[0], rest[1:]; sub {
	case "stats":
		if len(rest) != 1 {
			fmt.Fprintf(stderr, "newsdedup: index stats: want one PATH or URL, got %d arguments\n", len(rest))
			return exitError
		}
		return indexStatsCmd(ctx, rest[0], o, stdout, stderr)
	case "remove":
		if len(rest) < 2 {
			fmt.Fprintf(stderr, "newsdedup: index remove: want a PATH or URL and at least one ID\n")
			return exitError
		}
		return indexRemoveCmd(ctx, rest[0], rest[1:], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "newsdedup: index: unknown subcommand %q (want stats or remove)\n", sub)
		return exitError
	}
}

func indexStatsCmd(ctx context.Context, spec string, o indexOptions, stdout, stderr io.Writer) int {
	st, err := openStoreMode(ctx, spec, storeMode{readOnly: true})
	if err != nil {
		fmt.Fprintf(stderr, "newsdedup: index stats: %v\n", err)
		return exitError
	}
	defer st.Close()
	s, err := st.Stats(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "newsdedup: index stats: %v\n", err)
		return exitError
	}
	out := indexStats{Index: redactURL(spec), Entries: s.Entries, Admitted: s.Admitted, Duplicates: s.Duplicates,
		Pending: s.Entries - s.Admitted - s.Duplicates, BandKeys: s.BandKeys}
	if o.format == "json" {
		b, _ := json.Marshal(out)
		fmt.Fprintf(stdout, "%s\n", b)
		return exitClean
	}
	fmt.Fprintf(stdout, "index:      %s\n", out.Index)
	fmt.Fprintf(stdout, "articles:   %d\n", out.Entries)
	fmt.Fprintf(stdout, "admitted:   %d\n", out.Admitted)
	fmt.Fprintf(stdout, "duplicates: %d\n", out.Duplicates)
	fmt.Fprintf(stdout, "pending:    %d\n", out.Pending)
	if out.BandKeys >= 0 {
		fmt.Fprintf(stdout, "band keys:  %d\n", out.BandKeys)
	}
	return exitClean
}

func indexRemoveCmd(ctx context.Context, spec string, ids []string, stdout, stderr io.Writer) int {
	st, err := openStoreMode(ctx, spec, storeMode{})
	if err != nil {
		fmt.Fprintf(stderr, "newsdedup: index remove: %v\n", err)
		return exitError
	}
	defer st.Close()
	code := exitClean
	for _, id := range ids {
		switch err := st.Remove(ctx, id); {
		case err == nil:
			fmt.Fprintf(stdout, "removed %s\n", id)
		case errors.Is(err, dedup.ErrNotFound):
			fmt.Fprintf(stderr, "newsdedup: index remove: %s: not in the index\n", id)
			code = max(code, exitFlagged)
		default:
			fmt.Fprintf(stderr, "newsdedup: index remove: %s: %v\n", id, err)
			return exitError
		}
	}
	return code
}

// redactURL hides the password of a Redis URL for printing.
func redactURL(spec string) string {
	if !isRedisURL(spec) {
		return spec
	}
	u, err := url.Parse(spec)
	if err != nil {
		return "redis://…"
	}
	return u.Redacted()
}
