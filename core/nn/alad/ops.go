package alad

import (
	"fmt"
	"hash"
	"hash/fnv"
	"math"

	"github.com/chewxy/hm"
	"gonum.org/v1/gonum/blas"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"halo/core/nn/blas32"
)

// The fused ops of the training graph. With gorgonia's own ops a dense
// layer is a chain of a concat, a product, a bias broadcast, four or six
// element-wise ops for LReLU and a dropout product, each allocating its
// output and each running a scalar iterator loop; in js/wasm these took
// about 80% of a training step at the default widths while the products
// took 10% (node --cpu-prof of BenchmarkTrain/default/D=39). Here one op
// does a whole layer forward,
//
//	y = mask ⊙ act(x₁ W₁ + x₂ W₂ + b)
//
// (the two parts of W stand in for the concatenation [x₁ x₂] W of the
// discriminators), and four ops the backward pass: dz = dy ⊙ mask ⊙
// act'(z), then dxᵢ = dz Wᵢᵀ, dW = [x₁ x₂]ᵀ dz and db = 1ᵀ dz. Spectral
// normalisation (W/σ with its gradient through σ) and batch norm followed
// by LReLU are fused the same way. Every op writes into buffers of its own
// state, so the tape machine allocates nothing for them; the backward ops
// read the forward op's buffers of the same run (they depend on its
// output's gradient, so the tape machine runs them after it). The products
// go through gorgonia.WhichBLAS, so gorgonia.Use applies. The reference
// formulation with gorgonia's ops stays (fusedOps = false); the tests hold
// the two to the same gradients.

type activation byte

// lreluFactor is LReLU's slope by the sign bit of its input.
var lreluFactor = [2]float32{1, lreluSlope}

// keepIfNonNegative is g where z's sign bit is clear and +0 where it is
// set: the gradient g through ReLU at z.
func keepIfNonNegative(g, z float32) float32 {
	return math.Float32frombits(math.Float32bits(g) &^ uint32(int32(math.Float32bits(z))>>31))
}

const (
	actNone activation = iota
	actReLU
	actLReLU
)

// denseState is the geometry and the buffers of one application of a
// dense layer.
type denseState struct {
	id        int
	batch     int
	ins       []int // widths of the input parts; their sum is W's rows
	out       int
	act       activation
	bias      bool
	mask      *mask // nil: no dropout
	z         []float32
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
	mode denseMode
	part int
	st   *denseState
}

var (
	_ G.Op   = denseOp{}
	_ G.SDOp = denseOp{}
)

func newDenseState(id, batch int, ins []int, out int, act activation, bias bool, m *mask) *denseState {
	s := &denseState{id: id, batch: batch, ins: ins, out: out, act: act, bias: bias, mask: m}
	rows := 0
	for _, n := range ins {
		rows += n
	}
	s.z = make([]float32, batch*out)
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

var (
	matType = G.TensorType{Dims: 2, Of: hm.TypeVariable('a')}
	vecType = G.TensorType{Dims: 1, Of: hm.TypeVariable('a')}
)

func (op denseOp) Type() hm.Type {
	ts := make([]hm.Type, 0, op.Arity()+1)
	for range op.Arity() {
		ts = append(ts, matType)
	}
	if op.mode == denseForward && op.st.bias {
		ts[len(ts)-1] = vecType
	}
	if op.mode == denseGradB {
		return hm.NewFnType(append(ts, vecType)...)
	}
	return hm.NewFnType(append(ts, matType)...)
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
func f32(v G.Value) []float32 {
	s, _ := v.Data().([]float32)
	return s
}

func (op denseOp) Do(inputs ...G.Value) (G.Value, error) {
	if len(inputs) != op.Arity() {
		return nil, fmt.Errorf("alad: %v takes %d inputs, got %d", op, op.Arity(), len(inputs))
	}
	in := make([][]float32, len(inputs))
	for i, v := range inputs {
		if in[i] = f32(v); in[i] == nil {
			return nil, fmt.Errorf("alad: %v needs float32 values", op)
		}
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
			bl.Sgemm(blas.NoTrans, blas.NoTrans, n, out, k, 1, in[i], k, w[off*out:(off+k)*out], out, beta, z, out)
			off += k
			beta = 1
		}
		y := f32(s.y)[:len(z)]
		var m []float32
		if s.mask != nil {
			m = s.mask.data[:len(z)]
		}
		// One branch-free pass for the activation and the mask: the signs
		// of z are random, so a branch on them mispredicts half the time
		// (natively; Go turns no float branch into a select). The sign bit
		// picks the LReLU slope; ReLU clears negative values' bits.
		switch s.act {
		case actReLU:
			if m == nil {
				for i, v := range z {
					y[i] = blas32.ReLU(v)
				}
			} else {
				for i, v := range z {
					y[i] = blas32.ReLU(v) * m[i]
				}
			}
		case actLReLU:
			if m == nil {
				for i, v := range z {
					y[i] = v * lreluFactor[math.Float32bits(v)>>31]
				}
			} else {
				for i, v := range z {
					y[i] = v * lreluFactor[math.Float32bits(v)>>31] * m[i]
				}
			}
		default:
			if m == nil {
				copy(y, z)
			} else {
				for i, v := range z {
					y[i] = v * m[i]
				}
			}
		}
		return s.y, nil
	case denseGradZ:
		z := s.z
		dy, dz := in[0][:len(z)], f32(s.dz)[:len(z)]
		var m []float32
		if s.mask != nil {
			m = s.mask.data[:len(z)]
		}
		switch {
		case s.act == actNone && m == nil:
			copy(dz, dy)
		case s.act == actNone:
			for i, g := range dy {
				dz[i] = g * m[i]
			}
		case s.act == actReLU && m == nil:
			for i, v := range z {
				dz[i] = keepIfNonNegative(dy[i], v)
			}
		case s.act == actReLU:
			for i, v := range z {
				dz[i] = keepIfNonNegative(dy[i], v) * m[i]
			}
		case m == nil:
			for i, v := range z {
				dz[i] = dy[i] * lreluFactor[math.Float32bits(v)>>31]
			}
		default:
			for i, v := range z {
				dz[i] = dy[i] * lreluFactor[math.Float32bits(v)>>31] * m[i]
			}
		}
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
		dz, db := in[0], f32(s.db)
		clear(db)
		for r := 0; r < n; r++ {
			for j, v := range dz[r*out : (r+1)*out] {
				db[j] += v
			}
		}
		return s.db, nil
	}
}

func (op denseOp) ReturnsPtr() bool      { return false }
func (op denseOp) CallsExtern() bool     { return false }
func (op denseOp) OverwritesInput() int  { return -1 }
func (op denseOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op denseOp) Hashcode() uint32      { return hashOf(op) }

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
		return nil, fmt.Errorf("alad: %v is not differentiable", op)
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

func hashOf(op fmt.Stringer) uint32 {
	h := fnv.New32a()
	fmt.Fprint(h, op.String())
	return h.Sum32()
}

// snState holds W/σ of one spectrally normalised weight, with σ = vᵀ W u
// from the power iteration run before the step (u and v are constants of
// the step), and its gradient dW = dW'/σ - (Σ dW' ⊙ W)/σ² · v uᵀ for the
// gradient dW' of W/σ (Miyato et al. 2018, eq. 12).
type snState struct {
	name string
	sn   *specNorm
	eff  *tensor.Dense
	dw   *tensor.Dense
}

type snOp struct {
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
		dw:  tensor.New(tensor.WithShape(rows, cols), tensor.Of(tensor.Float32))}
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
		return hm.NewFnType(matType, matType, matType)
	}
	return hm.NewFnType(matType, matType)
}

func (op snOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return op.st.eff.Shape().Clone(), nil
}

func (op snOp) Do(inputs ...G.Value) (G.Value, error) {
	if len(inputs) != op.Arity() {
		return nil, fmt.Errorf("alad: %v takes %d inputs, got %d", op, op.Arity(), len(inputs))
	}
	in := make([][]float32, len(inputs))
	for i, v := range inputs {
		if in[i] = f32(v); in[i] == nil {
			return nil, fmt.Errorf("alad: %v needs float32 values", op)
		}
	}
	s, sn := op.st, op.st.sn
	inv := 1 / sn.sigma
	cols := len(sn.u)
	if !op.grad {
		eff := f32(s.eff)
		for i, v := range in[0] {
			eff[i] = v * inv
		}
		return s.eff, nil
	}
	g, w := in[0], in[1]
	var gw float32
	for i, v := range g {
		gw += v * w[i]
	}
	c := gw * inv * inv
	dw := f32(s.dw)
	for i, vi := range sn.v {
		cv := c * vi
		row, gr := dw[i*cols:(i+1)*cols], g[i*cols:(i+1)*cols]
		for j, uj := range sn.u {
			row[j] = gr[j]*inv - cv*uj
		}
	}
	return s.dw, nil
}

func (op snOp) ReturnsPtr() bool      { return false }
func (op snOp) CallsExtern() bool     { return false }
func (op snOp) OverwritesInput() int  { return -1 }
func (op snOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op snOp) Hashcode() uint32      { return hashOf(op) }
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
		return hm.NewFnType(matType, vecType, vecType, matType)
	case bnGradH:
		return hm.NewFnType(matType, vecType, matType)
	case bnGradGamma, bnGradBeta:
		return hm.NewFnType(matType, vecType)
	}
	return hm.NewFnType(matType, matType)
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
	if len(inputs) != op.Arity() {
		return nil, fmt.Errorf("alad: %v takes %d inputs, got %d", op, op.Arity(), len(inputs))
	}
	in := make([][]float32, len(inputs))
	for i, v := range inputs {
		if in[i] = f32(v); in[i] == nil {
			return nil, fmt.Errorf("alad: %v needs float32 values", op)
		}
	}
	s := op.st
	nb, n := s.batch, s.n
	switch op.mode {
	case bnForward:
		h, gamma, beta := in[0], in[1], in[2]
		mean := s.sumDu // scratch until the backward pass
		clear(mean)
		for r := 0; r < nb; r++ {
			for j, v := range h[r*n : (r+1)*n] {
				mean[j] += v
			}
		}
		fb := float32(nb)
		for j := range mean {
			mean[j] /= fb
		}
		vr := s.inv
		clear(vr)
		for r := 0; r < nb; r++ {
			xh := s.xhat[r*n : (r+1)*n]
			for j, v := range h[r*n : (r+1)*n] {
				c := v - mean[j]
				xh[j] = c
				vr[j] += c * c
			}
		}
		for j, v := range vr {
			vr[j] = 1 / sqrt32(v/fb+bnEps)
		}
		y := f32(s.y)
		for r := 0; r < nb; r++ {
			xh := s.xhat[r*n : (r+1)*n]
			yr := y[r*n : (r+1)*n]
			for j := range xh {
				x := xh[j] * vr[j]
				xh[j] = x
				u := x*gamma[j] + beta[j]
				if u < 0 {
					u *= lreluSlope
				}
				yr[j] = u
			}
		}
		return s.y, nil
	case bnGradU:
		dy, du, y := in[0], f32(s.du), f32(s.y)
		clear(s.sumDu)
		clear(s.sumDuXhat)
		for r := 0; r < nb; r++ {
			for j := 0; j < n; j++ {
				i := r*n + j
				g := dy[i]
				if y[i] < 0 { // y < 0 exactly when u < 0
					g *= lreluSlope
				}
				du[i] = g
				s.sumDu[j] += g
				s.sumDuXhat[j] += g * s.xhat[i]
			}
		}
		return s.du, nil
	case bnGradH:
		// dh = inv/N (N dx̂ - Σ dx̂ - x̂ Σ dx̂ x̂) with dx̂ = du γ.
		du, gamma, dh := in[0], in[1], f32(s.dh)
		fb := float32(nb)
		for r := 0; r < nb; r++ {
			for j := 0; j < n; j++ {
				i := r*n + j
				g := gamma[j]
				dh[i] = s.inv[j] / fb * (fb*du[i]*g - g*s.sumDu[j] - s.xhat[i]*g*s.sumDuXhat[j])
			}
		}
		return s.dh, nil
	case bnGradGamma:
		copy(f32(s.dgamma), s.sumDuXhat)
		return s.dgamma, nil
	default:
		copy(f32(s.dbeta), s.sumDu)
		return s.dbeta, nil
	}
}

func (op bnOp) ReturnsPtr() bool      { return false }
func (op bnOp) CallsExtern() bool     { return false }
func (op bnOp) OverwritesInput() int  { return -1 }
func (op bnOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op bnOp) Hashcode() uint32      { return hashOf(op) }
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
