package cnn

import "halo/core/nn/blas32"

// winoMinIn is the smallest number of input channels for which a stride-1,
// kernel-3 layer is scored with Winograd's F(2,3): with few channels the
// transforms cost more than the saved products.
const winoMinIn = 8

// winogradOn switches Winograd scoring on; benchmarks turn it off to
// measure the direct kernel.
var winogradOn = true

func useWinograd(k, stride, in int) bool {
	return winogradOn && k == 3 && stride == 1 && in >= winoMinIn
}

// winoLayer scores a stride-1, kernel-3 'same' convolution with Winograd's
// minimal filtering F(2,3) (Lavin & Gray 2016, doi:10.1109/CVPR.2016.435):
// two outputs from four inputs d0..d3 and taps g0..g2 with 4 instead of 6
// products per channel pair,
//
//	m0 = (d0 - d2) g0          m1 = (d1 + d2) (g0 + g1 + g2) / 2
//	m2 = (d2 - d1) (g0 - g1 + g2) / 2          m3 = (d1 - d3) g2
//	y0 = m0 + m1 + m2          y1 = m1 - m2 - m3
//
// done as four products of (tiles × in) transformed inputs by (in × out)
// transformed kernels. It saves a third of the layer's multiply-adds.
type winoLayer struct {
	in, out, inL, rows, tiles int
	g                         [4]blas32.PackedB
	u, m                      [4][]float32
	uOff, mOff                []int
}

// newWinoLayer transforms the (3*in)×out kernel w (row (j*in+c), column o).
// rows is the number of padded input rows per pair (at least 2*tiles+2).
func newWinoLayer(w []float32, in, out, inL, rows int) *winoLayer {
	l := &winoLayer{in: in, out: out, inL: inL, rows: rows, tiles: (inL + 1) / 2}
	var gt [4][]float32
	for i := range gt {
		gt[i] = make([]float32, in*out)
	}
	for c := 0; c < in; c++ {
		for o := 0; o < out; o++ {
			g0, g1, g2 := w[c*out+o], w[(in+c)*out+o], w[(2*in+c)*out+o]
			gt[0][c*out+o] = g0
			gt[1][c*out+o] = (g0 + g1 + g2) / 2
			gt[2][c*out+o] = (g0 - g1 + g2) / 2
			gt[3][c*out+o] = g2
		}
	}
	n := scoreBlock * l.tiles
	for i := range gt {
		l.g[i].Pack(in, out, gt[i], out, false)
		l.u[i] = make([]float32, n*in)
		l.m[i] = make([]float32, n*out)
	}
	l.uOff = make([]int, n)
	l.mOff = make([]int, n)
	for r := range l.uOff {
		l.uOff[r] = r * in
		l.mOff[r] = r * out
	}
	return l
}

// run convolves np pairs of the padded input x (l.rows rows per pair, the
// first being the zero padding before position 0) and writes ReLU(y + bias)
// of pair p, position o to dst[cOff[p*inL+o]:].
func (l *winoLayer) run(dst []float32, cOff []int, x, bias []float32, np int) {
	in, out, T := l.in, l.out, l.tiles
	for p := 0; p < np; p++ {
		for t := 0; t < T; t++ {
			r := p*T + t
			base := (p*l.rows + 2*t) * in
			d0 := x[base : base+in]
			d1 := x[base+in : base+2*in]
			d2 := x[base+2*in : base+3*in]
			d3 := x[base+3*in : base+4*in]
			u0 := l.u[0][r*in : (r+1)*in]
			u1 := l.u[1][r*in : (r+1)*in]
			u2 := l.u[2][r*in : (r+1)*in]
			u3 := l.u[3][r*in : (r+1)*in]
			for c := range u0 {
				a, b, e, f := d0[c], d1[c], d2[c], d3[c]
				u0[c] = a - e
				u1[c] = b + e
				u2[c] = e - b
				u3[c] = b - f
			}
		}
	}
	rows := np * T
	for i := range l.g {
		blas32.GemmRows(l.m[i], l.mOff[:rows], l.u[i], l.uOff[:rows], &l.g[i], nil, false)
	}
	bias = bias[:out]
	for p := 0; p < np; p++ {
		for t := 0; t < T; t++ {
			r := p*T + t
			m0 := l.m[0][r*out : (r+1)*out]
			m1 := l.m[1][r*out : (r+1)*out]
			m2 := l.m[2][r*out : (r+1)*out]
			m3 := l.m[3][r*out : (r+1)*out]
			o := 2 * t
			y0 := dst[cOff[p*l.inL+o] : cOff[p*l.inL+o]+out]
			for j, b := range bias {
				y0[j] = max(m0[j]+m1[j]+m2[j]+b, 0)
			}
			if o+1 < l.inL {
				y1 := dst[cOff[p*l.inL+o+1] : cOff[p*l.inL+o+1]+out]
				for j, b := range bias {
					y1[j] = max(m1[j]-m2[j]-m3[j]+b, 0)
				}
			}
		}
	}
}
