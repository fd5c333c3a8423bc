package cnn

import (
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// graphNet is the gorgonia expression graph of a Model for a fixed batch:
// channels-last activations ((batch*L)×C matrices), each convolution (with
// the previous layer's ReLU) one convOp whose kernel's last row is the bias,
// global average pooling folded into the output unit.
type graphNet struct {
	g      *gorgonia.ExprGraph
	x      *gorgonia.Node // (batch*D)×1 pair differences
	y, w   *gorgonia.Node // batch×1 labels and per-row loss weights
	xv     []float32      // backing of x's value
	yv, wv []float32
	params gorgonia.Nodes // conv kernels ((k*in+1)×out), then FC (C×1), FC bias (1×1)
	logits *gorgonia.Node // batch×1
	cost   *gorgonia.Node // scalar: sum of w_i * BCE_i
	grads  gorgonia.Nodes // the gradients of params (with loss)
}

func dense(rows, cols int, v []float32) *tensor.Dense {
	return tensor.New(tensor.WithShape(rows, cols), tensor.WithBacking(v))
}

// fusedHead selects the fused head and loss (headop.go); false builds them
// from gorgonia's own ops (the reference of the tests).
var fusedHead = true

// newGraphNet builds the graph of m for batch pairs with m's weights as
// initial values (copied). With loss set it adds the labels, weights and
// cost nodes.
func newGraphNet(m *Model, batch int, loss bool) (*graphNet, error) {
	arch := m.Arch
	k := arch.kernel()
	ls := arch.Lengths(m.Dim)
	g := gorgonia.NewGraph()
	n := &graphNet{g: g}
	n.xv = make([]float32, batch*m.Dim)
	n.x = gorgonia.NewMatrix(g, tensor.Float32, gorgonia.WithShape(batch*m.Dim, 1), gorgonia.WithName("x"),
		gorgonia.WithValue(dense(batch*m.Dim, 1, n.xv)))
	h := n.x
	in := 1
	for i, c := range arch.Channels {
		wv := make([]float32, (k*in+1)*c)
		copy(wv, m.Conv[i].W)
		copy(wv[k*in*c:], m.Conv[i].B)
		w := gorgonia.NewMatrix(g, tensor.Float32, gorgonia.WithShape(k*in+1, c), gorgonia.WithName(fmt.Sprintf("conv%d", i+1)),
			gorgonia.WithValue(dense(k*in+1, c, wv)))
		n.params = append(n.params, w)
		st := newConvState(batch, ls[i], in, c, k, arch.Strides[i], i > 0, i > 0 && loss)
		var err error
		if h, err = gorgonia.ApplyOp(convOp{mode: convForward, st: st, layer: i + 1}, h, w); err != nil {
			return nil, err
		}
		in = c
	}
	last := ls[len(ls)-1]
	// Global average pooling then the output unit: logit = flat * (P * fc)
	// where flat is batch×(last*C) and P (last*C)×C averages positions.
	pv := make([]float32, last*in*in)
	for o := 0; o < last; o++ {
		for c := 0; c < in; c++ {
			pv[(o*in+c)*in+c] = 1 / float32(last)
		}
	}
	fc := gorgonia.NewMatrix(g, tensor.Float32, gorgonia.WithShape(in, 1), gorgonia.WithName("fc"),
		gorgonia.WithValue(dense(in, 1, append([]float32(nil), m.FC...))))
	fcb := gorgonia.NewMatrix(g, tensor.Float32, gorgonia.WithShape(1, 1), gorgonia.WithName("fcb"),
		gorgonia.WithValue(dense(1, 1, []float32{m.FCBias})))
	n.params = append(n.params, fc, fcb)
	var err error
	if fusedHead {
		if n.logits, err = newHead(h, fc, fcb, pv, batch, last, in); err != nil {
			return nil, err
		}
	} else {
		act, err := gorgonia.Rectify(h)
		if err != nil {
			return nil, err
		}
		flat, err := gorgonia.Reshape(act, tensor.Shape{batch, last * in})
		if err != nil {
			return nil, err
		}
		pool := gorgonia.NewConstant(dense(last*in, in, pv), gorgonia.WithName("pool"))
		pfc, err := gorgonia.Mul(pool, fc)
		if err != nil {
			return nil, err
		}
		lin, err := gorgonia.Mul(flat, pfc)
		if err != nil {
			return nil, err
		}
		if n.logits, err = gorgonia.BroadcastAdd(lin, fcb, nil, []byte{0}); err != nil {
			return nil, err
		}
	}
	if !loss {
		return n, nil
	}
	n.yv = make([]float32, batch)
	n.wv = make([]float32, batch)
	n.y = gorgonia.NewMatrix(g, tensor.Float32, gorgonia.WithShape(batch, 1), gorgonia.WithName("y"),
		gorgonia.WithValue(dense(batch, 1, n.yv)))
	n.w = gorgonia.NewMatrix(g, tensor.Float32, gorgonia.WithShape(batch, 1), gorgonia.WithName("w"),
		gorgonia.WithValue(dense(batch, 1, n.wv)))
	if fusedHead {
		if n.cost, err = newBCE(n.logits, n.y, n.w, batch); err != nil {
			return nil, err
		}
	} else {
		// Binary cross-entropy on logits, stable form:
		//  max(z, 0) - z*y + log(1 + exp(-|z|))
		z := n.logits
		pos := gorgonia.Must(gorgonia.Rectify(z))
		zy := gorgonia.Must(gorgonia.HadamardProd(z, n.y))
		soft := gorgonia.Must(gorgonia.Log1p(gorgonia.Must(gorgonia.Exp(gorgonia.Must(gorgonia.Neg(gorgonia.Must(gorgonia.Abs(z))))))))
		bce := gorgonia.Must(gorgonia.Add(gorgonia.Must(gorgonia.Sub(pos, zy)), soft))
		n.cost = gorgonia.Must(gorgonia.Sum(gorgonia.Must(gorgonia.HadamardProd(bce, n.w))))
	}
	if n.grads, err = gorgonia.Grad(n.cost, n.params...); err != nil {
		return nil, err
	}
	return n, nil
}

// export copies the current parameter values into m.
func (n *graphNet) export(m *Model) {
	for i := range m.Arch.Channels {
		v := n.params[i].Value().Data().([]float32)
		nw := len(m.Conv[i].W)
		copy(m.Conv[i].W, v[:nw])
		copy(m.Conv[i].B, v[nw:])
	}
	nc := len(m.Arch.Channels)
	copy(m.FC, n.params[nc].Value().Data().([]float32))
	m.FCBias = n.params[nc+1].Value().Data().([]float32)[0]
	m.scorer = nil
}
