package blas32

import "gonum.org/v1/gonum/blas"

// Naive computes the same product as Gemm with a plain i-k-j loop. It is the
// reference for tests and benchmarks.
func Naive(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkGemm(tA, tB, m, n, k, a, lda, b, ldb, c, ldc)
	scaleC(m, n, beta, c, ldc)
	if alpha == 0 {
		return
	}
	for i := 0; i < m; i++ {
		crow := c[i*ldc : i*ldc+n]
		for p := 0; p < k; p++ {
			var av float32
			if tA == blas.NoTrans {
				av = a[i*lda+p]
			} else {
				av = a[p*lda+i]
			}
			av *= alpha
			if tB == blas.NoTrans {
				brow := b[p*ldb : p*ldb+n]
				for j, bv := range brow {
					crow[j] += av * bv
				}
			} else {
				for j := range crow {
					crow[j] += av * b[j*ldb+p]
				}
			}
		}
	}
}
