package view_test

import (
	"fmt"
	"math"

	"halo/core/grid"
	"halo/wasm/ui/view"
)

// A slider move reclassifies by lookup in the sorted scores: no score is
// recomputed, only the pixels are painted again.
func ExampleLayer_Cuts() {
	g := grid.Geom{Cols: 4, Rows: 5, X0: 500000, Y0: 7000000, Cell: 100}
	score := make([]float32, g.Len())
	for i := range score {
		score[i] = float32(i + 1) // 1..20, row 0 south
	}
	score[0] = float32(math.NaN()) // no data in the south-west cell
	l, err := view.NewLayer("demo", g, score)
	if err != nil {
		panic(err)
	}
	pix := make([]byte, 4*g.Len())
	count := make([]int, 4)
	for _, tops := range [][]float64{{5, 15, 30}, {10, 25, 50}} {
		cuts := l.Cuts(nil, tops)
		view.Paint(pix, l, view.Classes, cuts, count)
		fmt.Println(tops, "cuts", cuts, "cells per class", count)
	}
	r := l.Read(500350, 7000450) // north-east cell
	fmt.Println(r.Lines()[1])
	// Output:
	// [5 15 30] cuts [20 18 15] cells per class [1 2 3 13]
	// [10 25 50] cuts [19 16 11] cells per class [2 3 5 9]
	// score 20  percentile 100.0 (top 0.0 %)
}
