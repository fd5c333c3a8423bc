package cnn

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"halo/core/nn/blas32"
)

// benchD is the input length of the Fe paper (39 elements).
const benchD = 39

var (
	gemmOnce   sync.Once
	gemmGFLOPS float64
)

// referenceGFLOPS measures blas32.Gemm on the ANCHORS.md reference product
// (128x256x256 float32) in this process, so every benchmark can report its
// speed as a fraction of the GEMM's on the same machine and moment.
func referenceGFLOPS() float64 {
	gemmOnce.Do(func() {
		const m, n, k = 128, 256, 256
		rng := rand.New(rand.NewPCG(1, 1))
		a, b, c := randomDiffs(rng, m, k), randomDiffs(rng, k, n), make([]float32, m*n)
		runs := 0
		start, cpu := time.Now(), cpuTime()
		for time.Since(start) < 500*time.Millisecond {
			blas32.Gemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, c, n)
			runs++
		}
		gemmGFLOPS = 2 * m * n * k * float64(runs) / (cpuTime() - cpu).Seconds() / 1e9
	})
	return gemmGFLOPS
}

// reportRate reports pairs per second of wall time (pairs/s) and of CPU time
// (pairs/cpu_s; the same as pairs/s in js/wasm), and GFLOPS per CPU second
// next to blas32.Gemm's (gemm_GFLOPS, also per CPU second) and their ratio
// (frac_of_gemm). CPU time makes numbers comparable on a loaded machine.
func reportRate(b *testing.B, pairs int, flopsPerPair float64, cpu time.Duration) {
	cpuRate := float64(pairs) / cpu.Seconds()
	gflops := cpuRate * flopsPerPair / 1e9
	ref := referenceGFLOPS()
	b.ReportMetric(float64(pairs)/b.Elapsed().Seconds(), "pairs/s")
	b.ReportMetric(cpuRate, "pairs/cpu_s")
	b.ReportMetric(gflops, "GFLOPS")
	b.ReportMetric(ref, "gemm_GFLOPS")
	b.ReportMetric(gflops/ref, "frac_of_gemm")
}

var benchArchs = []struct {
	name string
	arch Arch
}{
	{"paper", PaperArch()},
	{"default", MidArch()},
	{"light", LightArch()},
}

// BenchmarkScorePairs: inference in blocks of 1,056 pairs (one (13,35)
// dual-window ring). FLOPs = 2 x MACs per pair.
func BenchmarkScorePairs(b *testing.B) {
	for _, a := range benchArchs {
		b.Run(a.name, func(b *testing.B) {
			const n = 1056
			rng := rand.New(rand.NewPCG(1, 2))
			m := randomModel(a.arch, benchD, rng)
			diffs := randomDiffs(rng, n, benchD)
			dst := make([]float32, n)
			m.ScorePairs(dst, diffs)
			referenceGFLOPS()
			b.ReportAllocs()
			b.ResetTimer()
			cpu := cpuTime()
			for b.Loop() {
				m.ScorePairs(dst, diffs)
			}
			reportRate(b, n*b.N, 2*float64(m.MACs()), cpuTime()-cpu)
		})
	}
}

// BenchmarkTrainStep: one SGD step (forward, backward, momentum update) on
// a batch of 128 pairs with this package's graph (convop), and for
// comparison the same network written with gorgonia's Conv2d on NCHW
// tensors, each with gorgonia using gonum's BLAS and blas32 (Train uses
// blas32 in js/wasm only). FLOPs = 3 x 2 x MACs per pair (forward + two backward
// products). An epoch of the paper's 55,216 pairs takes 55,216 / (pairs/s).
func BenchmarkTrainStep(b *testing.B) {
	prev := gorgonia.WhichBLAS()
	defer gorgonia.Use(prev)
	for _, a := range benchArchs {
		for _, impl := range []string{"train", "convop", "conv2d"} {
			for _, bl := range []struct {
				name string
				impl gorgonia.BLAS
			}{
				{"gonum", gonum.Implementation{}},
				{"blas32", blas32.Implementation{}},
			} {
				if impl == "train" && bl.name != "blas32" {
					continue
				}
				b.Run(fmt.Sprintf("%s/%s/%s", a.name, impl, bl.name), func(b *testing.B) {
					gorgonia.Use(bl.impl)
					const batch = 128
					rng := rand.New(rand.NewPCG(3, 4))
					m := randomModel(a.arch, benchD, rng)
					var step func()
					if impl == "train" {
						// Train's own step: the graph on tape.Machine, the
						// solver on blas32.MomentumStep.
						net, err := newGraphNet(m, batch, true)
						if err != nil {
							b.Fatal(err)
						}
						tr, err := newTrainer(net, 1e-4, 0.9)
						if err != nil {
							b.Fatal(err)
						}
						p := Pairs{D: benchD, X: randomDiffs(rng, batch, benchD), Y: make([]float32, batch)}
						idx := make([]int, batch)
						for i := range idx {
							idx[i], p.Y[i] = i, float32(i%2)
						}
						tr.fill(p, idx)
						step = func() {
							if _, err := tr.step(); err != nil {
								b.Fatal(err)
							}
						}
					} else {
						step = gorgoniaStep(b, impl, m, batch, rng)
					}
					step()
					referenceGFLOPS()
					b.ReportAllocs()
					b.ResetTimer()
					cpu := cpuTime()
					for b.Loop() {
						step()
					}
					reportRate(b, batch*b.N, 6*float64(m.MACs()), cpuTime()-cpu)
				})
			}
		}
	}
}

// gorgoniaStep returns one SGD step of m on gorgonia's TapeMachine and
// solver: this package's graph (convop) or the Conv2d one (conv2d), on a
// batch of random pairs. The machine closes when b ends.
func gorgoniaStep(b *testing.B, impl string, m *Model, batch int, rng *rand.Rand) func() {
	var (
		g      *gorgonia.ExprGraph
		params gorgonia.Nodes
	)
	if impl == "convop" {
		net, err := newGraphNet(m, batch, true)
		if err != nil {
			b.Fatal(err)
		}
		copy(net.xv, randomDiffs(rng, batch, benchD))
		for i := range net.yv {
			net.yv[i] = float32(i % 2)
			net.wv[i] = 1 / float32(batch)
		}
		g, params = net.g, net.params
	} else {
		g, params = conv2dTrainGraph(b, m, batch, rng)
	}
	vm := gorgonia.NewTapeMachine(g, gorgonia.BindDualValues(params...))
	b.Cleanup(func() { vm.Close() })
	solver := gorgonia.NewMomentum(gorgonia.WithLearnRate(1e-4), gorgonia.WithMomentum(0.9))
	grads := gorgonia.NodesToValueGrads(params)
	return func() {
		if err := vm.RunAll(); err != nil {
			b.Fatal(err)
		}
		if err := solver.Step(grads); err != nil {
			b.Fatal(err)
		}
		vm.Reset()
	}
}

// conv2dTrainGraph is the training graph written the obvious way with
// gorgonia.Conv2d (what ANCHORS.md measured at 778 pairs/s), for the
// comparison in BenchmarkTrainStep.
func conv2dTrainGraph(b *testing.B, m *Model, batch int, rng *rand.Rand) (*gorgonia.ExprGraph, gorgonia.Nodes) {
	k := m.Arch.kernel()
	g := gorgonia.NewGraph()
	val := func(v []float32, shape ...int) gorgonia.NodeConsOpt {
		return gorgonia.WithValue(tensor.New(tensor.WithShape(shape...), tensor.WithBacking(v)))
	}
	h := gorgonia.NewTensor(g, tensor.Float32, 4, gorgonia.WithShape(batch, 1, 1, m.Dim), gorgonia.WithName("x"),
		val(randomDiffs(rng, batch, m.Dim), batch, 1, 1, m.Dim))
	var params gorgonia.Nodes
	in := 1
	for i, c := range m.Arch.Channels {
		f := gorgonia.NewTensor(g, tensor.Float32, 4, gorgonia.WithShape(c, in, 1, k), gorgonia.WithName(fmt.Sprint("f", i)),
			val(randomDiffs(rng, c*in, k), c, in, 1, k))
		bias := gorgonia.NewTensor(g, tensor.Float32, 4, gorgonia.WithShape(1, c, 1, 1), gorgonia.WithName(fmt.Sprint("b", i)),
			val(make([]float32, c), 1, c, 1, 1))
		params = append(params, f, bias)
		conv := gorgonia.Must(gorgonia.Conv2d(h, f, tensor.Shape{1, k}, []int{0, (k - 1) / 2}, []int{1, m.Arch.Strides[i]}, []int{1, 1}))
		h = gorgonia.Must(gorgonia.Rectify(gorgonia.Must(gorgonia.BroadcastAdd(conv, bias, nil, []byte{0, 2, 3}))))
		in = c
	}
	// GlobalAveragePool2D has no symbolic gradient in v0.9.18 and Mean over
	// axes (2, 3) of a Conv2d output panics: average the last axis of a
	// (batch*C)×L reshape instead.
	last := h.Shape()[3]
	pooled := gorgonia.Must(gorgonia.Reshape(gorgonia.Must(gorgonia.Mean(gorgonia.Must(gorgonia.Reshape(h, tensor.Shape{batch * in, last})), 1)), tensor.Shape{batch, in}))
	fc := gorgonia.NewMatrix(g, tensor.Float32, gorgonia.WithShape(in, 1), gorgonia.WithName("fc"), val(randomDiffs(rng, in, 1), in, 1))
	fcb := gorgonia.NewMatrix(g, tensor.Float32, gorgonia.WithShape(1, 1), gorgonia.WithName("fcb"), val([]float32{0}, 1, 1))
	params = append(params, fc, fcb)
	z := gorgonia.Must(gorgonia.BroadcastAdd(gorgonia.Must(gorgonia.Mul(pooled, fc)), fcb, nil, []byte{0}))
	yv := make([]float32, batch)
	for i := range yv {
		yv[i] = float32(i % 2)
	}
	y := gorgonia.NewMatrix(g, tensor.Float32, gorgonia.WithShape(batch, 1), gorgonia.WithName("y"), val(yv, batch, 1))
	bce := gorgonia.Must(gorgonia.Add(gorgonia.Must(gorgonia.Sub(gorgonia.Must(gorgonia.Rectify(z)), gorgonia.Must(gorgonia.HadamardProd(z, y)))),
		gorgonia.Must(gorgonia.Log1p(gorgonia.Must(gorgonia.Exp(gorgonia.Must(gorgonia.Neg(gorgonia.Must(gorgonia.Abs(z))))))))))
	cost := gorgonia.Must(gorgonia.Mean(bce))
	if _, err := gorgonia.Grad(cost, params...); err != nil {
		b.Fatal(err)
	}
	return g, params
}
