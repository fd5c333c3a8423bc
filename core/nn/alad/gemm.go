package alad

import (
	"gonum.org/v1/gonum/blas"

	"halo/core/nn/blas32"
)

// gemm adds in (r x k) times w (k x n) to out (r x n), all row-major and
// dense. In js/wasm the register-blocked blas32.Gemm is about 4x faster than
// a plain loop for the paper's widths (BenchmarkScore).
func gemm(out, in []float32, r, k int, w []float32, n int) {
	blas32.Gemm(blas.NoTrans, blas.NoTrans, r, n, k, 1, in[:r*k], k, w, n, 1, out[:r*n], n)
}
