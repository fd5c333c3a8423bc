// Package alad trains and applies ALAD, the adversarially learned anomaly
// detector of Zenati et al. (2018), as used for geochemical anomalies by the
// W paper (METHODS.md section 3).
//
// ALAD learns an encoder E: x -> z, a generator G: z -> x and three
// discriminators: Dxz on joint pairs (x, z), Dxx on (x, x') and Dzz on
// (z, z'). After training, the anomaly score of a row x is
//
//	A(x) = || f_xx(x, x) - f_xx(x, G(E(x))) ||_1
//
// where f_xx is the last hidden layer of Dxx with dropout off. High scores
// are anomalous.
//
// # Training
//
// Train builds two gorgonia graphs once (the discriminator step and the
// generator/encoder step), runs them on float32 batches and updates the
// weights with its own Adam (beta1 0.5) and an exponential moving average of
// the weights with offset (bias) correction, which is what the model keeps.
// Every random value (initial weights, dropout masks, latent samples,
// shuffling) is drawn from the caller's *rand.Rand, so the same seed gives
// the same scores. Spectral normalisation (Miyato et al. 2018,
// doi:10.48550/arXiv.1802.05957) with one power iteration per step and a
// persistent u vector is applied to the hidden layers of E, Dxz, Dxx and Dzz.
//
// The graphs are built from fused gorgonia ops (ops.go): one op per dense
// layer (product, bias, activation and dropout; the discriminators' input
// concatenation as two row blocks of W), spectral normalisation as one op,
// batch norm with its LReLU as one op, each with hand-written backward ops
// on buffers it owns. They train the same networks as gorgonia's own ops
// (kept as the reference, TestFusedOpsSameGradients) 3-5x faster, in
// js/wasm most. Dropout masks come from a SplitMix64 stream seeded from the
// caller's rng at each step.
//
// Departures from the reference code, all documented on the fields that set
// them: the dense layer before batch normalisation in Dxz has no bias (the
// batch-norm shift replaces it); the batch-norm running statistics are not
// kept because the score never evaluates Dxz; the weight average starts at
// zero with offset correction (ema/(1-decay^t)) so that short runs are not
// dominated by the initial weights; a partial last batch of an epoch is
// dropped, as in the reference code.
//
// # Scoring
//
// Model.Score runs pure-Go, allocation-free kernels on the exported
// averaged weights (spectral normalisation folded in). A Model is not safe
// for concurrent use by several goroutines because it keeps scratch buffers;
// Clone gives an independent copy.
package alad
