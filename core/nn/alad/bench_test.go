package alad

import (
	"context"
	"math/rand/v2"
	"testing"
)

// BenchmarkTrain reports training throughput in samples/s (one sample = one
// row through one discriminator step and one generator/encoder step).
// ANCHORS.md: PyTorch CPU, 1 thread, paper arch, D=39: 16.7 s per 54,467
// samples = about 3,260 samples/s.
func BenchmarkTrain(b *testing.B) {
	for _, bc := range []struct {
		name string
		arch Arch
		d    int
	}{
		{"paper/D=39", PaperArch(), 39},
		{"paper/D=5", PaperArch(), 5},
		{"default/D=39", DefaultArch(), 39},
		{"default/D=5", DefaultArch(), 5},
	} {
		b.Run(bc.name, func(b *testing.B) {
			const rows = 1024
			x, _ := planted(rows, bc.d, rand.New(rand.NewPCG(1, 2)))
			cfg := Config{Arch: bc.arch, Epochs: b.N, SpectralNorm: true}
			b.ReportAllocs()
			b.ResetTimer()
			c0 := cpuSeconds()
			if _, _, err := Train(context.Background(), x, bc.d, cfg, rand.New(rand.NewPCG(3, 4)), nil); err != nil {
				b.Fatal(err)
			}
			reportRate(b, float64(b.N*rows), cpuSeconds()-c0, "samples")
		})
	}
}

// BenchmarkScore reports scoring throughput in cells/s.
func BenchmarkScore(b *testing.B) {
	for _, bc := range []struct {
		name string
		arch Arch
		d    int
	}{
		{"paper/D=39", PaperArch(), 39},
		{"paper/D=5", PaperArch(), 5},
		{"default/D=39", DefaultArch(), 39},
		{"default/D=5", DefaultArch(), 5},
	} {
		b.Run(bc.name, func(b *testing.B) {
			const rows = 4096
			x, _ := planted(rows, bc.d, rand.New(rand.NewPCG(1, 2)))
			m := newNets(bc.arch, bc.d, true, rand.New(rand.NewPCG(3, 4))).export(0.999, 0)
			dst := m.Score(nil, x)
			b.ReportAllocs()
			b.ResetTimer()
			c0 := cpuSeconds()
			for range b.N {
				m.Score(dst, x)
			}
			reportRate(b, float64(b.N*rows), cpuSeconds()-c0, "cells")
		})
	}
}

// reportRate reports n items per wall-clock second and, where the CPU time
// is known, per CPU-second (the machine is shared: wall-clock rates drift
// with the load, CPU-second rates much less).
func reportRate(b *testing.B, n, cpu float64, unit string) {
	b.StopTimer()
	b.ReportMetric(n/b.Elapsed().Seconds(), unit+"/s")
	if cpu > 0 {
		b.ReportMetric(n/cpu, unit+"/cpu-s")
	}
}
