// Package cnn is the pixel-pair convolutional network of the Fe paper (Zhang,
// Zuo et al., seeds/ppf-cnn-fe-fujian.txt; METHODS.md §2): training with
// gorgonia and a hand-written, allocation-free float32 forward pass for
// scoring millions of pairs in the dual-window detector.
//
// # Network
//
// A pair of cells with compositions x_a, x_b (D values each) enters as the
// vector |x_a - x_b| of D positions and one channel. Each of the 13 (in
// general len(Arch.Channels)) layers is a 1-D convolution with kernel 3,
// 'same' zero padding and a stride, followed by ReLU; global average pooling
// over positions and one fully connected unit give a logit z, and
// sigmoid(z) is the probability that the two cells belong to different
// classes (label 1: one mineralized, one background). PaperArch fixes the
// paper's widths and where the stride-2 layers sit; LightArch is a tenth of
// its cost.
//
// # Training
//
// Train minimises the mean binary cross-entropy of the logits (stable form
// max(z,0) - z*y + log(1+exp(-|z|))) by SGD with momentum over shuffled
// mini-batches, from He-normal weights drawn from the caller's rng: the same
// seed gives the same loss history. The graph is built once per run and run
// by one tape.Machine (core/nn/internal/tape). Activations are
// channels-last (batch*L)×C matrices; each convolution is one custom op
// (convOp: the previous layer's ReLU, im2col with a column of ones for the
// bias, and the matrix product through gorgonia.WhichBLAS, with
// hand-written backward ops) that owns its buffers, and so do the head and
// the loss (headop.go: gorgonia's formulation of them, bit for bit), so a
// training step allocates nothing (against 59 MB per PaperArch step for the
// same network written with gorgonia's Conv2d, whose NCHW transposes and
// fresh buffers dominate). Measured with BenchmarkTrainStep on a loaded
// 2-core machine: 1.2-1.3x less CPU time per pair than the Conv2d version
// and 1.6-2.2x its wall-clock speed. Gradients are checked against finite
// differences in the tests.
//
// # Scoring
//
// Model (and Scorer, one per goroutine) implement the detector's
//
//	D() int
//	ScorePairs(dst, diffs []float32)
//
// over blocks of 32 pairs with no allocation after the first call: a layer
// is a blas32.GemmRows product of the im2col view of the padded activations
// (read in place) by the packed kernel, with bias and ReLU fused. (Winograd's
// F(2,3) for the stride-1 layers, a third fewer products, was 1.1-1.2x
// faster on scalar kernels; on the vector kernels its scalar transforms
// made it slower than the direct product: paper network 3,045 against 7,830
// pairs/s on the WebAssembly SIMD kernel, 6,617 against 7,827 with AVX, so
// it was removed.) The tests hold the
// scores equal to gorgonia's forward pass (both this package's graph and one
// built from gorgonia's own Conv2d) and to a float64 loop within 1e-5.
//
// MarshalBinary / UnmarshalBinary carry a trained Model between web workers.
package cnn
