package baseline

import (
	"encoding/csv"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"halo/core/eval"
	"halo/core/grid"
)

// plantedStack returns a 90x80 two-layer stack (7,200 cells, above the
// 5,000-cell fit sample) of correlated Gaussian values with no-data holes and
// 20 anomalous cells.
func plantedStack(rng *rand.Rand) (s *grid.Stack, anomalies []int) {
	g := grid.Geom{Cols: 90, Rows: 80, Cell: 100}
	s = grid.NewStack(g, []string{"ilr1", "ilr2"})
	for i := range g.Len() {
		if i%37 == 5 {
			continue // no data
		}
		a, b := rng.NormFloat64(), rng.NormFloat64()
		v := s.CellValues(i)
		v[0], v[1] = float32(a), float32(0.8*a+0.6*b)
	}
	for len(anomalies) < 20 {
		i := rng.IntN(g.Len())
		if i%37 == 5 || slices.Contains(anomalies, i) {
			continue
		}
		v := s.CellValues(i)
		v[0], v[1] = 3, -3 // 4.2 sd off the correlation line
		anomalies = append(anomalies, i)
	}
	slices.Sort(anomalies)
	return s, anomalies
}

func TestRobustMahalanobis(t *testing.T) {
	s, anomalies := plantedStack(rand.New(rand.NewPCG(10, 10)))
	score, err := RobustMahalanobis(s, rand.New(rand.NewPCG(11, 11)), nil)
	if err != nil {
		t.Fatal(err)
	}
	mask := s.Mask()
	for i, v := range score.Data {
		if mask[i] == math.IsNaN(float64(v)) {
			t.Fatalf("cell %d: valid %v, score %v", i, mask[i], v)
		}
	}
	if auc := eval.AUC(score.Data, anomalies); auc != 1 {
		t.Errorf("AUC of the planted anomalies = %v, want 1", auc)
	}
	again, err := RobustMahalanobis(s, rand.New(rand.NewPCG(11, 11)), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range score.Data {
		if a, b := score.Data[i], again.Data[i]; a != b && !(math.IsNaN(float64(a)) && math.IsNaN(float64(b))) {
			t.Fatalf("same seed, cell %d: %v then %v", i, a, b)
		}
	}

	empty := grid.NewStack(grid.Geom{Cols: 3, Rows: 3, Cell: 1}, []string{"a"})
	if _, err := RobustMahalanobis(empty, rand.New(rand.NewPCG(1, 1)), nil); !errors.Is(err, ErrTooFewRows) {
		t.Errorf("no valid cells: error %v, want ErrTooFewRows", err)
	}
}

func TestSingleElement(t *testing.T) {
	s := grid.NewStack(grid.Geom{Cols: 2, Rows: 2, Cell: 1}, []string{"Cu", "Li"})
	copy(s.Data, []float32{1, 10, 2, float32(math.Inf(1)), 3, 30, float32(math.NaN()), 40})
	g, err := SingleElement(s, "Li")
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{10, float32(math.NaN()), 30, 40}
	for i := range want {
		if g.Data[i] != want[i] && !(math.IsNaN(float64(g.Data[i])) && math.IsNaN(float64(want[i]))) {
			t.Errorf("cell %d = %v, want %v", i, g.Data[i], want[i])
		}
	}
	if _, err := SingleElement(s, "Au"); !errors.Is(err, ErrNoLayer) {
		t.Errorf("missing layer: error %v, want ErrNoLayer", err)
	}
}

// dataDir returns ../shared/data/name beside the module root, or skips.
func dataDir(t testing.TB, name string) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("module root not found")
		}
		dir = parent
	}
	d := filepath.Join(dir, "..", "shared", "data", name)
	if _, err := os.Stat(d); err != nil {
		t.Skipf("shared data missing: %v", err)
	}
	return d
}

func readCSV(t testing.TB, path string) (header []string, rows [][]float64) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err = r.Read()
	if err != nil {
		t.Fatal(err)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		row := make([]float64, len(rec))
		for i, s := range rec {
			if row[i], err = strconv.ParseFloat(s, 64); err != nil {
				t.Fatal(err)
			}
		}
		rows = append(rows, row)
	}
	return header, rows
}

// pivotILR writes the pivot ilr coordinates of the composition x
// (METHODS.md section 1): z_i = sqrt((D-i)/(D-i+1)) ln(x_i / g(x_{i+1..D})).
func pivotILR(dst []float32, x []float64) {
	D := len(x)
	for i := range D - 1 {
		var lg float64
		for _, v := range x[i+1:] {
			lg += math.Log(v)
		}
		lg /= float64(D - i - 1)
		k := float64(D - i - 1)
		dst[i] = float32(math.Sqrt(k/(k+1)) * (math.Log(x[i]) - lg))
	}
}

// TestNanlingLi scores the real nanling-li grid (39 elements, ilr) and its
// 23 Li deposits. The Mahalanobis distance is affine invariant, so the units
// of the parts do not matter. Reference: ANCHORS.md gives deposit-cell AUC
// 0.941 (top 5% of area: 57% of deposits) for scikit-learn's MinCovDet on
// clr, whose covariance is singular; this package on ilr measured 0.918-0.923
// over seeds 0-3 (0.923 fitting all 20,460 cells, 0.958 with Support 1, i.e.
// the classical estimate reweighted).
func TestNanlingLi(t *testing.T) {
	if testing.Short() {
		t.Skip("real data: about 1.5 s of CPU")
	}
	dir := dataDir(t, "nanling-li")
	header, rows := readCSV(t, filepath.Join(dir, "grid.csv"))
	const first = 6 // row,col,x,y,lon,lat then elements
	D := len(header) - first
	var maxRow, maxCol int
	for _, r := range rows {
		maxRow, maxCol = max(maxRow, int(r[0])), max(maxCol, int(r[1]))
	}
	// Cell size from two far-apart cells; file row 0 is north.
	a, b := rows[0], rows[len(rows)-1]
	cw := (b[2] - a[2]) / (b[1] - a[1])
	ch := (a[3] - b[3]) / (b[0] - a[0])
	g := grid.Geom{Cols: maxCol + 1, Rows: maxRow + 1, Cell: cw, CellY: ch}
	g.X0 = a[2] - (a[1]+0.5)*cw
	g.Y0 = a[3] - (float64(maxRow)-a[0]+0.5)*ch
	names := make([]string, D-1)
	for i := range names {
		names[i] = "ilr" + strconv.Itoa(i+1)
	}
	s := grid.NewStack(g, names)
	li := grid.NewStack(g, []string{"Li"})
	liCol := slices.Index(header, "Li")
	for _, r := range rows {
		i := g.Index(int(r[1]), maxRow-int(r[0]))
		if c, rr, _ := g.Locate(r[2], r[3]); c != int(r[1]) || rr != maxRow-int(r[0]) {
			t.Fatalf("cell centre (%v, %v) not in cell (%v, %v)", r[2], r[3], r[1], r[0])
		}
		pivotILR(s.CellValues(i), r[first:])
		li.CellValues(i)[0] = float32(r[liCol])
	}

	score, err := RobustMahalanobis(s, rand.New(rand.NewPCG(1, 2)), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, deps := readCSV(t, filepath.Join(dir, "deposits.csv"))
	xs, ys := make([]float64, len(deps)), make([]float64, len(deps))
	for i, d := range deps {
		xs[i], ys[i] = d[3], d[4]
	}
	cells, _ := eval.DepositCells(g, xs, ys)
	auc := eval.AUC(score.Data, cells)
	aucLab := eval.AUC(score.Data, eval.LabelledCells(g, cells, s.Mask()))
	capt := eval.Capture(score.Data, cells, []float64{5, 15, 30})
	t.Logf("nanling-li MCD on ilr: AUC %.3f (3x3 labels %.3f), deposits in top 5/15/30%%: %.2f %.2f %.2f",
		auc, aucLab, capt[0], capt[1], capt[2])
	const floor = 0.90 // measured 0.918-0.923 (see above), less a margin for the seed
	if auc < floor {
		t.Errorf("AUC %.3f below %.2f", auc, floor)
	}

	// Single element Li: ANCHORS.md (and data/README.md) measured deposit-cell
	// AUC 0.898; no randomness, so the same number to 3 decimals.
	liScore, err := SingleElement(li, "Li")
	if err != nil {
		t.Fatal(err)
	}
	const liAnchor, anchorTol = 0.898, 0.0005
	if auc := eval.AUC(liScore.Data, cells); math.Abs(auc-liAnchor) > anchorTol {
		t.Errorf("single element Li: AUC %.4f, ANCHORS.md %.3f", auc, liAnchor)
	}
	// With the 3x3 labelled cells as positives ANCHORS.md gives 0.84 (two
	// decimals).
	const liLabelled, labelledTol = 0.84, 0.005
	if auc := eval.AUC(liScore.Data, eval.LabelledCells(g, cells, s.Mask())); math.Abs(auc-liLabelled) > labelledTol {
		t.Errorf("single element Li, 3x3 labels: AUC %.4f, ANCHORS.md %.2f", auc, liLabelled)
	}
}
