package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progressDelay is how long a pass runs before its progress bar shows:
// quick scans print nothing.
const progressDelay = time.Second

// progress draws a progress bar on stderr for a pass over the input:
// articles and bytes done, the rate and, when the size of the input is
// known, the time left. It draws only when enabled (stderr is a
// terminal) and only once the pass has run for progressDelay. It is not
// safe for concurrent use.
type progress struct {
	w        io.Writer
	enabled  bool
	start    time.Time
	desc     string
	maxBytes int64 // -1 when unknown
	total    int   // articles in the input, 0 when unknown
	articles int
	bytes    int64
	bar      *progressbar.ProgressBar
}

// newProgress returns the progress of a pass of a run that started at
// start.
func newProgress(w io.Writer, enabled bool, start time.Time, desc string, maxBytes int64, total int) *progress {
	if maxBytes <= 0 {
		maxBytes = -1
	}
	return &progress{w: w, enabled: enabled, start: start, desc: desc, maxBytes: maxBytes, total: total}
}

// add counts one article of n bytes.
func (p *progress) add(n int) {
	if !p.enabled {
		return
	}
	p.articles++
	p.bytes += int64(n)
	if p.bar == nil {
		if time.Since(p.start) < progressDelay {
			return
		}
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
		p.bar.Add64(p.bytes - int64(n))
	}
	if p.articles%64 == 0 || p.articles == p.total {
		p.bar.Describe(p.describe())
	}
	p.bar.Add(n)
}

func (p *progress) describe() string {
	if p.total > 0 {
		return fmt.Sprintf("%s %d/%d articles", p.desc, p.articles, p.total)
	}
	return fmt.Sprintf("%s %d articles", p.desc, p.articles)
}

// done removes the bar.
func (p *progress) done() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}
