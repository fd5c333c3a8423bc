package blas32

import (
	"sync"

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
	// The sums that run along contiguous rows of one operand (Aᵀ times a
	// vector, a vector times B) are column sums weighted by the vector:
	// four lanes at a time in js/wasm, in the same order.
	if SIMD() {
		switch {
		case n == 1 && transA && sb == 1:
			gemmThinCols(m, k, alpha, a, lda, b, beta, c, ldc)
			return
		case m == 1 && !transB && ta == 1:
			gemmThinCols(n, k, alpha, b, ldb, a, beta, c, 1)
			return
		}
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

var thinPool = sync.Pool{New: func() any { return new([]float32) }}

// gemmThinCols is gemmThin's n == 1, transA case (s[i] = sum over l of
// a[l*lda+i] * b[l], i < m) and its m == 1, B not transposed case (s[j] =
// sum over l of a[l] * b[l*ldb+j]: called with the operands swapped) on
// WeightedColSums, then C = alpha*s (+ beta*C) at c[i*step].
func gemmThinCols(cnt, k int, alpha float32, mat []float32, ld int, vec []float32, beta float32, c []float32, step int) {
	bp := thinPool.Get().(*[]float32)
	defer thinPool.Put(bp)
	if cap(*bp) < cnt {
		*bp = make([]float32, cnt)
	}
	s := (*bp)[:cnt]
	// WeightedColSums multiplies weight by matrix element: for the vector
	// times B the Go loop's product a[l]*b[...] is that order already; for
	// Aᵀ times the vector it is a[...]*b[l], the same rounded product.
	WeightedColSumsStride(s, mat, vec[:k], k, cnt, ld)
	for i, v := range s {
		p := &c[i*step]
		switch beta {
		case 0:
			*p = alpha * v
		case 1:
			*p += alpha * v
		default:
			*p = beta**p + alpha*v
		}
	}
}
