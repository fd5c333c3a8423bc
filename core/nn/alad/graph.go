package alad

import (
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
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

func (m *mask) fill(rng *rand.Rand) {
	keep := float32(1 / (1 - m.p))
	// Each 64-bit draw gives two 32-bit uniforms; entry i is dropped when
	// its uniform is below p * 2^32.
	thr := uint32(m.p * (1 << 32))
	d := m.data
	i := 0
	for ; i+2 <= len(d); i += 2 {
		r := rng.Uint64()
		d[i], d[i+1] = keep, keep
		if uint32(r) < thr {
			d[i] = 0
		}
		if uint32(r>>32) < thr {
			d[i+1] = 0
		}
	}
	if i < len(d) {
		d[i] = keep
		if uint32(rng.Uint64()) < thr {
			d[i] = 0
		}
	}
}

// builder adds the ALAD networks to one gorgonia graph.
type builder struct {
	g     *G.ExprGraph
	n     *nets
	batch int
	train bool // dropout masks and spectral normalisation on
	nodes map[*param]*G.Node
	eff   map[*param]*G.Node
	rows  map[*param]*G.Node // biases reshaped to 1 x n
	ones  *G.Node            // column of ones, batch x 1
	masks []*mask
}

func newBuilder(n *nets, batch int, train bool) *builder {
	return &builder{g: G.NewGraph(), n: n, batch: batch, train: train,
		nodes: map[*param]*G.Node{}, eff: map[*param]*G.Node{}, rows: map[*param]*G.Node{}}
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

// weight returns W, or W/sigma with sigma = sum(W .* v u^T) when the layer
// is spectrally normalised; the gradient flows through sigma (Miyato et al.
// 2018, eq. 12) while u and v are constants of the step.
func (b *builder) weight(l layer) *G.Node {
	w := b.node(l.w)
	if !l.sn || !b.train {
		return w
	}
	if e, ok := b.eff[l.w]; ok {
		return e
	}
	uv := b.input(l.w.name+"/uv", l.w.sn.t)
	sigma := G.Must(G.Sum(G.Must(G.HadamardProd(w, uv))))
	e := G.Must(G.HadamardDiv(w, sigma))
	b.eff[l.w] = e
	return e
}

// fastOps selects the cheaper formulations of the bias add (a k=1 matrix
// product with a column of ones instead of gorgonia's iterator-based
// broadcast) and of LReLU (4 elementwise ops instead of 6).
var fastOps = true

// pruneGraph compiles only the nodes the losses and the parameter gradients
// depend on.
var pruneGraph = true

func (b *builder) dense(x *G.Node, l layer) *G.Node {
	h := G.Must(G.Mul(x, b.weight(l)))
	if l.b != nil {
		h = b.addBias(h, l.b)
	}
	return h
}

// addBias adds the bias vector p to every row of h.
func (b *builder) addBias(h *G.Node, p *param) *G.Node {
	if !fastOps {
		return G.Must(G.BroadcastAdd(h, b.node(p), nil, []byte{0}))
	}
	rows := h.Shape()[0]
	if b.ones == nil || b.ones.Shape()[0] != rows {
		ones := make([]float32, rows)
		for i := range ones {
			ones[i] = 1
		}
		b.ones = b.input(fmt.Sprintf("ones%d", rows), tensor.New(tensor.WithShape(rows, 1), tensor.WithBacking(ones)))
	}
	row, ok := b.rows[p]
	if !ok {
		row = G.Must(G.Reshape(b.node(p), []int{1, p.rows}))
		b.rows[p] = row
	}
	return G.Must(G.Add(h, G.Must(G.Mul(b.ones, row))))
}

func (b *builder) dropout(h *G.Node, p float64) *G.Node {
	if !b.train {
		return h
	}
	s := h.Shape()
	m := &mask{p: p, data: make([]float32, s[0]*s[1])}
	t := tensor.New(tensor.WithShape(s[0], s[1]), tensor.WithBacking(m.data))
	mn := b.input(fmt.Sprintf("mask%d", len(b.masks)), t)
	b.masks = append(b.masks, m)
	return G.Must(G.HadamardProd(h, mn))
}

// lrelu is max(x, 0.2x), computed as x .* (0.2 + 0.8 [x >= 0]) with
// fastOps.
func lrelu(x *G.Node) *G.Node {
	if !fastOps {
		return G.Must(G.LeakyRelu(x, lreluSlope))
	}
	pos := G.Must(G.Gte(x, G.NewConstant(float32(0)), true))
	slope := G.Must(G.Add(G.Must(G.HadamardProd(pos, G.NewConstant(float32(1-lreluSlope)))), G.NewConstant(float32(lreluSlope))))
	return G.Must(G.HadamardProd(x, slope))
}
func relu(x *G.Node) *G.Node { return G.Must(G.Rectify(x)) }
func concat(a, c *G.Node) *G.Node {
	return G.Must(G.Concat(1, a, c))
}

func (b *builder) enc(x *G.Node) *G.Node {
	h := lrelu(b.dense(x, b.n.e1))
	h = lrelu(b.dense(h, b.n.e2))
	return b.dense(h, b.n.e3)
}

func (b *builder) gen(z *G.Node) *G.Node {
	h := relu(b.dense(z, b.n.g1))
	h = relu(b.dense(h, b.n.g2))
	return b.dense(h, b.n.g3)
}

// batchNorm normalises h over the batch (training mode) and applies the
// learnt scale and shift.
func (b *builder) batchNorm(h *G.Node) *G.Node {
	mean := G.Must(G.Mean(h, 0))
	c := G.Must(G.BroadcastSub(h, mean, nil, []byte{0}))
	vr := G.Must(G.Mean(G.Must(G.Square(c)), 0))
	eps := G.NewConstant(float32(bnEps))
	inv := G.Must(G.Inverse(G.Must(G.Sqrt(G.Must(G.Add(vr, eps))))))
	xh := G.Must(G.BroadcastHadamardProd(c, inv, nil, []byte{0}))
	y := G.Must(G.BroadcastHadamardProd(xh, b.node(b.n.bnGamma), nil, []byte{0}))
	return G.Must(G.BroadcastAdd(y, b.node(b.n.bnBet), nil, []byte{0}))
}

func (b *builder) dxz(x, z *G.Node) *G.Node {
	hx := lrelu(b.batchNorm(b.dense(x, b.n.xzX)))
	hz := b.dropout(lrelu(b.dense(z, b.n.xzZ)), dropXZ)
	h := b.dropout(lrelu(b.dense(concat(hx, hz), b.n.xzJ)), dropXZ)
	return b.dense(h, b.n.xzO)
}

// dxx returns the logit of Dxx and its feature layer f_xx.
func (b *builder) dxx(x, x2 *G.Node) (logit, feat *G.Node) {
	feat = b.dxxFeat(x, x2)
	return b.dense(feat, b.n.xxO), feat
}

// dxxFeat returns the feature layer f_xx of Dxx (after its dropout).
func (b *builder) dxxFeat(x, x2 *G.Node) *G.Node {
	h := b.dropout(lrelu(b.dense(concat(x, x2), b.n.xx1)), dropXX)
	return b.dropout(lrelu(b.dense(h, b.n.xx2)), dropXX)
}

func (b *builder) dzz(z, z2 *G.Node) *G.Node {
	h := b.dropout(lrelu(b.dense(concat(z, z2), b.n.zz1)), dropZZ)
	h = b.dropout(lrelu(b.dense(h, b.n.zz2)), dropZZ)
	return b.dense(h, b.n.zzO)
}

// ce is the batch mean of the sigmoid cross-entropy of logits l with the
// constant label y (0 or 1): softplus(-l) for 1, softplus(l) for 0.
func ce(l *G.Node, y int) *G.Node {
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
	vm     G.VM
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
		s.vm = G.NewTapeMachine(g)
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
	for _, m := range s.b.masks {
		m.fill(rng)
	}
	s.vm.Reset()
	if err := s.vm.RunAll(); err != nil {
		return fmt.Errorf("alad: running the training graph: %w", err)
	}
	for i, n := range s.pnodes {
		g, err := n.Grad()
		if err != nil {
			return fmt.Errorf("alad: gradient of %s: %w", s.params[i].name, err)
		}
		s.grads[i] = g.Data().([]float32)
	}
	return nil
}

func (s *step) lossValue(i int) float64 {
	return float64(s.loss[i].Value().Data().(float32))
}
