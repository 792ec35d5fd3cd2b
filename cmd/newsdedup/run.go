package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/pflag"
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

// parseCommand parses the flags of command name, which prints usage and
// fs's flags on -h. done is true when the command has nothing more to
// do: it asked for help (code exitClean), or its flags are wrong (code
// exitError, said on stderr).
func parseCommand(name, usage string, fs *pflag.FlagSet, args []string, stdout, stderr io.Writer) (code int, done bool) {
	fs.SetOutput(io.Discard)
	help := fs.BoolP("help", "h", false, "show this help")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(stderr, "newsdedup: %s: %v\nRun 'newsdedup help %s' for usage.\n", name, err, name)
		return exitError, true
	}
	if *help {
		fmt.Fprint(stdout, usage)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return exitClean, true
	}
	return 0, false
}

// failer returns what command name calls on an error that ends it: the
// error said on stderr, and the exit code.
func failer(name string, stderr io.Writer) func(error) int {
	return func(err error) int {
		fmt.Fprintf(stderr, "newsdedup: %s: %v\n", name, err)
		return exitError
	}
}
