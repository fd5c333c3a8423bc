//go:build !wasm

package vae

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// gemmCols bounds the output columns of one gonum call so that, with at
// most blockRows (64) rows, gonum stays on its serial path (fewer than 4
// blocks of 64x64), which neither allocates nor starts goroutines.
const gemmCols = 128

// gemm adds in (r x k) times w (k x n) to out (r x n), all row-major and
// dense. Natively gonum's assembly kernels are the fastest (BenchmarkScore).
func gemm(out, in []float32, r, k int, w []float32, n int) {
	for j := 0; j < n; j += gemmCols {
		nc := min(gemmCols, n-j)
		gonum.Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, r, nc, k, 1, in[:r*k], k, w[j:], n, 1, out[j:], n)
	}
}
