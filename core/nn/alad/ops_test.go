package alad

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// BenchmarkFusedOps compares the fused layer ops with the same networks
// built from gorgonia's own ops (and the whole, unpruned graph).
func BenchmarkFusedOps(b *testing.B) {
	for _, fused := range []bool{false, true} {
		b.Run(fmt.Sprintf("fused=%v", fused), func(b *testing.B) {
			fusedOps, pruneGraph = fused, fused
			defer func() { fusedOps, pruneGraph = true, true }()
			const rows, d = 1024, 39
			x, _ := planted(rows, d, rand.New(rand.NewPCG(1, 2)))
			cfg := Config{Arch: DefaultArch(), Epochs: b.N, SpectralNorm: true}
			b.ReportAllocs()
			b.ResetTimer()
			c0 := cpuSeconds()
			if _, _, err := Train(context.Background(), x, d, cfg, rand.New(rand.NewPCG(3, 4)), nil); err != nil {
				b.Fatal(err)
			}
			reportRate(b, float64(b.N*rows), cpuSeconds()-c0, "samples")
		})
	}
}

// TestFusedOpsSameGradients runs one discriminator step and one
// generator/encoder step of the same networks, batch, latent draws and
// dropout masks through the fused ops and through gorgonia's own ops, and
// compares every loss and every parameter gradient.
func TestFusedOpsSameGradients(t *testing.T) {
	defer func() { fusedOps = true }()
	for _, d := range []int{5, 39} {
		const batch = 32
		x, _ := planted(batch, d, rand.New(rand.NewPCG(1, 2)))
		nt := newNets(Arch{Enc1: 12, Enc2: 10, Gen1: 9, Gen2: 11, DxzX: 8, DxzZ: 7, DxzJoint: 13,
			Dxx1: 14, Dxx2: 6, Dzz1: 5, Dzz2: 4, Latent: 3}, d, true, rand.New(rand.NewPCG(5, 6)))
		nt.powerStep()
		cfg := testConfig().withDefaults()
		type out struct {
			loss  []float64
			grads [][]float32
		}
		run := func(fused bool) [2]out {
			fusedOps = fused
			xb := append([]float32(nil), x...)
			dis, ge, err := newSteps(nt, batch, xb, cfg)
			if err != nil {
				t.Fatal(err)
			}
			var res [2]out
			for i, s := range []*step{dis, ge} {
				if err := s.run(rand.New(rand.NewPCG(7, uint64(i)))); err != nil {
					t.Fatal(err)
				}
				for j := range s.loss {
					res[i].loss = append(res[i].loss, s.lossValue(j))
				}
				for _, g := range s.grads {
					res[i].grads = append(res[i].grads, append([]float32(nil), g...))
				}
			}
			return res
		}
		ref, got := run(false), run(true)
		for i, name := range []string{"discriminator", "generator/encoder"} {
			for j := range ref[i].loss {
				if a, b := ref[i].loss[j], got[i].loss[j]; !(math.Abs(a-b) <= 1e-5*(1+math.Abs(a))) || !finite(a) {
					t.Errorf("D=%d %s loss %d: gorgonia ops %v, fused ops %v", d, name, j, a, b)
				}
			}
			params := nt.dParams
			if i == 1 {
				params = nt.geParams
			}
			for j, rg := range ref[i].grads {
				var scale float64
				for _, v := range rg {
					scale = math.Max(scale, math.Abs(float64(v)))
				}
				if !(scale > 0) || math.IsInf(scale, 0) {
					t.Errorf("D=%d %s: gradient of %s is all zero or not finite (largest magnitude %v)", d, name, params[j].name, scale)
				}
				for k, v := range rg {
					if e := math.Abs(float64(v - got[i].grads[j][k])); !(e <= 1e-4*scale) {
						t.Fatalf("D=%d %s: gradient of %s[%d]: gorgonia ops %v, fused ops %v", d, name, params[j].name, k, v, got[i].grads[j][k])
					}
				}
			}
		}
	}
}

// TestFusedOpsSameLosses checks that both formulations train the same
// model over two epochs.
func TestFusedOpsSameLosses(t *testing.T) {
	x, _ := planted(128, 5, rand.New(rand.NewPCG(1, 2)))
	cfg := testConfig()
	cfg.Epochs = 2
	var losses [2]Losses
	for i, fused := range []bool{false, true} {
		fusedOps, pruneGraph = fused, fused
		_, h, err := Train(context.Background(), x, 5, cfg, rand.New(rand.NewPCG(3, 4)), nil)
		fusedOps, pruneGraph = true, true
		if err != nil {
			t.Fatal(err)
		}
		losses[i] = h.Epochs[len(h.Epochs)-1]
	}
	const tol = 1e-4 // float32 sums in a different order
	a, c := losses[0], losses[1]
	for _, p := range [][2]float64{{a.Dxz, c.Dxz}, {a.Dxx, c.Dxx}, {a.Dzz, c.Dzz}, {a.G, c.G}, {a.E, c.E}} {
		if d := p[0] - p[1]; !(d <= tol && d >= -tol) {
			t.Fatalf("losses differ: gorgonia ops %+v, fused ops %+v", a, c)
		}
	}
}
