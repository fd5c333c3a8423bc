package vae_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"

	"halo/core/nn/vae"
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
	cfg := vae.Config{Arch: vae.Arch{Hidden: [3]int{16, 8, 4}, Latent: 2}, Epochs: 3, Batch: 32, LR: 3e-3}
	m, _, err := vae.Train(context.Background(), x, d, cfg, rand.New(rand.NewPCG(3, 4)), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	scores := m.Score(nil, x)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	found := 0
	for _, i := range idx[:n/20] {
		if planted[i] {
			found++
		}
	}
	fmt.Printf("planted rows in the top 5%%: %d of %d\n", found, len(planted))
	// Output:
	// planted rows in the top 5%: 10 of 10
}
