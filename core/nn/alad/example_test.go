package alad_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"

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

	// How many planted rows are among the 10% highest scores?
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	found := 0
	for _, i := range idx[:n/10] {
		if planted[i] {
			found++
		}
	}
	fmt.Println(hist.StopReason)
	fmt.Printf("planted rows in the top 10%%: %d of %d\n", found, len(planted))
	// Output:
	// completed 3 epochs
	// planted rows in the top 10%: 10 of 10
}
