package vae

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"halo/core/nn/internal/fused"
)

// The reparameterisation and the loss of the VAE as two fused ops (with
// fusedOps): gorgonia's formulation of the same arithmetic (buildGraph with
// fusedOps false) is 30 element-wise, reduction, reshape and broadcast ops
// with their gradients, each allocating its result on every step: fusing
// them took BenchmarkTrain/D=39 in js/wasm from 135k to 163k samples/s. The
// fused ops compute the same expressions in float32 with exp32 (the same
// bits natively and in js/wasm), into buffers their states own.

// reparamOp is z = mu + exp32(lv/2) ⊙ eps (forward, inputs mu, lv, eps)
// and, backward, the gradient of lv: dlv = dz ⊙ eps ⊙ std / 2 (inputs z,
// dz; the gradient of mu is dz itself).
type reparamOp struct {
	fused.Plain
	back bool
	st   *reparamState
}

type reparamState struct {
	id         int
	rows, cols int
	eps, std   []float32 // eps: the forward input of the last run
	z, dlv     *tensor.Dense
}

func newReparam(mu, lv, eps *G.Node) (*G.Node, error) {
	s := mu.Shape()
	if len(s) != 2 || !lv.Shape().Eq(s) || !eps.Shape().Eq(s) {
		return nil, fmt.Errorf("vae: reparameterisation of shapes %v, %v, %v", s, lv.Shape(), eps.Shape())
	}
	st := &reparamState{id: fused.NewID(), rows: s[0], cols: s[1], std: make([]float32, s[0]*s[1]),
		z:   tensor.New(tensor.WithShape(s[0], s[1]), tensor.Of(tensor.Float32)),
		dlv: tensor.New(tensor.WithShape(s[0], s[1]), tensor.Of(tensor.Float32))}
	return G.ApplyOp(reparamOp{st: st}, mu, lv, eps)
}

func (op reparamOp) Arity() int {
	if op.back {
		return 2
	}
	return 3
}

func (op reparamOp) Type() hm.Type {
	if op.back {
		return hm.NewFnType(fused.MatType, fused.MatType, fused.MatType)
	}
	return hm.NewFnType(fused.MatType, fused.MatType, fused.MatType, fused.MatType)
}

func (op reparamOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{op.st.rows, op.st.cols}, nil
}

func (op reparamOp) Do(inputs ...G.Value) (G.Value, error) {
	var buf [fused.MaxArgs][]float32
	in, err := fused.Args(&buf, op, op.Arity(), inputs)
	if err != nil {
		return nil, err
	}
	s := op.st
	n := s.rows * s.cols
	for _, v := range in {
		if len(v) != n {
			return nil, fmt.Errorf("vae: %v needs %d x %d float32 values", op, s.rows, s.cols)
		}
	}
	if !op.back {
		mu, lv, eps := in[0], in[1], in[2]
		z := fused.F32(s.z)
		s.eps = eps
		for i := range z {
			sd := exp32(lv[i] * 0.5)
			s.std[i] = sd
			z[i] = mu[i] + sd*eps[i]
		}
		return s.z, nil
	}
	dz, dlv := in[1], fused.F32(s.dlv)
	for i := range dlv {
		dlv[i] = dz[i] * s.eps[i] * s.std[i] * 0.5
	}
	return s.dlv, nil
}

func (op reparamOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op reparamOp) Hashcode() uint32      { return fused.Hash(op) }
func (op reparamOp) String() string {
	return fmt.Sprintf("reparam%d<%dx%d,back%v>", op.st.id, op.st.rows, op.st.cols, op.back)
}

func (op reparamOp) DiffWRT(int) []bool {
	if op.back {
		return []bool{false, false}
	}
	return []bool{true, true, false}
}

func (op reparamOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if op.back {
		return nil, fmt.Errorf("vae: %v is not differentiable", op)
	}
	// The backward op takes z so that it runs after the forward op.
	dlv, err := G.ApplyOp(reparamOp{back: true, st: op.st}, output, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{grad, dlv, nil}, nil
}

// lossOp is the training loss of a batch of B rows (forward, inputs o, x,
// mu, lv; a scalar):
//
//	recon = 1/B sum_r sum_j (o - x)^2
//	kl    = 1/2 * 1/B sum_r sum_l ((mu^2 + exp32(lv)) - (lv + 1))
//	cost  = recon + beta kl
//
// and, backward (inputs cost and its gradient g), the gradient of input
// which (0 o, 2 mu, 3 lv): 2g/B (o - x), g beta/B mu, g beta/(2B)
// (exp32(lv) - 1). recon and kl of the last run stay in the state.
type lossOp struct {
	fused.Plain
	which int // -1 forward
	st    *lossState
}

type lossState struct {
	id        int
	rows, d   int
	latent    int
	beta      float32
	cost      *G.F32
	recon, kl float32
	diff, vr  []float32 // o - x and exp32(lv) of the last run
	mu        []float32 // the forward input of the last run
	grads     [4]*tensor.Dense
}

func newLoss(o, x, mu, lv *G.Node, beta float64) (*G.Node, *lossState, error) {
	so, sm := o.Shape(), mu.Shape()
	if len(so) != 2 || len(sm) != 2 || !x.Shape().Eq(so) || !lv.Shape().Eq(sm) || so[0] != sm[0] {
		return nil, nil, fmt.Errorf("vae: loss of shapes %v, %v, %v, %v", so, x.Shape(), sm, lv.Shape())
	}
	st := &lossState{id: fused.NewID(), rows: so[0], d: so[1], latent: sm[1], beta: float32(beta),
		cost: G.NewF32(0), diff: make([]float32, so[0]*so[1]), vr: make([]float32, sm[0]*sm[1])}
	st.grads[0] = tensor.New(tensor.WithShape(so[0], so[1]), tensor.Of(tensor.Float32))
	st.grads[2] = tensor.New(tensor.WithShape(sm[0], sm[1]), tensor.Of(tensor.Float32))
	st.grads[3] = tensor.New(tensor.WithShape(sm[0], sm[1]), tensor.Of(tensor.Float32))
	n, err := G.ApplyOp(lossOp{which: -1, st: st}, o, x, mu, lv)
	return n, st, err
}

func (op lossOp) Arity() int {
	if op.which >= 0 {
		return 2
	}
	return 4
}

func (op lossOp) Type() hm.Type {
	if op.which >= 0 {
		return hm.NewFnType(hm.TypeVariable('a'), hm.TypeVariable('a'), fused.MatType)
	}
	return hm.NewFnType(fused.MatType, fused.MatType, fused.MatType, fused.MatType, hm.TypeVariable('a'))
}

func (op lossOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	if op.which >= 0 {
		return op.st.grads[op.which].Shape().Clone(), nil
	}
	return tensor.ScalarShape(), nil
}

func (op lossOp) Do(inputs ...G.Value) (G.Value, error) {
	if len(inputs) != op.Arity() {
		return nil, fmt.Errorf("%v takes %d inputs, got %d", op, op.Arity(), len(inputs))
	}
	s := op.st
	b := float32(s.rows)
	if op.which >= 0 {
		g, ok := inputs[1].(*G.F32)
		if !ok {
			return nil, fmt.Errorf("%v needs a float32 scalar gradient, got %T", op, inputs[1])
		}
		out := fused.F32(s.grads[op.which])
		switch op.which {
		case 0:
			c := float32(*g) * 2 / b
			for i, e := range s.diff {
				out[i] = c * e
			}
		case 2:
			c := float32(*g) * s.beta / b
			for i, m := range s.mu {
				out[i] = c * m
			}
		case 3:
			c := float32(*g) * s.beta * 0.5 / b
			for i, v := range s.vr {
				out[i] = c * (v - 1)
			}
		}
		return s.grads[op.which], nil
	}
	var buf [fused.MaxArgs][]float32
	in, err := fused.Args(&buf, op, op.Arity(), inputs)
	if err != nil {
		return nil, err
	}
	o, x, mu, lv := in[0], in[1], in[2], in[3]
	if len(o) != s.rows*s.d || len(x) != len(o) || len(mu) != s.rows*s.latent || len(lv) != len(mu) {
		return nil, fmt.Errorf("%v: inputs of %d, %d, %d and %d values", op, len(o), len(x), len(mu), len(lv))
	}
	s.mu = mu
	var rec, kl float32
	for r := range s.rows {
		var acc float32
		for j := r * s.d; j < (r+1)*s.d; j++ {
			e := o[j] - x[j]
			s.diff[j] = e
			acc += e * e
		}
		rec += acc
		acc = 0
		for j := r * s.latent; j < (r+1)*s.latent; j++ {
			v := exp32(lv[j])
			s.vr[j] = v
			acc += (mu[j]*mu[j] + v) - (lv[j] + 1)
		}
		kl += acc
	}
	s.recon = rec / b
	s.kl = kl / b * 0.5
	*s.cost = G.F32(s.recon + s.beta*s.kl)
	return s.cost, nil
}

func (op lossOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op lossOp) Hashcode() uint32      { return fused.Hash(op) }
func (op lossOp) String() string {
	return fmt.Sprintf("vaeloss%d<b%d,d%d,l%d,beta%v,grad%d>", op.st.id, op.st.rows, op.st.d, op.st.latent, op.st.beta, op.which)
}

func (op lossOp) DiffWRT(int) []bool {
	if op.which >= 0 {
		return []bool{false, false}
	}
	return []bool{true, false, true, true}
}

func (op lossOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if op.which >= 0 {
		return nil, fmt.Errorf("vae: %v is not differentiable", op)
	}
	gs := make(G.Nodes, 4)
	for _, k := range []int{0, 2, 3} {
		// Each takes the cost so that it runs after the forward op.
		n, err := G.ApplyOp(lossOp{which: k, st: op.st}, output, grad)
		if err != nil {
			return nil, err
		}
		gs[k] = n
	}
	return gs, nil
}
