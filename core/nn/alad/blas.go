package alad

import (
	"sync"

	"gonum.org/v1/gonum/blas/gonum"
	G "gorgonia.org/gorgonia"

	"halo/core/nn/blas32"
)

var plugOnce sync.Once

// plugBLAS makes gorgonia use blas32 in js/wasm (several times gonum's
// float32 product there, blas32 BenchmarkGemm) unless another BLAS was
// already chosen. Package cnn does the same.
func plugBLAS() {
	plugOnce.Do(func() {
		if _, ok := G.WhichBLAS().(gonum.Implementation); ok {
			G.Use(blas32.Implementation{})
		}
	})
}
