package compose

import (
	"math"
	"strconv"
)

// use returns dst, allocating n values when dst is nil. It panics when a
// non-nil dst has the wrong length.
func use(dst []float64, n int) []float64 {
	if dst == nil {
		return make([]float64, n)
	}
	if len(dst) != n {
		panic("compose: destination length mismatch")
	}
	return dst
}

func fillNaN(dst []float64) []float64 {
	nan := math.NaN()
	for i := range dst {
		dst[i] = nan
	}
	return dst
}

// CLR stores in dst the centred log-ratio of the composition x and returns
// dst:
//
//	clr_i = ln(x_i / g(x)),  g(x) = (x_1 x_2 ... x_D)^(1/D)
//
// If dst is nil a new slice is allocated; otherwise len(dst) must equal len(x)
// or CLR panics. If any part of x is not positive and finite, every value of
// dst is NaN. dst may alias x.
func CLR(dst, x []float64) []float64 {
	dst = use(dst, len(x))
	for i, v := range x {
		if !(v > 0) || math.IsInf(v, 1) {
			return fillNaN(dst)
		}
		dst[i] = math.Log(v)
	}
	return clrLog(dst, dst)
}

// CLRLog is CLR of the composition whose natural logs are l (l_i = ln x_i):
// clr_i = l_i - mean(l). If any l_i is NaN or infinite every value of dst is
// NaN. dst follows the rules of CLR and may alias l.
func CLRLog(dst, l []float64) []float64 {
	dst = use(dst, len(l))
	for _, v := range l {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fillNaN(dst)
		}
	}
	return clrLog(dst, l)
}

// clrLog assumes finite logs and len(dst) == len(l).
func clrLog(dst, l []float64) []float64 {
	if len(l) == 0 {
		return dst
	}
	var s float64
	for _, v := range l {
		s += v
	}
	m := s / float64(len(l))
	for i, v := range l {
		dst[i] = v - m
	}
	return dst
}

// CLRInverse stores in dst the composition, closed to sum 1, whose centred
// log-ratio is c, and returns dst: x_i = exp(c_i) / sum_j exp(c_j). It
// accepts any real vector c (adding a constant to c does not change the
// result), so it also inverts CLRLog. A NaN or infinite c_i gives all NaN.
// dst follows the rules of CLR and may alias c.
func CLRInverse(dst, c []float64) []float64 {
	dst = use(dst, len(c))
	max := math.Inf(-1)
	for _, v := range c {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fillNaN(dst)
		}
		if v > max {
			max = v
		}
	}
	var s float64
	for i, v := range c {
		e := math.Exp(v - max) // shifted by the maximum: no overflow
		dst[i] = e
		s += e
	}
	for i := range dst {
		dst[i] /= s
	}
	return dst
}

// ILR stores in dst the isometric log-ratio coordinates of the composition x
// in the pivot basis and returns dst:
//
//	z_i = sqrt((D-i)/(D-i+1)) * ln(x_i / g(x_{i+1..D})),  i = 1..D-1
//
// with g the geometric mean. dst has D-1 values: if dst is nil it is
// allocated, otherwise len(dst) must be len(x)-1 or ILR panics. ILR panics if
// x has fewer than two parts. If any part of x is not positive and finite,
// every value of dst is NaN.
func ILR(dst, x []float64) []float64 {
	if len(x) < 2 {
		panic("compose: ilr needs at least two parts")
	}
	dst = use(dst, len(x)-1)
	for _, v := range x {
		if !(v > 0) || math.IsInf(v, 1) {
			return fillNaN(dst)
		}
	}
	d := len(x)
	// Walk from the last part backwards, keeping the sum of the logs of the
	// parts after i, so no buffer is needed.
	suffix := math.Log(x[d-1])
	for i := d - 2; i >= 0; i-- {
		li := math.Log(x[i])
		n := float64(d - 1 - i) // number of parts after i
		dst[i] = math.Sqrt(n/(n+1)) * (li - suffix/n)
		suffix += li
	}
	return dst
}

// ILRLog is ILR of the composition whose natural logs are l. If any l_i is NaN
// or infinite every value of dst is NaN. dst follows the rules of ILR.
func ILRLog(dst, l []float64) []float64 {
	if len(l) < 2 {
		panic("compose: ilr needs at least two parts")
	}
	dst = use(dst, len(l)-1)
	for _, v := range l {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fillNaN(dst)
		}
	}
	d := len(l)
	suffix := l[d-1]
	for i := d - 2; i >= 0; i-- {
		n := float64(d - 1 - i)
		li := l[i]
		dst[i] = math.Sqrt(n/(n+1)) * (li - suffix/n)
		suffix += li
	}
	return dst
}

// ILRInverse stores in dst the composition of D = len(z)+1 parts, closed to
// sum 1, whose pivot ilr coordinates are z, and returns dst. If dst is nil it
// is allocated, otherwise len(dst) must be len(z)+1 or ILRInverse panics. A
// NaN or infinite z_i gives all NaN.
//
// The clr of the result is V z, with V the D x (D-1) pivot basis
//
//	V_ii = sqrt((D-i)/(D-i+1)),  V_ji = -1/sqrt((D-i)(D-i+1)) for j > i,  0 for j < i
func ILRInverse(dst, z []float64) []float64 {
	d := len(z) + 1
	dst = use(dst, d)
	for _, v := range z {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fillNaN(dst)
		}
	}
	// clr_j = V_jj z_j - sum_{i<j} z_i / sqrt((D-i)(D-i+1)), 1-based; the
	// sum is carried along j.
	var carry float64
	for j := 0; j < d; j++ {
		c := -carry
		if j < d-1 {
			n := float64(d - 1 - j)
			c += math.Sqrt(n/(n+1)) * z[j]
			carry += z[j] / math.Sqrt(n*(n+1))
		}
		dst[j] = c
	}
	return CLRInverse(dst, dst)
}

// CLRNames returns the names of the clr coordinates of the parts named in
// names: "clr.Cu" for "Cu".
func CLRNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "clr." + n
	}
	return out
}

// ILRNames returns the names "ilr1" ... "ilr{D-1}" of the pivot ilr
// coordinates of the D parts named in names. Coordinate ilr{i} contrasts part
// names[i-1] with the geometric mean of names[i:], positive when that part is
// enriched relative to all parts after it; ILRContrast spells it out. It
// panics if there are fewer than two names.
func ILRNames(names []string) []string {
	if len(names) < 2 {
		panic("compose: ilr needs at least two parts")
	}
	out := make([]string, len(names)-1)
	for i := range out {
		out[i] = "ilr" + strconv.Itoa(i+1)
	}
	return out
}

// ILRContrast returns a readable description of pivot coordinate i (1-based)
// of the parts named in names, for legends and reports, e.g.
// "Cu vs g(Pb,Zn)". It panics if i is not in 1..len(names)-1.
func ILRContrast(names []string, i int) string {
	if i < 1 || i >= len(names) {
		panic("compose: ilr coordinate out of range")
	}
	s := names[i-1] + " vs g("
	for j, n := range names[i:] {
		if j > 0 {
			s += ","
		}
		s += n
	}
	return s + ")"
}
