package main

import (
	"context"
	"io"
	"os"
	"testing"
)

// BenchmarkScanFile runs `newsdedup scan --format jsonl` over the file
// named by NEWSDEDUP_BENCH_FILE (default: the repository's mismatch
// sample), with the flags of NEWSDEDUP_BENCH_FLAGS appended, so that a
// whole scan can be profiled:
//
//	NEWSDEDUP_BENCH_FILE=/tmp/x10.jsonl go test ./cmd/newsdedup -run XXX \
//	    -bench ScanFile -benchtime 1x -cpuprofile cpu.out -memprofile mem.out
//
// MB/s is per byte of input.
func BenchmarkScanFile(b *testing.B) {
	path := os.Getenv("NEWSDEDUP_BENCH_FILE")
	if path == "" {
		path = "../../testdata/mismatch/sample.jsonl"
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	args := []string{"scan", "--format", "jsonl", "-j", "1"}
	if f := os.Getenv("NEWSDEDUP_BENCH_FLAGS"); f != "" {
		args = append(args, splitFlags(f)...)
	}
	args = append(args, path)
	b.SetBytes(fi.Size())
	b.ReportAllocs()
	for b.Loop() {
		if code := run(context.Background(), args, nil, io.Discard, io.Discard); code > 1 {
			b.Fatalf("exit %d", code)
		}
	}
}

// splitFlags splits s at spaces.
func splitFlags(s string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' {
			if start >= 0 {
				out = append(out, s[start:i])
			}
			start = -1
		} else if start < 0 {
			start = i
		}
	}
	return out
}
