package idw

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"halo/core/grid"
)

// benchSurvey is a synthetic survey shaped like gswa-area1: n samples of
// which a share repeats an earlier location (gswa: 1,392 samples at 820
// sites), spread over w x h metres, d layers, and the given share of missing
// values in the first five layers.
func benchSurvey(n, sites, d int, w, h, missing float64) survey {
	rnd := rand.New(rand.NewPCG(41, 42))
	s := randomSurvey(rnd, n, d, w, h)
	for i := sites; i < n; i++ {
		j := rnd.IntN(sites)
		s.x[i], s.y[i] = s.x[j], s.y[j]
	}
	for k := 0; k < min(5, d); k++ {
		for i := range s.x {
			if rnd.Float64() < missing {
				s.layers[k][i] = math.NaN()
			}
		}
	}
	return s
}

var benchTiers = []struct {
	samples, sites, layers int
	cols, rows             int
	cell                   float64
	missing                float64
	naive                  bool // also time the brute-force reference
}{
	{100, 100, 5, 50, 62, 500, 0, true},
	{1392, 820, 39, 40, 25, 500, 0, true},      // 1,000 cells of the paper grid
	{1392, 820, 39, 251, 310, 500, 0, false},   // the Fe paper's 77,810 cells
	{1392, 820, 39, 251, 310, 500, 0.2, false}, // 5 layers with 20% missing
	{1392, 820, 4, 1255, 1550, 100, 0, false},  // 1.9 million cells
}

func BenchmarkInterpolate(b *testing.B) {
	for _, tier := range benchTiers {
		// The survey covers the paper grid, 125.5 x 155 km.
		s := benchSurvey(tier.samples, tier.sites, tier.layers, 125500, 155000, tier.missing)
		geom := grid.Geom{Cols: tier.cols, Rows: tier.rows, Cell: tier.cell}
		name := fmt.Sprintf("n=%d/cells=%d/D=%d/missing=%g", tier.samples, geom.Len(), tier.layers, tier.missing)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Interpolate(geom, s.x, s.y, s.layers, s.names, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		if tier.naive {
			b.Run("naive/"+name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					naive(geom, s.x, s.y, s.layers, s.names, Options{})
				}
			})
		}
	}
}
