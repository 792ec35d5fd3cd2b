package main

// The serve command: the pipeline behind HTTP (internal/server), for
// crawlers in any language. This file parses the flags, opens the index,
// listens and shuts down cleanly on SIGTERM or an interrupt.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/internal/server"
)

const serveUsage = `Usage: newsdedup serve [flags]

Serve the scan over HTTP, for crawlers in any language (a Scrapy item
pipeline is in examples/scrapy): post an article, or an array of them, as
JSON with the fields the JSONL reader reads, and get back what is wrong
with each and whether it is a new story. Each page is judged alone, as
scan --no-corpus judges it.

  POST /v1/scan           the JSONL records of scan --format jsonl
  POST /v1/clean          the same, with the article cleaned and the removals
  POST /v1/check-and-add  the same, and admitted into the index unless it
                          duplicates an indexed article (atomic: of copies
                          posted at once exactly one is admitted);
                          ?clean=true adds what /v1/clean answers
  GET  /healthz           200 while serving
  GET  /metrics           Prometheus metrics

openapi.yaml in the repository describes the API. A bad article is
answered 400 with the message scan prints for it ("request:3: missing
body: ..."), and nothing of that request is judged.

The index is in memory unless --index names a bbolt file or a Redis URL,
as for scan; processes sharing a Redis index admit each story once
between them. The server listens on loopback unless told otherwise; an
address beyond loopback needs --token-file, a bearer token every request
but /healthz must carry. SIGTERM or an interrupt stops it: requests in
flight are answered, then the index is closed.

Examples:
  newsdedup serve
  newsdedup serve --index seen.db --listen 127.0.0.1:8077
  newsdedup serve --index redis://10.0.0.5:6379/0 --listen :8077 --token-file token.txt
  curl -s localhost:8077/v1/check-and-add -d '{"url":"u1","title":"T","text":"Body."}'

Flags:
`

// DefaultListen is where serve listens without --listen.
const defaultListen = "127.0.0.1:8077"

// serveScanFlags are the scan flags serve takes: what judges a page and
// how a record is read, and the index.
var serveScanFlags = []string{"only", "skip", "min-score", "threshold", "index", "index-no-sync", "residue-patterns",
	"title-field", "body-field", "id-field", "mismatch-threshold", "offtopic-margin", "offtopic-floor",
	"offtopic-split", "offtopic-cut", "residue-threshold"}

// serveOptions are the serve command's flags.
type serveOptions struct {
	scan            scanOptions
	listen          string
	tokenFile       string
	addrFile        string
	maxBody         int64
	readTimeout     time.Duration
	writeTimeout    time.Duration
	shutdownTimeout time.Duration
	logLevel        string
	keep, drop      []string
}

func serveFlags(o *serveOptions) *pflag.FlagSet {
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	fs.StringVar(&o.listen, "listen", defaultListen, "address to listen on, HOST:PORT (port 0 picks a free one); beyond loopback it needs --token-file")
	fs.StringVar(&o.tokenFile, "token-file", "", "require the bearer token in FILE (its first line) on every request but /healthz")
	fs.StringVar(&o.addrFile, "addr-file", "", "write the address listened on to FILE once ready (for scripts, with port 0)")
	fs.Int64Var(&o.maxBody, "max-body", server.DefaultMaxBodyBytes, "largest request body in bytes (larger ones get 413)")
	fs.DurationVar(&o.readTimeout, "read-timeout", 30*time.Second, "time allowed to read a request, body included")
	fs.DurationVar(&o.writeTimeout, "write-timeout", 2*time.Minute, "time allowed from the end of the request headers to the end of the answer")
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", 30*time.Second, "on SIGTERM, how long requests in flight may take to finish")
	fs.StringVar(&o.logLevel, "log-level", "info", "log to stderr from this level: debug (a line per request), info, warn or error")
	fs.StringSliceVar(&o.keep, "keep", nil, "clean: do not remove paragraphs of these kinds (comma-separated, or all)")
	fs.StringSliceVar(&o.drop, "drop", nil, "clean: also remove paragraphs of these kinds (comma-separated, or all)")
	sf := scanFlags(&o.scan)
	sf.VisitAll(func(f *pflag.Flag) {
		if !slices.Contains(serveScanFlags, f.Name) {
			return
		}
		switch f.Name {
		case "index":
			f.Usage = "the index check-and-add admits into: a bbolt file PATH or a redis:// URL (default: in memory, lost on exit)"
		case "only", "skip", "min-score":
			f.Usage = strings.Replace(f.Usage, "report", "answer with", 1)
		}
		fs.AddFlag(f)
	})
	fs.SortFlags = false
	return fs
}

func runServe(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var o serveOptions
	fs := serveFlags(&o)
	if code, done := parseCommand("serve", serveUsage, fs, args, stdout, stderr); done {
		return code
	}
	fail := failer("serve", stderr)
	if fs.NArg() > 0 {
		return fail(fmt.Errorf("unexpected argument %q: serve reads articles from requests", fs.Arg(0)))
	}
	cfg, err := o.config()
	if err != nil {
		return fail(err)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return fail(fmt.Errorf("--log-level %q: want debug, info, warn or error", o.logLevel))
	}
	logs := slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})
	cfg.Logger = slog.New(logs)

	popts, err := o.scan.pipelineOptions()
	if err != nil {
		return fail(err)
	}
	popts.Corpus = false
	// The pipeline computes near_duplicate whatever the flags, for the
	// verdict of check-and-add; the server filters what it answers.
	report := reportFilter(popts)
	if len(popts.Only) > 0 && !slices.Contains(popts.Only, dedup.KindNearDuplicate) {
		popts.Only = append(popts.Only, dedup.KindNearDuplicate)
	}
	popts.Skip = slices.DeleteFunc(popts.Skip, func(k dedup.Kind) bool { return k == dedup.KindNearDuplicate })
	popts.MinScore = 0
	cfg.Report = report

	if o.scan.index != "" {
		st, err := openStore(ctx, o.scan.index, o.scan.noSync)
		if err != nil {
			return fail(fmt.Errorf("--index %s: %v", redactURL(o.scan.index), err))
		}
		defer func() {
			if err := st.Close(); err != nil {
				cfg.Logger.Error("newsdedup: serve: closing the index", "error", err)
			}
		}()
		popts.Store = st
	} else if o.scan.noSync {
		return fail(errors.New("--index-no-sync applies to a file --index"))
	}
	if cfg.Pipeline, err = newPipeline(popts); err != nil {
		return fail(err)
	}
	srv, err := server.New(cfg)
	if err != nil {
		return fail(err)
	}

	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fail(fmt.Errorf("--listen: %w", err))
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: min(o.readTimeout, 10*time.Second),
		ReadTimeout:       o.readTimeout,
		WriteTimeout:      o.writeTimeout,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logs, slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	addr := ln.Addr().String()
	if o.addrFile != "" {
		if err := writeFileAtomic(o.addrFile, addr+"\n"); err != nil {
			hs.Close()
			return fail(fmt.Errorf("--addr-file: %w", err))
		}
		defer os.Remove(o.addrFile)
	}
	index := "memory"
	if o.scan.index != "" {
		index = redactURL(o.scan.index)
	}
	cfg.Logger.Info("newsdedup: serving", "addr", addr, "index", index, "token", cfg.Token != "")

	select {
	case err := <-served:
		return fail(err)
	case <-ctx.Done():
	}
	cfg.Logger.Info("newsdedup: shutting down: finishing the requests in flight", "timeout", o.shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), o.shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
		cfg.Logger.Error("newsdedup: requests still in flight after --shutdown-timeout were cut", "error", err)
		return exitError
	}
	cfg.Logger.Info("newsdedup: stopped")
	return exitClean
}

// config returns the server's configuration from the flags, but for the
// pipeline and the logger.
func (o *serveOptions) config() (server.Config, error) {
	cfg := server.Config{Read: o.scan.read, MaxBodyBytes: o.maxBody}
	if o.maxBody <= 0 {
		return cfg, fmt.Errorf("--max-body %d: want a positive number of bytes", o.maxBody)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"--read-timeout", o.readTimeout}, {"--write-timeout", o.writeTimeout}, {"--shutdown-timeout", o.shutdownTimeout}} {
		if d.v <= 0 {
			return cfg, fmt.Errorf("%s %v: want a positive duration", d.name, d.v)
		}
	}
	remove, err := removedKinds(o.keep, o.drop)
	if err != nil {
		return cfg, err
	}
	cfg.Remove = func(f dedup.Finding) bool { return remove[f.Kind] }
	if o.tokenFile != "" {
		data, err := os.ReadFile(o.tokenFile)
		if err != nil {
			return cfg, fmt.Errorf("--token-file: %w", err)
		}
		line, _, _ := strings.Cut(string(data), "\n")
		if cfg.Token = strings.TrimSpace(line); cfg.Token == "" {
			return cfg, fmt.Errorf("--token-file %s: the first line is empty", o.tokenFile)
		}
	}
	loop, err := loopbackOnly(o.listen)
	if err != nil {
		return cfg, fmt.Errorf("--listen %q: %w", o.listen, err)
	}
	if !loop && cfg.Token == "" {
		return cfg, fmt.Errorf("--listen %s is reachable beyond loopback: give a --token-file for clients to authenticate with", o.listen)
	}
	return cfg, nil
}

// loopbackOnly reports whether a listen address is reachable from this
// machine only: a loopback IP, or localhost.
func loopbackOnly(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, errors.New("want HOST:PORT")
	}
	if strings.EqualFold(host, "localhost") {
		return true, nil
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && ip.IsLoopback(), nil
}

// reportFilter returns which findings the server answers with, from the
// kinds and minimum score of the flags.
func reportFilter(o dedup.Options) func(dedup.Finding) bool {
	only, skip, min := o.Only, o.Skip, o.MinScore
	if len(only) == 0 && len(skip) == 0 && min == 0 {
		return nil
	}
	return func(f dedup.Finding) bool {
		return (len(only) == 0 || slices.Contains(only, f.Kind)) && !slices.Contains(skip, f.Kind) && f.Score >= min
	}
}

// writeFileAtomic writes data to path under a temporary name, renamed
// into place, so that a script waiting for the file reads it whole.
func writeFileAtomic(path, data string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(data), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
