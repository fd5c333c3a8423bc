//go:build !amd64

package blas32

// gemmBlockInPlace reads A in place on amd64 only (kernel_amd64.go); here
// the pure-Go path packs it (and in js/wasm the SIMD kernel, when on, reads
// it in place itself).
func gemmBlockInPlace(transA bool, a []float32, lda, i0, mb, p0, kb int, pb []float32, npan, j0, nb int, alpha float32, c []float32, ldc int) bool {
	return false
}

// tileRows has an assembly kernel on amd64 only (kernel_amd64.go).
func tileRows(kb int, r0, r1, bp, c0, c1, bias []float32, act byte, slope float32) bool {
	return false
}

// rows4 has an AVX-512 kernel on amd64 only (kernel_amd64.go).
func rows4(kb int, r *[4][]float32, b *PackedB, c *[4][]float32, bias []float32, act byte, slope float32) bool {
	return false
}
