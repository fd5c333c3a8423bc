package vae

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"halo/core/nn/internal/fused"
)

// expOp is the element-wise exponential of a float32 tensor as a gorgonia
// op that computes with exp32, so that training gives the same bits natively
// and in js/wasm (G.Exp calls math32.Exp, assembly on amd64). Its forward
// mode maps x to y = exp32(x); its backward mode maps (y, dy) to
// dx = dy ⊙ y, since d e**x / dx = e**x. Both modes write into buffers
// owned by the op's state, so the tape machine allocates nothing for them;
// the backward mode reads the forward output of the same run (it depends on
// it, so the tape machine runs it after).
type expOp struct {
	fused.Plain
	back bool
	st   *expState
}

// expState holds the name and the output buffers of one exponential node.
type expState struct {
	name  string
	y, dx *tensor.Dense
}

// newExp applies exp32 to x, a float32 node of fixed shape; name makes the
// op (and so the node) unique in its graph.
func newExp(x *G.Node, name string) (*G.Node, error) {
	s := x.Shape()
	st := &expState{
		name: name,
		y:    tensor.New(tensor.WithShape(s.Clone()...), tensor.Of(tensor.Float32)),
		dx:   tensor.New(tensor.WithShape(s.Clone()...), tensor.Of(tensor.Float32)),
	}
	return G.ApplyOp(expOp{st: st}, x)
}

var (
	_ G.Op   = expOp{}
	_ G.SDOp = expOp{}
)

func (op expOp) Arity() int {
	if op.back {
		return 2
	}
	return 1
}

func (op expOp) Type() hm.Type {
	t := G.TensorType{Dims: op.st.y.Dims(), Of: hm.TypeVariable('a')}
	if op.back {
		return hm.NewFnType(t, t, t)
	}
	return hm.NewFnType(t, t)
}

func (op expOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return op.st.y.Shape().Clone(), nil
}

func (op expOp) Do(inputs ...G.Value) (G.Value, error) {
	var buf [fused.MaxArgs][]float32
	in, err := fused.Args(&buf, op, op.Arity(), inputs)
	if err != nil {
		return nil, err
	}
	n := op.st.y.Shape().TotalSize()
	for _, s := range in {
		if len(s) != n {
			return nil, fmt.Errorf("vae: %v needs float32 values of shape %v", op, op.st.y.Shape())
		}
	}
	if !op.back {
		x, y := in[0], fused.F32(op.st.y)
		for i, v := range x {
			y[i] = exp32(v)
		}
		return op.st.y, nil
	}
	y, dy := in[0], in[1]
	dx := fused.F32(op.st.dx)
	for i, v := range y {
		dx[i] = dy[i] * v
	}
	return op.st.dx, nil
}

func (op expOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }

func (op expOp) Hashcode() uint32 { return fused.Hash(op) }

func (op expOp) String() string {
	if op.back {
		return "exp32grad<" + op.st.name + ">"
	}
	return "exp32<" + op.st.name + ">"
}

func (op expOp) DiffWRT(int) []bool {
	if op.back {
		return []bool{false, false}
	}
	return []bool{true}
}

func (op expOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if op.back {
		return nil, fmt.Errorf("vae: %v is not differentiable", op)
	}
	dx, err := G.ApplyOp(expOp{back: true, st: op.st}, output, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx}, nil
}
