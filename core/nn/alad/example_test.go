package alad_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"halo/core/nn/alad"
)

func Example() {
	// 500 rows of 6 standardised values: a Gaussian cloud with 10 rows
	// (2%) shifted far away in three dimensions.
	const n, d = 500, 6
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, n*d)
	planted := map[int]bool{}
	for i := range n {
		for j := range d {
			x[i*d+j] = float32(rng.NormFloat64())
		}
		if i%50 == 0 {
			planted[i] = true
			for j := 0; j < 3; j++ {
				x[i*d+j] += 6
			}
		}
	}

	arch := alad.Arch{Enc1: 16, Enc2: 8, Gen1: 8, Gen2: 16, DxzX: 8, DxzZ: 8, DxzJoint: 16, Dxx1: 16, Dxx2: 8, Dzz1: 8, Dzz2: 4, Latent: 4}
	cfg := alad.Config{Arch: arch, Epochs: 3, Batch: 32, LR: 1e-3, SpectralNorm: true}
	m, hist, err := alad.Train(context.Background(), x, d, cfg, rand.New(rand.NewPCG(3, 4)), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	scores := m.Score(nil, x)

	// Mann-Whitney AUC of the planted rows against the others.
	var won, pairs float64
	for i := range n {
		if !planted[i] {
			continue
		}
		for j := range n {
			if planted[j] {
				continue
			}
			pairs++
			switch {
			case scores[i] > scores[j]:
				won++
			case scores[i] == scores[j]:
				won += 0.5
			}
		}
	}
	fmt.Println(hist.StopReason)
	fmt.Println("AUC of the planted rows above 0.95:", won/pairs > 0.95)
	// Output:
	// completed 3 epochs
	// AUC of the planted rows above 0.95: true
}
