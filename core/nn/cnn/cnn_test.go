package cnn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// probTol is the agreement required between the hand-written forward pass
// and gorgonia's (DESIGN.md: |diff| < 1e-5 on sigmoid outputs).
const probTol = 1e-5

func TestArch(t *testing.T) {
	for _, tc := range []struct {
		name    string
		arch    Arch
		d       int
		lengths []int
		macs    int
	}{
		// METHODS.md §2: 39 -> 20 -> 10 -> 5 -> 3, "about 0.7 M" MACs;
		// 708,550 = 3*30*39 + 2*90*30*39 + 90*40*20 + 120*40*88 + 40 by hand.
		{"paper", PaperArch(), 39, []int{39, 39, 39, 39, 20, 20, 20, 10, 10, 10, 5, 5, 5, 3}, 708550},
		// 74,390 = 3*8*39 + 2*24*8*39 + 24*14*20 + 42*14*88 + 14 by hand.
		{"light", LightArch(), 39, []int{39, 39, 39, 39, 20, 20, 20, 10, 10, 10, 5, 5, 5, 3}, 74390},
		// 3*4*8 + 12*6*4 + 18*6*4 + 18*5*2 + 5 by hand.
		{"tiny", tinyArch(), 8, []int{8, 8, 4, 4, 2}, 96 + 288 + 432 + 180 + 5},
		{"one position", Arch{Channels: []int{2}, Strides: []int{3}}, 1, []int{1, 1}, 3*2 + 2},
	} {
		if err := tc.arch.Validate(tc.d); err != nil {
			t.Errorf("%s: Validate: %v", tc.name, err)
		}
		if got := tc.arch.Lengths(tc.d); !slices.Equal(got, tc.lengths) {
			t.Errorf("%s: Lengths = %v, want %v", tc.name, got, tc.lengths)
		}
		if got := tc.arch.MACs(tc.d); got != tc.macs {
			t.Errorf("%s: MACs = %d, want %d", tc.name, got, tc.macs)
		}
	}
	for _, tc := range []struct {
		name string
		arch Arch
		d    int
	}{
		{"no layers", Arch{}, 5},
		{"stride count", Arch{Channels: []int{2, 2}, Strides: []int{1}}, 5},
		{"even kernel", Arch{Channels: []int{2}, Strides: []int{1}, Kernel: 2}, 5},
		{"zero channels", Arch{Channels: []int{0}, Strides: []int{1}}, 5},
		{"zero stride", Arch{Channels: []int{2}, Strides: []int{0}}, 5},
		{"empty input", PaperArch(), 0},
	} {
		if tc.arch.Validate(tc.d) == nil {
			t.Errorf("%s: Validate accepted %+v", tc.name, tc.arch)
		}
	}
}

// randomModel returns a model of arch with He-normal weights and small
// random biases (so the bias paths are tested too).
func randomModel(arch Arch, d int, rng *rand.Rand) *Model {
	m := NewModel(arch, d)
	heNormal(m, rng)
	for _, l := range m.Conv {
		for i := range l.B {
			l.B[i] = float32(0.1 * rng.NormFloat64())
		}
	}
	m.FCBias = 0.2
	return m
}

func randomDiffs(rng *rand.Rand, n, d int) []float32 {
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(math.Abs(rng.NormFloat64()))
	}
	return x
}

func sigmoid(z float32) float64 { return 1 / (1 + math.Exp(-float64(z))) }

// graphLogits runs gorgonia's forward pass of this package's training graph.
func graphLogits(t *testing.T, m *Model, diffs []float32) []float32 {
	n := len(diffs) / m.Dim
	net, err := newGraphNet(m, n, false)
	if err != nil {
		t.Fatal(err)
	}
	copy(net.xv, diffs)
	vm := gorgonia.NewTapeMachine(net.g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	return append([]float32(nil), net.logits.Value().Data().([]float32)...)
}

// conv2dLogits is an independent reference: the same network written with
// gorgonia's own Conv2d on (N, C, 1, L) tensors, 1×K filters, padding
// (0, pad), stride (1, s), then GlobalAveragePool2D. Every input node has a
// unique name: gorgonia merges unnamed nodes of equal type and shape.
func conv2dLogits(t *testing.T, m *Model, diffs []float32) []float32 {
	n := len(diffs) / m.Dim
	k := m.Arch.kernel()
	g := gorgonia.NewGraph()
	h := gorgonia.NewTensor(g, tensor.Float32, 4, gorgonia.WithShape(n, 1, 1, m.Dim), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(n, 1, 1, m.Dim), tensor.WithBacking(append([]float32(nil), diffs...)))))
	in := 1
	for i, c := range m.Arch.Channels {
		f := make([]float32, c*in*k)
		for o := 0; o < c; o++ {
			for ch := 0; ch < in; ch++ {
				for j := 0; j < k; j++ {
					f[(o*in+ch)*k+j] = m.Conv[i].W[(j*in+ch)*c+o]
				}
			}
		}
		filter := gorgonia.NewTensor(g, tensor.Float32, 4, gorgonia.WithShape(c, in, 1, k), gorgonia.WithName(fmt.Sprint("filter", i)),
			gorgonia.WithValue(tensor.New(tensor.WithShape(c, in, 1, k), tensor.WithBacking(f))))
		bias := gorgonia.NewTensor(g, tensor.Float32, 4, gorgonia.WithShape(1, c, 1, 1), gorgonia.WithName(fmt.Sprint("bias", i)),
			gorgonia.WithValue(tensor.New(tensor.WithShape(1, c, 1, 1), tensor.WithBacking(append([]float32(nil), m.Conv[i].B...)))))
		conv := gorgonia.Must(gorgonia.Conv2d(h, filter, tensor.Shape{1, k}, []int{0, (k - 1) / 2}, []int{1, m.Arch.Strides[i]}, []int{1, 1}))
		h = gorgonia.Must(gorgonia.Rectify(gorgonia.Must(gorgonia.BroadcastAdd(conv, bias, nil, []byte{0, 2, 3}))))
		in = c
	}
	pooled := gorgonia.Must(gorgonia.Reshape(gorgonia.Must(gorgonia.GlobalAveragePool2D(h)), tensor.Shape{n, in}))
	fc := gorgonia.NewMatrix(g, tensor.Float32, gorgonia.WithShape(in, 1), gorgonia.WithName("fc"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(in, 1), tensor.WithBacking(append([]float32(nil), m.FC...)))))
	fcb := gorgonia.NewMatrix(g, tensor.Float32, gorgonia.WithShape(1, 1), gorgonia.WithName("fcb"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(1, 1), tensor.WithBacking([]float32{m.FCBias}))))
	z := gorgonia.Must(gorgonia.BroadcastAdd(gorgonia.Must(gorgonia.Mul(pooled, fc)), fcb, nil, []byte{0}))
	vm := gorgonia.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	return append([]float32(nil), z.Value().Data().([]float32)...)
}

func TestScorePairsMatchesGorgonia(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, tc := range []struct {
		name string
		arch Arch
		d, n int
	}{
		{"tiny", tinyArch(), 8, 7},
		{"kernel 5", Arch{Channels: []int{3, 4}, Strides: []int{2, 1}, Kernel: 5}, 11, 3},
		// 37 pairs: one full block of 32 and a partial one.
		{"paper", PaperArch(), 39, 37},
		{"light", LightArch(), 39, 5},
	} {
		m := randomModel(tc.arch, tc.d, rng)
		diffs := randomDiffs(rng, tc.n, tc.d)
		got := make([]float32, tc.n)
		m.ScorePairs(got, diffs)
		naive := make([]float32, tc.n)
		for i, z := range naiveLogits(m, diffs) {
			naive[i] = float32(z)
		}
		for name, ref := range map[string][]float32{
			"graph":  graphLogits(t, m, diffs),
			"conv2d": conv2dLogits(t, m, diffs),
			"naive":  naive,
		} {
			for i, z := range ref {
				if !scalar.EqualWithinAbs(float64(got[i]), sigmoid(z), probTol) {
					t.Errorf("%s vs %s: pair %d: ScorePairs %v, gorgonia %v", tc.name, name, i, got[i], sigmoid(z))
				}
			}
		}
	}
}

func TestScorePairsNoAlloc(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	m := randomModel(PaperArch(), 39, rng)
	diffs := randomDiffs(rng, 40, 39)
	dst := make([]float32, 40)
	m.ScorePairs(dst, diffs)
	if n := testing.AllocsPerRun(5, func() { m.ScorePairs(dst, diffs) }); n != 0 {
		t.Errorf("ScorePairs allocates %v times per call", n)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	m := randomModel(tinyArch(), 8, rng)
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got Model
	if err := got.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	diffs := randomDiffs(rng, 9, 8)
	a, b := make([]float32, 9), make([]float32, 9)
	m.ScorePairs(a, diffs)
	got.ScorePairs(b, diffs)
	if !slices.Equal(a, b) || !slices.Equal(got.Arch.Channels, m.Arch.Channels) || got.MACs() != m.MACs() {
		t.Errorf("round trip changed the model: scores %v, want %v", b, a)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"bad magic", append([]byte("HALOCNN0"), data[8:]...)},
		{"truncated", data[:len(data)-1]},
		{"trailing", append(slices.Clone(data), 0)},
	} {
		if err := got.UnmarshalBinary(tc.data); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: err = %v, want ErrFormat", tc.name, err)
		}
	}
}

func TestTrainLearns(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tr, te := toyPairs(rng, 512, 8), toyPairs(rng, 128, 8)
	cfg := TrainConfig{Arch: tinyArch(), Epochs: 6, Batch: 32}
	m, h, err := Train(context.Background(), tr, te, cfg, rand.New(rand.NewPCG(3, 4)), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loss %.3f, test accuracy %.3f", h.Loss, h.TestAcc)
	if len(h.Loss) != cfg.Epochs || len(h.TestAcc) != cfg.Epochs {
		t.Fatalf("history has %d/%d epochs, want %d", len(h.Loss), len(h.TestAcc), cfg.Epochs)
	}
	// Floors for a separable toy set (this seed, natively: loss 0.618 ->
	// 0.063, accuracy 1 from epoch 3); wide margins, the property is "it
	// learns".
	if last := h.Loss[len(h.Loss)-1]; !(last < 0.5*h.Loss[0]) {
		t.Errorf("loss did not fall: %v", h.Loss)
	}
	if acc := h.TestAcc[len(h.TestAcc)-1]; acc < 0.9 {
		t.Errorf("test accuracy %v < 0.9", acc)
	}
	// The returned model is the trained one: its scores give the history's
	// accuracy.
	p := make([]float32, te.Len())
	m.ScorePairs(p, te.X)
	right := 0
	for i := range p {
		if (p[i] >= 0.5) == (te.Y[i] == 1) {
			right++
		}
	}
	if acc := float64(right) / float64(te.Len()); acc != h.TestAcc[len(h.TestAcc)-1] {
		t.Errorf("model accuracy %v, history %v", acc, h.TestAcc[len(h.TestAcc)-1])
	}

	// Same seed, same history; another seed, another one.
	_, h2, err := Train(context.Background(), tr, te, cfg, rand.New(rand.NewPCG(3, 4)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(h.Loss, h2.Loss) || !slices.Equal(h.TestAcc, h2.TestAcc) {
		t.Errorf("same seed, different history:\n%v\n%v", h, h2)
	}
	_, h3, _ := Train(context.Background(), tr, te, cfg, rand.New(rand.NewPCG(5, 6)), nil)
	if slices.Equal(h.Loss, h3.Loss) {
		t.Errorf("different seeds gave the same loss history %v", h.Loss)
	}
}

func TestTrainPairsPerEpochAndPartialBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	tr := toyPairs(rng, 100, 6)
	// 70 pairs per epoch with batch 32: two full batches and one of 6.
	cfg := TrainConfig{Arch: tinyArch(), Epochs: 2, Batch: 32, PairsPerEpoch: 70}
	_, h, err := Train(context.Background(), tr, Pairs{}, cfg, rng, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Loss) != 2 || !math.IsNaN(h.TestAcc[0]) {
		t.Errorf("history %v: want 2 epochs and NaN accuracy without test pairs", h)
	}
}

func TestTrainStops(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	tr := toyPairs(rng, 64, 6)
	cfg := TrainConfig{Arch: tinyArch(), Epochs: 5, Batch: 16}
	stop := errors.New("stop")
	m, h, err := Train(context.Background(), tr, Pairs{}, cfg, rng, func(epoch int, loss, acc float64) error {
		if epoch == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || len(h.Loss) != 2 || m == nil {
		t.Errorf("progress error: err %v, %d epochs, model %v", err, len(h.Loss), m != nil)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Train(ctx, tr, Pairs{}, cfg, rng, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
	// A huge learning rate overflows float32: Train must stop with
	// ErrDiverged and hand back finite weights.
	cfg.LR = 1e30
	m, _, err = Train(context.Background(), tr, Pairs{}, cfg, rng, nil)
	if !errors.Is(err, ErrDiverged) {
		t.Fatalf("lr 1e30: err = %v, want ErrDiverged", err)
	}
	if !m.finite() {
		t.Errorf("diverged run returned non-finite weights")
	}
}

func TestTrainBadPairs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	good := toyPairs(rng, 8, 4)
	nan := toyPairs(rng, 8, 4)
	nan.X[5] = float32(math.NaN())
	label := toyPairs(rng, 8, 4)
	label.Y[2] = 2
	for _, tc := range []struct {
		name        string
		train, test Pairs
	}{
		{"no pairs", Pairs{D: 4}, good},
		{"short X", Pairs{D: 4, X: good.X[:30], Y: good.Y}, Pairs{}},
		{"NaN", nan, Pairs{}},
		{"label", label, Pairs{}},
		{"test D", good, toyPairs(rng, 3, 5)},
	} {
		if _, _, err := Train(context.Background(), tc.train, tc.test, TrainConfig{Arch: tinyArch(), Epochs: 1}, rng, nil); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	if _, _, err := Train(context.Background(), good, Pairs{}, TrainConfig{Arch: tinyArch(), LR: -1}, rng, nil); err == nil {
		t.Errorf("negative learning rate: no error")
	}
	for _, tc := range []struct {
		name string
		arch Arch
	}{
		{"stride count", Arch{Channels: []int{2, 2}, Strides: []int{1}}},
		{"even kernel", Arch{Channels: []int{2}, Strides: []int{1}, Kernel: 4}},
	} {
		if _, _, err := Train(context.Background(), good, Pairs{}, TrainConfig{Arch: tc.arch, Epochs: 1}, rng, nil); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

// pairScorer is the interface core/detect consumes.
type pairScorer interface {
	D() int
	ScorePairs(dst, diffs []float32)
}

var (
	_ pairScorer = (*Model)(nil)
	_ pairScorer = (*Scorer)(nil)
)
