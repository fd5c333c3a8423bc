package blas32

// The element-wise function ew of the SIMD module (elementwise.go has the
// scalar loops it must equal). It reads the same parameter block as rows,
// with these slots:
const (
	epOp    = iota // one of the ew* operations
	epDst          // byte address of the output
	epA            // byte address of the first operand (z, dy, dx or the matrix)
	epB            // byte address of the mask (ops with a mask)
	epZ            // byte address of z (gradients, KeepPositive)
	epN            // elements, a multiple of 4 (ColSums: columns, a multiple of 4)
	epSlope        // float32 bits of the leaky slope
	epRows         // ColSums: rows
	epLd           // ColSums: row stride of the matrix in elements
	epS2           // float32 bits of more scalars (EMA, Adam)
	epS3
	epS4
	epS5
	epS6
	epC1 // byte addresses of column vectors (batch norm)
	epC2
	epC3
	epC4
	epCount
)

// The operations of ew, lane by lane (m the mask, s the slope, sign(v)
// v's sign bit as all ones or zeros):
const (
	ewReLU          = 1 + iota // dst = a &^ (a < 0)
	ewReLUMask                 // dst = (a &^ (a < 0)) * m
	ewLeaky                    // dst = a * bitselect(s, 1, sign(a))
	ewLeakyMask                // dst = a * bitselect(s, 1, sign(a)) * m
	ewMask                     // dst = a * m
	ewGradReLU                 // dst = a &^ sign(z)
	ewGradReLUMask             // dst = (a &^ sign(z)) * m
	ewGradLeaky                // dst = a * bitselect(s, 1, sign(z))
	ewGradLeakyMask            // dst = a * bitselect(s, 1, sign(z)) * m
	ewKeepPositive             // dst = a & (int32(z) > 0)
	ewColSums                  // dst[j] = sum over r of a[r*ld + j], j < n
	ewPackB                    // dst[(jp*rows+p)*8+q] = a[p*ld + jp*8+q], jp < n/8, p < rows, q < 8
	ewScale                    // dst = a * s
	ewEMA                      // dst = s*dst + s2*a
	ewAdam                     // one Adam step (see AdamStep)
	ewWColSums                 // dst[j] = sum over r of m[r] * a[r*ld + j], j < n
	ewRank1Sub                 // dst[r*ld+j] = a[r*ld+j]*s - z[r]*m[j], r < rows, j < n
	ewMomentum                 // one momentum step (see MomentumStep)
	ewBNCenter                 // batch norm: see BNCenter (n: columns, a multiple of 4)
	ewBNOut                    // see BNScaleShiftLeaky
	ewBNGradU                  // see BNGradU
	ewBNGradH                  // see BNGradH
	ewSplitMix                 // dropout mask from SplitMix64 draws (see SplitMixMask)
	ewCol2im                   // see Col2imAdd
)

// More opcodes (WebAssembly SIMD).
const (
	simdI32x4Splat = 17
	simdI32x4GtS   = 59
	simdV128And    = 78
	simdI32x4ShrS  = 172
	simdF32x4Sqrt  = 227
	simdF32x4Sub   = 229
	simdF32x4Div   = 231
	opLocalTee     = 0x22
	opI64Const     = 0x42
	opI32LtU       = 0x49
	opI32GtS       = 0x4a
	opF32Add       = 0x92
	opF32Store     = 0x38
	simdI64x2Splat = 18
	simdI32x4LtU   = 58
	simdV128Xor    = 81
	simdI64x2ShrU  = 205
	simdI64x2Add   = 206
	simdI64x2Mul   = 213
	f32One         = 0x3f800000 // bits of 1.0
)

// ewFunc returns the code of ew (locals and body).
func ewFunc() []byte {
	const (
		lP = iota
		lOp
		lDst
		lA
		lB
		lZ
		lEnd // bytes: 4*n
		lI   // byte offset
		lRows
		lLd // bytes: 4*ld
		lQ
		lR
		lS
		lD
		lC1
		lC2
		lC3
		lC4
		lN // Col2im: sequence, position, tap counters and geometry
		lO
		lJ
		lPos
		lInL
		lOutL
		lK
		lStride
		lPad
		lW
		nI32
	)
	const (
		vSlope = nI32 + iota
		vOne
		vAcc
		vS2
		vS3
		vS4
		vS5
		vS6
		vM
		vV
		vK1
		vK2
		vK3
		vK4
		vAcc2
		nV128 = 15
	)
	var w wasmAsm
	w.op(opGlobalGet, 0)
	w.op(opLocalSet, lP)
	for _, sl := range [][2]int{{epOp, lOp}, {epDst, lDst}, {epA, lA}, {epB, lB}, {epZ, lZ}, {epRows, lRows},
		{epC1, lC1}, {epC2, lC2}, {epC3, lC3}, {epC4, lC4}} {
		w.op(opLocalGet, lP)
		w.load(opI32Load, 2, 4*sl[0])
		w.op(opLocalSet, sl[1])
	}
	for _, sl := range [][2]int{{epN, lEnd}, {epLd, lLd}} { // elements to bytes
		w.op(opLocalGet, lP)
		w.load(opI32Load, 2, 4*sl[0])
		w.i32const(2)
		w.raw(opI32Shl)
		w.op(opLocalSet, sl[1])
	}
	w.op(opLocalGet, lP)
	w.load(opF32Load, 2, 4*epSlope)
	w.simd(simdF32x4Splat)
	w.op(opLocalSet, vSlope)
	for k, l := range []int{vS2, vS3, vS4, vS5, vS6} {
		w.op(opLocalGet, lP)
		w.load(opF32Load, 2, 4*(epS2+k))
		w.simd(simdF32x4Splat)
		w.op(opLocalSet, l)
	}
	w.i32const(f32One)
	w.simd(simdI32x4Splat)
	w.op(opLocalSet, vOne)

	// at pushes the v128 at local base + i.
	at := func(base int) {
		w.op(opLocalGet, base)
		w.op(opLocalGet, lI)
		w.raw(opI32Add)
		w.simdLoad(0)
	}
	// sign pushes base[i]'s sign bits spread over each lane.
	sign := func(base int) {
		at(base)
		w.i32const(31)
		w.simd(simdI32x4ShrS)
	}
	// factor pushes bitselect(slope, 1, sign(base[i])).
	factor := func(base int) {
		w.op(opLocalGet, vSlope)
		w.op(opLocalGet, vOne)
		sign(base)
		w.simd(simdV128Bitselect)
	}
	relu := func() { // a &^ (a < 0)
		at(lA)
		at(lA)
		w.v128zero()
		w.simd(simdF32x4Lt)
		w.simd(simdV128AndNot)
	}
	times := func(base int) {
		at(base)
		w.simd(simdF32x4Mul)
	}
	// each emits, when op is code: for i = 0; i < end; i += 16 { dst[i] = val() }
	each := func(code int, val func()) {
		w.op(opLocalGet, lOp)
		w.i32const(code)
		w.raw(opI32Eq)
		w.ifVoid()
		w.i32const(0)
		w.op(opLocalSet, lI)
		w.block()
		w.loop()
		w.op(opLocalGet, lI)
		w.op(opLocalGet, lEnd)
		w.raw(opI32GeS)
		w.op(opBrIf, 1)
		w.op(opLocalGet, lDst)
		w.op(opLocalGet, lI)
		w.raw(opI32Add)
		val()
		w.simdStore(0)
		w.step(lI, opI32Add, 16)
		w.op(opBr, 0)
		w.raw(opEnd)
		w.raw(opEnd)
		w.raw(opEnd)
	}
	each(ewReLU, relu)
	each(ewReLUMask, func() { relu(); times(lB) })
	each(ewLeaky, func() { at(lA); factor(lA); w.simd(simdF32x4Mul) })
	each(ewLeakyMask, func() { at(lA); factor(lA); w.simd(simdF32x4Mul); times(lB) })
	each(ewMask, func() { at(lA); times(lB) })
	each(ewGradReLU, func() { at(lA); sign(lZ); w.simd(simdV128AndNot) })
	each(ewGradReLUMask, func() { at(lA); sign(lZ); w.simd(simdV128AndNot); times(lB) })
	each(ewGradLeaky, func() { at(lA); factor(lZ); w.simd(simdF32x4Mul) })
	each(ewGradLeakyMask, func() { at(lA); factor(lZ); w.simd(simdF32x4Mul); times(lB) })
	each(ewScale, func() { at(lA); w.op(opLocalGet, vSlope); w.simd(simdF32x4Mul) })
	// EMA: dst = s*dst + s2*a
	each(ewEMA, func() {
		w.op(opLocalGet, vSlope)
		at(lDst)
		w.simd(simdF32x4Mul)
		w.op(opLocalGet, vS2)
		at(lA)
		w.simd(simdF32x4Mul)
		w.simd(simdF32x4Add)
	})
	// Adam (dst = w, a = g, b = m, z = v; s..s6 = b1, 1-b1, b2, 1-b2, lrt,
	// eps): m = b1*m + (1-b1)*g; v = b2*v + ((1-b2)*g)*g;
	// w = w - (lrt*m)/(sqrt(v)+eps), m and v stored on the way.
	each(ewAdam, func() {
		w.op(opLocalGet, lB)
		w.op(opLocalGet, lI)
		w.raw(opI32Add)
		w.op(opLocalGet, vSlope)
		at(lB)
		w.simd(simdF32x4Mul)
		w.op(opLocalGet, vS2)
		at(lA)
		w.simd(simdF32x4Mul)
		w.simd(simdF32x4Add)
		w.op(opLocalTee, vM)
		w.simdStore(0)
		w.op(opLocalGet, lZ)
		w.op(opLocalGet, lI)
		w.raw(opI32Add)
		w.op(opLocalGet, vS3)
		at(lZ)
		w.simd(simdF32x4Mul)
		w.op(opLocalGet, vS4)
		at(lA)
		w.simd(simdF32x4Mul)
		at(lA)
		w.simd(simdF32x4Mul)
		w.simd(simdF32x4Add)
		w.op(opLocalTee, vV)
		w.simdStore(0)
		at(lDst)
		w.op(opLocalGet, vS5)
		w.op(opLocalGet, vM)
		w.simd(simdF32x4Mul)
		w.op(opLocalGet, vV)
		w.simd(simdF32x4Sqrt)
		w.op(opLocalGet, vS6)
		w.simd(simdF32x4Add)
		w.simd(simdF32x4Div)
		w.simd(simdF32x4Sub)
	})
	// Momentum (dst = w, a = g, b = c, s = -lr, s2 = momentum):
	// c = c*momentum + g*(-lr); w = w + c, c stored and g zeroed on the way.
	each(ewMomentum, func() {
		w.op(opLocalGet, lB)
		w.op(opLocalGet, lI)
		w.raw(opI32Add)
		at(lB)
		w.op(opLocalGet, vS2)
		w.simd(simdF32x4Mul)
		at(lA)
		w.op(opLocalGet, vSlope)
		w.simd(simdF32x4Mul)
		w.simd(simdF32x4Add)
		w.op(opLocalTee, vM)
		w.simdStore(0)
		w.op(opLocalGet, lA)
		w.op(opLocalGet, lI)
		w.raw(opI32Add)
		w.v128zero()
		w.simdStore(0)
		at(lDst)
		w.op(opLocalGet, vM)
		w.simd(simdF32x4Add)
	})
	each(ewKeepPositive, func() {
		at(lA)
		at(lZ)
		w.v128zero()
		w.simd(simdI32x4GtS)
		w.simd(simdV128And)
	})

	// ColSums and WColSums: for i = 0; i < end; i += 16 { acc = 0;
	// q = a + i; wt = b; for r = rows; r > 0; r-- { acc += load(q)
	// (WColSums: acc += splat(*wt) * load(q); wt += 4); q += ld };
	// dst[i] = acc }
	for _, weighted := range []bool{false, true} {
		w.op(opLocalGet, lOp)
		if weighted {
			w.i32const(ewWColSums)
		} else {
			w.i32const(ewColSums)
		}
		w.raw(opI32Eq)
		w.ifVoid()
		w.i32const(0)
		w.op(opLocalSet, lI)
		w.block()
		w.loop()
		w.op(opLocalGet, lI)
		w.op(opLocalGet, lEnd)
		w.raw(opI32GeS)
		w.op(opBrIf, 1)
		w.v128zero()
		w.op(opLocalSet, vAcc)
		w.op(opLocalGet, lA)
		w.op(opLocalGet, lI)
		w.raw(opI32Add)
		w.op(opLocalSet, lQ)
		w.op(opLocalGet, lB)
		w.op(opLocalSet, lS)
		w.op(opLocalGet, lRows)
		w.op(opLocalSet, lR)
		w.block()
		w.loop()
		w.op(opLocalGet, lR)
		w.i32const(0)
		w.raw(opI32LeS)
		w.op(opBrIf, 1)
		w.op(opLocalGet, vAcc)
		if weighted {
			w.op(opLocalGet, lS)
			w.load(opF32Load, 2, 0)
			w.simd(simdF32x4Splat)
			w.step(lS, opI32Add, 4)
		}
		w.op(opLocalGet, lQ)
		w.simdLoad(0)
		if weighted {
			w.simd(simdF32x4Mul)
		}
		w.simd(simdF32x4Add)
		w.op(opLocalSet, vAcc)
		w.op(opLocalGet, lQ)
		w.op(opLocalGet, lLd)
		w.raw(opI32Add)
		w.op(opLocalSet, lQ)
		w.step(lR, opI32Sub, 1)
		w.op(opBr, 0)
		w.raw(opEnd)
		w.raw(opEnd)
		w.op(opLocalGet, lDst)
		w.op(opLocalGet, lI)
		w.raw(opI32Add)
		w.op(opLocalGet, vAcc)
		w.simdStore(0)
		w.step(lI, opI32Add, 16)
		w.op(opBr, 0)
		w.raw(opEnd)
		w.raw(opEnd)
		w.raw(opEnd)
	}

	// Rank1Sub: for r = 0; r < rows; r++ { xr = splat(z[r]);
	// for i = 0; i < end; i += 16 { dst[r*ld+i] = a[r*ld+i]*s - xr*b[i] } }
	w.op(opLocalGet, lOp)
	w.i32const(ewRank1Sub)
	w.raw(opI32Eq)
	w.ifVoid()
	w.op(opLocalGet, lRows)
	w.op(opLocalSet, lR)
	w.block()
	w.loop()
	w.op(opLocalGet, lR)
	w.i32const(0)
	w.raw(opI32LeS)
	w.op(opBrIf, 1)
	w.op(opLocalGet, lZ)
	w.load(opF32Load, 2, 0)
	w.simd(simdF32x4Splat)
	w.op(opLocalSet, vAcc)
	w.i32const(0)
	w.op(opLocalSet, lI)
	w.block()
	w.loop()
	w.op(opLocalGet, lI)
	w.op(opLocalGet, lEnd)
	w.raw(opI32GeS)
	w.op(opBrIf, 1)
	w.op(opLocalGet, lDst)
	w.op(opLocalGet, lI)
	w.raw(opI32Add)
	at(lA)
	w.op(opLocalGet, vSlope)
	w.simd(simdF32x4Mul)
	w.op(opLocalGet, vAcc)
	at(lB)
	w.simd(simdF32x4Mul)
	w.simd(simdF32x4Sub)
	w.simdStore(0)
	w.step(lI, opI32Add, 16)
	w.op(opBr, 0)
	w.raw(opEnd)
	w.raw(opEnd)
	for _, l := range []int{lDst, lA} { // next row
		w.op(opLocalGet, l)
		w.op(opLocalGet, lLd)
		w.raw(opI32Add)
		w.op(opLocalSet, l)
	}
	w.step(lZ, opI32Add, 4)
	w.step(lR, opI32Sub, 1)
	w.op(opBr, 0)
	w.raw(opEnd)
	w.raw(opEnd)
	w.raw(opEnd)

	// PackB: d = dst; for i = 0; i < end; i += 32 { s = a + i;
	// for r = rows; r > 0; r-- { d[0:8] = s[0:8]; s += ld; d += 32 } }
	w.op(opLocalGet, lOp)
	w.i32const(ewPackB)
	w.raw(opI32Eq)
	w.ifVoid()
	w.op(opLocalGet, lDst)
	w.op(opLocalSet, lD)
	w.i32const(0)
	w.op(opLocalSet, lI)
	w.block()
	w.loop()
	w.op(opLocalGet, lI)
	w.op(opLocalGet, lEnd)
	w.raw(opI32GeS)
	w.op(opBrIf, 1)
	w.op(opLocalGet, lA)
	w.op(opLocalGet, lI)
	w.raw(opI32Add)
	w.op(opLocalSet, lS)
	w.op(opLocalGet, lRows)
	w.op(opLocalSet, lR)
	w.block()
	w.loop()
	w.op(opLocalGet, lR)
	w.i32const(0)
	w.raw(opI32LeS)
	w.op(opBrIf, 1)
	for h := 0; h < 2; h++ {
		w.op(opLocalGet, lD)
		w.op(opLocalGet, lS)
		w.simdLoad(16 * h)
		w.simdStore(16 * h)
	}
	w.op(opLocalGet, lS)
	w.op(opLocalGet, lLd)
	w.raw(opI32Add)
	w.op(opLocalSet, lS)
	w.step(lD, opI32Add, 32)
	w.step(lR, opI32Sub, 1)
	w.op(opBr, 0)
	w.raw(opEnd)
	w.raw(opEnd)
	w.step(lI, opI32Add, 32)
	w.op(opBr, 0)
	w.raw(opEnd)
	w.raw(opEnd)
	w.raw(opEnd)

	// The batch-norm passes over a rows×n matrix (rows ld bytes apart),
	// column block by column block: for i = 0; i < end; i += 16 {
	// setup(); q = i; for r = rows; r > 0; r-- { body(); q += ld };
	// teardown() }, where el(base) is the address base + q and col(base)
	// the column vector at base + i.
	el := func(base int) {
		w.op(opLocalGet, base)
		w.op(opLocalGet, lQ)
		w.raw(opI32Add)
	}
	ld := func(base int) {
		el(base)
		w.simdLoad(0)
	}
	col := func(base int) { at(base) }
	set := func(v int, push func()) {
		push()
		w.op(opLocalSet, v)
	}
	zero := func(v int) { set(v, w.v128zero) }
	// add v += push()
	acc := func(v int, push func()) {
		w.op(opLocalGet, v)
		push()
		w.simd(simdF32x4Add)
		w.op(opLocalSet, v)
	}
	store := func(base, v int) { // column vector v at base + i
		w.op(opLocalGet, base)
		w.op(opLocalGet, lI)
		w.raw(opI32Add)
		w.op(opLocalGet, v)
		w.simdStore(0)
	}
	get := func(v int) func() { return func() { w.op(opLocalGet, v) } }
	cols := func(code int, setup, body, teardown func()) {
		w.op(opLocalGet, lOp)
		w.i32const(code)
		w.raw(opI32Eq)
		w.ifVoid()
		w.i32const(0)
		w.op(opLocalSet, lI)
		w.block()
		w.loop()
		w.op(opLocalGet, lI)
		w.op(opLocalGet, lEnd)
		w.raw(opI32GeS)
		w.op(opBrIf, 1)
		setup()
		w.op(opLocalGet, lI)
		w.op(opLocalSet, lQ)
		w.op(opLocalGet, lRows)
		w.op(opLocalSet, lR)
		w.block()
		w.loop()
		w.op(opLocalGet, lR)
		w.i32const(0)
		w.raw(opI32LeS)
		w.op(opBrIf, 1)
		body()
		w.op(opLocalGet, lQ)
		w.op(opLocalGet, lLd)
		w.raw(opI32Add)
		w.op(opLocalSet, lQ)
		w.step(lR, opI32Sub, 1)
		w.op(opBr, 0)
		w.raw(opEnd)
		w.raw(opEnd)
		teardown()
		w.step(lI, opI32Add, 16)
		w.op(opBr, 0)
		w.raw(opEnd)
		w.raw(opEnd)
		w.raw(opEnd)
	}
	// leakyOf pushes bitselect(v*slope, v, v < 0) of local v: Go's
	// `if v < 0 { v *= slope }` lane by lane.
	leakyOf := func(v int) {
		w.op(opLocalGet, v)
		w.op(opLocalGet, vSlope)
		w.simd(simdF32x4Mul)
		w.op(opLocalGet, v)
		w.op(opLocalGet, v)
		w.v128zero()
		w.simd(simdF32x4Lt)
		w.simd(simdV128Bitselect)
	}
	// Center (a = h, dst = xh, C1 = mean, C2 = the sums of squares out):
	// c = h - mean; xh = c; ss += c*c.
	cols(ewBNCenter, func() {
		set(vK1, func() { col(lC1) })
		zero(vAcc)
	}, func() {
		el(lDst)
		ld(lA)
		w.op(opLocalGet, vK1)
		w.simd(simdF32x4Sub)
		w.op(opLocalTee, vV)
		w.simdStore(0)
		acc(vAcc, func() {
			w.op(opLocalGet, vV)
			w.op(opLocalGet, vV)
			w.simd(simdF32x4Mul)
		})
	}, func() { store(lC2, vAcc) })
	// Out (a = xh, rewritten, dst = y, C1 = inverse deviations, C2 =
	// gamma, C3 = beta): x = xh*inv; xh = x; y = leaky(x*gamma + beta).
	cols(ewBNOut, func() {
		set(vK1, func() { col(lC1) })
		set(vK2, func() { col(lC2) })
		set(vK3, func() { col(lC3) })
	}, func() {
		el(lA)
		ld(lA)
		w.op(opLocalGet, vK1)
		w.simd(simdF32x4Mul)
		w.op(opLocalTee, vV)
		w.simdStore(0)
		w.op(opLocalGet, vV)
		w.op(opLocalGet, vK2)
		w.simd(simdF32x4Mul)
		w.op(opLocalGet, vK3)
		w.simd(simdF32x4Add)
		w.op(opLocalSet, vM)
		el(lDst)
		leakyOf(vM)
		w.simdStore(0)
	}, func() {})
	// GradU (a = dy, b = y, z = xhat, dst = du, C1 and C2 the sums out):
	// g = y < 0 ? dy*slope : dy; du = g; s1 += g; s2 += g*xhat.
	cols(ewBNGradU, func() {
		zero(vAcc)
		zero(vAcc2)
	}, func() {
		set(vM, func() { ld(lA) })
		el(lDst)
		w.op(opLocalGet, vM)
		w.op(opLocalGet, vSlope)
		w.simd(simdF32x4Mul)
		w.op(opLocalGet, vM)
		ld(lB)
		w.v128zero()
		w.simd(simdF32x4Lt)
		w.simd(simdV128Bitselect)
		w.op(opLocalTee, vV)
		w.simdStore(0)
		acc(vAcc, get(vV))
		acc(vAcc2, func() {
			w.op(opLocalGet, vV)
			ld(lZ)
			w.simd(simdF32x4Mul)
		})
	}, func() {
		store(lC1, vAcc)
		store(lC2, vAcc2)
	})
	// GradH (a = du, z = xhat, dst = dh, C1 = inv, C2 = gamma, C3 =
	// sumDu, C4 = sumDuXhat, s = rows as a float32):
	// dh = inv/s * ((s*du*g - g*sumDu) - xhat*g*sumDuXhat).
	cols(ewBNGradH, func() {
		set(vK1, func() {
			col(lC1)
			w.op(opLocalGet, vSlope)
			w.simd(simdF32x4Div)
		})
		set(vK2, func() { col(lC2) })
		set(vK3, func() { col(lC3) })
		set(vK4, func() { col(lC4) })
	}, func() {
		el(lDst)
		w.op(opLocalGet, vK1)
		w.op(opLocalGet, vSlope)
		ld(lA)
		w.simd(simdF32x4Mul)
		w.op(opLocalGet, vK2)
		w.simd(simdF32x4Mul)
		w.op(opLocalGet, vK2)
		w.op(opLocalGet, vK3)
		w.simd(simdF32x4Mul)
		w.simd(simdF32x4Sub)
		ld(lZ)
		w.op(opLocalGet, vK2)
		w.simd(simdF32x4Mul)
		w.op(opLocalGet, vK4)
		w.simd(simdF32x4Mul)
		w.simd(simdF32x4Sub)
		w.simd(simdF32x4Mul)
		w.simdStore(0)
	}, func() {})

	// SplitMix (b = the states of the first two draws, 16 bytes; s = the
	// kept value; s2 = the drop threshold as a uint32): per 4 entries two
	// draws z of SplitMix64 from st, the states of lanes 0 and 1 (st += 2γ
	// after), each draw's low then high 32 bits giving two entries:
	// entry = u < thr ? +0 : keep.
	i64splat := func(v uint64) {
		w.b = sleb(append(w.b, opI64Const), int64(v))
		w.simd(simdI64x2Splat)
	}
	xorShr := func(v, k int) { // v ^ (v >> k), lane-wise uint64
		w.op(opLocalGet, v)
		w.op(opLocalGet, v)
		w.i32const(k)
		w.simd(simdI64x2ShrU)
		w.simd(simdV128Xor)
	}
	w.op(opLocalGet, lOp)
	w.i32const(ewSplitMix)
	w.raw(opI32Eq)
	w.ifVoid()
	w.op(opLocalGet, lB)
	w.simdLoad(0)
	w.op(opLocalSet, vK1) // st
	i64splat(2 * splitMixGamma & (1<<64 - 1))
	w.op(opLocalSet, vK2)
	i64splat(0xbf58476d1ce4e5b9)
	w.op(opLocalSet, vK3)
	i64splat(0x94d049bb133111eb)
	w.op(opLocalSet, vK4)
	each(ewSplitMix, func() {
		w.op(opLocalGet, vK1)
		w.op(opLocalSet, vV)
		xorShr(vV, 30)
		w.op(opLocalGet, vK3)
		w.simd(simdI64x2Mul)
		w.op(opLocalSet, vV)
		xorShr(vV, 27)
		w.op(opLocalGet, vK4)
		w.simd(simdI64x2Mul)
		w.op(opLocalSet, vV)
		xorShr(vV, 31)
		w.op(opLocalSet, vV)
		w.op(opLocalGet, vK1)
		w.op(opLocalGet, vK2)
		w.simd(simdI64x2Add)
		w.op(opLocalSet, vK1)
		w.op(opLocalGet, vSlope)
		w.op(opLocalGet, vV)
		w.op(opLocalGet, vS2)
		w.simd(simdI32x4LtU)
		w.simd(simdV128AndNot)
	})
	w.raw(opEnd)

	// Col2im (a = the im2col gradient, dst = dx, cleared by the caller;
	// rows = sequences, n = channels c, ld = the row length w of a; S2..S6
	// as int32: inL, outL, k, stride, pad): for every sequence, output
	// position o and tap j with pos = o*stride + j - pad inside the
	// sequence, dx[seq, pos, :c] += a[seq*outL + o, j*c : j*c+c], four
	// lanes at a time and the last c%4 one by one.
	w.op(opLocalGet, lOp)
	w.i32const(ewCol2im)
	w.raw(opI32Eq)
	w.ifVoid()
	for k, l := range []int{lInL, lOutL, lK, lStride, lPad} {
		w.op(opLocalGet, lP)
		w.load(opI32Load, 2, 4*(epS2+k))
		w.op(opLocalSet, l)
	}
	w.op(opLocalGet, lP)
	w.load(opI32Load, 2, 4*epN)
	w.op(opLocalSet, lEnd) // c in elements here
	w.op(opLocalGet, lP)
	w.load(opI32Load, 2, 4*epLd)
	w.op(opLocalSet, lW)
	// forLoop emits for v = 0; v < lim; v++ { body() }
	forLoop := func(v, lim int, body func()) {
		w.i32const(0)
		w.op(opLocalSet, v)
		w.block()
		w.loop()
		w.op(opLocalGet, v)
		w.op(opLocalGet, lim)
		w.raw(opI32GeS)
		w.op(opBrIf, 1)
		body()
		w.step(v, opI32Add, 1)
		w.op(opBr, 0)
		w.raw(opEnd)
		w.raw(opEnd)
	}
	forLoop(lN, lRows, func() {
		forLoop(lO, lOutL, func() {
			forLoop(lJ, lK, func() {
				// pos = o*stride + j - pad; skip unless 0 <= pos < inL
				w.op(opLocalGet, lO)
				w.op(opLocalGet, lStride)
				w.raw(opI32Mul)
				w.op(opLocalGet, lJ)
				w.raw(opI32Add)
				w.op(opLocalGet, lPad)
				w.raw(opI32Sub)
				w.op(opLocalTee, lPos)
				w.op(opLocalGet, lInL)
				w.raw(opI32LtU) // unsigned: negative positions are large
				w.ifVoid()
				// d = dst + 4*((n*inL + pos)*c); s = a + 4*((n*outL + o)*w + j*c)
				w.op(opLocalGet, lDst)
				w.op(opLocalGet, lN)
				w.op(opLocalGet, lInL)
				w.raw(opI32Mul)
				w.op(opLocalGet, lPos)
				w.raw(opI32Add)
				w.op(opLocalGet, lEnd)
				w.raw(opI32Mul)
				w.i32const(2)
				w.raw(opI32Shl)
				w.raw(opI32Add)
				w.op(opLocalSet, lD)
				w.op(opLocalGet, lA)
				w.op(opLocalGet, lN)
				w.op(opLocalGet, lOutL)
				w.raw(opI32Mul)
				w.op(opLocalGet, lO)
				w.raw(opI32Add)
				w.op(opLocalGet, lW)
				w.raw(opI32Mul)
				w.op(opLocalGet, lJ)
				w.op(opLocalGet, lEnd)
				w.raw(opI32Mul)
				w.raw(opI32Add)
				w.i32const(2)
				w.raw(opI32Shl)
				w.raw(opI32Add)
				w.op(opLocalSet, lS)
				// for q = 0; q+4 <= c; q += 4 (bytes in lI)
				w.i32const(0)
				w.op(opLocalSet, lI)
				w.block()
				w.loop()
				w.op(opLocalGet, lI)
				w.i32const(16)
				w.raw(opI32Add)
				w.op(opLocalGet, lEnd)
				w.i32const(2)
				w.raw(opI32Shl)
				w.raw(opI32GtS)
				w.op(opBrIf, 1)
				w.op(opLocalGet, lD)
				w.op(opLocalGet, lI)
				w.raw(opI32Add)
				at(lD)
				at(lS)
				w.simd(simdF32x4Add)
				w.simdStore(0)
				w.step(lI, opI32Add, 16)
				w.op(opBr, 0)
				w.raw(opEnd)
				w.raw(opEnd)
				// the rest one by one
				w.block()
				w.loop()
				w.op(opLocalGet, lI)
				w.op(opLocalGet, lEnd)
				w.i32const(2)
				w.raw(opI32Shl)
				w.raw(opI32GeS)
				w.op(opBrIf, 1)
				w.op(opLocalGet, lD)
				w.op(opLocalGet, lI)
				w.raw(opI32Add)
				w.op(opLocalGet, lD)
				w.op(opLocalGet, lI)
				w.raw(opI32Add)
				w.load(opF32Load, 2, 0)
				w.op(opLocalGet, lS)
				w.op(opLocalGet, lI)
				w.raw(opI32Add)
				w.load(opF32Load, 2, 0)
				w.raw(opF32Add)
				w.load(opF32Store, 2, 0)
				w.step(lI, opI32Add, 4)
				w.op(opBr, 0)
				w.raw(opEnd)
				w.raw(opEnd)
				w.raw(opEnd) // if pos inside
			})
		})
	})
	w.raw(opEnd)

	w.raw(opEnd) // function

	var fn []byte
	fn = append(fn, uleb(nil, 2)...) // two local groups
	fn = append(fn, uleb(nil, nI32)...)
	fn = append(fn, valI32)
	fn = append(fn, uleb(nil, nV128)...)
	fn = append(fn, valV128)
	return append(fn, w.b...)
}
