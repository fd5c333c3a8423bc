//go:build wasm

package blas32

import (
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
	params [spCount]int32
	t      []float32 // output rows of the last call, reused
	bias   []float32 // bias padded to whole panels, reused
	arows  []float32 // transposed A block of Gemm, reused
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

// simdRows runs the kernel: rows i < m of A (at a[aOff[i]:] or, with aOff
// nil, a[i*lda:]) times the packed b into simd.t (ldt = panels*NR), plus
// bias (nil: none; padded here), then relu. It returns simd.t; the caller
// holds simd.mu.
func simdRows(m, k int, a []float32, aOff []int, lda int, b []float32, npan int, bias []float32, relu bool) []float32 {
	ldt := npan * NR
	size := ((m + simdRowBlock - 1) / simdRowBlock) * simdRowBlock * ldt
	if cap(simd.t) < size {
		simd.t = make([]float32, size)
	}
	t := simd.t[:size]
	p := &simd.params
	p[spM], p[spK], p[spNpan] = int32(m), int32(k), int32(npan)
	p[spA], p[spAoff], p[spLda] = addr(a), 0, int32(lda)
	if aOff != nil {
		p[spAoff] = addr(aOff)
	}
	p[spB], p[spT], p[spLdt] = addr(b), addr(t), int32(ldt)
	p[spBias], p[spRelu] = 0, 0
	if bias != nil {
		if cap(simd.bias) < ldt {
			simd.bias = make([]float32, ldt)
		}
		pb := simd.bias[:ldt]
		clear(pb[copy(pb, bias):])
		p[spBias] = addr(pb)
	}
	if relu {
		p[spRelu] = 1
	}
	simd.rows.Invoke()
	return t
}

// gemmRowsSIMD is GemmRows on the SIMD kernel; it reports false (and does
// nothing) when the kernel is off.
func gemmRowsSIMD(c []float32, cOff []int, a []float32, aOff []int, b *PackedB, bias []float32, relu bool) bool {
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
	if !simd.on {
		return false
	}
	npan := (n + NR - 1) / NR
	t := simdRows(m, k, a, aOff, 0, b.data, npan, bias, relu)
	ldt := npan * NR
	for i, o := range cOff {
		copy(c[o:o+n], t[i*ldt:i*ldt+n])
	}
	return true
}

// gemmBlockSIMD adds alpha * op(A)[i0:i0+mb, p0:p0+kb] * (packed pb, npan
// panels of kb×NR) to C[i0:i0+mb, j0:j0+nb]; false when the kernel is off.
func gemmBlockSIMD(transA bool, a []float32, lda, i0, mb, p0, kb int, pb []float32, npan, j0, nb int, alpha float32, c []float32, ldc int) bool {
	if !simd.on {
		return false
	}
	simd.mu.Lock()
	defer simd.mu.Unlock()
	if !simd.on {
		return false
	}
	var rows []float32
	ld := lda
	if !transA {
		rows = a[i0*lda+p0:]
	} else {
		// op(A)[i][p] = a[p*lda+i]: gather the block's rows.
		if cap(simd.arows) < mb*kb {
			simd.arows = make([]float32, mb*kb)
		}
		rows = simd.arows[:mb*kb]
		for p := 0; p < kb; p++ {
			src := a[(p0+p)*lda+i0 : (p0+p)*lda+i0+mb]
			for i, v := range src {
				rows[i*kb+p] = v
			}
		}
		ld = kb
	}
	t := simdRows(mb, kb, rows, nil, ld, pb, npan, nil, false)
	ldt := npan * NR
	for i := 0; i < mb; i++ {
		row := c[(i0+i)*ldc+j0 : (i0+i)*ldc+j0+nb]
		tr := t[i*ldt : i*ldt+nb]
		for q := range row {
			row[q] += alpha * tr[q]
		}
	}
	return true
}
