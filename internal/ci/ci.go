// Package ci decides what a test does when a service it needs (a Redis
// server, Chromium) is missing: on a developer's machine it skips, saying
// how to run it; in CI, where .ci/run starts every service, it fails, so
// that a test that could not run is never counted as passed.
package ci

import (
	"os"
	"strings"
	"testing"
)

// Enabled reports whether the tests run in CI: the environment variable
// CI is set to anything but "", "0", "false" or "no" (CI services set
// CI=true; .ci/run does too).
func Enabled() bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv("CI"))) {
	case "", "0", "false", "no":
		return false
	}
	return true
}

// Missing ends tb because a service it needs is not there: what names
// it, and hint says how to provide it. In CI tb fails; elsewhere it is
// skipped.
func Missing(tb testing.TB, what, hint string) {
	tb.Helper()
	if Enabled() {
		tb.Fatalf("%s, and CI must not skip this test: %s", what, hint)
		return
	}
	tb.Skipf("%s: %s (CI=true makes this a failure)", what, hint)
}
