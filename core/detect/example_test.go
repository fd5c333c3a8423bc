package detect_test

import (
	"context"
	"fmt"
	"math"

	"halo/core/detect"
	"halo/core/grid"
)

// meanL1 stands in for a trained pair network: the probability that a pair
// is dissimilar grows with the mean absolute difference of its layers.
type meanL1 struct{ d int }

func (m meanL1) D() int { return m.d }

func (m meanL1) ScorePairs(dst, diffs []float32) {
	for k := range dst {
		var s float64
		for _, v := range diffs[k*m.d : (k+1)*m.d] {
			s += float64(v)
		}
		dst[k] = float32(1 / (1 + math.Exp(-(4*s/float64(m.d) - 2))))
	}
}

// A 7 x 5 grid of two layers with one anomalous cell and one cell without
// data: the anomaly scores highest; the no-data cell is NaN.
func ExampleDetect() {
	s := grid.NewStack(grid.Geom{Cols: 7, Rows: 5, Cell: 500}, []string{"Cu", "Zn"})
	for i := 0; i < s.Len(); i++ {
		v := s.CellValues(i)
		v[0], v[1] = 0.1*float32(i%7), 0.05*float32(i/7)
	}
	anomaly := s.Index(3, 2)
	s.CellValues(anomaly)[0] += 3
	s.CellValues(s.Index(6, 4))[1] = float32(math.NaN())

	dst := grid.New(s.Geom)
	opt := &detect.Options{Inner: 1, Outer: 3, Exact: true}
	if err := detect.Detect(context.Background(), dst, s, meanL1{2}, opt, nil); err != nil {
		fmt.Println(err)
		return
	}
	for r := s.Rows - 1; r >= 0; r-- { // north up
		for c := 0; c < s.Cols; c++ {
			fmt.Printf("%5.2f", dst.At(c, r))
		}
		fmt.Println()
	}
	fmt.Println("pairs:", detect.Pairs(s, nil, opt)) // 106 unordered neighbour pairs, less 3 of the NaN corner: each scored once
	// Output:
	// 0.14 0.14 0.14 0.14 0.14 0.15  NaN
	//  0.14 0.15 0.25 0.25 0.25 0.14 0.15
	//  0.14 0.15 0.25 0.98 0.25 0.15 0.14
	//  0.14 0.15 0.25 0.25 0.25 0.15 0.14
	//  0.14 0.14 0.14 0.14 0.14 0.14 0.14
	// pairs: 103
}
