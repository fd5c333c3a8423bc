//go:build amd64

package blas32

import "golang.org/x/sys/cpu"

// NR is the width of a micro-tile; see MR. On amd64 the tile is 2×16: two
// rows of two 8-lane AVX registers, four independent accumulator chains,
// enough to keep both vector ports busy with separate multiplies and adds.
const NR = 16

// useAVX selects the assembly kernels. Without AVX the portable loops below
// compute the same sums in the same order.
var useAVX = cpuHasAVX()

// The AVX kernels multiply and add in separate, correctly rounded steps
// (VMULPS, VADDPS; no fused multiply-add) and accumulate each element over
// p in order, exactly as the pure-Go kernels of the other platforms do, so
// a product is the same bit for bit natively and in js/wasm.

//go:noescape
func kernelAVX(kb int, ap, bp *float32, acc *[MR * NR]float32)

//go:noescape
func kernelRowsAVX(kb int, r0, r1, bp *float32, acc *[MR * NR]float32)

// kernel computes the MR×NR product of an A panel (kb×MR, packed) and a B
// panel (kb×NR, packed) into acc (row-major MR×NR), overwriting it.
func kernel(kb int, ap, bp []float32, acc *[MR * NR]float32) {
	ap = ap[:kb*MR]
	bp = bp[:kb*NR]
	if useAVX && kb > 0 {
		kernelAVX(kb, &ap[0], &bp[0], acc)
		return
	}
	var c [MR * NR]float32
	for p := 0; p < kb; p++ {
		a0, a1 := ap[p*MR], ap[p*MR+1]
		b := bp[p*NR : p*NR+NR : p*NR+NR]
		for q, v := range b {
			c[q] += a0 * v
			c[NR+q] += a1 * v
		}
	}
	*acc = c
}

// kernelRows is kernel with the two rows of A read in place (r0, r1, kb
// values each) instead of from a packed panel.
func kernelRows(kb int, r0, r1, bp []float32, acc *[MR * NR]float32) {
	r0 = r0[:kb]
	r1 = r1[:kb]
	bp = bp[:kb*NR]
	if useAVX && kb > 0 {
		kernelRowsAVX(kb, &r0[0], &r1[0], &bp[0], acc)
		return
	}
	var c [MR * NR]float32
	for p := 0; p < kb; p++ {
		a0, a1 := r0[p], r1[p]
		b := bp[p*NR : p*NR+NR : p*NR+NR]
		for q, v := range b {
			c[q] += a0 * v
			c[NR+q] += a1 * v
		}
	}
	*acc = c
}

func cpuHasAVX() bool { return cpu.X86.HasAVX }
