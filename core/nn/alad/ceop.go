package alad

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"halo/core/nn/internal/fused"
)

// ceOp is ce as one op: the batch mean of the sigmoid cross-entropy of a
// batch×1 column of logits l with the constant label y,
//
//	loss = (1/n) Σ softplus(s·lᵢ),  s = -1 for y = 1, +1 for y = 0,
//
// and its gradient op dlᵢ = g·s·σ(s·lᵢ)/n for the loss's gradient g. With
// gorgonia's ops ce is a negation, a softplus and a mean and their
// gradients, eight tape instructions each allocating its output, twelve
// times per training step. softplus is gorgonia's (0 below -103, x above
// 14, log1p(exp x) in float64 between).
type ceOp struct {
	fused.Plain
	grad bool
	st   *ceState
}

type ceState struct {
	id   int
	n    int
	sign float32
	loss *G.F32
	dl   *tensor.Dense
}

var (
	_ G.Op   = ceOp{}
	_ G.SDOp = ceOp{}
)

func newCE(l *G.Node, y int) (*G.Node, error) {
	s := l.Shape()
	if len(s) != 2 || s[1] != 1 {
		return nil, fmt.Errorf("alad: cross-entropy of logits of shape %v, want n×1", s)
	}
	sign := float32(1)
	if y == 1 {
		sign = -1
	}
	st := &ceState{id: fused.NewID(), n: s[0], sign: sign, loss: G.NewF32(0),
		dl: tensor.New(tensor.WithShape(s[0], 1), tensor.Of(tensor.Float32))}
	return G.ApplyOp(ceOp{st: st}, l)
}

func (op ceOp) Arity() int {
	if op.grad {
		return 2
	}
	return 1
}

func (op ceOp) Type() hm.Type {
	if op.grad {
		return hm.NewFnType(fused.MatType, hm.TypeVariable('a'), fused.MatType)
	}
	return hm.NewFnType(fused.MatType, hm.TypeVariable('a'))
}

func (op ceOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	if op.grad {
		return op.st.dl.Shape().Clone(), nil
	}
	return tensor.ScalarShape(), nil
}

func (op ceOp) Do(inputs ...G.Value) (G.Value, error) {
	if len(inputs) != op.Arity() {
		return nil, fmt.Errorf("%v takes %d inputs, got %d", op, op.Arity(), len(inputs))
	}
	s := op.st
	l := fused.F32(inputs[0])
	if len(l) != s.n {
		return nil, fmt.Errorf("%v needs %d float32 logits", op, s.n)
	}
	if !op.grad {
		var sum float32
		for _, v := range l {
			sum += fused.Softplus32(s.sign * v)
		}
		*s.loss = G.F32(sum / float32(s.n))
		return s.loss, nil
	}
	g, ok := inputs[1].(*G.F32)
	if !ok {
		return nil, fmt.Errorf("%v needs a float32 scalar gradient, got %T", op, inputs[1])
	}
	c := float32(*g) * s.sign / float32(s.n)
	dl := fused.F32(s.dl)
	for i, v := range l {
		dl[i] = c * float32(1/(1+math.Exp(-float64(s.sign*v))))
	}
	return s.dl, nil
}

func (op ceOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op ceOp) Hashcode() uint32      { return fused.Hash(op) }
func (op ceOp) String() string {
	return fmt.Sprintf("bce%d<n%d,s%v,grad%v>", op.st.id, op.st.n, op.st.sign, op.grad)
}

func (op ceOp) DiffWRT(int) []bool {
	if op.grad {
		return []bool{false, false}
	}
	return []bool{true}
}

func (op ceOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if op.grad {
		return nil, fmt.Errorf("alad: %v is not differentiable", op)
	}
	dl, err := G.ApplyOp(ceOp{grad: true, st: op.st}, inputs[0], grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dl}, nil
}
