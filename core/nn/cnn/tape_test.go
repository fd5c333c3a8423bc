package cnn

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"

	"halo/core/nn/internal/tape"
)

// TestTapeMatchesGorgonia trains on tape.Machine and on gorgonia's own
// TapeMachine (a partial last batch included): the weights and the losses
// must agree bit for bit.
func TestTapeMatchesGorgonia(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tr := toyPairs(rng, 200, 8)
	train := func(c func(*gorgonia.ExprGraph) (tape.Runner, error)) ([]byte, History) {
		defer func(old func(*gorgonia.ExprGraph) (tape.Runner, error)) { compile = old }(compile)
		compile = c
		m, h, err := Train(context.Background(), tr, Pairs{D: 8}, TrainConfig{Arch: tinyArch(), Epochs: 2, Batch: 32}, rand.New(rand.NewPCG(3, 4)), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := m.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		return b, h
	}
	got, hg := train(tape.Compile)
	want, hw := train(tape.Reference)
	if !bytes.Equal(got, want) {
		t.Error("the weights trained on tape.Machine differ from gorgonia's TapeMachine")
	}
	for i := range hw.Loss {
		if hg.Loss[i] != hw.Loss[i] {
			t.Errorf("epoch %d: loss %v, gorgonia's %v", i+1, hg.Loss[i], hw.Loss[i])
		}
	}
}
