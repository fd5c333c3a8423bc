package cnn

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"halo/core/nn/internal/fused"
)

// The network's head and the training loss as fused ops: gorgonia's
// formulation of the same arithmetic (ReLU, reshape, the pooling product,
// the output unit, the stable cross-entropy and the weighted sum: 30 ops
// with their gradients, newGraphNet with fusedHead false) allocated about
// 250 objects on every training step.

// headOp maps the (batch*last)×C output h of the last convolution to the
// batch×1 logits
//
//	logit_b = sum_j relu(h)_bj p_j + fcb,  p_(o*C+c) = fc_c / last
//
// (global average pooling over the last positions, then the output unit);
// its backward modes map (logits, dlogits) to the gradient of h, fc or fcb.
type headOp struct {
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
	h, a, p        []float32 // h: the forward input of the last run; a = relu(h); p: fc / last per position
	logits         *tensor.Dense
	dh, dfc, dfcb  *tensor.Dense
	dp             []float32
	forwardRan     bool
}

func newHead(h, fc, fcb *gorgonia.Node, batch, last, c int) (*gorgonia.Node, error) {
	st := &headState{id: fused.NewID(), batch: batch, last: last, c: c,
		a: make([]float32, batch*last*c), p: make([]float32, last*c), dp: make([]float32, last*c),
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
	n, cols := s.batch, s.last*s.c
	if op.mode == headForward {
		h, fc, fcb := in[0], in[1], in[2]
		if len(h) != n*cols || len(fc) != s.c || len(fcb) != 1 {
			return nil, fmt.Errorf("%v: inputs of %d, %d and %d values", op, len(h), len(fc), len(fcb))
		}
		inv := 1 / float32(s.last)
		for j := range s.p {
			s.p[j] = fc[j%s.c] * inv
		}
		s.h = h
		logits := f32(s.logits)
		for b := range n {
			row, a := h[b*cols:(b+1)*cols], s.a[b*cols:(b+1)*cols]
			var sum float32
			for j, v := range row {
				v = max(v, 0)
				a[j] = v
				sum += v * s.p[j]
			}
			logits[b] = sum + fcb[0]
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
		dh := f32(s.dh)
		for b, g := range dl {
			row, d := s.h[b*cols:(b+1)*cols], dh[b*cols:(b+1)*cols]
			for j, v := range row {
				if v > 0 {
					d[j] = g * s.p[j]
				} else {
					d[j] = 0
				}
			}
		}
	case headGradFC:
		clear(s.dp)
		for b, g := range dl {
			for j, v := range s.a[b*cols : (b+1)*cols] {
				s.dp[j] += v * g
			}
		}
		dfc := f32(s.dfc)
		inv := 1 / float32(s.last)
		clear(dfc)
		for j, v := range s.dp {
			dfc[j%s.c] += v * inv
		}
	case headGradFCB:
		var sum float32
		for _, g := range dl {
			sum += g
		}
		f32(s.dfcb)[0] = sum
	}
	return op.out(), nil
}

func (op headOp) ReturnsPtr() bool      { return false }
func (op headOp) CallsExtern() bool     { return false }
func (op headOp) OverwritesInput() int  { return -1 }
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
//	cost = sum_b w_b (max(z_b, 0) - z_b y_b + log(1 + exp(-|z_b|)))
//
// each term in float64 and rounded, the sum in float32; backward (inputs
// the cost, so that it runs after the forward op, and the scalar gradient
// g): dz_b = g w_b (sigmoid(z_b) - y_b).
type bceOp struct {
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
		for b, v := range s.z {
			sig := float32(1 / (1 + math.Exp(-float64(v))))
			dz[b] = float32(*g) * s.w[b] * (sig - s.y[b])
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
		x := float64(v)
		t := float32(math.Max(x, 0) - x*float64(y[b]) + math.Log1p(math.Exp(-math.Abs(x))))
		sum += w[b] * t
	}
	*s.cost = gorgonia.F32(sum)
	return s.cost, nil
}

func (op bceOp) ReturnsPtr() bool      { return false }
func (op bceOp) CallsExtern() bool     { return false }
func (op bceOp) OverwritesInput() int  { return -1 }
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
