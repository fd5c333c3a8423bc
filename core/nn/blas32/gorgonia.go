package blas32

import (
	"sync"

	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/gorgonia"
)

var plugOnce sync.Once

// UseInGorgonia makes gorgonia use this package's float32 GEMM
// (Implementation) unless another BLAS than gonum's default was chosen
// already. It is process-wide and idempotent. The networks call it before
// training, natively and in js/wasm alike: in wasm it is several times
// faster than gonum's pure-Go path (BenchmarkGemm), and using the same
// kernel on both platforms makes a seed train bit-identical weights.
func UseInGorgonia() {
	plugOnce.Do(func() {
		if _, ok := gorgonia.WhichBLAS().(gonum.Implementation); ok {
			gorgonia.Use(Implementation{})
		}
	})
}
