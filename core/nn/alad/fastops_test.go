package alad

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkFastOps compares the cheap bias/LReLU graph ops and the pruned
// graph with gorgonia's BroadcastAdd, LeakyRelu and the whole graph.
func BenchmarkFastOps(b *testing.B) {
	for _, fast := range []bool{false, true, false, true} {
		b.Run(fmt.Sprintf("fast=%v", fast), func(b *testing.B) {
			fastOps, pruneGraph = fast, fast
			defer func() { fastOps, pruneGraph = true, true }()
			const rows, d = 1024, 39
			x, _ := planted(rows, d, rand.New(rand.NewPCG(1, 2)))
			cfg := Config{Arch: DefaultArch(), Epochs: b.N, SpectralNorm: true}
			b.ResetTimer()
			c0 := cpuSeconds()
			if _, _, err := Train(context.Background(), x, d, cfg, rand.New(rand.NewPCG(3, 4)), nil); err != nil {
				b.Fatal(err)
			}
			reportRate(b, float64(b.N*rows), cpuSeconds()-c0, "samples")
		})
	}
}

// TestFastOpsSameLosses checks that both formulations train the same model.
func TestFastOpsSameLosses(t *testing.T) {
	x, _ := planted(128, 5, rand.New(rand.NewPCG(1, 2)))
	cfg := testConfig()
	cfg.Epochs = 2
	var losses [2]Losses
	for i, fast := range []bool{false, true} {
		fastOps, pruneGraph = fast, fast
		_, h, err := Train(context.Background(), x, 5, cfg, rand.New(rand.NewPCG(3, 4)), nil)
		fastOps, pruneGraph = true, true
		if err != nil {
			t.Fatal(err)
		}
		losses[i] = h.Epochs[len(h.Epochs)-1]
	}
	const tol = 1e-4 // float32 sums in a different order
	a, c := losses[0], losses[1]
	for _, p := range [][2]float64{{a.Dxz, c.Dxz}, {a.Dxx, c.Dxx}, {a.Dzz, c.Dzz}, {a.G, c.G}, {a.E, c.E}} {
		if d := p[0] - p[1]; d > tol || d < -tol {
			t.Fatalf("losses differ: gorgonia ops %+v, fast ops %+v", a, c)
		}
	}
}
