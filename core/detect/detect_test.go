package detect

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"halo/core/grid"
)

// tol is the tolerance of float32 scores against a float64 brute-force mean.
const tol = 1e-5

// randomStack returns a stack with random values and NaN holes (share
// holes of the cells; one layer missing is enough to invalidate a cell).
func randomStack(cols, rows, d int, holes float64, seed uint64) *grid.Stack {
	rng := rand.New(rand.NewPCG(seed, 9))
	names := make([]string, d)
	for k := range names {
		names[k] = string(rune('a' + k))
	}
	s := grid.NewStack(grid.Geom{Cols: cols, Rows: rows, Cell: 100}, names)
	for i := range s.Data {
		s.Data[i] = float32(rng.NormFloat64())
	}
	for i := 0; i < s.Len(); i++ {
		if rng.Float64() < holes {
			s.Data[i*d+rng.IntN(d)] = float32(math.NaN())
		}
	}
	return s
}

// brute is the reference: for each valid cell the float64 mean of single
// pair scores over the valid cells j with inner/2 < Chebyshev distance <=
// outer/2.
func brute(s *grid.Stack, sc PairScorer, inner, outer int) []float64 {
	mask := s.Mask()
	d := s.D()
	out := make([]float64, s.Len())
	diff := make([]float32, d)
	var one [1]float32
	hi, ho := inner/2, outer/2
	for r := 0; r < s.Rows; r++ {
		for c := 0; c < s.Cols; c++ {
			t := r*s.Cols + c
			out[t] = math.NaN()
			if !mask[t] {
				continue
			}
			var sum float64
			n := 0
			for dr := -ho; dr <= ho; dr++ {
				for dc := -ho; dc <= ho; dc++ {
					if max(abs(dr), abs(dc)) <= hi {
						continue
					}
					rr, cc := r+dr, c+dc
					if rr < 0 || rr >= s.Rows || cc < 0 || cc >= s.Cols || !mask[rr*s.Cols+cc] {
						continue
					}
					xt, xj := s.CellValues(t), s.CellValues(rr*s.Cols+cc)
					for k := range diff {
						diff[k] = float32(math.Abs(float64(xt[k] - xj[k])))
					}
					sc.ScorePairs(one[:], diff)
					sum += float64(one[0])
					n++
				}
			}
			if n > 0 {
				out[t] = sum / float64(n)
			}
		}
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func sameMap(t *testing.T, name string, got []float32, want []float64) {
	t.Helper()
	bad := 0
	for i := range want {
		g, w := float64(got[i]), want[i]
		if math.IsNaN(w) != math.IsNaN(g) || (!math.IsNaN(w) && math.Abs(g-w) > tol) {
			if bad < 5 {
				t.Errorf("%s: cell %d = %v, want %v", name, i, g, w)
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d cells differ", name, bad, len(want))
	}
}

func TestDetectExactBrute(t *testing.T) {
	for _, tc := range []struct {
		name         string
		cols, rows   int
		holes        float64
		inner, outer int
		batch        int
	}{
		{"3,5 full grid", 9, 7, 0, 3, 5, 0},
		{"inner 1", 8, 6, 0, 1, 3, 0},
		{"inner 1 outer 7 holes", 10, 9, 0.2, 1, 7, 0},
		{"window larger than grid", 4, 3, 0, 3, 11, 0},
		{"nodata holes", 12, 11, 0.3, 3, 7, 0},
		{"tiny batch", 9, 8, 0.1, 5, 9, 7},
		{"batch 1", 6, 5, 0.1, 1, 5, 1},
		{"single cell", 1, 1, 0, 1, 3, 0},
		{"single row", 15, 1, 0.1, 3, 7, 0},
		{"all holes", 5, 5, 1, 1, 3, 0},
	} {
		s := randomStack(tc.cols, tc.rows, 4, tc.holes, 11)
		sc := newMLP(4, 8, 3)
		want := brute(s, sc, tc.inner, tc.outer)
		dst := grid.New(s.Geom)
		cs := &countingScorer{PairScorer: sc}
		opt := &Options{Inner: tc.inner, Outer: tc.outer, Exact: true, Batch: tc.batch}
		if err := Detect(context.Background(), dst, s, cs, opt, nil); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		sameMap(t, tc.name, dst.Data, want)
		if n := Pairs(s, nil, opt); n != cs.pairs {
			t.Errorf("%s: Pairs = %d, scored %d", tc.name, n, cs.pairs)
		}
		if b := opt.Batch; b > 0 && cs.maxBatch > b {
			t.Errorf("%s: batch of %d pairs, limit %d", tc.name, cs.maxBatch, b)
		}
	}
}

// A ring with no valid cell gives NaN even when the centre has data.
func TestDetectIsolatedCell(t *testing.T) {
	s := randomStack(5, 5, 2, 0, 1)
	for i := range s.Data {
		if i/2 != 12 {
			s.Data[i] = float32(math.NaN())
		}
	}
	dst := grid.New(s.Geom)
	for i := range dst.Data {
		dst.Data[i] = 7
	}
	if err := Detect(context.Background(), dst, s, newLinear(2, 1), &Options{Inner: 1, Outer: 5, Exact: true}, nil); err != nil {
		t.Fatal(err)
	}
	for i, v := range dst.Data {
		if !math.IsNaN(float64(v)) {
			t.Errorf("cell %d = %v, want NaN", i, v)
		}
	}
}

func TestSweepExactMatchesDetect(t *testing.T) {
	s := randomStack(23, 19, 3, 0.1, 5)
	sc := newMLP(3, 6, 2)
	windows := [][2]int{{5, 7}, {5, 9}, {1, 3}, {7, 13}, {3, 13}}
	cs := &countingScorer{PairScorer: sc}
	opt := &Options{Exact: true}
	maps, err := Sweep(context.Background(), s, cs, windows, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	for w, win := range windows {
		want := brute(s, sc, win[0], win[1])
		sameMap(t, "sweep", maps[w].Data, want)
	}
	// The union of the rings: the 13 x 13 window minus the centre.
	if n := Pairs(s, windows, opt); n != cs.pairs {
		t.Errorf("Pairs = %d, scored %d", n, cs.pairs)
	}
	single := 0
	for _, win := range windows {
		single += Pairs(s, nil, &Options{Inner: win[0], Outer: win[1], Exact: true})
	}
	if cs.pairs >= single {
		t.Errorf("sweep scored %d pairs, separate runs %d: no sharing", cs.pairs, single)
	}
}

// Splitting the rows over several calls gives the same map as one pass, in
// exact and fast mode.
func TestRowsSplit(t *testing.T) {
	s := randomStack(30, 26, 3, 0.05, 8)
	sc := newMLP(3, 5, 4)
	for _, exact := range []bool{true, false} {
		opt := Options{Inner: 3, Outer: 11, Exact: exact, RingStep: 3}
		whole := grid.New(s.Geom)
		if err := Detect(context.Background(), whole, s, sc, &opt, nil); err != nil {
			t.Fatal(err)
		}
		parts := grid.New(s.Geom)
		total := 0
		for _, rg := range [][2]int{{0, 7}, {7, 8}, {8, 20}, {20, 26}} {
			o := opt
			o.Rows = rg
			cs := &countingScorer{PairScorer: sc}
			if err := Detect(context.Background(), parts, s, cs, &o, nil); err != nil {
				t.Fatal(err)
			}
			n := Pairs(s, nil, &o)
			if n != cs.pairs {
				t.Errorf("exact=%v rows %v: Pairs = %d, scored %d", exact, rg, n, cs.pairs)
			}
			total += n
		}
		for i := range whole.Data {
			a, b := whole.Data[i], parts.Data[i]
			if a != b && !(a != a && b != b) {
				t.Fatalf("exact=%v: cell %d: whole %v, split %v", exact, i, a, b)
			}
		}
		// A pair is scored once within a range; a pair across two ranges is
		// scored by both.
		if n := Pairs(s, nil, &opt); n > total {
			t.Errorf("exact=%v: Pairs whole %d, sum of parts %d", exact, n, total)
		}
	}
	// Rows outside the range are untouched.
	g := grid.New(s.Geom)
	for i := range g.Data {
		g.Data[i] = -1
	}
	if err := Detect(context.Background(), g, s, sc, &Options{Rows: [2]int{3, 5}}, nil); err != nil {
		t.Fatal(err)
	}
	for i, v := range g.Data {
		r := i / s.Cols
		if (r < 3 || r >= 5) && v != -1 {
			t.Fatalf("cell %d in row %d outside the range was written", i, r)
		}
		if r >= 3 && r < 5 && v == -1 {
			t.Fatalf("cell %d in row %d inside the range not written", i, r)
		}
	}
}

func TestFastMode(t *testing.T) {
	s := randomStack(40, 40, 3, 0.02, 21)
	sc := newLinear(3, 3)
	exact := grid.New(s.Geom)
	if err := Detect(context.Background(), exact, s, sc, &Options{Exact: true}, nil); err != nil {
		t.Fatal(err)
	}
	// RingStep 1 is exact.
	one := grid.New(s.Geom)
	if err := Detect(context.Background(), one, s, sc, &Options{RingStep: 1}, nil); err != nil {
		t.Fatal(err)
	}
	for i := range exact.Data {
		a, b := exact.Data[i], one.Data[i]
		if a != b && !(a != a && b != b) {
			t.Fatalf("RingStep 1: cell %d = %v, exact %v", i, b, a)
		}
	}
	nExact := RingPairs(s, nil, &Options{Exact: true})
	if n := Pairs(s, nil, &Options{Exact: true}); 2*n != nExact {
		t.Errorf("exact: %d evaluations for %d ring pairs, want half (each unordered pair once)", n, nExact)
	}
	for _, step := range []int{2, 3, 5} {
		fast := grid.New(s.Geom)
		cs := &countingScorer{PairScorer: sc}
		opt := &Options{RingStep: step}
		if err := Detect(context.Background(), fast, s, cs, opt, nil); err != nil {
			t.Fatal(err)
		}
		if n := Pairs(s, nil, opt); n != cs.pairs {
			t.Errorf("step %d: Pairs = %d, scored %d", step, n, cs.pairs)
		}
		// Interior centres score about 1/step of the ring; edge centres fall
		// back to the full ring, so the total lies between.
		uses := RingPairs(s, nil, opt)
		if uses*step < nExact || uses >= nExact || 2*cs.pairs < uses {
			t.Errorf("step %d: %d ring pairs from %d evaluations, exact %d ring pairs", step, uses, cs.pairs, nExact)
		}
		for i := range exact.Data {
			if math.IsNaN(float64(exact.Data[i])) != math.IsNaN(float64(fast.Data[i])) {
				t.Fatalf("step %d: cell %d NaN mismatch", step, i)
			}
		}
	}
}

func TestCancel(t *testing.T) {
	s := randomStack(20, 30, 3, 0, 2)
	sc := newLinear(3, 1)
	dst := grid.New(s.Geom)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Detect(ctx, dst, s, sc, nil, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before start: %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	err := Detect(ctx, dst, s, sc, &Options{Inner: 1, Outer: 3, Batch: 8}, func(done, total int) error {
		calls++
		if total != s.Rows || done > total {
			t.Errorf("progress(%d, %d)", done, total)
		}
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("cancelled during run: %v after %d progress calls", err, calls)
	}
	stop := errors.New("stop")
	_, err = Sweep(context.Background(), s, sc, [][2]int{{1, 3}}, &Options{Batch: 8}, func(int, int) error { return stop })
	if err != stop {
		t.Errorf("progress error: got %v", err)
	}
}

func TestPanics(t *testing.T) {
	s := randomStack(5, 5, 2, 0, 1)
	sc := newLinear(2, 1)
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"even window", func() { Detect(context.Background(), grid.New(s.Geom), s, sc, &Options{Inner: 2, Outer: 5}, nil) }},
		{"inner >= outer", func() { Detect(context.Background(), grid.New(s.Geom), s, sc, &Options{Inner: 5, Outer: 5}, nil) }},
		{"dst size", func() {
			Detect(context.Background(), grid.New(grid.Geom{Cols: 4, Rows: 5, Cell: 1}), s, sc, nil, nil)
		}},
		{"scorer D", func() { Detect(context.Background(), grid.New(s.Geom), s, newLinear(3, 1), nil, nil) }},
		{"rows", func() { Detect(context.Background(), grid.New(s.Geom), s, sc, &Options{Rows: [2]int{2, 9}}, nil) }},
		{"no windows", func() { Sweep(context.Background(), s, sc, nil, nil, nil) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			tc.f()
		}()
	}
}

// A window gets the same map from Detect and from a Sweep that contains it,
// in exact and in fast mode (the fast mode samples each shell on its own).
func TestSweepMatchesDetect(t *testing.T) {
	s := randomStack(45, 40, 3, 0.03, 13)
	sc := newLinear(3, 6)
	windows := [][2]int{{5, 7}, {5, 13}, {13, 35}, {9, 35}, {1, 21}}
	for _, opt := range []Options{{Exact: true}, {}, {RingStep: 5, ShellScale: 8}} {
		maps, err := Sweep(context.Background(), s, sc, windows, &opt, nil)
		if err != nil {
			t.Fatal(err)
		}
		for w, win := range windows {
			o := opt
			o.Inner, o.Outer = win[0], win[1]
			one := grid.New(s.Geom)
			if err := Detect(context.Background(), one, s, sc, &o, nil); err != nil {
				t.Fatal(err)
			}
			for i, v := range one.Data {
				if u := maps[w].Data[i]; u != v && !(u != u && v != v) {
					t.Fatalf("%+v window %v: cell %d: sweep %v, detect %v", opt, win, i, u, v)
				}
			}
		}
	}
}

// The fast mode weights every ring cell alike although it samples inner and
// outer shells at different rates. Here the pair score of centre T depends
// only on the shell of j, so any sample gives each shell's mean exactly and
// only the weighting can make the fast score differ from the exact one.
func TestFastShellWeights(t *testing.T) {
	const n = 31
	s := grid.NewStack(grid.Geom{Cols: n, Rows: n, Cell: 1}, []string{"a"})
	// Centres: the middle (clean ring) and one near an edge.
	for _, ctr := range [][2]int{{15, 15}, {3, 12}} {
		for r := 0; r < n; r++ {
			for c := 0; c < n; c++ {
				s.Data[r*n+c] = float32(max(abs(c-ctr[0]), abs(r-ctr[1])))
			}
		}
		sc := &linearScorer{w: []float32{0.3}, b: -2}
		t0 := ctr[1]*n + ctr[0]
		exact := grid.New(s.Geom)
		if err := Detect(context.Background(), exact, s, sc, &Options{Inner: 1, Outer: 21, Exact: true}, nil); err != nil {
			t.Fatal(err)
		}
		fast := grid.New(s.Geom)
		opt := &Options{Inner: 1, Outer: 21, RingStep: 4, ShellScale: 8}
		if err := Detect(context.Background(), fast, s, sc, opt, nil); err != nil {
			t.Fatal(err)
		}
		if e, f := exact.Data[t0], fast.Data[t0]; math.Abs(float64(e-f)) > tol {
			t.Errorf("centre %v: fast %v, exact %v", ctr, f, e)
		}
	}
}
