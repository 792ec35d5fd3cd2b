package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progressDelay is how long a pass runs before its progress shows: quick
// scans print nothing.
const progressDelay = time.Second

// plainEvery is how often --progress=plain prints a line.
var plainEvery = 5 * time.Second

// progressMode is the --progress flag: how progress is shown on stderr.
type progressMode string

const (
	progressAuto  progressMode = "auto"  // a bar when stderr is a terminal
	progressPlain progressMode = "plain" // a line every few seconds, for logs
	progressOff   progressMode = "false" // nothing
)

// Set implements pflag.Value. "true" is "auto", and "off" or "none"
// "false", so that --progress and --progress=false read as they did.
func (m *progressMode) Set(s string) error {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "auto", "true", "bar", "1":
		*m = progressAuto
	case "plain", "log":
		*m = progressPlain
	case "false", "off", "none", "0":
		*m = progressOff
	default:
		return fmt.Errorf("want auto, plain or false, not %q", s)
	}
	return nil
}

func (m *progressMode) String() string { return string(*m) }
func (m *progressMode) Type() string   { return "auto|plain|false" }

// style returns how progress is drawn on stderr: a bar (auto, on a
// terminal), lines (plain) or nothing.
func (m progressMode) style(stderr io.Writer) progressMode {
	switch {
	case m == progressPlain:
		return progressPlain
	case m == progressAuto && isTerminal(stderr):
		return progressAuto
	}
	return progressOff
}

// progress shows how a pass over the input goes: articles and bytes
// done, the rate and, when the size of the input is known, the percentage
// and the time left. With style progressAuto it draws a bar, with
// progressPlain it prints a line every plainEvery; either only once the
// run has gone on for progressDelay. The bytes come from add, or from
// counter (bytes read from the files) when it is set. It is not safe for
// concurrent use.
type progress struct {
	w        io.Writer
	style    progressMode
	start    time.Time // of the run, for the delay
	began    time.Time // of the pass, for the rate
	desc     string
	maxBytes int64 // -1 when unknown
	total    int   // articles in the input, 0 when unknown
	counter  *atomic.Int64
	articles int
	bytes    int64
	bar      *progressbar.ProgressBar
	shown    bool      // the bar was drawn
	closed   bool      // done was called: add does nothing
	printed  time.Time // the last plain line, zero before the first
}

// newProgress returns the progress of a pass of a run that started at
// start, drawn in style on w.
func newProgress(w io.Writer, style progressMode, start time.Time, desc string, maxBytes int64, total int, counter *atomic.Int64) *progress {
	if maxBytes <= 0 {
		maxBytes = -1
	}
	p := &progress{w: w, style: style, start: start, began: time.Now(), desc: desc, maxBytes: maxBytes, total: total, counter: counter}
	if style == progressAuto {
		// Made now, so that its rate counts from the start of the pass; it
		// draws nothing until add sets it.
		p.bar = progressbar.NewOptions64(p.maxBytes,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(p.describe()),
			progressbar.OptionShowBytes(true),
			progressbar.OptionSetPredictTime(p.maxBytes > 0),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetWidth(30),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

// add counts one article of n bytes.
func (p *progress) add(n int) {
	if p.style == progressOff || p.closed {
		return
	}
	p.articles++
	if p.counter != nil {
		p.bytes = p.counter.Load()
	} else {
		p.bytes += int64(n)
	}
	now := time.Now()
	if now.Sub(p.start) < progressDelay {
		return
	}
	if p.style == progressPlain {
		last := p.printed
		if last.IsZero() {
			last = p.began // the first line comes plainEvery into the pass
		}
		if now.Sub(last) >= plainEvery {
			p.printed = now
			fmt.Fprintf(p.w, "newsdedup: %s\n", p.line(now))
		}
		return
	}
	v := p.bytes
	if p.maxBytes > 0 && v > p.maxBytes {
		v = p.maxBytes // read ahead of the last article
	}
	p.bar.Set64(v)
	if !p.shown || p.articles%64 == 0 || p.articles == p.total {
		p.bar.Describe(p.describe())
	}
	p.shown = true
}

func (p *progress) describe() string {
	if p.total > 0 {
		return fmt.Sprintf("%s %d/%d articles", p.desc, p.articles, p.total)
	}
	return fmt.Sprintf("%s %d articles", p.desc, p.articles)
}

// line is the plain form of the progress at now: "reading: 1200
// articles, 45.1 MB of 120.0 MB (37%), 1m20s left".
func (p *progress) line(now time.Time) string {
	var b strings.Builder
	b.WriteString(p.describe()[len(p.desc):])
	b.WriteString(", ")
	b.WriteString(formatBytes(p.bytes))
	elapsed := now.Sub(p.began)
	if p.maxBytes > 0 {
		done := min(float64(p.bytes)/float64(p.maxBytes), 1)
		fmt.Fprintf(&b, " of %s (%.0f%%)", formatBytes(p.maxBytes), 100*done)
		if done >= 0.01 {
			left := time.Duration(float64(elapsed) * (1 - done) / done)
			fmt.Fprintf(&b, ", %s left", left.Round(time.Second))
		}
	} else if s := elapsed.Seconds(); s > 0 {
		fmt.Fprintf(&b, ", %s/s", formatBytes(int64(float64(p.bytes)/s)))
	}
	return p.desc + ":" + b.String()
}

// formatBytes writes n bytes for people: "812 B", "45.1 MB".
func formatBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

// done ends the pass: the bar is removed; plain progress that printed a
// line prints a last one.
func (p *progress) done() {
	if p.bar != nil && p.shown {
		p.bar.Finish()
	}
	p.bar, p.shown, p.closed = nil, false, true
	if p.style == progressPlain && !p.printed.IsZero() {
		fmt.Fprintf(p.w, "newsdedup: %s: done, %d articles, %s in %s\n", p.desc, p.articles,
			formatBytes(p.bytes), time.Since(p.began).Round(100*time.Millisecond))
		p.printed = time.Time{}
	}
}
