package survey

import (
	"fmt"
	"math"
	"slices"

	"halo/core/grid"
)

// Lattice detection thresholds.
const (
	// latticeTol is the largest distance, as a share of the step, between a
	// coordinate and its lattice line.
	latticeTol = 0.05
	// latticeFill is the smallest share of lattice cells holding a sample
	// for x,y values alone (no row/col columns) to be taken as a grid.
	latticeFill = 0.4
	// latticeMaxCells bounds the size of a detected grid.
	latticeMaxCells = 1 << 26
)

// lattice is a detected grid: its geometry and the cell of each sample.
type lattice struct {
	geom grid.Geom
	col  []int
	row  []int
}

// fitAxis fits v = a + b*k by least squares and reports whether every v lies
// within latticeTol*|b| of its line. It needs two distinct k.
func fitAxis(v []float64, k []int) (a, b float64, ok bool) {
	n := float64(len(v))
	var sk, sv, skk, skv float64
	for i := range v {
		kf := float64(k[i])
		sk += kf
		sv += v[i]
		skk += kf * kf
		skv += kf * v[i]
	}
	den := n*skk - sk*sk
	if !(den > 0) {
		return 0, 0, false
	}
	b = (n*skv - sk*sv) / den
	a = (sv - b*sk) / n
	if !(math.Abs(b) > 0) || math.IsInf(b, 0) {
		return 0, 0, false
	}
	for i := range v {
		if !(math.Abs(v[i]-(a+b*float64(k[i]))) <= latticeTol*math.Abs(b)) {
			return 0, 0, false
		}
	}
	return a, b, true
}

// axisFromIndex maps grid indices k (a row or col column) on v to 0-based
// cell indices increasing with v. It returns the index of each sample, the
// number of cells, the centre of cell 0 and the step.
func axisFromIndex(v []float64, k []int) (idx []int, cells int, c0, step float64, ok bool) {
	a, b, ok := fitAxis(v, k)
	if !ok {
		return nil, 0, 0, 0, false
	}
	kmin, kmax := slices.Min(k), slices.Max(k)
	idx = make([]int, len(k))
	for i, ki := range k {
		if b > 0 {
			idx[i] = ki - kmin
		} else {
			idx[i] = kmax - ki
		}
	}
	ref := kmin
	if b < 0 {
		ref = kmax
	}
	return idx, kmax - kmin + 1, a + b*float64(ref), math.Abs(b), true
}

// axisFromValues finds a regular step among the distinct values of v: the
// median gap between neighbouring distinct values, refined by least squares.
func axisFromValues(v []float64) (idx []int, cells int, c0, step float64, ok bool) {
	u := slices.Clone(v)
	slices.Sort(u)
	scale := math.Max(math.Abs(u[0]), math.Abs(u[len(u)-1])) + 1
	u = slices.CompactFunc(u, func(a, b float64) bool { return math.Abs(b-a) <= 1e-9*scale })
	if len(u) < 2 || len(u) > len(v)/2+1 {
		return nil, 0, 0, 0, false
	}
	gaps := make([]float64, len(u)-1)
	for i := range gaps {
		gaps[i] = u[i+1] - u[i]
	}
	slices.Sort(gaps)
	g := gaps[len(gaps)/2]
	if !(g > 0) {
		return nil, 0, 0, 0, false
	}
	k := make([]int, len(u))
	for i := range u {
		kf := math.Round((u[i] - u[0]) / g)
		if kf > latticeMaxCells {
			return nil, 0, 0, 0, false
		}
		k[i] = int(kf)
		if i > 0 && k[i] <= k[i-1] {
			return nil, 0, 0, 0, false
		}
	}
	a, b, ok := fitAxis(u, k)
	if !ok || b <= 0 {
		return nil, 0, 0, 0, false
	}
	cells = k[len(k)-1] + 1
	idx = make([]int, len(v))
	for i, x := range v {
		idx[i] = int(math.Round((x - a) / b))
	}
	return idx, cells, a, b, true
}

// detectLattice decides whether samples at (x, y) form a regular grid. With
// grid index columns (hasRC) the indices define the lattice and x, y only
// have to agree with them; otherwise the distinct x and y values must each
// lie on a regular step and fill at least latticeFill of the lattice. It
// returns nil, nil when the samples are not a grid, an error when they are
// but two samples share a cell.
func detectLattice(x, y []float64, rows, cols []int, hasRC bool, lines []int, rcNames [2]string) (*lattice, string, error) {
	n := len(x)
	if n < 4 {
		return nil, "", nil
	}
	var (
		ci, ri         []int
		nc, nr         int
		cx, cy, sx, sy float64
		warn           string
	)
	fromRC := false
	if hasRC {
		var okc, okr bool
		ci, nc, cx, sx, okc = axisFromIndex(x, cols)
		ri, nr, cy, sy, okr = axisFromIndex(y, rows)
		switch {
		case okc && okr:
			fromRC = true
		case slices.Min(cols) == slices.Max(cols) && okr:
			// One column: take square cells.
			ci, nc, cx, sx, fromRC = make([]int, n), 1, x[0], sy, true
		case slices.Min(rows) == slices.Max(rows) && okc:
			ri, nr, cy, sy, fromRC = make([]int, n), 1, y[0], sx, true
		default:
			warn = fmt.Sprintf("columns %q and %q do not match the coordinates on a regular grid: ignored", rcNames[0], rcNames[1])
		}
	}
	if !fromRC {
		var okc, okr bool
		ci, nc, cx, sx, okc = axisFromValues(x)
		if !okc {
			return nil, warn, nil
		}
		ri, nr, cy, sy, okr = axisFromValues(y)
		if !okr {
			return nil, warn, nil
		}
		if float64(n) < latticeFill*float64(nc)*float64(nr) {
			return nil, warn, nil
		}
	}
	if float64(nc)*float64(nr) > latticeMaxCells {
		return nil, fmt.Sprintf("samples lie on a regular grid of %d x %d cells, too large to use as the grid: interpolated", nc, nr), nil
	}
	g := grid.Geom{Cols: nc, Rows: nr, X0: cx - sx/2, Y0: cy - sy/2, Cell: sx}
	if math.Abs(sx-sy) > 1e-9*sx {
		g.CellY = sy
	}
	lt := &lattice{geom: g, col: ci, row: ri}
	// Duplicate cells.
	order := make([]int, n)
	flat := make([]int, n)
	for i := range order {
		order[i] = i
		flat[i] = ri[i]*nc + ci[i]
	}
	slices.SortFunc(order, func(a, b int) int { return flat[a] - flat[b] })
	for k := 1; k < n; k++ {
		i, j := order[k-1], order[k]
		if flat[i] == flat[j] {
			if i > j {
				i, j = j, i
			}
			how := "remove one, or drop the row/col columns to grid the samples as scattered points"
			if fromRC {
				how = fmt.Sprintf("check the %q and %q columns", rcNames[0], rcNames[1])
			}
			return nil, warn, fmt.Errorf("%w: lines %d and %d fall in the same cell (column %d, row %d from the south) of the %d x %d grid; %s",
				ErrDuplicateCell, lines[i], lines[j], ci[i], ri[i], nc, nr, how)
		}
	}
	return lt, warn, nil
}
