package cnn_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"halo/core/nn/cnn"
)

// Pairs of 6-element differences: dissimilar pairs (label 1) differ by
// about 2 in the first three elements, similar pairs (label 0) by little.
func pairs(rng *rand.Rand, n int) cnn.Pairs {
	const d = 6
	p := cnn.Pairs{D: d, X: make([]float32, n*d), Y: make([]float32, n)}
	for i := range p.Y {
		p.Y[i] = float32(i % 2)
		for j := 0; j < d; j++ {
			v := 0.2 * rng.Float32()
			if p.Y[i] == 1 && j < 3 {
				v += 2
			}
			p.X[i*d+j] = v
		}
	}
	return p
}

func ExampleTrain() {
	rng := rand.New(rand.NewPCG(1, 2))
	train, test := pairs(rng, 400), pairs(rng, 100)
	cfg := cnn.TrainConfig{
		Arch:   cnn.Arch{Channels: []int{4, 8, 8}, Strides: []int{1, 2, 2}}, // a tiny net; PaperArch() for real data
		Epochs: 5,
		Batch:  32,
	}
	model, hist, err := cnn.Train(context.Background(), train, test, cfg, rng, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("loss fell: %v, test accuracy: %.2f\n", hist.Loss[4] < hist.Loss[0]/2, hist.TestAcc[4])

	// Score two new pairs, as the dual-window detector does.
	p := make([]float32, 2)
	model.ScorePairs(p, []float32{
		0.1, 0.0, 0.1, 0.2, 0.1, 0.0, // similar
		2.1, 2.0, 2.1, 0.1, 0.0, 0.1, // dissimilar
	})
	fmt.Printf("similar pair below 0.2: %v, dissimilar pair above 0.8: %v\n", p[0] < 0.2, p[1] > 0.8)
	// Output:
	// loss fell: true, test accuracy: 1.00
	// similar pair below 0.2: true, dissimilar pair above 0.8: true
}
