package blas32

import (
	"sync"

	"gonum.org/v1/gonum/blas"
)

// Micro-kernel and blocking sizes.
const (
	// MR is the number of rows of a micro-tile (A panel height). NR, the
	// number of columns (B panel width), depends on the kernel: 16 for the
	// AVX kernel of amd64 (four 8-lane accumulators), 8 in js/wasm and 4
	// elsewhere, chosen by micro-benchmarks of 4x8, 4x4, 2x8 and 2x4 tiles
	// in pure Go: 2x4 is the widest whose accumulators stay in registers; in
	// js/wasm 2x8 was ahead, by less than the noise of the loaded test
	// machine.
	MR = 2

	kc = 256 // depth of a packed block
	mc = 128 // rows of a packed A block
	nc = 512 // columns of a packed B block
)

var packPool = sync.Pool{New: func() any {
	buf := make([]float32, mc*kc+kc*nc)
	return &buf
}}

// Gemm computes
//
//	C = alpha * op(A) * op(B) + beta * C
//
// for row-major matrices, where op(X) is X or its transpose according to tA
// and tB, op(A) is m×k, op(B) is k×n and C is m×n. The arguments follow
// gonum's blas.Float32.Sgemm. When beta is zero C is not read (NaN in C does
// not propagate). Gemm panics with a "blas32: ..." message on bad sizes or
// short slices.
func Gemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkGemm(tA, tB, m, n, k, a, lda, b, ldb, c, ldc)
	gemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// GemmWindowsT computes C = Aᵀ B for a k×m matrix A whose rows may overlap:
// row p is a[p*lda : p*lda+m] with 1 <= lda, also lda < m. With lda = c and
// m = w*c, A is the im2col matrix of a w-tap 1-D convolution over a padded
// channels-last signal of c channels, read in place, and C (m×n, row-major,
// ldc) the kernel gradient for the output gradient B (k×n, ldb). The sums
// are Gemm's, as if A had been copied out. It panics on bad sizes.
func GemmWindowsT(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 || lda < 1 || ldb < max(1, n) || ldc < max(1, n) {
		panic("blas32: bad dimension or leading dimension")
	}
	if k > 0 && m > 0 && len(a) < (k-1)*lda+m {
		panic("blas32: short A")
	}
	if k > 0 && n > 0 && len(b) < (k-1)*ldb+n {
		panic("blas32: short B")
	}
	if m > 0 && n > 0 && len(c) < (m-1)*ldc+n {
		panic("blas32: short C")
	}
	gemm(blas.Trans, blas.NoTrans, m, n, k, 1, a, lda, b, ldb, 0, c, ldc)
}

func gemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	scaleC(m, n, beta, c, ldc)
	if k == 0 || alpha == 0 {
		return
	}
	bufp := packPool.Get().(*[]float32)
	buf := *bufp
	pa := buf[:mc*kc]
	pb := buf[mc*kc:]
	transA := tA != blas.NoTrans
	transB := tB != blas.NoTrans
	var acc [MR * NR]float32 // written by kernel
	for j0 := 0; j0 < n; j0 += nc {
		nb := min(nc, n-j0)
		npan := (nb + NR - 1) / NR
		for p0 := 0; p0 < k; p0 += kc {
			kb := min(kc, k-p0)
			packB(pb, b, ldb, transB, p0, kb, j0, nb)
			for i0 := 0; i0 < m; i0 += mc {
				mb := min(mc, m-i0)
				if gemmBlockSIMD(transA, a, lda, i0, mb, p0, kb, pb, npan, j0, nb, alpha, c, ldc) ||
					gemmBlockInPlace(transA, a, lda, i0, mb, p0, kb, pb, npan, j0, nb, alpha, c, ldc) {
					continue
				}
				mpan := (mb + MR - 1) / MR
				packA(pa, a, lda, transA, i0, mb, p0, kb)
				for ip := 0; ip < mpan; ip++ {
					ap := pa[ip*kb*MR : (ip+1)*kb*MR]
					i := i0 + ip*MR
					mr := min(MR, m-i)
					for jp := 0; jp < npan; jp++ {
						bp := pb[jp*kb*NR : (jp+1)*kb*NR]
						kernel(kb, ap, bp, &acc)
						j := j0 + jp*NR
						nr := min(NR, n-j)
						for r := 0; r < mr; r++ {
							row := c[(i+r)*ldc+j : (i+r)*ldc+j+nr]
							ar := acc[r*NR : r*NR+nr]
							for q := range row {
								row[q] += alpha * ar[q]
							}
						}
					}
				}
			}
		}
	}
	packPool.Put(bufp)
}

func scaleC(m, n int, beta float32, c []float32, ldc int) {
	switch beta {
	case 1:
	case 0:
		for i := 0; i < m; i++ {
			clear(c[i*ldc : i*ldc+n])
		}
	default:
		for i := 0; i < m; i++ {
			row := c[i*ldc : i*ldc+n]
			for j := range row {
				row[j] *= beta
			}
		}
	}
}

func checkGemm(tA, tB blas.Transpose, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic("blas32: negative dimension")
	}
	ar, ac := m, k
	if tA != blas.NoTrans {
		ar, ac = k, m
	}
	br, bc := k, n
	if tB != blas.NoTrans {
		br, bc = n, k
	}
	if lda < max(1, ac) || ldb < max(1, bc) || ldc < max(1, n) {
		panic("blas32: bad leading dimension")
	}
	if ar > 0 && ac > 0 && len(a) < (ar-1)*lda+ac {
		panic("blas32: short A")
	}
	if br > 0 && bc > 0 && len(b) < (br-1)*ldb+bc {
		panic("blas32: short B")
	}
	if m > 0 && n > 0 && len(c) < (m-1)*ldc+n {
		panic("blas32: short C")
	}
}

// packA packs rows i0..i0+mb, depth p0..p0+kb of op(A) into panels of MR rows:
// dst[(panel*kb+p)*MR+r]. Rows past mb are zero.
func packA(dst, a []float32, lda int, trans bool, i0, mb, p0, kb int) {
	mpan := (mb + MR - 1) / MR
	for ip := 0; ip < mpan; ip++ {
		d := dst[ip*kb*MR : (ip+1)*kb*MR]
		rows := min(MR, mb-ip*MR)
		i := i0 + ip*MR
		if !trans {
			if rows == MR {
				r0 := a[i*lda+p0 : i*lda+p0+kb]
				r1 := a[(i+1)*lda+p0 : (i+1)*lda+p0+kb]
				for p := range r0 {
					dp := d[p*MR : p*MR+MR : p*MR+MR]
					dp[0], dp[1] = r0[p], r1[p]
				}
				continue
			}
			clear(d)
			for r := 0; r < rows; r++ {
				row := a[(i+r)*lda+p0 : (i+r)*lda+p0+kb]
				for p, v := range row {
					d[p*MR+r] = v
				}
			}
			continue
		}
		// op(A)[i][p] = a[p*lda+i]
		if rows == MR {
			for p := 0; p < kb; p++ {
				src := a[(p0+p)*lda+i : (p0+p)*lda+i+MR]
				dp := d[p*MR : p*MR+MR : p*MR+MR]
				dp[0], dp[1] = src[0], src[1]
			}
			continue
		}
		for p := 0; p < kb; p++ {
			src := a[(p0+p)*lda+i:]
			dp := d[p*MR : p*MR+MR]
			for r := 0; r < MR; r++ {
				if r < rows {
					dp[r] = src[r]
				} else {
					dp[r] = 0
				}
			}
		}
	}
}

// packB packs depth p0..p0+kb, columns j0..j0+nb of op(B) into panels of NR
// columns: dst[(panel*kb+p)*NR+q]. Columns past nb are zero.
func packB(dst, b []float32, ldb int, trans bool, p0, kb, j0, nb int) {
	npan := (nb + NR - 1) / NR
	jp0 := 0
	if !trans {
		jp0 = packBSIMD(dst, b, ldb, p0, kb, j0, nb)
	} else {
		// Whole panels over depths in fours on the SIMD module; here
		// the depths left of those panels.
		var kb4 int
		jp0, kb4 = packBTSIMD(dst, b, ldb, p0, kb, j0, nb)
		for jp := range jp0 {
			d := dst[jp*kb*NR : (jp+1)*kb*NR]
			j := j0 + jp*NR
			for q := range NR {
				src := b[(j+q)*ldb+p0 : (j+q)*ldb+p0+kb]
				for p := kb4; p < kb; p++ {
					d[p*NR+q] = src[p]
				}
			}
		}
	}
	for jp := jp0; jp < npan; jp++ {
		d := dst[jp*kb*NR : (jp+1)*kb*NR]
		cols := min(NR, nb-jp*NR)
		j := j0 + jp*NR
		if !trans {
			for p := 0; p < kb; p++ {
				src := b[(p0+p)*ldb+j : (p0+p)*ldb+j+cols]
				dp := d[p*NR : p*NR+NR]
				copy(dp, src)
				clear(dp[cols:])
			}
			continue
		}
		// op(B)[p][j] = b[j*ldb+p]
		clear(d)
		for q := 0; q < cols; q++ {
			src := b[(j+q)*ldb+p0 : (j+q)*ldb+p0+kb]
			for p, v := range src {
				d[p*NR+q] = v
			}
		}
	}
}
