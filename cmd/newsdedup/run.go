package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
)

// Exit codes, as linters have them.
const (
	exitClean   = 0 // nothing flagged
	exitFlagged = 1 // something flagged
	exitError   = 2 // usage or input error
)

const usage = `newsdedup finds what is wrong with scraped news text and explains it.

Usage:
  newsdedup scan [flags] [PATH...]   report repeated headlines, mismatched
                                     bodies, spliced paragraphs and residue
  newsdedup clean [flags] [PATH...]  write articles back without residue,
                                     repeats and spliced paragraphs
  newsdedup index stats|remove|repair|prune|export ...
                                     inspect or maintain a persistent index
  newsdedup serve [flags]            answer scans and check-and-add over HTTP,
                                     for crawlers in any language
  newsdedup help [command]           show help
  newsdedup version                  print the version

Run "newsdedup help COMMAND" for a command's flags and examples.
`

// run is the whole command: it parses args, does the work and returns the
// exit code. It writes data to stdout and diagnostics to stderr.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitError
	}
	switch args[0] {
	case "scan":
		return runScan(ctx, args[1:], stdin, stdout, stderr)
	case "index":
		return runIndex(ctx, args[1:], stdin, stdout, stderr)
	case "clean":
		return runClean(ctx, args[1:], stdin, stdout, stderr)
	case "serve":
		return runServe(ctx, args[1:], stdin, stdout, stderr)
	case "help", "-h", "--help":
		if len(args) > 1 {
			switch args[1] {
			case "scan":
				return runScan(ctx, []string{"--help"}, stdin, stdout, stderr)
			case "index":
				return runIndex(ctx, []string{"--help"}, stdin, stdout, stderr)
			case "clean":
				return runClean(ctx, []string{"--help"}, stdin, stdout, stderr)
			case "serve":
				return runServe(ctx, []string{"--help"}, stdin, stdout, stderr)
			}
			fmt.Fprintf(stderr, "newsdedup: help: unknown command %q\n", args[1])
			return exitError
		}
		fmt.Fprint(stdout, usage)
		return exitClean
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "newsdedup %s\n", version())
		return exitClean
	default:
		fmt.Fprintf(stderr, "newsdedup: unknown command %q\n%s", args[0], usage)
		return exitError
	}
}

// version returns the module version the binary was built from.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
