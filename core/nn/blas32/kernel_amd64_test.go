//go:build amd64

package blas32

import (
	"math/rand/v2"
	"testing"
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
