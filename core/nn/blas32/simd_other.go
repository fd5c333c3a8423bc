//go:build !wasm

package blas32

// SIMD reports whether products run on the WebAssembly SIMD kernel: never
// outside js/wasm (amd64 has its AVX kernel).
func SIMD() bool { return false }

// SetSIMD has no effect outside js/wasm; it reports false.
func SetSIMD(bool) bool { return false }

func gemmRowsSIMD(c []float32, cOff []int, a []float32, aOff []int, b *PackedB, bias []float32, act byte, slope float32) bool {
	return false
}

func gemmBlockSIMD(transA bool, a []float32, lda, i0, mb, p0, kb int, pb []float32, npan, j0, nb int, alpha float32, c []float32, ldc int) bool {
	return false
}

// Kernel names the micro-kernel products run on: "avx" (amd64 with AVX) or
// "go".
func Kernel() string {
	if useAVX {
		return "avx"
	}
	return "go"
}

func activateSIMD(dst, z, mask []float32, act Act, slope float32) int        { return 0 }
func activateGradSIMD(dz, dy, z, mask []float32, act Act, slope float32) int { return 0 }
func keepPositiveSIMD(dx, x []float32) int                                   { return 0 }

func packBSIMD(dst, b []float32, ldb int, p0, kb, j0, nb int) int { return 0 }

func packBTSIMD(dst, b []float32, ldb int, p0, kb, j0, nb int) (npan, kb4 int) { return 0, 0 }

func ewSIMD(op, n int, dst, a, b, z []float32, s ...float32) int                   { return 0 }
func colSumsWSIMD(op int, dst, a, wts []float32, rows, cols, ld int) int           { return 0 }
func dotRowsSIMD(dst, a, x []float32, rows, cols, ld int) int                      { return 0 }
func rank1SubSIMD(dst, a []float32, s float32, x, y []float32, rows, cols int) int { return 0 }

func bnSIMD(op, rows, cols int, dst, a, b, z []float32, cv [4][]float32, s float32) int { return 0 }

func splitMixSIMD(dst []float32, s *uint64, thr uint32, keep float32) int { return 0 }

func col2imSIMD(dx, cols []float32, batch, inL, outL, c, k, stride, pad, w int) bool { return false }
