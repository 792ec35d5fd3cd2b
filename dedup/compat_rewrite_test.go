package dedup

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup/internal/jsonrec"
)

// TestRewriteForwards checks that the wrappers give what the rewriter
// gives, and errors that say who failed and still match the sentinels.
func TestRewriteForwards(t *testing.T) {
	out, n, err := RewriteBody([]byte(`{"id":1,"text":"A\n\nB\n\nC"}`), "text", func(i int) bool { return i == 1 })
	require.NoError(t, err)
	assert.Equal(t, `{"id":1,"text":"A\n\nC"}`, string(out))
	assert.Equal(t, 3, n)

	_, _, err = RewriteBody([]byte(`{"text":3}`), "text", func(int) bool { return true })
	assert.EqualError(t, err, `dedup: rewriting a record: missing body: field "text" is a number`)
	assert.ErrorIs(t, err, jsonrec.ErrMissingBody)
	_, _, err = RewriteBody([]byte(`{"text":"a"`), "text", func(int) bool { return true })
	assert.ErrorIs(t, err, jsonrec.ErrInvalidJSON)

	text, n := RewriteText([]byte("Title\nA\nB\n"), func(i int) bool { return i == 0 })
	assert.Equal(t, "Title\nB\n", string(text))
	assert.Equal(t, 2, n)
}
