package corpus

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup/internal/terms"
)

// TestTopTableUnit checks that the packed table gives back, bit for bit,
// the unit vectors weighing each body's terms directly gives, including
// frequencies too large for its byte and a body without terms.
func TestTopTableUnit(t *testing.T) {
	idf := func(id uint64) float64 { return 1 + float64(id%7)/3 }
	bodies := []terms.Vector{
		{{ID: 3, W: 1}, {ID: 10, W: 4}, {ID: 99, W: 2}},
		nil,
		{{ID: 10, W: 1}, {ID: 11, W: 70000}, {ID: 12, W: maxTF}, {ID: 13, W: 300}},
		{{ID: 3, W: 65}},
	}
	tab := newTopTable()
	for _, v := range bodies {
		tab.add(v)
	}
	tab.weigh(idf)
	require.Equal(t, len(bodies), tab.bodies())
	assert.Len(t, tab.ids, 6, "one dictionary entry per distinct term")
	for b, raw := range bodies {
		t.Run(fmt.Sprint("body", b), func(t *testing.T) {
			want := make(terms.Vector, len(raw))
			for i, x := range raw {
				want[i] = terms.Term{ID: x.ID, W: (1 + math.Log(x.W)) * idf(x.ID)}
			}
			if n := want.Norm(); n > 0 {
				for i := range want {
					want[i].W /= n
				}
			}
			got := tab.unit(nil, b)
			require.Len(t, got, len(want))
			for i := range want {
				assert.Equal(t, want[i].ID, got[i].ID, "term %d", i)
				assert.Equal(t, math.Float64bits(want[i].W), math.Float64bits(got[i].W), "term %d: %v, want %v", i, got[i].W, want[i].W)
			}
		})
	}
	assert.InDelta(t, terms.Dot(tab.unit(nil, 0), tab.unit(nil, 3)), tab.cos(0, 3), 0, "cos")
}

// BenchmarkTopTableUnit reads every body's unit vector of a table of
// 1,000 bodies of expandTerms terms, as the expansion does.
func BenchmarkTopTableUnit(b *testing.B) {
	tab := newTopTable()
	for n := range 1000 {
		v := make(terms.Vector, expandTerms)
		for i := range v {
			v[i] = terms.Term{ID: uint64(n*7 + i*13), W: float64(1 + i%5)}
		}
		tab.add(v)
	}
	tab.weigh(func(id uint64) float64 { return float64(id%11) + 1 })
	b.ReportAllocs()
	var v terms.Vector
	for b.Loop() {
		for n := range tab.bodies() {
			v = tab.unit(v[:0], n)
		}
	}
}
