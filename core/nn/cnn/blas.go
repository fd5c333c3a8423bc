package cnn

import (
	"sync"

	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/gorgonia"

	"halo/core/nn/blas32"
)

var plugOnce sync.Once

// plugBLAS makes gorgonia use blas32 (about 7x gonum's float32 product in
// js/wasm, BenchmarkGemm) unless someone already chose another BLAS.
func plugBLAS() {
	plugOnce.Do(func() {
		if _, ok := gorgonia.WhichBLAS().(gonum.Implementation); ok {
			gorgonia.Use(blas32.Implementation{})
		}
	})
}
