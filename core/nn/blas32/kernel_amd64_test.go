//go:build amd64

package blas32

import (
	"math"
	"math/rand/v2"
	"testing"

	"golang.org/x/sys/cpu"
	"gonum.org/v1/gonum/blas"
)

// The AVX kernels give the portable loops' sums bit for bit (the same
// products and additions in the same order), so native maps stay equal to
// those of js/wasm.
func TestKernelAVXBitIdentical(t *testing.T) {
	if !cpuHasAVX() {
		t.Skip("no AVX on this CPU")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, kb := range []int{1, 2, 3, 7, 64, 255, 256} {
		ap := make([]float32, kb*MR)
		bp := make([]float32, kb*NR)
		r0 := make([]float32, kb)
		r1 := make([]float32, kb)
		for _, s := range [][]float32{ap, bp, r0, r1} {
			for i := range s {
				s[i] = float32(rng.NormFloat64())
			}
		}
		var got, want [MR * NR]float32
		for _, rows := range []bool{false, true} {
			useAVX = true
			if rows {
				kernelRows(kb, r0, r1, bp, &got)
			} else {
				kernel(kb, ap, bp, &got)
			}
			useAVX = false
			if rows {
				kernelRows(kb, r0, r1, bp, &want)
			} else {
				kernel(kb, ap, bp, &want)
			}
			useAVX = true
			if got != want {
				t.Errorf("kb %d, rows %v: AVX %v, portable %v", kb, rows, got, want)
			}
		}
	}
}

// GemmRows' assembly epilogue (kernelAVXAct: bias, ReLU or leaky, written
// to C) gives the portable path's bits, NaN, infinities and -0 included.
func TestGemmRowsAVXBitIdentical(t *testing.T) {
	if !cpuHasAVX() {
		t.Skip("no AVX on this CPU")
	}
	defer func() { useAVX, useAVX512 = cpuHasAVX(), cpu.X86.HasAVX512F }()
	rng := rand.New(rand.NewPCG(5, 6))
	const m, n, k = 7, 2*NR + 5, 37 // an odd last row, a partial last panel (masked loads and stores)
	a := make([]float32, m*k)
	for i := range a {
		a[i] = float32(rng.NormFloat64())
	}
	for i := range k { // row 3 is zero: its outputs are the bias itself
		a[3*k+i] = 0
	}
	b := make([]float32, k*n)
	for i := range b {
		b[i] = float32(rng.NormFloat64())
	}
	var pb PackedB
	pb.Pack(k, n, b, n, false)
	bias := make([]float32, n)
	for i := range bias {
		bias[i] = float32(rng.NormFloat64())
	}
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	copy(bias, []float32{nan, -inf, inf, float32(math.Copysign(0, -1)), 0, -1e-40, 1e-40})
	aOff := make([]int, m)
	cOff := make([]int, m)
	for i := range aOff {
		aOff[i] = i * k
		cOff[i] = (m - 1 - i) * (n + 3)
	}
	for _, bs := range [][]float32{nil, bias} {
		for _, act := range []byte{0, actReLU, actLeaky} {
			// AVX-512 (four rows at once, then AVX), AVX, then neither.
			var c [3][]float32
			for v, on := range [][2]bool{{true, true}, {true, false}, {false, false}} {
				useAVX, useAVX512 = on[0], on[1] && cpu.X86.HasAVX512F
				c[v] = make([]float32, m*(n+3))
				gemmRows(c[v], cOff, a, aOff, &pb, bs, act, 0.2)
			}
			for v, name := range []string{"AVX-512", "AVX"} {
				for i := range c[v] {
					if math.Float32bits(c[v][i]) != math.Float32bits(c[2][i]) {
						t.Fatalf("bias %v, act %d, C[%d]: %s %v, portable %v", bs != nil, act, i, name, c[v][i], c[2][i])
					}
				}
			}
		}
	}
}

// Gemm on AVX-512 (four rows at once), on AVX and on the portable loops
// gives the same bits, in every transposition, over two depth blocks (C
// accumulates the second) and a partial last panel.
func TestGemmAVXBitIdentical(t *testing.T) {
	if !cpuHasAVX() {
		t.Skip("no AVX on this CPU")
	}
	defer func() { useAVX, useAVX512 = cpuHasAVX(), cpu.X86.HasAVX512F }()
	rng := rand.New(rand.NewPCG(7, 8))
	const m, n, k = 13, 2*NR + 7, kc + 45
	a := make([]float32, m*k)
	b := make([]float32, k*n)
	c0 := make([]float32, m*n)
	for _, s := range [][]float32{a, b, c0} {
		for i := range s {
			s[i] = float32(rng.NormFloat64())
		}
	}
	for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
		for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			lda, ldb := k, n
			if tA == blas.Trans {
				lda = m
			}
			if tB == blas.Trans {
				ldb = k
			}
			var c [3][]float32
			for v, on := range [][2]bool{{true, true}, {true, false}, {false, false}} {
				useAVX, useAVX512 = on[0], on[1] && cpu.X86.HasAVX512F
				c[v] = append([]float32(nil), c0...)
				Gemm(tA, tB, m, n, k, 0.7, a, lda, b, ldb, 0.3, c[v], n)
			}
			for v, name := range []string{"AVX-512", "AVX"} {
				for i := range c[v] {
					if math.Float32bits(c[v][i]) != math.Float32bits(c[2][i]) {
						t.Fatalf("%c%c C[%d]: %s %v, portable %v", tA, tB, i, name, c[v][i], c[2][i])
					}
				}
			}
		}
	}
}
