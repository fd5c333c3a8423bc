//go:build !wasm && !amd64

package blas32

// NR is the width of a micro-tile; see MR.
const NR = 4

// kernel computes the MR×NR product of an A panel (kb×MR, packed) and a B
// panel (kb×NR, packed) into acc (row-major MR×NR), overwriting it.
func kernel(kb int, ap, bp []float32, acc *[MR * NR]float32) {
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	ap = ap[:kb*MR]
	bp = bp[:kb*NR]
	for len(ap) >= MR && len(bp) >= NR {
		a0, a1 := ap[0], ap[1]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		ap = ap[MR:]
		bp = bp[NR:]
	}
	*acc = [MR * NR]float32{c00, c01, c02, c03, c10, c11, c12, c13}
}

// kernelRows is kernel with the two rows of A read in place (r0, r1, kb
// values each) instead of from a packed panel.
func kernelRows(kb int, r0, r1, bp []float32, acc *[MR * NR]float32) {
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	r0 = r0[:kb]
	r1 = r1[:kb]
	bp = bp[:kb*NR]
	for p := range r0 {
		if len(bp) < NR {
			break
		}
		a0, a1 := r0[p], r1[p]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		bp = bp[NR:]
	}
	*acc = [MR * NR]float32{c00, c01, c02, c03, c10, c11, c12, c13}
}

// useAVX is false: the kernels above are pure Go.
const useAVX = false
