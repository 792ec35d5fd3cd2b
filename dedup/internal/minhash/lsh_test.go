package minhash_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup/internal/minhash"
)

// riemann integrates f over [a, b] with the midpoint rule on n points.
func riemann(f func(float64) float64, a, b float64, n int) float64 {
	h := (b - a) / float64(n)
	sum := 0.0
	for i := range n {
		sum += f(a + (float64(i)+0.5)*h)
	}
	return sum * h
}

func bruteProbability(s float64, b, r int) float64 {
	return 1 - math.Pow(1-math.Pow(s, float64(r)), float64(b))
}

// bruteError is the weighted error of a banding by brute-force
// integration (midpoint rule, 1000 points on each side of t).
func bruteError(t float64, b, r int, wfp, wfn float64) float64 {
	const n = 1000
	fb, fr := float64(b), float64(r)
	var fp, fn float64
	for i := range n {
		s := t * (float64(i) + 0.5) / n
		fp += 1 - math.Pow(1-math.Pow(s, fr), fb)
		s = t + (1-t)*(float64(i)+0.5)/n
		fn += math.Pow(1-math.Pow(s, fr), fb)
	}
	return wfp*fp*t/n + wfn*fn*(1-t)/n
}

// TestOptimalLSHMatchesBruteForce checks the chosen banding against an
// exhaustive search that integrates by brute force: the choice must be
// as good as the best one, up to the integration error.
func TestOptimalLSHMatchesBruteForce(t *testing.T) {
	cases := []struct {
		reason   string
		t        float64
		k, max   int
		wfp, wfn float64
	}{
		{"datasketch's default case", 0.5, 128, 0, 0.5, 0.5},
		{"a high threshold", 0.8, 64, 0, 0.5, 0.5},
		{"a low threshold", 0.3, 64, 0, 0.5, 0.5},
		{"the index default: capped bands", 0.3, 128, 20, 0.5, 0.5},
		{"false negatives weigh more", 0.5, 64, 0, 0.1, 0.9},
		{"false positives weigh more", 0.5, 64, 0, 0.9, 0.1},
		{"few hashes", 0.6, 16, 0, 0.5, 0.5},
		{"only false negatives count", 0.7, 32, 0, 0, 1},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("t%.1f_k%d_max%d_%.1f_%.1f", c.t, c.k, c.max, c.wfp, c.wfn), func(t *testing.T) {
			got, err := minhash.OptimalLSH(c.t, c.k, c.max, c.wfp, c.wfn)
			require.NoError(t, err, c.reason)
			maxBands := c.max
			if maxBands == 0 {
				maxBands = c.k
			}
			assert.LessOrEqual(t, got.Bands*got.Rows, c.k, c.reason)
			assert.LessOrEqual(t, got.Bands, maxBands, c.reason)
			best := math.Inf(1)
			for b := 1; b <= maxBands; b++ {
				for r := 1; r <= c.k/b; r++ {
					best = min(best, bruteError(c.t, b, r, c.wfp, c.wfn))
				}
			}
			assert.InDelta(t, best, bruteError(c.t, got.Bands, got.Rows, c.wfp, c.wfn), 1e-5, "%s: chose %v", c.reason, got)
		})
	}
}

func TestLSHAreas(t *testing.T) {
	for _, p := range []minhash.LSHParams{{20, 3}, {25, 5}, {9, 13}, {1, 1}, {128, 1}} {
		for _, th := range []float64{0.1, 0.5, 0.9} {
			fp := riemann(func(s float64) float64 { return bruteProbability(s, p.Bands, p.Rows) }, 0, th, 20000)
			fn := riemann(func(s float64) float64 { return 1 - bruteProbability(s, p.Bands, p.Rows) }, th, 1, 20000)
			assert.InDelta(t, fp, p.FalsePositiveArea(th), 1e-5, "FP area of %v at %v", p, th)
			assert.InDelta(t, fn, p.FalseNegativeArea(th), 1e-5, "FN area of %v at %v", p, th)
			assert.InDelta(t, bruteProbability(th, p.Bands, p.Rows), p.Probability(th), 1e-12)
		}
	}
}

func TestOptimalLSHRejects(t *testing.T) {
	cases := []struct {
		reason   string
		t        float64
		k        int
		wfp, wfn float64
	}{
		{"threshold 0", 0, 128, 0.5, 0.5},
		{"threshold 1", 1, 128, 0.5, 0.5},
		{"threshold NaN", math.NaN(), 128, 0.5, 0.5},
		{"k 0", 0.5, 0, 0.5, 0.5},
		{"negative weight", 0.5, 128, -1, 0.5},
		{"both weights 0", 0.5, 128, 0, 0},
		{"infinite weight", 0.5, 128, math.Inf(1), 0.5},
	}
	for _, c := range cases {
		_, err := minhash.OptimalLSH(c.t, c.k, 0, c.wfp, c.wfn)
		assert.Error(t, err, c.reason)
	}
}

func TestBandKeys(t *testing.T) {
	signer := mustSigner(t, nil)
	rng := rand.New(rand.NewPCG(4, 4))
	a, b := overlapping(rng, 300, 300, 0)
	p := minhash.LSHParams{Bands: 20, Rows: 3}
	sa, sb := signer.SignShingles(a), signer.SignShingles(b)
	ka := p.AppendBandKeys(nil, sa)
	require.Len(t, ka, 20)
	assert.Equal(t, ka, p.AppendBandKeys(nil, signer.SignShingles(a)), "the same set gives the same keys")
	seen := map[uint64]bool{}
	for _, k := range ka {
		seen[k] = true
	}
	assert.Len(t, seen, 20, "bands have distinct keys")
	for _, k := range p.AppendBandKeys(nil, sb) {
		assert.False(t, seen[k], "disjoint sets share no key")
	}
	var decoded minhash.Signature
	enc, _ := sa.MarshalBinary()
	require.NoError(t, decoded.UnmarshalBinary(enc))
	assert.Empty(t, p.AppendBandKeys(nil, decoded), "a decoded signature has no band keys")
	assert.Empty(t, minhash.LSHParams{Bands: 50, Rows: 3}.AppendBandKeys(nil, sa), "more rows than hashes give no keys")
}

// TestBandCollisionRate checks that pairs of Jaccard similarity s share a
// band about as often as Probability(s) says.
func TestBandCollisionRate(t *testing.T) {
	signer := mustSigner(t, nil)
	p := minhash.LSHParams{Bands: 20, Rows: 3}
	for _, c := range []struct{ n, inter int }{{200, 80}, {200, 140}} {
		rng := rand.New(rand.NewPCG(uint64(c.inter), 1))
		s := float64(c.inter) / float64(2*c.n-c.inter)
		const trials = 300
		hits := 0
		for range trials {
			a, b := overlapping(rng, c.n, c.n, c.inter)
			ka := p.AppendBandKeys(nil, signer.SignShingles(a))
			kb := p.AppendBandKeys(nil, signer.SignShingles(b))
			for i := range ka {
				if ka[i] == kb[i] {
					hits++
					break
				}
			}
		}
		want := p.Probability(s)
		sd := math.Sqrt(want * (1 - want) / trials)
		assert.InDelta(t, want, float64(hits)/trials, 4*sd+0.01, "J = %.2f", s)
	}
}

func TestLSHDefaults(t *testing.T) {
	cases := []struct {
		reason                  string
		threshold, lshThreshold float64
		maxBands                int
		wFP, wFN                float64
		wantThreshold, wantLSH  float64
		wantMaxBands            int
		wantWFP, wantWFN        float64
	}{
		{"all zero: the defaults, banding aimed at ContainmentMinJaccard", 0, 0, 0, 0, 0,
			minhash.DefaultThreshold, minhash.ContainmentMinJaccard, minhash.DefaultMaxBands, 0.5, 0.5},
		{"a threshold below ContainmentMinJaccard aims at itself", 0.2, 0, 0, 0, 0, 0.2, 0.2, minhash.DefaultMaxBands, 0.5, 0.5},
		{"set fields are kept", 0.9, 0.7, 8, 0.1, 0, 0.9, 0.7, 8, 0.1, 0},
		{"an LSH threshold of 1 is capped below 1", 1, 1, 0, 0, 0, 1, 0.99, minhash.DefaultMaxBands, 0.5, 0.5},
	}
	for _, c := range cases {
		th, lt, mb, fp, fn := c.threshold, c.lshThreshold, c.maxBands, c.wFP, c.wFN
		got, err := minhash.LSHDefaults(&th, &lt, &mb, &fp, &fn, 128)
		require.NoError(t, err, c.reason)
		assert.Equal(t, []any{c.wantThreshold, c.wantLSH, c.wantMaxBands, c.wantWFP, c.wantWFN}, []any{th, lt, mb, fp, fn}, c.reason)
		want, err := minhash.OptimalLSH(c.wantLSH, 128, c.wantMaxBands, c.wantWFP, c.wantWFN)
		require.NoError(t, err, c.reason)
		assert.Equal(t, want, got, c.reason)
	}
	for _, th := range []float64{-0.1, 1.5} {
		lt, mb, fp, fn := 0.0, 0, 0.0, 0.0
		_, err := minhash.LSHDefaults(&th, &lt, &mb, &fp, &fn, 128)
		assert.Error(t, err, "threshold %v is out of range", th)
	}
}

// TestBandKeysAllocate checks that band keys of a fresh signature cost no
// allocation when dst has room and bands have at most 8 rows (the
// bandings OptimalLSH picks for the defaults).
func TestBandKeysAllocate(t *testing.T) {
	sig := mustSigner(t, nil).SignText("one two three four five six seven eight nine ten")
	dst := make([]uint64, 0, 64)
	for _, p := range []minhash.LSHParams{{Bands: 20, Rows: 3}, {Bands: 16, Rows: 8}} {
		n := testing.AllocsPerRun(100, func() { dst = p.AppendBandKeys(dst[:0], sig) })
		assert.Zero(t, n, "%v", p)
	}
}

// BenchmarkBandKeys makes the band keys of a signature; MB/s is per byte
// of minima hashed.
func BenchmarkBandKeys(b *testing.B) {
	sig := mustSigner(b, nil).SignText("one two three four five six seven eight nine ten")
	for _, p := range []minhash.LSHParams{{Bands: 20, Rows: 3}, {Bands: 8, Rows: 16}} {
		b.Run(p.String(), func(b *testing.B) {
			dst := make([]uint64, 0, p.Bands)
			b.SetBytes(int64(8 * p.Bands * p.Rows))
			b.ReportAllocs()
			for b.Loop() {
				dst = p.AppendBandKeys(dst[:0], sig)
			}
		})
	}
}
