package grid

import "math"

// Stack is a set of layers on one Geom stored cell-major: the D values of cell
// i are Data[i*D : (i+1)*D], with D = len(Names). Cell-major order puts a
// cell's whole composition in one contiguous slice, which is what the
// log-ratio transforms and the pair encodings read.
type Stack struct {
	Geom
	Names []string  // layer names, e.g. element symbols or "ilr1"
	Data  []float32 // len Cols*Rows*D; NaN is no data
}

// NewStack returns a stack of the given geometry and layer names filled with
// NaN. It panics on a non-positive size or no layers.
func NewStack(g Geom, names []string) *Stack {
	if len(names) == 0 {
		panic("grid: stack without layers")
	}
	g.check()
	d := make([]float32, g.Len()*len(names))
	nan := float32(math.NaN())
	for i := range d {
		d[i] = nan
	}
	return &Stack{Geom: g, Names: append([]string(nil), names...), Data: d}
}

// D returns the number of layers.
func (s *Stack) D() int { return len(s.Names) }

// CellValues returns the D values of cell i (a sub-slice of Data, not a copy).
func (s *Stack) CellValues(i int) []float32 {
	d := len(s.Names)
	return s.Data[i*d : (i+1)*d : (i+1)*d]
}

// Layer copies layer k into a new Grid.
func (s *Stack) Layer(k int) *Grid {
	d := len(s.Names)
	if k < 0 || k >= d {
		panic("grid: layer out of range")
	}
	g := &Grid{Geom: s.Geom, Data: make([]float32, s.Len())}
	for i := range g.Data {
		g.Data[i] = s.Data[i*d+k]
	}
	return g
}

// SetLayer copies grid g into layer k. It panics if the sizes differ.
func (s *Stack) SetLayer(k int, g *Grid) {
	d := len(s.Names)
	if k < 0 || k >= d || len(g.Data) != s.Len() {
		panic("grid: layer size mismatch")
	}
	for i, v := range g.Data {
		s.Data[i*d+k] = v
	}
}

// Mask returns, for every cell, whether all its layers are finite.
func (s *Stack) Mask() []bool {
	d := len(s.Names)
	m := make([]bool, s.Len())
	for i := range m {
		ok := true
		for _, v := range s.Data[i*d : (i+1)*d] {
			if isNaNInf(v) {
				ok = false
				break
			}
		}
		m[i] = ok
	}
	return m
}

// ValidCells returns the indices of the cells whose layers are all finite, in
// increasing order.
func (s *Stack) ValidCells() []int {
	m := s.Mask()
	var idx []int
	for i, ok := range m {
		if ok {
			idx = append(idx, i)
		}
	}
	return idx
}
