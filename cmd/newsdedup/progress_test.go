package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/newsdedup/newsdedup/dedup"
)

func TestProgressDrawsOnlyAfterDelay(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, true, time.Now(), "scanning", 1000, 10)
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
}

func TestProgressDisabled(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, false, time.Now(), "scanning", 1000, 10)
	p.start = time.Now().Add(-time.Hour)
	p.add(100)
	p.done()
	assert.Empty(t, buf.String(), "stderr is not a terminal")
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
