package vae

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"halo/core/nn/internal/tape"
)

const (
	// forwardTol bounds |pure-Go score - gorgonia score| relative to
	// max(1, |score|) (DESIGN.md: 1e-5 for float32 network values).
	forwardTol = 1e-5
	// aucFloor is the least AUC on planted anomalies far from the cloud.
	aucFloor = 0.9
)

var tinyArch = Arch{Hidden: [3]int{16, 8, 4}, Latent: 2}

// planted returns n rows of d values: a correlated Gaussian cloud with
// every 50th row (2%) shifted by +6 in three dimensions, and the labels.
func planted(n, d int, rng *rand.Rand) ([]float32, []bool) {
	x := make([]float32, n*d)
	lab := make([]bool, n)
	for i := range n {
		common := rng.NormFloat64()
		for j := range d {
			x[i*d+j] = float32(0.6*common + 0.8*rng.NormFloat64())
		}
		if i%50 == 7 {
			lab[i] = true
			for j := range 3 {
				x[i*d+(j*2)%d] += 6
			}
		}
	}
	return x, lab
}

// auc is the Mann-Whitney AUC, ties counted one half.
func auc(s []float32, lab []bool) float64 {
	var num, pos, neg float64
	for i, p := range lab {
		if !p {
			neg++
			continue
		}
		pos++
		for j, q := range lab {
			if q {
				continue
			}
			switch {
			case s[i] > s[j]:
				num++
			case s[i] == s[j]:
				num += 0.5
			}
		}
	}
	return num / (pos * neg)
}

func TestAUCHelper(t *testing.T) {
	// Hand-computed: positives {3, 1}, negatives {2, 1, 0}: 4.5 of 6 pairs.
	if got, want := auc([]float32{3, 1, 2, 1, 0}, []bool{true, true, false, false, false}), 4.5/6; math.Abs(got-want) > 1e-12 {
		t.Fatalf("auc = %v, want %v", got, want)
	}
}

func testConfig() Config { return Config{Arch: tinyArch, Epochs: 3, Batch: 32, LR: 3e-3} }

func TestTrainPlanted(t *testing.T) {
	const n, d = 400, 6
	x, lab := planted(n, d, rand.New(rand.NewPCG(1, 2)))
	cfg := testConfig()
	m, h, err := Train(context.Background(), x, d, cfg, rand.New(rand.NewPCG(3, 4)), nil)
	if err != nil {
		t.Fatal(err)
	}
	first, last := h.Epochs[0], h.Epochs[len(h.Epochs)-1]
	if !(last.Recon+last.KL < first.Recon+first.KL) {
		t.Errorf("loss did not fall: first %+v last %+v", first, last)
	}
	if !(last.KL > 0) {
		t.Errorf("KL term inactive: %+v", last)
	}
	if a := auc(m.Score(nil, x), lab); a < aucFloor {
		t.Errorf("AUC on planted anomalies = %.3f, want >= %v", a, aucFloor)
	}
}

func TestSameSeedSameScores(t *testing.T) {
	const n, d = 200, 5
	x, _ := planted(n, d, rand.New(rand.NewPCG(5, 6)))
	run := func() []float32 {
		m, _, err := Train(context.Background(), x, d, testConfig(), rand.New(rand.NewPCG(7, 8)), nil)
		if err != nil {
			t.Fatal(err)
		}
		return m.Score(nil, x)
	}
	if !slices.Equal(run(), run()) {
		t.Fatal("same seed gave different scores")
	}
}

func TestScoreMatchesGorgonia(t *testing.T) {
	const n, d = 150, 7
	x, _ := planted(n, d, rand.New(rand.NewPCG(9, 10)))
	cfg := testConfig()
	cfg.Epochs = 1
	m, _, err := Train(context.Background(), x, d, cfg, rand.New(rand.NewPCG(11, 12)), nil)
	if err != nil {
		t.Fatal(err)
	}
	g := G.NewGraph()
	k := 0
	in := func(v []float32, s ...int) *G.Node {
		k++
		t := tensor.New(tensor.WithShape(s...), tensor.WithBacking(slices.Clone(v)))
		if len(s) == 1 {
			return G.NewVector(g, tensor.Float32, G.WithShape(s...), G.WithName(fmt.Sprint("n", k)), G.WithValue(t))
		}
		return G.NewMatrix(g, tensor.Float32, G.WithShape(s...), G.WithName(fmt.Sprint("n", k)), G.WithValue(t))
	}
	xn := in(x, n, d)
	h := xn
	for i, l := range m.layers() {
		h = G.Must(G.BroadcastAdd(G.Must(G.Mul(h, in(l.W, l.In, l.Out))), in(l.B, l.Out), nil, []byte{0}))
		if i != 3 && i != 7 {
			h = G.Must(G.Rectify(h))
		}
	}
	s := G.Must(G.Sum(G.Must(G.Square(G.Must(G.Sub(h, xn)))), 1))
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	want := s.Value().Data().([]float32)
	got := m.Score(nil, x)
	for i := range got {
		if diff := math.Abs(float64(got[i] - want[i])); diff > forwardTol*math.Max(1, math.Abs(float64(want[i]))) {
			t.Fatalf("row %d: pure-Go %v, gorgonia %v", i, got[i], want[i])
		}
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	const n, d = 100, 4
	x, _ := planted(n, d, rand.New(rand.NewPCG(13, 14)))
	cfg := testConfig()
	cfg.Epochs = 1
	m, _, err := Train(context.Background(), x, d, cfg, rand.New(rand.NewPCG(15, 16)), nil)
	if err != nil {
		t.Fatal(err)
	}
	buf, _ := m.MarshalBinary()
	var m2 Model
	if err := m2.UnmarshalBinary(buf); err != nil {
		t.Fatal(err)
	}
	if m2.Dim() != d || m2.Arch() != tinyArch || !slices.Equal(m.Score(nil, x), m2.Score(nil, x)) {
		t.Fatal("round trip changed the model")
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"truncated", buf[:len(buf)-4]},
		{"bad magic", append([]byte("HALOALAD"), buf[8:]...)},
		{"trailing", append(slices.Clone(buf), 1, 2, 3, 4)},
	} {
		if err := new(Model).UnmarshalBinary(tc.data); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: err = %v, want ErrFormat", tc.name, err)
		}
	}
}

func TestScoreNoAllocs(t *testing.T) {
	const n, d = 130, 5
	x, _ := planted(n, d, rand.New(rand.NewPCG(17, 18)))
	cfg := testConfig()
	cfg.Epochs = 1
	m, _, err := Train(context.Background(), x, d, cfg, rand.New(rand.NewPCG(19, 20)), nil)
	if err != nil {
		t.Fatal(err)
	}
	dst := m.Score(nil, x)
	if a := testing.AllocsPerRun(5, func() { m.Score(dst, x) }); a != 0 {
		t.Fatalf("Score allocates %v times per call", a)
	}
}

func TestTrainErrors(t *testing.T) {
	const d = 3
	x, _ := planted(64, d, rand.New(rand.NewPCG(21, 22)))
	nan := slices.Clone(x)
	nan[4] = float32(math.Inf(1))
	huge := slices.Clone(x)
	for i := range huge {
		huge[i] = 3e38 * float32(1-2*(i%2))
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	stop := errors.New("stop")
	cfg := testConfig()
	for _, tc := range []struct {
		name     string
		ctx      context.Context
		x        []float32
		cfg      Config
		progress func(int, Losses) error
		want     error // nil: any error
		model    bool
	}{
		{name: "Inf input", ctx: context.Background(), x: nan, cfg: cfg},
		{name: "one row", ctx: context.Background(), x: x[:d], cfg: cfg},
		{name: "negative beta", ctx: context.Background(), x: x, cfg: Config{Beta: -1}},
		{name: "overflow", ctx: context.Background(), x: huge, cfg: cfg, want: ErrNotFinite, model: true},
		{name: "cancelled", ctx: cancelled, x: x, cfg: cfg, want: context.Canceled, model: true},
		{name: "progress error", ctx: context.Background(), x: x, cfg: cfg, progress: func(int, Losses) error { return stop }, want: stop, model: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _, err := Train(tc.ctx, tc.x, d, tc.cfg, rand.New(rand.NewPCG(1, 1)), tc.progress)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if tc.model && m == nil {
				t.Fatal("no model returned with the error")
			}
		})
	}
}

// TestFusedSameGradients runs one training step of the same weights,
// batch and noise through the fused layers and through gorgonia's own ops
// and compares the losses and every parameter gradient. (Whole training
// runs are not compared: Adam's m/sqrt(v) turns rounding differences of
// near-zero gradients into full steps, so trajectories part.)
func TestFusedSameGradients(t *testing.T) {
	defer func() { fusedOps = true }()
	const batch, d = 32, 10
	x, _ := planted(batch, d, rand.New(rand.NewPCG(1, 2)))
	a := Arch{Hidden: [3]int{16, 12, 9}, Latent: 3}
	type out struct {
		loss  [2]float64
		grads [][]float32
	}
	run := func(f bool) out {
		fusedOps = f
		gr, err := buildGraph(d, a, batch, append([]float32(nil), x...), 1, rand.New(rand.NewPCG(5, 6)))
		if err != nil {
			t.Fatal(err)
		}
		rec, kl, _, err := gr.run(rand.New(rand.NewPCG(7, 8)))
		if err != nil {
			t.Fatal(err)
		}
		o := out{loss: [2]float64{rec, kl}}
		for _, g := range gr.grads {
			o.grads = append(o.grads, append([]float32(nil), g...))
		}
		return o
	}
	ref, got := run(false), run(true)
	for i := range ref.loss {
		if !(math.Abs(ref.loss[i]-got.loss[i]) <= 1e-5*(1+math.Abs(ref.loss[i]))) {
			t.Fatalf("loss %d: gorgonia ops %v, fused %v", i, ref.loss[i], got.loss[i])
		}
	}
	for j, rg := range ref.grads {
		var scale float64
		for _, v := range rg {
			scale = math.Max(scale, math.Abs(float64(v)))
		}
		if !(scale > 0) || math.IsInf(scale, 0) {
			t.Fatalf("gradient %d: largest magnitude %v", j, scale)
		}
		for k, v := range rg {
			if e := math.Abs(float64(v - got.grads[j][k])); !(e <= 1e-4*scale) {
				t.Fatalf("gradient %d [%d]: gorgonia ops %v, fused %v", j, k, v, got.grads[j][k])
			}
		}
	}
}

// TestTapeMatchesGorgonia trains on tape.Machine and on gorgonia's own
// TapeMachine, with the fused layers and with gorgonia's ops: the weights
// must agree bit for bit.
func TestTapeMatchesGorgonia(t *testing.T) {
	const n, d = 256, 10
	x, _ := planted(n, d, rand.New(rand.NewPCG(1, 2)))
	for _, f := range []bool{true, false} {
		train := func(c func(*G.ExprGraph) (tape.Runner, error)) []byte {
			defer func(old func(*G.ExprGraph) (tape.Runner, error)) { compile, fusedOps = old, true }(compile)
			compile, fusedOps = c, f
			m, _, err := Train(context.Background(), x, d, Config{Epochs: 2, Batch: 32}, rand.New(rand.NewPCG(3, 4)), nil)
			if err != nil {
				t.Fatal(err)
			}
			b, err := m.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		if !bytes.Equal(train(tape.Compile), train(tape.Reference)) {
			t.Errorf("fused ops %v: the weights trained on tape.Machine differ from gorgonia's TapeMachine", f)
		}
	}
}

// TestTrainStepNoAllocs: a training step (the graph and the Adam step)
// allocates nothing once it has run once.
func TestTrainStepNoAllocs(t *testing.T) {
	const batch, d = 64, 39
	x, _ := planted(batch, d, rand.New(rand.NewPCG(1, 2)))
	cfg := Config{}.withDefaults()
	gr, err := buildGraph(d, cfg.Arch, batch, x, cfg.Beta, rand.New(rand.NewPCG(5, 6)))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	k := 0
	step := func() {
		if _, _, _, err := gr.run(rng); err != nil {
			t.Fatal(err)
		}
		k++
		adamStep(gr.params, gr.grads, cfg.LR, k)
	}
	step()
	if a := testing.AllocsPerRun(5, step); a != 0 {
		t.Errorf("a training step allocates %v times", a)
	}
}
