// Package bench measures halo's stages on named workloads so that the same
// code runs natively and in js/wasm (wasm/bench runs it under Node), and
// compares them with a roofline measured in the same run.
//
// # What is measured
//
// Run takes a Workload (a samples CSV and a deposits CSV as bytes) through
// the stages of a halo run, each timed on its own:
//
//	read             survey.Read of the samples CSV (samples/s)
//	grid             the samples placed on their lattice, or IDW onto a grid (cells/s)
//	transform        clr and ilr stacks, standardised (cells/s)
//	roofline         blas32.Gemm of 128x256 by 256x256 float32 matrices (in
//	                 js/wasm on its WebAssembly SIMD kernel when the host
//	                 set it up, as the page's workers and tools/wasmexec do)
//	gemm scalar      the same on blas32's pure-Go kernel (js/wasm with SIMD only)
//	gemm gonum       gonum's Sgemm on the same product (natively: assembly, what
//	                 gorgonia training and the ALAD/VAE scorers use; so stages
//	                 may exceed the blas32 roofline)
//	cnn train default one epoch of the default pixel-pair CNN (cnn.MidArch, pairs/s)
//	cnn train paper  one epoch of the Fe paper's CNN (pairs/s; capped, see Options)
//	cnn infer paper  the paper CNN's ScorePairs over training pairs (pairs/s)
//	detect fast      dual-window detection (13, 35), fast ring, default CNN, on a band of rows
//	detect exact     the same with every ring cell scored
//	alad train       one epoch of ALAD with the default widths (samples/s)
//	alad train paper one epoch of ALAD with the W paper's widths (capped)
//	alad score       Model.Score of every valid cell (cells/s)
//	vae train        one epoch of the VAE (samples/s)
//	vae score        Model.Score of every valid cell
//
// Everything runs on one goroutine with GOMAXPROCS set to 1 for the
// duration of Run (one browser worker, and the single-thread peers of
// ANCHORS.md). Work sizes are bounded so that a run takes a few minutes
// (Options.Quick: well under a minute); where a stage measures a part of
// the full job (a band of rows, a subset of an epoch), Stage.FullSeconds
// extrapolates its rate to the full job.
//
// # Arithmetic
//
// A multiply-add counts as 2 FLOPs. A training step counts 3 forward
// passes (forward, gradient with respect to the activations, gradient with
// respect to the weights), as ANCHORS.md's arithmetic budget does. The
// multiply-adds per pair of the CNN are cnn.Arch.MACs; those of ALAD and
// the VAE are computed from their widths by ALADTrainMACs, ALADScoreMACs,
// VAETrainMACs and VAEScoreMACs (dense layers only: biases, activations,
// batch norm, dropout, spectral normalisation and the optimiser are not
// counted). It is a count of the model's arithmetic, not of the products
// that run: those leave out gradients nobody needs (of the data; in ALAD's
// generator/encoder step, of the discriminators' weights), so for ALAD's
// training the count exceeds the multiply-adds done. Stage.Roofline is the
// stage's GFLOPS over the GFLOPS of the roofline GEMM read again just
// before and just after the stage, the higher of the two (Stage.Ref; every
// reading in Result.References): the share of the machine's tuned
// single-thread float32 product speed that the stage reaches, against a
// reading that the machine's drift over the run has not moved away from
// the stage's, and that one slow moment does not lower.
//
// # Memory
//
// A sampler reads runtime.MemStats every 20 ms while a stage runs and once
// at its end; Stage.HeapInuse and Stage.Sys are the peaks seen. In js/wasm
// goroutines are not preempted, so the sampler runs only when the stage
// yields (progress callbacks and the end of the stage).
//
// # CPU time
//
// Each stage also records the CPU time of the process (getrusage on unix;
// Options.CPUTime elsewhere, Node's process.cpuUsage in wasm/bench). On a
// shared, loaded machine the wall-clock rates fall with the load while the
// rates per CPU second stay close to those of an idle core, so WriteTable
// shows the latter where known.
//
// Timings depend on the machine and its load: compare columns of one run,
// never numbers across runs or machines. Nothing here asserts a speed.
package bench
