// Package vae trains and applies the variational autoencoder baseline of
// the W paper (METHODS.md section 3, "VAE baseline").
//
// Encoder: D -> 128 -> 64 -> 32 (ReLU) -> mean and log-variance heads of
// the latent (default 4). Decoder: the mirror, latent -> 32 -> 64 -> 128
// (ReLU) -> D (linear). The loss is
//
//	L = mean over the batch of [ sum_j (x_j - x̂_j)^2 + Beta * KL ]
//	KL = -1/2 sum_k (1 + logvar_k - mu_k^2 - exp(logvar_k))
//
// (Kingma and Welling 2014, doi:10.48550/arXiv.1312.6114): the squared
// error is summed over the D features (D times the per-element mean, as in
// the Keras VAE example) so that the KL term, active with Beta = 1, does not
// swamp it. The anomaly score of a row is its squared reconstruction error
// through the mean latent, sum_j (x_j - dec(mu(x))_j)^2, deterministic; high
// is anomalous.
//
// Training runs on gorgonia with float32 and the package's own Adam; every
// random value (initial weights, the reparameterisation noise, shuffling)
// comes from the caller's *rand.Rand. A seed trains the same bits natively
// and in js/wasm: the products use blas32 and the two exponentials of the
// graph (the reparameterisation's exp(logvar/2) and the KL's exp(logvar))
// use the package's pure-Go float32 exp (within 1 ulp of math.Exp) as a
// custom op, not G.Exp, whose math32.Exp is assembly on amd64. Model.Score is pure Go and
// allocation-free after its first call; a Model is not safe for concurrent
// use (scratch buffers), use Clone.
package vae
