package blas32

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestElementwiseDefinitions holds the element-wise passes to their
// definitions written out with branches.
func TestElementwiseDefinitions(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	const n, slope = 203, float32(0.2)
	z, dy, m := randSlice(rng, n), randSlice(rng, n), randSlice(rng, n)
	z[0], z[1] = 0, float32(math.Copysign(0, -1))
	neg := func(v float32) bool { return math.Signbit(float64(v)) }
	want := func(act Act, v float32) float32 {
		switch {
		case act == ActReLU && v < 0:
			return 0
		case act == ActLeaky && neg(v):
			return v * slope
		}
		return v
	}
	grad := func(act Act, g, v float32) float32 {
		switch {
		case act == ActReLU && neg(v):
			return 0
		case act == ActLeaky && neg(v):
			return g * slope
		}
		return g
	}
	got := make([]float32, n)
	for _, act := range []Act{ActIdentity, ActReLU, ActLeaky} {
		for _, mask := range [][]float32{nil, m} {
			Activate(got, z, mask, act, slope)
			for i, v := range z {
				w := want(act, v)
				if mask != nil {
					w *= mask[i]
				}
				if math.Float32bits(got[i]) != math.Float32bits(w) {
					t.Fatalf("Activate act %d mask %v: [%d] = %v, want %v", act, mask != nil, i, got[i], w)
				}
			}
			ActivateGrad(got, dy, z, mask, act, slope)
			for i, v := range z {
				w := grad(act, dy[i], v)
				if mask != nil {
					w *= mask[i]
				}
				if math.Float32bits(got[i]) != math.Float32bits(w) {
					t.Fatalf("ActivateGrad act %d mask %v: [%d] = %v, want %v", act, mask != nil, i, got[i], w)
				}
			}
		}
	}
	copy(got, dy)
	KeepPositive(got, z)
	for i, v := range z {
		if w := dy[i]; !(v > 0) && got[i] != 0 || v > 0 && got[i] != w {
			t.Fatalf("KeepPositive: [%d] = %v for x = %v, dx = %v", i, got[i], v, w)
		}
	}
	const rows, cols = 7, 29
	sums := make([]float32, cols)
	ColSums(sums, z, rows, cols)
	for j := range cols {
		var s float32
		for r := range rows {
			s += z[r*cols+j]
		}
		if sums[j] != s {
			t.Fatalf("ColSums: column %d = %v, want %v", j, sums[j], s)
		}
	}
}

// TestLeakyGradIsTheBranch holds LeakyGrad to `if y < 0 { g *= slope }`.
func TestLeakyGradIsTheBranch(t *testing.T) {
	negZero := float32(math.Copysign(0, -1))
	nan := float32(math.NaN())
	for _, y := range []float32{-2, -1e-40, negZero, 0, 1e-40, 3, float32(math.Inf(-1)), float32(math.Inf(1)), nan, -nan} {
		for _, g := range []float32{1.5, -0.25, negZero, 0} {
			want := g
			if y < 0 {
				want *= 0.2
			}
			if got := LeakyGrad(g, y, 0.2); math.Float32bits(got) != math.Float32bits(want) {
				t.Errorf("LeakyGrad(%v, %v) = %v, want %v", g, y, got, want)
			}
		}
	}
}

// TestDotRows holds DotRows to float64 dot products and to its definition's
// order on a case where the order shows.
func TestDotRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for _, g := range [][3]int{{1, 1, 1}, {2, 3, 5}, {4, 4, 4}, {7, 39, 41}, {3, 64, 64}, {5, 67, 70}} {
		rows, cols, ld := g[0], g[1], g[2]
		a, x := make([]float32, rows*ld), make([]float32, cols)
		for i := range a {
			a[i] = float32(rng.NormFloat64())
		}
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		dst := make([]float32, rows)
		DotRows(dst, a, x, rows, cols, ld)
		for r := range rows {
			var want float64
			for j := range cols {
				want += float64(a[r*ld+j]) * float64(x[j])
			}
			if math.Abs(float64(dst[r])-want) > 1e-5*float64(cols) {
				t.Errorf("%v row %d: %v, float64 %v", g, r, dst[r], want)
			}
		}
	}
	// Lanes: l0 = 1 + 1 = 2, l1 = 1e8 - 1e8 = 0, so 2; summed in order
	// the 1s would vanish into 1e8 (0).
	a := []float32{1, 1e8, 0, 0, 1, -1e8, 0, 0}
	x := []float32{1, 1, 1, 1, 1, 1, 1, 1}
	if got := Dot(a, x); got != 2 {
		t.Errorf("Dot = %v, want 2 (lane order)", got)
	}
}
