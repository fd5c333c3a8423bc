package grid

import (
	"math"
)

// Geom is the geometry shared by a Grid and a Stack. See the package comment
// for orientation and the cell-centre formula.
type Geom struct {
	Cols, Rows int
	X0, Y0     float64 // south-west corner, metres
	Cell       float64 // cell width along x, metres
	CellY      float64 // cell height along y, metres; 0 means Cell (square cells)
}

// Height returns the cell height along y (CellY, or Cell when CellY is 0).
func (g Geom) Height() float64 {
	if g.CellY == 0 {
		return g.Cell
	}
	return g.CellY
}

func (g Geom) check() {
	if g.Cols <= 0 || g.Rows <= 0 || !(g.Cell > 0) || !(g.Height() > 0) {
		panic("grid: non-positive grid size")
	}
}

// Len returns the number of cells, Cols*Rows.
func (g Geom) Len() int { return g.Cols * g.Rows }

// Index returns the flat index r*Cols + c of cell (c, r). It panics if the
// cell is outside the grid.
func (g Geom) Index(c, r int) int {
	if c < 0 || c >= g.Cols || r < 0 || r >= g.Rows {
		panic("grid: cell out of range")
	}
	return r*g.Cols + c
}

// CellXY returns the centre of cell (c, r) in metres.
func (g Geom) CellXY(c, r int) (x, y float64) {
	return g.X0 + (float64(c)+0.5)*g.Cell, g.Y0 + (float64(r)+0.5)*g.Height()
}

// Locate returns the cell that contains point (x, y) and whether it lies
// inside the grid. Points on the east or north edge belong to the last
// column or row.
func (g Geom) Locate(x, y float64) (c, r int, ok bool) {
	fc := (x - g.X0) / g.Cell
	fr := (y - g.Y0) / g.Height()
	if math.IsNaN(fc) || math.IsNaN(fr) || fc < 0 || fr < 0 || fc > float64(g.Cols) || fr > float64(g.Rows) {
		return 0, 0, false
	}
	c, r = int(fc), int(fr)
	if c == g.Cols {
		c--
	}
	if r == g.Rows {
		r--
	}
	return c, r, true
}

// Extent returns the bounding box of the grid: west, south, east, north.
func (g Geom) Extent() (xmin, ymin, xmax, ymax float64) {
	return g.X0, g.Y0, g.X0 + float64(g.Cols)*g.Cell, g.Y0 + float64(g.Rows)*g.Height()
}

// Grid is one layer of float32 values on a Geom. Data has Cols*Rows values in
// row-major order, row 0 south (see the package comment); NaN is no data.
type Grid struct {
	Geom
	Data []float32
}

// New returns a grid of the given geometry filled with NaN. It panics if the
// geometry has a non-positive size.
func New(g Geom) *Grid {
	g.check()
	d := make([]float32, g.Len())
	nan := float32(math.NaN())
	for i := range d {
		d[i] = nan
	}
	return &Grid{Geom: g, Data: d}
}

// At returns the value of cell (c, r).
func (g *Grid) At(c, r int) float32 { return g.Data[g.Index(c, r)] }

// Set sets the value of cell (c, r).
func (g *Grid) Set(c, r int, v float32) { g.Data[g.Index(c, r)] = v }

// Valid returns the number of cells holding a finite value.
func (g *Grid) Valid() int {
	n := 0
	for _, v := range g.Data {
		if !isNaNInf(v) {
			n++
		}
	}
	return n
}

// Dims, X, Y and Z make a Grid a gonum/plot plotter.GridXYZ, so it can be
// drawn as a heat map without adapters. Z returns NaN for no data.
func (g *Grid) Dims() (c, r int) { return g.Cols, g.Rows }

// X returns the x of the centre of column c.
func (g *Grid) X(c int) float64 { return g.X0 + (float64(c)+0.5)*g.Cell }

// Y returns the y of the centre of row r.
func (g *Grid) Y(r int) float64 { return g.Y0 + (float64(r)+0.5)*g.Height() }

// Z returns the value of cell (c, r) as float64.
func (g *Grid) Z(c, r int) float64 { return float64(g.At(c, r)) }

func isNaNInf(v float32) bool {
	f := float64(v)
	return math.IsNaN(f) || math.IsInf(f, 0)
}
