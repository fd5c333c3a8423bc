package cnn

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	"github.com/chewxy/math32"
	"gonum.org/v1/gonum/blas"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"halo/core/nn/internal/fused"
)

// The network's head and the training loss as fused ops: gorgonia's
// formulation (ReLU as x ⊙ (x >= 0), reshape, the pooling product, the
// output unit, the stable cross-entropy, the weighted sum, and the ops of
// their gradients: about 40 nodes, newGraphNet with fusedHead false)
// allocated about 250 objects on every training step. The fused ops compute
// what those nodes compute, bit for bit: the same float32 operations in the
// same order, the products through the same Sgemm calls (gorgonia's
// tensor.MatMul arguments), gorgonia's softplus, sigmoid and sign, and its
// sums (TestFusedHeadBitIdentical trains both and compares the weights):
// the maps do not move.

// headOp maps the (batch*last)×C output h of the last convolution to the
// batch×1 logits
//
//	a = h ⊙ (h >= 0), p = P fc, logit = a' p + fcb
//
// where a' is a as batch×(last*C) and P the (last*C)×C average-pooling
// matrix (1/last where a position's channel meets its column); its backward
// modes map (logits, dlogits) to the gradient of h, fc or fcb.
type headOp struct {
	fused.Plain
	mode headMode
	st   *headState
}

type headMode byte

const (
	headForward headMode = iota
	headGradH
	headGradFC
	headGradFCB
)

type headState struct {
	id             int
	batch, last, c int
	pool           []float32 // P, (last*C)×C
	mask, a, p     []float32 // h >= 0 as 1 or 0, a = h ⊙ mask, p = P fc
	lin, dflat, dp []float32
	logits         *tensor.Dense
	dh, dfc, dfcb  *tensor.Dense
	forwardRan     bool
}

func newHead(h, fc, fcb *gorgonia.Node, pool []float32, batch, last, c int) (*gorgonia.Node, error) {
	k := last * c
	if len(pool) != k*c {
		return nil, fmt.Errorf("cnn: pooling matrix of %d values, want %d x %d", len(pool), k, c)
	}
	st := &headState{id: fused.NewID(), batch: batch, last: last, c: c, pool: pool,
		mask: make([]float32, batch*k), a: make([]float32, batch*k), p: make([]float32, k),
		lin: make([]float32, batch), dflat: make([]float32, batch*k), dp: make([]float32, k),
		logits: tensor.New(tensor.WithShape(batch, 1), tensor.Of(tensor.Float32)),
		dh:     tensor.New(tensor.WithShape(batch*last, c), tensor.Of(tensor.Float32)),
		dfc:    tensor.New(tensor.WithShape(c, 1), tensor.Of(tensor.Float32)),
		dfcb:   tensor.New(tensor.WithShape(1, 1), tensor.Of(tensor.Float32))}
	return gorgonia.ApplyOp(headOp{st: st}, h, fc, fcb)
}

func (op headOp) Arity() int {
	if op.mode == headForward {
		return 3
	}
	return 2
}

func (op headOp) Type() hm.Type {
	t := gorgonia.TensorType{Dims: 2, Of: hm.TypeVariable('a')}
	if op.mode == headForward {
		return hm.NewFnType(t, t, t, t)
	}
	return hm.NewFnType(t, t, t)
}

func (op headOp) out() *tensor.Dense {
	switch op.mode {
	case headGradH:
		return op.st.dh
	case headGradFC:
		return op.st.dfc
	case headGradFCB:
		return op.st.dfcb
	}
	return op.st.logits
}

func (op headOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return op.out().Shape().Clone(), nil
}

func (op headOp) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	var buf [fused.MaxArgs][]float32
	in, err := fused.Args(&buf, op, op.Arity(), inputs)
	if err != nil {
		return nil, err
	}
	s := op.st
	n, k, c := s.batch, s.last*s.c, s.c
	bl := gorgonia.WhichBLAS()
	if op.mode == headForward {
		h, fc, fcb := in[0], in[1], in[2]
		if len(h) != n*k || len(fc) != c || len(fcb) != 1 {
			return nil, fmt.Errorf("%v: inputs of %d, %d and %d values", op, len(h), len(fc), len(fcb))
		}
		for i, v := range h {
			m := float32(0)
			if v >= 0 {
				m = 1
			}
			s.mask[i] = m
			s.a[i] = v * m
		}
		// tensor.MatMul's calls for P fc and a' p.
		bl.Sgemm(blas.NoTrans, blas.NoTrans, k, 1, c, 1, s.pool, c, fc, 1, 0, s.p, 1)
		bl.Sgemm(blas.NoTrans, blas.NoTrans, n, 1, k, 1, s.a, k, s.p, 1, 0, s.lin, 1)
		logits := f32(s.logits)
		for b, v := range s.lin {
			logits[b] = v + fcb[0]
		}
		s.forwardRan = true
		return s.logits, nil
	}
	dl := in[1]
	if len(dl) != n || !s.forwardRan {
		return nil, fmt.Errorf("%v needs %d logit gradients after the forward pass", op, n)
	}
	switch op.mode {
	case headGradH:
		// dlogits p' (an outer product), then the ReLU mask.
		bl.Sgemm(blas.NoTrans, blas.Trans, n, k, 1, 1, dl, 1, s.p, 1, 0, s.dflat, k)
		dh := f32(s.dh)
		for i, m := range s.mask {
			dh[i] = m * s.dflat[i]
		}
	case headGradFC:
		bl.Sgemm(blas.Trans, blas.NoTrans, k, 1, n, 1, s.a, k, dl, 1, 0, s.dp, 1)
		bl.Sgemm(blas.Trans, blas.NoTrans, c, 1, k, 1, s.pool, c, s.dp, 1, 0, f32(s.dfc), 1)
	case headGradFCB:
		// The sum over the batch axis as tensor's: from the first row.
		sum := dl[0]
		for _, g := range dl[1:] {
			sum += g
		}
		f32(s.dfcb)[0] = sum
	}
	return op.out(), nil
}

func (op headOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op headOp) Hashcode() uint32      { return fused.Hash(op) }
func (op headOp) String() string {
	return fmt.Sprintf("head%d<b%d,l%d,c%d,mode%d>", op.st.id, op.st.batch, op.st.last, op.st.c, op.mode)
}

func (op headOp) DiffWRT(int) []bool {
	if op.mode != headForward {
		return []bool{false, false}
	}
	return []bool{true, true, true}
}

func (op headOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if op.mode != headForward {
		return nil, fmt.Errorf("cnn: %v is not differentiable", op)
	}
	gs := make(gorgonia.Nodes, 3)
	for i, m := range []headMode{headGradH, headGradFC, headGradFCB} {
		// Each takes the logits so that it runs after the forward op.
		n, err := gorgonia.ApplyOp(headOp{mode: m, st: op.st}, output, grad)
		if err != nil {
			return nil, err
		}
		gs[i] = n
	}
	return gs, nil
}

// bceOp is the weighted binary cross-entropy of the batch×1 logits z with
// labels y and row weights w (forward, inputs z, y, w; a scalar):
//
//	cost = sum_b ((z_b m_b - z_b y_b) + softplus(-|z_b|)) w_b,  m_b = (z_b >= 0)
//
// and backward (inputs the cost, so that it runs after the forward op, and
// the scalar gradient g), with u = w g:
//
//	dz_b = ((-(sigmoid(-|z_b|) u_b)) sign(z_b) + y_b (-u_b)) + m_b u_b
//
// in the order of gorgonia's nodes and with its float32 softplus, sigmoid
// and sign (sign(-0) = -1).
type bceOp struct {
	fused.Plain
	grad bool
	st   *bceState
}

type bceState struct {
	id      int
	n       int
	z, y, w []float32 // the forward inputs of the last run
	cost    *gorgonia.F32
	dz      *tensor.Dense
}

func newBCE(z, y, w *gorgonia.Node, n int) (*gorgonia.Node, error) {
	st := &bceState{id: fused.NewID(), n: n, cost: gorgonia.NewF32(0),
		dz: tensor.New(tensor.WithShape(n, 1), tensor.Of(tensor.Float32))}
	return gorgonia.ApplyOp(bceOp{st: st}, z, y, w)
}

func (op bceOp) Arity() int {
	if op.grad {
		return 2
	}
	return 3
}

func (op bceOp) Type() hm.Type {
	if op.grad {
		return hm.NewFnType(hm.TypeVariable('a'), hm.TypeVariable('a'), fused.MatType)
	}
	return hm.NewFnType(fused.MatType, fused.MatType, fused.MatType, hm.TypeVariable('a'))
}

func (op bceOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	if op.grad {
		return op.st.dz.Shape().Clone(), nil
	}
	return tensor.ScalarShape(), nil
}

func (op bceOp) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(inputs) != op.Arity() {
		return nil, fmt.Errorf("%v takes %d inputs, got %d", op, op.Arity(), len(inputs))
	}
	s := op.st
	if op.grad {
		g, ok := inputs[1].(*gorgonia.F32)
		if !ok {
			return nil, fmt.Errorf("%v needs a float32 scalar gradient, got %T", op, inputs[1])
		}
		if len(s.z) != s.n {
			return nil, fmt.Errorf("%v runs after the forward pass", op)
		}
		dz := f32(s.dz)
		gv := float32(*g)
		for b, v := range s.z {
			u := s.w[b] * gv
			n := -math32.Abs(v)
			sg := float32(1)
			if math32.Signbit(v) {
				sg = -1
			}
			m := float32(0)
			if v >= 0 {
				m = 1
			}
			dz[b] = (-(sigmoid32(n) * u))*sg + s.y[b]*(-u) + m*u
		}
		return s.dz, nil
	}
	z, y, w := f32(inputs[0]), f32(inputs[1]), f32(inputs[2])
	if len(z) != s.n || len(y) != s.n || len(w) != s.n {
		return nil, fmt.Errorf("%v needs %d float32 logits, labels and weights", op, s.n)
	}
	s.z, s.y, s.w = z, y, w
	var sum float32
	for b, v := range z {
		m := float32(0)
		if v >= 0 {
			m = 1
		}
		t := (v*m - v*y[b]) + fused.Softplus32(-math32.Abs(v))
		sum += t * w[b]
	}
	*s.cost = gorgonia.F32(sum)
	return s.cost, nil
}

// sigmoid32 is gorgonia's float32 sigmoid (v0.9.18, math_nooptim.go).
func sigmoid32(x float32) float32 {
	if x < -88 {
		return 0
	}
	if x > 15 {
		return 1
	}
	return float32(1.0 / (1.0 + math.Exp(float64(-x))))
}

func (op bceOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op bceOp) Hashcode() uint32      { return fused.Hash(op) }
func (op bceOp) String() string        { return fmt.Sprintf("bce%d<n%d,grad%v>", op.st.id, op.st.n, op.grad) }

func (op bceOp) DiffWRT(int) []bool {
	if op.grad {
		return []bool{false, false}
	}
	return []bool{true, false, false}
}

func (op bceOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if op.grad {
		return nil, fmt.Errorf("cnn: %v is not differentiable", op)
	}
	// The backward op reads z, y and w as the forward op left them: it
	// takes the cost, so that it runs after it.
	dz, err := gorgonia.ApplyOp(bceOp{grad: true, st: op.st}, output, grad)
	if err != nil {
		return nil, err
	}
	return gorgonia.Nodes{dz, nil, nil}, nil
}
