package cnn

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gonum.org/v1/gonum/blas"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
	"halo/core/nn/blas32"
	"halo/core/nn/internal/fused"
)

// convOp is one 1-D 'same' convolution layer as gorgonia ops over
// channels-last activations. Its forward mode maps the (batch*inL)×c input
// x and the (k*c+1)×out kernel w (bias in the last row) to the
// (batch*outL)×out pre-activation
//
//	z = im2col(f(x)) * w
//
// where f is ReLU when relu is set (the previous layer's activation, fused
// here) and the identity otherwise, and row (n, o) of im2col holds the k
// input rows around position o*stride (zero outside the sequence) followed
// by a 1. The two backward modes give dx = col2im(dz * wᵀ) ⊙ f'(x) (for
// stride 1 computed as a convolution of dz with the flipped kernel,
// gradXConv) and dw = im2col(f(x))ᵀ * dz.
//
// For stride 1 no im2col matrix is built: row o of it is a window of k*c
// values of the zero-padded f(x), read in place (blas32.GemmRows), and dw
// is k products of shifted views of the padded f(x) and the padded dz
// (gradWConv). Stride 2 layers build im2col.
//
// All three modes write into buffers owned by the layer (state), so the
// tape machine allocates nothing for them; the backward modes reuse the
// padded input or the im2col matrix of the forward pass of the same run
// (they depend on dz, so the tape machine always runs them after it). The
// products go through gorgonia.WhichBLAS, so gorgonia.Use applies, except
// those of GemmRows.
type convOp struct {
	fused.Plain
	mode  convMode
	st    *convState
	layer int
}

type convMode byte

const (
	convForward convMode = iota
	convGradX
	convGradW
)

// convState is the geometry and the buffers of one layer.
type convState struct {
	batch, inL, outL, c, out, k, stride int
	relu, gradX                         bool

	// Stride > 1: the im2col matrix and its gradient.
	cols, dcols []float32 // (batch*outL)×(k*c+1)
	xr          []float32 // ReLU of the input (when relu), batch*inL*c
	z, dx, dw   *tensor.Dense

	// Stride 1: the padded f(x) read in place by the forward product
	// (windows at xpOff, one per output row zO), the packed kernel without
	// its bias row, and dz padded the same way for dx as a convolution
	// of dz with the flipped kernel (gradXConv) and for dw (gradWConv).
	xp         []float32 // batch × (inL+2*pad) × c
	xpOff, zO  []int
	wp         blas32.PackedB
	dzp        []float32 // batch × (inL+2*pad) × out
	wflip      []float32 // (k*out) × c
	wfp        blas32.PackedB
	dzOff, dxO []int
}

// im2colAll makes stride-1 layers build im2col too: the reference the
// tests hold the in-place stride-1 products to.
var im2colAll = false

func newConvState(batch, inL, c, out, k, stride int, relu, gradX bool) *convState {
	s := &convState{batch: batch, inL: inL, outL: (inL-1)/stride + 1, c: c, out: out, k: k, stride: stride, relu: relu, gradX: gradX}
	kc := k*c + 1
	s.z = tensor.New(tensor.WithShape(batch*s.outL, out), tensor.Of(tensor.Float32))
	s.dw = tensor.New(tensor.WithShape(kc, out), tensor.Of(tensor.Float32))
	if gradX {
		s.dx = tensor.New(tensor.WithShape(batch*inL, c), tensor.Of(tensor.Float32))
	}
	if stride > 1 || im2colAll {
		s.cols = make([]float32, batch*s.outL*kc)
		if relu {
			s.xr = make([]float32, batch*inL*c)
		}
		if gradX {
			s.dcols = make([]float32, batch*s.outL*kc)
		}
		return s
	}
	pad := (k - 1) / 2
	rows := inL + 2*pad
	s.xp = make([]float32, batch*rows*c) // the padding rows stay zero
	s.dzp = make([]float32, batch*rows*out)
	s.xpOff = make([]int, batch*inL)
	s.zO = make([]int, batch*inL)
	s.dzOff = make([]int, batch*inL)
	s.dxO = make([]int, batch*inL)
	for n := 0; n < batch; n++ {
		for p := 0; p < inL; p++ {
			i := n*inL + p
			s.xpOff[i] = (n*rows + p) * c
			s.zO[i] = i * out
			s.dzOff[i] = (n*rows + p) * out
			s.dxO[i] = i * c
		}
	}
	if gradX {
		s.wflip = make([]float32, k*out*c)
	}
	return s
}

// padInput writes f(x) into the non-padding rows of s.xp.
func (s *convState) padInput(x []float32) {
	c, pad := s.c, (s.k-1)/2
	rows := s.inL + 2*pad
	for n := 0; n < s.batch; n++ {
		dst := s.xp[(n*rows+pad)*c : (n*rows+pad+s.inL)*c]
		src := x[n*s.inL*c : (n+1)*s.inL*c]
		if !s.relu {
			copy(dst, src)
			continue
		}
		// Not max(v, 0): Go's float max (NaN and signed-zero rules) is slow
		// in js/wasm; blas32.Activate has no branch and runs on SIMD there.
		blas32.Activate(dst, src, nil, blas32.ActReLU, 0)
	}
}

// padGrad writes dz into the non-padding rows of s.dzp.
func (s *convState) padGrad(dz []float32) {
	out, pad := s.out, (s.k-1)/2
	rows := s.inL + 2*pad
	for n := 0; n < s.batch; n++ {
		copy(s.dzp[(n*rows+pad)*out:(n*rows+pad+s.inL)*out], dz[n*s.inL*out:(n+1)*s.inL*out])
	}
}

// gradWConv computes dw for a stride-1 layer without building im2col:
//
//	dw[:k*c] = colsᵀ dz,  row r of cols = f(x)p[r : r+k] (k*c values)
//
// with cols read in place as overlapping rows of the padded f(x)
// (blas32.GemmWindowsT) over all sequences at once, against the padded dz
// from row pad on: the windows that straddle two sequences meet dz's zero
// padding. The bias row is the column sums of dz.
func (s *convState) gradWConv(dw, dz []float32) {
	c, out, k, pad := s.c, s.out, s.k, (s.k-1)/2
	m := s.batch*(s.inL+2*pad) - 2*pad
	blas32.GemmWindowsT(k*c, out, m, s.xp, c, s.dzp[pad*out:], out, dw, out)
	blas32.ColSums(dw[k*c*out:(k*c+1)*out], dz, s.batch*s.inL, out)
}

// gradXConv computes dx for a stride-1 layer without im2col's scatter:
//
//	dx[n, p] = sum_t dzp[n, p+t] * W_{k-1-t}ᵀ,  t < k
//
// where dzp is dz with pad zero rows on each side and W_j the c×out block
// of kernel tap j: one product of the padded dz, read in place as
// overlapping rows of k*out values (blas32.GemmRows), by the flipped,
// transposed kernel; then the ReLU mask of x.
func (s *convState) gradXConv(dx, x, w, dz []float32) {
	c, out, k := s.c, s.out, s.k
	for t := 0; t < k; t++ {
		wj := w[(k-1-t)*c*out : (k-t)*c*out] // c×out
		blk := s.wflip[t*out*c : (t+1)*out*c]
		for ci := 0; ci < c; ci++ {
			row := wj[ci*out : (ci+1)*out]
			for u, v := range row {
				blk[u*c+ci] = v
			}
		}
	}
	s.wfp.Pack(k*out, c, s.wflip, c, false)
	s.padGrad(dz)
	blas32.GemmRows(dx, s.dxO, s.dzp, s.dzOff, &s.wfp, nil, false)
	if s.relu {
		blas32.KeepPositive(dx, x) // the gradient through the ReLU applied to x
	}
}

var (
	_ gorgonia.Op   = convOp{}
	_ gorgonia.SDOp = convOp{}
)

func (op convOp) Arity() int {
	if op.mode == convGradX {
		return 3
	}
	return 2
}

func (op convOp) Type() hm.Type {
	t := gorgonia.TensorType{Dims: 2, Of: hm.TypeVariable('a')}
	if op.mode == convGradX {
		return hm.NewFnType(t, t, t, t)
	}
	return hm.NewFnType(t, t, t)
}

func (op convOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	switch op.mode {
	case convGradX:
		return op.st.dx.Shape().Clone(), nil
	case convGradW:
		return op.st.dw.Shape().Clone(), nil
	}
	return op.st.z.Shape().Clone(), nil
}

func f32(v gorgonia.Value) []float32 { return fused.F32(v) }

func (op convOp) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	var buf [fused.MaxArgs][]float32
	in, err := fused.Args(&buf, op, op.Arity(), inputs)
	if err != nil {
		return nil, err
	}
	s := op.st
	kc := s.k*s.c + 1
	m := s.batch * s.outL
	bl := gorgonia.WhichBLAS()
	switch op.mode {
	case convForward:
		if s.xp != nil {
			w := in[1]
			s.padInput(in[0])
			s.wp.Pack(kc-1, s.out, w, s.out, false)
			blas32.GemmRows(f32(s.z), s.zO, s.xp, s.xpOff, &s.wp, w[(kc-1)*s.out:kc*s.out], false)
			return s.z, nil
		}
		s.im2col(in[0])
		bl.Sgemm(blas.NoTrans, blas.NoTrans, m, s.out, kc, 1, s.cols, kc, in[1], s.out, 0, f32(s.z), s.out)
		return s.z, nil
	case convGradX:
		if s.xp != nil {
			s.gradXConv(f32(s.dx), in[0], in[1], in[2])
			return s.dx, nil
		}
		bl.Sgemm(blas.NoTrans, blas.Trans, m, kc, s.out, 1, in[2], s.out, in[1], s.out, 0, s.dcols, kc)
		s.col2im(f32(s.dx), in[0])
		return s.dx, nil
	default:
		if s.xp != nil {
			// dzp is written again if gradX ran first: a copy, cheap
			// next to the products.
			s.padGrad(in[1])
			s.gradWConv(f32(s.dw), in[1])
			return s.dw, nil
		}
		bl.Sgemm(blas.Trans, blas.NoTrans, kc, s.out, m, 1, s.cols, kc, in[1], s.out, 0, f32(s.dw), s.out)
		return s.dw, nil
	}
}

// im2col fills s.cols from x (applying ReLU if s.relu).
func (s *convState) im2col(x []float32) {
	if s.relu {
		// Once per element, then plain copies (each input row is read k
		// times). Not max(v, 0): Go's float max (NaN and signed-zero
		// rules) is slow in js/wasm, where im2col with it took 3.5x as
		// long (2.1 s against 0.6 s over 20 steps of the default network).
		// A -0 kept here adds as +0 in the products, which start from +0.
		xr := s.xr[:len(x)]
		blas32.Activate(xr, x, nil, blas32.ActReLU, 0)
		x = xr
	}
	c, k, pad := s.c, s.k, (s.k-1)/2
	w := k*c + 1
	for n := 0; n < s.batch; n++ {
		seq := x[n*s.inL*c : (n+1)*s.inL*c]
		for o := 0; o < s.outL; o++ {
			row := s.cols[(n*s.outL+o)*w : (n*s.outL+o+1)*w]
			for j := 0; j < k; j++ {
				pos := o*s.stride + j - pad
				seg := row[j*c : (j+1)*c]
				if pos < 0 || pos >= s.inL {
					clear(seg)
					continue
				}
				copy(seg, seq[pos*c:(pos+1)*c])
			}
			row[w-1] = 1
		}
	}
}

// col2im scatters s.dcols into dx (dropping the bias column) and applies
// the ReLU mask of x if s.relu.
func (s *convState) col2im(dx, x []float32) {
	clear(dx)
	blas32.Col2imAdd(dx, s.dcols, s.batch, s.inL, s.outL, s.c, s.k, s.stride, (s.k-1)/2, s.k*s.c+1)
	if s.relu {
		blas32.KeepPositive(dx, x) // the gradient through the ReLU applied to x
	}
}

func (op convOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }

func (op convOp) Hashcode() uint32 { return fused.Hash(op) }

func (op convOp) String() string {
	s := op.st
	return fmt.Sprintf("conv1d%d/%d<b%d,l%d,c%d->%d,k%d,s%d,relu%v>", op.layer, op.mode, s.batch, s.inL, s.c, s.out, s.k, s.stride, s.relu)
}

func (op convOp) DiffWRT(int) []bool {
	if op.mode != convForward {
		return []bool{false, false, false}[:op.Arity()]
	}
	return []bool{op.st.gradX, true}
}

func (op convOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if op.mode != convForward {
		return nil, fmt.Errorf("cnn: %v is not differentiable", op)
	}
	x := inputs[0]
	var dx *gorgonia.Node
	if op.st.gradX {
		var err error
		if dx, err = gorgonia.ApplyOp(convOp{mode: convGradX, st: op.st, layer: op.layer}, x, inputs[1], grad); err != nil {
			return nil, err
		}
	}
	dw, err := gorgonia.ApplyOp(convOp{mode: convGradW, st: op.st, layer: op.layer}, x, grad)
	if err != nil {
		return nil, err
	}
	return gorgonia.Nodes{dx, dw}, nil
}
