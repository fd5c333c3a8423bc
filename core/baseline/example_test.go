package baseline_test

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"

	"halo/core/baseline"
)

func ExampleFitMCD() {
	// 200 points along a tight line y = x, and 3 gross outliers off it.
	rng := rand.New(rand.NewPCG(1, 2))
	x := mat.NewDense(203, 2, nil)
	for i := range 200 {
		t := rng.NormFloat64()
		x.Set(i, 0, t)
		x.Set(i, 1, t+0.1*rng.NormFloat64())
	}
	x.SetRow(200, []float64{1, -1})
	x.SetRow(201, []float64{-2, 2})
	x.SetRow(202, []float64{0.5, -0.5})

	m, err := baseline.FitMCD(x, rng, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	d := m.Distances(nil, x)
	idx := make([]int, len(d))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if d[a] > d[b] {
			return -1
		}
		return 1
	})
	fmt.Println("h =", len(m.Support), "rows; farthest rows:", slices.Sorted(slices.Values(idx[:3])))
	// Output:
	// h = 103 rows; farthest rows: [200 201 202]
}
