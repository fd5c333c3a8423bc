// Package realdata loads the real surveys of ../shared/data for the
// networks' real-data benchmarks, through the same parts the pipeline uses
// (core/survey, core/compose, core/eval), so that the networks' packages do
// not each carry a loader of their own.
package realdata

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"halo/core/compose"
	"halo/core/eval"
	"halo/core/grid"
	"halo/core/survey"
)

// Nanling reads shared/data/nanling-li (the grid and its deposits) from the
// module at root: clr of the chosen elements (all 39 when elems is nil),
// each coordinate standardised, as rows of d values for the valid cells, and
// whether each row's cell holds a deposit. It skips tb when the data are not
// there.
func Nanling(tb testing.TB, root string, elems []string) (x []float32, d int, pos []bool) {
	tb.Helper()
	dir := filepath.Join(root, "..", "shared", "data", "nanling-li")
	open := func(name string) *os.File {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			tb.Skipf("shared data not available: %v", err)
		}
		return f
	}
	gf := open("grid.csv")
	defer gf.Close()
	s, err := survey.Read(gf, &survey.Options{Elements: elems})
	if err != nil || s.Lattice == nil {
		tb.Fatalf("nanling-li grid: %v (lattice %v)", err, s != nil && s.Lattice != nil)
	}
	df := open("deposits.csv")
	defer df.Close()
	deps, err := survey.ReadDeposits(df, nil, nil)
	if err != nil {
		tb.Fatal(err)
	}
	names := make([]string, len(s.Elements))
	for k, e := range s.Elements {
		names[k] = e.Name
	}
	logs := grid.NewStack(*s.Lattice, names)
	for i, c := range s.Cell {
		for k, e := range s.Elements {
			if v := e.Values[i]; v > 0 {
				logs.Data[c*len(names)+k] = float32(math.Log(v))
			}
		}
	}
	st := compose.CLRStack(logs)
	compose.Standardise(st)
	idx := st.ValidCells()
	d = st.D()
	xs, ys := make([]float64, len(deps)), make([]float64, len(deps))
	for i, p := range deps {
		xs[i], ys[i] = p.X, p.Y
	}
	cells, inside := eval.DepositCells(st.Geom, xs, ys)
	isDep := map[int]bool{}
	for i, c := range cells {
		if inside[i] {
			isDep[c] = true
		}
	}
	for _, i := range idx {
		x = append(x, st.CellValues(i)...)
		pos = append(pos, isDep[i])
	}
	return x, d, pos
}

// ModuleRoot returns the module root from a package directory n levels
// below it ("../../.." for n = 3).
func ModuleRoot(n int) string {
	return filepath.Join(strings.Split(strings.Repeat("..,", n), ",")[:n]...)
}
