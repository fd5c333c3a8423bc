package detect

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"halo/core/grid"
)

// The nanling-li experiment scores about 10^8 pairs: run it with
//
//	go test ./core/detect -run Nanling -nanling -v
var (
	nanlingFlag = flag.Bool("nanling", false, "run the fast-vs-exact experiment on shared/data/nanling-li")
	coarseFlag  = flag.Bool("coarse", false, "with -nanling: also report bilinear interpolation from coarse centres")
)

// nanlingDir is shared/data/nanling-li beside the module root.
const nanlingDir = "../../../shared/data/nanling-li"

// Cell size of nanling-li (shared/data/README.md): 4,243.9 m by 4,178.9 m.
const (
	nanlingCellX = 4243.9
	nanlingCellY = 4178.9
)

// loadNanling reads grid.csv into a stack of clr coordinates, z-scored per
// layer, on the lattice of its x, y cell centres (row 0 south), and returns
// the distinct deposit cells of deposits.csv.
func loadNanling(t testing.TB) (*grid.Stack, []int) {
	f, err := os.Open(filepath.Join(nanlingDir, "grid.csv"))
	if os.IsNotExist(err) {
		t.Skip("shared/data/nanling-li not found")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd := csv.NewReader(f)
	head, err := rd.Read()
	if err != nil {
		t.Fatal(err)
	}
	names := head[6:]
	d := len(names)
	type rec struct {
		x, y float64
		v    []float64
	}
	var recs []rec
	xmin, ymin := math.Inf(1), math.Inf(1)
	xmax, ymax := math.Inf(-1), math.Inf(-1)
	for {
		row, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var r rec
		r.x, _ = strconv.ParseFloat(row[2], 64)
		r.y, _ = strconv.ParseFloat(row[3], 64)
		r.v = make([]float64, d)
		for k := range r.v {
			if r.v[k], err = strconv.ParseFloat(row[6+k], 64); err != nil {
				t.Fatal(err)
			}
		}
		xmin, xmax = min(xmin, r.x), max(xmax, r.x)
		ymin, ymax = min(ymin, r.y), max(ymax, r.y)
		recs = append(recs, r)
	}
	g := grid.Geom{
		Cols:  int(math.Round((xmax-xmin)/nanlingCellX)) + 1,
		Rows:  int(math.Round((ymax-ymin)/nanlingCellY)) + 1,
		X0:    xmin - nanlingCellX/2,
		Y0:    ymin - nanlingCellY/2,
		Cell:  nanlingCellX,
		CellY: nanlingCellY,
	}
	s := grid.NewStack(g, names)
	clr := make([]float64, d)
	for _, r := range recs {
		c, q, ok := g.Locate(r.x, r.y)
		if !ok {
			t.Fatalf("cell centre %v, %v off the lattice", r.x, r.y)
		}
		var mean float64
		for k, v := range r.v {
			clr[k] = math.Log(v)
			mean += clr[k]
		}
		mean /= float64(d)
		out := s.CellValues(g.Index(c, q))
		for k := range out {
			out[k] = float32(clr[k] - mean)
		}
	}
	// z-score per layer over the valid cells.
	mask := s.Mask()
	for k := 0; k < d; k++ {
		var sum, sum2 float64
		n := 0
		for i, ok := range mask {
			if ok {
				v := float64(s.Data[i*d+k])
				sum += v
				sum2 += v * v
				n++
			}
		}
		m := sum / float64(n)
		sd := math.Sqrt(sum2/float64(n) - m*m)
		for i, ok := range mask {
			if ok {
				s.Data[i*d+k] = float32((float64(s.Data[i*d+k]) - m) / sd)
			}
		}
	}

	df, err := os.Open(filepath.Join(nanlingDir, "deposits.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer df.Close()
	rows, err := csv.NewReader(df).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	var dep []int
	for _, row := range rows[1:] {
		x, _ := strconv.ParseFloat(row[3], 64)
		y, _ := strconv.ParseFloat(row[4], 64)
		c, q, ok := g.Locate(x, y)
		if !ok {
			continue
		}
		i := g.Index(c, q)
		if !seen[i] && mask[i] {
			seen[i] = true
			dep = append(dep, i)
		}
	}
	return s, dep
}

// ranks returns the mid-ranks (ties averaged) of v.
func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && v[idx[j]] == v[idx[i]] {
			j++
		}
		mid := float64(i+j+1) / 2
		for k := i; k < j; k++ {
			r[idx[k]] = mid
		}
		i = j
	}
	return r
}

// spearman returns the rank correlation of a and b over the cells where
// both are finite.
func spearman(a, b []float32) float64 {
	var x, y []float64
	for i := range a {
		if !math.IsNaN(float64(a[i])) && !math.IsNaN(float64(b[i])) {
			x = append(x, float64(a[i]))
			y = append(y, float64(b[i]))
		}
	}
	rx, ry := ranks(x), ranks(y)
	var mx, my float64
	for i := range rx {
		mx += rx[i]
		my += ry[i]
	}
	mx /= float64(len(rx))
	my /= float64(len(ry))
	var sxy, sxx, syy float64
	for i := range rx {
		sxy += (rx[i] - mx) * (ry[i] - my)
		sxx += (rx[i] - mx) * (rx[i] - mx)
		syy += (ry[i] - my) * (ry[i] - my)
	}
	return sxy / math.Sqrt(sxx*syy)
}

// auc is the Mann-Whitney AUC with ties counted one half: positives are the
// cells pos, negatives every other cell with a finite score.
func auc(score []float32, pos []int) float64 {
	isPos := map[int]bool{}
	for _, i := range pos {
		isPos[i] = true
	}
	var all []float64
	var flag []bool
	for i, v := range score {
		if !math.IsNaN(float64(v)) {
			all = append(all, float64(v))
			flag = append(flag, isPos[i])
		}
	}
	r := ranks(all)
	var sum float64
	np := 0
	for i, p := range flag {
		if p {
			sum += r[i]
			np++
		}
	}
	nn := len(all) - np
	return (sum - float64(np*(np+1))/2) / float64(np*nn)
}

// TestAUC checks the helper on a hand-computed case: scores 1 2 2 3 with
// positives {2 (the second), 3}: pairs (pos > neg) 1+0.5 and 1+1 -> 3.5/4.
func TestAUC(t *testing.T) {
	if got := auc([]float32{1, 2, 2, 3}, []int{1, 3}); math.Abs(got-3.5/4) > 1e-12 {
		t.Errorf("auc = %v, want 0.875", got)
	}
	if got := spearman([]float32{1, 2, 3, 4}, []float32{10, 20, 30, 25}); math.Abs(got-0.8) > 1e-12 {
		t.Errorf("spearman = %v, want 0.8", got) // 1 - 6*2/(4*15)
	}
}

// Targets of the fast mode against exact (brief of core/detect): rank
// correlation at least 0.99, AUC within 0.005.
const (
	minSpearman = 0.99
	maxDeltaAUC = 0.005
)

func TestNanlingFastVsExact(t *testing.T) {
	if !*nanlingFlag {
		t.Skip("run with -nanling (heavy: about 10^8 pair scores)")
	}
	s, dep := loadNanling(t)
	t.Logf("nanling-li: %d x %d cells, %d valid, D = %d, %d deposit cells", s.Cols, s.Rows, len(s.ValidCells()), s.D(), len(dep))
	ctx := context.Background()
	scorers := []struct {
		name string
		sc   PairScorer
	}{
		{"mlp39-32-1 seed 1", newMLP(s.D(), 32, 1)},
		{"mlp39-32-1 seed 5", newMLP(s.D(), 32, 5)},
		{"linear-L1", newLinear(s.D(), 2)},
		{"sharp-L1", sharpLinear(s.D(), 3, 6)},
	}
	for _, win := range [][2]int{{13, 35}, {5, 9}} {
		for _, sco := range scorers {
			exact := grid.New(s.Geom)
			start := time.Now()
			if err := Detect(ctx, exact, s, sco.sc, &Options{Inner: win[0], Outer: win[1], Exact: true}, nil); err != nil {
				t.Fatal(err)
			}
			te := time.Since(start)
			nExact := Pairs(s, nil, &Options{Inner: win[0], Outer: win[1], Exact: true})
			aucExact := auc(exact.Data, dep)
			t.Logf("%v %s exact: %d pairs, %.1fs, AUC %.4f", win, sco.name, nExact, te.Seconds(), aucExact)
			for _, step := range []int{0, 2, 6, 8} { // 0: the defaults
				opt := &Options{Inner: win[0], Outer: win[1], RingStep: step}
				fast := grid.New(s.Geom)
				start := time.Now()
				if err := Detect(ctx, fast, s, sco.sc, opt, nil); err != nil {
					t.Fatal(err)
				}
				tf := time.Since(start)
				n := Pairs(s, nil, opt)
				rho, da := spearman(exact.Data, fast.Data), auc(fast.Data, dep)-aucExact
				t.Logf("%v %s RingStep %d ShellScale %d: pairs exact/fast %.2f (time %.2f), Spearman %.4f, AUC %.4f (d %+.4f)",
					win, sco.name, opt.defaults().RingStep, opt.defaults().ShellScale, float64(nExact)/float64(n),
					te.Seconds()/tf.Seconds(), rho, auc(fast.Data, dep), da)
				if step == 0 && (rho < minSpearman || math.Abs(da) > maxDeltaAUC) {
					t.Errorf("%v %s defaults: Spearman %.4f (min %v), dAUC %+.4f (max %v)", win, sco.name, rho, minSpearman, da, maxDeltaAUC)
				}
			}
			if *coarseFlag {
				coarseProbe(t, s, exact, dep, aucExact)
			}
		}
	}
}

// coarseProbe reports how well bilinear interpolation from every 2nd centre
// reproduces the exact map, before any refinement.
func coarseProbe(t *testing.T, s *grid.Stack, exact *grid.Grid, dep []int, aucExact float64) {
	for _, st := range []int{2, 3} {
		out := grid.New(s.Geom)
		copy(out.Data, exact.Data)
		for r := 0; r < s.Rows; r++ {
			for c := 0; c < s.Cols; c++ {
				if r%st == 0 && c%st == 0 {
					continue
				}
				r0, c0 := r/st*st, c/st*st
				r1, c1 := r0+st, c0+st
				if r1 >= s.Rows || c1 >= s.Cols {
					continue
				}
				fr, fc := float64(r-r0)/float64(st), float64(c-c0)/float64(st)
				v := (1-fr)*(1-fc)*float64(exact.At(c0, r0)) + (1-fr)*fc*float64(exact.At(c1, r0)) +
					fr*(1-fc)*float64(exact.At(c0, r1)) + fr*fc*float64(exact.At(c1, r1))
				if !math.IsNaN(v) {
					out.Set(c, r, float32(v))
				}
			}
		}
		t.Logf("  coarse centres every %d, bilinear, no refinement: Spearman %.4f, AUC %.4f (d %+.4f)",
			st, spearman(exact.Data, out.Data), auc(out.Data, dep), auc(out.Data, dep)-aucExact)
	}
}

// paperWindows are the Fe paper's eight window pairs (Fig. 8, Fig. 9).
var paperWindows = [][2]int{{5, 7}, {5, 9}, {5, 11}, {5, 13}, {7, 35}, {9, 35}, {11, 35}, {13, 35}}

var exploreFlag = flag.Bool("explore", false, "with -nanling: sweep fast-mode settings over the paper's windows")

// TestNanlingExplore compares fast-mode settings over the paper's eight
// windows with Sweep, for several random networks.
func TestNanlingExplore(t *testing.T) {
	if !*nanlingFlag || !*exploreFlag {
		t.Skip("run with -nanling -explore")
	}
	s, dep := loadNanling(t)
	ctx := context.Background()
	for _, sco := range []struct {
		name string
		sc   PairScorer
	}{
		{"mlp seed 1", newMLP(s.D(), 32, 1)},
		{"mlp seed 5", newMLP(s.D(), 32, 5)},
		{"sharp-L1", sharpLinear(s.D(), 3, 6)},
	} {
		exact, err := Sweep(ctx, s, sco.sc, paperWindows, &Options{Exact: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		nExact := Pairs(s, paperWindows, &Options{Exact: true})
		var aucs []float64
		line := ""
		for w := range paperWindows {
			aucs = append(aucs, auc(exact[w].Data, dep))
			line += fmt.Sprintf(" %.3f", aucs[w])
		}
		t.Logf("%s exact AUC:%s", sco.name, line)
		// The stride on the shell of radius r is min(step, max(1, r²/shell));
		// {8, 8} is the default.
		for _, set := range []struct{ step, shell int }{
			{4, 4}, {8, 8}, {8, 16}, {8, 4}, {12, 8},
		} {
			opt := &Options{RingStep: set.step, ShellScale: set.shell}
			fast, err := Sweep(ctx, s, sco.sc, paperWindows, opt, nil)
			if err != nil {
				t.Fatal(err)
			}
			worstRho, worstD := 1.0, 0.0
			line := ""
			for w, win := range paperWindows {
				rho := spearman(exact[w].Data, fast[w].Data)
				da := auc(fast[w].Data, dep) - aucs[w]
				worstRho = min(worstRho, rho)
				if math.Abs(da) > math.Abs(worstD) {
					worstD = da
				}
				sp := float64(Pairs(s, [][2]int{win}, &Options{Exact: true})) / float64(Pairs(s, [][2]int{win}, opt))
				line += fmt.Sprintf(" %v x%.1f %.4f %+.4f;", win, sp, rho, da)
			}
			t.Logf("%s RingStep %d ShellScale %d: sweep pairs exact/fast %.2f, worst Spearman %.4f, worst dAUC %+.4f:%s",
				sco.name, set.step, set.shell, float64(nExact)/float64(Pairs(s, paperWindows, opt)), worstRho, worstD, line)
		}
	}
}

// TestNanlingBandPairs: the network evaluations when the rows are split
// into n bands each scored on its own (Options.Rows, the pools' split
// before Detector chunks), against one pass, which any chunking of a
// Detector matches: the pairs across a band's edges are scored by both
// bands. Counting only, seconds:
//
//	go test ./core/detect -run NanlingBandPairs -nanling -v
func TestNanlingBandPairs(t *testing.T) {
	if !*nanlingFlag {
		t.Skip("run with -nanling")
	}
	s, _ := loadNanling(t)
	for _, exact := range []bool{false, true} {
		o := Options{Inner: 13, Outer: 35, Exact: exact}
		one := Pairs(s, nil, &o)
		for _, n := range []int{2, 4, 8} {
			bands := 0
			for w := range n {
				b := o
				b.Rows = [2]int{w * s.Rows / n, (w + 1) * s.Rows / n}
				bands += Pairs(s, nil, &b)
			}
			if bands <= one {
				t.Errorf("exact=%v, %d bands: %d evaluations, one pass %d: want more", exact, n, bands, one)
			}
			t.Logf("(13,35) exact=%v, %d bands: %d evaluations, one pass %d: +%.1f%%", exact, n, bands, one, 100*float64(bands-one)/float64(one))
		}
	}
}
