package idw

import (
	"math"
	"sort"

	"halo/core/grid"
)

// naive is the brute-force reference: for every cell and every layer it
// merges duplicate locations, measures the distance to every site that has
// the layer, sorts, and applies Shepard's formula with w = 1/d^p. It shares
// no code with Interpolate (no kd-tree, no layer groups, no relative
// weights).
func naive(geom grid.Geom, x, y []float64, layers [][]float64, names []string, o Options) *grid.Stack {
	if o.Power == 0 {
		o.Power = 2
	}
	if o.Neighbours == 0 {
		o.Neighbours = 12
	}
	type loc struct{ x, y float64 }
	type nsite struct {
		loc
		first int
		vals  [][]float64 // per layer, the finite values
	}
	var order []*nsite
	byLoc := map[loc]*nsite{}
	for i := range x {
		if math.IsNaN(x[i]) || math.IsNaN(y[i]) || math.IsInf(x[i], 0) || math.IsInf(y[i], 0) {
			continue
		}
		l := loc{x[i], y[i]}
		s, ok := byLoc[l]
		if !ok {
			s = &nsite{loc: l, first: i, vals: make([][]float64, len(layers))}
			byLoc[l] = s
			order = append(order, s)
		}
		for k := range layers {
			if v := layers[k][i]; !math.IsNaN(v) && !math.IsInf(v, 0) {
				s.vals[k] = append(s.vals[k], v)
			}
		}
	}
	if o.Radius == 0 {
		// 3 x median nearest-other-site distance, by brute force.
		var nn []float64
		for _, a := range order {
			best := math.Inf(1)
			for _, b := range order {
				if a.loc != b.loc {
					best = math.Min(best, math.Hypot(a.x-b.x, a.y-b.y))
				}
			}
			nn = append(nn, best)
		}
		sort.Float64s(nn)
		m := nn[len(nn)/2]
		if len(nn)%2 == 0 {
			m = (nn[len(nn)/2-1] + nn[len(nn)/2]) / 2
		}
		o.Radius = 3 * m
	}
	out := grid.NewStack(geom, names)
	type cand struct {
		d     float64
		first int
		v     float64
	}
	for r := 0; r < geom.Rows; r++ {
		for c := 0; c < geom.Cols; c++ {
			cx, cy := geom.CellXY(c, r)
			for k := range layers {
				var cs []cand
				for _, s := range order {
					if len(s.vals[k]) == 0 {
						continue
					}
					d := math.Hypot(cx-s.x, cy-s.y)
					if d > o.Radius {
						continue
					}
					var m float64
					for _, v := range s.vals[k] {
						m += v
					}
					cs = append(cs, cand{d, s.first, m / float64(len(s.vals[k]))})
				}
				sort.Slice(cs, func(i, j int) bool {
					if cs[i].d != cs[j].d {
						return cs[i].d < cs[j].d
					}
					return cs[i].first < cs[j].first
				})
				if len(cs) > o.Neighbours {
					cs = cs[:o.Neighbours]
				}
				if len(cs) == 0 {
					continue
				}
				var num, den float64
				if cs[0].d < 1e-9*geom.Cell {
					for _, s := range cs {
						if s.d < 1e-9*geom.Cell {
							num += s.v
							den++
						}
					}
				} else {
					for _, s := range cs {
						w := 1 / math.Pow(s.d, o.Power)
						num += w * s.v
						den += w
					}
				}
				out.Data[geom.Index(c, r)*len(layers)+k] = float32(num / den)
			}
		}
	}
	return out
}
