//go:build amd64

package blas32

import "golang.org/x/sys/cpu"

// NR is the width of a micro-tile; see MR. On amd64 the tile is 2×16: two
// rows of two 8-lane AVX registers, four independent accumulator chains,
// enough to keep both vector ports busy with separate multiplies and adds.
// With AVX-512 four rows go at once (rows4, gemmBlockInPlace).
const NR = 16

// useAVX and useAVX512 select the assembly kernels. Without them the
// portable loops below compute the same sums in the same order.
var (
	useAVX    = cpuHasAVX()
	useAVX512 = cpu.X86.HasAVX512F
)

// The assembly kernels (kernel_amd64.s) multiply and add in separate,
// correctly rounded steps (no fused multiply-add) and accumulate each
// element over p in order, exactly as the pure-Go kernels of the other
// platforms do, so a product is the same bit for bit natively and in
// js/wasm. Each ends with an epilogue written to C: GemmRows' (act 0,
// actReLU or actLeaky with slope, after the bias where bias is not nil) or
// Gemm's (actAccumulate: C += alpha*sum, alpha in slope). In Go, GemmRows'
// epilogue after each tile took a third of the paper CNN's scoring
// natively (go test -cpuprofile of cnn's BenchmarkScorePairs/paper).
const actAccumulate = 3

// kernelAVX computes sum[r][q] = sum over p < kb of A_r[p] * bp[p*NR+q]
// for the two rows A_0 at a0 and A_1 at a1, their elements astep float32s
// apart, and writes the epilogue act of it to the columns of the rows c0
// and c1 that mask (a laneMasks row) selects. kb must be at least 1.
//
//go:noescape
func kernelAVX(kb int, a0, a1 *float32, astep int, bp, c0, c1, bias *float32, mask *int32, act int, slope float32)

// kernelAVX512 is kernelAVX for four rows of A on 16-lane AVX-512
// registers (four accumulator chains of 16 lanes, twice kernelAVX's
// width): the same sums in the same order. mask has bit q set for each
// column q to write.
//
//go:noescape
func kernelAVX512(kb int, a0, a1, a2, a3 *float32, astep int, bp, c0, c1, c2, c3, bias *float32, mask, act int, slope float32)

// laneMasks[nr] selects the first nr of a tile's NR columns.
var laneMasks = func() (m [NR + 1][NR]int32) {
	for nr := range m {
		for q := range nr {
			m[nr][q] = -1
		}
	}
	return m
}()

// sums writes kernelAVX's plain sums to acc.
func sums(kb int, a0, a1 *float32, astep int, bp *float32, acc *[MR * NR]float32) {
	kernelAVX(kb, a0, a1, astep, bp, &acc[0], &acc[NR], nil, &laneMasks[NR][0], 0, 0)
}

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
		kernelAVX512(kb, &r[0][0], &r[1][0], &r[2][0], &r[3][0], 1, &bp[0],
			&c[0][j], &c[1][j], &c[2][j], &c[3][j], bs, 1<<nr-1, int(act), slope)
	}
	return true
}

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
	kernelAVX(kb, &r0[0], &r1[0], 1, &bp[0], &c0[0], &c1[0], bs, &laneMasks[nr][0], int(act), slope)
	return true
}

// kernel computes the MR×NR product of an A panel (kb×MR, packed) and a B
// panel (kb×NR, packed) into acc (row-major MR×NR), overwriting it.
func kernel(kb int, ap, bp []float32, acc *[MR * NR]float32) {
	ap = ap[:kb*MR]
	bp = bp[:kb*NR]
	if useAVX && kb > 0 {
		sums(kb, &ap[0], &ap[1], MR, &bp[0], acc)
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
		sums(kb, &r0[0], &r1[0], 1, &bp[0], acc)
		return
	}
	portable(kb, r0, r1, 1, bp, acc)
}

// portable is kernelAVX's sums in Go, for processors without AVX: the
// same products and sums in the same order.
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
// (the kernels' stride walks a row, or with transA a column, of a) instead
// of packed: it adds alpha * op(A)[i0:i0+mb, p0:p0+kb] * (packed pb, npan
// panels) to C[i0:i0+mb, j0:j0+nb], four rows at a time on AVX-512, two on
// AVX. It reports false, doing nothing, without AVX. Same products in the
// same order as the packed path.
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
	// row returns the columns [j, j+nr) of row i of C.
	row := func(i, j, nr int) *float32 { return &c[i*ldc+j : i*ldc+j+nr][0] }
	for ip := 0; ip < mb; ip += MR {
		i := i0 + ip
		if useAVX512 && mb-ip >= 4 {
			// Four rows at once (two steps of the loop).
			for jp := 0; jp < npan; jp++ {
				j := j0 + jp*NR
				nr := min(NR, j0+nb-j)
				kernelAVX512(kb, at(i), at(i+1), at(i+2), at(i+3), step, &pb[jp*kb*NR],
					row(i, j, nr), row(i+1, j, nr), row(i+2, j, nr), row(i+3, j, nr), nil, 1<<nr-1, actAccumulate, alpha)
			}
			ip += 4 - MR
			continue
		}
		if mb-ip >= MR {
			for jp := 0; jp < npan; jp++ {
				j := j0 + jp*NR
				nr := min(NR, j0+nb-j)
				kernelAVX(kb, at(i), at(i+1), step, &pb[jp*kb*NR], row(i, j, nr), row(i+1, j, nr), nil, &laneMasks[nr][0], actAccumulate, alpha)
			}
			continue
		}
		// A last single row: the sums, then C += alpha*sum in Go (the
		// kernel's accumulate would add its twice-written row twice).
		a0 := at(i)
		for jp := 0; jp < npan; jp++ {
			sums(kb, a0, a0, step, &pb[jp*kb*NR], &acc)
			j := j0 + jp*NR
			nr := min(NR, j0+nb-j)
			r := c[i*ldc+j : i*ldc+j+nr]
			for q := range r {
				r[q] += alpha * acc[q]
			}
		}
	}
	return true
}
