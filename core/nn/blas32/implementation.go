package blas32

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// smallGemm is the m*n*k below which Implementation.Sgemm leaves the product
// to gonum: packing costs more than it saves on tiny products (and on
// matrix-vector shapes, where an NR-wide panel is mostly padding).
const smallGemm = 4096

// Implementation is a complete BLAS (gonum's blas.Float32, Float64, Complex64
// and Complex128) whose float32 matrix product is Gemm. Every other routine is
// gonum's pure-Go one. It satisfies gorgonia.BLAS and tensor.BLAS.
type Implementation struct {
	gonum.Implementation
}

// Sgemm routes to Gemm, except for products with n == 1 or m == 1, which
// go to gemmThin, and other products of fewer than smallGemm multiply-adds,
// which go to gonum.
func (Implementation) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 1 || n == 1 {
		checkGemm(tA, tB, m, n, k, a, lda, b, ldb, c, ldc)
		gemmThin(tA != blas.NoTrans, tB != blas.NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if m*n*k < smallGemm {
		gonum.Implementation{}.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	Gemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemmThin is Gemm for n == 1 (a matrix-vector product: a logit layer) or
// m == 1 (a vector-matrix product). gonum's Sgemm runs these as one Axpy
// call of length 1 per multiply-add (n == 1), which took 6% of an ALAD
// training step in js/wasm. Each result is one sum in the order of k, in
// plain Go on every platform (the same bits natively and in js/wasm).
func gemmThin(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	// op(A)[i][l] = a[i*sa+l*ta], op(B)[l][j] = b[l*sb+j*tb].
	sa, ta := lda, 1
	if transA {
		sa, ta = 1, lda
	}
	sb, tb := ldb, 1
	if transB {
		sb, tb = 1, ldb
	}
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float32
			ai, bj := i*sa, j*tb
			switch {
			case ta == 1 && sb == 1:
				ar, br := a[ai:ai+k], b[bj:bj+k]
				for l, v := range ar {
					s += v * br[l]
				}
			default:
				for l := 0; l < k; l++ {
					s += a[ai+l*ta] * b[bj+l*sb]
				}
			}
			p := &c[i*ldc+j]
			switch beta {
			case 0:
				*p = alpha * s
			case 1:
				*p += alpha * s
			default:
				*p = beta**p + alpha*s
			}
		}
	}
}
