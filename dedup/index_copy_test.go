package dedup

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIndexAddCopy(t *testing.T) {
	ctx := context.Background()
	ix, err := OpenIndex(NewMemoryStore(), nil)
	require.NoError(t, err)
	body := "Hong Kong police fired tear gas at thousands of pro-democracy protesters who blocked roads in the financial district on Sunday night, witnesses said."
	a := &Document{ID: "a", Paragraphs: []Paragraph{{Text: body}}}
	r, err := ix.CheckAndAdd(ctx, a)
	require.NoError(t, err)
	require.True(t, r.Admitted)

	sig := ix.sign(a)
	r, err = ix.addCopy(ctx, "b", sig, "a")
	require.NoError(t, err)
	assert.False(t, r.Admitted)
	assert.Equal(t, "a", r.DupOf)

	e, err := ix.store.Get(ctx, "b")
	require.NoError(t, err, "the copy is indexed by its id")
	assert.Equal(t, StatusDuplicate, e.Status)
	assert.Equal(t, "a", e.DupOf)

	r, err = ix.addCopy(ctx, "b", sig, "a")
	require.NoError(t, err)
	assert.True(t, r.Existing, "a second AddCopy changes nothing")

	c := &Document{ID: "c", Paragraphs: []Paragraph{{Text: body}}}
	r, err = ix.CheckAndAdd(ctx, c)
	require.NoError(t, err)
	assert.Equal(t, "a", r.DupOf, "later copies still find the admitted article, not the copy")

	st, err := ix.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, st.Entries)
	assert.Equal(t, 1, st.Admitted)
}
