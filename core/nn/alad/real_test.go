package alad

import (
	"context"
	"encoding/csv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// dataDir is shared/data beside the module root (core/nn/alad is three
// levels below the root).
var dataDir = filepath.Join("..", "..", "..", "..", "shared", "data")

// loadNanling reads shared/data/nanling-li: the gridded cells, clr of the
// chosen elements (all 39 when elems is nil; zeros replaced by half the
// column's least positive value), each column standardised, and the labels
// of the cells that hold a deposit (cells of 4,243.9 m x 4,178.9 m, README).
func loadNanling(tb testing.TB, elems []string) (x []float32, d int, pos []bool) {
	tb.Helper()
	dir := filepath.Join(dataDir, "nanling-li")
	read := func(name string) [][]string {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			tb.Skipf("shared data not available: %v", err)
		}
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil {
			tb.Fatal(err)
		}
		return recs
	}
	grid, deps := read("grid.csv"), read("deposits.csv")
	head := grid[0]
	var cols []int
	for j, h := range head[6:] {
		if elems == nil || slices.Contains(elems, h) {
			cols = append(cols, j+6)
		}
	}
	d = len(cols)
	n := len(grid) - 1
	v := make([]float64, n*d)
	cx, cy := make([]float64, n), make([]float64, n)
	for i, r := range grid[1:] {
		cx[i], _ = strconv.ParseFloat(r[2], 64)
		cy[i], _ = strconv.ParseFloat(r[3], 64)
		for k, j := range cols {
			v[i*d+k], _ = strconv.ParseFloat(r[j], 64)
		}
	}
	for k := range d {
		least := math.Inf(1)
		for i := range n {
			if x := v[i*d+k]; x > 0 && x < least {
				least = x
			}
		}
		for i := range n {
			if v[i*d+k] <= 0 {
				v[i*d+k] = least / 2
			}
		}
	}
	for i := range n {
		row := v[i*d : (i+1)*d]
		var m float64
		for k := range row {
			row[k] = math.Log(row[k])
			m += row[k]
		}
		m /= float64(d)
		for k := range row {
			row[k] -= m
		}
	}
	x = make([]float32, n*d)
	for k := range d {
		var s, ss float64
		for i := range n {
			s += v[i*d+k]
		}
		mean := s / float64(n)
		for i := range n {
			ss += (v[i*d+k] - mean) * (v[i*d+k] - mean)
		}
		sd := math.Sqrt(ss / float64(n))
		for i := range n {
			x[i*d+k] = float32((v[i*d+k] - mean) / sd)
		}
	}
	pos = make([]bool, n)
	const w, h = 4243.9, 4178.9
	for _, r := range deps[1:] {
		px, _ := strconv.ParseFloat(r[3], 64)
		py, _ := strconv.ParseFloat(r[4], 64)
		for i := range n {
			if math.Abs(px-cx[i]) <= w/2 && math.Abs(py-cy[i]) <= h/2 {
				pos[i] = true
			}
		}
	}
	return x, d, pos
}

// BenchmarkNanlingLi trains ALAD on the real nanling-li grid (clr,
// standardised) and reports the AUC of the deposit cells against all other
// cells. ANCHORS.md: robust Mahalanobis 0.941 (39 el.), 0.937 (Ag Bi Mo Sn W).
// Heavy: run with -benchtime 1x.
func BenchmarkNanlingLi(b *testing.B) {
	w5 := []string{"Ag", "Bi", "Mo", "Sn", "W"}
	for _, bc := range []struct {
		name  string
		elems []string
		arch  Arch
		ep    int
		lr    float64
		pat   int
	}{
		{"default/39el", nil, DefaultArch(), 10, 0, 0},
		{"default/AgBiMoSnW", w5, DefaultArch(), 10, 0, 0},
		{"default/39el/lr=1e-3", nil, DefaultArch(), 10, 1e-3, 0},
		{"default/AgBiMoSnW/lr=1e-3", w5, DefaultArch(), 10, 1e-3, 0},
		{"default/39el/ep=30", nil, DefaultArch(), 30, 0, 0},
		{"default/AgBiMoSnW/ep=30", w5, DefaultArch(), 30, 0, 0},
		{"default/AgBiMoSnW/patience=3", w5, DefaultArch(), 30, 0, 3},
		{"default/39el/patience=3", nil, DefaultArch(), 30, 0, 3},
		{"paper/39el", nil, PaperArch(), 10, 0, 0},
		{"paper/AgBiMoSnW", w5, PaperArch(), 10, 0, 0},
	} {
		b.Run(bc.name, func(b *testing.B) {
			x, d, pos := loadNanling(b, bc.elems)
			cfg := Config{Arch: bc.arch, Epochs: bc.ep, LR: bc.lr, SamplesPerEpoch: 10000, SpectralNorm: true, Patience: bc.pat}
			var a float64
			var h History
			for range b.N {
				var m *Model
				var err error
				m, h, err = Train(context.Background(), x, d, cfg, rand.New(rand.NewPCG(1, 2)), nil)
				if err != nil {
					b.Fatal(err)
				}
				a = auc(m.Score(nil, x), pos)
			}
			nPos := 0
			for _, p := range pos {
				if p {
					nPos++
				}
			}
			b.ReportMetric(a, "AUC")
			b.ReportMetric(float64(nPos), "deposit-cells")
			b.ReportMetric(float64(len(h.Epochs)), "epochs")
		})
	}
}
