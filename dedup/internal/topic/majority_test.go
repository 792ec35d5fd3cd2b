package topic

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/dedup/internal/testsample"
)

// mostlyOther builds a body of n paragraphs under host's headline: two of
// host's, the rest cycled from donor's with a counter word so that no two
// are equal.
func mostlyOther(host, donor *model.Doc, n int) *model.Doc {
	d := &model.Doc{Title: host.Title, Paras: []string{host.Paras[1], host.Paras[2]}}
	for i := 0; len(d.Paras) < n; i++ {
		d.Paras = append(d.Paras, fmt.Sprintf("%s (%d)", donor.Paras[1+i%(len(donor.Paras)-1)], i))
	}
	return d
}

// TestSplitMajorityMeans checks splitMajority's mean similarities, taken
// from the sides' sums, against the pair-by-pair means.
func TestSplitMajorityMeans(t *testing.T) {
	docs := testsample.Load(t, "headline/sample.jsonl")
	s := New(defaults, nil)
	d := mostlyOther(docs[0], docs[1], 12)
	a := s.pool.Get().(*analysis)
	defer s.pool.Put(a)
	a.reset(d, s.Body(d), s.vocab, nil)
	var nodes []int
	for i := range d.Paras {
		nodes = append(nodes, i)
	}
	side, fixed := make([]int, len(nodes)), make([]bool, len(nodes))
	side[0], side[1], fixed[0], fixed[1] = headline, headline, true, true
	for x := 2; x < len(nodes); x++ {
		side[x] = other
	}
	m, ok := s.splitMajority(a, nodes, side, fixed)
	require.True(t, ok)

	var within, across float64
	var nw, na int
	for x, i := range nodes {
		if side[x] == headline {
			continue
		}
		for y, j := range nodes {
			switch {
			case y == x:
			case side[y] == headline:
				across += a.paras[i].dot(a.paras[j])
				na++
			default:
				within += a.paras[i].dot(a.paras[j])
				nw++
			}
		}
	}
	require.Positive(t, nw)
	require.Positive(t, na)
	assert.InDelta(t, within/float64(nw), m.within, 1e-9)
	assert.InDelta(t, across/float64(na), m.across, 1e-9)
	assert.False(t, math.IsNaN(m.within) || math.IsNaN(m.across))
}

// BenchmarkOffTopicLongBody judges one body that is mostly another story,
// of 1,000 and 8,000 paragraphs: the time per paragraph must not grow with
// the body (the mean similarities were pair by pair, quadratic, once).
func BenchmarkOffTopicLongBody(b *testing.B) {
	docs := testsample.Load(b, "headline/sample.jsonl")
	s := New(defaults, nil)
	for _, n := range []int{1000, 8000} {
		d := mostlyOther(docs[0], docs[1], n)
		body := s.Body(d)
		bytes := 0
		for _, p := range d.Paras {
			bytes += len(p)
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(bytes))
			b.ReportAllocs()
			for b.Loop() {
				s.Detect(nil, d, body, -1, nil)
			}
		})
	}
}
