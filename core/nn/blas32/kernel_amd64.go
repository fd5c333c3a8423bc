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

// kernelAVX computes acc[r*NR+q] = sum over p < kb of A_r[p] * bp[p*NR+q]
// for the two rows A_0 at a0 and A_1 at a1, their elements astep float32s
// apart. kb must be at least 1.
//
//go:noescape
func kernelAVX(kb int, a0, a1 *float32, astep int, bp *float32, acc *[MR * NR]float32)

// kernel computes the MR×NR product of an A panel (kb×MR, packed) and a B
// panel (kb×NR, packed) into acc (row-major MR×NR), overwriting it.
func kernel(kb int, ap, bp []float32, acc *[MR * NR]float32) {
	ap = ap[:kb*MR]
	bp = bp[:kb*NR]
	if useAVX && kb > 0 {
		kernelAVX(kb, &ap[0], &ap[1], MR, &bp[0], acc)
		return
	}
	portable(kb, ap, ap[1:], MR, bp, acc)
}

// kernelRows is kernel with the two rows of A read in place (r0, r1, kb
// values each) instead of from a packed panel.
func kernelRows(kb int, r0, r1, bp []float32, acc *[MR * NR]float32) {
	r0 = r0[:kb]
	r1 = r1[:kb]
	bp = bp[:kb*NR]
	if useAVX && kb > 0 {
		kernelAVX(kb, &r0[0], &r1[0], 1, &bp[0], acc)
		return
	}
	portable(kb, r0, r1, 1, bp, acc)
}

// portable is kernelAVX in Go, for processors without AVX: the same
// products and sums in the same order.
func portable(kb int, a0, a1 []float32, astep int, bp []float32, acc *[MR * NR]float32) {
	var c [MR * NR]float32
	for p := 0; p < kb; p++ {
		x0, x1 := a0[p*astep], a1[p*astep]
		b := bp[p*NR : p*NR+NR : p*NR+NR]
		for q, v := range b {
			c[q] += x0 * v
			c[NR+q] += x1 * v
		}
	}
	*acc = c
}

func cpuHasAVX() bool { return cpu.X86.HasAVX }
