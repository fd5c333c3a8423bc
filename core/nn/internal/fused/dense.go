// Package fused holds gorgonia ops that do a whole dense layer at once,
// for the training graphs of ALAD and the VAE.
//
// With gorgonia's own ops a dense layer is a chain of a product, a bias
// broadcast, element-wise ops for the activation and a dropout product
// (and a concat before the discriminators of ALAD), each allocating its
// output and each running a scalar iterator loop; in js/wasm these took
// about 80% of an ALAD training step at its default widths while the
// products took 10% (node --cpu-prof of alad's BenchmarkTrain/default/D=39).
// Dense adds one op for the forward pass,
//
//	y = mask ⊙ act(x₁ W₁ + x₂ W₂ + b)
//
// (two parts of W stand in for the concatenation [x₁ x₂] W), and four ops
// for the backward pass: dz = dy ⊙ mask ⊙ act'(z), then dxᵢ = dz Wᵢᵀ,
// dW = [x₁ x₂]ᵀ dz and db = 1ᵀ dz. Every op writes into buffers of its own
// state, so the tape machine allocates nothing for them; the backward ops
// read the forward op's buffers of the same run (they depend on its
// output's gradient, so the tape machine runs them after it). The
// products go through gorgonia.WhichBLAS, so gorgonia.Use applies. The
// activations run without a branch on the signs of z (random, so a branch
// mispredicts half the time). gorgonia stays inside core/nn: this package
// is internal to it.
package fused

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gonum.org/v1/gonum/blas"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"halo/core/nn/blas32"
)

// Activation is the activation of a dense layer.
type Activation byte

const (
	Identity Activation = iota
	ReLU                // max(z, 0), as gorgonia's Rectify
	LReLU               // z for z >= 0, slope*z below
)

// Dense adds act(x₁ W₁ + … + b) ⊙ mask to xs' graph: xs are one or more
// batch×inᵢ parts of the layer's input (the columns of their
// concatenation), w is (Σ inᵢ)×out, b a vector of out values or nil (no
// bias), slope LReLU's slope (ignored otherwise), and mask nil (no
// dropout) or batch*out values the caller refills before each run.
func Dense(xs []*G.Node, w, b *G.Node, act Activation, slope float32, mask []float32) (*G.Node, error) {
	if len(xs) == 0 {
		return nil, fmt.Errorf("fused: a dense layer needs an input")
	}
	batch := xs[0].Shape()[0]
	ins := make([]int, len(xs))
	rows := 0
	for i, x := range xs {
		if s := x.Shape(); len(s) != 2 || s[0] != batch {
			return nil, fmt.Errorf("fused: input part %d has shape %v, want %d rows", i, s, batch)
		}
		ins[i] = x.Shape()[1]
		rows += ins[i]
	}
	ws := w.Shape()
	if len(ws) != 2 || ws[0] != rows {
		return nil, fmt.Errorf("fused: weight shape %v, want %d rows", ws, rows)
	}
	out := ws[1]
	if b != nil && (b.Shape().TotalSize() != out || b.Dims() != 1) {
		return nil, fmt.Errorf("fused: bias shape %v, want a vector of %d", b.Shape(), out)
	}
	if mask != nil && len(mask) != batch*out {
		return nil, fmt.Errorf("fused: mask of %d values, want %d", len(mask), batch*out)
	}
	st := newDenseState(NewID(), batch, ins, out, act, slope, b != nil, mask)
	args := append(append(G.Nodes{}, xs...), w)
	if b != nil {
		args = append(args, b)
	}
	return G.ApplyOp(denseOp{st: st}, args...)
}

// blas returns a as blas32's activation of the element-wise passes.
func (a Activation) blas() blas32.Act {
	switch a {
	case ReLU:
		return blas32.ActReLU
	case LReLU:
		return blas32.ActLeaky
	}
	return blas32.ActIdentity
}

// denseState is the geometry and the buffers of one application of a
// dense layer.
type denseState struct {
	id        int
	batch     int
	ins       []int // widths of the input parts; their sum is W's rows
	out       int
	act       Activation
	bias      bool
	mask      []float32 // nil: no dropout
	slope     float32   // LReLU's
	z         []float32
	dot       []float32 // out == 1: the rows' dot products of one part
	y, dz, dw *tensor.Dense
	db        *tensor.Dense
	dx        []*tensor.Dense
}

type denseMode byte

const (
	denseForward denseMode = iota
	denseGradZ             // dz from dy
	denseGradX             // dx of part `part` from dz and W
	denseGradW             // dW from the input parts and dz
	denseGradB             // db from dz
)

type denseOp struct {
	Plain
	mode denseMode
	part int
	st   *denseState
}

var (
	_ G.Op   = denseOp{}
	_ G.SDOp = denseOp{}
)

func newDenseState(id, batch int, ins []int, out int, act Activation, slope float32, bias bool, m []float32) *denseState {
	s := &denseState{id: id, batch: batch, ins: ins, out: out, act: act, bias: bias, mask: m, slope: slope}
	rows := 0
	for _, n := range ins {
		rows += n
	}
	s.z = make([]float32, batch*out)
	if out == 1 {
		s.dot = make([]float32, batch)
	}
	s.y = tensor.New(tensor.WithShape(batch, out), tensor.Of(tensor.Float32))
	s.dz = tensor.New(tensor.WithShape(batch, out), tensor.Of(tensor.Float32))
	s.dw = tensor.New(tensor.WithShape(rows, out), tensor.Of(tensor.Float32))
	if bias {
		s.db = tensor.New(tensor.WithShape(out), tensor.Of(tensor.Float32))
	}
	for _, n := range ins {
		s.dx = append(s.dx, tensor.New(tensor.WithShape(batch, n), tensor.Of(tensor.Float32)))
	}
	return s
}

func (op denseOp) Arity() int {
	switch op.mode {
	case denseForward:
		n := len(op.st.ins) + 1
		if op.st.bias {
			n++
		}
		return n
	case denseGradX:
		return 2 // dz, W
	case denseGradW:
		return len(op.st.ins) + 1 // parts, dz
	}
	return 1 // dy or dz
}

func (op denseOp) Type() hm.Type {
	ts := make([]hm.Type, 0, op.Arity()+1)
	for range op.Arity() {
		ts = append(ts, MatType)
	}
	if op.mode == denseForward && op.st.bias {
		ts[len(ts)-1] = VecType
	}
	if op.mode == denseGradB {
		return hm.NewFnType(append(ts, VecType)...)
	}
	return hm.NewFnType(append(ts, MatType)...)
}

func (op denseOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return op.out().Shape().Clone(), nil
}

func (op denseOp) out() *tensor.Dense {
	switch op.mode {
	case denseGradZ:
		return op.st.dz
	case denseGradX:
		return op.st.dx[op.part]
	case denseGradW:
		return op.st.dw
	case denseGradB:
		return op.st.db
	}
	return op.st.y
}

// f32 returns the float32 backing of v, or nil.
func f32(v G.Value) []float32 { return F32(v) }

// F32 returns the float32 backing of v, or nil. For a *tensor.Dense it is
// the typed accessor, without Data's reflection (reflect.SliceOf on every
// call: 5% of an ALAD training step of the default networks in js/wasm).
func F32(v G.Value) []float32 {
	if t, ok := v.(*tensor.Dense); ok && t.Dtype() == tensor.Float32 && !t.IsScalar() {
		return t.Float32s()
	}
	s, _ := v.Data().([]float32)
	return s
}

func (op denseOp) Do(inputs ...G.Value) (G.Value, error) {
	var buf [MaxArgs][]float32
	in, err := Args(&buf, op, op.Arity(), inputs)
	if err != nil {
		return nil, err
	}
	s := op.st
	bl := G.WhichBLAS()
	n, out := s.batch, s.out
	switch op.mode {
	case denseForward:
		parts := len(s.ins)
		w := in[parts]
		z := s.z
		beta := float32(0)
		if s.bias {
			b := in[parts+1]
			for r := 0; r < n; r++ {
				copy(z[r*out:(r+1)*out], b)
			}
			beta = 1
		}
		off := 0
		for i, k := range s.ins {
			if out == 1 {
				// A logit unit: each row's dot product with w, in
				// blas32.DotRows' four lanes (a sequential sum per row
				// in the matrix-vector product).
				blas32.DotRows(s.dot, in[i], w[off:off+k], n, k, k)
				for r, v := range s.dot {
					if beta == 0 {
						z[r] = v
					} else {
						z[r] += v
					}
				}
			} else {
				bl.Sgemm(blas.NoTrans, blas.NoTrans, n, out, k, 1, in[i], k, w[off*out:(off+k)*out], out, beta, z, out)
			}
			off += k
			beta = 1
		}
		// One pass for the activation and the mask, four lanes at a time
		// in js/wasm (blas32.Activate).
		blas32.Activate(f32(s.y), z, s.mask, s.act.blas(), s.slope)
		return s.y, nil
	case denseGradZ:
		blas32.ActivateGrad(f32(s.dz), in[0], s.z, s.mask, s.act.blas(), s.slope)
		return s.dz, nil
	case denseGradX:
		off := 0
		for _, k := range s.ins[:op.part] {
			off += k
		}
		k := s.ins[op.part]
		bl.Sgemm(blas.NoTrans, blas.Trans, n, k, out, 1, in[0], out, in[1][off*out:(off+k)*out], out, 0, f32(s.dx[op.part]), k)
		return s.dx[op.part], nil
	case denseGradW:
		dz, dw := in[len(s.ins)], f32(s.dw)
		off := 0
		for i, k := range s.ins {
			bl.Sgemm(blas.Trans, blas.NoTrans, k, out, n, 1, in[i], k, dz, out, 0, dw[off*out:(off+k)*out], out)
			off += k
		}
		return s.dw, nil
	default:
		blas32.ColSums(f32(s.db), in[0], n, out)
		return s.db, nil
	}
}

func (op denseOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op denseOp) Hashcode() uint32      { return Hash(op) }

func (op denseOp) String() string {
	s := op.st
	return fmt.Sprintf("dense%d/%d.%d<b%d,%v->%d,act%d,bias%v,drop%v>", s.id, op.mode, op.part, s.batch, s.ins, s.out, s.act, s.bias, s.mask != nil)
}

func (op denseOp) DiffWRT(int) []bool {
	d := make([]bool, op.Arity())
	if op.mode == denseForward {
		for i := range d {
			d[i] = true
		}
	}
	return d
}

func (op denseOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if op.mode != denseForward {
		return nil, fmt.Errorf("fused: %v is not differentiable", op)
	}
	s := op.st
	parts := len(s.ins)
	dz, err := G.ApplyOp(denseOp{mode: denseGradZ, st: s}, grad)
	if err != nil {
		return nil, err
	}
	res := make(G.Nodes, len(inputs))
	for i := range parts {
		if res[i], err = G.ApplyOp(denseOp{mode: denseGradX, part: i, st: s}, dz, inputs[parts]); err != nil {
			return nil, err
		}
	}
	wIn := append(append(G.Nodes{}, inputs[:parts]...), dz)
	if res[parts], err = G.ApplyOp(denseOp{mode: denseGradW, st: s}, wIn...); err != nil {
		return nil, err
	}
	if s.bias {
		if res[parts+1], err = G.ApplyOp(denseOp{mode: denseGradB, st: s}, dz); err != nil {
			return nil, err
		}
	}
	return res, nil
}
