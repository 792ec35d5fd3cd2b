package main

// The index command: look at and maintain the index that
// "newsdedup scan --index" checks articles against.

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/spf13/pflag"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/redisstore"
)

const indexUsage = `Usage:
  newsdedup index stats [flags] PATH|URL
  newsdedup index remove PATH|URL ID...
  newsdedup index remove --pending PATH|URL
  newsdedup index repair PATH|URL
  newsdedup index prune [--older-than DURATION] PATH|URL
  newsdedup index export PATH|URL

Look at or maintain a near-duplicate index, the one "newsdedup scan
--index" checks articles against and adds new ones to. PATH is an index
file (bbolt); a redis:// or rediss:// URL is an index in Redis, e.g.
redis://:PASSWORD@host:6379/0?prefix=crawl (the prefix names the index).

stats    counts the articles in the index: admitted (the first copy of a
         story), duplicates (later copies, each naming its admitted
         article) and pending (submitted by a writer that has not decided
         yet), and lists the pending ones whose lease has expired: their
         writer died (or was killed) before deciding them. A later scan
         that meets one takes it over; repair decides them all.
remove   deletes the articles with these ids, so that the next copy of
         their story is admitted again; with --pending, deletes every
         pending article whose lease has expired instead.
repair   decides every pending article whose lease has expired, from its
         own signature, as the scan that died would have: afterwards no
         expired lease is left and no article is lost.
prune    deletes the articles that expired (scan --index-ttl) and, with
         --older-than, those indexed longer ago than that.
export   writes one JSON line per article: id, status, dup_of,
         signature_version, added and expires (RFC 3339, when known).

A file index is locked while a scan writes it: these commands then wait a
few seconds and fail with "index is in use by another process".

Exit status: 0 done; 1 an id to remove was not in the index; 2 usage
error, or the index cannot be opened or read.

Examples:
  newsdedup index stats crawl.idx
  newsdedup index stats --format json redis://localhost:6379/0
  newsdedup index remove crawl.idx https://example.com/news/1234
  newsdedup index remove 'rediss://:secret@cache.internal:6380/2?prefix=crawl' a1 a2
  newsdedup index repair crawl.idx
  newsdedup index prune --older-than 720h crawl.idx
  newsdedup index export redis://localhost:6379/0 > index.jsonl

Flags:
`

// indexOptions are the index command's flags.
type indexOptions struct {
	format    string
	help      bool
	pending   bool
	olderThan time.Duration
}

func indexFlags(o *indexOptions) *pflag.FlagSet {
	fs := pflag.NewFlagSet("index", pflag.ContinueOnError)
	fs.StringVar(&o.format, "format", "text", "stats output: text or json")
	fs.BoolVar(&o.pending, "pending", false, "remove: delete every pending article whose lease has expired")
	fs.DurationVar(&o.olderThan, "older-than", 0, "prune: also delete the articles indexed longer ago than this")
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
	// ExpiredLeases are the pending articles whose writer's lease has
	// expired.
	ExpiredLeases []leaseInfo `json:"expired_leases"`
}

// leaseInfo is one expired lease in "index stats".
type leaseInfo struct {
	ID    string `json:"id"`
	Owner string `json:"owner,omitempty"`
	// Expired is when the lease ran out; empty for a file index's
	// earlier session, whose writer is gone for sure.
	Expired string `json:"expired,omitempty"`
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
		fmt.Fprintf(stderr, "newsdedup: index: missing subcommand (stats, remove, repair, prune or export)\n\n")
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
		if o.pending {
			if len(rest) != 1 {
				fmt.Fprintf(stderr, "newsdedup: index remove --pending: want one PATH or URL and no ids\n")
				return exitError
			}
			return indexRemovePendingCmd(ctx, rest[0], stdout, stderr)
		}
		if len(rest) < 2 {
			fmt.Fprintf(stderr, "newsdedup: index remove: want a PATH or URL and at least one ID\n")
			return exitError
		}
		return indexRemoveCmd(ctx, rest[0], rest[1:], stdout, stderr)
	case "repair", "prune", "export":
		if len(rest) != 1 {
			fmt.Fprintf(stderr, "newsdedup: index %s: want one PATH or URL, got %d arguments\n", sub, len(rest))
			return exitError
		}
		switch sub {
		case "repair":
			return indexRepairCmd(ctx, rest[0], stdout, stderr)
		case "prune":
			return indexPruneCmd(ctx, rest[0], o.olderThan, stdout, stderr)
		}
		return indexExportCmd(ctx, rest[0], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "newsdedup: index: unknown subcommand %q (want stats, remove, repair, prune or export)\n", sub)
		return exitError
	}
}

// expiredLeases returns the pending entries of st whose lease has
// expired, in claim order.
func expiredLeases(ctx context.Context, st dedup.Store) ([]dedup.Entry, error) {
	var out []dedup.Entry
	now := time.Now()
	err := st.Scan(ctx, func(e dedup.Entry) error {
		if e.Status == dedup.StatusPending && now.After(e.Lease) {
			out = append(out, e)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b dedup.Entry) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, err
}

func indexRemovePendingCmd(ctx context.Context, spec string, stdout, stderr io.Writer) int {
	st, err := openStoreMode(ctx, spec, storeMode{})
	if err != nil {
		fmt.Fprintf(stderr, "newsdedup: index remove: %v\n", err)
		return exitError
	}
	defer st.Close()
	es, err := expiredLeases(ctx, st)
	if err != nil {
		fmt.Fprintf(stderr, "newsdedup: index remove: %v\n", err)
		return exitError
	}
	n := 0
	for _, e := range es {
		switch err := st.Remove(ctx, e.ID); {
		case err == nil:
			n++
			fmt.Fprintf(stdout, "removed %s (pending)\n", e.ID)
		case errors.Is(err, dedup.ErrNotFound):
		default:
			fmt.Fprintf(stderr, "newsdedup: index remove: %s: %v\n", e.ID, err)
			return exitError
		}
	}
	fmt.Fprintf(stdout, "%d pending articles with an expired lease removed\n", n)
	return exitClean
}

func indexRepairCmd(ctx context.Context, spec string, stdout, stderr io.Writer) int {
	st, err := openStoreMode(ctx, spec, storeMode{})
	if err != nil {
		fmt.Fprintf(stderr, "newsdedup: index repair: %v\n", err)
		return exitError
	}
	defer st.Close()
	ix, err := dedup.OpenIndex(st, nil)
	if err != nil {
		fmt.Fprintf(stderr, "newsdedup: index repair: %v\n", err)
		return exitError
	}
	n, err := ix.Repair(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "newsdedup: index repair: %v (%d decided before)\n", err, n)
		return exitError
	}
	fmt.Fprintf(stdout, "%d pending articles with an expired lease decided\n", n)
	return exitClean
}

func indexPruneCmd(ctx context.Context, spec string, olderThan time.Duration, stdout, stderr io.Writer) int {
	if olderThan < 0 {
		fmt.Fprintf(stderr, "newsdedup: index prune: --older-than %v: want a duration of 0 or more\n", olderThan)
		return exitError
	}
	st, err := openStoreMode(ctx, spec, storeMode{})
	if err != nil {
		fmt.Fprintf(stderr, "newsdedup: index prune: %v\n", err)
		return exitError
	}
	defer st.Close()
	now := time.Now()
	n, err := st.Prune(ctx, now)
	if err != nil {
		fmt.Fprintf(stderr, "newsdedup: index prune: %v\n", err)
		return exitError
	}
	if olderThan > 0 {
		cutoff := now.Add(-olderThan)
		var old []string
		err := st.Scan(ctx, func(e dedup.Entry) error {
			if !e.Added.IsZero() && e.Added.Before(cutoff) && e.Status != dedup.StatusPending {
				old = append(old, e.ID)
			}
			return nil
		})
		for _, id := range old {
			if err != nil {
				break
			}
			if rerr := st.Remove(ctx, id); rerr == nil {
				n++
			} else if !errors.Is(rerr, dedup.ErrNotFound) {
				err = rerr
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "newsdedup: index prune: %v (%d deleted before)\n", err, n)
			return exitError
		}
	}
	fmt.Fprintf(stdout, "%d articles pruned\n", n)
	return exitClean
}

// exportRecord is one line of "index export".
type exportRecord struct {
	ID               string `json:"id"`
	Status           string `json:"status"`
	DupOf            string `json:"dup_of,omitempty"`
	SignatureVersion int    `json:"signature_version"`
	Added            string `json:"added,omitempty"`
	Expires          string `json:"expires,omitempty"`
}

func indexExportCmd(ctx context.Context, spec string, stdout, stderr io.Writer) int {
	st, err := openStoreMode(ctx, spec, storeMode{readOnly: true})
	if err != nil {
		fmt.Fprintf(stderr, "newsdedup: index export: %v\n", err)
		return exitError
	}
	defer st.Close()
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	err = st.Scan(ctx, func(e dedup.Entry) error {
		r := exportRecord{ID: e.ID, Status: statusName(e.Status), DupOf: e.DupOf, SignatureVersion: -1,
			Added: stamp(e.Added), Expires: stamp(e.Expires)}
		if len(e.Sig) > 0 {
			r.SignatureVersion = int(e.Sig[0])
		}
		return enc.Encode(r)
	})
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintf(stderr, "newsdedup: index export: %v\n", err)
		return exitError
	}
	return exitClean
}

// statusName is the export name of an entry's status.
func statusName(s dedup.Status) string {
	switch s {
	case dedup.StatusPending:
		return "pending"
	case dedup.StatusAdmitted:
		return "admitted"
	case dedup.StatusDuplicate:
		return "duplicate"
	}
	return fmt.Sprint(int(s))
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
		Pending: s.Entries - s.Admitted - s.Duplicates, BandKeys: s.BandKeys, ExpiredLeases: []leaseInfo{}}
	if out.Pending != 0 {
		es, err := expiredLeases(ctx, st)
		if err != nil {
			fmt.Fprintf(stderr, "newsdedup: index stats: %v\n", err)
			return exitError
		}
		for _, e := range es {
			li := leaseInfo{ID: e.ID, Owner: e.Owner}
			if !e.Lease.IsZero() {
				li.Expired = e.Lease.UTC().Format(time.RFC3339)
			}
			out.ExpiredLeases = append(out.ExpiredLeases, li)
		}
	}
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
	fmt.Fprintf(stdout, "expired leases: %d\n", len(out.ExpiredLeases))
	for _, l := range out.ExpiredLeases {
		fmt.Fprintf(stdout, "  %s", l.ID)
		if l.Owner != "" {
			fmt.Fprintf(stdout, " (writer %s", l.Owner)
			if l.Expired != "" {
				fmt.Fprintf(stdout, ", expired %s", l.Expired)
			}
			fmt.Fprint(stdout, ")")
		}
		fmt.Fprintln(stdout)
	}
	if len(out.ExpiredLeases) > 0 {
		fmt.Fprintf(stdout, "run 'newsdedup index repair %s' to decide them\n", out.Index)
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
	return redisstore.Redact(spec)
}
