package detect

import (
	"context"
	"fmt"
	"testing"

	"halo/core/grid"
)

// The inner loop allocates nothing: a run allocates the same number of
// times on a small and a 4x larger grid (buffers are sized once per run).
func TestAllocsIndependentOfSize(t *testing.T) {
	sc := newLinear(5, 1)
	allocs := func(n int, exact bool) float64 {
		s := randomStack(n, n, 5, 0.05, 3)
		dst := grid.New(s.Geom)
		opt := &Options{Inner: 3, Outer: 9, Exact: exact, Batch: 64}
		return testing.AllocsPerRun(3, func() {
			if err := Detect(context.Background(), dst, s, sc, opt, nil); err != nil {
				t.Fatal(err)
			}
		})
	}
	for _, exact := range []bool{true, false} {
		if a, b := allocs(12, exact), allocs(24, exact); a != b {
			t.Errorf("exact=%v: %v allocations on 12x12, %v on 24x24", exact, a, b)
		}
	}
}

// BenchmarkDetect reports the cost of the detector's own work (ring walk,
// differences, accumulation) with the cheapest scorer, in size tiers.
func BenchmarkDetect(b *testing.B) {
	sc := newLinear(39, 1)
	for _, n := range []int{32, 64} {
		s := randomStack(n, n, 39, 0.02, 1)
		dst := grid.New(s.Geom)
		for _, mode := range []struct {
			name string
			opt  Options
		}{
			{"exact", Options{Exact: true}},
			{"fast", Options{}},
		} {
			b.Run(fmt.Sprintf("%dx%d/13-35/%s", n, n, mode.name), func(b *testing.B) {
				pairs := RingPairs(s, nil, &mode.opt) // ring pairs of the map (exact mode scores half as many)
				b.ReportAllocs()
				for b.Loop() {
					if err := Detect(context.Background(), dst, s, sc, &mode.opt, nil); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(pairs)*float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
			})
		}
	}
}

// BenchmarkSweep compares the paper's eight windows scored by one Sweep
// with eight separate Detect runs.
func BenchmarkSweep(b *testing.B) {
	sc := newLinear(39, 1)
	s := randomStack(48, 48, 39, 0.02, 1)
	b.Run("sweep", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Sweep(context.Background(), s, sc, paperWindows, &Options{Exact: true}, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("separate", func(b *testing.B) {
		b.ReportAllocs()
		dst := grid.New(s.Geom)
		for b.Loop() {
			for _, w := range paperWindows {
				if err := Detect(context.Background(), dst, s, sc, &Options{Inner: w[0], Outer: w[1], Exact: true}, nil); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
