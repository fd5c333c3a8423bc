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

// Sgemm routes to Gemm, except for products with n == 1 or m == 1 or fewer
// than smallGemm multiply-adds, which go to gonum.
func (Implementation) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 1 || n == 1 || m*n*k < smallGemm {
		gonum.Implementation{}.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	Gemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
