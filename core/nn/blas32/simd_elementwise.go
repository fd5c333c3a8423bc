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
// v's sign bit as all ones or zeros). actOp (simd_wasm.go) relies on the
// order of the first nine: each masked op after its op, the gradients in
// the order of the activations.
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
	ewPackBT                   // packB's Trans case: dst[(jp*kb+p)*8+q] = a[(jp*8+q)*ld + p], jp < n/8, p < 4*rows (C1: kb*32)
	ewDotRows                  // dst[r] = (l0+l1)+(l2+l3), l the lane sums of a[r*ld+j]*b[j], j < n, r < rows
	ewAdd                      // dst = a + b
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
	opI32And       = 0x71
	simdI64x2Splat = 18
	simdI32x4LtU   = 58
	simdV128Xor    = 81
	simdI64x2ShrU  = 205
	simdI64x2Add   = 206
	simdI64x2Mul   = 213
	simdI8x16Shuf  = 13
	simdF32x4Lane  = 31         // f32x4.extract_lane
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
		lVec // Col2im: bytes of whole vectors of a segment, and of all of it
		lAll
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
	w.set(lP)
	for _, sl := range [][2]int{{epOp, lOp}, {epDst, lDst}, {epA, lA}, {epB, lB}, {epZ, lZ}, {epRows, lRows},
		{epC1, lC1}, {epC2, lC2}, {epC3, lC3}, {epC4, lC4}} {
		w.get(lP)
		w.load(opI32Load, 2, 4*sl[0])
		w.set(sl[1])
	}
	for _, sl := range [][2]int{{epN, lEnd}, {epLd, lLd}} { // elements to bytes
		w.get(lP)
		w.load(opI32Load, 2, 4*sl[0])
		w.i32const(2)
		w.raw(opI32Shl)
		w.set(sl[1])
	}
	for k, l := range []int{vSlope, vS2, vS3, vS4, vS5, vS6} {
		slot := epSlope
		if k > 0 {
			slot = epS2 + k - 1
		}
		w.get(lP)
		w.load(opF32Load, 2, 4*slot)
		w.simd(simdF32x4Splat)
		w.set(l)
	}
	w.i32const(f32One)
	w.simd(simdI32x4Splat)
	w.set(vOne)

	// at pushes the v128 at local base + i.
	at := func(base int) {
		w.addr(base, lI)
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
		w.get(vSlope)
		w.get(vOne)
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
	// storeAt stores the v128 push() leaves at local base + i.
	storeAt := func(base int, push func()) {
		w.addr(base, lI)
		push()
		w.simdStore(0)
	}
	// each emits, when op is code: setup(), then
	// for i = 0; i < end; i += 16 { dst[i] = val() }.
	each := func(code int, setup, val func()) {
		w.ifEq(lOp, code, func() {
			if setup != nil {
				setup()
			}
			w.forUp(lI, lEnd, 16, func() { storeAt(lDst, val) })
		})
	}
	each(ewReLU, nil, relu)
	each(ewReLUMask, nil, func() { relu(); times(lB) })
	each(ewLeaky, nil, func() { at(lA); factor(lA); w.simd(simdF32x4Mul) })
	each(ewLeakyMask, nil, func() { at(lA); factor(lA); w.simd(simdF32x4Mul); times(lB) })
	each(ewMask, nil, func() { at(lA); times(lB) })
	each(ewGradReLU, nil, func() { at(lA); sign(lZ); w.simd(simdV128AndNot) })
	each(ewGradReLUMask, nil, func() { at(lA); sign(lZ); w.simd(simdV128AndNot); times(lB) })
	each(ewGradLeaky, nil, func() { at(lA); factor(lZ); w.simd(simdF32x4Mul) })
	each(ewGradLeakyMask, nil, func() { at(lA); factor(lZ); w.simd(simdF32x4Mul); times(lB) })
	each(ewScale, nil, func() { at(lA); w.get(vSlope); w.simd(simdF32x4Mul) })
	each(ewAdd, nil, func() { at(lA); at(lB); w.simd(simdF32x4Add) })
	// EMA: dst = s*dst + s2*a
	each(ewEMA, nil, func() {
		w.get(vSlope)
		times(lDst)
		w.get(vS2)
		times(lA)
		w.simd(simdF32x4Add)
	})
	// Adam (dst = w, a = g, b = m, z = v; s..s6 = b1, 1-b1, b2, 1-b2, lrt,
	// eps): m = b1*m + (1-b1)*g; v = b2*v + ((1-b2)*g)*g;
	// w = w - (lrt*m)/(sqrt(v)+eps), m and v stored on the way.
	each(ewAdam, nil, func() {
		storeAt(lB, func() {
			w.get(vSlope)
			times(lB)
			w.get(vS2)
			times(lA)
			w.simd(simdF32x4Add)
			w.tee(vM)
		})
		storeAt(lZ, func() {
			w.get(vS3)
			times(lZ)
			w.get(vS4)
			times(lA)
			times(lA)
			w.simd(simdF32x4Add)
			w.tee(vV)
		})
		at(lDst)
		w.get(vS5)
		w.get(vM)
		w.simd(simdF32x4Mul)
		w.get(vV)
		w.simd(simdF32x4Sqrt)
		w.get(vS6)
		w.simd(simdF32x4Add)
		w.simd(simdF32x4Div)
		w.simd(simdF32x4Sub)
	})
	// Momentum (dst = w, a = g, b = c, s = -lr, s2 = momentum):
	// c = c*momentum + g*(-lr); w = w + c, c stored and g zeroed on the way.
	each(ewMomentum, nil, func() {
		storeAt(lB, func() {
			at(lB)
			w.get(vS2)
			w.simd(simdF32x4Mul)
			at(lA)
			w.get(vSlope)
			w.simd(simdF32x4Mul)
			w.simd(simdF32x4Add)
			w.tee(vM)
		})
		storeAt(lA, w.v128zero)
		at(lDst)
		w.get(vM)
		w.simd(simdF32x4Add)
	})
	each(ewKeepPositive, nil, func() {
		at(lA)
		at(lZ)
		w.v128zero()
		w.simd(simdI32x4GtS)
		w.simd(simdV128And)
	})

	// The column passes over a rows×n matrix (rows ld bytes apart), column
	// block by column block: for i = 0; i < end; i += 16 { setup(); q = i;
	// for r = rows; r > 0; r-- { body(); q += ld }; teardown() }, where el(base)
	// is the address base + q and ld(base) the v128 there; at(base) is the
	// column vector at base + i.
	el := func(base int) { w.addr(base, lQ) }
	ld := func(base int) {
		el(base)
		w.simdLoad(0)
	}
	set := func(v int, push func()) {
		push()
		w.set(v)
	}
	zero := func(v int) { set(v, w.v128zero) }
	acc := func(v int, push func()) { // v += push()
		w.get(v)
		push()
		w.simd(simdF32x4Add)
		w.set(v)
	}
	store := func(base, v int) { storeAt(base, func() { w.get(v) }) }
	cols := func(code int, setup, body, teardown func()) {
		w.ifEq(lOp, code, func() {
			w.forUp(lI, lEnd, 16, func() {
				setup()
				w.get(lI)
				w.set(lQ)
				w.forDown(lR, lRows, func() {
					body()
					w.addLocal(lQ, lLd)
				})
				teardown()
			})
		})
	}
	// ColSums and WColSums (weights at b, one per row): acc = 0;
	// acc += load(q) or acc += splat(*wt) * load(q), wt += 4.
	for _, weighted := range []bool{false, true} {
		code := ewColSums
		if weighted {
			code = ewWColSums
		}
		cols(code, func() {
			zero(vAcc)
			w.get(lB)
			w.set(lS)
		}, func() {
			acc(vAcc, func() {
				if weighted {
					w.get(lS)
					w.load(opF32Load, 2, 0)
					w.simd(simdF32x4Splat)
					w.step(lS, opI32Add, 4)
				}
				ld(lA)
				if weighted {
					w.simd(simdF32x4Mul)
				}
			})
		}, func() { store(lDst, vAcc) })
	}

	// Rank1Sub: for r = rows; r > 0; r-- { xr = splat(*z);
	// for i = 0; i < end; i += 16 { dst[i] = a[i]*s - xr*b[i] };
	// dst += ld; a += ld; z += 4 }
	w.ifEq(lOp, ewRank1Sub, func() {
		w.forDown(lR, lRows, func() {
			w.get(lZ)
			w.load(opF32Load, 2, 0)
			w.simd(simdF32x4Splat)
			w.set(vAcc)
			w.forUp(lI, lEnd, 16, func() {
				storeAt(lDst, func() {
					at(lA)
					w.get(vSlope)
					w.simd(simdF32x4Mul)
					w.get(vAcc)
					times(lB)
					w.simd(simdF32x4Sub)
				})
			})
			w.addLocal(lDst, lLd)
			w.addLocal(lA, lLd)
			w.step(lZ, opI32Add, 4)
		})
	})

	// PackB: d = dst; for i = 0; i < end; i += 32 { s = a + i;
	// for r = rows; r > 0; r-- { d[0:8] = s[0:8]; s += ld; d += 32 } }
	w.ifEq(lOp, ewPackB, func() {
		w.get(lDst)
		w.set(lD)
		w.forUp(lI, lEnd, 32, func() {
			w.addr(lA, lI)
			w.set(lS)
			w.forDown(lR, lRows, func() {
				for h := 0; h < 2; h++ {
					w.get(lD)
					w.get(lS)
					w.simdLoad(16 * h)
					w.simdStore(16 * h)
				}
				w.addLocal(lS, lLd)
				w.step(lD, opI32Add, 32)
			})
		})
	})

	// PackBT: lZ = dst (panel base), lS = a (the panel's first row);
	// for each panel: d = lZ, o = 0 (depth byte offset); rows times:
	// two 4x4 transposes (rows 0-3, then 4-7, of depth o..o+3) into
	// d[0:4], d[8:12], ... and d[4:8], d[12:16], ...; d += 128, o += 16;
	// then lZ += C1 (the panel's bytes: kb*32), lS += 8*ld.
	w.ifEq(lOp, ewPackBT, func() {
		rs := [4]int{vAcc, vS2, vS3, vS4}
		ts := [4]int{vS5, vS6, vM, vV}
		// shuf pushes the i32 lanes ln of locals a (0-3) and b (4-7).
		shuf := func(a, b int, ln [4]int) {
			w.get(a)
			w.get(b)
			w.simd(simdI8x16Shuf)
			for _, l := range ln {
				for k := 0; k < 4; k++ {
					w.b = append(w.b, byte(4*l+k))
				}
			}
		}
		w.get(lDst)
		w.set(lZ)
		w.get(lA)
		w.set(lS)
		w.forUp(lI, lEnd, 32, func() {
			w.get(lZ)
			w.set(lD)
			w.i32const(0)
			w.set(lQ)
			w.forDown(lR, lRows, func() {
				for blk := 0; blk < 2; blk++ {
					for q := 0; q < 4; q++ {
						w.get(lS)
						if row := blk*4 + q; row > 0 {
							w.get(lLd)
							w.i32const(row)
							w.raw(opI32Mul)
							w.raw(opI32Add)
						}
						w.get(lQ)
						w.raw(opI32Add)
						w.simdLoad(0)
						w.set(rs[q])
					}
					shuf(rs[0], rs[1], [4]int{0, 4, 1, 5})
					w.set(ts[0])
					shuf(rs[0], rs[1], [4]int{2, 6, 3, 7})
					w.set(ts[1])
					shuf(rs[2], rs[3], [4]int{0, 4, 1, 5})
					w.set(ts[2])
					shuf(rs[2], rs[3], [4]int{2, 6, 3, 7})
					w.set(ts[3])
					for k, src := range [4][3]int{{0, 2, 0}, {0, 2, 1}, {1, 3, 0}, {1, 3, 1}} {
						w.get(lD)
						lo := [4]int{0, 1, 4, 5}
						if src[2] == 1 {
							lo = [4]int{2, 3, 6, 7}
						}
						shuf(ts[src[0]], ts[src[1]], lo)
						w.simdStore(32*k + 16*blk)
					}
				}
				w.step(lD, opI32Add, 128)
				w.step(lQ, opI32Add, 16)
			})
			w.addLocal(lZ, lC1)
			w.get(lS)
			w.get(lLd)
			w.i32const(3)
			w.raw(opI32Shl)
			w.raw(opI32Add)
			w.set(lS)
		})
	})

	// DotRows: for each row: acc = 0; for i < end: acc += a[i]*b[i]
	// (lane by lane, the product rounded, then the sum); dst[0] =
	// (acc0+acc1)+(acc2+acc3); dst += 4; a += ld.
	w.ifEq(lOp, ewDotRows, func() {
		w.forDown(lR, lRows, func() {
			w.v128zero()
			w.set(vAcc)
			w.forUp(lI, lEnd, 16, func() {
				w.get(vAcc)
				at(lA)
				at(lB)
				w.simd(simdF32x4Mul)
				w.simd(simdF32x4Add)
				w.set(vAcc)
			})
			w.get(lDst)
			for _, l := range []int{0, 1, -1, 2, 3, -1, -1} { // -1: f32.add
				if l < 0 {
					w.raw(opF32Add)
					continue
				}
				w.get(vAcc)
				w.simd(simdF32x4Lane)
				w.b = append(w.b, byte(l))
			}
			w.load(opF32Store, 2, 0)
			w.step(lDst, opI32Add, 4)
			w.addLocal(lA, lLd)
		})
	})

	// leakyOf pushes bitselect(v*slope, v, v < 0) of local v: Go's
	// `if v < 0 { v *= slope }` lane by lane.
	leakyOf := func(v int) {
		w.get(v)
		w.get(vSlope)
		w.simd(simdF32x4Mul)
		w.get(v)
		w.get(v)
		w.v128zero()
		w.simd(simdF32x4Lt)
		w.simd(simdV128Bitselect)
	}
	none := func() {}
	// Center (a = h, dst = xh, C1 = mean, C2 = the sums of squares out):
	// c = h - mean; xh = c; ss += c*c.
	cols(ewBNCenter, func() {
		set(vK1, func() { at(lC1) })
		zero(vAcc)
	}, func() {
		el(lDst)
		ld(lA)
		w.get(vK1)
		w.simd(simdF32x4Sub)
		w.tee(vV)
		w.simdStore(0)
		acc(vAcc, func() {
			w.get(vV)
			w.get(vV)
			w.simd(simdF32x4Mul)
		})
	}, func() { store(lC2, vAcc) })
	// Out (a = xh, rewritten, dst = y, C1 = inverse deviations, C2 =
	// gamma, C3 = beta): x = xh*inv; xh = x; y = leaky(x*gamma + beta).
	cols(ewBNOut, func() {
		set(vK1, func() { at(lC1) })
		set(vK2, func() { at(lC2) })
		set(vK3, func() { at(lC3) })
	}, func() {
		el(lA)
		ld(lA)
		w.get(vK1)
		w.simd(simdF32x4Mul)
		w.tee(vV)
		w.simdStore(0)
		w.get(vV)
		w.get(vK2)
		w.simd(simdF32x4Mul)
		w.get(vK3)
		w.simd(simdF32x4Add)
		w.set(vM)
		el(lDst)
		leakyOf(vM)
		w.simdStore(0)
	}, none)
	// GradU (a = dy, b = y, z = xhat, dst = du, C1 and C2 the sums out):
	// g = y < 0 ? dy*slope : dy; du = g; s1 += g; s2 += g*xhat.
	cols(ewBNGradU, func() {
		zero(vAcc)
		zero(vAcc2)
	}, func() {
		set(vM, func() { ld(lA) })
		el(lDst)
		w.get(vM)
		w.get(vSlope)
		w.simd(simdF32x4Mul)
		w.get(vM)
		ld(lB)
		w.v128zero()
		w.simd(simdF32x4Lt)
		w.simd(simdV128Bitselect)
		w.tee(vV)
		w.simdStore(0)
		acc(vAcc, func() { w.get(vV) })
		acc(vAcc2, func() {
			w.get(vV)
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
			at(lC1)
			w.get(vSlope)
			w.simd(simdF32x4Div)
		})
		set(vK2, func() { at(lC2) })
		set(vK3, func() { at(lC3) })
		set(vK4, func() { at(lC4) })
	}, func() {
		el(lDst)
		w.get(vK1)
		w.get(vSlope)
		ld(lA)
		w.simd(simdF32x4Mul)
		w.get(vK2)
		w.simd(simdF32x4Mul)
		w.get(vK2)
		w.get(vK3)
		w.simd(simdF32x4Mul)
		w.simd(simdF32x4Sub)
		ld(lZ)
		w.get(vK2)
		w.simd(simdF32x4Mul)
		w.get(vK4)
		w.simd(simdF32x4Mul)
		w.simd(simdF32x4Sub)
		w.simd(simdF32x4Mul)
		w.simdStore(0)
	}, none)

	// SplitMix (b = the states of the first two draws, 16 bytes; s = the
	// kept value; s2 = the drop threshold as a uint32): per 4 entries two
	// draws z of SplitMix64 from st, the states of lanes 0 and 1 (st += 2γ
	// after), each draw's low then high 32 bits giving two entries:
	// entry = u < thr ? +0 : keep.
	i64splat := func(v uint64) {
		w.b = sleb(append(w.b, opI64Const), int64(v))
		w.simd(simdI64x2Splat)
	}
	// mix sets vV = (vV ^ (vV >> k)) * mul lane-wise (uint64; mul < 0:
	// no multiply).
	mix := func(k, mul int) {
		w.get(vV)
		w.get(vV)
		w.i32const(k)
		w.simd(simdI64x2ShrU)
		w.simd(simdV128Xor)
		if mul >= 0 {
			w.get(mul)
			w.simd(simdI64x2Mul)
		}
		w.set(vV)
	}
	each(ewSplitMix, func() {
		w.get(lB)
		w.simdLoad(0)
		w.set(vK1) // st
		i64splat(2 * splitMixGamma & (1<<64 - 1))
		w.set(vK2)
		i64splat(0xbf58476d1ce4e5b9)
		w.set(vK3)
		i64splat(0x94d049bb133111eb)
		w.set(vK4)
	}, func() {
		w.get(vK1)
		w.set(vV)
		mix(30, vK3)
		mix(27, vK4)
		mix(31, -1)
		w.get(vK1)
		w.get(vK2)
		w.simd(simdI64x2Add)
		w.set(vK1)
		w.get(vSlope)
		w.get(vV)
		w.get(vS2)
		w.simd(simdI32x4LtU)
		w.simd(simdV128AndNot)
	})

	// Col2im (a = the im2col gradient, dst = dx, cleared by the caller;
	// rows = sequences, n = channels c, ld = the row length w of a; S2..S6
	// as int32: inL, outL, k, stride, pad): for every sequence, output
	// position o and tap j with pos = o*stride + j - pad inside the
	// sequence, dx[seq, pos, :c] += a[seq*outL + o, j*c : j*c+c], four
	// lanes at a time and the last c%4 one by one.
	w.ifEq(lOp, ewCol2im, func() {
		for k, l := range []int{lInL, lOutL, lK, lStride, lPad} {
			w.get(lP)
			w.load(opI32Load, 2, 4*(epS2+k))
			w.set(l)
		}
		w.get(lP)
		w.load(opI32Load, 2, 4*epN)
		w.set(lEnd) // c in elements here
		w.get(lP)
		w.load(opI32Load, 2, 4*epLd)
		w.set(lW)
		// lVec, lAll: bytes of c rounded down to whole vectors, and of c
		w.get(lEnd)
		w.i32const(2)
		w.raw(opI32Shl)
		w.tee(lAll)
		w.i32const(-16)
		w.raw(opI32And)
		w.set(lVec)
		w.forUp(lN, lRows, 1, func() {
			w.forUp(lO, lOutL, 1, func() {
				w.forUp(lJ, lK, 1, func() {
					// pos = o*stride + j - pad; skip unless 0 <= pos < inL
					w.get(lO)
					w.get(lStride)
					w.raw(opI32Mul)
					w.get(lJ)
					w.raw(opI32Add)
					w.get(lPad)
					w.raw(opI32Sub)
					w.tee(lPos)
					w.get(lInL)
					w.raw(opI32LtU) // unsigned: negative positions are large
					w.ifVoid()
					// d = dst + 4*((n*inL + pos)*c); s = a + 4*((n*outL + o)*w + j*c)
					w.get(lDst)
					w.get(lN)
					w.get(lInL)
					w.raw(opI32Mul)
					w.get(lPos)
					w.raw(opI32Add)
					w.get(lEnd)
					w.raw(opI32Mul)
					w.i32const(2)
					w.raw(opI32Shl)
					w.raw(opI32Add)
					w.set(lD)
					w.get(lA)
					w.get(lN)
					w.get(lOutL)
					w.raw(opI32Mul)
					w.get(lO)
					w.raw(opI32Add)
					w.get(lW)
					w.raw(opI32Mul)
					w.get(lJ)
					w.get(lEnd)
					w.raw(opI32Mul)
					w.raw(opI32Add)
					w.i32const(2)
					w.raw(opI32Shl)
					w.raw(opI32Add)
					w.set(lS)
					w.forUp(lI, lVec, 16, func() {
						storeAt(lD, func() {
							at(lD)
							at(lS)
							w.simd(simdF32x4Add)
						})
					})
					w.whileLt(lI, lAll, 4, func() { // the rest one by one
						w.addr(lD, lI)
						w.addr(lD, lI)
						w.load(opF32Load, 2, 0)
						w.addr(lS, lI)
						w.load(opF32Load, 2, 0)
						w.raw(opF32Add)
						w.load(opF32Store, 2, 0)
					})
					w.raw(opEnd) // if pos inside
				})
			})
		})
	})
	w.raw(opEnd) // function

	var fn []byte
	fn = append(fn, uleb(nil, 2)...) // two local groups
	fn = append(fn, uleb(nil, nI32)...)
	fn = append(fn, valI32)
	fn = append(fn, uleb(nil, nV128)...)
	fn = append(fn, valV128)
	return append(fn, w.b...)
}
