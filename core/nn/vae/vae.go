package vae

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"halo/core/nn/blas32"
	"halo/core/nn/internal/fused"
	"halo/core/nn/internal/tape"
	"halo/core/nn/internal/weights"
)

// Arch holds the layer widths. A zero Arch means DefaultArch.
type Arch struct {
	// Hidden are the encoder widths; the decoder mirrors them.
	Hidden [3]int
	// Latent is the latent dimension (the paper's range is 2-8).
	Latent int
}

// DefaultArch returns the widths of METHODS.md: 128-64-32, latent 4.
func DefaultArch() Arch { return Arch{Hidden: [3]int{128, 64, 32}, Latent: 4} }

// Config holds the training settings; the zero value of every field means
// its default.
type Config struct {
	// Arch gives the widths; zero means DefaultArch.
	Arch Arch
	// Epochs is the number of passes; zero means 100.
	Epochs int
	// Batch is the mini-batch size; zero means 128 (clamped to the rows).
	Batch int
	// LR is the Adam learning rate; zero means 1e-3 (Adam's usual default).
	LR float64
	// Beta weighs the KL term; zero means 1. It must not be negative.
	Beta float64
	// SamplesPerEpoch is the number of rows drawn per epoch (a fresh random
	// subset each epoch); zero means all rows.
	SamplesPerEpoch int
}

// Losses are batch means: Recon is the squared error summed over features,
// KL the Kullback-Leibler term (before the Beta weight).
type Losses struct {
	Recon, KL float64
}

// History records a training run.
type History struct {
	Epochs     []Losses
	StopReason string
}

// ErrNotFinite is wrapped by the error Train returns when a loss or a
// gradient becomes NaN or infinite.
var ErrNotFinite = errors.New("vae: a loss or gradient became NaN or infinite")

// ErrFormat is returned by UnmarshalBinary for data that is not a model.
var ErrFormat = errors.New("vae: not a serialised VAE model (wrong magic, version or length)")

const (
	adamBeta1 = 0.9
	adamBeta2 = 0.999
	adamEps   = 1e-8
	blockRows = 64
)

type param struct {
	name       string
	rows, cols int
	w, m, v    []float32
	t          *tensor.Dense
}

func newParam(name string, rows, cols int, rng *rand.Rand) *param {
	n, shape := rows, []int{rows}
	if cols > 0 {
		n, shape = rows*cols, []int{rows, cols}
	}
	p := &param{name: name, rows: rows, cols: cols, w: make([]float32, n), m: make([]float32, n), v: make([]float32, n)}
	if cols > 0 && rng != nil {
		lim := math.Sqrt(6 / float64(rows+cols)) // Glorot uniform
		for i := range p.w {
			p.w[i] = float32((2*rng.Float64() - 1) * lim)
		}
	}
	p.t = tensor.New(tensor.WithShape(shape...), tensor.WithBacking(p.w))
	return p
}

// dense is an exported layer: out = in W + B, W row-major In x Out.
type dense struct {
	In, Out int
	W, B    []float32
}

// Model is a trained VAE: encoder layers, mean head, decoder layers.
type Model struct {
	d    int
	arch Arch
	enc  [3]dense // ReLU
	mu   dense    // linear
	dec  [4]dense // ReLU, ReLU, ReLU, linear

	scratch []float32
	// Made with scratch, on the first Score: every layer's weights packed
	// once for blas32.GemmRows (bias and ReLU in the product's epilogue),
	// and the row offsets i*w of each width w.
	packed [8]blas32.PackedB
	offs   *blas32.RowOffsets
}

// Dim returns the number of values per row.
func (m *Model) Dim() int { return m.d }

// Arch returns the widths of the model.
func (m *Model) Arch() Arch { return m.arch }

func (m *Model) layers() []*dense {
	return []*dense{&m.enc[0], &m.enc[1], &m.enc[2], &m.mu, &m.dec[0], &m.dec[1], &m.dec[2], &m.dec[3]}
}

func shapes(d int, a Arch) [][2]int {
	h, L := a.Hidden, a.Latent
	return [][2]int{{d, h[0]}, {h[0], h[1]}, {h[1], h[2]}, {h[2], L}, {L, h[2]}, {h[2], h[1]}, {h[1], h[0]}, {h[0], d}}
}

func newModel(d int, a Arch) *Model {
	m := &Model{d: d, arch: a}
	sh := shapes(d, a)
	for i, l := range m.layers() {
		*l = dense{In: sh[i][0], Out: sh[i][1], W: make([]float32, sh[i][0]*sh[i][1]), B: make([]float32, sh[i][1])}
	}
	return m
}

// Clone returns an independent copy of m.
func (m *Model) Clone() *Model {
	c := newModel(m.d, m.arch)
	src := m.layers()
	for i, l := range c.layers() {
		copy(l.W, src[i].W)
		copy(l.B, src[i].B)
	}
	return c
}

func (a Arch) validate() error {
	for _, w := range append(a.Hidden[:], a.Latent) {
		if w <= 0 {
			return fmt.Errorf("vae: width %d in %+v: every width must be positive", w, a)
		}
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.Arch == (Arch{}) {
		c.Arch = DefaultArch()
	}
	if c.Epochs == 0 {
		c.Epochs = 100
	}
	if c.Batch == 0 {
		c.Batch = 128
	}
	if c.LR == 0 {
		c.LR = 1e-3
	}
	if c.Beta == 0 {
		c.Beta = 1
	}
	return c
}

func (c Config) validate() error {
	if err := c.Arch.validate(); err != nil {
		return err
	}
	switch {
	case c.Epochs < 0:
		return fmt.Errorf("vae: Epochs %d is negative", c.Epochs)
	case c.Batch < 0:
		return fmt.Errorf("vae: Batch %d is negative", c.Batch)
	case c.LR < 0:
		return fmt.Errorf("vae: learning rate %g is negative", c.LR)
	case c.Beta < 0:
		return fmt.Errorf("vae: Beta %g is negative", c.Beta)
	case c.SamplesPerEpoch < 0:
		return fmt.Errorf("vae: SamplesPerEpoch %d is negative", c.SamplesPerEpoch)
	}
	return nil
}

// fusedOps selects fused.Dense for the layers and the fused
// reparameterisation and loss (lossop.go); false builds them from gorgonia's
// own ops.
var fusedOps = true

// graph is the compiled training graph.
type graph struct {
	vm        tape.Runner
	gnodes    []*G.Node // the gradients of pnodes
	params    []*param  // enc 0-2 (w,b), mu (w,b), logvar (w,b), dec 0-3 (w,b)
	pnodes    []*G.Node
	grads     [][]float32
	eps       []float32
	recon, kl *G.Node    // gorgonia's formulation (fusedOps false)
	loss      *lossState // the fused loss (fusedOps true)
}

func buildGraph(d int, a Arch, batch int, xb []float32, beta float64, rng *rand.Rand) (*graph, error) {
	g := G.NewGraph()
	gr := &graph{eps: make([]float32, batch*a.Latent)}
	in := func(name string, t *tensor.Dense) *G.Node {
		s := t.Shape()
		if len(s) == 1 {
			return G.NewVector(g, tensor.Float32, G.WithShape(s...), G.WithName(name), G.WithValue(t))
		}
		return G.NewMatrix(g, tensor.Float32, G.WithShape(s...), G.WithName(name), G.WithValue(t))
	}
	h, L := a.Hidden, a.Latent
	// layer is x W + b, then ReLU if relu: one fused op (product, bias
	// and ReLU, with its backward ops; core/nn/internal/fused), or with
	// fusedOps false gorgonia's own ops (the reference of the tests).
	layer := func(x *G.Node, name string, i, o int, relu bool) *G.Node {
		w := newParam(name+"/w", i, o, rng)
		b := newParam(name+"/b", o, 0, nil)
		wn, bn := in(w.name, w.t), in(b.name, b.t)
		gr.params = append(gr.params, w, b)
		gr.pnodes = append(gr.pnodes, wn, bn)
		if fusedOps {
			act := fused.Identity
			if relu {
				act = fused.ReLU
			}
			return G.Must(fused.Dense([]*G.Node{x}, wn, bn, act, 0, nil))
		}
		h := G.Must(G.BroadcastAdd(G.Must(G.Mul(x, wn)), bn, nil, []byte{0}))
		if relu {
			h = G.Must(G.Rectify(h))
		}
		return h
	}
	x := in("x", tensor.New(tensor.WithShape(batch, d), tensor.WithBacking(xb)))
	eps := in("eps", tensor.New(tensor.WithShape(batch, L), tensor.WithBacking(gr.eps)))
	e := layer(x, "enc/1", d, h[0], true)
	e = layer(e, "enc/2", h[0], h[1], true)
	e = layer(e, "enc/3", h[1], h[2], true)
	mu := layer(e, "mu", h[2], L, false)
	lv := layer(e, "logvar", h[2], L, false)
	var z *G.Node
	if fusedOps {
		z = G.Must(newReparam(mu, lv, eps))
	} else {
		half := G.NewConstant(float32(0.5))
		// exp via newExp, not G.Exp: the same bits natively and in js/wasm.
		std, err := newExp(G.Must(G.HadamardProd(lv, half)), "std")
		if err != nil {
			return nil, fmt.Errorf("vae: building exp(logvar/2): %w", err)
		}
		z = G.Must(G.Add(mu, G.Must(G.HadamardProd(std, eps))))
	}
	o := layer(z, "dec/1", L, h[2], true)
	o = layer(o, "dec/2", h[2], h[1], true)
	o = layer(o, "dec/3", h[1], h[0], true)
	o = layer(o, "dec/4", h[0], d, false)
	var cost *G.Node
	roots := G.Nodes{}
	if fusedOps {
		var err error
		if cost, gr.loss, err = newLoss(o, x, mu, lv, beta); err != nil {
			return nil, err
		}
		roots = append(roots, cost)
	} else {
		half := G.NewConstant(float32(0.5))
		gr.recon = G.Must(G.Mean(G.Must(G.Sum(G.Must(G.Square(G.Must(G.Sub(o, x)))), 1))))
		// KL = -1/2 sum(1 + lv - mu^2 - exp(lv)) = 1/2 sum(mu^2 + exp(lv) - lv - 1)
		one := G.NewConstant(float32(1))
		vr, err := newExp(lv, "var")
		if err != nil {
			return nil, fmt.Errorf("vae: building exp(logvar): %w", err)
		}
		t := G.Must(G.Sub(G.Must(G.Add(G.Must(G.Square(mu)), vr)), G.Must(G.Add(lv, one))))
		gr.kl = G.Must(G.HadamardProd(G.Must(G.Mean(G.Must(G.Sum(t, 1)))), half))
		cost = G.Must(G.Add(gr.recon, G.Must(G.HadamardProd(gr.kl, G.NewConstant(float32(beta))))))
		roots = append(roots, cost, gr.recon, gr.kl)
	}
	grads, err := G.Grad(cost, gr.pnodes...)
	if err != nil {
		return nil, fmt.Errorf("vae: building the gradient graph: %w", err)
	}
	gr.grads = make([][]float32, len(gr.params))
	// Run only what the losses and the parameter gradients depend on (not
	// the gradients of the data and noise inputs).
	sub := g.ExactSubgraphRoots(append(roots, grads...)...)
	gr.gnodes = grads
	if gr.vm, err = compile(sub); err != nil {
		return nil, fmt.Errorf("vae: compiling the training graph: %w", err)
	}
	return gr, nil
}

// compile compiles the training graph: tape.Compile, or gorgonia's own
// TapeMachine in the tests that compare the two.
var compile = tape.Compile

// run draws the noise, runs the graph and collects the gradients; ok is
// false if the losses or a gradient are not finite.
func (gr *graph) run(rng *rand.Rand) (rec, kl float64, ok bool, err error) {
	for i := range gr.eps {
		gr.eps[i] = float32(rng.NormFloat64())
	}
	if err := gr.vm.Run(); err != nil {
		return 0, 0, false, fmt.Errorf("vae: running the training graph: %w", err)
	}
	if gr.loss != nil {
		rec, kl = float64(gr.loss.recon), float64(gr.loss.kl)
	} else {
		rec, kl = fused.Scalar(gr.vm.Value(gr.recon)), fused.Scalar(gr.vm.Value(gr.kl))
	}
	ok = !math.IsNaN(rec+kl) && !math.IsInf(rec+kl, 0)
	for i, n := range gr.gnodes {
		if gr.grads[i] = fused.F32(gr.vm.Value(n)); gr.grads[i] == nil {
			return 0, 0, false, fmt.Errorf("vae: no float32 gradient of %s", gr.params[i].name)
		}
		for _, v := range gr.grads[i] {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				ok = false
				break
			}
		}
	}
	return rec, kl, ok, nil
}

// Train trains the VAE on the n = len(x)/d rows of x (row-major,
// standardised log-ratio values, no NaN). progress, if not nil, is called
// after each epoch with the epoch (from 1) and its mean losses; its error
// stops training and is returned. ctx is polled between epochs. On an early
// stop the model of the last good step is returned with the error. Train
// panics if d <= 0, len(x) is not a multiple of d or rng is nil.
func Train(ctx context.Context, x []float32, d int, cfg Config, rng *rand.Rand, progress func(epoch int, losses Losses) error) (*Model, History, error) {
	if d <= 0 {
		panic("vae: non-positive dimension")
	}
	if len(x)%d != 0 {
		panic("vae: len(x) is not a multiple of d")
	}
	if rng == nil {
		panic("vae: nil rng")
	}
	var hist History
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, hist, err
	}
	n := len(x) / d
	if n < 2 {
		return nil, hist, fmt.Errorf("vae: %d training rows, need at least 2", n)
	}
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, hist, fmt.Errorf("vae: row %d, column %d is %v: drop cells without data before training", i/d, i%d, v)
		}
	}
	per := cfg.SamplesPerEpoch
	if per == 0 || per > n {
		per = n
	}
	batch := min(cfg.Batch, per)
	nb := per / batch
	blas32.UseInGorgonia()
	xb := make([]float32, batch*d)
	gr, err := buildGraph(d, cfg.Arch, batch, xb, cfg.Beta, rng)
	if err != nil {
		return nil, hist, err
	}
	export := func() *Model {
		m := newModel(d, cfg.Arch)
		// params: enc(3 pairs), mu, logvar, dec(4 pairs); the model skips logvar.
		idx := []int{0, 1, 2, 3, 5, 6, 7, 8}
		for i, l := range m.layers() {
			copy(l.W, gr.params[2*idx[i]].w)
			copy(l.B, gr.params[2*idx[i]+1].w)
		}
		return m
	}
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	t := 0
	for ep := 1; ep <= cfg.Epochs; ep++ {
		if err := ctx.Err(); err != nil {
			hist.StopReason = fmt.Sprintf("cancelled before epoch %d", ep)
			return export(), hist, err
		}
		rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		var sum Losses
		for bi := range nb {
			for k, r := range perm[bi*batch : (bi+1)*batch] {
				copy(xb[k*d:(k+1)*d], x[r*d:(r+1)*d])
			}
			rec, kl, ok, err := gr.run(rng)
			if err != nil {
				return export(), hist, err
			}
			if !ok {
				hist.StopReason = fmt.Sprintf("non-finite loss or gradient in epoch %d, batch %d", ep, bi+1)
				return export(), hist, fmt.Errorf("%w in epoch %d, batch %d; kept the weights of the last good step: lower LR or check the input scaling", ErrNotFinite, ep, bi+1)
			}
			t++
			adamStep(gr.params, gr.grads, cfg.LR, t)
			sum.Recon += rec
			sum.KL += kl
		}
		mean := Losses{Recon: sum.Recon / float64(nb), KL: sum.KL / float64(nb)}
		hist.Epochs = append(hist.Epochs, mean)
		if progress != nil {
			if err := progress(ep, mean); err != nil {
				hist.StopReason = fmt.Sprintf("progress stopped training after epoch %d: %v", ep, err)
				return export(), hist, err
			}
		}
	}
	hist.StopReason = fmt.Sprintf("completed %d epochs", cfg.Epochs)
	return export(), hist, nil
}

func adamStep(params []*param, grads [][]float32, lr float64, t int) {
	c1 := 1 - math.Pow(adamBeta1, float64(t))
	c2 := 1 - math.Pow(adamBeta2, float64(t))
	lrt := float32(lr * math.Sqrt(c2) / c1)
	const b1, b2 = float32(adamBeta1), float32(adamBeta2)
	for k, p := range params {
		blas32.AdamStep(p.w, grads[k], p.m, p.v, b1, b2, lrt, adamEps)
	}
}

func (m *Model) width() int {
	h := m.arch.Hidden
	return max(h[0], h[1], h[2], m.arch.Latent, m.d)
}

// Score writes the squared reconstruction error through the mean latent,
// sum_j (x_j - dec(mu(x))_j)^2, of each row of x into dst and returns it.
// A nil dst is allocated; otherwise len(dst) must equal the number of rows.
// Score panics if len(x) is not a multiple of Dim(). It allocates nothing
// after its first call on m.
func (m *Model) Score(dst, x []float32) []float32 {
	d := m.d
	if d == 0 {
		panic("vae: Score on a zero Model (use Train or UnmarshalBinary)")
	}
	if len(x)%d != 0 {
		panic("vae: len(x) is not a multiple of the model dimension")
	}
	n := len(x) / d
	if dst == nil {
		dst = make([]float32, n)
	} else if len(dst) != n {
		panic("vae: len(dst) differs from the number of rows")
	}
	s := blockRows * m.width()
	if len(m.scratch) < 2*s {
		m.scratch = make([]float32, 2*s)
	}
	ls := []*dense{&m.enc[0], &m.enc[1], &m.enc[2], &m.mu, &m.dec[0], &m.dec[1], &m.dec[2], &m.dec[3]}
	if m.offs == nil {
		m.offs = blas32.NewRowOffsets(blockRows)
		for i, l := range ls {
			m.packed[i].Pack(l.In, l.Out, l.W, l.Out, false)
		}
	}
	a, b := m.scratch[:s], m.scratch[s:2*s]
	for r0 := 0; r0 < n; r0 += blockRows {
		r := min(blockRows, n-r0)
		xs := x[r0*d : (r0+r)*d]
		in, out := xs, a
		for i, l := range ls {
			// ReLU after every layer but mu and the last.
			blas32.GemmRows(out, m.offs.Of(l.Out, r), in, m.offs.Of(l.In, r), &m.packed[i], l.B, i != 3 && i != 7)
			in = out
			if i%2 == 0 {
				out = b
			} else {
				out = a
			}
		}
		for i := range r {
			var sum float32
			for j := range d {
				e := xs[i*d+j] - b[i*d+j]
				sum += e * e
			}
			dst[r0+i] = sum
		}
	}
	return dst
}

// Binary format: magic "HALOVAE1", uint32 version, uint32 D, 4 uint32
// widths (Hidden, Latent), then each layer (enc 1-3, mu, dec 1-4) W then B
// as little-endian float32.
const (
	magic   = "HALOVAE1"
	version = 1
)

// MarshalBinary encodes the model weights.
func (m *Model) MarshalBinary() ([]byte, error) {
	buf := []byte(magic)
	le := binary.LittleEndian
	buf = le.AppendUint32(buf, version)
	buf = le.AppendUint32(buf, uint32(m.d))
	for _, w := range append(m.arch.Hidden[:], m.arch.Latent) {
		buf = le.AppendUint32(buf, uint32(w))
	}
	buf = weights.Append(buf, m.weightSlices()...)
	return buf, nil
}

// UnmarshalBinary decodes a model written by MarshalBinary into m.
func (m *Model) UnmarshalBinary(data []byte) error {
	const head = len(magic) + 4*6
	if len(data) < head || string(data[:len(magic)]) != magic {
		return ErrFormat
	}
	u := func(i int) int { return int(binary.LittleEndian.Uint32(data[len(magic)+4*i:])) }
	if u(0) != version {
		return fmt.Errorf("%w: version %d, want %d", ErrFormat, u(0), version)
	}
	d := u(1)
	a := Arch{Hidden: [3]int{u(2), u(3), u(4)}, Latent: u(5)}
	const maxWidth = 1 << 16
	for _, v := range []int{d, u(2), u(3), u(4), u(5)} {
		if v <= 0 || v > maxWidth {
			return fmt.Errorf("%w: width %d", ErrFormat, v)
		}
	}
	nm := newModel(d, a)
	ws := nm.weightSlices()
	if !weights.Read(data[head:], ws...) {
		return fmt.Errorf("%w: %d bytes, want %d", ErrFormat, len(data), head+weights.Size(ws...))
	}
	*m = *nm
	return nil
}

// weightSlices returns the weights and biases of every layer, in the
// order MarshalBinary writes them.
func (m *Model) weightSlices() [][]float32 {
	var s [][]float32
	for _, l := range m.layers() {
		s = append(s, l.W, l.B)
	}
	return s
}
