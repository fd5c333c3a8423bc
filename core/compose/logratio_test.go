package compose

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

// tol is the tolerance for closed forms evaluated in float64.
const tol = 1e-12

func equalSlices(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.IsNaN(a[i]) && math.IsNaN(b[i]) {
			continue
		}
		if !scalar.EqualWithinAbsOrRel(a[i], b[i], tol, tol) {
			return false
		}
	}
	return true
}

func allNaN(a []float64) bool {
	for _, v := range a {
		if !math.IsNaN(v) {
			return false
		}
	}
	return true
}

// pivotBasis builds the D x (D-1) pivot (Helmert-type) contrast matrix
// explicitly, column by column from its definition (Egozcue et al. 2003;
// the basis of R robCompositions::pivotCoord):
//
//	V_ii = sqrt((D-i)/(D-i+1)),  V_ji = -1/sqrt((D-i)(D-i+1)) for j > i,  0 above.
//
// It is the independent reference: ILR walks suffix sums instead.
func pivotBasis(d int) *mat.Dense {
	v := mat.NewDense(d, d-1, nil)
	for i := 1; i < d; i++ {
		r := float64(d - i)
		v.Set(i-1, i-1, math.Sqrt(r/(r+1)))
		for j := i + 1; j <= d; j++ {
			v.Set(j-1, i-1, -1/math.Sqrt(r*(r+1)))
		}
	}
	return v
}

func randomComposition(rnd *rand.Rand, d int) []float64 {
	x := make([]float64, d)
	for i := range x {
		// log-normal over several decades, as ppm concentrations are
		x[i] = math.Exp(rnd.NormFloat64()*3 + 2)
	}
	return x
}

func logs(x []float64) []float64 {
	l := make([]float64, len(x))
	for i, v := range x {
		l[i] = math.Log(v)
	}
	return l
}

func closed(x []float64) []float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	c := make([]float64, len(x))
	for i, v := range x {
		c[i] = v / s
	}
	return c
}

func TestHandComputed(t *testing.T) {
	// x = (1, 2, 4): ln x = (0, ln2, 2 ln2), mean ln2, so by hand
	// clr = (-ln2, 0, ln2);
	// ilr1 = sqrt(2/3) (0 - (ln2 + 2 ln2)/2) = -sqrt(3/2) ln2,
	// ilr2 = sqrt(1/2) (ln2 - 2 ln2) = -ln2 / sqrt2.
	ln2 := math.Ln2
	x := []float64{1, 2, 4}
	wantCLR := []float64{-ln2, 0, ln2}
	wantILR := []float64{-math.Sqrt(1.5) * ln2, -ln2 / math.Sqrt2}
	if got := CLR(nil, x); !equalSlices(got, wantCLR, tol) {
		t.Errorf("CLR(%v) = %v, want %v", x, got, wantCLR)
	}
	if got := ILR(nil, x); !equalSlices(got, wantILR, tol) {
		t.Errorf("ILR(%v) = %v, want %v", x, got, wantILR)
	}
	// x = (a, b): ilr1 = sqrt(1/2) ln(a/b), the classic two-part logit
	// scaled by 1/sqrt2 (Egozcue et al. 2003, eq. for D = 2).
	x2 := []float64{3, 12}
	want2 := []float64{math.Log(3.0/12) / math.Sqrt2}
	if got := ILR(nil, x2); !equalSlices(got, want2, tol) {
		t.Errorf("ILR(%v) = %v, want %v", x2, got, want2)
	}
}

func TestAgainstExplicitBasis(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, d := range []int{2, 3, 5, 12, 39} {
		v := pivotBasis(d)
		// The reference basis itself: orthonormal columns, each orthogonal
		// to the vector of ones.
		var vtv mat.Dense
		vtv.Mul(v.T(), v)
		if !mat.EqualApprox(&vtv, eye(d-1), tol) {
			t.Fatalf("D=%d: reference basis is not orthonormal", d)
		}
		for i := 0; i < d-1; i++ {
			if s := mat.Sum(v.ColView(i)); math.Abs(s) > tol {
				t.Fatalf("D=%d: column %d of the reference basis sums to %g", d, i, s)
			}
		}
		// Centring matrix H = I - J/D for the clr reference.
		h := mat.NewDense(d, d, nil)
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				h.Set(i, j, -1/float64(d))
			}
			h.Set(i, i, 1-1/float64(d))
		}
		for trial := 0; trial < 20; trial++ {
			x := randomComposition(rnd, d)
			l := mat.NewDense(1, d, logs(x))
			var zRef, cRef mat.Dense
			zRef.Mul(l, v) // z = ln(x) V
			cRef.Mul(l, h) // clr = ln(x) H
			if got := ILR(nil, x); !equalSlices(got, zRef.RawRowView(0), tol) {
				t.Errorf("D=%d: ILR = %v, want ln(x)V = %v", d, got, zRef.RawRowView(0))
			}
			if got := ILRLog(nil, logs(x)); !equalSlices(got, zRef.RawRowView(0), tol) {
				t.Errorf("D=%d: ILRLog = %v, want ln(x)V = %v", d, got, zRef.RawRowView(0))
			}
			if got := CLR(nil, x); !equalSlices(got, cRef.RawRowView(0), tol) {
				t.Errorf("D=%d: CLR = %v, want ln(x)H = %v", d, got, cRef.RawRowView(0))
			}
			// Inverse: clr = V z, then exp and closure.
			z := zRef.RawRowView(0)
			var back mat.VecDense
			back.MulVec(v, mat.NewVecDense(d-1, append([]float64(nil), z...)))
			want := make([]float64, d)
			for i := range want {
				want[i] = math.Exp(back.AtVec(i))
			}
			want = closed(want)
			if got := ILRInverse(nil, z); !equalSlices(got, want, tol) {
				t.Errorf("D=%d: ILRInverse = %v, want closure(exp(Vz)) = %v", d, got, want)
			}
		}
	}
}

func eye(n int) *mat.Dense {
	m := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		m.Set(i, i, 1)
	}
	return m
}

func TestProperties(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, d := range []int{2, 3, 7, 39} {
		for trial := 0; trial < 50; trial++ {
			x := randomComposition(rnd, d)
			y := randomComposition(rnd, d)
			cx, cy := CLR(nil, x), CLR(nil, y)
			zx, zy := ILR(nil, x), ILR(nil, y)

			var sum float64
			for _, v := range cx {
				sum += v
			}
			if math.Abs(sum) > tol*float64(d) {
				t.Errorf("D=%d: clr sums to %g, want 0", d, sum)
			}

			// Scale invariance: x and 7x are the same composition.
			x7 := make([]float64, d)
			for i, v := range x {
				x7[i] = 7 * v
			}
			if got := CLR(nil, x7); !equalSlices(got, cx, 1e-11) {
				t.Errorf("D=%d: clr(7x) = %v, want clr(x) = %v", d, got, cx)
			}
			if got := ILR(nil, x7); !equalSlices(got, zx, 1e-11) {
				t.Errorf("D=%d: ilr(7x) = %v, want ilr(x) = %v", d, got, zx)
			}

			// Round trips to the closed composition.
			cl := closed(x)
			if got := ILRInverse(nil, zx); !equalSlices(got, cl, 1e-11) {
				t.Errorf("D=%d: ILRInverse(ILR(x)) = %v, want %v", d, got, cl)
			}
			if got := CLRInverse(nil, cx); !equalSlices(got, cl, 1e-11) {
				t.Errorf("D=%d: CLRInverse(CLR(x)) = %v, want %v", d, got, cl)
			}

			// Isometry: Aitchison distance is the same in clr and ilr.
			var dc, dz float64
			for i := range cx {
				dc += (cx[i] - cy[i]) * (cx[i] - cy[i])
			}
			for i := range zx {
				dz += (zx[i] - zy[i]) * (zx[i] - zy[i])
			}
			if !scalar.EqualWithinAbsOrRel(math.Sqrt(dc), math.Sqrt(dz), tol, tol) {
				t.Errorf("D=%d: clr distance %g, ilr distance %g", d, math.Sqrt(dc), math.Sqrt(dz))
			}

			// Log forms agree with the concentration forms.
			if got := CLRLog(nil, logs(x)); !equalSlices(got, cx, tol) {
				t.Errorf("D=%d: CLRLog = %v, want %v", d, got, cx)
			}
		}
	}
}

func TestInvalidParts(t *testing.T) {
	inf := math.Inf(1)
	nan := math.NaN()
	for _, test := range []struct {
		name string
		x    []float64
	}{
		{"zero", []float64{1, 0, 3}},
		{"negative", []float64{1, -2, 3}},
		{"NaN", []float64{1, nan, 3}},
		{"+Inf", []float64{1, inf, 3}},
		{"first", []float64{0, 2, 3}},
		{"last", []float64{1, 2, -3}},
	} {
		if got := CLR(nil, test.x); !allNaN(got) || len(got) != 3 {
			t.Errorf("%s: CLR = %v, want all NaN", test.name, got)
		}
		if got := ILR(nil, test.x); !allNaN(got) || len(got) != 2 {
			t.Errorf("%s: ILR = %v, want all NaN", test.name, got)
		}
		l := make([]float64, len(test.x))
		for i, v := range test.x {
			l[i] = math.Log(v) // -Inf for zero, NaN for negative
		}
		if got := CLRLog(nil, l); !allNaN(got) {
			t.Errorf("%s: CLRLog = %v, want all NaN", test.name, got)
		}
		if got := ILRLog(nil, l); !allNaN(got) {
			t.Errorf("%s: ILRLog = %v, want all NaN", test.name, got)
		}
	}
	if got := ILRInverse(nil, []float64{1, math.NaN()}); !allNaN(got) || len(got) != 3 {
		t.Errorf("ILRInverse with NaN = %v, want 3 NaN", got)
	}
	if got := CLRInverse(nil, []float64{1, math.Inf(-1)}); !allNaN(got) {
		t.Errorf("CLRInverse with -Inf = %v, want all NaN", got)
	}
}

func TestCLRInverseExtreme(t *testing.T) {
	// clr values far beyond exp's range still close: exp(800) overflows,
	// the shift by the maximum keeps it finite. Reference by hand: with
	// c = (800, 800 - ln3) the parts are in ratio 3:1.
	got := CLRInverse(nil, []float64{800, 800 - math.Log(3)})
	want := []float64{0.75, 0.25}
	if !equalSlices(got, want, tol) {
		t.Errorf("CLRInverse = %v, want %v", got, want)
	}
}

func TestPanics(t *testing.T) {
	for _, test := range []struct {
		name string
		f    func()
	}{
		{"CLR dst", func() { CLR(make([]float64, 2), []float64{1, 2, 3}) }},
		{"ILR dst", func() { ILR(make([]float64, 3), []float64{1, 2, 3}) }},
		{"ILR one part", func() { ILR(nil, []float64{1}) }},
		{"ILRLog one part", func() { ILRLog(nil, []float64{1}) }},
		{"ILRInverse dst", func() { ILRInverse(make([]float64, 2), []float64{1, 2}) }},
		{"ILRNames one", func() { ILRNames([]string{"Cu"}) }},
		{"ILRContrast range", func() { ILRContrast([]string{"Cu", "Pb"}, 2) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", test.name)
				}
			}()
			test.f()
		}()
	}
}

func TestNames(t *testing.T) {
	names := []string{"Cu", "Pb", "Zn"}
	if got := CLRNames(names); got[0] != "clr.Cu" || got[2] != "clr.Zn" || len(got) != 3 {
		t.Errorf("CLRNames = %v", got)
	}
	if got := ILRNames(names); len(got) != 2 || got[0] != "ilr1" || got[1] != "ilr2" {
		t.Errorf("ILRNames = %v", got)
	}
	if got := ILRContrast(names, 1); got != "Cu vs g(Pb,Zn)" {
		t.Errorf("ILRContrast(1) = %q", got)
	}
	if got := ILRContrast(names, 2); got != "Pb vs g(Zn)" {
		t.Errorf("ILRContrast(2) = %q", got)
	}
}

func TestNoAllocs(t *testing.T) {
	x := []float64{1, 2, 4, 8, 3}
	c := make([]float64, 5)
	z := make([]float64, 4)
	back := make([]float64, 5)
	n := testing.AllocsPerRun(100, func() {
		CLR(c, x)
		ILR(z, x)
		CLRLog(c, c)
		ILRLog(z, c)
		ILRInverse(back, z)
		CLRInverse(back, c)
	})
	if n != 0 {
		t.Errorf("%v allocations per run with given destinations, want 0", n)
	}
}
