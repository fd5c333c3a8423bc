package eval

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

func TestCapture(t *testing.T) {
	// 10 cells with data scoring 10..1 (cell i scores 10-i), one no-data cell.
	score := []float32{10, 9, 8, 7, 6, 5, 4, 3, 2, 1, nan}
	for _, test := range []struct {
		name     string
		score    []float32
		deposits []int
		percents []float64
		want     []float64 // hand-counted
	}{
		// top 10% = 1 cell (cell 0), top 20% = cells 0,1, top 35% = ceil(3.5) = 4 cells.
		{name: "ranks", score: score, deposits: []int{0, 1, 5}, percents: []float64{0, 10, 20, 35, 100}, want: []float64{0, 1. / 3, 2. / 3, 2. / 3, 1}},
		{name: "duplicates count twice", score: score, deposits: []int{0, 0, 5}, percents: []float64{10}, want: []float64{2. / 3}},
		{name: "outside and no data left out", score: score, deposits: []int{-1, 0, 10, 5}, percents: []float64{10}, want: []float64{0.5}},
		{name: "no deposits", score: score, deposits: nil, percents: []float64{5, 50}, want: []float64{math.NaN(), math.NaN()}},
		{name: "no data", score: []float32{nan, nan}, deposits: []int{0}, percents: []float64{5}, want: []float64{math.NaN()}},
		// all tied: no cell scores strictly higher, so every cell is in any top p% > 0
		{name: "all equal", score: []float32{2, 2, 2, 2}, deposits: []int{3}, percents: []float64{0, 1, 25}, want: []float64{0, 1, 1}},
		// cells 1,2,3 tie at 5 below cell 0: top 25% = 1 cell; a tied cell has 1 above, not < 1
		// top 50% = 2 cells: all three tied cells have 1 above < 2, so all are in
		{name: "tie at cut-off", score: []float32{9, 5, 5, 5, 1, 0, 0, 0}, deposits: []int{3}, percents: []float64{12.5, 25}, want: []float64{0, 1}},
	} {
		got := Capture(test.score, test.deposits, test.percents)
		for i := range got {
			if !scalar.Same(got[i], test.want[i]) && !scalar.EqualWithinAbs(got[i], test.want[i], exactTol) {
				t.Errorf("%s: Capture(%v%%) = %v, want %v", test.name, test.percents[i], got[i], test.want[i])
			}
		}
	}
}

func TestPercentilesClassify(t *testing.T) {
	score := []float32{10, 9, 8, 7, 6, 5, 4, 3, 2, 1, nan, inf}
	cuts := Percentiles(score, []float64{10, 25, 50, 0, 100})
	// k = ceil(p*10/100): 1, 3, 5, 0, 10 -> 10, 8, 6, +Inf, 1
	want := []float32{10, 8, 6, inf, 1}
	for i := range want {
		if cuts[i] != want[i] {
			t.Errorf("Percentiles[%d] = %v, want %v", i, cuts[i], want[i])
		}
	}
	got := Classify(nil, score, cuts[:3])
	wantClass := []uint8{4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 0, 0}
	for i := range wantClass {
		if got[i] != wantClass[i] {
			t.Errorf("Classify cell %d (score %v) = %d, want %d", i, score[i], got[i], wantClass[i])
		}
	}
	if c := Percentiles([]float32{nan}, []float64{5}); !math.IsNaN(float64(c[0])) {
		t.Errorf("Percentiles with no data = %v, want NaN", c[0])
	}

	// Property on tied data: the cells at or above the p% cut-off are
	// exactly those Capture counts as in the top p%.
	rng := rand.New(rand.NewPCG(7, 8))
	s := make([]float32, 997)
	for i := range s {
		s[i] = float32(rng.IntN(40))
	}
	for _, p := range []float64{0, 0.1, 5, 15, 30, 99.9, 100} {
		cut := Percentiles(s, []float64{p})
		class := Classify(nil, s, cut)
		for i := range s {
			in := Capture(s, []int{i}, []float64{p})[0] == 1
			if in != (class[i] == 2) {
				t.Fatalf("p=%v cell %d score %v: Capture in=%v, class %d (cut %v)", p, i, s[i], in, class[i], cut[0])
			}
		}
		n := 0
		for _, c := range class {
			if c == 2 {
				n++
			}
		}
		if float64(n) < p*float64(len(s))/100 {
			t.Errorf("p=%v: %d cells at or above the cut-off, fewer than p%% of %d", p, n, len(s))
		}
	}
}

func TestClassifyPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Classify with a short destination did not panic")
		}
	}()
	Classify(make([]uint8, 1), []float32{1, 2}, nil)
}

func TestPACurve(t *testing.T) {
	// Ten cells scoring 1..10 (cell i scores i+1) and a no-data cell;
	// deposits at scores 9, 7 and 4 (cells 8, 6, 3) and one outside (-1).
	// Thresholds: min 1, deposit scores 4, 7, 9, max 10.
	//   t    P(t)   A(t)    f = P + A - 1
	//   1    3/3   10/10    1
	//   4    3/3    7/10    0.7
	//   7    2/3    4/10    1/15
	//   9    1/3    2/10   -7/15
	//   10   0      1/10   -0.9
	// f crosses zero between t=7 and t=9 at w = (1/15)/(8/15) = 1/8:
	// T = 7 + 2/8 = 7.25, P = 2/3 - (1/8)(1/3) = 0.625, Area = 0.375,
	// Nd = 0.625/0.375 = 5/3, Weight = ln(5/3).
	score := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, nan}
	pa := PACurve(score, []int{8, 6, 3, -1})
	wantT := []float64{1, 4, 7, 9, 10}
	wantP := []float64{1, 1, 2. / 3, 1. / 3, 0}
	wantA := []float64{1, 0.7, 0.4, 0.2, 0.1}
	if len(pa.T) != len(wantT) {
		t.Fatalf("PACurve thresholds %v, want %v", pa.T, wantT)
	}
	for i := range wantT {
		if pa.T[i] != wantT[i] || !scalar.EqualWithinAbs(pa.P[i], wantP[i], exactTol) || !scalar.EqualWithinAbs(pa.A[i], wantA[i], exactTol) {
			t.Errorf("point %d: (T, P, A) = (%v, %v, %v), want (%v, %v, %v)", i, pa.T[i], pa.P[i], pa.A[i], wantT[i], wantP[i], wantA[i])
		}
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"T", pa.Intersection.T, 7.25},
		{"P", pa.Intersection.P, 0.625},
		{"Area", pa.Intersection.Area, 0.375},
		{"Nd", pa.Nd, 5. / 3},
		{"Weight", pa.Weight, math.Log(5. / 3)},
	} {
		if !scalar.EqualWithinAbs(c.got, c.want, exactTol) {
			t.Errorf("intersection %s = %v, want %v", c.name, c.got, c.want)
		}
	}

	empty := PACurve([]float32{1, 2}, nil)
	if empty.T != nil || !math.IsNaN(empty.Nd) || !math.IsNaN(empty.Intersection.P) {
		t.Errorf("no deposits: PACurve = %+v, want empty curve and NaN", empty)
	}
}

// plantedCA returns n scores whose survival (share of cells >= s) is the
// continuous piecewise power law with the given breaks and exponents,
// starting at s = 1: S(s) = s^-e0 up to b0, then falling with exponent e1...
func plantedCA(n int, breaks, exps []float64) []float32 {
	// survival at each break
	sb := make([]float64, len(breaks))
	prevS, prevB := 1.0, 1.0
	for i, b := range breaks {
		sb[i] = prevS * math.Pow(b/prevB, -exps[i])
		prevS, prevB = sb[i], b
	}
	out := make([]float32, n)
	for i := range out {
		u := (float64(i) + 0.5) / float64(n) // survival level
		seg, s0, b0 := 0, 1.0, 1.0
		for seg < len(breaks) && u < sb[seg] {
			s0, b0 = sb[seg], breaks[seg]
			seg++
		}
		out[i] = float32(b0 * math.Pow(u/s0, -1/exps[seg]))
	}
	return out
}

func TestCAThresholds(t *testing.T) {
	const relTol = 0.05 // below one ladder step, a factor exp(ln(smax/smin)/99) of about 7% here
	for _, test := range []struct {
		name   string
		breaks []float64
		exps   []float64
	}{
		{name: "two segments", breaks: []float64{20}, exps: []float64{0.4, 2.5}},
		{name: "three segments", breaks: []float64{10, 100}, exps: []float64{0.3, 1.5, 3.5}},
	} {
		s := plantedCA(50000, test.breaks, test.exps)
		got, err := CAThresholds(s, len(test.breaks)+1)
		if err != nil {
			t.Fatalf("%s: %v", test.name, err)
		}
		for i, b := range test.breaks {
			if math.Abs(got[i]/b-1) > relTol {
				t.Errorf("%s: break %d = %v, planted %v", test.name, i, got[i], b)
			}
		}
	}

	for _, test := range []struct {
		name  string
		score []float32
		want  error
	}{
		{"zero score", []float32{0, 1, 2, 3}, ErrNonPositive},
		{"negative score", []float32{-1, 1, 2, 3}, ErrNonPositive},
		{"all equal", []float32{2, 2, 2, nan}, ErrTooFewValues},
		{"no data", []float32{nan}, ErrTooFewValues},
	} {
		if _, err := CAThresholds(test.score, 2); err != test.want {
			t.Errorf("%s: error %v, want %v", test.name, err, test.want)
		}
	}
}

func BenchmarkMapStats(b *testing.B) {
	const n = 77810 // the Fe paper's grid
	rng := rand.New(rand.NewPCG(9, 9))
	s := make([]float32, n)
	for i := range s {
		s[i] = rng.Float32() + 0.01
	}
	deps := make([]int, 19)
	for i := range deps {
		deps[i] = rng.IntN(n)
	}
	tops := []float64{5, 15, 30}
	b.Run("Capture", func(b *testing.B) {
		for b.Loop() {
			Capture(s, deps, tops)
		}
	})
	b.Run("Percentiles", func(b *testing.B) {
		for b.Loop() {
			Percentiles(s, tops)
		}
	})
	b.Run("PACurve", func(b *testing.B) {
		for b.Loop() {
			PACurve(s, deps)
		}
	})
	b.Run("CAThresholds", func(b *testing.B) {
		for b.Loop() {
			CAThresholds(s, 3)
		}
	})
	b.Run("ROC", func(b *testing.B) {
		for b.Loop() {
			ROC(s, deps)
		}
	})
}
