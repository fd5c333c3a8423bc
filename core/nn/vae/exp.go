package vae

import "math"

// exp32 returns e**x rounded to float32, with the same bits on every
// platform: it uses only float64 addition, multiplication and conversions
// (exact IEEE 754 operations everywhere, with explicit conversions so that
// no compiler may fuse a multiply-add), never math.Exp or math32.Exp, which
// have assembly implementations on amd64 whose last bits differ from the
// pure-Go code of js/wasm.
//
// The argument is reduced in float64 as x = k ln2 + r with |r| <= ln2/2
// (ln2 split in a high part with trailing zero bits, so k*ln2Hi is exact),
// e**r is the degree-10 Taylor polynomial (truncation error below 2e-13
// relative), and the result is scaled by 2**k exactly in float64 before one
// rounding to float32, which also rounds subnormal results correctly. The
// result is within 1 ulp of the correctly rounded e**x (TestExp32).
//
// Special cases: exp32(NaN) = NaN, exp32(+Inf) = +Inf, exp32(-Inf) = 0,
// results beyond the float32 range are +Inf and underflows are 0.
func exp32(x float32) float32 {
	const (
		ln2Hi = 6.93147180369123816490e-01 // fdlibm: high 32 bits of ln 2
		ln2Lo = 1.90821492927058770002e-10 // ln 2 - ln2Hi
		log2e = 1.44269504088896338700e+00
		// e**89 > MaxFloat32 (3.4e38) and e**-110 is far below half the
		// smallest float32 subnormal (7e-46); between them 2**k stays a
		// normal float64.
		over, under = 89, -110
	)
	switch {
	case x != x:
		return x
	case x > over:
		return float32(math.Inf(1))
	case x < under:
		return 0
	}
	xd := float64(x)
	t := float64(xd * log2e)
	var k int
	if t < 0 {
		k = int(t - 0.5)
	} else {
		k = int(t + 0.5)
	}
	kf := float64(k)
	r := float64(xd-float64(kf*ln2Hi)) - float64(kf*ln2Lo)
	// Horner on 1 + r + r^2/2! + ... + r^10/10!.
	p := 1.0 / 3628800
	for _, c := range [...]float64{1.0 / 362880, 1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 1.0 / 2, 1, 1} {
		p = float64(p*r) + c
	}
	scale := math.Float64frombits(uint64(k+1023) << 52)
	return float32(p * scale)
}
