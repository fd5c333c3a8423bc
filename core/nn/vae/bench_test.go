package vae

import (
	"context"
	"math/rand/v2"
	"testing"
)

// BenchmarkTrain reports training throughput in samples/s.
func BenchmarkTrain(b *testing.B) {
	for _, bc := range []struct {
		name string
		d    int
	}{{"D=39", 39}, {"D=5", 5}} {
		b.Run(bc.name, func(b *testing.B) {
			const rows = 4096
			x, _ := planted(rows, bc.d, rand.New(rand.NewPCG(1, 2)))
			cfg := Config{Epochs: b.N}
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
		d    int
	}{{"D=39", 39}, {"D=5", 5}} {
		b.Run(bc.name, func(b *testing.B) {
			const rows = 4096
			x, _ := planted(rows, bc.d, rand.New(rand.NewPCG(1, 2)))
			m, _, err := Train(context.Background(), x[:256*bc.d], bc.d, Config{Epochs: 1}, rand.New(rand.NewPCG(3, 4)), nil)
			if err != nil {
				b.Fatal(err)
			}
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
// is known, per CPU-second (the machine is shared).
func reportRate(b *testing.B, n, cpu float64, unit string) {
	b.StopTimer()
	b.ReportMetric(n/b.Elapsed().Seconds(), unit+"/s")
	if cpu > 0 {
		b.ReportMetric(n/cpu, unit+"/cpu-s")
	}
}
