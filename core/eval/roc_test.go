package eval

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

const exactTol = 1e-12 // closed-form float64 results

var (
	nan = float32(math.NaN())
	inf = float32(math.Inf(1))
)

// bruteAUC counts every positive-negative pair, O(n1 n0): the independent
// reference for AUC.
func bruteAUC(score []float32, positive []int) float64 {
	isPos := make([]bool, len(score))
	for _, k := range positive {
		isPos[k] = true
	}
	var u float64
	var n1, n0 int
	for i, a := range score {
		if !finite(a) || !isPos[i] {
			continue
		}
		n1++
		for j, b := range score {
			if !finite(b) || isPos[j] {
				continue
			}
			switch {
			case a > b:
				u++
			case a == b:
				u += 0.5
			}
		}
	}
	for j, b := range score {
		if finite(b) && !isPos[j] {
			n0++
		}
	}
	if n1 == 0 || n0 == 0 {
		return math.NaN()
	}
	return u / float64(n1*n0)
}

func TestAUC(t *testing.T) {
	for _, test := range []struct {
		name  string
		score []float32
		pos   []int
		want  float64 // hand-counted pairs
	}{
		{name: "empty", score: nil, pos: nil, want: math.NaN()},
		{name: "no positives", score: []float32{1, 2, 3}, pos: nil, want: math.NaN()},
		{name: "one class only", score: []float32{1, 2, 3}, pos: []int{0, 1, 2}, want: math.NaN()},
		{name: "positive has no data", score: []float32{nan, 2, 3}, pos: []int{0}, want: math.NaN()},
		{name: "all equal", score: []float32{4, 4, 4, 4, 4}, pos: []int{1, 3}, want: 0.5},
		{name: "one sample each", score: []float32{2, 1}, pos: []int{0}, want: 1},
		{name: "perfect separation", score: []float32{0.1, 0.9, 0.2, 0.8, 0.3}, pos: []int{1, 3}, want: 1},
		{name: "reversed", score: []float32{0.1, 0.9, 0.2, 0.8, 0.3}, pos: []int{0, 2}, want: 0},
		// positives {3, 1}, negatives {1, 2, 0}: 3 beats 3; 1 beats 0, ties 1: (3 + 1 + 0.5) / 6
		{name: "ties", score: []float32{3, 1, 1, 2, 0}, pos: []int{0, 1}, want: 4.5 / 6},
		// NaN and Inf cells are no data: same as "ties" with them removed
		{name: "NaN and Inf", score: []float32{3, nan, 1, 1, inf, 2, float32(math.Inf(-1)), 0}, pos: []int{0, 1, 2, 4}, want: 4.5 / 6},
		{name: "duplicate positive counts once", score: []float32{3, 1, 1, 2, 0}, pos: []int{0, 1, 0, 1}, want: 4.5 / 6},
	} {
		got := AUC(test.score, test.pos)
		if !scalar.Same(got, test.want) && !scalar.EqualWithinAbs(got, test.want, exactTol) {
			t.Errorf("%s: AUC = %v, want %v", test.name, got, test.want)
		}
		if brute := bruteAUC(test.score, test.pos); !scalar.Same(got, brute) && !scalar.EqualWithinAbs(got, brute, exactTol) {
			t.Errorf("%s: AUC = %v, brute-force pair count %v", test.name, got, brute)
		}
	}
}

// randomScores returns n scores rounded to few levels (many ties) with some
// no-data cells, and about n/10 positives.
func randomScores(rng *rand.Rand, n, levels int) ([]float32, []int) {
	s := make([]float32, n)
	var pos []int
	for i := range s {
		s[i] = float32(rng.IntN(levels))
		if rng.IntN(10) == 0 {
			pos = append(pos, i)
			s[i] += float32(rng.IntN(levels / 2)) // shift positives up a little
		}
		if rng.IntN(20) == 0 {
			s[i] = nan
		}
	}
	return s, pos
}

func TestAUCBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{2, 7, 50, 300, 1000} {
		for _, levels := range []int{2, 5, 1000} {
			s, pos := randomScores(rng, n, levels)
			got, want := AUC(s, pos), bruteAUC(s, pos)
			if !scalar.Same(got, want) && !scalar.EqualWithinAbs(got, want, exactTol) {
				t.Errorf("n=%d levels=%d: AUC = %v, brute force %v", n, levels, got, want)
			}
		}
	}
}

func trapezoid(x, y []float64) float64 {
	var a float64
	for i := 1; i < len(x); i++ {
		a += (x[i] - x[i-1]) * (y[i] + y[i-1]) / 2
	}
	return a
}

func TestROC(t *testing.T) {
	fpr, tpr := ROC([]float32{1, 1, 1}, []int{0})
	want := []float64{0, 1}
	if len(fpr) != 2 || fpr[0] != 0 || tpr[0] != 0 || fpr[1] != want[1] || tpr[1] != want[1] {
		t.Errorf("all equal: ROC = %v %v, want (0,0) (1,1)", fpr, tpr)
	}
	if fpr, tpr := ROC([]float32{1, 2}, nil); fpr != nil || tpr != nil {
		t.Errorf("one class only: ROC = %v %v, want nil", fpr, tpr)
	}

	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{2, 10, 100, 2000} {
		for _, levels := range []int{2, 7, 100000} {
			s, pos := randomScores(rng, n, levels)
			fpr, tpr := ROC(s, pos)
			auc := AUC(s, pos)
			if fpr == nil {
				if !math.IsNaN(auc) {
					t.Errorf("n=%d: ROC nil but AUC = %v", n, auc)
				}
				continue
			}
			if fpr[0] != 0 || tpr[0] != 0 || fpr[len(fpr)-1] != 1 || tpr[len(tpr)-1] != 1 {
				t.Errorf("n=%d levels=%d: ROC runs from (%v,%v) to (%v,%v)", n, levels, fpr[0], tpr[0], fpr[len(fpr)-1], tpr[len(tpr)-1])
			}
			for i := 1; i < len(fpr); i++ {
				if fpr[i] < fpr[i-1] || tpr[i] < tpr[i-1] {
					t.Fatalf("n=%d: ROC not monotone at %d", n, i)
				}
			}
			if a := trapezoid(fpr, tpr); !scalar.EqualWithinAbs(a, auc, exactTol) {
				t.Errorf("n=%d levels=%d: trapezoid area %v, AUC %v", n, levels, a, auc)
			}
		}
	}
}

func BenchmarkAUC(b *testing.B) {
	for _, n := range []int{1000, 20460, 77810} {
		rng := rand.New(rand.NewPCG(5, 6))
		s := make([]float32, n)
		for i := range s {
			s[i] = rng.Float32()
		}
		pos := make([]int, 171)
		for i := range pos {
			pos[i] = rng.IntN(n)
		}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				AUC(s, pos)
			}
		})
		if n <= 20460 {
			b.Run(strconv.Itoa(n)+"/brute", func(b *testing.B) {
				for b.Loop() {
					bruteAUC(s, pos)
				}
			})
		}
	}
}
