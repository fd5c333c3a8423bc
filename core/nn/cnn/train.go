package cnn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"halo/core/nn/blas32"
	"halo/core/nn/internal/fused"
	"halo/core/nn/internal/tape"
)

// Pairs is a set of labelled pixel pairs: row i of X (D values) is the
// difference |x_a - x_b| of the two cells of pair i, Y[i] its label, 0 for a
// similar pair (same class) and 1 for a dissimilar one.
type Pairs struct {
	D int
	X []float32 // len(Y)*D values, row-major
	Y []float32
}

// Len returns the number of pairs.
func (p Pairs) Len() int { return len(p.Y) }

// TrainConfig sets up Train. The zero value of every field means its
// default.
type TrainConfig struct {
	// Arch is the network; zero (no Channels) means PaperArch().
	Arch Arch
	// Epochs is the number of passes; 0 means 20 [choice: the paper does not
	// say; its Fig. 6 loss flattens well before].
	Epochs int
	// Batch is the mini-batch size; 0 means 128 (paper).
	Batch int
	// LR is the SGD learning rate; 0 means 0.01 (paper).
	LR float64
	// Momentum is the SGD momentum; 0 means 0.9 (METHODS.md). Use a tiny
	// positive value for (almost) plain SGD.
	Momentum float64
	// PairsPerEpoch, when positive and below the number of training pairs,
	// draws that many pairs (without replacement) for each epoch; 0 means
	// all pairs.
	PairsPerEpoch int
}

func (c TrainConfig) withDefaults() TrainConfig {
	if len(c.Arch.Channels) == 0 {
		c.Arch = PaperArch()
	}
	c.Arch.Kernel = c.Arch.kernel()
	if c.Epochs == 0 {
		c.Epochs = 20
	}
	if c.Batch == 0 {
		c.Batch = 128
	}
	if c.LR == 0 {
		c.LR = 0.01
	}
	if c.Momentum == 0 {
		c.Momentum = 0.9
	}
	return c
}

// History records a training run, one value per completed epoch.
type History struct {
	// Loss is the mean binary cross-entropy over the epoch's training pairs
	// (each batch's loss taken with the weights of that batch, as usual).
	Loss []float64
	// TestAcc is the share of test pairs classified right with threshold
	// 0.5 on the sigmoid output after the epoch; NaN without test pairs.
	TestAcc []float64
}

// ErrDiverged is returned (wrapped) by Train when the training loss becomes
// NaN or infinite; the returned model holds the last weights that gave a
// finite batch loss.
var ErrDiverged = errors.New("cnn: training diverged (loss is NaN or Inf; lower the learning rate)")

// ctxPollBatches is how often Train polls its context within an epoch.
const ctxPollBatches = 16

// Train fits a pixel-pair network to train with mini-batch SGD with momentum
// (gorgonia.Momentum: v = momentum*v - lr*grad, w += v) on the mean binary
// cross-entropy of the logits, in float32. Initial weights are He-normal
// (N(0, 2/fan_in), biases 0) drawn from rng, which also shuffles the pairs
// before every epoch, so the same rng state gives the same History. The last
// batch of an epoch is zero-padded and its padding rows carry zero loss
// weight.
//
// After every epoch Train scores the test pairs and calls progress (if not
// nil) with the epoch (1-based), mean training loss and test accuracy; an
// error from progress, or ctx's, stops training and is returned with the
// model and history so far. A non-finite loss stops it with ErrDiverged.
// Invalid pairs (lengths, labels other than 0 and 1, non-finite values), an
// Arch that fails Validate and negative settings are reported as errors.
//
// Train makes gorgonia use blas32 for its float32 products
// (blas32.UseInGorgonia, a process-wide setting), natively and in js/wasm
// alike, so a seed trains the same weights on both.
func Train(ctx context.Context, train, test Pairs, cfg TrainConfig, rng *rand.Rand, progress func(epoch int, loss, acc float64) error) (*Model, History, error) {
	var hist History
	if cfg.Epochs < 0 || cfg.Batch < 0 || cfg.LR < 0 || cfg.Momentum < 0 || cfg.PairsPerEpoch < 0 {
		return nil, hist, errors.New("cnn: negative TrainConfig setting (epochs, batch, learning rate, momentum and pairs per epoch must be >= 0)")
	}
	cfg = cfg.withDefaults()
	if err := checkPairs(train, "training"); err != nil {
		return nil, hist, err
	}
	if err := checkPairs(test, "test"); err != nil {
		return nil, hist, err
	}
	if train.Len() == 0 {
		return nil, hist, errors.New("cnn: no training pairs")
	}
	if test.Len() > 0 && test.D != train.D {
		return nil, hist, fmt.Errorf("cnn: test pairs have D = %d, training pairs %d", test.D, train.D)
	}
	if err := cfg.Arch.Validate(train.D); err != nil {
		return nil, hist, err
	}
	blas32.UseInGorgonia()

	model := NewModel(cfg.Arch, train.D)
	heNormal(model, rng)
	net, err := newGraphNet(model, cfg.Batch, true)
	if err != nil {
		return nil, hist, fmt.Errorf("cnn: building graph: %w", err)
	}
	tr, err := newTrainer(net, float32(cfg.LR), float32(cfg.Momentum))
	if err != nil {
		return nil, hist, err
	}
	restore := func() *Model {
		tr.restore()
		net.export(model)
		return model
	}

	n := train.Len()
	per := n
	if cfg.PairsPerEpoch > 0 && cfg.PairsPerEpoch < n {
		per = cfg.PairsPerEpoch
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	probs := make([]float32, test.Len())
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		if err := ctx.Err(); err != nil {
			return restore(), hist, err
		}
		rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
		var sum float64
		for b, nb := 0, 0; b < per; b += nb {
			if (b/cfg.Batch)%ctxPollBatches == ctxPollBatches-1 {
				if err := ctx.Err(); err != nil {
					return restore(), hist, err
				}
			}
			nb = min(cfg.Batch, per-b)
			tr.fill(train, order[b:b+nb])
			loss, err := tr.step()
			if err != nil {
				return restore(), hist, err
			}
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return restore(), hist, fmt.Errorf("%w: epoch %d, pair %d", ErrDiverged, epoch, b)
			}
			sum += loss * float64(nb)
		}
		net.export(model)
		acc := math.NaN()
		if test.Len() > 0 {
			model.ScorePairs(probs, test.X)
			right := 0
			for i, p := range probs {
				if (p >= 0.5) == (test.Y[i] == 1) {
					right++
				}
			}
			acc = float64(right) / float64(test.Len())
		}
		loss := sum / float64(per)
		hist.Loss = append(hist.Loss, loss)
		hist.TestAcc = append(hist.TestAcc, acc)
		if progress != nil {
			if err := progress(epoch, loss, acc); err != nil {
				return model, hist, err
			}
		}
	}
	return model, hist, nil
}

// heNormal fills m's kernels and output unit with N(0, 2/fan_in) draws from
// rng (He et al. 2015, doi:10.1109/ICCV.2015.123) and zeroes the biases.
func heNormal(m *Model, rng *rand.Rand) {
	fill := func(w []float32, fanIn int) {
		std := math.Sqrt(2 / float64(fanIn))
		for i := range w {
			w[i] = float32(rng.NormFloat64() * std)
		}
	}
	k := m.Arch.kernel()
	in := 1
	for i, c := range m.Arch.Channels {
		fill(m.Conv[i].W, k*in)
		clear(m.Conv[i].B)
		in = c
	}
	fill(m.FC, in)
	m.FCBias = 0
}

func checkPairs(p Pairs, what string) error {
	if p.Len() == 0 {
		return nil
	}
	if p.D < 1 {
		return fmt.Errorf("cnn: %s pairs have D = %d", what, p.D)
	}
	if len(p.X) != len(p.Y)*p.D {
		return fmt.Errorf("cnn: %s pairs: %d values for %d pairs of %d", what, len(p.X), len(p.Y), p.D)
	}
	for i, y := range p.Y {
		if y != 0 && y != 1 {
			return fmt.Errorf("cnn: %s pair %d has label %v (want 0 or 1)", what, i, y)
		}
	}
	for i, v := range p.X {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("cnn: %s pair %d has a non-finite value (element %d)", what, i/p.D, i%p.D)
		}
	}
	return nil
}

// compile compiles the training graph: tape.Compile, or gorgonia's own
// TapeMachine in the tests that compare the two.
var compile = tape.Compile

// trainer runs the training steps of one graph.
type trainer struct {
	net     *graphNet
	vm      tape.Runner
	w       [][]float32 // net.params' values
	vel     [][]float32
	good    [][]float32 // the parameters that last gave a finite batch loss
	lr, mom float32
}

func newTrainer(net *graphNet, lr, mom float32) (*trainer, error) {
	vm, err := compile(net.g)
	if err != nil {
		return nil, fmt.Errorf("cnn: compiling the training graph: %w", err)
	}
	t := &trainer{net: net, vm: vm, lr: lr, mom: mom}
	for _, p := range net.params {
		w := f32(p.Value())
		t.w = append(t.w, w)
		t.vel = append(t.vel, make([]float32, len(w)))
		t.good = append(t.good, append([]float32(nil), w...))
	}
	return t, nil
}

// fill writes the pairs idx of p into the batch; rows past len(idx) are
// zero with weight 0. Each real row has weight 1/len(idx).
func (t *trainer) fill(p Pairs, idx []int) {
	n, d := t.net, p.D
	for r := range n.yv {
		row := n.xv[r*d : (r+1)*d]
		if r >= len(idx) {
			clear(row)
			n.yv[r], n.wv[r] = 0, 0
			continue
		}
		i := idx[r]
		copy(row, p.X[i*d:(i+1)*d])
		n.yv[r] = p.Y[i]
		n.wv[r] = 1 / float32(len(idx))
	}
}

// step runs the graph on the batch and, if its loss is finite, keeps the
// weights as the last good ones and takes a solver step: gorgonia.Momentum's
// step (v = momentum*v - lr*grad, w += v) on blas32.MomentumStep, the same
// float32 operations in the same order, four lanes at a time in js/wasm,
// without gorgonia's six tensor operations per parameter. It returns the
// batch loss.
func (t *trainer) step() (float64, error) {
	if err := t.vm.Run(); err != nil {
		return 0, fmt.Errorf("cnn: training step: %w", err)
	}
	loss := fused.Scalar(t.vm.Value(t.net.cost))
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, nil
	}
	for i, w := range t.w {
		copy(t.good[i], w)
		g := f32(t.vm.Value(t.net.grads[i]))
		if len(g) != len(w) {
			return 0, fmt.Errorf("cnn: parameter %s: %d weights, %d gradients", t.net.params[i].Name(), len(w), len(g))
		}
		blas32.MomentumStep(w, g, t.vel[i], t.lr, t.mom)
	}
	return loss, nil
}

// restore puts the last good weights back.
func (t *trainer) restore() {
	for i, w := range t.w {
		copy(w, t.good[i])
	}
}
