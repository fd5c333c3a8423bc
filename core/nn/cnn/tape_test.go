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
	train := func(c func(*gorgonia.ExprGraph) (tape.Runner, error)) ([]byte, History) {
		defer func(old func(*gorgonia.ExprGraph) (tape.Runner, error)) { compile = old }(compile)
		compile = c
		return trainToy(t, 2)
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

// TestTrainStepNoAllocs: a training step (filling the batch, the graph, the
// solver step) allocates nothing once it has run once.
func TestTrainStepNoAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const batch, d = 64, 39
	p := toyPairs(rng, batch, d)
	m := NewModel(MidArch(), d)
	heNormal(m, rng)
	net, err := newGraphNet(m, batch, true)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := newTrainer(net, 0.01, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	idx := make([]int, batch-5)
	for i := range idx {
		idx[i] = i
	}
	step := func() {
		tr.fill(p, idx)
		if _, err := tr.step(); err != nil {
			t.Fatal(err)
		}
	}
	step()
	if a := testing.AllocsPerRun(5, step); a != 0 {
		t.Errorf("a training step allocates %v times", a)
	}
}

// TestFusedHeadMatchesGorgonia: the fused head and loss (headop.go) give
// the logits, the loss and every gradient of gorgonia's formulation.
func TestFusedHeadMatchesGorgonia(t *testing.T) {
	defer func() { fusedHead = true }()
	rng := rand.New(rand.NewPCG(25, 26))
	arch := Arch{Channels: []int{4, 5, 6}, Strides: []int{1, 2, 1}, Kernel: 3}
	const d, n = 9, 7
	m := randomModel(arch, d, rng)
	diffs := randomDiffs(rng, n, d)
	y := []float32{0, 1, 1, 0, 1, 0, 1}
	run := func(f bool) [][]float32 {
		fusedHead = f
		// The logits of the forward graph: gorgonia's tape machine reuses
		// the logits' memory in the training graph once they are read.
		out := [][]float32{graphLogits(t, m, diffs)}
		net := runGraph(t, m, diffs, y)
		out = append(out, []float32{net.cost.Value().Data().(float32)})
		return append(out, paramGrads(t, net)...)
	}
	sameOutputs(t, run(false), run(true), "0 logits, 1 loss, then parameter gradients", "gorgonia", "fused")
}

// TestFusedHeadBitIdentical trains with the fused head and loss and with
// gorgonia's formulation of them (a partial last batch included): the
// weights and the losses must agree bit for bit.
func TestFusedHeadBitIdentical(t *testing.T) {
	defer func() { fusedHead = true }()
	train := func(f bool) ([]byte, History) {
		fusedHead = f
		return trainToy(t, 3)
	}
	got, hg := train(true)
	want, hw := train(false)
	for i := range hw.Loss {
		if hg.Loss[i] != hw.Loss[i] {
			t.Errorf("epoch %d: loss %v, gorgonia's formulation %v", i+1, hg.Loss[i], hw.Loss[i])
		}
	}
	if !bytes.Equal(got, want) {
		t.Error("the weights trained with the fused head differ from gorgonia's formulation")
	}
}

// trainToy trains the tiny network on 200 toy pairs (batches of 32, so a
// partial last batch) for epochs from a fixed seed and returns the encoded
// weights and the history.
func trainToy(t *testing.T, epochs int) ([]byte, History) {
	t.Helper()
	tr := toyPairs(rand.New(rand.NewPCG(1, 2)), 200, 8)
	m, h, err := Train(context.Background(), tr, Pairs{D: 8}, TrainConfig{Arch: tinyArch(), Epochs: epochs, Batch: 32}, rand.New(rand.NewPCG(3, 4)), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b, h
}
