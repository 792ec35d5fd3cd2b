package ci

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEnabled(t *testing.T) {
	tests := []struct {
		env  string
		want bool
	}{
		{"", false}, {"0", false}, {"false", false}, {"FALSE", false}, {"no", false},
		{"true", true}, {"1", true}, {"yes", true}, {"woodpecker", true},
	}
	for _, c := range tests {
		t.Run(fmt.Sprintf("CI=%q", c.env), func(t *testing.T) {
			t.Setenv("CI", c.env)
			assert.Equal(t, c.want, Enabled())
		})
	}
}

// recorder is a testing.TB that records how it was ended.
type recorder struct {
	testing.TB
	failed, skipped string
}

func (r *recorder) Helper()                      {}
func (r *recorder) Fatalf(f string, args ...any) { r.failed = fmt.Sprintf(f, args...) }
func (r *recorder) Skipf(f string, args ...any)  { r.skipped = fmt.Sprintf(f, args...) }

func TestMissing(t *testing.T) {
	tests := []struct {
		env        string
		fail, skip bool
		reason     string
	}{
		{"true", true, false, "CI: a missing service is a failure"},
		{"", false, true, "a developer's machine: skipped, with the hint"},
		{"false", false, true, "CI=false is not CI"},
	}
	for _, c := range tests {
		t.Run(fmt.Sprintf("CI=%q", c.env), func(t *testing.T) {
			t.Setenv("CI", c.env)
			r := &recorder{TB: t}
			Missing(r, "redis is not running", "run it under bash .ci/redis.sh")
			assert.Equal(t, c.fail, r.failed != "", c.reason)
			assert.Equal(t, c.skip, r.skipped != "", c.reason)
			assert.Contains(t, r.failed+r.skipped, "bash .ci/redis.sh", c.reason)
		})
	}
}
