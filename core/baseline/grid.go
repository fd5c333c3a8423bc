package baseline

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"

	"halo/core/grid"
)

// fitCells is the most cells RobustMahalanobis fits the MCD on. Interpolated
// grids are highly redundant, and FastMCD's final C-steps cost O(n p²) each,
// so a random sample of 5,000 cells fixes the covariance well while every
// cell is still scored.
const fitCells = 5000

// scoreBlock is the number of cells scored per block, bounding the float64
// copy of the stack held at once.
const scoreBlock = 4096

// RobustMahalanobis returns the robust Mahalanobis distance of every valid
// cell of s (all layers finite) from an MCD fit, not squared (the ranks are
// those of the squared distance), with NaN in the other cells. The fit uses
// all valid cells when there are at most 5,000, and otherwise 5,000 valid
// cells drawn at random from rng. Pass ilr coordinates: clr coordinates sum
// to zero and give ErrSingular. The errors are those of FitMCD.
func RobustMahalanobis(s *grid.Stack, rng *rand.Rand, opt *MCDOptions) (*grid.Grid, error) {
	valid := s.ValidCells()
	p := s.D()
	fit := valid
	if len(valid) > fitCells {
		fit = slices.Clone(valid)
		for i := range fitCells { // partial Fisher-Yates
			j := i + rng.IntN(len(fit)-i)
			fit[i], fit[j] = fit[j], fit[i]
		}
		fit = fit[:fitCells]
		slices.Sort(fit)
	}
	if len(fit) <= p {
		return nil, fmt.Errorf("%w: %d valid cells, %d layers", ErrTooFewRows, len(fit), p)
	}
	m, err := FitMCD(cellMatrix(nil, s, fit), rng, opt)
	if err != nil {
		return nil, err
	}

	out := grid.New(s.Geom)
	var buf []float64
	var d []float64
	for b := 0; b < len(valid); b += scoreBlock {
		cells := valid[b:min(b+scoreBlock, len(valid))]
		buf = slices.Grow(buf[:0], len(cells)*p)[:len(cells)*p]
		x := cellMatrix(buf, s, cells)
		d = m.Distances(slices.Grow(d[:0], len(cells))[:len(cells)], x)
		for i, c := range cells {
			out.Data[c] = float32(math.Sqrt(d[i]))
		}
	}
	return out, nil
}

// cellMatrix returns the layers of the given cells as rows of a matrix,
// backed by buf when it is long enough.
func cellMatrix(buf []float64, s *grid.Stack, cells []int) *mat.Dense {
	p := s.D()
	if len(buf) < len(cells)*p {
		buf = make([]float64, len(cells)*p)
	}
	buf = buf[:len(cells)*p]
	for i, c := range cells {
		for j, v := range s.CellValues(c) {
			buf[i*p+j] = float64(v)
		}
	}
	return mat.NewDense(len(cells), p, buf)
}

// SingleElement returns layer name of s as a score grid (high = anomalous),
// with NaN for no data (a non-finite value). It returns an error wrapping
// ErrNoLayer if the stack has no such layer.
func SingleElement(s *grid.Stack, name string) (*grid.Grid, error) {
	k := slices.Index(s.Names, name)
	if k < 0 {
		return nil, fmt.Errorf("%w %q (layers: %v)", ErrNoLayer, name, s.Names)
	}
	g := s.Layer(k)
	nan := float32(math.NaN())
	for i, v := range g.Data {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			g.Data[i] = nan
		}
	}
	return g, nil
}
