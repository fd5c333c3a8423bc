// Package blas32 is a small float32 matrix product (GEMM) for the
// network code of halo: training through gorgonia and the hand-written
// inference kernels.
//
// It exists because gorgonia's default BLAS (gonum) runs its float32 product
// in plain Go in js/wasm, where a register-blocked kernel is about 1.5x faster
// (ANCHORS.md: gonum Sgemm 0.79 GFLOPS, 4x4 kernel 1.24 GFLOPS in Node).
//
// # Layout
//
// All matrices are row-major with a leading dimension (stride between rows),
// as in gonum's blas.Float32: element (i, j) of an m×n matrix a with leading
// dimension lda is a[i*lda+j], lda >= n.
//
// # Algorithm
//
// Gemm packs blocks of A into panels of MR rows and blocks of B into panels
// of NR columns (zero-padded at the edges), then runs an MR×NR register-blocked
// micro-kernel over each pair of panels (Goto & van de Geijn 2008,
// doi:10.1145/1356052.1356053). PackedB keeps a packed right-hand matrix for
// repeated products (network weights); GemmRows multiplies it by rows of A
// read in place at arbitrary (possibly overlapping) offsets, so the im2col
// matrix of a 1-D convolution is never built.
//
// Naive is the reference triple loop used by the tests.
//
// # gorgonia
//
// Implementation satisfies gorgonia.BLAS and tensor.BLAS: it routes Sgemm to
// Gemm and everything else to gonum's blas/gonum.Implementation. Plug it in
// with gorgonia.Use(blas32.Implementation{}) (which also calls tensor.Use).
//
// # Kernels
//
// Three micro-kernels compute the same sums in the same order:
//
//   - amd64: AVX assembly (2×16 tiles, kernel_amd64.s), A read in place
//     through a stride (rows of A, or columns for op(A) = Aᵀ), with a pure-Go
//     fallback for processors without AVX;
//   - js/wasm: a WebAssembly SIMD kernel (4×8 tiles of f32x4 lanes,
//     simd_module.go), when the host hands over the Go module's memory
//     (globalThis.haloMemory: web/worker.js and tools/wasmexec do); else
//     pure Go (2×8 tiles);
//   - elsewhere: pure Go (2×4 tiles).
//
// Go's wasm port emits no SIMD instructions, so simd_module.go assembles a
// small separate WebAssembly module instruction by instruction; it imports
// the Go program's own linear memory and reads and writes the Go slices in
// place, one call (syscall/js, no allocation) per block product. Every
// kernel multiplies and adds in separate rounded steps (no fused
// multiply-add) and sums each element's products from +0 in the order
// p = 0, 1, ..., so a product, and so a trained network and its maps, are
// the same bit for bit natively, in js/wasm with SIMD and without
// (TestKernelAVXBitIdentical, TestSIMDBitIdentical; core/pipeline
// TestSameMapEverywhere; the browser test TestBrowserALADVAE compares the
// page's maps with ?simd=0). Only NaN payloads may differ (WebAssembly does
// not fix them).
//
// # Element-wise passes
//
// The training graphs' other hot loops live here too, so that they can run
// on the same SIMD module in js/wasm (its second function, ew, in
// simd_elementwise.go): activations with dropout masks and their gradients
// (Activate, ActivateGrad, KeepPositive), column sums (ColSums,
// WeightedColSums, also gemmThin's vector products), B packing, Col2imAdd,
// the batch-norm passes, AdamStep, MomentumStep, EMA, Scale, Rank1Sub and
// SplitMix64 dropout masks (SplitMixMask). Each has a scalar Go loop
// (elementwise.go, the reference, run natively, without the module and on
// the last len%4 elements) and the module does the same rounded operations
// in the same order, lane by lane (TestElementwiseSIMDBitIdentical).
//
// Speeds (halo bench, BenchmarkGemm): natively the AVX kernel ran the
// 128×256×256 product at about 64 GFLOPS on one core of the project's
// machine (2026-12-03) and gonum's assembly Sgemm at 13; in js/wasm under
// Node the SIMD kernel runs it 8x faster than the pure-Go kernel (33.4
// against 3.9 GFLOPS in the same run, the "roofline" and "gemm scalar"
// rows), and gonum's pure Go at 1.1.
//
// Buffers: Gemm takes its packing buffers from a sync.Pool; GemmRows and
// PackedB.Pack with a reused destination do not allocate.
package blas32
