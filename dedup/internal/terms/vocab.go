package terms

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
)

// The background table, data/background.df, holds document frequencies of
// terms (see terms.go) counted over real news text, for scans that have no
// corpus of their own to count: a single article, a small folder.
//
// Source: the 471 distinct article bodies of the FNC-1 competition-test
// set's development half (../shared/eval in the project's workspace; the
// bodies are news articles from many outlets, 2014-2015). gen_background.go
// rebuilds it; terms seen in only one body are left out.
//
// Format, all integers little-endian:
//
//	magic   "NDDF"
//	version byte (2: terms are shingle.Hash of 6-rune prefixes, stemRunes,
//	        of words without stop words and possessive 's)
//	docs    uint32, the number of documents counted
//	count   uint32, the number of entries
//	count × { term uint64; df uint32 }, sorted by term
//
// A change of the term rules (tokeniser, stop words, stemRunes) must bump
// the version and regenerate the table.
//
//go:embed data/background.df
var backgroundData []byte

const (
	backgroundMagic   = "NDDF"
	backgroundVersion = 2
)

// Vocabulary holds the document frequencies that weigh terms. It is
// immutable once built and safe for concurrent use.
type Vocabulary struct {
	docs int
	df   map[uint64]uint32
	// weights caches idf per term; unseen terms weigh maxIDF.
	weights *table
	maxIDF  float64
}

// background is the embedded table, parsed once.
var background = func() *Vocabulary {
	v, err := parseVocabulary(backgroundData)
	if err != nil {
		// The table is part of the binary; a bad one is a build error,
		// caught by TestBackgroundTable.
		return &Vocabulary{df: map[uint64]uint32{}}
	}
	return v
}()

// Background returns the embedded background table.
func Background() *Vocabulary { return background }

func parseVocabulary(b []byte) (*Vocabulary, error) {
	if len(b) < 13 || string(b[:4]) != backgroundMagic {
		return nil, errors.New("terms: background table: bad magic")
	}
	if b[4] != backgroundVersion {
		return nil, fmt.Errorf("terms: background table: version %d, want %d", b[4], backgroundVersion)
	}
	docs := binary.LittleEndian.Uint32(b[5:])
	count := binary.LittleEndian.Uint32(b[9:])
	b = b[13:]
	if uint64(len(b)) != uint64(count)*12 {
		return nil, fmt.Errorf("terms: background table: %d bytes for %d entries", len(b), count)
	}
	v := &Vocabulary{docs: int(docs), df: make(map[uint64]uint32, count)}
	for i := 0; i < int(count); i++ {
		v.df[binary.LittleEndian.Uint64(b[i*12:])] = binary.LittleEndian.Uint32(b[i*12+8:])
	}
	return v.cacheWeights(), nil
}

// Docs returns the number of documents the vocabulary counted.
func (v *Vocabulary) Docs() int { return v.docs }

// DF returns the number of documents that contain term t.
func (v *Vocabulary) DF(t uint64) int { return int(v.df[t]) }

// IDF is the inverse document frequency ln((N+1)/(df+1)) of term t; a
// term never seen weighs most.
func (v *Vocabulary) IDF(t uint64) float64 {
	if v.weights == nil {
		return math.Log(float64(v.docs+1) / float64(v.df[t]+1))
	}
	if w, ok := v.weights.get(t); ok {
		return w
	}
	return v.maxIDF
}

// cacheWeights precomputes idf for every counted term.
func (v *Vocabulary) cacheWeights() *Vocabulary {
	// In id order, so that equal vocabularies have equal tables.
	ids := make([]uint64, 0, len(v.df))
	for t := range v.df {
		ids = append(ids, t)
	}
	slices.Sort(ids)
	v.weights = newTable(len(ids))
	for _, t := range ids {
		v.weights.put(t, math.Log(float64(v.docs+1)/float64(v.df[t]+1)))
	}
	v.maxIDF = math.Log(float64(v.docs + 1))
	return v
}

// Merge returns a vocabulary counting the documents of v and docs more
// documents with the document frequencies df.
func (v *Vocabulary) Merge(docs int, df map[uint64]uint32) *Vocabulary {
	m := &Vocabulary{docs: v.docs + docs, df: make(map[uint64]uint32, len(v.df)+len(df))}
	for t, n := range v.df {
		m.df[t] = n
	}
	for t, n := range df {
		m.df[t] += n
	}
	return m.cacheWeights()
}
