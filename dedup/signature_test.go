package dedup_test

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cespare/xxhash/v2"
	minhash "github.com/dgryski/go-minhash"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
)

func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files under testdata")
	}
}

func update() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// overlapping returns two random sets of sizes na and nb that share
// exactly inter elements.
func overlapping(rng *rand.Rand, na, nb, inter int) (a, b []uint64) {
	for range inter {
		x := rng.Uint64()
		a, b = append(a, x), append(b, x)
	}
	for range na - inter {
		a = append(a, rng.Uint64())
	}
	for range nb - inter {
		b = append(b, rng.Uint64())
	}
	return a, b
}

func mustSigner(t testing.TB, opts *dedup.SignatureOptions) *dedup.Signer {
	s, err := dedup.NewSigner(opts)
	require.NoError(t, err)
	return s
}

// TestJaccardWithinErrorBound compares the estimate with the exact
// Jaccard similarity of seeded random sets: each estimate within 4.5
// standard deviations, and the mean over seeds within 4 standard errors
// (the fingerprint correction removes the bias).
func TestJaccardWithinErrorBound(t *testing.T) {
	cases := []struct {
		reason        string
		na, nb, inter int
		k             int
	}{
		{"disjoint sets", 300, 300, 0, 128},
		{"a third shared", 300, 300, 150, 128},
		{"equal sizes, J = 0.5", 400, 400, 267, 128},
		{"near copies", 500, 500, 480, 128},
		{"identical sets", 200, 200, 200, 128},
		{"an excerpt in its original", 120, 400, 120, 128},
		{"small sets", 12, 15, 8, 128},
		{"more hashes, tighter bound", 300, 300, 150, 512},
		{"few hashes", 300, 300, 150, 16},
	}
	const seeds = 60
	for _, c := range cases {
		t.Run(fmt.Sprintf("%d_%d_%d_k%d", c.na, c.nb, c.inter, c.k), func(t *testing.T) {
			signer := mustSigner(t, &dedup.SignatureOptions{NumHashes: c.k})
			exact := float64(c.inter) / float64(c.na+c.nb-c.inter)
			sd := math.Sqrt(exact*(1-exact)/float64(c.k)) / (1 - 1.0/256)
			sd = max(sd, 1.0/float64(c.k)) // J = 0 or 1: chance matches only
			var sum float64
			for seed := range uint64(seeds) {
				rng := rand.New(rand.NewPCG(seed, uint64(c.k)))
				a, b := overlapping(rng, c.na, c.nb, c.inter)
				sa, sb := signer.SignShingles(a), signer.SignShingles(b)
				est := sa.Jaccard(sb)
				sum += est
				assert.InDelta(t, exact, est, 4.5*sd, "%s: seed %d", c.reason, seed)
				assert.Equal(t, est, sb.Jaccard(sa), "%s: symmetric", c.reason)
				wantC := float64(c.inter) / float64(min(c.na, c.nb))
				small, large := sa, sb
				if c.nb < c.na {
					small, large = sb, sa
				}
				if c.k >= 128 {
					assert.InDelta(t, wantC, small.Containment(large), 0.3, "%s: containment", c.reason)
				}
			}
			assert.InDelta(t, exact, sum/seeds, 4*sd/math.Sqrt(seeds)+0.004, "%s: mean of %d estimates", c.reason, seeds)
		})
	}
}

func TestContainmentFromJaccard(t *testing.T) {
	signer := mustSigner(t, &dedup.SignatureOptions{NumHashes: 1024})
	rng := rand.New(rand.NewPCG(7, 7))
	cases := []struct {
		reason        string
		na, nb, inter int
	}{
		{"an excerpt of 55% in its original", 220, 400, 220},
		{"a story wrapped with other text", 300, 450, 300},
		{"two halves of a text", 200, 200, 0},
		{"an edited copy", 400, 420, 330},
	}
	for _, c := range cases {
		a, b := overlapping(rng, c.na, c.nb, c.inter)
		sa, sb := signer.SignShingles(a), signer.SignShingles(b)
		assert.InDelta(t, float64(c.inter)/float64(c.na), sa.Containment(sb), 0.08, c.reason)
		assert.InDelta(t, float64(c.inter)/float64(c.nb), sb.Containment(sa), 0.08, c.reason)
	}
}

func TestSimilarity(t *testing.T) {
	signer := mustSigner(t, &dedup.SignatureOptions{NumHashes: 1024})
	rng := rand.New(rand.NewPCG(8, 8))
	cases := []struct {
		reason        string
		na, nb, inter int
		minScore      float64
		maxScore      float64
	}{
		{"an excerpt scores its containment", 150, 400, 150, 0.9, 1},
		{"a paragraph quoted in a long article is not a copy (Jaccard too low)", 40, 800, 40, 0, 0.1},
		{"unrelated articles", 300, 300, 3, 0, 0.05},
		{"an edited copy scores about its containment", 400, 400, 300, 0.7, 0.8},
		{"tiny sets score Jaccard only", 6, 30, 6, 0.1, 0.3},
	}
	for _, c := range cases {
		a, b := overlapping(rng, c.na, c.nb, c.inter)
		s := dedup.Similarity(signer.SignShingles(a), signer.SignShingles(b))
		assert.GreaterOrEqual(t, s.Score, c.minScore, c.reason)
		assert.LessOrEqual(t, s.Score, c.maxScore, c.reason)
		assert.Equal(t, s, dedup.Similarity(signer.SignShingles(b), signer.SignShingles(a)), "symmetric: %s", c.reason)
	}
}

func TestEmptySignatures(t *testing.T) {
	signer := mustSigner(t, nil)
	empty := signer.SignText("")
	punct := signer.SignText("--- ... !!!\n\n")
	word := signer.SignText("hello")
	require.True(t, empty.Empty())
	require.True(t, punct.Empty())
	cases := []struct {
		reason string
		a, b   dedup.Signature
	}{
		{"two empty pages are not similar", empty, empty},
		{"punctuation is empty too", empty, punct},
		{"empty against a word", empty, word},
		{"the zero Signature", dedup.Signature{}, dedup.Signature{}},
	}
	for _, c := range cases {
		assert.Zero(t, c.a.Jaccard(c.b), c.reason)
		assert.Zero(t, dedup.Similarity(c.a, c.b).Score, c.reason)
	}
	assert.Equal(t, 1.0, word.Jaccard(signer.SignText("Hello!")), "a one-word text has one shingle and matches itself")
	lsh := dedup.LSHParams{Bands: 20, Rows: 3}
	assert.Empty(t, lsh.AppendBandKeys(nil, empty), "an empty signature has no band keys")
}

func TestSignerDefinesShingles(t *testing.T) {
	signer := mustSigner(t, nil)
	doc := &dedup.Document{Paragraphs: []dedup.Paragraph{{Text: "One two three four five."}, {Text: "Six seven eight nine ten."}}}
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
	head := &dedup.Document{Title: "A headline of several words here", Paragraphs: doc.Paragraphs}
	assert.Equal(t, 1.0, signer.Sign(head).Jaccard(signer.Sign(doc)), "the headline is not part of the signature")
}

func TestSignatureRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	random := func(n int) []uint64 {
		s := make([]uint64, n)
		for i := range s {
			s[i] = rng.Uint64()
		}
		return s
	}
	cases := []struct {
		reason string
		opts   dedup.SignatureOptions
		set    []uint64
		length int
	}{
		{"an empty signature is the header only", dedup.SignatureOptions{}, nil, 10},
		{"one shingle", dedup.SignatureOptions{}, random(1), 10 + 128},
		{"a normal article", dedup.SignatureOptions{}, random(400), 10 + 128},
		{"k = 1", dedup.SignatureOptions{NumHashes: 1}, random(50), 11},
		{"the largest k and shingle size", dedup.SignatureOptions{NumHashes: dedup.MaxNumHashes, ShingleSize: 255}, random(50), 10 + dedup.MaxNumHashes},
	}
	for _, c := range cases {
		sig := mustSigner(t, &c.opts).SignShingles(c.set)
		b, err := sig.MarshalBinary()
		require.NoError(t, err, c.reason)
		assert.Len(t, b, c.length, c.reason)
		assert.Equal(t, byte(dedup.SignatureVersion), b[0], "the version byte comes first: %s", c.reason)
		var got dedup.Signature
		require.NoError(t, got.UnmarshalBinary(b), c.reason)
		assert.Equal(t, sig.Compact(), got, c.reason)
		assert.False(t, got.Fresh(), "a decoded signature has no minima: %s", c.reason)
		assert.True(t, sig.Fresh() || sig.Empty(), c.reason)
		if !sig.Empty() {
			assert.Equal(t, 1.0, got.Jaccard(sig), c.reason)
		}
		again, err := got.MarshalBinary()
		require.NoError(t, err)
		assert.Equal(t, b, again, "re-encoding gives the same bytes: %s", c.reason)
	}
}

func TestUnmarshalSignatureRejects(t *testing.T) {
	good, err := mustSigner(t, &dedup.SignatureOptions{NumHashes: 4}).SignShingles([]uint64{1, 2, 3}).MarshalBinary()
	require.NoError(t, err)
	with := func(i int, v byte) []byte {
		b := bytes.Clone(good)
		b[i] = v
		return b
	}
	cases := []struct {
		reason string
		b      []byte
	}{
		{"nil", nil},
		{"shorter than the header", good[:9]},
		{"another version byte", with(0, 2)},
		{"version 0", with(0, 0)},
		{"another shingle format", with(1, 9)},
		{"shingle size 0", with(2, 0)},
		{"reserved byte set", with(3, 1)},
		{"k = 0", append(with(4, 0)[:5:5], good[5:]...)},
		{"k too large", append(append(bytes.Clone(good[:4]), 0xff, 0xff), good[6:]...)},
		{"a fingerprint missing", good[:len(good)-1]},
		{"a byte too many", append(bytes.Clone(good), 0)},
		{"fingerprints on an empty signature", append(append(bytes.Clone(good[:6]), 0, 0, 0, 0), good[10:]...)},
	}
	for _, c := range cases {
		var s dedup.Signature
		err := s.UnmarshalBinary(c.b)
		assert.ErrorIs(t, err, dedup.ErrBadSignature, c.reason)
	}
}

func FuzzUnmarshalSignature(f *testing.F) {
	signer := mustSigner(f, &dedup.SignatureOptions{NumHashes: 8})
	for _, set := range [][]uint64{nil, {1}, {1, 2, 3, 4, 5}} {
		b, _ := signer.SignShingles(set).MarshalBinary()
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add([]byte{1, 1, 4, 0, 1, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		var s dedup.Signature
		if err := s.UnmarshalBinary(b); err != nil {
			require.ErrorIs(t, err, dedup.ErrBadSignature)
			return
		}
		again, err := s.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, b, again, "a signature that decodes encodes back to the same bytes")
		j := s.Jaccard(s)
		require.True(t, j == 0 || j == 1, "self-similarity is 0 (empty) or 1")
		require.Equal(t, s.Empty(), j == 0)
	})
}

// TestSignatureGolden pins the hash definitions: a signature and its band
// keys are persisted, so the bytes for a fixed text must never change
// without a new SignatureVersion. Run with -update only for such a change.
func TestSignatureGolden(t *testing.T) {
	text := strings.Join([]string{
		"The quick brown fox jumps over the lazy dog near the river bank.",
		"Officials said on Monday that the bridge would reopen next week.",
		"Ünïcödé wörds, “quotes” and numbers like 2015 are words too.",
	}, "\n")
	sig := mustSigner(t, nil).SignText(text)
	enc, err := sig.MarshalBinary()
	require.NoError(t, err)
	keys := dedup.LSHParams{Bands: 20, Rows: 3}.AppendBandKeys(nil, sig)
	var out strings.Builder
	fmt.Fprintf(&out, "signature %s\n", hex.EncodeToString(enc))
	for i, k := range keys {
		fmt.Fprintf(&out, "band %d %016x\n", i, k)
	}
	path := filepath.Join("..", "testdata", "neardup", "signature.golden")
	if update() {
		require.NoError(t, os.WriteFile(path, []byte(out.String()), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -run TestSignatureGolden -update to create it")
	assert.Equal(t, string(want), out.String())
}

func TestNewSignerRejects(t *testing.T) {
	cases := []struct {
		reason string
		opts   dedup.SignatureOptions
	}{
		{"negative k", dedup.SignatureOptions{NumHashes: -1}},
		{"k too large", dedup.SignatureOptions{NumHashes: dedup.MaxNumHashes + 1}},
		{"negative shingle size", dedup.SignatureOptions{ShingleSize: -2}},
		{"shingle size too large", dedup.SignatureOptions{ShingleSize: 256}},
	}
	for _, c := range cases {
		_, err := dedup.NewSigner(&c.opts)
		assert.Error(t, err, c.reason)
	}
}

func sampleTexts(tb testing.TB) (texts []string, size int) {
	for _, d := range readSample(tb) {
		var b strings.Builder
		for _, p := range d.Paragraphs {
			b.WriteString(p.Text)
			b.WriteByte('\n')
		}
		texts = append(texts, b.String())
		size += b.Len()
	}
	return texts, size
}

// BenchmarkSignature signs the bodies of the neardup sample; MB/s is per
// byte of body text.
func BenchmarkSignature(b *testing.B) {
	texts, size := sampleTexts(b)
	signer := mustSigner(b, nil)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range texts {
			signer.SignText(s)
		}
	}
}

// TestMinHashSeededHash checks the fast path of h2 against xxhash's
// seeded digest through the signatures they make.
func TestMinHashSeededHash(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	set := make([]uint64, 64)
	for i := range set {
		set[i] = rng.Uint64()
	}
	fast := mustSigner(t, nil).SignShingles(slices.Clone(set))
	slow := slowSignature(set)
	assert.Equal(t, slow, fast.Fingerprints(), "h2 = XXH64(seed 0x9E3779B97F4A7C15) of the 8 shingle bytes")
}

// slowSignature computes the fingerprints by the definition, with
// go-minhash and xxhash's seeded digest.
func slowSignature(set []uint64) []uint8 {
	h2 := func(b []byte) uint64 {
		d := xxhash.NewWithSeed(0x9E3779B97F4A7C15)
		d.Write(b)
		return d.Sum64()
	}
	mw := minhash.NewMinWise(xxhash.Sum64, h2, dedup.DefaultNumHashes)
	var buf [8]byte
	for _, h := range set {
		binary.LittleEndian.PutUint64(buf[:], h)
		mw.Push(buf[:])
	}
	fp := make([]uint8, dedup.DefaultNumHashes)
	for i, m := range mw.Signature() {
		m ^= m >> 30
		m *= 0xBF58476D1CE4E5B9
		m ^= m >> 27
		m *= 0x94D049BB133111EB
		m ^= m >> 31
		fp[i] = uint8(m)
	}
	return fp
}
