package main

import (
	"io"
	"os"

	"github.com/newsdedup/newsdedup/dedup"
)

// useColor reports whether text output to w is coloured: only on a
// terminal, and never when NO_COLOR is set (https://no-color.org).
func useColor(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	return isTerminal(w)
}

// ANSI colours of the kinds in text output.
var kindColor = map[dedup.Kind]string{
	dedup.KindRepeatedHeadline:  "\x1b[35m", // magenta
	dedup.KindHeadlineMismatch:  "\x1b[31m", // red
	dedup.KindOffTopic:          "\x1b[33m", // yellow
	dedup.KindResidue:           "\x1b[36m", // cyan
	dedup.KindRepeatedParagraph: "\x1b[34m", // blue
}

const (
	ansiBold  = "\x1b[1m"
	ansiReset = "\x1b[0m"
)

// paint wraps s in colour c when colour is on.
func paint(on bool, c, s string) string {
	if !on || c == "" {
		return s
	}
	return c + s + ansiReset
}
