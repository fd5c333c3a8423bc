package blas32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/floats/scalar"
)

// tol is the float32 tolerance relative to sqrt(k): sums of k products of
// values in [-1, 1] computed in different orders.
const tol = 1e-5

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.Float64()*2 - 1)
	}
	return s
}

// operands returns, for op(A) m×k and op(B) k×n stored as tA and tB say,
// leading dimensions with a gap after each row (so that lda and ldb are
// exercised) and the stored row counts of a and b.
func operands(tA, tB blas.Transpose, m, n, k int) (lda, ar, ldb, br int) {
	lda, ar = k+2, m
	if tA == blas.Trans {
		lda, ar = m+1, k
	}
	ldb, br = n+3, k
	if tB == blas.Trans {
		ldb, br = k+1, n
	}
	return lda, ar, ldb, br
}

func TestGemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name        string
		m, n, k     int
		alpha, beta float32
	}{
		{"one", 1, 1, 1, 1, 0},
		{"empty k", 3, 5, 0, 1, 0.5},
		{"tile", MR, NR, 7, 1, 0},
		{"edges", 5, 9, 3, 1.5, 1},
		{"conv forward", 130, 40, 120, 1, 0},
		{"conv backward weights", 120, 40, 300, 1, 1},
		{"blocks", 2*mc + 3, nc + 11, kc + 5, -0.5, 2},
		{"alpha zero", 4, 4, 4, 0, 3},
	} {
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
				name := fmt.Sprintf("%s/%c%c", tc.name, tA, tB)
				lda, ar, ldb, br := operands(tA, tB, tc.m, tc.n, tc.k)
				ldc := tc.n + 1
				a := randSlice(rng, max(1, ar*lda))
				b := randSlice(rng, max(1, br*ldb))
				c := randSlice(rng, tc.m*ldc)
				want := append([]float32(nil), c...)
				Gemm(tA, tB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
				Naive(tA, tB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, want, ldc)
				limit := tol * math.Sqrt(float64(tc.k+1))
				for i := range c {
					if !scalar.EqualWithinAbs(float64(c[i]), float64(want[i]), limit) {
						t.Fatalf("%s: c[%d] = %v, want %v", name, i, c[i], want[i])
					}
				}
			}
		}
	}
}

func TestGemmBetaZeroIgnoresNaN(t *testing.T) {
	a := []float32{1, 2, 3, 4}
	c := []float32{float32(math.NaN()), float32(math.Inf(1)), 0, 0}
	Gemm(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, a, 2, a, 2, 0, c, 2)
	want := []float32{7, 10, 15, 22} // [[1 2][3 4]]^2 by hand
	for i := range c {
		if c[i] != want[i] {
			t.Fatalf("c = %v, want %v", c, want)
		}
	}
}

func TestGemmRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name       string
		m, n, k    int
		bias, relu bool
		slope      float32 // > 0: GemmRowsLeaky
	}{
		{"plain", 9, 13, 6, false, false, 0},
		{"bias relu", 17, 40, 90, true, true, 0},
		{"one row", 1, 3, 2, true, false, 0},
		{"bias leaky", 17, 40, 90, true, false, 0.2},
		{"leaky", 9, 13, 6, false, false, 0.3},
	} {
		a := randSlice(rng, tc.m*tc.k+50)
		b := randSlice(rng, tc.k*tc.n)
		var bias []float32
		if tc.bias {
			bias = randSlice(rng, tc.n)
		}
		aOff := make([]int, tc.m)
		cOff := make([]int, tc.m)
		for i := range aOff {
			aOff[i] = rng.IntN(len(a) - tc.k + 1)
			cOff[i] = (tc.m - 1 - i) * (tc.n + 2)
		}
		var pb PackedB
		pb.Pack(tc.k, tc.n, b, tc.n, false)
		c := make([]float32, tc.m*(tc.n+2))
		if tc.slope > 0 {
			GemmRowsLeaky(c, cOff, a, aOff, &pb, bias, tc.slope)
		} else {
			GemmRows(c, cOff, a, aOff, &pb, bias, tc.relu)
		}
		for i := 0; i < tc.m; i++ {
			want := make([]float32, tc.n)
			Naive(blas.NoTrans, blas.NoTrans, 1, tc.n, tc.k, 1, a[aOff[i]:], tc.k, b, tc.n, 0, want, tc.n)
			for j, w := range want {
				if bias != nil {
					w += bias[j]
				}
				if tc.relu && w < 0 {
					w = 0
				}
				if tc.slope > 0 && w < 0 {
					w *= tc.slope
				}
				if got := c[cOff[i]+j]; !scalar.EqualWithinAbs(float64(got), float64(w), tol*math.Sqrt(float64(tc.k))) {
					t.Fatalf("%s: row %d col %d = %v, want %v", tc.name, i, j, got, w)
				}
			}
		}
	}
}

func TestGemmRowsNoAlloc(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var pb PackedB
	pb.Pack(12, 10, randSlice(rng, 120), 12, true)
	a := randSlice(rng, 100)
	aOff := []int{0, 3, 9, 20, 40}
	cOff := []int{0, 10, 20, 30, 40}
	c := make([]float32, 50)
	if n := testing.AllocsPerRun(10, func() { GemmRows(c, cOff, a, aOff, &pb, nil, false) }); n != 0 {
		t.Errorf("GemmRows allocates %v times per run", n)
	}
}

func TestImplementationSgemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var impl blas.Float32 = Implementation{}
	ts := []blas.Transpose{blas.NoTrans, blas.Trans}
	// Small (gonum), blocked (Gemm) and thin (gemmThin: m or n of 1) shapes,
	// every transpose, leading dimensions above the minimum, and alpha and
	// beta other than 1 and 0.
	for _, s := range [][3]int{{2, 3, 4}, {64, 40, 120}, {1, 50, 50}, {128, 1, 64}, {1, 1, 33}, {70, 1, 1}, {1, 9, 1}} {
		for _, tA := range ts {
			for _, tB := range ts {
				for _, ab := range [][2]float32{{1, 0}, {0.5, 1}, {-2, 0.25}} {
					m, n, k := s[0], s[1], s[2]
					ar, ac := m, k
					if tA == blas.Trans {
						ar, ac = k, m
					}
					br, bc := k, n
					if tB == blas.Trans {
						br, bc = n, k
					}
					lda, ldb, ldc := ac+2, bc+1, n+3
					a, b := randSlice(rng, ar*lda), randSlice(rng, br*ldb)
					c := randSlice(rng, m*ldc)
					want := append([]float32(nil), c...)
					impl.Sgemm(tA, tB, m, n, k, ab[0], a, lda, b, ldb, ab[1], c, ldc)
					gonum.Implementation{}.Sgemm(tA, tB, m, n, k, ab[0], a, lda, b, ldb, ab[1], want, ldc)
					for i := range c {
						if !scalar.EqualWithinAbs(float64(c[i]), float64(want[i]), 4*tol*math.Sqrt(float64(k))) {
							t.Fatalf("%v %v %v alpha %v beta %v: c[%d] = %v, want %v", s, tA, tB, ab[0], ab[1], i, c[i], want[i])
						}
					}
				}
			}
		}
	}
}

// TestGemmWindowsT holds GemmWindowsT on overlapping rows to Gemm on the
// same matrix copied out.
func TestGemmWindowsT(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, s := range [][4]int{{3, 5, 40, 1}, {48, 16, 300, 16}, {120, 40, 77, 40}, {6, 1, 9, 2}} {
		m, n, k, lda := s[0], s[1], s[2], s[3]
		a := randSlice(rng, (k-1)*lda+m)
		b := randSlice(rng, k*n)
		full := make([]float32, k*m)
		for p := 0; p < k; p++ {
			copy(full[p*m:(p+1)*m], a[p*lda:p*lda+m])
		}
		got, want := randSlice(rng, m*n), make([]float32, m*n)
		GemmWindowsT(m, n, k, a, lda, b, n, got, n)
		Gemm(blas.Trans, blas.NoTrans, m, n, k, 1, full, m, b, n, 0, want, n)
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%v: c[%d] = %v, want %v (the same sums)", s, i, got[i], want[i])
			}
		}
	}
}

// TestLeaky holds Leaky to `if v < 0 { v *= slope }` bit for bit.
func TestLeaky(t *testing.T) {
	bits := []uint32{0, 0x80000000, 1, 0x80000001, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0xff800001, 0x3f800000, 0xbf800000, 0x807fffff}
	rng := rand.New(rand.NewPCG(13, 14))
	for range 100000 {
		bits = append(bits, rng.Uint32())
	}
	for _, u := range bits {
		v := math.Float32frombits(u)
		want := v
		if want < 0 {
			want *= 0.2
		}
		if got := Leaky(v, 0.2); math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("Leaky(%#08x) = %#08x, want %#08x", u, math.Float32bits(got), math.Float32bits(want))
		}
	}
}

// TestReLU holds ReLU to `if v < 0 { v = 0 }` bit for bit, on the edges
// (signed zeros, infinities, NaNs of both signs, subnormals) and at random.
func TestReLU(t *testing.T) {
	ref := func(v float32) float32 {
		if v < 0 {
			v = 0
		}
		return v
	}
	bits := []uint32{0, 0x80000000, 1, 0x80000001, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0xff800001, 0x7f800001, 0x3f800000, 0xbf800000, 0x7fffffff, 0xffffffff, 0x807fffff}
	rng := rand.New(rand.NewPCG(11, 12))
	for range 100000 {
		bits = append(bits, rng.Uint32())
	}
	for _, u := range bits {
		v := math.Float32frombits(u)
		if got, want := math.Float32bits(ReLU(v)), math.Float32bits(ref(v)); got != want {
			t.Fatalf("ReLU(%#08x) = %#08x, want %#08x", u, got, want)
		}
	}
}
