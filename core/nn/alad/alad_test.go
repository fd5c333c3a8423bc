package alad

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

const (
	// forwardTol bounds |pure-Go score - gorgonia score| relative to
	// max(1, |score|): float32 sums in a different order (DESIGN.md: 1e-5).
	forwardTol = 1e-5
	// snTol bounds the relative error of the power-iteration estimate of
	// the largest singular value in float32.
	snTol = 1e-5
	// aucFloor is the least AUC on planted anomalies far from the cloud.
	aucFloor = 0.9
)

// tinyArch keeps the tests fast.
var tinyArch = Arch{Enc1: 16, Enc2: 8, Gen1: 8, Gen2: 16, DxzX: 8, DxzZ: 8, DxzJoint: 16, Dxx1: 16, Dxx2: 8, Dzz1: 8, Dzz2: 4, Latent: 4}

// planted returns n rows of d values: a correlated Gaussian cloud, with
// every 50th row (2%) shifted by +6 in three dimensions. It returns the rows
// and the anomaly labels.
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

// auc is the Mann-Whitney AUC of scores with positives lab, ties counted
// one half.
func auc(s []float32, lab []bool) float64 {
	var num, pos, neg float64
	for i, p := range lab {
		if !p {
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
	for _, q := range lab {
		if !q {
			neg++
		}
	}
	return num / (pos * neg)
}

func testConfig() Config {
	return Config{Arch: tinyArch, Epochs: 3, Batch: 32, LR: 1e-3, SpectralNorm: true}
}

func TestAUCHelper(t *testing.T) {
	// Hand-computed: positives {3, 1}, negatives {2, 1, 0}: pairs won 3 + 1.5 of 6.
	got := auc([]float32{3, 1, 2, 1, 0}, []bool{true, true, false, false, false})
	if want := 4.5 / 6; math.Abs(got-want) > 1e-12 {
		t.Fatalf("auc = %v, want %v", got, want)
	}
}

func TestTrainPlanted(t *testing.T) {
	const n, d = 400, 6
	x, lab := planted(n, d, rand.New(rand.NewPCG(1, 2)))
	for _, tc := range []struct {
		name string
		sn   bool
	}{{"spectral-norm", true}, {"plain", false}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.SpectralNorm = tc.sn
			var calls int
			m, h, err := Train(context.Background(), x, d, cfg, rand.New(rand.NewPCG(3, 4)), func(int, Losses) error { calls++; return nil })
			if err != nil {
				t.Fatal(err)
			}
			if calls != cfg.Epochs || len(h.Epochs) != cfg.Epochs {
				t.Fatalf("progress calls %d, history %d, want %d", calls, len(h.Epochs), cfg.Epochs)
			}
			first, last := h.Epochs[0], h.Epochs[len(h.Epochs)-1]
			for _, l := range h.Epochs {
				if !finite(l.Dxz, l.Dxx, l.Dzz, l.G, l.E) {
					t.Fatalf("non-finite losses %+v", l)
				}
			}
			if first.Dxz == last.Dxz || first.Dxx == last.Dxx || first.Dzz == last.Dzz || first.G == last.G || first.E == last.E {
				t.Errorf("a loss did not move: first %+v last %+v", first, last)
			}
			s := m.Score(nil, x)
			if a := auc(s, lab); a < aucFloor {
				t.Errorf("AUC on planted anomalies = %.3f, want >= %v", a, aucFloor)
			}
		})
	}
}

func TestSameSeedSameScores(t *testing.T) {
	const n, d = 200, 5
	x, _ := planted(n, d, rand.New(rand.NewPCG(5, 6)))
	cfg := testConfig()
	cfg.Epochs = 2
	run := func() []float32 {
		m, _, err := Train(context.Background(), x, d, cfg, rand.New(rand.NewPCG(7, 8)), nil)
		if err != nil {
			t.Fatal(err)
		}
		return m.Score(nil, x)
	}
	a, b := run(), run()
	if !slices.Equal(a, b) {
		t.Fatal("same seed gave different scores")
	}
}

// gorgoniaScores evaluates the score of m on x with a gorgonia graph built
// by the training code's builder (dropout off, weights as exported).
func gorgoniaScores(t *testing.T, m *Model, x []float32) []float32 {
	t.Helper()
	n := len(x) / m.d
	nt := &nets{arch: m.arch, d: m.d}
	k := 0
	lay := func(l *dense) layer {
		k++
		w := newParam(fmt.Sprintf("w%d", k), l.In, l.Out)
		copy(w.w, l.W)
		b := newParam(fmt.Sprintf("b%d", k), l.Out, 0)
		copy(b.w, l.B)
		return layer{w: w, b: b}
	}
	nt.e1, nt.e2, nt.e3 = lay(&m.e[0]), lay(&m.e[1]), lay(&m.e[2])
	nt.g1, nt.g2, nt.g3 = lay(&m.g[0]), lay(&m.g[1]), lay(&m.g[2])
	nt.xx1, nt.xx2 = lay(&m.f[0]), lay(&m.f[1])
	b := newBuilder(nt, n, false)
	xn := b.input("x", tensor.New(tensor.WithShape(n, m.d), tensor.WithBacking(slices.Clone(x))))
	rec := b.gen(b.enc(xn))
	f1 := b.dxxFeat(xn, xn)
	f2 := b.dxxFeat(xn, rec)
	s := G.Must(G.Sum(G.Must(G.Abs(G.Must(G.Sub(f1, f2)))), 1))
	vm := G.NewTapeMachine(b.g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	return slices.Clone(s.Value().Data().([]float32))
}

func TestScoreMatchesGorgonia(t *testing.T) {
	const n, d = 150, 7 // 150 rows: two full blocks and a partial one
	x, _ := planted(n, d, rand.New(rand.NewPCG(9, 10)))
	cfg := testConfig()
	cfg.Epochs = 1
	m, _, err := Train(context.Background(), x, d, cfg, rand.New(rand.NewPCG(11, 12)), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := m.Score(nil, x)
	want := gorgoniaScores(t, m, x)
	for i := range got {
		if diff := math.Abs(float64(got[i] - want[i])); diff > forwardTol*math.Max(1, math.Abs(float64(want[i]))) {
			t.Fatalf("row %d: pure-Go score %v, gorgonia %v", i, got[i], want[i])
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
	buf, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var m2 Model
	if err := m2.UnmarshalBinary(buf); err != nil {
		t.Fatal(err)
	}
	if m2.Dim() != d || m2.Arch() != tinyArch {
		t.Fatalf("round trip gave dim %d arch %+v", m2.Dim(), m2.Arch())
	}
	if !slices.Equal(m.Score(nil, x), m2.Score(nil, x)) {
		t.Fatal("scores differ after round trip")
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"truncated", buf[:len(buf)-4]},
		{"bad magic", append([]byte("HALOVAE!"), buf[8:]...)},
		{"trailing", append(slices.Clone(buf), 0, 0, 0, 0)},
	} {
		if err := new(Model).UnmarshalBinary(tc.data); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: err = %v, want ErrFormat", tc.name, err)
		}
	}
}

func TestPowerIteration(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	for _, tc := range []struct {
		name       string
		rows, cols int
	}{{"tall", 9, 4}, {"wide", 3, 8}, {"square", 6, 6}, {"vector", 5, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			w := make([]float32, tc.rows*tc.cols)
			w64 := make([]float64, len(w))
			for i := range w {
				w[i] = float32(rng.NormFloat64())
				w64[i] = float64(w[i])
			}
			var svd mat.SVD
			if !svd.Factorize(mat.NewDense(tc.rows, tc.cols, w64), mat.SVDNone) {
				t.Fatal("SVD failed")
			}
			want := svd.Values(nil)[0] // gonum mat.SVD, largest singular value
			sn := newSpecNorm(tc.rows, tc.cols, rng)
			var got float32
			for range 200 {
				got = powerIter(w, tc.rows, tc.cols, sn.u, sn.v)
			}
			if math.Abs(float64(got)-want) > snTol*want {
				t.Fatalf("power iteration %v, SVD %v", got, want)
			}
			if s := spectralNorm(w, tc.rows, tc.cols, sn.u); math.Abs(float64(s)-want) > snTol*want {
				t.Fatalf("spectralNorm %v, SVD %v", s, want)
			}
		})
	}
}

func TestScoreNoAllocs(t *testing.T) {
	const n, d = 130, 5
	x, _ := planted(n, d, rand.New(rand.NewPCG(19, 20)))
	nt := newNets(tinyArch, d, true, rand.New(rand.NewPCG(21, 22)))
	m := nt.export(0.999, 0)
	dst := m.Score(nil, x)
	if a := testing.AllocsPerRun(5, func() { m.Score(dst, x) }); a != 0 {
		t.Fatalf("Score allocates %v times per call", a)
	}
}

func TestTrainErrors(t *testing.T) {
	const d = 3
	x, _ := planted(64, d, rand.New(rand.NewPCG(23, 24)))
	nan := slices.Clone(x)
	nan[5] = float32(math.NaN())
	huge := slices.Clone(x)
	for i := range huge {
		huge[i] = 3e38 * float32(1-2*(i%2))
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	cfg := testConfig()
	cfg.Epochs = 1
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		x       []float32
		cfg     Config
		want    error
		wantAny bool
		model   bool
	}{
		{name: "NaN input", ctx: context.Background(), x: nan, cfg: cfg, wantAny: true},
		{name: "one row", ctx: context.Background(), x: x[:d], cfg: cfg, wantAny: true},
		{name: "negative epochs", ctx: context.Background(), x: x, cfg: Config{Epochs: -1}, wantAny: true},
		{name: "overflow", ctx: context.Background(), x: huge, cfg: cfg, want: ErrNotFinite, model: true},
		{name: "cancelled", ctx: cancelled, x: x, cfg: cfg, want: context.Canceled, model: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _, err := Train(tc.ctx, tc.x, d, tc.cfg, rand.New(rand.NewPCG(1, 1)), nil)
			if err == nil || (!tc.wantAny && !errors.Is(err, tc.want)) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if tc.model && m == nil {
				t.Fatal("no model returned with the error")
			}
			if m != nil {
				for _, s := range m.Score(nil, x) {
					if !finite(float64(s)) {
						t.Fatal("returned model gives non-finite scores")
					}
				}
			}
		})
	}
}

func TestEarlyStop(t *testing.T) {
	const n, d = 300, 4
	x, _ := planted(n, d, rand.New(rand.NewPCG(25, 26)))
	cfg := testConfig()
	cfg.Epochs = 50
	cfg.LR = 1e-5 // tiny steps: ranks barely change between epochs
	cfg.Patience = 2
	cfg.StopRho = 0.9
	_, h, err := Train(context.Background(), x, d, cfg, rand.New(rand.NewPCG(27, 28)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Epochs) >= cfg.Epochs || len(h.Rho) == 0 {
		t.Fatalf("did not stop early: %d epochs, reason %q, rho %v", len(h.Epochs), h.StopReason, h.Rho)
	}
}

func TestSpearman(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b []float32
		want float64
	}{
		{"identical order", []float32{1, 2, 3, 4}, []float32{10, 20, 30, 40}, 1},
		{"reversed", []float32{1, 2, 3, 4}, []float32{4, 3, 2, 1}, -1},
		// ranks a: 1 2.5 2.5 4, b: 1 2 3 4 -> scipy.stats.spearmanr gives 0.9486832980505138.
		{"tie", []float32{1, 2, 2, 3}, []float32{1, 2, 3, 4}, 0.9486832980505138},
	} {
		if got := spearman(tc.a, tc.b); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: spearman = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestMaskRate(t *testing.T) {
	src := splitMix{29}
	for _, p := range []float64{0.2, 0.5} {
		m := &mask{p: p, data: make([]float32, 100001)}
		m.fill(&src)
		var zeros, both int
		var sum float64
		for i, v := range m.data {
			if v == 0 {
				zeros++
				if i%2 == 1 && m.data[i-1] == 0 {
					both++ // the two halves of one draw
				}
			}
			sum += float64(v)
		}
		// Entries drawn from one 64-bit value are independent: both
		// dropped with probability p^2 (sd about 0.0013 for 50,000 pairs).
		if r := float64(both) / float64(len(m.data)/2); math.Abs(r-p*p) > 0.007 {
			t.Errorf("p=%v: pairs both dropped at rate %v, want %v", p, r, p*p)
		}
		n := float64(len(m.data))
		// Binomial standard deviation sqrt(p(1-p)/n) is about 0.0016; allow 5 of them.
		if rate := float64(zeros) / n; math.Abs(rate-p) > 0.008 {
			t.Errorf("p=%v: drop rate %v", p, rate)
		}
		if mean := sum / n; math.Abs(mean-1) > 0.02 {
			t.Errorf("p=%v: mean mask %v, want about 1 (inverted dropout)", p, mean)
		}
	}
}

func TestExportedSpectralNorm(t *testing.T) {
	const n, d = 100, 4
	x, _ := planted(n, d, rand.New(rand.NewPCG(31, 32)))
	cfg := testConfig()
	cfg.Epochs = 1
	m, _, err := Train(context.Background(), x, d, cfg, rand.New(rand.NewPCG(33, 34)), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Hidden layers of E and Dxx are spectrally normalised: largest singular
	// value 1 (gonum mat.SVD); G and E's output layer are not.
	for _, tc := range []struct {
		name string
		l    *dense
		sn   bool
	}{{"E1", &m.e[0], true}, {"E2", &m.e[1], true}, {"E3", &m.e[2], false}, {"G1", &m.g[0], false}, {"Dxx1", &m.f[0], true}, {"Dxx2", &m.f[1], true}} {
		w := make([]float64, len(tc.l.W))
		for i, v := range tc.l.W {
			w[i] = float64(v)
		}
		var svd mat.SVD
		if !svd.Factorize(mat.NewDense(tc.l.In, tc.l.Out, w), mat.SVDNone) {
			t.Fatal("SVD failed")
		}
		s := svd.Values(nil)[0]
		if got := math.Abs(s-1) < 1e-4; got != tc.sn {
			t.Errorf("%s: largest singular value %v, spectrally normalised = %v", tc.name, s, tc.sn)
		}
	}
}
