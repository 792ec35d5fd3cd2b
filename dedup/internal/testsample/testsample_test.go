package testsample

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup/internal/model"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.jsonl")
	require.NoError(t, os.WriteFile(good, []byte(
		`{"id": "a", "title": "T", "text": "  one \n\n two\r\n"}`+"\n"+`{"id": "b", "text": ""}`+"\n"), 0o644))
	docs, err := Read(good)
	require.NoError(t, err)
	assert.Equal(t, []*model.Doc{{ID: "a", Title: "T", Paras: []string{"one", "two"}}, {ID: "b"}}, docs,
		"paragraphs are the non-blank lines, trimmed")
	assert.Equal(t, len("one\ntwo\n"), BodyBytes(docs))

	bad := filepath.Join(dir, "bad.jsonl")
	require.NoError(t, os.WriteFile(bad, []byte(`{"id": "a"}`+"\n{\n"), 0o644))
	_, err = Read(bad)
	assert.ErrorContains(t, err, "bad.jsonl:2: invalid JSON", "errors name the file and line")
	_, err = Read(filepath.Join(dir, "missing.jsonl"))
	assert.Error(t, err)
}
