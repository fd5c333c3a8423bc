package idw_test

import (
	"fmt"
	"math"

	"halo/core/idw"
)

func ExampleInterpolate() {
	// Four samples of Cu and Zn (ppm) at the corners of a 1 km square and
	// one in the middle, with one Zn value missing.
	nan := math.NaN()
	x := []float64{0, 1000, 0, 1000, 500}
	y := []float64{0, 0, 1000, 1000, 500}
	cu := []float64{10, 20, 30, 40, 100}
	zn := []float64{50, 60, 70, 80, nan}

	cell := idw.DefaultCell(x, y) // median spacing 707 m -> 500 m cells
	geom := idw.Geometry(x, y, cell)
	s, err := idw.Interpolate(geom, x, y, [][]float64{cu, zn}, []string{"Cu", "Zn"}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	// By hand, the south-middle cell (500, 0) is 500 m from three samples
	// and 1,118 m from two, weights 5:5:1:1:5 for 10, 20, 30, 40, 100:
	// Cu = 720/17 = 42.4; Zn skips the middle sample: 700/12 = 58.3.
	fmt.Printf("cell %.0f m, %d x %d cells, radius 3 x %.0f m\n", cell, geom.Cols, geom.Rows, idw.MedianSpacing(x, y))
	for r := geom.Rows - 1; r >= 0; r-- { // north at the top
		for c := 0; c < geom.Cols; c++ {
			v := s.CellValues(geom.Index(c, r))
			fmt.Printf(" %5.1f/%4.1f", v[0], v[1])
		}
		fmt.Println()
	}
	// Output:
	// cell 500 m, 3 x 3 cells, radius 3 x 707 m
	//   30.0/70.0  51.8/71.7  40.0/80.0
	//   44.7/61.7 100.0/65.0  49.4/68.3
	//   10.0/50.0  42.4/58.3  20.0/60.0
}
