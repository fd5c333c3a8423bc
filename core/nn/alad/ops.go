package alad

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"halo/core/nn/blas32"
	"halo/core/nn/internal/fused"
)

// The fused ops of the training graph besides the dense layers
// (core/nn/internal/fused): spectral normalisation (W/σ with its gradient
// through σ) and batch norm followed by LReLU, each one forward op and
// hand-written backward ops on buffers the op owns, as fused.Dense. The
// reference formulation with gorgonia's ops stays (fusedOps = false); the
// tests hold the two to the same gradients.

// f32 returns the float32 backing of v, or nil.
func f32(v G.Value) []float32 { return fused.F32(v) }

// snState holds W/σ of one spectrally normalised weight, with σ = vᵀ W u
// from the power iteration run before the step (u and v are constants of
// the step), and its gradient dW = dW'/σ - (Σ dW' ⊙ W)/σ² · v uᵀ for the
// gradient dW' of W/σ (Miyato et al. 2018, eq. 12).
type snState struct {
	name string
	sn   *specNorm
	eff  *tensor.Dense
	dw   *tensor.Dense
	cv   []float32 // c*v of the gradient
}

type snOp struct {
	fused.Plain
	grad bool
	st   *snState
}

var (
	_ G.Op   = snOp{}
	_ G.SDOp = snOp{}
)

func newSNState(name string, sn *specNorm, rows, cols int) *snState {
	return &snState{name: name, sn: sn,
		eff: tensor.New(tensor.WithShape(rows, cols), tensor.Of(tensor.Float32)),
		dw:  tensor.New(tensor.WithShape(rows, cols), tensor.Of(tensor.Float32)),
		cv:  make([]float32, rows)}
}

// Arity: forward W; gradient dW', W.
func (op snOp) Arity() int {
	if op.grad {
		return 2
	}
	return 1
}

func (op snOp) Type() hm.Type {
	if op.grad {
		return hm.NewFnType(fused.MatType, fused.MatType, fused.MatType)
	}
	return hm.NewFnType(fused.MatType, fused.MatType)
}

func (op snOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return op.st.eff.Shape().Clone(), nil
}

func (op snOp) Do(inputs ...G.Value) (G.Value, error) {
	var buf [fused.MaxArgs][]float32
	in, err := fused.Args(&buf, op, op.Arity(), inputs)
	if err != nil {
		return nil, err
	}
	s, sn := op.st, op.st.sn
	inv := 1 / sn.sigma
	cols := len(sn.u)
	if !op.grad {
		blas32.Scale(f32(s.eff), in[0], inv)
		return s.eff, nil
	}
	g, w := in[0], in[1]
	gw := blas32.Dot(g, w[:len(g)])
	c := gw * inv * inv
	// dw[i][j] = g[i][j]*inv - (c*v[i])*u[j]
	cv := s.cv[:len(sn.v)]
	blas32.Scale(cv, sn.v, c)
	blas32.Rank1Sub(f32(s.dw), g, inv, cv, sn.u, len(sn.v), cols)
	return s.dw, nil
}

func (op snOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op snOp) Hashcode() uint32      { return fused.Hash(op) }
func (op snOp) String() string        { return fmt.Sprintf("specnorm<%s,grad%v>", op.st.name, op.grad) }

func (op snOp) DiffWRT(int) []bool {
	if op.grad {
		return []bool{false, false}
	}
	return []bool{true}
}

func (op snOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if op.grad {
		return nil, fmt.Errorf("alad: %v is not differentiable", op)
	}
	dw, err := G.ApplyOp(snOp{grad: true, st: op.st}, grad, inputs[0])
	if err != nil {
		return nil, err
	}
	return G.Nodes{dw}, nil
}

// bnState is batch norm over the batch (training mode) followed by LReLU:
//
//	y = lrelu(γ ⊙ x̂ + β),  x̂ = (h - mean) / sqrt(var + eps)
//
// with the biased batch variance, as the reference formulation.
type bnState struct {
	id               int
	batch, n         int
	xhat, inv        []float32
	y, du, dh        *tensor.Dense
	dgamma, dbeta    *tensor.Dense
	sumDu, sumDuXhat []float32
}

type bnMode byte

const (
	bnForward bnMode = iota
	bnGradU          // du = dy ⊙ lrelu'(u), and its column sums
	bnGradH
	bnGradGamma
	bnGradBeta
)

type bnOp struct {
	fused.Plain
	mode bnMode
	st   *bnState
}

var (
	_ G.Op   = bnOp{}
	_ G.SDOp = bnOp{}
)

func newBNState(id, batch, n int) *bnState {
	m := func(s ...int) *tensor.Dense { return tensor.New(tensor.WithShape(s...), tensor.Of(tensor.Float32)) }
	return &bnState{id: id, batch: batch, n: n,
		xhat: make([]float32, batch*n), inv: make([]float32, n),
		sumDu: make([]float32, n), sumDuXhat: make([]float32, n),
		y: m(batch, n), du: m(batch, n), dh: m(batch, n), dgamma: m(n), dbeta: m(n)}
}

// Arity: forward h, γ, β; du from dy; dh from du and γ; dγ and dβ from du.
func (op bnOp) Arity() int {
	switch op.mode {
	case bnForward:
		return 3
	case bnGradH:
		return 2
	}
	return 1
}

func (op bnOp) Type() hm.Type {
	switch op.mode {
	case bnForward:
		return hm.NewFnType(fused.MatType, fused.VecType, fused.VecType, fused.MatType)
	case bnGradH:
		return hm.NewFnType(fused.MatType, fused.VecType, fused.MatType)
	case bnGradGamma, bnGradBeta:
		return hm.NewFnType(fused.MatType, fused.VecType)
	}
	return hm.NewFnType(fused.MatType, fused.MatType)
}

func (op bnOp) out() *tensor.Dense {
	switch op.mode {
	case bnGradU:
		return op.st.du
	case bnGradH:
		return op.st.dh
	case bnGradGamma:
		return op.st.dgamma
	case bnGradBeta:
		return op.st.dbeta
	}
	return op.st.y
}

func (op bnOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return op.out().Shape().Clone(), nil
}

func (op bnOp) Do(inputs ...G.Value) (G.Value, error) {
	var buf [fused.MaxArgs][]float32
	in, err := fused.Args(&buf, op, op.Arity(), inputs)
	if err != nil {
		return nil, err
	}
	s := op.st
	nb, n := s.batch, s.n
	switch op.mode {
	case bnForward:
		h, gamma, beta := in[0], in[1], in[2]
		mean := s.sumDu // scratch until the backward pass
		blas32.ColSums(mean, h, nb, n)
		fb := float32(nb)
		for j := range mean {
			mean[j] /= fb
		}
		vr := s.inv
		blas32.BNCenter(s.xhat, vr, h, mean, nb, n)
		for j, v := range vr {
			vr[j] = 1 / sqrt32(v/fb+bnEps)
		}
		blas32.BNScaleShiftLeaky(f32(s.y), s.xhat, vr, gamma, beta, nb, n, lreluSlope)
		return s.y, nil
	case bnGradU:
		blas32.BNGradU(f32(s.du), s.sumDu, s.sumDuXhat, in[0], f32(s.y), s.xhat, nb, n, lreluSlope)
		return s.du, nil
	case bnGradH:
		// dh = inv/N (N dx̂ - Σ dx̂ - x̂ Σ dx̂ x̂) with dx̂ = du γ.
		blas32.BNGradH(f32(s.dh), in[0], s.xhat, s.inv, in[1], s.sumDu, s.sumDuXhat, nb, n)
		return s.dh, nil
	case bnGradGamma:
		copy(f32(s.dgamma), s.sumDuXhat)
		return s.dgamma, nil
	default:
		copy(f32(s.dbeta), s.sumDu)
		return s.dbeta, nil
	}
}

func (op bnOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op bnOp) Hashcode() uint32      { return fused.Hash(op) }
func (op bnOp) String() string {
	return fmt.Sprintf("batchnorm-lrelu%d/%d<b%d,n%d>", op.st.id, op.mode, op.st.batch, op.st.n)
}

func (op bnOp) DiffWRT(int) []bool {
	if op.mode == bnForward {
		return []bool{true, true, true}
	}
	return make([]bool, op.Arity())
}

func (op bnOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if op.mode != bnForward {
		return nil, fmt.Errorf("alad: %v is not differentiable", op)
	}
	s := op.st
	du, err := G.ApplyOp(bnOp{mode: bnGradU, st: s}, grad)
	if err != nil {
		return nil, err
	}
	res := make(G.Nodes, 3)
	if res[0], err = G.ApplyOp(bnOp{mode: bnGradH, st: s}, du, inputs[1]); err != nil {
		return nil, err
	}
	if res[1], err = G.ApplyOp(bnOp{mode: bnGradGamma, st: s}, du); err != nil {
		return nil, err
	}
	if res[2], err = G.ApplyOp(bnOp{mode: bnGradBeta, st: s}, du); err != nil {
		return nil, err
	}
	return res, nil
}
