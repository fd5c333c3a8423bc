//go:build wasm

package blas32

import (
	"math"
	"sync"
	"syscall/js"
	"unsafe"
)

// The SIMD kernel (simd_module.go) is instantiated at start-up when the
// host left the Go module's memory in globalThis.haloMemory (web/worker.js
// and tools/wasmexec do, before go.run), did not set globalThis.haloNoSIMD
// (the page's ?simd=0) and its WebAssembly engine validates SIMD.
// Otherwise, and after SetSIMD(false), the pure-Go kernel runs; both give
// the same bits.
var simd struct {
	mu     sync.Mutex
	ready  bool // instantiated
	on     bool // in use
	rows   js.Value
	ew     js.Value  // element-wise passes (simd_elementwise.go)
	states [2]uint64 // SplitMix64 states of ewSplitMix's first two draws
	params [spCount]int32
	t      []float32 // output rows of the last call, reused
	bias   []float32 // bias padded to whole panels, reused
}

func init() {
	defer func() {
		if recover() != nil { // a host without WebAssembly SIMD: pure Go
			simd.ready, simd.on = false, false
		}
	}()
	mem := js.Global().Get("haloMemory")
	if mem.IsUndefined() || mem.IsNull() || js.Global().Get("haloNoSIMD").Truthy() {
		return
	}
	wa := js.Global().Get("WebAssembly")
	mod := simdModule()
	bytes := js.Global().Get("Uint8Array").New(len(mod))
	js.CopyBytesToJS(bytes, mod)
	if !wa.Call("validate", bytes).Bool() {
		return
	}
	inst := wa.Get("Instance").New(wa.Get("Module").New(bytes), map[string]any{"env": map[string]any{"mem": mem}})
	ex := inst.Get("exports")
	ex.Call("setp", int(uintptr(unsafe.Pointer(&simd.params[0]))))
	simd.rows = ex.Get("rows")
	simd.ew = ex.Get("ew")
	simd.ready, simd.on = true, true
}

// Kernel names the micro-kernel products run on: "wasm simd" or "go".
func Kernel() string {
	if simd.on {
		return "wasm simd"
	}
	return "go"
}

// SIMD reports whether products run on the WebAssembly SIMD kernel.
func SIMD() bool { return simd.on }

// SetSIMD switches the SIMD kernel on (when it could be instantiated) or off
// (pure Go) and reports whether it is now on. Results do not change, only
// their speed; benchmarks use it to measure both in one run.
func SetSIMD(on bool) bool {
	simd.mu.Lock()
	defer simd.mu.Unlock()
	simd.on = on && simd.ready
	return simd.on
}

func addr[T any](s []T) int32 { return int32(uintptr(unsafe.Pointer(unsafe.SliceData(s)))) }

// simdCall is one call of the kernel (see simdModule).
type simdCall struct {
	m, k, npan int
	a          []float32 // A's base
	aOff       []int     // row offsets; nil: row i at i*lda (or column i with transA)
	lda        int
	transA     bool
	b          []float32 // packed B
	bias       []float32 // nil: none (padded here)
	act        byte      // 0: identity, actReLU, actLeaky (see spRelu)
	slope      float32
	c          []float32 // C from its element (0, 0), for the panels jp < nfull
	cOff       []int     // C row offsets (overwrite); nil: add alpha*product to row i*ldc
	ldc, nfull int
	alpha      float32
}

// run runs the call; panels jp >= nfull go to simd.t (ldt = npan*NR),
// which it returns (empty when every panel goes to C). The caller holds
// simd.mu; the kernel is usable once ready, whether or not simd.on has been
// switched off since the caller looked.
func (q *simdCall) run() []float32 {
	ldt := q.npan * NR
	size := 0
	if q.nfull < q.npan {
		size = ((q.m + simdRowBlock - 1) / simdRowBlock) * simdRowBlock * ldt
	}
	if cap(simd.t) < size {
		simd.t = make([]float32, size)
	}
	t := simd.t[:size]
	p := &simd.params
	*p = [spCount]int32{}
	p[spM], p[spK], p[spNpan] = int32(q.m), int32(q.k), int32(q.npan)
	p[spA], p[spLda] = addr(q.a), int32(q.lda)
	if q.aOff != nil {
		p[spAoff] = addr(q.aOff)
	}
	if q.transA {
		p[spTransA] = 1
	}
	p[spB], p[spT], p[spLdt] = addr(q.b), addr(t), int32(ldt)
	if q.bias != nil {
		if cap(simd.bias) < ldt {
			simd.bias = make([]float32, ldt)
		}
		pb := simd.bias[:ldt]
		clear(pb[copy(pb, q.bias):])
		p[spBias] = addr(pb)
	}
	p[spRelu] = int32(q.act)
	p[spSlope] = int32(math.Float32bits(q.slope))
	if q.nfull > 0 {
		p[spC], p[spLdc], p[spNfull] = addr(q.c), int32(q.ldc), int32(q.nfull)
		p[spAlpha] = int32(math.Float32bits(q.alpha))
		if q.cOff != nil {
			p[spCoff] = addr(q.cOff)
		}
	}
	simd.rows.Invoke()
	return t
}

// gemmRowsSIMD is GemmRows on the SIMD kernel; it reports false (and does
// nothing) when the kernel is off.
func gemmRowsSIMD(c []float32, cOff []int, a []float32, aOff []int, b *PackedB, bias []float32, act byte, slope float32) bool {
	if !simd.on {
		return false
	}
	m, k, n := len(aOff), b.K, b.N
	if m == 0 || n == 0 {
		return true
	}
	if k == 0 { // nothing to read: the product is zero
		return false
	}
	// Every row must lie inside a, the kernel does not check.
	for _, o := range aOff {
		if o < 0 || o+k > len(a) {
			panic("blas32: row offset out of range")
		}
	}
	for _, o := range cOff {
		if o < 0 || o+n > len(c) {
			panic("blas32: output offset out of range")
		}
	}
	simd.mu.Lock()
	defer simd.mu.Unlock()
	npan := (n + NR - 1) / NR
	call := simdCall{m: m, k: k, npan: npan, a: a, aOff: aOff, b: b.data, bias: bias, act: act, slope: slope,
		c: c, cOff: cOff, nfull: n / NR}
	t := call.run()
	if j := call.nfull * NR; j < n { // the last, partial panel
		ldt := npan * NR
		for i, o := range cOff {
			copy(c[o+j:o+n], t[i*ldt+j:i*ldt+n])
		}
	}
	return true
}

// simdChunk is the number of B panels (of NR columns) per kernel call in
// gemmBlockSIMD.
const simdChunk = 8

// gemmBlockSIMD adds alpha * op(A)[i0:i0+mb, p0:p0+kb] * (packed pb, npan
// panels of kb×NR) to C[i0:i0+mb, j0:j0+nb]; false when the kernel is off.
// Whole panels are added by the kernel, the last partial one here.
func gemmBlockSIMD(transA bool, a []float32, lda, i0, mb, p0, kb int, pb []float32, npan, j0, nb int, alpha float32, c []float32, ldc int) bool {
	if !simd.on {
		return false
	}
	simd.mu.Lock()
	defer simd.mu.Unlock()
	// op(A)[i][p] = a[i*lda+p], or a[p*lda+i] with transA; the kernel
	// reads rows i0..i0+mb-1 (clamped) and depths p0..p0+kb-1 only.
	var base []float32
	if transA {
		base = a[p0*lda+i0:]
	} else {
		base = a[i0*lda+p0:]
	}
	// Column chunks of simdChunk panels keep the B panels a row group
	// sweeps (kb×simdChunk*NR) in cache; the sums do not depend on it.
	for jp0 := 0; jp0 < npan; jp0 += simdChunk {
		np := min(simdChunk, npan-jp0)
		jc := jp0 * NR // first column of the chunk within the block
		nbc := min(np*NR, nb-jc)
		call := simdCall{m: mb, k: kb, npan: np, a: base, lda: lda, transA: transA, b: pb[jp0*kb*NR:],
			c: c[i0*ldc+j0+jc:], ldc: ldc, nfull: nbc / NR, alpha: alpha}
		t := call.run()
		if j := call.nfull * NR; j < nbc {
			ldt := np * NR
			for i := 0; i < mb; i++ {
				row := c[(i0+i)*ldc+j0+jc+j : (i0+i)*ldc+j0+jc+nbc]
				tr := t[i*ldt+j : i*ldt+nbc]
				for q := range row {
					row[q] += alpha * tr[q]
				}
			}
		}
	}
	return true
}

// The parameter block holds ew's slots too.
var _ = [spCount - epCount]struct{}{}

// ewCall runs ew with op on the first n&^3 elements and returns how many it
// did (0 when the kernel is off or n is below ewMin).
func ewCall(op int, n int, dst, a, b, z []float32, slope float32) int {
	return ewSIMD(op, n, dst, a, b, z, slope)
}

// ewSIMD is ewCall with up to six scalars (epSlope, epS2, ...).
func ewSIMD(op, n int, dst, a, b, z []float32, s ...float32) int {
	n &^= 3
	if !simd.on || n < ewMin {
		return 0
	}
	simd.mu.Lock()
	defer simd.mu.Unlock()
	p := &simd.params
	*p = [spCount]int32{}
	p[epOp], p[epN] = int32(op), int32(n)
	p[epDst], p[epA] = addr(dst), addr(a)
	if b != nil {
		p[epB] = addr(b)
	}
	if z != nil {
		p[epZ] = addr(z)
	}
	for k, v := range s {
		slot := epSlope
		if k > 0 {
			slot = epS2 + k - 1
		}
		p[slot] = int32(math.Float32bits(v))
	}
	simd.ew.Invoke()
	return n
}

func activateSIMD(dst, z, mask []float32, act Act, slope float32) int {
	var op int
	switch {
	case act == ActReLU && mask == nil:
		op = ewReLU
	case act == ActReLU:
		op = ewReLUMask
	case act == ActLeaky && mask == nil:
		op = ewLeaky
	case act == ActLeaky:
		op = ewLeakyMask
	case mask != nil:
		op = ewMask
	default: // a copy
		return 0
	}
	return ewCall(op, len(z), dst, z, mask, nil, slope)
}

func activateGradSIMD(dz, dy, z, mask []float32, act Act, slope float32) int {
	var op int
	switch {
	case act == ActReLU && mask == nil:
		op = ewGradReLU
	case act == ActReLU:
		op = ewGradReLUMask
	case act == ActLeaky && mask == nil:
		op = ewGradLeaky
	case act == ActLeaky:
		op = ewGradLeakyMask
	case mask != nil:
		op = ewMask
	default: // a copy
		return 0
	}
	return ewCall(op, len(z), dz, dy, mask, z, slope)
}

func keepPositiveSIMD(dx, x []float32) int {
	return ewCall(ewKeepPositive, len(x), dx, dx, nil, x, 0)
}

// colSumsWSIMD sums the first cols&^3 columns (rows ld elements apart) for
// ewColSums or, with the row weights wts, ewWColSums, and returns their
// number.
func colSumsWSIMD(op int, dst, a, wts []float32, rows, cols, ld int) int {
	n := cols &^ 3
	if !simd.on || n == 0 || rows*n < ewMin || rows <= 0 {
		return 0
	}
	simd.mu.Lock()
	defer simd.mu.Unlock()
	p := &simd.params
	*p = [spCount]int32{}
	p[epOp], p[epN], p[epRows], p[epLd] = int32(op), int32(n), int32(rows), int32(ld)
	p[epDst], p[epA] = addr(dst), addr(a)
	if wts != nil {
		p[epB] = addr(wts)
	}
	simd.ew.Invoke()
	return n
}

// rank1SubSIMD does Rank1Sub's first cols&^3 columns and returns their
// number.
func rank1SubSIMD(dst, a []float32, s float32, x, y []float32, rows, cols int) int {
	n := cols &^ 3
	if !simd.on || n == 0 || rows*n < ewMin {
		return 0
	}
	simd.mu.Lock()
	defer simd.mu.Unlock()
	p := &simd.params
	*p = [spCount]int32{}
	p[epOp], p[epN], p[epRows], p[epLd] = ewRank1Sub, int32(n), int32(rows), int32(cols)
	p[epDst], p[epA], p[epB], p[epZ] = addr(dst), addr(a), addr(y), addr(x)
	p[epSlope] = int32(math.Float32bits(s))
	simd.ew.Invoke()
	return n
}

// packBSIMD packs the whole panels of packB's NoTrans case (NR = 8) and
// returns their number.
func packBSIMD(dst, b []float32, ldb int, p0, kb, j0, nb int) int {
	npan := nb / NR
	if !simd.on || npan == 0 || kb*npan*NR < ewMin {
		return 0
	}
	if len(dst) < npan*kb*NR || len(b) < (p0+kb-1)*ldb+j0+npan*NR {
		panic("blas32: packB: short slice")
	}
	simd.mu.Lock()
	defer simd.mu.Unlock()
	p := &simd.params
	*p = [spCount]int32{}
	p[epOp], p[epN], p[epRows], p[epLd] = ewPackB, int32(npan*NR), int32(kb), int32(ldb)
	p[epDst], p[epA] = addr(dst), addr(b[p0*ldb+j0:])
	simd.ew.Invoke()
	return npan
}

// bnSIMD runs a batch-norm pass (ewBNCenter ... ewBNGradH) on the first
// cols&^3 columns and returns their number; cv are the column vectors
// C1..C4 (nil: none), s the scalar of the pass.
func bnSIMD(op, rows, cols int, dst, a, b, z []float32, cv [4][]float32, s float32) int {
	n := cols &^ 3
	if !simd.on || n == 0 || rows*n < ewMin {
		return 0
	}
	for _, v := range cv {
		if v != nil && len(v) < n {
			panic("blas32: batch norm: a column vector is too short")
		}
	}
	simd.mu.Lock()
	defer simd.mu.Unlock()
	p := &simd.params
	*p = [spCount]int32{}
	p[epOp], p[epN], p[epRows], p[epLd] = int32(op), int32(n), int32(rows), int32(cols)
	p[epDst], p[epA] = addr(dst), addr(a)
	if b != nil {
		p[epB] = addr(b)
	}
	if z != nil {
		p[epZ] = addr(z)
	}
	for k, v := range cv {
		if v != nil {
			p[epC1+k] = addr(v)
		}
	}
	p[epSlope] = int32(math.Float32bits(s))
	simd.ew.Invoke()
	return n
}

// splitMixSIMD fills the first len(dst)&^3 entries of SplitMixMask, advances
// s by their draws and returns their number.
func splitMixSIMD(dst []float32, s *uint64, thr uint32, keep float32) int {
	n := len(dst) &^ 3
	if !simd.on || n < ewMin {
		return 0
	}
	simd.mu.Lock()
	defer simd.mu.Unlock()
	st := &simd.states
	st[0] = *s + splitMixGamma
	st[1] = st[0] + splitMixGamma
	p := &simd.params
	*p = [spCount]int32{}
	p[epOp], p[epN] = ewSplitMix, int32(n)
	p[epDst], p[epB] = addr(dst), addr(st[:])
	p[epSlope], p[epS2] = int32(math.Float32bits(keep)), int32(thr)
	simd.ew.Invoke()
	*s += uint64(n/2) * splitMixGamma
	return n
}

// col2imSIMD runs Col2imAdd on the SIMD module; false when it is off.
func col2imSIMD(dx, cols []float32, batch, inL, outL, c, k, stride, pad, w int) bool {
	if !simd.on || batch*outL*k*c < ewMin {
		return false
	}
	simd.mu.Lock()
	defer simd.mu.Unlock()
	p := &simd.params
	*p = [spCount]int32{}
	p[epOp], p[epN], p[epRows], p[epLd] = ewCol2im, int32(c), int32(batch), int32(w)
	p[epDst], p[epA] = addr(dx), addr(cols)
	p[epS2], p[epS3], p[epS4], p[epS5], p[epS6] = int32(inL), int32(outL), int32(k), int32(stride), int32(pad)
	simd.ew.Invoke()
	return true
}
