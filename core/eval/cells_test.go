package eval

import (
	"math"
	"slices"
	"testing"

	"halo/core/grid"
)

func TestDepositCells(t *testing.T) {
	g := grid.Geom{Cols: 4, Rows: 3, X0: 100, Y0: 200, Cell: 10, CellY: 20}
	xs := []float64{105, 139.9, 140, 99, 125, math.NaN()}
	ys := []float64{205, 259, 260, 210, 230, 210}
	cells, inside := DepositCells(g, xs, ys)
	// (105,205) -> c0 r0 = 0; (139.9,259) -> c3 r2 = 11; (140,260) on the
	// north-east corner -> last cell 11; x=99 west of the grid; (125,230) ->
	// c2 r1 = 6; NaN outside.
	wantCells := []int{0, 11, 11, -1, 6, -1}
	wantIn := []bool{true, true, true, false, true, false}
	if !slices.Equal(cells, wantCells) || !slices.Equal(inside, wantIn) {
		t.Errorf("DepositCells = %v %v, want %v %v", cells, inside, wantCells, wantIn)
	}
}

func TestLabelledCells(t *testing.T) {
	// 19 isolated deposits on a 20x20 grid (every 4th cell, away from the
	// edge) give 19*9 = 171 cells, as in the Fe paper.
	g := grid.Geom{Cols: 20, Rows: 20, Cell: 1}
	var deps []int
	for r := 1; r < 20 && len(deps) < 19; r += 4 {
		for c := 1; c < 19 && len(deps) < 19; c += 4 {
			deps = append(deps, r*20+c)
		}
	}
	if got := LabelledCells(g, deps, nil); len(got) != 171 {
		t.Errorf("19 isolated deposits: %d labelled cells, want 171", len(got))
	}

	g = grid.Geom{Cols: 4, Rows: 3, Cell: 1}
	valid := make([]bool, 12)
	for i := range valid {
		valid[i] = i != 5
	}
	for _, test := range []struct {
		name  string
		cells []int
		valid []bool
		want  []int
	}{
		{name: "none", cells: nil, want: nil},
		{name: "corner", cells: []int{0}, want: []int{0, 1, 4, 5}},
		{name: "corner masked", cells: []int{0}, valid: valid, want: []int{0, 1, 4}},
		{name: "overlap and outside", cells: []int{0, -1, 1, 0}, want: []int{0, 1, 2, 4, 5, 6}},
		{name: "north-east corner", cells: []int{11}, want: []int{6, 7, 10, 11}},
	} {
		if got := LabelledCells(g, test.cells, test.valid); !slices.Equal(got, test.want) {
			t.Errorf("%s: LabelledCells = %v, want %v", test.name, got, test.want)
		}
	}
}

func TestPolygonCells(t *testing.T) {
	g := grid.Geom{Cols: 4, Rows: 3, X0: 0, Y0: 0, Cell: 1}
	// the disc of radius 1.2 around (1, 1) holds the centres (0.5,0.5),
	// (1.5,0.5), (0.5,1.5), (1.5,1.5): cells 0, 1, 4, 5.
	disc := func(x, y float64) bool { return (x-1)*(x-1)+(y-1)*(y-1) < 1.44 }
	if got, want := PolygonCells(g, disc, nil), []int{0, 1, 4, 5}; !slices.Equal(got, want) {
		t.Errorf("PolygonCells = %v, want %v", got, want)
	}
	valid := make([]bool, 12)
	valid[1], valid[4] = true, true
	if got, want := PolygonCells(g, disc, valid), []int{1, 4}; !slices.Equal(got, want) {
		t.Errorf("PolygonCells masked = %v, want %v", got, want)
	}
}
