package bench

import (
	"halo/core/nn/alad"
	"halo/core/nn/vae"
)

// aladForward returns the multiply-adds of one row through E and G
// (encoder plus generator) and through the three discriminators (the
// logit units included), at input width d.
func aladForward(a alad.Arch, d int) (gen, disc int) {
	e := d*a.Enc1 + a.Enc1*a.Enc2 + a.Enc2*a.Latent
	g := a.Latent*a.Gen1 + a.Gen1*a.Gen2 + a.Gen2*d
	dxz := d*a.DxzX + a.Latent*a.DxzZ + (a.DxzX+a.DxzZ)*a.DxzJoint + a.DxzJoint
	dxx := 2*d*a.Dxx1 + a.Dxx1*a.Dxx2 + a.Dxx2
	dzz := 2*a.Latent*a.Dzz1 + a.Dzz1*a.Dzz2 + a.Dzz2
	// A training step evaluates E(x), G(z), G(E(x)), E(G(z)) and each
	// discriminator on a real and a fake input.
	return 2 * (e + g), 2 * (dxz + dxx + dzz)
}

// ALADTrainMACs returns the multiply-adds of one training row of ALAD with
// widths a at input width d: the discriminator step (the whole forward
// pass, then the backward pass through the discriminators only, 2 passes)
// and the generator/encoder step (forward and a backward pass through every
// network, 3 passes). For the W paper's widths at d = 39 that is 2,520,448,
// the "about 2.5 M" of ANCHORS.md.
func ALADTrainMACs(a alad.Arch, d int) int {
	gen, disc := aladForward(a, d)
	return (gen + disc + 2*disc) + 3*(gen+disc)
}

// ALADScoreMACs returns the multiply-adds of the anomaly score of one row:
// E(x), G(E(x)) and the two hidden layers of Dxx on (x, x) and on
// (x, G(E(x))).
func ALADScoreMACs(a alad.Arch, d int) int {
	e := d*a.Enc1 + a.Enc1*a.Enc2 + a.Enc2*a.Latent
	g := a.Latent*a.Gen1 + a.Gen1*a.Gen2 + a.Gen2*d
	fxx := 2*d*a.Dxx1 + a.Dxx1*a.Dxx2
	return e + g + 2*fxx
}

// vaeForward returns the multiply-adds of one row through the encoder (both
// latent heads) and the decoder.
func vaeForward(a vae.Arch, d int) (enc, dec int) {
	h := a.Hidden
	enc = d*h[0] + h[0]*h[1] + h[1]*h[2] + 2*h[2]*a.Latent
	dec = a.Latent*h[2] + h[2]*h[1] + h[1]*h[0] + h[0]*d
	return enc, dec
}

// VAETrainMACs returns the multiply-adds of one training row of the VAE
// (3 passes of encoder and decoder).
func VAETrainMACs(a vae.Arch, d int) int {
	enc, dec := vaeForward(a, d)
	return 3 * (enc + dec)
}

// VAEScoreMACs returns the multiply-adds of the score of one row: the
// encoder without the log-variance head, then the decoder.
func VAEScoreMACs(a vae.Arch, d int) int {
	enc, dec := vaeForward(a, d)
	return enc - a.Hidden[2]*a.Latent + dec
}
