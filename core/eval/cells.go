package eval

import (
	"slices"

	"halo/core/grid"
)

// DepositCells returns the flat index of the cell holding each point (xs[i],
// ys[i]) and whether the point lies inside the grid. Points outside the grid
// (or with NaN coordinates) get cell -1 and inside false; METHODS.md asks the
// caller to report and ignore them. Points on the east or north edge belong
// to the last column or row (grid.Geom.Locate). DepositCells panics if xs and
// ys differ in length.
func DepositCells(g grid.Geom, xs, ys []float64) (cells []int, inside []bool) {
	if len(xs) != len(ys) {
		panic("eval: coordinate length mismatch")
	}
	cells = make([]int, len(xs))
	inside = make([]bool, len(xs))
	for i := range xs {
		c, r, ok := g.Locate(xs[i], ys[i])
		if !ok {
			cells[i] = -1
			continue
		}
		cells[i] = r*g.Cols + c
		inside[i] = true
	}
	return cells, inside
}

// LabelledCells returns the mineralized label cells of METHODS.md section 1:
// each deposit cell and its 8 neighbours (fewer at the grid edge), distinct,
// restricted to valid cells, in increasing order. 19 isolated deposits give
// 19*9 = 171 cells. Negative entries of cells (deposits outside the grid) are
// skipped. valid has one entry per cell (e.g. grid.Stack.Mask); nil means all
// cells are valid. LabelledCells panics if a cell index is beyond the grid or
// valid has the wrong length.
func LabelledCells(g grid.Geom, cells []int, valid []bool) []int {
	n := g.Len()
	if valid != nil && len(valid) != n {
		panic("eval: mask length mismatch")
	}
	mark := make([]bool, n)
	var out []int
	for _, k := range cells {
		if k < 0 {
			continue
		}
		if k >= n {
			panic("eval: cell index out of range")
		}
		c0, r0 := k%g.Cols, k/g.Cols
		for r := max(r0-1, 0); r <= min(r0+1, g.Rows-1); r++ {
			for c := max(c0-1, 0); c <= min(c0+1, g.Cols-1); c++ {
				i := r*g.Cols + c
				if mark[i] || (valid != nil && !valid[i]) {
					continue
				}
				mark[i] = true
				out = append(out, i)
			}
		}
	}
	slices.Sort(out)
	return out
}

// PolygonCells returns, in increasing order, the valid cells whose centre
// (x, y) satisfies contains(x, y), e.g. a point-in-polygon test for the
// source areas of a pollution survey. valid is as for LabelledCells.
func PolygonCells(g grid.Geom, contains func(x, y float64) bool, valid []bool) []int {
	if valid != nil && len(valid) != g.Len() {
		panic("eval: mask length mismatch")
	}
	var out []int
	for r := 0; r < g.Rows; r++ {
		for c := 0; c < g.Cols; c++ {
			i := r*g.Cols + c
			if valid != nil && !valid[i] {
				continue
			}
			if contains(g.CellXY(c, r)) {
				out = append(out, i)
			}
		}
	}
	return out
}
