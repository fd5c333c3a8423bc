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
// The micro-kernel is pure Go (2×8 tiles) in js/wasm and on other
// architectures, and AVX assembly (2×16 tiles, kernel_amd64.s) on amd64,
// with a pure-Go fallback for processors without AVX. The assembly keeps
// multiplies and adds separate (no fused multiply-add) and adds the products
// of each element in the same order as the Go loops, so a product, and so a
// trained network and its maps, are the same bit for bit natively and in
// js/wasm (TestKernelAVXBitIdentical; core/pipeline TestSameMapEverywhere).
// On the project's machine the AVX kernel runs the 128×256×256 product at
// about 57 GFLOPS on one core and gonum's assembly Sgemm at 10
// (BenchmarkGemm); the pure-Go kernel ran it at 7.4 natively (halo bench's
// roofline before the AVX kernel). In js/wasm Gemm runs it at 4.3 GFLOPS
// and gonum at 1.3 (halo bench --wasm: "roofline" and "gemm gonum").
//
// Buffers: Gemm takes its packing buffers from a sync.Pool; GemmRows and
// PackedB.Pack with a reused destination do not allocate.
package blas32
