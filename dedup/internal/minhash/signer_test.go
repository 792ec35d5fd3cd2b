package minhash_test

import (
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cespare/xxhash/v2"
	gominhash "github.com/dgryski/go-minhash"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup/internal/minhash"
	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/dedup/internal/testsample"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata")

// sampleDir holds the repository's near-duplicate sample and the golden
// signature, shared with the tests of package dedup.
var sampleDir = filepath.Join("..", "..", "..", "testdata", "neardup")

var goldenPath = filepath.Join(sampleDir, "signature.golden")

func TestSignerDefinesShingles(t *testing.T) {
	signer := mustSigner(t, nil)
	doc := &model.Doc{Paras: []string{"One two three four five.", "Six seven eight nine ten."}}
	cases := []struct {
		reason string
		other  string
		same   bool
	}{
		{"the same paragraphs as text", "One two three four five.\nSix seven eight nine ten.", true},
		{"case, punctuation and spacing do not matter", "ONE two,  three four five\n  six seven eight nine ten", true},
		{"shingles do not span paragraphs", "One two three four five six seven eight nine ten", false},
		{"the paragraph order matters only inside paragraphs", "Six seven eight nine ten.\nOne two three four five.", true},
	}
	for _, c := range cases {
		a, b := signer.Sign(doc), signer.SignText(c.other)
		if c.same {
			assert.Equal(t, 1.0, a.Jaccard(b), c.reason)
			assert.Equal(t, a.Size(), b.Size(), c.reason)
		} else {
			assert.Less(t, a.Jaccard(b), 1.0, c.reason)
		}
	}
	head := &model.Doc{ID: "x", Title: "A headline of several words here", Paras: doc.Paras}
	assert.Equal(t, 1.0, signer.Sign(head).Jaccard(signer.Sign(doc)), "the headline is not part of the signature")
}

// TestSignEntryPoints checks that a Doc, its paragraphs, their text and
// their shingles all give the same signature, bands included.
func TestSignEntryPoints(t *testing.T) {
	signer := mustSigner(t, nil)
	lsh := minhash.LSHParams{Bands: 20, Rows: 3}
	for _, d := range readSample(t) {
		want := signer.Sign(d)
		enc, _ := want.MarshalBinary()
		keys := lsh.AppendBandKeys(nil, want)
		for name, got := range map[string]minhash.Signature{
			"SignParas":    signer.SignParas(d.Paras),
			"SignText":     signer.SignText(strings.Join(d.Paras, "\n")),
			"SignShingles": signer.SignShingles(signer.AppendShingles(nil, d.Paras)),
			"SignDistinct": signer.SignDistinct(shuffledSet(signer.AppendShingles(nil, d.Paras))),
		} {
			b, _ := got.MarshalBinary()
			assert.Equal(t, enc, b, "%s: %s", d.ID, name)
			assert.Equal(t, keys, lsh.AppendBandKeys(nil, got), "%s: %s band keys", d.ID, name)
		}
	}
}

// shuffledSet returns the distinct hashes of hs in a fixed shuffled order.
func shuffledSet(hs []uint64) []uint64 {
	slices.Sort(hs)
	hs = slices.Compact(hs)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(hs), func(i, j int) { hs[i], hs[j] = hs[j], hs[i] })
	return hs
}

// TestSignatureGolden pins the hash definitions: a signature and its band
// keys are persisted, so the bytes for a fixed text must never change
// without a new Version. Run with -update only for such a change.
func TestSignatureGolden(t *testing.T) {
	text := strings.Join([]string{
		"The quick brown fox jumps over the lazy dog near the river bank.",
		"Officials said on Monday that the bridge would reopen next week.",
		"Ünïcödé wörds, “quotes” and numbers like 2015 are words too.",
	}, "\n")
	sig := mustSigner(t, nil).SignText(text)
	enc, err := sig.MarshalBinary()
	require.NoError(t, err)
	keys := minhash.LSHParams{Bands: 20, Rows: 3}.AppendBandKeys(nil, sig)
	var out strings.Builder
	fmt.Fprintf(&out, "signature %s\n", hex.EncodeToString(enc))
	for i, k := range keys {
		fmt.Fprintf(&out, "band %d %016x\n", i, k)
	}
	if *update {
		require.NoError(t, os.WriteFile(goldenPath, []byte(out.String()), 0o644))
	}
	want, err := os.ReadFile(goldenPath)
	require.NoError(t, err, "run go test -run TestSignatureGolden -update to create it")
	assert.Equal(t, string(want), out.String())
}

func TestNewSignerRejects(t *testing.T) {
	cases := []struct {
		reason string
		opts   minhash.Options
	}{
		{"negative k", minhash.Options{NumHashes: -1}},
		{"k too large", minhash.Options{NumHashes: minhash.MaxNumHashes + 1}},
		{"negative shingle size", minhash.Options{ShingleSize: -2}},
		{"shingle size too large", minhash.Options{ShingleSize: 256}},
	}
	for _, c := range cases {
		_, err := minhash.NewSigner(&c.opts)
		assert.Error(t, err, c.reason)
	}
	s := mustSigner(t, nil)
	assert.Equal(t, minhash.Options{NumHashes: minhash.DefaultNumHashes, ShingleSize: minhash.DefaultShingleSize}, s.Options(),
		"nil options are the defaults")
}

// TestOnePermutation checks the signer against the definition of version
// 2 (signer.go), computed the slow way with xxhash's digests: sets larger
// and smaller than k, so that densification is exercised.
func TestOnePermutation(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, n := range []int{1, 2, 17, 64, 128, 129, 1000} {
		set := make([]uint64, n)
		for i := range set {
			set[i] = rng.Uint64()
		}
		fast := mustSigner(t, nil).SignShingles(slices.Clone(set))
		assert.Equal(t, slowSignature(set, minhash.DefaultNumHashes), fast.Fingerprints(), "n = %d", n)
	}
}

// slowSignature computes the fingerprints of version 2 by its definition.
func slowSignature(set []uint64, k int) []uint8 {
	hash := func(x, seed uint64) uint64 {
		d := xxhash.NewWithSeed(seed)
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], x)
		d.Write(b[:])
		return d.Sum64()
	}
	bin := func(h uint64) int { return int(uint64(uint32(h>>32)) * uint64(k) >> 32) }
	bins := make([][]uint64, k)
	for _, x := range set {
		h := hash(x, 0)
		bins[bin(h)] = append(bins[bin(h)], h)
	}
	mins := make([]uint64, k)
	for i := range bins {
		probe := bins[i]
		for a := uint64(1); len(probe) == 0; a++ {
			probe = bins[bin(hash(uint64(i)<<32|a, 0x9E3779B97F4A7C15))]
		}
		mins[i] = slices.Min(probe)
	}
	fp := make([]uint8, k)
	for i, m := range mins {
		m ^= m >> 30
		m *= 0xBF58476D1CE4E5B9
		m ^= m >> 27
		m *= 0x94D049BB133111EB
		m ^= m >> 31
		fp[i] = uint8(m)
	}
	return fp
}

func readSample(tb testing.TB) []*model.Doc {
	return testsample.MustRead(tb, filepath.Join(sampleDir, "sample.jsonl"))
}

// BenchmarkSignature signs the bodies of the neardup sample; MB/s is per
// byte of body text.
func BenchmarkSignature(b *testing.B) {
	docs := readSample(b)
	signer := mustSigner(b, nil)
	b.SetBytes(int64(testsample.BodyBytes(docs)))
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range docs {
			signer.Sign(d)
		}
	}
}

// BenchmarkSignShingles signs a set of 1,000 distinct shingle hashes with
// k = 128: the MinHash kernel alone (sorting included). MB/s is per byte
// of shingle hash; ns/op / 1000 is the time per shingle.
func BenchmarkSignShingles(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 7))
	set := make([]uint64, 1000)
	for i := range set {
		set[i] = rng.Uint64()
	}
	slices.Sort(set)
	signer := mustSigner(b, nil)
	b.SetBytes(int64(8 * len(set)))
	b.ReportAllocs()
	for b.Loop() {
		signer.SignShingles(set)
	}
}

// BenchmarkSignKernels measures the MinHash kernels on 1,000 distinct
// shingle hashes at k = 128 (ns/op / 1000 is the time per shingle):
// "onePermutation" the signer's (version 2); "goMinhash" go-minhash's
// MinWise with the hashes of version 1, h_i = h1 + i·h2, fed 8-byte
// shingles as version 1 did.
func BenchmarkSignKernels(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 7))
	set := make([]uint64, 1000)
	for i := range set {
		set[i] = rng.Uint64()
	}
	b.Run("onePermutation", func(b *testing.B) {
		signer := mustSigner(b, nil)
		for b.Loop() {
			signer.SignDistinct(set)
		}
	})
	b.Run("goMinhash", func(b *testing.B) {
		h2 := func(p []byte) uint64 {
			d := xxhash.NewWithSeed(0x9E3779B97F4A7C15)
			d.Write(p)
			return d.Sum64()
		}
		var buf [8]byte
		for b.Loop() {
			mw := gominhash.NewMinWise(xxhash.Sum64, h2, minhash.DefaultNumHashes)
			for _, h := range set {
				binary.LittleEndian.PutUint64(buf[:], h)
				mw.Push(buf[:])
			}
			mw.Signature()
		}
	})
}
