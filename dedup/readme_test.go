package dedup_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestREADMELibraryExample checks that the README's library snippet is the
// body of Example, which go test runs: the snippet a crawler copies
// compiles and does what its output says.
func TestREADMELibraryExample(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	m := regexp.MustCompile("(?s)## Library\n.*?```go\n(.*?)```").FindSubmatch(readme)
	require.NotNil(t, m, "the README has a Library section with a Go block")
	src, err := os.ReadFile("example_test.go")
	require.NoError(t, err)
	e := regexp.MustCompile(`(?s)\nfunc Example\(\) \{\n(.*?)\n\}\n`).FindSubmatch(src)
	require.NotNil(t, e, "example_test.go has Example")
	var body []string
	for _, l := range strings.Split(string(e[1]), "\n") {
		body = append(body, strings.TrimPrefix(l, "\t"))
	}
	assert.Equal(t, strings.Join(body, "\n")+"\n", string(m[1]), "README.md's library block and Example in example_test.go differ")
}
