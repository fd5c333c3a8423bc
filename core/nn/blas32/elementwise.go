package blas32

import (
	"fmt"
	"math"
)

// Element-wise passes of the training graphs' layers (core/nn/internal/fused,
// the CNN's conv op): activations with their dropout masks, the gradients
// through them, and column sums for the bias gradients. In js/wasm they run
// four lanes at a time on the SIMD module (simd_module.go, function ew) when
// the slices are long enough to pay for the call; everywhere else, and for
// the last len%4 elements, on the scalar loops below. Both compute the same
// rounded operations in the same order, so the results are equal bit for
// bit (up to NaN payloads, which WebAssembly leaves open).

// Act is an activation of the element-wise passes.
type Act byte

const (
	ActIdentity Act = iota
	ActReLU         // Go's `if v < 0 { v = 0 }` (-0 and NaN pass), as ReLU
	ActLeaky        // v * slope where v's sign bit is set, v * 1 elsewhere
)

// ewMin is the least number of elements for which the SIMD module is
// called: below it the call costs more than the scalar loop.
const ewMin = 64

// Activate sets dst[i] = act(z[i]), times mask[i] when mask is not nil.
// dst and z have the same length; mask has at least as many values.
func Activate(dst, z, mask []float32, act Act, slope float32) {
	dst = dst[:len(z)]
	if mask != nil {
		mask = mask[:len(z)]
	}
	i := activateSIMD(dst, z, mask, act, slope)
	dst, z = dst[i:], z[i:]
	if mask != nil {
		mask = mask[i:]
	}
	activateGo(dst, z, mask, act, slope)
}

func activateGo(dst, z, mask []float32, act Act, slope float32) {
	factor := [2]float32{1, slope}
	switch act {
	case ActReLU:
		if mask == nil {
			for i, v := range z {
				dst[i] = ReLU(v)
			}
		} else {
			for i, v := range z {
				dst[i] = ReLU(v) * mask[i]
			}
		}
	case ActLeaky:
		// The sign bit picks the factor: no branch on the signs, which are
		// random (a branch mispredicts half the time natively).
		if mask == nil {
			for i, v := range z {
				dst[i] = v * factor[math.Float32bits(v)>>31]
			}
		} else {
			for i, v := range z {
				dst[i] = v * factor[math.Float32bits(v)>>31] * mask[i]
			}
		}
	default:
		if mask == nil {
			copy(dst, z)
		} else {
			for i, v := range z {
				dst[i] = v * mask[i]
			}
		}
	}
}

// ActivateGrad sets dz[i] = dy[i] * act'(z[i]), times mask[i] when mask is
// not nil: the gradient through Activate. ReLU's gradient keeps dy where
// z's sign bit is clear (+0 included) and is +0 elsewhere; Leaky's is
// dy * slope where z's sign bit is set and dy * 1 elsewhere.
func ActivateGrad(dz, dy, z, mask []float32, act Act, slope float32) {
	dz, dy = dz[:len(z)], dy[:len(z)]
	if mask != nil {
		mask = mask[:len(z)]
	}
	i := activateGradSIMD(dz, dy, z, mask, act, slope)
	dz, dy, z = dz[i:], dy[i:], z[i:]
	if mask != nil {
		mask = mask[i:]
	}
	activateGradGo(dz, dy, z, mask, act, slope)
}

// keepIfNonNegative is g where z's sign bit is clear and +0 where it is
// set: the gradient g through ReLU at z.
func keepIfNonNegative(g, z float32) float32 {
	return math.Float32frombits(math.Float32bits(g) &^ uint32(int32(math.Float32bits(z))>>31))
}

func activateGradGo(dz, dy, z, mask []float32, act Act, slope float32) {
	factor := [2]float32{1, slope}
	switch {
	case act == ActReLU && mask == nil:
		for i, v := range z {
			dz[i] = keepIfNonNegative(dy[i], v)
		}
	case act == ActReLU:
		for i, v := range z {
			dz[i] = keepIfNonNegative(dy[i], v) * mask[i]
		}
	case act == ActLeaky && mask == nil:
		for i, v := range z {
			dz[i] = dy[i] * factor[math.Float32bits(v)>>31]
		}
	case act == ActLeaky:
		for i, v := range z {
			dz[i] = dy[i] * factor[math.Float32bits(v)>>31] * mask[i]
		}
	case mask == nil:
		copy(dz, dy)
	default:
		for i, g := range dy {
			dz[i] = g * mask[i]
		}
	}
}

// KeepPositive zeroes dx[i] where x[i] is not positive (x <= 0, -0 and
// negative NaNs included): the gradient through a ReLU whose derivative at
// 0 is 0. dx has at least len(x) values.
func KeepPositive(dx, x []float32) {
	dx = dx[:len(x)]
	i := keepPositiveSIMD(dx, x)
	keepPositiveGo(dx[i:], x[i:])
}

func keepPositiveGo(dx, x []float32) {
	for i, v := range x {
		// Keep where x's bits, as an int32, are positive; no branch.
		keep := uint32(-int64(int32(math.Float32bits(v))) >> 63)
		dx[i] = math.Float32frombits(math.Float32bits(dx[i]) & keep)
	}
}

// ColSums sets dst[j] to the sum of a[r*cols+j] over r < rows, added in
// the order r = 0, 1, ... from +0 (the bias gradient of a layer whose
// output gradient is the rows×cols matrix a).
func ColSums(dst, a []float32, rows, cols int) {
	dst = dst[:cols]
	if rows*cols > len(a) {
		panic("blas32: ColSums: a is shorter than rows*cols")
	}
	j := colSumsWSIMD(ewColSums, dst, a, nil, rows, cols, cols)
	// Row by row (contiguous reads), each column's sum in the order of r.
	tail := dst[j:]
	clear(tail)
	for r := 0; r < rows; r++ {
		for c, v := range a[r*cols+j : (r+1)*cols] {
			tail[c] += v
		}
	}
}

// Scale sets dst[i] = a[i] * s.
func Scale(dst, a []float32, s float32) {
	dst = dst[:len(a)]
	i := ewSIMD(ewScale, len(a), dst, a, nil, nil, s)
	for j, v := range a[i:] {
		dst[i+j] = v * s
	}
}

// Add sets dst[i] = a[i] + b[i] (len(a) values).
func Add(dst, a, b []float32) {
	dst, b = dst[:len(a)], b[:len(a)]
	i := ewSIMD(ewAdd, len(a), dst, a, b, nil)
	for j, v := range a[i:] {
		dst[i+j] = v + b[i+j]
	}
}

// EMA folds w into the moving average e: e[i] = decay*e[i] + (1-decay)*w[i].
func EMA(e, w []float32, decay float32) {
	e = e[:len(w)]
	i := ewSIMD(ewEMA, len(w), e, w, nil, nil, decay, 1-decay)
	for j, v := range w[i:] {
		e[i+j] = decay*e[i+j] + (1-decay)*v
	}
}

// AdamStep updates the weights w with the gradient g and the moments m and
// v (all of one length):
//
//	m = b1*m + (1-b1)*g,  v = b2*v + (1-b2)*g*g,  w -= lrt*m / (sqrt(v) + eps)
//
// in float32, in that order (TF's Adam with the bias corrections in lrt).
func AdamStep(w, g, m, v []float32, b1, b2, lrt, eps float32) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	i := ewSIMD(ewAdam, len(w), w, g, m, v, b1, 1-b1, b2, 1-b2, lrt, eps)
	for ; i < len(w); i++ {
		gi := g[i]
		m[i] = b1*m[i] + (1-b1)*gi
		v[i] = b2*v[i] + (1-b2)*gi*gi
		w[i] -= lrt * m[i] / (float32(math.Sqrt(float64(v[i]))) + eps)
	}
}

// WeightedColSums sets dst[j] to the sum of wts[r]*a[r*cols+j] over
// r < rows, added in the order r = 0, 1, ... from +0: Wᵀv for the
// rows×cols matrix a and the vector wts.
func WeightedColSums(dst, a, wts []float32, rows, cols int) {
	WeightedColSumsStride(dst, a, wts, rows, cols, cols)
}

// WeightedColSumsStride is WeightedColSums for rows ld elements apart
// (ld >= cols).
func WeightedColSumsStride(dst, a, wts []float32, rows, cols, ld int) {
	dst, wts = dst[:cols], wts[:rows]
	if ld < cols || rows > 0 && (rows-1)*ld+cols > len(a) {
		panic(fmt.Sprintf("blas32: WeightedColSums: bad stride or a is too short: rows %d cols %d ld %d len %d", rows, cols, ld, len(a)))
	}
	j := colSumsWSIMD(ewWColSums, dst, a, wts, rows, cols, ld)
	tail := dst[j:]
	clear(tail)
	for r, wr := range wts {
		for c, v := range a[r*ld+j : r*ld+cols] {
			tail[c] += wr * v
		}
	}
}

// DotRows sets dst[r] to the dot product of row r of a (rows rows of cols
// values, ld apart) and x, summed in four lanes: lane k adds a[r*ld+j]*x[j]
// for the j < cols&^3 with j%4 = k, in order; the lanes are combined as
// (l0+l1)+(l2+l3), then the last cols%4 products added in order. The same
// bits natively and on the SIMD module, four lanes at a time.
func DotRows(dst, a, x []float32, rows, cols, ld int) {
	dst, x = dst[:rows], x[:cols]
	if ld < cols || rows > 0 && (rows-1)*ld+cols > len(a) {
		panic(fmt.Sprintf("blas32: DotRows: bad stride or a is too short: rows %d cols %d ld %d len %d", rows, cols, ld, len(a)))
	}
	j := dotRowsSIMD(dst, a, x, rows, cols, ld)
	for r := range dst {
		row := a[r*ld : r*ld+cols]
		if j == 0 {
			var l0, l1, l2, l3 float32
			for i := 0; i+4 <= cols; i += 4 {
				l0 += row[i] * x[i]
				l1 += row[i+1] * x[i+1]
				l2 += row[i+2] * x[i+2]
				l3 += row[i+3] * x[i+3]
			}
			dst[r] = (l0 + l1) + (l2 + l3)
		}
		s := dst[r]
		for i := cols &^ 3; i < cols; i++ {
			s += row[i] * x[i]
		}
		dst[r] = s
	}
}

// Dot is DotRows of one row: the dot product of a and b (of len(a)
// values) in DotRows' order.
func Dot(a, b []float32) float32 {
	var d [1]float32
	DotRows(d[:], a, b, 1, len(a), len(a))
	return d[0]
}

// Rank1Sub sets dst[r*cols+j] = a[r*cols+j]*s - x[r]*y[j] for r < rows,
// j < cols.
func Rank1Sub(dst, a []float32, s float32, x, y []float32, rows, cols int) {
	x, y = x[:rows], y[:cols]
	if rows*cols > len(a) || rows*cols > len(dst) {
		panic("blas32: Rank1Sub: a or dst is shorter than rows*cols")
	}
	j := rank1SubSIMD(dst, a, s, x, y, rows, cols)
	for r, xr := range x {
		row, ar := dst[r*cols:(r+1)*cols], a[r*cols:(r+1)*cols]
		for c := j; c < cols; c++ {
			row[c] = ar[c]*s - xr*y[c]
		}
	}
}

// MomentumStep is gorgonia's Momentum solver step on float32 weights w with
// the gradient g and the velocity c (one length), without regularisation or
// clipping:
//
//	c = c*momentum + g*(-lr),  w = w + c,  g = 0
//
// in float32, in that order (gorgonia.Momentum's tensor operations).
func MomentumStep(w, g, c []float32, lr, momentum float32) {
	g, c = g[:len(w)], c[:len(w)]
	eta := -lr
	i := ewSIMD(ewMomentum, len(w), w, g, c, nil, eta, momentum)
	for ; i < len(w); i++ {
		c[i] = c[i]*momentum + g[i]*eta
		w[i] += c[i]
		g[i] = 0
	}
}

// The passes of a batch-normalisation layer followed by LReLU over a
// rows×cols matrix (alad's bnOp): per column, four columns at a time in
// js/wasm, each column's sums in the order of the rows from +0.

// BNCenter sets xh = h - mean (mean broadcast over the rows) and ss[j] to
// the sum over the rows of xh[r][j]².
func BNCenter(xh, ss, h, mean []float32, rows, cols int) {
	checkBN(rows, cols, xh, h)
	j0 := bnSIMD(ewBNCenter, rows, cols, xh, h, nil, nil, [4][]float32{mean, ss}, 0)
	for j := j0; j < cols; j++ {
		var acc float32
		for r := 0; r < rows; r++ {
			c := h[r*cols+j] - mean[j]
			xh[r*cols+j] = c
			acc += c * c
		}
		ss[j] = acc
	}
}

// BNScaleShiftLeaky sets x = xh*inv, xh = x and y = Leaky(x*gamma + beta,
// slope) (inv, gamma and beta broadcast over the rows).
func BNScaleShiftLeaky(y, xh, inv, gamma, beta []float32, rows, cols int, slope float32) {
	checkBN(rows, cols, y, xh)
	j0 := bnSIMD(ewBNOut, rows, cols, y, xh, nil, nil, [4][]float32{inv, gamma, beta}, slope)
	for r := 0; r < rows; r++ {
		for j := j0; j < cols; j++ {
			i := r*cols + j
			x := xh[i] * inv[j]
			xh[i] = x
			y[i] = Leaky(x*gamma[j]+beta[j], slope)
		}
	}
}

// BNGradU sets du = dy*slope where y < 0 and dy elsewhere (the gradient
// through the LReLU, y < 0 exactly where its input is), sumDu[j] to the sum
// of du over the rows and sumDuXhat[j] to that of du*xhat.
func BNGradU(du, sumDu, sumDuXhat, dy, y, xhat []float32, rows, cols int, slope float32) {
	checkBN(rows, cols, du, dy, y, xhat)
	j0 := bnSIMD(ewBNGradU, rows, cols, du, dy, y, xhat, [4][]float32{sumDu, sumDuXhat}, slope)
	for j := j0; j < cols; j++ {
		var s1, s2 float32
		for r := 0; r < rows; r++ {
			i := r*cols + j
			g := LeakyGrad(dy[i], y[i], slope)
			du[i] = g
			s1 += g
			s2 += g * xhat[i]
		}
		sumDu[j], sumDuXhat[j] = s1, s2
	}
}

// BNGradH sets dh = inv/n * (n*du*gamma - gamma*sumDu - xhat*gamma*sumDuXhat)
// with n = rows (the column vectors broadcast over the rows): the gradient
// at the layer's input.
func BNGradH(dh, du, xhat, inv, gamma, sumDu, sumDuXhat []float32, rows, cols int) {
	checkBN(rows, cols, dh, du, xhat)
	fb := float32(rows)
	j0 := bnSIMD(ewBNGradH, rows, cols, dh, du, nil, xhat, [4][]float32{inv, gamma, sumDu, sumDuXhat}, fb)
	for r := 0; r < rows; r++ {
		for j := j0; j < cols; j++ {
			i := r*cols + j
			g := gamma[j]
			dh[i] = inv[j] / fb * (fb*du[i]*g - g*sumDu[j] - xhat[i]*g*sumDuXhat[j])
		}
	}
}

func checkBN(rows, cols int, ms ...[]float32) {
	for _, m := range ms {
		if len(m) < rows*cols {
			panic("blas32: batch norm: a matrix is shorter than rows*cols")
		}
	}
}

// LeakyGrad is Go's `if y < 0 { g *= slope }` without a branch on y's sign
// (Leaky's test of y selects between g*slope and g).
func LeakyGrad(g, y, slope float32) float32 {
	u := int64(math.Float32bits(y))
	neg := uint32((0x80000000 - u) & (u - 0xff800001) >> 63) // all ones iff y < 0
	return math.Float32frombits(math.Float32bits(g*slope)&neg | math.Float32bits(g)&^neg)
}

// splitMixGamma is SplitMix64's increment.
const splitMixGamma = 0x9e3779b97f4a7c15

// SplitMixNext advances the SplitMix64 state s (Steele, Lea and Flood
// 2014) and returns the next draw.
func SplitMixNext(s *uint64) uint64 {
	*s += splitMixGamma
	z := *s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// SplitMixMask fills dst with a dropout mask from the SplitMix64 stream of
// state s: each draw gives two 32-bit uniforms u (its low then its high
// half), and an entry is +0 when u < thr and keep otherwise. An odd last
// entry takes a draw of its own (its low half). s is advanced by the draws.
func SplitMixMask(dst []float32, s *uint64, thr uint32, keep float32) {
	i := splitMixSIMD(dst, s, thr, keep) // whole draws, advancing s
	vals := [2]float32{keep, 0}
	t := uint64(thr)
	for ; i+2 <= len(dst); i += 2 {
		r := SplitMixNext(s)
		// The borrow of u - thr is the test, without a branch.
		dst[i] = vals[(r&0xffffffff-t)>>63]
		dst[i+1] = vals[(r>>32-t)>>63]
	}
	if i < len(dst) {
		dst[i] = vals[(SplitMixNext(s)&0xffffffff-t)>>63]
	}
}

// Col2imAdd adds the im2col gradient cols back onto dx: for each of the
// batch sequences, output position o < outL and kernel tap j < k with
// pos = o*stride + j - pad in [0, inL),
//
//	dx[(n*inL+pos)*c : +c] += cols[(n*outL+o)*w + j*c : +c]
//
// where w >= k*c is the length of a row of cols; in the order n, o, j.
func Col2imAdd(dx, cols []float32, batch, inL, outL, c, k, stride, pad, w int) {
	if len(dx) < batch*inL*c || len(cols) < batch*outL*w || w < k*c {
		panic("blas32: Col2imAdd: short slices")
	}
	if col2imSIMD(dx, cols, batch, inL, outL, c, k, stride, pad, w) {
		return
	}
	for n := 0; n < batch; n++ {
		seq := dx[n*inL*c : (n+1)*inL*c]
		for o := 0; o < outL; o++ {
			row := cols[(n*outL+o)*w : (n*outL+o+1)*w]
			for j := 0; j < k; j++ {
				pos := o*stride + j - pad
				if pos < 0 || pos >= inL {
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
