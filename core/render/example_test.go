package render_test

import (
	"fmt"

	"halo/core/grid"
	"halo/core/render"
	"halo/core/render/classify"
)

func ExampleMap() {
	// A 20 x 10 grid of 1 km cells whose score grows to the north-east.
	g := grid.New(grid.Geom{Cols: 20, Rows: 10, X0: 500000, Y0: 2500000, Cell: 1000})
	for r := range g.Rows {
		for c := range g.Cols {
			g.Set(c, r, float32(c+2*r))
		}
	}
	img := render.Map(g, &render.MapOptions{Scale: 5})
	fmt.Println("size:", img.Bounds().Dx(), "x", img.Bounds().Dy())
	// Image row 0 is north: the north-east corner is in the top 5 %, the
	// south-west corner is background.
	fmt.Println("north-east red:", img.RGBAAt(99, 0) == classify.ClassRed)
	fmt.Println("south-west grey:", img.RGBAAt(0, 49) == classify.Background)
	// Output:
	// size: 100 x 50
	// north-east red: true
	// south-west grey: true
}
