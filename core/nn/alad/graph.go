package alad

import (
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"halo/core/nn/blas32"
	"halo/core/nn/internal/fused"
	"halo/core/nn/internal/tape"
)

const (
	lreluSlope = 0.2   // METHODS.md section 3
	dropXZ     = 0.5   // Dxz dropout rate (paper Table 1)
	dropXX     = 0.2   // Dxx dropout rate
	dropZZ     = 0.2   // Dzz dropout rate
	bnEps      = 1e-3  // TF batch_normalization default, as the reference code
	adamBeta2  = 0.999 // TF default
	adamEps    = 1e-8  // TF default
)

// layer is a dense layer x W + b with W of shape in x out; b is nil for the
// batch-normalised layer.
type layer struct {
	w, b *param
	sn   bool
}

// nets holds every trainable parameter of ALAD.
type nets struct {
	arch Arch
	d    int

	e1, e2, e3 layer
	g1, g2, g3 layer

	xzX            layer // no bias: followed by batch norm
	bnGamma, bnBet *param
	xzZ, xzJ, xzO  layer

	xx1, xx2, xxO layer
	zz1, zz2, zzO layer

	dParams, geParams []*param
	snParams          []*param
}

func newNets(a Arch, d int, sn bool, rng *rand.Rand) *nets {
	n := &nets{arch: a, d: d}
	mk := func(group *[]*param, name string, in, out int, bias, spec bool) layer {
		w := newParam(name+"/w", in, out)
		w.glorot(rng)
		l := layer{w: w, sn: spec && sn}
		*group = append(*group, w)
		if bias {
			l.b = newParam(name+"/b", out, 0)
			*group = append(*group, l.b)
		}
		if l.sn {
			w.sn = newSpecNorm(in, out, rng)
			n.snParams = append(n.snParams, w)
		}
		return l
	}
	ge, dd := &n.geParams, &n.dParams
	L := a.Latent
	n.e1 = mk(ge, "E/1", d, a.Enc1, true, true)
	n.e2 = mk(ge, "E/2", a.Enc1, a.Enc2, true, true)
	n.e3 = mk(ge, "E/3", a.Enc2, L, true, false)
	n.g1 = mk(ge, "G/1", L, a.Gen1, true, false)
	n.g2 = mk(ge, "G/2", a.Gen1, a.Gen2, true, false)
	n.g3 = mk(ge, "G/3", a.Gen2, d, true, false)

	n.xzX = mk(dd, "Dxz/x", d, a.DxzX, false, true)
	n.bnGamma = newParam("Dxz/x/gamma", a.DxzX, 0)
	n.bnGamma.fill(1)
	n.bnBet = newParam("Dxz/x/beta", a.DxzX, 0)
	n.dParams = append(n.dParams, n.bnGamma, n.bnBet)
	n.xzZ = mk(dd, "Dxz/z", L, a.DxzZ, true, true)
	n.xzJ = mk(dd, "Dxz/j", a.DxzX+a.DxzZ, a.DxzJoint, true, true)
	n.xzO = mk(dd, "Dxz/o", a.DxzJoint, 1, true, false)

	n.xx1 = mk(dd, "Dxx/1", 2*d, a.Dxx1, true, true)
	n.xx2 = mk(dd, "Dxx/2", a.Dxx1, a.Dxx2, true, true)
	n.xxO = mk(dd, "Dxx/o", a.Dxx2, 1, true, false)

	n.zz1 = mk(dd, "Dzz/1", 2*L, a.Dzz1, true, true)
	n.zz2 = mk(dd, "Dzz/2", a.Dzz1, a.Dzz2, true, true)
	n.zzO = mk(dd, "Dzz/o", a.Dzz2, 1, true, false)
	return n
}

// mask is a dropout mask fed to the graph: each entry is 0 with probability
// p and 1/(1-p) otherwise (inverted dropout).
type mask struct {
	p    float64
	data []float32
}

func (m *mask) fill(src *splitMix) {
	// An entry is dropped when its uniform is below p * 2^32
	// (blas32.SplitMixMask: two entries per 64-bit draw).
	blas32.SplitMixMask(m.data, &src.s, uint32(m.p*(1<<32)), float32(1/(1-m.p)))
}

// splitMix is the state of SplitMix64 (Steele, Lea and Flood 2014;
// blas32.SplitMixNext), the stream of the dropout masks of one step, seeded
// from the training rng. It needs only 64-bit multiplies where
// math/rand/v2's PCG needs a 128-bit one, which js/wasm emulates: filling
// the masks from PCG took 10% of a training step of the default networks
// there; blas32.SplitMixMask draws two at a time on the SIMD module.
type splitMix struct{ s uint64 }

// builder adds the ALAD networks to one gorgonia graph.
type builder struct {
	g     *G.ExprGraph
	n     *nets
	batch int
	train bool // dropout masks and spectral normalisation on
	nodes map[*param]*G.Node
	eff   map[*param]*G.Node
	masks []*mask
}

func newBuilder(n *nets, batch int, train bool) *builder {
	return &builder{g: G.NewGraph(), n: n, batch: batch, train: train,
		nodes: map[*param]*G.Node{}, eff: map[*param]*G.Node{}}
}

func (b *builder) input(name string, t *tensor.Dense) *G.Node {
	s := t.Shape()
	if len(s) == 1 {
		return G.NewVector(b.g, tensor.Float32, G.WithShape(s...), G.WithName(name), G.WithValue(t))
	}
	return G.NewMatrix(b.g, tensor.Float32, G.WithShape(s...), G.WithName(name), G.WithValue(t))
}

func (b *builder) node(p *param) *G.Node {
	if n, ok := b.nodes[p]; ok {
		return n
	}
	n := b.input(p.name, p.t)
	b.nodes[p] = n
	return n
}

// fusedOps selects the fused ops (fused.Dense, ops.go); false builds the same
// networks from gorgonia's own ops (the reference the tests hold the fused
// ops to).
var fusedOps = true

// pruneGraph compiles only the nodes the losses and the parameter gradients
// depend on.
var pruneGraph = true

// compile compiles a training graph: tape.Compile, or gorgonia's own
// TapeMachine in the tests that compare the two.
var compile = tape.Compile

// weight returns W, or W/sigma with sigma = v^T W u when the layer is
// spectrally normalised; the gradient flows through sigma (Miyato et al.
// 2018, eq. 12) while u and v are constants of the step.
func (b *builder) weight(l layer) *G.Node {
	w := b.node(l.w)
	if !l.sn || !b.train {
		return w
	}
	if e, ok := b.eff[l.w]; ok {
		return e
	}
	var e *G.Node
	if fusedOps {
		e = G.Must(G.ApplyOp(snOp{st: newSNState(l.w.name, l.w.sn, l.w.rows, l.w.cols)}, w))
	} else {
		uv := b.input(l.w.name+"/uv", l.w.sn.uvTensor())
		sigma := G.Must(G.Sum(G.Must(G.HadamardProd(w, uv))))
		e = G.Must(G.HadamardDiv(w, sigma))
	}
	b.eff[l.w] = e
	return e
}

// newMask returns a dropout mask of rate p for a batch x cols activation,
// or nil outside training or for p = 0. The builder fills the masks in the
// order they were made, so both formulations draw the same masks.
func (b *builder) newMask(cols int, p float64) *mask {
	if !b.train || p == 0 {
		return nil
	}
	m := &mask{p: p, data: make([]float32, b.batch*cols)}
	b.masks = append(b.masks, m)
	return m
}

// layer applies dense layer l to the concatenation of xs (one or two
// parts), then the activation, then dropout of rate drop (0: none).
func (b *builder) layer(l layer, act fused.Activation, drop float64, xs ...*G.Node) *G.Node {
	out := l.w.cols
	w := b.weight(l)
	if fusedOps {
		var bn *G.Node
		if l.b != nil {
			bn = b.node(l.b)
		}
		var md []float32
		if m := b.newMask(out, drop); m != nil {
			md = m.data
		}
		return G.Must(fused.Dense(xs, w, bn, act, lreluSlope, md))
	}
	x := xs[0]
	if len(xs) == 2 {
		x = G.Must(G.Concat(1, xs[0], xs[1]))
	}
	h := G.Must(G.Mul(x, w))
	if l.b != nil {
		h = G.Must(G.BroadcastAdd(h, b.node(l.b), nil, []byte{0}))
	}
	switch act {
	case fused.ReLU:
		h = G.Must(G.Rectify(h))
	case fused.LReLU:
		h = G.Must(G.LeakyRelu(h, lreluSlope))
	}
	if m := b.newMask(out, drop); m != nil {
		t := tensor.New(tensor.WithShape(b.batch, out), tensor.WithBacking(m.data))
		h = G.Must(G.HadamardProd(h, b.input(fmt.Sprintf("mask%d", len(b.masks)), t)))
	}
	return h
}

func (b *builder) enc(x *G.Node) *G.Node {
	h := b.layer(b.n.e1, fused.LReLU, 0, x)
	h = b.layer(b.n.e2, fused.LReLU, 0, h)
	return b.layer(b.n.e3, fused.Identity, 0, h)
}

func (b *builder) gen(z *G.Node) *G.Node {
	h := b.layer(b.n.g1, fused.ReLU, 0, z)
	h = b.layer(b.n.g2, fused.ReLU, 0, h)
	return b.layer(b.n.g3, fused.Identity, 0, h)
}

// batchNormLReLU normalises h over the batch (training mode), applies the
// learnt scale and shift, then LReLU.
func (b *builder) batchNormLReLU(h *G.Node) *G.Node {
	gamma, beta := b.node(b.n.bnGamma), b.node(b.n.bnBet)
	if fusedOps {
		return G.Must(G.ApplyOp(bnOp{st: newBNState(fused.NewID(), b.batch, h.Shape()[1])}, h, gamma, beta))
	}
	mean := G.Must(G.Mean(h, 0))
	c := G.Must(G.BroadcastSub(h, mean, nil, []byte{0}))
	vr := G.Must(G.Mean(G.Must(G.Square(c)), 0))
	eps := G.NewConstant(float32(bnEps))
	inv := G.Must(G.Inverse(G.Must(G.Sqrt(G.Must(G.Add(vr, eps))))))
	xh := G.Must(G.BroadcastHadamardProd(c, inv, nil, []byte{0}))
	y := G.Must(G.BroadcastHadamardProd(xh, gamma, nil, []byte{0}))
	return G.Must(G.LeakyRelu(G.Must(G.BroadcastAdd(y, beta, nil, []byte{0})), lreluSlope))
}

func (b *builder) dxz(x, z *G.Node) *G.Node {
	hx := b.batchNormLReLU(b.layer(b.n.xzX, fused.Identity, 0, x))
	hz := b.layer(b.n.xzZ, fused.LReLU, dropXZ, z)
	h := b.layer(b.n.xzJ, fused.LReLU, dropXZ, hx, hz)
	return b.layer(b.n.xzO, fused.Identity, 0, h)
}

// dxx returns the logit of Dxx and its feature layer f_xx.
func (b *builder) dxx(x, x2 *G.Node) (logit, feat *G.Node) {
	feat = b.dxxFeat(x, x2)
	return b.layer(b.n.xxO, fused.Identity, 0, feat), feat
}

// dxxFeat returns the feature layer f_xx of Dxx (after its dropout).
func (b *builder) dxxFeat(x, x2 *G.Node) *G.Node {
	h := b.layer(b.n.xx1, fused.LReLU, dropXX, x, x2)
	return b.layer(b.n.xx2, fused.LReLU, dropXX, h)
}

func (b *builder) dzz(z, z2 *G.Node) *G.Node {
	h := b.layer(b.n.zz1, fused.LReLU, dropZZ, z, z2)
	h = b.layer(b.n.zz2, fused.LReLU, dropZZ, h)
	return b.layer(b.n.zzO, fused.Identity, 0, h)
}

// ce is the batch mean of the sigmoid cross-entropy of logits l with the
// constant label y (0 or 1): softplus(-l) for 1, softplus(l) for 0.
func ce(l *G.Node, y int) *G.Node {
	if fusedOps {
		return G.Must(newCE(l, y))
	}
	if y == 1 {
		l = G.Must(G.Neg(l))
	}
	return G.Must(G.Mean(G.Must(G.Softplus(l))))
}

func add(a ...*G.Node) *G.Node {
	s := a[0]
	for _, n := range a[1:] {
		s = G.Must(G.Add(s, n))
	}
	return s
}

// step is one compiled training graph.
type step struct {
	b      *builder
	vm     tape.Runner
	gnodes []*G.Node // the gradients of pnodes
	z      []float32 // latent input backing
	params []*param
	pnodes []*G.Node
	grads  [][]float32
	loss   []*G.Node // reported losses
	opt    *adam
}

// newSteps builds the discriminator graph and the generator/encoder graph.
// Both bind the same x tensor (backed by xb).
func newSteps(n *nets, batch int, xb []float32, cfg Config) (dis, ge *step, err error) {
	xt := tensor.New(tensor.WithShape(batch, n.d), tensor.WithBacking(xb))
	build := func(disc bool) (*step, error) {
		b := newBuilder(n, batch, true)
		s := &step{b: b, z: make([]float32, batch*n.arch.Latent)}
		x := b.input("x", xt)
		z := b.input("z", tensor.New(tensor.WithShape(batch, n.arch.Latent), tensor.WithBacking(s.z)))
		ex := b.enc(x)
		gz := b.gen(z)
		recx := b.gen(ex)
		recz := b.enc(gz)
		xzReal := b.dxz(x, ex)
		xzFake := b.dxz(gz, z)
		xxReal, _ := b.dxx(x, x)
		xxFake, _ := b.dxx(x, recx)
		zzReal := b.dzz(z, z)
		zzFake := b.dzz(z, recz)
		var cost *G.Node
		if disc {
			lxz := add(ce(xzReal, 1), ce(xzFake, 0))
			lxx := add(ce(xxReal, 1), ce(xxFake, 0))
			lzz := add(ce(zzReal, 1), ce(zzFake, 0))
			cost = add(lxz, lxx, lzz)
			s.loss = []*G.Node{lxz, lxx, lzz}
			s.params = n.dParams
		} else {
			cycle := add(ce(xxReal, 0), ce(xxFake, 1), ce(zzReal, 0), ce(zzFake, 1))
			lg := ce(xzFake, 1)
			le := ce(xzReal, 0)
			cost = add(lg, le, cycle)
			s.loss = []*G.Node{add(lg, cycle), add(le, cycle)}
			s.params = n.geParams
		}
		for _, p := range s.params {
			s.pnodes = append(s.pnodes, b.node(p))
		}
		grads, err := G.Grad(cost, s.pnodes...)
		if err != nil {
			return nil, fmt.Errorf("alad: building the gradient graph: %w", err)
		}
		s.grads = make([][]float32, len(s.params))
		g := b.g
		if pruneGraph {
			// Symbolic differentiation also adds gradients of inputs nobody
			// needs (data, the other networks' outputs); run only what the
			// losses and the wanted gradients depend on.
			g = g.ExactSubgraphRoots(append(append(G.Nodes{cost}, s.loss...), grads...)...)
		}
		s.gnodes = grads
		if s.vm, err = compile(g); err != nil {
			return nil, fmt.Errorf("alad: compiling the training graph: %w", err)
		}
		s.opt = &adam{lr: cfg.LR, beta1: cfg.Beta1, beta2: adamBeta2, eps: adamEps, params: s.params}
		return s, nil
	}
	if dis, err = build(true); err != nil {
		return nil, nil, err
	}
	if ge, err = build(false); err != nil {
		return nil, nil, err
	}
	return dis, ge, nil
}

// run draws z and the dropout masks, runs the graph, and collects the
// gradients. It does not update the weights.
func (s *step) run(rng *rand.Rand) error {
	for i := range s.z {
		s.z[i] = float32(rng.NormFloat64())
	}
	src := splitMix{rng.Uint64()}
	for _, m := range s.b.masks {
		m.fill(&src)
	}
	if err := s.vm.Run(); err != nil {
		return fmt.Errorf("alad: running the training graph: %w", err)
	}
	for i, n := range s.gnodes {
		if s.grads[i] = fused.F32(s.vm.Value(n)); s.grads[i] == nil {
			return fmt.Errorf("alad: no float32 gradient of %s", s.params[i].name)
		}
	}
	return nil
}

func (s *step) lossValue(i int) float64 { return fused.Scalar(s.vm.Value(s.loss[i])) }
