package blas32

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

type gemmFunc func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

// benchSizes: the ANCHORS.md reference product (128x256x256) and the shapes
// of one paper-CNN training step at batch 128 (layer 40->40 at length 20).
var benchSizes = []struct {
	name    string
	m, n, k int
	tA, tB  blas.Transpose
}{
	{"128x256x256", 128, 256, 256, blas.NoTrans, blas.NoTrans},
	{"conv_fwd_2560x40x120", 2560, 40, 120, blas.NoTrans, blas.NoTrans},
	{"conv_dW_120x40x2560", 120, 40, 2560, blas.Trans, blas.NoTrans},
	{"conv_dX_2560x120x40", 2560, 120, 40, blas.NoTrans, blas.Trans},
}

// BenchmarkGemm reports GFLOPS per CPU second (all threads; gonum's Sgemm
// runs on all cores natively, so its wall_GFLOPS is higher) and per wall
// second. In js/wasm both are wall time.
func BenchmarkGemm(b *testing.B) {
	for _, impl := range []struct {
		name string
		f    gemmFunc
	}{
		{"blas32", Gemm},
		{"gonum", gonum.Implementation{}.Sgemm},
		{"naive", Naive},
	} {
		for _, s := range benchSizes {
			b.Run(fmt.Sprintf("%s/%s", impl.name, s.name), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(1, 1))
				a := randSlice(rng, s.m*s.k)
				bb := randSlice(rng, s.k*s.n)
				c := make([]float32, s.m*s.n)
				lda, ldb := s.k, s.n
				if s.tA == blas.Trans {
					lda = s.m
				}
				if s.tB == blas.Trans {
					ldb = s.k
				}
				b.ReportAllocs()
				b.ResetTimer()
				cpu := cpuTime()
				for b.Loop() {
					impl.f(s.tA, s.tB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
				}
				flops := 2 * float64(s.m*s.n*s.k) * float64(b.N)
				b.ReportMetric(flops/(cpuTime()-cpu).Seconds()/1e9, "GFLOPS")
				b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "wall_GFLOPS")
			})
		}
	}
}
