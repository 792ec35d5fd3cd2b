package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/newsdedup/newsdedup/dedup"
)

// loadResiduePatterns reads a site's residue patterns, one regular
// expression a line (blank lines and lines starting with # are skipped),
// and returns them after the built-in ones. Errors name the file and line.
func loadResiduePatterns(path string) (*dedup.ResiduePatterns, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	// Each expression becomes a rule "site 0.9 REGEXP" of the built-in
	// format, on the same line, so that errors keep their line numbers.
	// The weight is spelled out so that an expression starting with a
	// number is not read as one.
	var rules strings.Builder
	for line := range strings.Lines(string(data)) {
		t := strings.TrimSpace(line)
		if t != "" && t[0] != '#' {
			fmt.Fprintf(&rules, "site %v ", dedup.DefaultResidueWeight)
		}
		rules.WriteString(strings.TrimRight(line, "\r\n"))
		rules.WriteByte('\n')
	}
	site, err := dedup.ParseResiduePatterns(namedReader{strings.NewReader(rules.String()), path})
	if err != nil {
		return nil, err
	}
	if site.Len() == 0 {
		return nil, fmt.Errorf("%s: no patterns", path)
	}
	return dedup.DefaultResiduePatterns().Merge(site), nil
}

// namedReader gives a reader the name ParseResiduePatterns puts in errors.
type namedReader struct {
	io.Reader
	name string
}

// Name returns the file name.
func (n namedReader) Name() string { return n.name }
