package main

// The HTML report in a real browser: headless Chromium (Debian's
// "chromium", installed by .ci/chromium.sh) loads the page, runs its
// script, and dumps the DOM and a screenshot. The test skips when Chromium
// is missing, except in CI (CI=true), where it fails.

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/internal/ci"
)

// chromiumPath returns the Chromium to run, or skips (fails in CI).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	ci.Missing(t, "chromium is not installed", "bash .ci/chromium.sh (or apt-get install chromium) installs it")
	return ""
}

// runChromium loads page (a file) in headless Chromium with extra
// arguments and returns its standard output and how long it took.
func runChromium(t *testing.T, bin, page string, args ...string) ([]byte, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir=" + t.TempDir()}
	abs, err := filepath.Abs(page)
	require.NoError(t, err)
	cmd := exec.CommandContext(ctx, bin, append(append(base, args...), "file://"+abs)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	took := time.Since(start)
	require.NoError(t, err, "chromium: %s", stderr.String())
	return stdout.Bytes(), took
}

var (
	bodyTagRE  = regexp.MustCompile(`<body[^>]*>`)
	articlesRE = regexp.MustCompile(`<article id="a\d+" class="article"`)
)

func TestReportInChromium(t *testing.T) {
	bin := chromiumPath(t)
	tests := []struct {
		name     string
		input    string
		articles int
		pairs    bool
		checks   []string // in the DOM after the page ran
		absent   []string // not in it
		reason   string
	}{
		{
			name: "hostile", input: filepath.Join(hostileDir, "hostile.jsonl"), articles: 3, pairs: true,
			checks: []string{
				"<title>newsdedup report</title>",
				"&lt;script&gt;document.title='PWNED';document.body.insertAdjacentHTML(",
				"&lt;/textarea&gt;&lt;img src=x onerror=",
				"&lt;/h2&gt;&lt;iframe src=\"javascript:",
				"&lt;style&gt;body{display:none!important}&lt;/style&gt;",
			},
			absent: []string{"<title>PWNED", `<div id="pwned-marker"`, "<iframe", "<img", "<textarea", `data-pwned="`},
			reason: "scraped markup shows as text and runs nothing",
		},
		{
			name: "sample", input: "../../testdata/splice/sample.jsonl", articles: -1,
			reason: "a report of real spliced articles",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, fss := scanDocs(t, tt.input, hostileNearDups)
			page := filepath.Join(t.TempDir(), "report.html")
			require.NoError(t, os.WriteFile(page, []byte(renderHTML(t, docs, fss)), 0o644))

			dom, took := runChromium(t, bin, page, "--dump-dom")
			t.Logf("%s: --dump-dom took %v", tt.name, took.Round(time.Millisecond))
			s := string(dom)
			require.True(t, strings.Contains(s, `data-filters="ready"`), "the report's own script ran, so scripts do run here")
			// (Not assert.Contains: a failure would print the whole DOM.)
			for _, want := range tt.checks {
				assert.True(t, strings.Contains(s, want), "%s: want %q in the DOM", tt.reason, want)
			}
			for _, not := range tt.absent {
				assert.False(t, strings.Contains(s, not), "%s: %q in the DOM", tt.reason, not)
			}
			assert.Equal(t, "<body>", bodyTagRE.FindString(s), "no attribute set on body by the data")
			for _, want := range []string{`<section id="summary"`, `<figure id="chart-kinds"`, "<svg", `<figure id="chart-similarity"`,
				`<nav id="filters"`, `<input type="checkbox" class="kf"`, `class="flag k-residue"`} {
				assert.True(t, strings.Contains(s, want), "the page has its parts: want %q", want)
			}
			flagged := 0
			for _, fs := range fss {
				if len(fs) > 0 {
					flagged++
				}
			}
			if tt.articles >= 0 {
				assert.Equal(t, tt.articles, flagged)
			}
			assert.Len(t, articlesRE.FindAllString(s, -1), flagged, "one section per flagged article")
			if tt.pairs {
				assert.True(t, strings.Contains(s, `<div class="pair k-near_duplicate"`), "near duplicates side by side")
			}

			shot := filepath.Join(t.TempDir(), tt.name+".png")
			if updateGoldenFiles() {
				shot, _ = filepath.Abs(filepath.Join(hostileDir, tt.name+".png"))
			}
			runChromium(t, bin, page, "--screenshot="+shot, "--window-size=1200,1600", "--hide-scrollbars")
			png, err := os.ReadFile(shot)
			require.NoError(t, err)
			assert.True(t, bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")), "a PNG")
			assert.Greater(t, len(png), 20_000, "a page with content, not a blank one")
			t.Logf("screenshot: %s", shot)
			if !strings.HasPrefix(shot, os.TempDir()) {
				t.Logf("updated %s", shot)
			}
		})
	}
}
