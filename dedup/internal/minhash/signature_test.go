package minhash_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup/internal/minhash"
)

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

func mustSigner(t testing.TB, opts *minhash.Options) *minhash.Signer {
	s, err := minhash.NewSigner(opts)
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
			signer := mustSigner(t, &minhash.Options{NumHashes: c.k})
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
	signer := mustSigner(t, &minhash.Options{NumHashes: 1024})
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
	signer := mustSigner(t, &minhash.Options{NumHashes: 1024})
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
		s := minhash.Similarity(signer.SignShingles(a), signer.SignShingles(b))
		assert.GreaterOrEqual(t, s.Score, c.minScore, c.reason)
		assert.LessOrEqual(t, s.Score, c.maxScore, c.reason)
		assert.Equal(t, s, minhash.Similarity(signer.SignShingles(b), signer.SignShingles(a)), "symmetric: %s", c.reason)
	}
}

// TestScoreOf pins the measure on exact values: containment counts only
// from ContainmentMinJaccard and ContainmentMinShingles on.
func TestScoreOf(t *testing.T) {
	cases := []struct {
		reason string
		j      float64
		na, nb int
		want   minhash.Score
	}{
		{"an excerpt: all of 100 in 300, J = 1/3, scores its containment", 1.0 / 3, 100, 300, minhash.Score{Score: 1, Jaccard: 1.0 / 3, Containment: 1}},
		{"the same pair the other way round", 1.0 / 3, 300, 100, minhash.Score{Score: 1, Jaccard: 1.0 / 3, Containment: 1}},
		{"below ContainmentMinJaccard only Jaccard counts", 0.2, 50, 250, minhash.Score{Score: 0.2, Jaccard: 0.2, Containment: 1}},
		{"fewer than ContainmentMinShingles only Jaccard counts", 0.5, 6, 12, minhash.Score{Score: 0.5, Jaccard: 0.5, Containment: 1}},
		{"identical sets", 1, 40, 40, minhash.Score{Score: 1, Jaccard: 1, Containment: 1}},
		{"an empty set scores nothing", 0, 0, 40, minhash.Score{}},
	}
	for _, c := range cases {
		got := minhash.ScoreOf(c.j, c.na, c.nb)
		assert.InDelta(t, c.want.Score, got.Score, 1e-12, c.reason)
		assert.InDelta(t, c.want.Jaccard, got.Jaccard, 1e-12, c.reason)
		assert.InDelta(t, c.want.Containment, got.Containment, 1e-12, c.reason)
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
		a, b   minhash.Signature
	}{
		{"two empty pages are not similar", empty, empty},
		{"punctuation is empty too", empty, punct},
		{"empty against a word", empty, word},
		{"the zero Signature", minhash.Signature{}, minhash.Signature{}},
	}
	for _, c := range cases {
		assert.Zero(t, c.a.Jaccard(c.b), c.reason)
		assert.Zero(t, minhash.Similarity(c.a, c.b).Score, c.reason)
	}
	assert.Equal(t, 1.0, word.Jaccard(signer.SignText("Hello!")), "a one-word text has one shingle and matches itself")
	lsh := minhash.LSHParams{Bands: 20, Rows: 3}
	assert.Empty(t, lsh.AppendBandKeys(nil, empty), "an empty signature has no band keys")
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
		opts   minhash.Options
		set    []uint64
		length int
	}{
		{"an empty signature is the header only", minhash.Options{}, nil, 10},
		{"one shingle", minhash.Options{}, random(1), 10 + 128},
		{"a normal article", minhash.Options{}, random(400), 10 + 128},
		{"k = 1", minhash.Options{NumHashes: 1}, random(50), 11},
		{"the largest k and shingle size", minhash.Options{NumHashes: minhash.MaxNumHashes, ShingleSize: 255}, random(50), 10 + minhash.MaxNumHashes},
	}
	for _, c := range cases {
		sig := mustSigner(t, &c.opts).SignShingles(c.set)
		b, err := sig.MarshalBinary()
		require.NoError(t, err, c.reason)
		assert.Len(t, b, c.length, c.reason)
		assert.Equal(t, byte(minhash.Version), b[0], "the version byte comes first: %s", c.reason)
		var got minhash.Signature
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
		appended, err := sig.AppendBinary([]byte("prefix"))
		require.NoError(t, err)
		assert.Equal(t, append([]byte("prefix"), b...), appended, "AppendBinary appends MarshalBinary: %s", c.reason)
	}
}

func TestUnmarshalSignatureRejects(t *testing.T) {
	good, err := mustSigner(t, &minhash.Options{NumHashes: 4}).SignShingles([]uint64{1, 2, 3}).MarshalBinary()
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
		{"another version byte", with(0, 3)},
		{"version 1 (k permutations, not comparable)", with(0, 1)},
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
		var s minhash.Signature
		err := s.UnmarshalBinary(c.b)
		assert.ErrorIs(t, err, minhash.ErrBadSignature, c.reason)
	}
}

// goldenSignature returns the encoded signature pinned in the golden file.
func goldenSignature(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile(goldenPath)
	require.NoError(tb, err)
	line, _, _ := strings.Cut(string(b), "\n")
	enc, err := hex.DecodeString(strings.TrimPrefix(line, "signature "))
	require.NoError(tb, err, "the first line of %s is the signature in hex", goldenPath)
	return enc
}

func FuzzUnmarshalSignature(f *testing.F) {
	signer := mustSigner(f, &minhash.Options{NumHashes: 8})
	for _, set := range [][]uint64{nil, {1}, {1, 2, 3, 4, 5}} {
		b, _ := signer.SignShingles(set).MarshalBinary()
		f.Add(b)
	}
	f.Add(goldenSignature(f))
	f.Add([]byte{})
	f.Add([]byte{1, 1, 4, 0, 1, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		var s minhash.Signature
		if err := s.UnmarshalBinary(b); err != nil {
			require.ErrorIs(t, err, minhash.ErrBadSignature)
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

// BenchmarkSimilarity compares signatures of k hashes; MB/s is per byte
// of the two fingerprint vectors.
func BenchmarkSimilarity(b *testing.B) {
	for _, k := range []int{16, 128, 1024} {
		b.Run(fmt.Sprintf("k%d", k), func(b *testing.B) {
			signer := mustSigner(b, &minhash.Options{NumHashes: k})
			x, y := overlapping(rand.New(rand.NewPCG(5, 5)), 300, 300, 150)
			sx, sy := signer.SignShingles(x), signer.SignShingles(y)
			b.SetBytes(int64(2 * k))
			b.ReportAllocs()
			for b.Loop() {
				minhash.Similarity(sx, sy)
			}
		})
	}
}

// BenchmarkUnmarshalSignature decodes the golden signature; MB/s is per
// encoded byte.
func BenchmarkUnmarshalSignature(b *testing.B) {
	enc := goldenSignature(b)
	var s minhash.Signature
	b.SetBytes(int64(len(enc)))
	b.ReportAllocs()
	for b.Loop() {
		if err := s.UnmarshalBinary(enc); err != nil {
			b.Fatal(err)
		}
	}
}

// TestJaccardCountsAgreement checks the estimate against its definition
// (the eight-at-a-time count of agreeing fingerprints against a plain
// loop) on pairs of every overlap, and k not a multiple of eight.
func TestJaccardCountsAgreement(t *testing.T) {
	for _, k := range []int{128, 13, 1} {
		signer := mustSigner(t, &minhash.Options{NumHashes: k})
		rng := rand.New(rand.NewPCG(uint64(k), 9))
		for inter := 0; inter <= 300; inter += 25 {
			x, y := overlapping(rng, 300, 300, inter)
			sx, sy := signer.SignShingles(x), signer.SignShingles(y)
			fx, fy := sx.Fingerprints(), sy.Fingerprints()
			match := 0
			for i := range fx {
				if fx[i] == fy[i] {
					match++
				}
			}
			m := float64(match) / float64(k)
			assert.Equal(t, max(0, min(1, (m-1.0/256)/(1-1.0/256))), sx.Jaccard(sy), "k %d, %d shared", k, inter)
		}
	}
}

// TestFingerprintSimilarity checks that comparing stored fingerprints
// gives Similarity bit for bit, on pairs of every overlap.
func TestFingerprintSimilarity(t *testing.T) {
	for _, k := range []int{128, 13} {
		signer := mustSigner(t, &minhash.Options{NumHashes: k})
		rng := rand.New(rand.NewPCG(uint64(k), 10))
		for inter := 0; inter <= 300; inter += 50 {
			x, y := overlapping(rng, 300, 300, inter)
			sx, sy := signer.SignShingles(x), signer.SignShingles(y)
			got := minhash.FingerprintSimilarity(sx.AppendFingerprints(nil), sy.AppendFingerprints(nil), sx.Size(), sy.Size())
			assert.Equal(t, minhash.Similarity(sx, sy), got, "k %d, %d shared", k, inter)
		}
	}
	assert.Equal(t, minhash.Score{}, minhash.FingerprintSimilarity(nil, nil, 0, 0), "empty")
}
