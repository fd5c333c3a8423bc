package cnn

import (
	"fmt"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// im2colOp is the im2col step of a 1-D 'same' convolution on channels-last
// activations, as a gorgonia op. Its input is the (batch*inL)×c matrix of
// batch sequences of inL positions with c channels; its output is the
// (batch*outL)×(k*c+1) matrix whose row (n, o) holds the k input rows
// around position o*stride (zero outside the sequence) followed by a 1, so
// that one matrix product with a (k*c+1)×out kernel (bias in the last row)
// is the whole convolution. With back set it is the adjoint (col2im): it
// scatters a (batch*outL)×(k*c+1) gradient back to (batch*inL)×c, dropping
// the bias column.
type im2colOp struct {
	batch, inL, c, k, stride int
	back                     bool
}

var (
	_ gorgonia.Op               = im2colOp{}
	_ gorgonia.SDOp             = im2colOp{}
	_ gorgonia.UsePreallocDoer = im2colOp{}
)

func (op im2colOp) outL() int { return (op.inL-1)/op.stride + 1 }
func (op im2colOp) pad() int  { return (op.k - 1) / 2 }

func (op im2colOp) inShape() tensor.Shape  { return tensor.Shape{op.batch * op.inL, op.c} }
func (op im2colOp) outShape() tensor.Shape { return tensor.Shape{op.batch * op.outL(), op.k*op.c + 1} }

func (op im2colOp) Arity() int { return 1 }

func (op im2colOp) Type() hm.Type {
	t := gorgonia.TensorType{Dims: 2, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t)
}

func (op im2colOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	if op.back {
		return op.inShape(), nil
	}
	return op.outShape(), nil
}

func (op im2colOp) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	s := op.outShape()
	if op.back {
		s = op.inShape()
	}
	return op.UsePreallocDo(tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(s...)), inputs...)
}

func (op im2colOp) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(inputs) != 1 {
		return nil, fmt.Errorf("cnn: %v takes 1 input, got %d", op, len(inputs))
	}
	src, ok1 := inputs[0].Data().([]float32)
	dst, ok2 := prealloc.Data().([]float32)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("cnn: %v needs float32 values", op)
	}
	in, out := op.inShape(), op.outShape()
	if op.back {
		in, out = out, in
	}
	if len(src) != in.TotalSize() || len(dst) != out.TotalSize() {
		return nil, fmt.Errorf("cnn: %v: sizes %d, %d, want %v, %v", op, len(src), len(dst), in, out)
	}
	if op.back {
		op.col2im(dst, src)
	} else {
		op.im2col(dst, src)
	}
	return prealloc, nil
}

func (op im2colOp) im2col(cols, x []float32) {
	c, k, pad, outL := op.c, op.k, op.pad(), op.outL()
	w := k*c + 1
	for n := 0; n < op.batch; n++ {
		seq := x[n*op.inL*c : (n+1)*op.inL*c]
		for o := 0; o < outL; o++ {
			row := cols[(n*outL+o)*w : (n*outL+o+1)*w]
			for j := 0; j < k; j++ {
				pos := o*op.stride + j - pad
				seg := row[j*c : (j+1)*c]
				if pos < 0 || pos >= op.inL {
					clear(seg)
					continue
				}
				copy(seg, seq[pos*c:(pos+1)*c])
			}
			row[w-1] = 1
		}
	}
}

func (op im2colOp) col2im(dx, cols []float32) {
	c, k, pad, outL := op.c, op.k, op.pad(), op.outL()
	w := k*c + 1
	clear(dx)
	for n := 0; n < op.batch; n++ {
		seq := dx[n*op.inL*c : (n+1)*op.inL*c]
		for o := 0; o < outL; o++ {
			row := cols[(n*outL+o)*w : (n*outL+o+1)*w]
			for j := 0; j < k; j++ {
				pos := o*op.stride + j - pad
				if pos < 0 || pos >= op.inL {
					continue
				}
				dst := seq[pos*c : (pos+1)*c]
				for i, v := range row[j*c : (j+1)*c] {
					dst[i] += v
				}
			}
		}
	}
}

func (op im2colOp) ReturnsPtr() bool     { return false }
func (op im2colOp) CallsExtern() bool    { return false }
func (op im2colOp) OverwritesInput() int { return -1 }

func (op im2colOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }

func (op im2colOp) Hashcode() uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

func (op im2colOp) String() string {
	name := "im2col1d"
	if op.back {
		name = "col2im1d"
	}
	return fmt.Sprintf("%s<b%d,l%d,c%d,k%d,s%d>", name, op.batch, op.inL, op.c, op.k, op.stride)
}

func (op im2colOp) DiffWRT(int) []bool { return []bool{!op.back} }

func (op im2colOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if op.back {
		return nil, fmt.Errorf("cnn: %v is not differentiable", op)
	}
	back := op
	back.back = true
	dx, err := gorgonia.ApplyOp(back, grad)
	if err != nil {
		return nil, err
	}
	return gorgonia.Nodes{dx}, nil
}
