package idw

import (
	"math"

	"gonum.org/v1/gonum/spatial/kdtree"

	"halo/core/grid"
)

// Options controls Interpolate. The zero value (or a nil *Options) gives the
// METHODS.md defaults: p = 2, 12 neighbours, radius 3 x median spacing.
type Options struct {
	// Power is the exponent p of the weights 1/d^p; 0 means 2.
	Power float64

	// Neighbours is the largest number of nearest sites used per cell;
	// 0 means 12.
	Neighbours int

	// Radius is the search radius in metres; a cell with no site within it
	// is NaN. 0 means 3 x MedianSpacing of the samples; +Inf means no
	// limit (every cell gets a value).
	Radius float64
}

// Defaults of Options.
const (
	DefaultPower        = 2
	DefaultNeighbours   = 12
	DefaultRadiusFactor = 3 // radius = DefaultRadiusFactor x median spacing
)

// coincide is the distance, as a fraction of the cell width, below which a
// cell centre is taken to lie on a site.
const coincide = 1e-9

// MedianSpacing returns the median, over the distinct sample locations, of
// the distance from each location to the nearest other one, in the units of
// x and y. Samples at the same location count as one site; samples with a NaN
// or infinite coordinate are ignored. It returns 0 when there are fewer than
// two distinct locations. It panics if len(x) != len(y).
func MedianSpacing(x, y []float64) float64 {
	if len(x) != len(y) {
		panic("idw: coordinate length mismatch")
	}
	ss, _ := merge(x, y)
	return medianSpacing(ss)
}

// DefaultCell returns a default cell size for gridding the samples: half the
// median spacing (MedianSpacing) rounded to the nearest step of the
// 1-2-5 series (..., 100, 200, 500, 1000, ...), nearest on a log scale (the
// switch points are sqrt(2), sqrt(10) and sqrt(50) times a power of ten). A
// median spacing of 2 km gives 1000 m cells, 1.3 km gives 500 m. It returns
// 0 when MedianSpacing is 0.
func DefaultCell(x, y []float64) float64 {
	return roundStep(MedianSpacing(x, y) / 2)
}

// roundStep rounds s > 0 to the nearest 1-2-5 step on a log scale.
func roundStep(s float64) float64 {
	if !(s > 0) || math.IsInf(s, 1) {
		return 0
	}
	e := math.Floor(math.Log10(s))
	p := math.Pow(10, e)
	m := s / p // in [1, 10) up to rounding
	switch {
	case m < math.Sqrt2:
		return p
	case m < math.Sqrt(10):
		return 2 * p
	case m < math.Sqrt(50):
		return 5 * p
	}
	return 10 * p
}

// Geometry returns the grid of square cells of width cell that covers the
// bounding box of the samples with finite coordinates. Cell centres lie on
// multiples of cell (so grids of one cell size from different surveys align),
// row 0 is south, and every sample falls inside a cell (grid.Geom.Locate).
// It returns the zero Geom when no sample has finite coordinates, and panics
// if cell is not positive and finite or len(x) != len(y).
func Geometry(x, y []float64, cell float64) grid.Geom {
	if len(x) != len(y) {
		panic("idw: coordinate length mismatch")
	}
	if !(cell > 0) || math.IsInf(cell, 1) {
		panic("idw: non-positive cell size")
	}
	xmin, ymin := math.Inf(1), math.Inf(1)
	xmax, ymax := math.Inf(-1), math.Inf(-1)
	for i := range x {
		if !finite(x[i]) || !finite(y[i]) {
			continue
		}
		xmin, xmax = min(xmin, x[i]), max(xmax, x[i])
		ymin, ymax = min(ymin, y[i]), max(ymax, y[i])
	}
	if xmin > xmax {
		return grid.Geom{}
	}
	// Cell m spans [(m-0.5) cell, (m+0.5) cell) and has its centre at m cell.
	c0, c1 := math.Floor(xmin/cell+0.5), math.Floor(xmax/cell+0.5)
	r0, r1 := math.Floor(ymin/cell+0.5), math.Floor(ymax/cell+0.5)
	return grid.Geom{
		Cols: int(c1-c0) + 1,
		Rows: int(r1-r0) + 1,
		X0:   (c0 - 0.5) * cell,
		Y0:   (r0 - 0.5) * cell,
		Cell: cell,
	}
}

// group is a set of layers measured at the same sites.
type group struct {
	layers []int     // stack layer indices
	has    []bool    // has[site]: the site has these layers; nil: all sites
	vals   []float64 // vals[site*len(layers)+j]: mean value of layers[j] at site
}

// Interpolate grids the samples at (x[i], y[i]) onto geom. layers[k][i] is
// the value of layer k at sample i, NaN where it was not measured; the
// returned Stack has the layers in the same order, named names. See the
// package comment for the method; opt may be nil for the defaults.
//
// Interpolate returns ErrNoSamples if no sample has finite coordinates, and
// ErrZeroSpacing if opt.Radius is 0 and all samples share one location. A
// layer with no value at all comes out as all NaN. Interpolate panics if
// x, y and every layer do not have the same length, if names and layers
// differ in length or are empty, if geom has a non-positive size, or if an
// option is negative or NaN.
func Interpolate(geom grid.Geom, x, y []float64, layers [][]float64, names []string, opt *Options) (*grid.Stack, error) {
	if len(x) != len(y) {
		panic("idw: coordinate length mismatch")
	}
	if len(layers) == 0 || len(layers) != len(names) {
		panic("idw: layer and name count mismatch")
	}
	for _, l := range layers {
		if len(l) != len(x) {
			panic("idw: layer length mismatch")
		}
	}
	var o Options
	if opt != nil {
		o = *opt
	}
	if !(o.Power >= 0) || o.Neighbours < 0 || !(o.Radius >= 0) || math.IsInf(o.Power, 0) {
		panic("idw: negative option")
	}
	if o.Power == 0 {
		o.Power = DefaultPower
	}
	if o.Neighbours == 0 {
		o.Neighbours = DefaultNeighbours
	}

	ss, members := merge(x, y)
	if len(ss) == 0 {
		return nil, ErrNoSamples
	}
	if o.Radius == 0 {
		ms := medianSpacing(ss)
		if ms == 0 {
			return nil, ErrZeroSpacing
		}
		o.Radius = DefaultRadiusFactor * ms
	}
	out := grid.NewStack(geom, names) // panics on a bad geometry; NaN filled

	o.Neighbours = min(o.Neighbours, len(ss)) // keeper arrays no larger than needed
	groups := makeGroups(ss, members, layers)
	if len(groups) > 0 {
		interpolate(out, newTree(ss), groups, &o)
	}
	return out, nil
}

// makeGroups computes the per-site layer means and gathers the layers that
// are present at exactly the same sites into one group.
func makeGroups(ss []site, members [][]int, layers [][]float64) []*group {
	ns := len(ss)
	mean := make([]float64, ns) // one layer's site values
	byPattern := make(map[string]*group)
	var groups []*group
	pattern := make([]byte, ns)
	siteVals := make([][]float64, len(layers))
	for k, l := range layers {
		present := 0
		for s, m := range members {
			var sum float64
			n := 0
			for _, i := range m {
				if v := l[i]; finite(v) {
					sum += v
					n++
				}
			}
			if n == 0 {
				mean[s] = math.NaN()
				pattern[s] = 0
				continue
			}
			mean[s] = sum / float64(n)
			pattern[s] = 1
			present++
		}
		if present == 0 {
			continue // stays NaN
		}
		siteVals[k] = append([]float64(nil), mean...)
		key := string(pattern)
		g, ok := byPattern[key]
		if !ok {
			g = &group{}
			byPattern[key] = g
			groups = append(groups, g)
			if present < ns {
				g.has = make([]bool, ns)
				for s, b := range pattern {
					g.has[s] = b == 1
				}
			}
		}
		g.layers = append(g.layers, k)
	}
	for _, g := range groups {
		nl := len(g.layers)
		g.vals = make([]float64, ns*nl)
		for j, k := range g.layers {
			for s, v := range siteVals[k] {
				g.vals[s*nl+j] = v // NaN where !has[s]: never read
			}
		}
	}
	return groups
}

// interpolate fills out from the sites in tree, one tree walk per cell for
// all groups.
func interpolate(out *grid.Stack, tree *kdtree.Tree, groups []*group, o *Options) {
	d := out.D()
	eps := coincide * out.Cell
	eps2 := eps * eps
	has := make([][]bool, len(groups))
	maxL := 0
	for i, g := range groups {
		has[i] = g.has
		maxL = max(maxL, len(g.layers))
	}
	s := newSearcher(o.Neighbours, o.Radius*o.Radius, has)
	acc := make([]float64, maxL)
	h := out.Height()
	halfPower := o.Power / 2
	for r := 0; r < out.Rows; r++ {
		cy := out.Y0 + (float64(r)+0.5)*h
		for c := 0; c < out.Cols; c++ {
			cx := out.X0 + (float64(c)+0.5)*out.Cell
			cell := out.Data[(r*out.Cols+c)*d : (r*out.Cols+c+1)*d]
			s.find(tree, cx, cy)
			for gi, g := range groups {
				kp := &s.ks[gi]
				if kp.k == 0 {
					continue // no site within the radius: NaN
				}
				nl := len(g.layers)
				a := acc[:nl]
				clear(a)
				var sw float64
				if kp.d2[0] < eps2 {
					// On a site: mean of the sites that close (usually one).
					for i := 0; i < kp.k && kp.d2[i] < eps2; i++ {
						v := g.vals[kp.id[i]*nl : (kp.id[i]+1)*nl]
						for j := range a {
							a[j] += v[j]
						}
						sw++
					}
				} else {
					// Weights relative to the nearest site, (d_0/d_i)^p <= 1:
					// the same ratios as 1/d_i^p without overflow.
					d0 := kp.d2[0]
					for i := 0; i < kp.k; i++ {
						var w float64
						if halfPower == 1 {
							w = d0 / kp.d2[i]
						} else {
							w = math.Pow(d0/kp.d2[i], halfPower)
						}
						v := g.vals[kp.id[i]*nl : (kp.id[i]+1)*nl]
						for j := range a {
							a[j] += w * v[j]
						}
						sw += w
					}
				}
				inv := 1 / sw
				for j, k := range g.layers {
					cell[k] = float32(a[j] * inv)
				}
			}
		}
	}
}
