package idw

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"halo/core/grid"
)

// dataDir is the shared real-data folder beside the module root.
var dataDir = filepath.Join("..", "..", "..", "shared", "data")

// readColumns reads the named numeric columns of a CSV file; empty cells and
// text that is not a number are NaN. It skips the test if the file is absent.
func readColumns(t testing.TB, path string, cols ...string) [][]float64 {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		t.Skipf("%s not found (shared data not present)", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := make([][]float64, len(cols))
	for j, name := range cols {
		at := -1
		for i, h := range recs[0] {
			if h == name {
				at = i
			}
		}
		if at < 0 {
			t.Fatalf("%s: no column %q", path, name)
		}
		for _, r := range recs[1:] {
			v, err := strconv.ParseFloat(r[at], 64)
			if err != nil {
				v = math.NaN()
			}
			out[j] = append(out[j], v)
		}
	}
	return out
}

// TestKolaMoss grids the Kola moss survey (594 samples, UTM metres; see
// shared/data/README.md) with the defaults and checks what must hold on real
// data: values stay within the sample range (IDW is a convex combination),
// every cell holding a sample has a value, and a block of cells matches the
// brute-force reference, also when gridded on its own.
func TestKolaMoss(t *testing.T) {
	c := readColumns(t, filepath.Join(dataDir, "kola-moss", "moss.csv"), "XCOO", "YCOO", "Cu", "Ni", "Co", "Au")
	x, y, layers := c[0], c[1], c[2:]
	names := []string{"Cu", "Ni", "Co", "Au"}
	if len(x) != 594 {
		t.Fatalf("%d samples, want 594 (README)", len(x))
	}
	spacing := MedianSpacing(x, y)
	cell := DefaultCell(x, y)
	if !(spacing > 0) || cell != roundStep(spacing/2) {
		t.Fatalf("spacing %v, cell %v", spacing, cell)
	}
	geom := Geometry(x, y, cell)
	s, err := Interpolate(geom, x, y, layers, names, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("median spacing %.0f m, cell %.0f m, grid %d x %d", spacing, cell, geom.Cols, geom.Rows)
	for k, l := range layers {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range l {
			if !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
		tol := 1e-6 * hi
		valid := 0
		for i := 0; i < geom.Len(); i++ {
			v := float64(s.Data[i*len(layers)+k])
			if math.IsNaN(v) {
				continue
			}
			valid++
			if v < lo-tol || v > hi+tol {
				t.Errorf("%s cell %d: %v outside the sample range [%v, %v]", names[k], i, v, lo, hi)
			}
		}
		if valid == 0 || valid == geom.Len() {
			t.Errorf("%s: %d of %d cells valid: want some but not all (the survey is not a rectangle)", names[k], valid, geom.Len())
		}
		for i := range x {
			if math.IsNaN(l[i]) {
				continue
			}
			cc, r, _ := geom.Locate(x[i], y[i])
			if math.IsNaN(float64(s.Data[geom.Index(cc, r)*len(layers)+k])) {
				t.Errorf("%s: cell of sample %d has no value", names[k], i)
			}
		}
	}
	// A 12 x 9 block in the middle, gridded on its own and by brute force.
	c0, r0 := geom.Cols/2-6, geom.Rows/2-4
	sub := grid.Geom{Cols: 12, Rows: 9, X0: geom.X0 + float64(c0)*cell, Y0: geom.Y0 + float64(r0)*cell, Cell: cell}
	part, err := Interpolate(sub, x, y, layers, names, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameStack(t, "kola block", part, naive(sub, x, y, layers, names, Options{}))
	for r := 0; r < sub.Rows; r++ {
		for cc := 0; cc < sub.Cols; cc++ {
			a := part.CellValues(sub.Index(cc, r))
			b := s.CellValues(geom.Index(c0+cc, r0+r))
			for k := range a {
				if a[k] != b[k] && !(math.IsNaN(float64(a[k])) && math.IsNaN(float64(b[k]))) {
					t.Fatalf("block cell (%d, %d) layer %d: %v alone, %v in the full grid", cc, r, k, a[k], b[k])
				}
			}
		}
	}
}

// TestGSWASites checks duplicate handling on the GSWA survey: 1,392
// samples at 820 distinct locations (shared/data/README.md).
func TestGSWASites(t *testing.T) {
	c := readColumns(t, filepath.Join(dataDir, "gswa-area1", "samples_raw.csv"), "X", "Y")
	if len(c[0]) != 1392 {
		t.Fatalf("%d samples, want 1392 (README)", len(c[0]))
	}
	ss, members := merge(c[0], c[1])
	if len(ss) != 820 {
		t.Errorf("%d distinct sites, want 820 (README)", len(ss))
	}
	n := 0
	for _, m := range members {
		n += len(m)
	}
	if n != 1392 {
		t.Errorf("sites hold %d samples, want 1392", n)
	}
	if MedianSpacing(c[0], c[1]) <= 0 {
		t.Error("median spacing of distinct sites is not positive")
	}
}
