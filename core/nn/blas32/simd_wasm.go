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

// ewArgs is the parameter block of one call of ew (simd_elementwise.go).
// Its slices must live on the heap (they do not move).
type ewArgs [spCount]int32

func (q *ewArgs) ptr(slot int, s []float32) {
	if s != nil {
		q[slot] = addr(s)
	}
}

func (q *ewArgs) f32(slot int, v float32) { q[slot] = int32(math.Float32bits(v)) }

// run runs ew with q; runLocked when the caller holds simd.mu.
func (q *ewArgs) run() {
	simd.mu.Lock()
	defer simd.mu.Unlock()
	q.runLocked()
}

func (q *ewArgs) runLocked() {
	simd.params = *q
	simd.ew.Invoke()
}

// ewSIMD runs ew's element-wise op on the first n&^3 elements, with up to
// six scalars (epSlope, epS2, ...), and returns how many it did (0 when the
// kernel is off or n is below ewMin).
func ewSIMD(op, n int, dst, a, b, z []float32, s ...float32) int {
	n &^= 3
	if !simd.on || n < ewMin {
		return 0
	}
	q := ewArgs{epOp: int32(op), epN: int32(n)}
	q.ptr(epDst, dst)
	q.ptr(epA, a)
	q.ptr(epB, b)
	q.ptr(epZ, z)
	for k, v := range s {
		slot := epSlope
		if k > 0 {
			slot = epS2 + k - 1
		}
		q.f32(slot, v)
	}
	q.run()
	return n
}

// actOp is ew's op for act with or without a mask, forward or gradient; 0
// for the identity without a mask (a copy).
func actOp(act Act, masked, grad bool) int {
	var op int
	switch act {
	case ActReLU:
		op = ewReLU
	case ActLeaky:
		op = ewLeaky
	default:
		if masked {
			return ewMask
		}
		return 0
	}
	if grad {
		op += ewGradReLU - ewReLU // ewGradReLU.. follow ewReLU.. in the same order
	}
	if masked {
		op++ // each op's masked variant follows it
	}
	return op
}

func activateSIMD(dst, z, mask []float32, act Act, slope float32) int {
	op := actOp(act, mask != nil, false)
	if op == 0 {
		return 0
	}
	return ewSIMD(op, len(z), dst, z, mask, nil, slope)
}

func activateGradSIMD(dz, dy, z, mask []float32, act Act, slope float32) int {
	op := actOp(act, mask != nil, true)
	if op == 0 {
		return 0
	}
	return ewSIMD(op, len(z), dz, dy, mask, z, slope)
}

func keepPositiveSIMD(dx, x []float32) int {
	return ewSIMD(ewKeepPositive, len(x), dx, dx, nil, x)
}

// colSumsWSIMD sums the first cols&^3 columns (rows ld elements apart) for
// ewColSums or, with the row weights wts, ewWColSums, and returns their
// number.
func colSumsWSIMD(op int, dst, a, wts []float32, rows, cols, ld int) int {
	n := cols &^ 3
	if !simd.on || n == 0 || rows*n < ewMin || rows <= 0 {
		return 0
	}
	q := ewArgs{epOp: int32(op), epN: int32(n), epRows: int32(rows), epLd: int32(ld)}
	q.ptr(epDst, dst)
	q.ptr(epA, a)
	q.ptr(epB, wts)
	q.run()
	return n
}

// dotRowsSIMD writes DotRows' lane-combined sums over the first cols&^3
// columns of each row into dst and returns that number of columns.
func dotRowsSIMD(dst, a, x []float32, rows, cols, ld int) int {
	n := cols &^ 3
	if !simd.on || n == 0 || rows*n < ewMin || rows <= 0 {
		return 0
	}
	q := ewArgs{epOp: ewDotRows, epN: int32(n), epRows: int32(rows), epLd: int32(ld)}
	q.ptr(epDst, dst)
	q.ptr(epA, a)
	q.ptr(epB, x)
	q.run()
	return n
}

// rank1SubSIMD does Rank1Sub's first cols&^3 columns and returns their
// number.
func rank1SubSIMD(dst, a []float32, s float32, x, y []float32, rows, cols int) int {
	n := cols &^ 3
	if !simd.on || n == 0 || rows*n < ewMin {
		return 0
	}
	q := ewArgs{epOp: ewRank1Sub, epN: int32(n), epRows: int32(rows), epLd: int32(cols)}
	q.ptr(epDst, dst)
	q.ptr(epA, a)
	q.ptr(epB, y)
	q.ptr(epZ, x)
	q.f32(epSlope, s)
	q.run()
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
	q := ewArgs{epOp: ewPackB, epN: int32(npan * NR), epRows: int32(kb), epLd: int32(ldb)}
	q.ptr(epDst, dst)
	q.ptr(epA, b[p0*ldb+j0:])
	q.run()
	return npan
}

// packBTSIMD packs the whole panels of packB's Trans case (NR = 8) over the
// depths p0..p0+kb4-1, kb4 = kb&^3, with 4x4 lane transposes; it returns
// the panels and depths it packed (packB does the rest). It only moves
// values: the panels are those of the scalar loop.
func packBTSIMD(dst, b []float32, ldb int, p0, kb, j0, nb int) (npan, kb4 int) {
	npan, kb4 = nb/NR, kb&^3
	if !simd.on || npan == 0 || kb4 == 0 || kb4*npan*NR < ewMin {
		return 0, 0
	}
	if len(dst) < npan*kb*NR || len(b) < (j0+npan*NR-1)*ldb+p0+kb4 {
		panic("blas32: packB: short slice")
	}
	q := ewArgs{epOp: ewPackBT, epN: int32(npan * NR), epRows: int32(kb4 / 4), epLd: int32(ldb), epC1: int32(kb * NR * 4)}
	q.ptr(epDst, dst)
	q.ptr(epA, b[j0*ldb+p0:])
	q.run()
	return npan, kb4
}

// bnSIMD runs a batch-norm pass (ewBNCenter ... ewBNGradH) on the first
// cols&^3 columns and returns their number; cv are the column vectors
// C1..C4 (nil: none), s the scalar of the pass.
func bnSIMD(op, rows, cols int, dst, a, b, z []float32, cv [4][]float32, s float32) int {
	n := cols &^ 3
	if !simd.on || n == 0 || rows*n < ewMin {
		return 0
	}
	q := ewArgs{epOp: int32(op), epN: int32(n), epRows: int32(rows), epLd: int32(cols)}
	q.ptr(epDst, dst)
	q.ptr(epA, a)
	q.ptr(epB, b)
	q.ptr(epZ, z)
	for k, v := range cv {
		if v != nil && len(v) < n {
			panic("blas32: batch norm: a column vector is too short")
		}
		q.ptr(epC1+k, v)
	}
	q.f32(epSlope, s)
	q.run()
	return n
}

// splitMixSIMD fills the first len(dst)&^3 entries of SplitMixMask, advances
// s by their draws and returns their number.
func splitMixSIMD(dst []float32, s *uint64, thr uint32, keep float32) int {
	n := len(dst) &^ 3
	if !simd.on || n < ewMin {
		return 0
	}
	q := ewArgs{epOp: ewSplitMix, epN: int32(n), epS2: int32(thr)}
	q.ptr(epDst, dst)
	q.f32(epSlope, keep)
	simd.mu.Lock()
	defer simd.mu.Unlock()
	st := &simd.states // on the heap: the module reads the first two draws' states there
	st[0] = *s + splitMixGamma
	st[1] = st[0] + splitMixGamma
	q[epB] = addr(st[:])
	q.runLocked()
	*s += uint64(n/2) * splitMixGamma
	return n
}

// col2imSIMD runs Col2imAdd on the SIMD module; false when it is off.
func col2imSIMD(dx, cols []float32, batch, inL, outL, c, k, stride, pad, w int) bool {
	if !simd.on || batch*outL*k*c < ewMin {
		return false
	}
	q := ewArgs{epOp: ewCol2im, epN: int32(c), epRows: int32(batch), epLd: int32(w),
		epS2: int32(inL), epS3: int32(outL), epS4: int32(k), epS5: int32(stride), epS6: int32(pad)}
	q.ptr(epDst, dx)
	q.ptr(epA, cols)
	q.run()
	return true
}
