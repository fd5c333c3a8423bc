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

// kernelAVXAct is kernelAVX followed by GemmRows' epilogue, written to the
// columns of C at c0 and at c1 that mask selects (laneMasks): bias added
// unless bias is nil, then act (0 none, actReLU, actLeaky with slope).
// Done in Go, the epilogue took a third of the paper CNN's scoring
// natively (go test -cpuprofile of cnn's BenchmarkScorePairs/paper).
//
//go:noescape
func kernelAVXAct(kb int, a0, a1 *float32, astep int, bp *float32, c0, c1, bias *float32, mask *int32, act int, slope float32)

// kernelAVX512Act is kernelAVXAct for four rows of A read in place and one
// B panel, on 16-lane AVX-512 registers (four accumulator chains of 16
// lanes, twice kernelAVX's width): the same sums in the same order. mask
// has bit q set for each column q to write.
//
//go:noescape
func kernelAVX512Act(kb int, a0, a1, a2, a3, bp, c0, c1, c2, c3, bias *float32, mask, act int, slope float32)

// kernelAVX512Acc is Gemm's tile on AVX-512: four rows of A (elements
// astep float32s apart) times one B panel, then C += alpha*sum in the
// columns of mask, in the order and roundings of Gemm's Go loop.
//
//go:noescape
func kernelAVX512Acc(kb int, a0, a1, a2, a3 *float32, astep int, bp, c0, c1, c2, c3 *float32, mask int, alpha float32)

// useAVX512 selects kernelAVX512Act for GemmRows (rows4) and
// kernelAVX512Acc for Gemm (gemmBlockInPlace).
var useAVX512 = cpu.X86.HasAVX512F

// rows4 writes the four rows r (kb values each) times every panel of b,
// with GemmRows' epilogue, into the rows c (b.N values each) and reports
// true; false, doing nothing, without AVX-512.
func rows4(kb int, r *[4][]float32, b *PackedB, c *[4][]float32, bias []float32, act byte, slope float32) bool {
	if !useAVX512 || kb == 0 {
		return false
	}
	n := b.N
	for i := range 4 {
		r[i] = r[i][:kb]
		c[i] = c[i][:n]
	}
	for j := 0; j < n; j += NR {
		nr := min(NR, n-j)
		var bs *float32
		if bias != nil {
			bs = &bias[j : j+nr][0]
		}
		bp := b.data[j*kb : (j+NR)*kb]
		kernelAVX512Act(kb, &r[0][0], &r[1][0], &r[2][0], &r[3][0], &bp[0],
			&c[0][j], &c[1][j], &c[2][j], &c[3][j], bs, 1<<nr-1, int(act), slope)
	}
	return true
}

// laneMasks[nr] selects the first nr of a tile's NR columns.
var laneMasks = func() (m [NR + 1][NR]int32) {
	for nr := range m {
		for q := range nr {
			m[nr][q] = -1
		}
	}
	return m
}()

// tileRows writes the tile of rows r0 and r1 (kb values each) times the
// packed B panel bp, with GemmRows' epilogue, into c0 and c1 (the tile's
// len(c0) <= NR columns; c1 may be c0 when r1 is r0, a last single row),
// and reports true; false, doing nothing, without AVX.
func tileRows(kb int, r0, r1, bp, c0, c1, bias []float32, act byte, slope float32) bool {
	nr := len(c0)
	if !useAVX || kb == 0 || nr == 0 || nr > NR || len(c1) != nr || (bias != nil && len(bias) != nr) {
		return false
	}
	r0, r1, bp = r0[:kb], r1[:kb], bp[:kb*NR]
	var bs *float32
	if bias != nil {
		bs = &bias[0]
	}
	kernelAVXAct(kb, &r0[0], &r1[0], 1, &bp[0], &c0[0], &c1[0], bs, &laneMasks[nr][0], int(act), slope)
	return true
}

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

// gemmBlockInPlace is the block loop of Gemm with A's rows read in place
// (kernelAVX's stride walks a row, or with transA a column, of a) instead of
// packed: it adds alpha * op(A)[i0:i0+mb, p0:p0+kb] * (packed pb, npan panels)
// to C[i0:i0+mb, j0:j0+nb]. It reports false, doing nothing, without AVX.
// Same products in the same order as the packed path.
func gemmBlockInPlace(transA bool, a []float32, lda, i0, mb, p0, kb int, pb []float32, npan, j0, nb int, alpha float32, c []float32, ldc int) bool {
	if !useAVX || kb == 0 {
		return false
	}
	var acc [MR * NR]float32
	step := 1
	if transA {
		step = lda
	}
	at := func(i int) *float32 {
		if transA {
			return &a[p0*lda+i]
		}
		return &a[i*lda+p0]
	}
	for ip := 0; ip < mb; ip += MR {
		i := i0 + ip
		if useAVX512 && mb-ip >= 4 {
			// Four rows at once (two steps of the loop).
			for jp := 0; jp < npan; jp++ {
				j := j0 + jp*NR
				nr := min(NR, j0+nb-j)
				c0 := c[i*ldc+j : i*ldc+j+nr]
				c1 := c[(i+1)*ldc+j : (i+1)*ldc+j+nr]
				c2 := c[(i+2)*ldc+j : (i+2)*ldc+j+nr]
				c3 := c[(i+3)*ldc+j : (i+3)*ldc+j+nr]
				kernelAVX512Acc(kb, at(i), at(i+1), at(i+2), at(i+3), step, &pb[jp*kb*NR], &c0[0], &c1[0], &c2[0], &c3[0], 1<<nr-1, alpha)
			}
			ip += 4 - MR
			continue
		}
		mr := min(MR, mb-ip)
		a0 := at(i)
		a1 := a0
		if mr == MR {
			a1 = at(i + 1)
		}
		for jp := 0; jp < npan; jp++ {
			kernelAVX(kb, a0, a1, step, &pb[jp*kb*NR], &acc)
			j := j0 + jp*NR
			nr := min(NR, j0+nb-j)
			for r := 0; r < mr; r++ {
				row := c[(i+r)*ldc+j : (i+r)*ldc+j+nr]
				ar := acc[r*NR : r*NR+nr]
				for q := range row {
					row[q] += alpha * ar[q]
				}
			}
		}
	}
	return true
}
