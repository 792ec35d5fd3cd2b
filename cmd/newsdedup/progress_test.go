package main

import (
	"bytes"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
)

func TestProgressDrawsOnlyAfterDelay(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, progressAuto, time.Now(), "scanning", 1000, 10, nil)
	p.add(100)
	assert.Empty(t, buf.String(), "a quick pass prints nothing")

	p.start = time.Now().Add(-2 * progressDelay)
	for range 5 {
		p.add(100)
	}
	p.done()
	out := buf.String()
	assert.Contains(t, out, "scanning", "the pass is named")
	assert.Contains(t, out, "/10 articles", "articles done of the total")
	assert.Contains(t, out, "B", "bytes done")
	assert.Contains(t, out, "%", "the size is known: a percentage")
}

func TestProgressDisabled(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, progressOff, time.Now(), "scanning", 1000, 10, nil)
	p.start = time.Now().Add(-time.Hour)
	p.add(100)
	p.done()
	assert.Empty(t, buf.String(), "stderr is not a terminal")
}

func TestProgressPlain(t *testing.T) {
	defer func(d time.Duration) { plainEvery = d }(plainEvery)
	plainEvery = 0 // a line at every article
	var buf bytes.Buffer
	var read atomic.Int64
	p := newProgress(&buf, progressPlain, time.Now().Add(-time.Hour), "reading", 4_000_000, 0, &read)
	p.began = time.Now().Add(-10 * time.Second)
	read.Store(1_000_000)
	p.add(0)
	p.done()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 2)
	assert.Regexp(t, `^newsdedup: reading: 1 articles, 1\.0 MB of 4\.0 MB \(25%\), 30s left$`, lines[0],
		"bytes read from the files of the known size: a percentage and the time left")
	assert.Regexp(t, `^newsdedup: reading: done, 1 articles, 1\.0 MB in 10s$`, lines[1])

	buf.Reset()
	p = newProgress(&buf, progressPlain, time.Now().Add(-time.Hour), "scanning", -1, 0, nil)
	p.began = time.Now().Add(-2 * time.Second)
	p.add(3000)
	assert.Regexp(t, `^newsdedup: scanning: 1 articles, 3\.0 kB, 1\.5 kB/s\n$`, buf.String(), "an unknown size: the rate")

	buf.Reset()
	plainEvery = time.Hour
	p = newProgress(&buf, progressPlain, time.Now().Add(-time.Hour), "scanning", -1, 0, nil)
	for range 100 {
		p.add(10)
	}
	assert.Empty(t, buf.String(), "the first line comes plainEvery into the pass")
	p.began = time.Now().Add(-2 * time.Hour)
	for range 100 {
		p.add(10)
	}
	assert.Equal(t, 1, strings.Count(buf.String(), "\n"), "then one line every plainEvery")
}

func TestProgressFlag(t *testing.T) {
	tests := []struct {
		in   string
		want progressMode
	}{
		{"true", progressAuto}, {"auto", progressAuto}, {"plain", progressPlain}, {"false", progressOff}, {"none", progressOff},
	}
	for _, tt := range tests {
		var m progressMode
		require.NoError(t, m.Set(tt.in))
		assert.Equal(t, tt.want, m, tt.in)
	}
	var m progressMode
	assert.EqualError(t, m.Set("fancy"), `want auto, plain or false, not "fancy"`)
	var buf bytes.Buffer
	assert.Equal(t, progressOff, progressAuto.style(&buf), "auto draws nothing where stderr is not a terminal")
	assert.Equal(t, progressPlain, progressPlain.style(&buf), "plain prints to logs")

	code, _, stderr := runCmd(t, "", "scan", "--progress=fancy", seed)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "want auto, plain or false")
	for _, arg := range []string{"--progress", "--progress=false", "--progress=plain"} {
		code, _, stderr = runCmd(t, "", "scan", arg, seed)
		assert.Equal(t, exitFlagged, code, "%s: %s", arg, stderr)
		assert.Empty(t, stderr, "%s: a run under a second prints no progress", arg)
	}
}

func TestNoColorWhenPipedOrNOCOLOR(t *testing.T) {
	var buf bytes.Buffer
	assert.False(t, useColor(&buf), "a buffer is not a terminal")
	t.Setenv("NO_COLOR", "1")
	assert.False(t, useColor(&buf))
	assert.Equal(t, "residue", paint(false, kindColor[dedup.KindResidue], "residue"))
	assert.True(t, strings.HasPrefix(paint(true, kindColor[dedup.KindResidue], "residue"), "\x1b["))

	_, out, _ := runCmd(t, "", "scan", seed)
	assert.NotContains(t, out, "\x1b[", "no escape codes in piped output")
}
