package blas32

// The WebAssembly SIMD kernel of js/wasm builds.
//
// Go's wasm port emits no SIMD instructions, so the pure-Go micro-kernel is
// scalar: one multiply and one add per instruction. simdModule assembles,
// instruction by instruction, a small separate WebAssembly module whose one
// hot function computes the same products four lanes at a time (f32x4). It
// imports the Go program's own linear memory (env.mem), so it reads A, B and
// writes its result where the Go slices live, without copying. It multiplies
// and adds in separate rounded steps (WebAssembly SIMD has no fused
// multiply-add) and sums each element's products in the order p = 0, 1, ...,
// k-1 from +0, as the Go kernels do, so its results are equal bit for bit to
// theirs and to the AVX kernel of amd64.
//
// The module is built here, in Go, rather than kept as a binary: it is the
// source, and a test checks it against the Go kernel.

// Parameter block read by rows (int32 slots, see simdParams).
const (
	spM      = iota // rows of A
	spK             // depth
	spNpan          // panels of B (NR columns each)
	spA             // byte address of A's base
	spAoff          // byte address of []int row offsets (elements from A's base), 0: row i at i*lda
	spLda           // row stride of A in elements when spAoff is 0
	spB             // byte address of the packed B (npan panels of k×NR)
	spT             // byte address of the output T, rows of ldt floats
	spLdt           // row stride of T in elements
	spBias          // byte address of a bias of npan*NR floats, 0: none
	spRelu          // 1: max(0, ·) as Go's `if v < 0 { v = 0 }`; 2: Go's `if v < 0 { v *= slope }`
	spTransA        // 1: A[i][p] at a + 4*(p*lda + i) (spAoff must be 0)
	spC             // byte address of C's element (0, 0) for the direct epilogue
	spLdc           // row stride of C in elements
	spAlpha         // float32 bits of alpha for the direct epilogue
	spNfull         // panels jp < nfull go to C (rows < m only); the rest go to T
	spCoff          // byte address of []int C row offsets (elements from C): panels jp < nfull overwrite C[coff[i]+jp*8:]; 0: add alpha*product to C[i*ldc+jp*8:]
	spSlope         // float32 bits of the leaky slope (spRelu 2)
	spCount
)

// simdRowBlock is the number of rows of A the SIMD kernel takes at a time:
// T must have room for m rounded up to a multiple of it. The kernel is
// written for any value; 5 and 6 rows (10 and 12 accumulators) ran the
// products 1.3-2.4x slower than 4 in V8 (BenchmarkGemm, 2026-12-03): its
// register allocator spills them.
const simdRowBlock = 4

// simdModule returns the kernel module. Its exports:
//
//	setp(p i32)  stores the address of the parameter block
//	rows()       T[i][jp*8+q] = f(bias + sum_p A[i][p] * B[p][jp*8+q]) for
//	             i < m rounded up to 4 (rows past m repeat row m-1),
//	             nfull <= jp < npan, q < 8, where A[i][p] is the float32 at
//	             a + 4*(off(i)+p) (or a + 4*(p*lda+i) with transA); and for
//	             jp < nfull, C[i][jp*8+q] += alpha * sum_p A[i][p] * B[p][jp*8+q]
//	             for i < m (Go's row[q] += alpha * acc[q], rounded alike), or
//	             with coff, C[coff[i]+jp*8+q] = f(bias + sum_p ...) (GemmRows)
func simdModule() []byte {
	const nrW = 8 // NR of js/wasm; the kernel is written for it
	var w wasmAsm

	// Locals of rows (all i32 first, then v128).
	const (
		lP = iota
		lM
		lK
		lNpan
		lA
		lAoff
		lLda
		lB
		lT
		lLdt
		lBias
		lRelu
		lI
		lJp
		lP2 // depth counter
		lBp
		lR0                       // row addresses r0..r(R-1)
		lQ0  = lR0 + simdRowBlock // running A pointers q0..q(R-1)
		lTr  = lQ0 + simdRowBlock // output address
		lIdx = lTr + iota - lR0 - 2
		lTransA
		lC
		lLdc
		lNfull
		lCoff
		lQstep // bytes between A[i][p] and A[i][p+1]
		nI32
	)
	const (
		nC     = 2 * simdRowBlock // accumulators: row r, half h at c(2r+h)
		vC0    = nI32
		vB0    = nI32 + nC
		vB1    = vB0 + 1
		vS     = vB0 + 2
		vAlpha = vB0 + 3
		vSlope = vB0 + 4
		nV128  = nC + 5
	)

	body := &w
	// rowPanel sets tr = base + 4*((i+r)*ld + jp*8): row i+r, panel jp of
	// the matrix at local base with row stride local ld.
	rowPanel := func(base, ld, r int) {
		body.op(opLocalGet, base)
		body.op(opLocalGet, lI)
		body.i32const(r)
		body.raw(opI32Add)
		body.op(opLocalGet, ld)
		body.raw(opI32Mul)
		body.op(opLocalGet, lJp)
		body.i32const(3)
		body.raw(opI32Shl)
		body.raw(opI32Add)
		body.i32const(2)
		body.raw(opI32Shl)
		body.raw(opI32Add)
		body.op(opLocalSet, lTr)
	}
	// Load the parameter block.
	body.op(opGlobalGet, 0)
	body.op(opLocalSet, lP)
	for slot, l := range []int{lM, lK, lNpan, lA, lAoff, lLda, lB, lT, lLdt, lBias, lRelu, lTransA, lC, lLdc} {
		body.op(opLocalGet, lP)
		body.load(opI32Load, 2, 4*slot)
		body.op(opLocalSet, l)
	}
	body.op(opLocalGet, lP)
	body.load(opI32Load, 2, 4*spNfull)
	body.op(opLocalSet, lNfull)
	body.op(opLocalGet, lP)
	body.load(opI32Load, 2, 4*spCoff)
	body.op(opLocalSet, lCoff)
	body.op(opLocalGet, lP)
	body.load(opF32Load, 2, 4*spAlpha)
	body.simd(simdF32x4Splat)
	body.op(opLocalSet, vAlpha)
	body.op(opLocalGet, lP)
	body.load(opF32Load, 2, 4*spSlope)
	body.simd(simdF32x4Splat)
	body.op(opLocalSet, vSlope)
	// qstep = transA ? 4*lda : 4
	body.op(opLocalGet, lLda)
	body.i32const(2)
	body.raw(opI32Shl)
	body.i32const(4)
	body.op(opLocalGet, lTransA)
	body.raw(opSelect)
	body.op(opLocalSet, lQstep)
	// for i = 0; i < m; i += 4
	body.forUp(lI, lM, simdRowBlock, func() {
		// row addresses
		for r := 0; r < simdRowBlock; r++ {
			// idx = min(i+r, m-1)
			body.op(opLocalGet, lI)
			body.i32const(r)
			body.raw(opI32Add)
			body.op(opLocalGet, lM)
			body.i32const(1)
			body.raw(opI32Sub)
			body.op(opLocalGet, lI)
			body.i32const(r)
			body.raw(opI32Add)
			body.op(opLocalGet, lM)
			body.raw(opI32LtS)
			body.raw(opSelect)
			body.op(opLocalSet, lIdx)
			// off = transA ? idx : aoff ? i64 aoff[idx] : idx*lda; r = a + 4*off
			body.op(opLocalGet, lA)
			body.op(opLocalGet, lTransA)
			body.ifI32()
			body.op(opLocalGet, lIdx)
			body.raw(opElse)
			body.op(opLocalGet, lAoff)
			body.ifI32()
			body.op(opLocalGet, lAoff)
			body.op(opLocalGet, lIdx)
			body.i32const(3)
			body.raw(opI32Shl)
			body.raw(opI32Add)
			body.load(opI64Load, 3, 0)
			body.raw(opI32WrapI64)
			body.raw(opElse)
			body.op(opLocalGet, lIdx)
			body.op(opLocalGet, lLda)
			body.raw(opI32Mul)
			body.raw(opEnd)
			body.raw(opEnd)
			body.i32const(2)
			body.raw(opI32Shl)
			body.raw(opI32Add)
			body.op(opLocalSet, lR0+r)
		}
		// for jp = 0; jp < npan; jp++
		body.forUp(lJp, lNpan, 1, func() {
			// bp = b + jp*k*32
			body.op(opLocalGet, lB)
			body.op(opLocalGet, lJp)
			body.op(opLocalGet, lK)
			body.raw(opI32Mul)
			body.i32const(5)
			body.raw(opI32Shl)
			body.raw(opI32Add)
			body.op(opLocalSet, lBp)
			for r := 0; r < simdRowBlock; r++ {
				body.op(opLocalGet, lR0+r)
				body.op(opLocalSet, lQ0+r)
			}
			for c := 0; c < nC; c++ {
				body.v128zero()
				body.op(opLocalSet, vC0+c)
			}
			// for p = k; p > 0; p--
			body.forDown(lP2, lK, func() {
				body.op(opLocalGet, lBp)
				body.simdLoad(0)
				body.op(opLocalSet, vB0)
				body.op(opLocalGet, lBp)
				body.simdLoad(16)
				body.op(opLocalSet, vB1)
				for r := 0; r < simdRowBlock; r++ {
					body.op(opLocalGet, lQ0+r)
					body.load(opF32Load, 2, 0)
					body.simd(simdF32x4Splat)
					body.op(opLocalSet, vS)
					for h := 0; h < 2; h++ {
						c := vC0 + 2*r + h
						body.op(opLocalGet, c)
						body.op(opLocalGet, vS)
						body.op(opLocalGet, vB0+h)
						body.simd(simdF32x4Mul)
						body.simd(simdF32x4Add)
						body.op(opLocalSet, c)
					}
					body.op(opLocalGet, lQ0+r)
					body.op(opLocalGet, lQstep)
					body.raw(opI32Add)
					body.op(opLocalSet, lQ0+r)
				}
				body.step(lBp, opI32Add, 4*nrW)
			}) // p
			// bias: c += bias[jp*8 : jp*8+8]
			body.op(opLocalGet, lBias)
			body.ifVoid()
			for c := 0; c < nC; c++ {
				body.op(opLocalGet, vC0+c)
				body.op(opLocalGet, lBias)
				body.op(opLocalGet, lJp)
				body.i32const(5)
				body.raw(opI32Shl)
				body.raw(opI32Add)
				body.simdLoad(16 * (c % 2))
				body.simd(simdF32x4Add)
				body.op(opLocalSet, vC0+c)
			}
			body.raw(opEnd)
			// relu (1): c = c &^ (c < 0), which keeps -0 and NaN as Go's v < 0
			// test does
			body.op(opLocalGet, lRelu)
			body.i32const(1)
			body.raw(opI32Eq)
			body.ifVoid()
			for c := 0; c < nC; c++ {
				body.op(opLocalGet, vC0+c)
				body.op(opLocalGet, vC0+c)
				body.v128zero()
				body.simd(simdF32x4Lt)
				body.simd(simdV128AndNot)
				body.op(opLocalSet, vC0+c)
			}
			body.raw(opEnd)
			// leaky (2): c = bitselect(c * slope, c, c < 0), Go's
			// `if v < 0 { v *= slope }` lane by lane
			body.op(opLocalGet, lRelu)
			body.i32const(2)
			body.raw(opI32Eq)
			body.ifVoid()
			for c := 0; c < nC; c++ {
				body.op(opLocalGet, vC0+c)
				body.op(opLocalGet, vSlope)
				body.simd(simdF32x4Mul)
				body.op(opLocalGet, vC0+c)
				body.op(opLocalGet, vC0+c)
				body.v128zero()
				body.simd(simdF32x4Lt)
				body.simd(simdV128Bitselect)
				body.op(opLocalSet, vC0+c)
			}
			body.raw(opEnd)
			// jp < nfull: rows i+r < m go to C, the others to T
			body.op(opLocalGet, lJp)
			body.op(opLocalGet, lNfull)
			body.raw(opI32LtS)
			body.ifVoid()
			for r := 0; r < simdRowBlock; r++ {
				body.op(opLocalGet, lI)
				body.i32const(r)
				body.raw(opI32Add)
				body.op(opLocalGet, lM)
				body.raw(opI32LtS)
				body.ifVoid()
				body.op(opLocalGet, lCoff)
				body.ifVoid()
				// C row at coff[i+r]: overwrite
				body.op(opLocalGet, lC)
				body.op(opLocalGet, lCoff)
				body.op(opLocalGet, lI)
				body.i32const(r)
				body.raw(opI32Add)
				body.i32const(3)
				body.raw(opI32Shl)
				body.raw(opI32Add)
				body.load(opI64Load, 3, 0)
				body.raw(opI32WrapI64)
				body.op(opLocalGet, lJp)
				body.i32const(3)
				body.raw(opI32Shl)
				body.raw(opI32Add)
				body.i32const(2)
				body.raw(opI32Shl)
				body.raw(opI32Add)
				body.op(opLocalSet, lTr)
				for h := 0; h < 2; h++ {
					body.op(opLocalGet, lTr)
					body.op(opLocalGet, vC0+2*r+h)
					body.simdStore(16 * h)
				}
				body.raw(opElse)
				// C row (i+r)*ldc: add alpha * c
				rowPanel(lC, lLdc, r)
				for h := 0; h < 2; h++ {
					body.op(opLocalGet, lTr)
					body.op(opLocalGet, lTr)
					body.simdLoad(16 * h)
					body.op(opLocalGet, vAlpha)
					body.op(opLocalGet, vC0+2*r+h)
					body.simd(simdF32x4Mul)
					body.simd(simdF32x4Add)
					body.simdStore(16 * h)
				}
				body.raw(opEnd) // if coff
				body.raw(opEnd) // if i+r < m
			}
			body.raw(opElse)
			// store rows i..i+3 of T at jp*8
			for r := 0; r < simdRowBlock; r++ {
				rowPanel(lT, lLdt, r)
				for h := 0; h < 2; h++ {
					body.op(opLocalGet, lTr)
					body.op(opLocalGet, vC0+2*r+h)
					body.simdStore(16 * h)
				}
			}
			body.raw(opEnd) // if jp < nfull
		}) // jp
	}) // i
	body.raw(opEnd) // function
	rows := w.b

	// setp(p): global 0 = p
	setp := []byte{0x00, opLocalGet, 0x00, opGlobalSet, 0x00, opEnd}

	var rowsFn []byte
	rowsFn = append(rowsFn, uleb(nil, 2)...) // two local groups
	rowsFn = append(rowsFn, uleb(nil, nI32)...)
	rowsFn = append(rowsFn, valI32)
	rowsFn = append(rowsFn, uleb(nil, nV128)...)
	rowsFn = append(rowsFn, valV128)
	rowsFn = append(rowsFn, rows...)

	var m []byte
	m = append(m, 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00)
	m = section(m, 1, vec([]byte{0x60, 0x01, valI32, 0x00}, []byte{0x60, 0x00, 0x00})) // types
	m = section(m, 2, vec(concat(name("env"), name("mem"), []byte{0x02, 0x00, 0x00}))) // import memory, min 0
	m = section(m, 3, vec([]byte{0x00}, []byte{0x01}, []byte{0x01}))                   // functions
	m = section(m, 6, vec([]byte{valI32, 0x01, opI32Const, 0x00, opEnd}))              // mutable global
	m = section(m, 7, vec(concat(name("setp"), []byte{0x00, 0x00}), concat(name("rows"), []byte{0x00, 0x01}), concat(name("ew"), []byte{0x00, 0x02})))
	m = section(m, 10, vec(sized(setp), sized(rowsFn), sized(ewFunc())))
	return m
}

// WebAssembly opcodes used above.
const (
	valI32  = 0x7f
	valV128 = 0x7b

	opBlock      = 0x02
	opLoop       = 0x03
	opIf         = 0x04
	opElse       = 0x05
	opEnd        = 0x0b
	opBr         = 0x0c
	opBrIf       = 0x0d
	opSelect     = 0x1b
	opLocalGet   = 0x20
	opLocalSet   = 0x21
	opGlobalGet  = 0x23
	opGlobalSet  = 0x24
	opI32Load    = 0x28
	opI64Load    = 0x29
	opF32Load    = 0x2a
	opI32Const   = 0x41
	opI32Eq      = 0x46
	opI32LtS     = 0x48
	opI32LeS     = 0x4c
	opI32GeS     = 0x4e
	opI32Add     = 0x6a
	opI32Sub     = 0x6b
	opI32Mul     = 0x6c
	opI32Shl     = 0x74
	opI32WrapI64 = 0xa7
	opSIMD       = 0xfd

	simdV128Load      = 0
	simdV128Store     = 11
	simdV128Const     = 12
	simdF32x4Splat    = 19
	simdF32x4Lt       = 67
	simdV128AndNot    = 79
	simdV128Bitselect = 82
	simdF32x4Add      = 228
	simdF32x4Mul      = 230
)

// wasmAsm accumulates a function body.
type wasmAsm struct{ b []byte }

func (w *wasmAsm) raw(op byte)       { w.b = append(w.b, op) }
func (w *wasmAsm) op(op byte, x int) { w.b = uleb(append(w.b, op), uint64(x)) }
func (w *wasmAsm) i32const(v int)    { w.b = sleb(append(w.b, opI32Const), int64(v)) }
func (w *wasmAsm) block()            { w.b = append(w.b, opBlock, 0x40) }

// step emits l = l op k (op: opI32Add or opI32Sub).
func (w *wasmAsm) step(l int, op byte, k int) {
	w.op(opLocalGet, l)
	w.i32const(k)
	w.raw(op)
	w.op(opLocalSet, l)
}
func (w *wasmAsm) get(l int) { w.op(opLocalGet, l) }
func (w *wasmAsm) set(l int) { w.op(opLocalSet, l) }
func (w *wasmAsm) tee(l int) { w.op(opLocalTee, l) }

// addr pushes the sum of locals base and off.
func (w *wasmAsm) addr(base, off int) {
	w.get(base)
	w.get(off)
	w.raw(opI32Add)
}

// addLocal emits l += by (locals).
func (w *wasmAsm) addLocal(l, by int) {
	w.addr(l, by)
	w.set(l)
}

// whileLt emits for ; v < lim; v += step { body() } (lim a local, signed).
func (w *wasmAsm) whileLt(v, lim, step int, body func()) {
	w.block()
	w.loop()
	w.get(v)
	w.get(lim)
	w.raw(opI32GeS)
	w.op(opBrIf, 1)
	body()
	w.step(v, opI32Add, step)
	w.op(opBr, 0)
	w.raw(opEnd)
	w.raw(opEnd)
}

// forUp emits for v = 0; v < lim; v += step { body() }.
func (w *wasmAsm) forUp(v, lim, step int, body func()) {
	w.i32const(0)
	w.set(v)
	w.whileLt(v, lim, step, body)
}

// forDown emits for v = from; v > 0; v-- { body() } (from a local).
func (w *wasmAsm) forDown(v, from int, body func()) {
	w.get(from)
	w.set(v)
	w.block()
	w.loop()
	w.get(v)
	w.i32const(0)
	w.raw(opI32LeS)
	w.op(opBrIf, 1)
	body()
	w.step(v, opI32Sub, 1)
	w.op(opBr, 0)
	w.raw(opEnd)
	w.raw(opEnd)
}

// ifEq emits if l == k { body() } (l a local).
func (w *wasmAsm) ifEq(l, k int, body func()) {
	w.get(l)
	w.i32const(k)
	w.raw(opI32Eq)
	w.ifVoid()
	body()
	w.raw(opEnd)
}

func (w *wasmAsm) loop()   { w.b = append(w.b, opLoop, 0x40) }
func (w *wasmAsm) ifVoid() { w.b = append(w.b, opIf, 0x40) }
func (w *wasmAsm) ifI32()  { w.b = append(w.b, opIf, valI32) }
func (w *wasmAsm) load(op byte, align, off int) {
	w.b = uleb(uleb(append(w.b, op), uint64(align)), uint64(off))
}
func (w *wasmAsm) simd(op int) { w.b = uleb(append(w.b, opSIMD), uint64(op)) }
func (w *wasmAsm) simdLoad(off int) {
	w.simd(simdV128Load)
	w.b = uleb(uleb(w.b, 2), uint64(off)) // 4-byte aligned: Go's float32 slices are
}
func (w *wasmAsm) simdStore(off int) {
	w.simd(simdV128Store)
	w.b = uleb(uleb(w.b, 2), uint64(off))
}
func (w *wasmAsm) v128zero() {
	w.simd(simdV128Const)
	w.b = append(w.b, make([]byte, 16)...)
}

func uleb(b []byte, v uint64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

func sleb(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func concat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func name(s string) []byte  { return append(uleb(nil, uint64(len(s))), s...) }
func sized(b []byte) []byte { return append(uleb(nil, uint64(len(b))), b...) }
func vec(items ...[]byte) []byte {
	return append(uleb(nil, uint64(len(items))), concat(items...)...)
}
func section(m []byte, id byte, content []byte) []byte {
	return append(append(m, id), sized(content)...)
}
