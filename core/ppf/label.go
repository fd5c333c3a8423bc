package ppf

import (
	"sort"

	"halo/core/grid"
)

// DepositCells returns the flat index of the cell that holds each deposit
// (x[i], y[i]), in input order (two deposits in one cell give the same index
// twice), and the input positions of the deposits that lie outside the grid,
// which are left out of cells. It panics if x and y differ in length.
func DepositCells(g grid.Geom, x, y []float64) (cells, outside []int) {
	if len(x) != len(y) {
		panic("ppf: coordinate length mismatch")
	}
	for i := range x {
		c, r, ok := g.Locate(x[i], y[i])
		if !ok {
			outside = append(outside, i)
			continue
		}
		cells = append(cells, g.Index(c, r))
	}
	return cells, outside
}

// Mineralized returns the mineralized cells (class 1): each deposit cell and
// its 8 neighbours that lie on the grid and are valid, without repeats, in
// increasing order. A neighbour counts even when the deposit cell itself has
// no data. valid[i] tells whether cell i has data; nil means every cell
// does.
//
// It panics if valid is not nil and its length is not g.Len(), or if a
// deposit cell index is outside the grid.
func Mineralized(g grid.Geom, depositCells []int, valid []bool) []int {
	n := g.Len()
	if valid != nil && len(valid) != n {
		panic("ppf: mask length mismatch")
	}
	seen := make(map[int]bool, 9*len(depositCells))
	var out []int
	for _, k := range depositCells {
		if k < 0 || k >= n {
			panic("ppf: deposit cell out of range")
		}
		r, c := k/g.Cols, k%g.Cols
		for dr := -1; dr <= 1; dr++ {
			for dc := -1; dc <= 1; dc++ {
				rr, cc := r+dr, c+dc
				if rr < 0 || rr >= g.Rows || cc < 0 || cc >= g.Cols {
					continue
				}
				j := rr*g.Cols + cc
				if seen[j] || (valid != nil && !valid[j]) {
					continue
				}
				seen[j] = true
				out = append(out, j)
			}
		}
	}
	sort.Ints(out)
	return out
}
