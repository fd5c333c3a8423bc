//go:build wasm

package blas32

// NR is the width of a micro-tile; see MR.
const NR = 8

// kernel computes the MR×NR product of an A panel (kb×MR, packed) and a B
// panel (kb×NR, packed) into acc (row-major MR×NR), overwriting it.
func kernel(kb int, ap, bp []float32, acc *[MR * NR]float32) {
	var c00, c01, c02, c03, c04, c05, c06, c07 float32
	var c10, c11, c12, c13, c14, c15, c16, c17 float32
	ap = ap[:kb*MR]
	bp = bp[:kb*NR]
	for len(ap) >= MR && len(bp) >= NR {
		a0, a1 := ap[0], ap[1]
		b := bp[:NR:NR]
		c00 += a0 * b[0]
		c01 += a0 * b[1]
		c02 += a0 * b[2]
		c03 += a0 * b[3]
		c04 += a0 * b[4]
		c05 += a0 * b[5]
		c06 += a0 * b[6]
		c07 += a0 * b[7]
		c10 += a1 * b[0]
		c11 += a1 * b[1]
		c12 += a1 * b[2]
		c13 += a1 * b[3]
		c14 += a1 * b[4]
		c15 += a1 * b[5]
		c16 += a1 * b[6]
		c17 += a1 * b[7]
		ap = ap[MR:]
		bp = bp[NR:]
	}
	*acc = [MR * NR]float32{
		c00, c01, c02, c03, c04, c05, c06, c07,
		c10, c11, c12, c13, c14, c15, c16, c17,
	}
}

// kernelRows is kernel with the two rows of A read in place (r0, r1, kb
// values each) instead of from a packed panel.
func kernelRows(kb int, r0, r1, bp []float32, acc *[MR * NR]float32) {
	var c00, c01, c02, c03, c04, c05, c06, c07 float32
	var c10, c11, c12, c13, c14, c15, c16, c17 float32
	r0 = r0[:kb]
	r1 = r1[:kb]
	bp = bp[:kb*NR]
	for p := range r0 {
		if len(bp) < NR {
			break
		}
		a0, a1 := r0[p], r1[p]
		b := bp[:NR:NR]
		c00 += a0 * b[0]
		c01 += a0 * b[1]
		c02 += a0 * b[2]
		c03 += a0 * b[3]
		c04 += a0 * b[4]
		c05 += a0 * b[5]
		c06 += a0 * b[6]
		c07 += a0 * b[7]
		c10 += a1 * b[0]
		c11 += a1 * b[1]
		c12 += a1 * b[2]
		c13 += a1 * b[3]
		c14 += a1 * b[4]
		c15 += a1 * b[5]
		c16 += a1 * b[6]
		c17 += a1 * b[7]
		bp = bp[NR:]
	}
	*acc = [MR * NR]float32{
		c00, c01, c02, c03, c04, c05, c06, c07,
		c10, c11, c12, c13, c14, c15, c16, c17,
	}
}
