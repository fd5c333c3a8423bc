//go:build wasm

package blas32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"syscall/js"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// requireSIMD fails when the host set up the SIMD kernel (tools/wasmexec,
// web/worker.js) but it did not start, and skips under a plain launcher.
func requireSIMD(t *testing.T) {
	t.Helper()
	if js.Global().Get("haloMemory").IsUndefined() {
		if os.Getenv("HALO_REQUIRE_SIMD") == "1" {
			t.Fatal("globalThis.haloMemory is not set: run under tools/wasmexec/go_js_wasm_exec")
		}
		t.Skip("no globalThis.haloMemory (plain go_js_wasm_exec): the SIMD kernel is not set up")
	}
	if !SetSIMD(true) {
		t.Fatal("globalThis.haloMemory is set but the SIMD kernel did not start")
	}
}

// TestSIMDBitIdentical holds the SIMD kernel to the pure-Go kernel bit for
// bit: Gemm in all four transpositions and GemmRows with and without bias
// and relu, at tile edges, with signed zeros, NaN and infinities in the
// data (NaNs match as NaNs).
func TestSIMDBitIdentical(t *testing.T) {
	requireSIMD(t)
	defer SetSIMD(true)
	rng := rand.New(rand.NewPCG(7, 7))
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.NaN()), float32(math.Inf(1)), 1e-40, -3e38}
	fill := specialFill(rng, special, 50)
	for _, s := range []struct{ m, n, k int }{{1, 1, 1}, {3, 5, 7}, {4, 8, 1}, {5, 9, 3}, {130, 40, 120}, {2*mc + 3, nc + 11, kc + 5}, {7, 3, 300}} {
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
				lda, ar, ldb, br := operands(tA, tB, s.m, s.n, s.k)
				a, b := fill(ar*lda), fill(br*ldb)
				c0 := fill(s.m * s.n)
				var got, want []float32
				for _, on := range []bool{true, false} {
					SetSIMD(on)
					c := append([]float32(nil), c0...)
					Gemm(tA, tB, s.m, s.n, s.k, 0.75, a, lda, b, ldb, 1, c, s.n)
					if on {
						got = c
					} else {
						want = c
					}
				}
				sameBits(t, fmt.Sprintf("Gemm %dx%dx%d %c%c", s.m, s.n, s.k, tA, tB), got, want)
			}
		}
		// GemmRows: overlapping rows of a padded signal, scattered outputs.
		a := fill(s.m + s.k + 8)
		aOff := make([]int, s.m)
		cOff := make([]int, s.m)
		for i := range aOff {
			aOff[i] = rng.IntN(len(a) - s.k + 1)
			cOff[i] = (s.m - 1 - i) * (s.n + 2)
		}
		var pb PackedB
		pb.Pack(s.k, s.n, fill(s.k*s.n), s.n, false)
		bias := fill(s.n)
		for _, bi := range [][]float32{nil, bias} {
			for _, act := range []byte{0, actReLU, actLeaky} {
				relu := act == actReLU
				var got, want []float32
				for _, on := range []bool{true, false} {
					SetSIMD(on)
					c := make([]float32, s.m*(s.n+2))
					if act == actLeaky {
						GemmRowsLeaky(c, cOff, a, aOff, &pb, bi, 0.2)
					} else {
						GemmRows(c, cOff, a, aOff, &pb, bi, relu)
					}
					if on {
						got = c
					} else {
						want = c
					}
				}
				sameBits(t, fmt.Sprintf("GemmRows %dx%dx%d bias %v epilogue %d", s.m, s.n, s.k, bi != nil, act), got, want)
			}
		}
	}
}

func TestSIMDGemmRowsNoAlloc(t *testing.T) {
	requireSIMD(t)
	rng := rand.New(rand.NewPCG(3, 3))
	var pb PackedB
	pb.Pack(120, 40, randSlice(rng, 120*40), 40, false)
	a := randSlice(rng, 4000)
	aOff := make([]int, 64)
	cOff := make([]int, 64)
	for i := range aOff {
		aOff[i], cOff[i] = i*40, i*40
	}
	c := make([]float32, 64*40)
	bias := randSlice(rng, 40)
	GemmRows(c, cOff, a, aOff, &pb, bias, true)
	if n := testing.AllocsPerRun(20, func() { GemmRows(c, cOff, a, aOff, &pb, bias, true) }); n != 0 {
		t.Fatalf("GemmRows on the SIMD kernel allocates %v times per call", n)
	}
}

// TestElementwiseSIMDBitIdentical holds ew (the SIMD module's element-wise
// passes) to the scalar loops bit for bit: every activation and gradient
// with and without a mask, KeepPositive and ColSums, at lengths around the
// SIMD threshold and the lane width, with signed zeros, NaN, infinities and
// subnormals in the data (NaNs match as NaNs).
func TestElementwiseSIMDBitIdentical(t *testing.T) {
	requireSIMD(t)
	defer SetSIMD(true)
	rng := rand.New(rand.NewPCG(9, 9))
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.NaN()), float32(-math.NaN()),
		float32(math.Inf(1)), float32(math.Inf(-1)), 1e-40, -1e-40, -3e38}
	fill := specialFill(rng, special, 8)
	// both runs f with the SIMD module and without, on fresh copies of dst0.
	both := func(name string, dst0 []float32, f func(dst []float32)) {
		t.Helper()
		var got, want []float32
		for _, on := range []bool{true, false} {
			SetSIMD(on)
			d := append([]float32(nil), dst0...)
			f(d)
			if on {
				got = d
			} else {
				want = d
			}
		}
		sameBits(t, name, got, want)
	}
	SetSIMD(true)
	x := fill(1027)
	if got := activateSIMD(make([]float32, 1027), x, nil, ActReLU, 0); got != 1024 {
		t.Fatalf("the SIMD module did %d of 1027 elements, want 1024", got)
	}
	if got := colSumsWSIMD(ewColSums, make([]float32, 13), x, nil, 79, 13, 13); got != 12 {
		t.Fatalf("the SIMD module summed %d of 13 columns, want 12", got)
	}
	for _, n := range []int{0, 3, 63, 64, 65, 67, 130, 1027} {
		z, dy, m := fill(n), fill(n), fill(n)
		for _, act := range []Act{ActIdentity, ActReLU, ActLeaky} {
			for _, mask := range [][]float32{nil, m} {
				name := fmt.Sprintf("n=%d act=%d mask=%v", n, act, mask != nil)
				both("Activate "+name, fill(n), func(d []float32) { Activate(d, z, mask, act, 0.2) })
				both("ActivateGrad "+name, fill(n), func(d []float32) { ActivateGrad(d, dy, z, mask, act, 0.2) })
			}
		}
		both(fmt.Sprintf("KeepPositive n=%d", n), dy, func(d []float32) { KeepPositive(d, z) })
	}
	for _, rc := range [][2]int{{1, 1}, {1, 64}, {16, 4}, {16, 5}, {128, 39}, {128, 64}, {77, 8}, {3, 130}} {
		r, c := rc[0], rc[1]
		a, x, y := fill(r*c), fill(r), fill(c)
		both(fmt.Sprintf("ColSums %dx%d", r, c), fill(c), func(d []float32) { ColSums(d, a, r, c) })
		both(fmt.Sprintf("WeightedColSums %dx%d", r, c), fill(c), func(d []float32) { WeightedColSums(d, a, x, r, c) })
		both(fmt.Sprintf("Rank1Sub %dx%d", r, c), fill(r*c), func(d []float32) { Rank1Sub(d, a, 0.37, x, y, r, c) })
		// The thin products on the weighted column sums: Aᵀx (n = 1) and
		// yᵀB (m = 1), strided, with beta 0, 1 and 0.5.
		for _, beta := range []float32{0, 1, 0.5} {
			both(fmt.Sprintf("Sgemm %dx1x%d Aᵀ beta %v", c, r, beta), fill(c), func(d []float32) {
				Implementation{}.Sgemm(blas.Trans, blas.NoTrans, c, 1, r, 0.75, a, c, x, 1, beta, d, 1)
			})
			both(fmt.Sprintf("Sgemm 1x%dx%d beta %v", c, r, beta), fill(c), func(d []float32) {
				Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, 1, c, r, 0.75, x, r, a, c, beta, d, c)
			})
		}
	}
	// DotRows at widths around the lane width, rows ld apart.
	for _, g := range [][2]int{{1, 64}, {1, 67}, {3, 39}, {16, 32}, {64, 39}, {39, 64}, {5, 3}, {128, 8}} {
		r, c := g[0], g[1]
		ld := c + 2
		a, x := fill(r*ld), fill(c)
		both(fmt.Sprintf("DotRows %dx%d", r, c), fill(r), func(d []float32) { DotRows(d, a, x, r, c, ld) })
	}
	// packB, NoTrans and Trans, at depths and widths around the panel and
	// lane sizes, from an offset block of a wider matrix.
	for _, g := range [][2]int{{1, 8}, {4, 8}, {5, 16}, {7, 17}, {12, 24}, {39, 64}, {64, 39}, {33, 9}} {
		kb, nb := g[0], g[1]
		for _, trans := range []bool{false, true} {
			p0, j0 := 2, 3
			ldb := nb + j0 + 5
			rows := kb + p0
			if trans {
				ldb, rows = kb+p0+3, nb+j0
			}
			b := fill(rows * ldb)
			npan := (nb + NR - 1) / NR
			both(fmt.Sprintf("packB kb=%d nb=%d trans=%v", kb, nb, trans), fill(npan*kb*NR), func(d []float32) {
				packB(d, b, ldb, trans, p0, kb, j0, nb)
			})
		}
	}
	// Col2imAdd at strides 1 and 2, channel counts around the lane width.
	for _, g := range [][4]int{{4, 39, 1, 30}, {4, 39, 2, 30}, {3, 20, 2, 16}, {2, 9, 2, 3}, {5, 10, 2, 33}} {
		batch, inL, stride, c := g[0], g[1], g[2], g[3]
		const k, pad = 3, 1
		outL := (inL-1)/stride + 1
		w := k*c + 1
		cols := fill(batch * outL * w)
		both(fmt.Sprintf("Col2imAdd %v", g), fill(batch*inL*c), func(d []float32) {
			Col2imAdd(d, cols, batch, inL, outL, c, k, stride, pad, w)
		})
	}
	// The dropout masks of SplitMix64 draws, and the state after them.
	for _, n := range []int{3, 63, 64, 65, 66, 67, 1027} {
		var st [2]uint64
		var masks [2][]float32
		for k, on := range []bool{true, false} {
			SetSIMD(on)
			st[k] = 0x1234_5678_9abc_def0
			masks[k] = make([]float32, n)
			SplitMixMask(masks[k], &st[k], 858993459, 1.25)
		}
		sameBits(t, fmt.Sprintf("SplitMixMask n=%d", n), masks[0], masks[1])
		if st[0] != st[1] {
			t.Fatalf("SplitMixMask n=%d: state %#x after the SIMD module, %#x after Go", n, st[0], st[1])
		}
	}
	// The batch-norm passes, at column counts around the lane width.
	for _, rc := range [][2]int{{128, 32}, {128, 33}, {128, 3}, {32, 13}, {5, 64}} {
		r, c := rc[0], rc[1]
		n := r * c
		h, xh, y, dy, m := fill(n), fill(n), fill(n), fill(n), fill(n)
		v := [4][]float32{fill(c), fill(c), fill(c), fill(c)}
		both(fmt.Sprintf("BNCenter %dx%d", r, c), concat3(fill(n), fill(c), nil), func(d []float32) {
			BNCenter(d[:n], d[n:], h, v[0], r, c)
		})
		both(fmt.Sprintf("BNScaleShiftLeaky %dx%d", r, c), concat3(fill(n), xh, nil), func(d []float32) {
			BNScaleShiftLeaky(d[:n], d[n:], v[0], v[1], v[2], r, c, 0.2)
		})
		both(fmt.Sprintf("BNGradU %dx%d", r, c), concat3(fill(n), fill(c), fill(c)), func(d []float32) {
			BNGradU(d[:n], d[n:n+c], d[n+c:], dy, y, xh, r, c, 0.2)
		})
		both(fmt.Sprintf("BNGradH %dx%d", r, c), fill(n), func(d []float32) {
			BNGradH(d, m, xh, v[0], v[1], v[2], v[3], r, c)
		})
	}
	for _, n := range []int{3, 64, 67, 1027} {
		a, g, m, v := fill(n), fill(n), fill(n), fill(n)
		for i := range v {
			v[i] = float32(math.Abs(float64(v[i])))
		}
		both(fmt.Sprintf("Scale n=%d", n), fill(n), func(d []float32) { Scale(d, a, 1.7) })
		both(fmt.Sprintf("Add n=%d", n), fill(n), func(d []float32) { Add(d, a, g) })
		both(fmt.Sprintf("EMA n=%d", n), a, func(d []float32) { EMA(d, g, 0.999) })
		both(fmt.Sprintf("MomentumStep n=%d", n), concat3(a, g, m), func(d []float32) {
			MomentumStep(d[:n], d[n:2*n], d[2*n:], 0.01, 0.9)
		})
		// AdamStep writes w, m and v: compare all three.
		both(fmt.Sprintf("AdamStep n=%d", n), concat3(a, m, v), func(d []float32) {
			AdamStep(d[:n], g, d[n:2*n], d[2*n:], 0.5, 0.999, 1e-4, 1e-8)
		})
	}
}

func concat3(a, b, c []float32) []float32 {
	return append(append(append([]float32(nil), a...), b...), c...)
}

// specialFill returns a filler of random slices in which about one value in
// oneIn is one of special.
func specialFill(rng *rand.Rand, special []float32, oneIn int) func(int) []float32 {
	return func(n int) []float32 {
		s := randSlice(rng, n)
		for i := range s {
			if rng.IntN(oneIn) == 0 {
				s[i] = special[rng.IntN(len(special))]
			}
		}
		return s
	}
}

// sameBits fails t unless got and want are equal bit for bit. A NaN's sign
// and payload are not fixed by WebAssembly (x86 vector units make
// 0xffc00000, V8's scalar code 0x7fc00000): any NaN matches any NaN.
func sameBits(t *testing.T, name string, got, want []float32) {
	t.Helper()
	for i := range got {
		if got[i] != got[i] && want[i] != want[i] {
			continue
		}
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: element %d = %v (%#x), pure Go %v (%#x)", name, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}
