package alad

import "fmt"

// Arch holds the layer widths of the five ALAD networks.
//
//	E(x):      D -> Enc1 LReLU -> Enc2 LReLU -> Latent (linear)
//	G(z):      Latent -> Gen1 ReLU -> Gen2 ReLU -> D (linear)
//	Dxz(x, z): x -> DxzX batch-norm LReLU; z -> DxzZ LReLU dropout 0.5;
//	           concat -> DxzJoint LReLU dropout 0.5 -> 1 logit
//	Dxx(x, x'): concat -> Dxx1 LReLU dropout 0.2 -> Dxx2 LReLU dropout 0.2 (f_xx) -> 1
//	Dzz(z, z'): concat -> Dzz1 LReLU dropout 0.2 -> Dzz2 LReLU dropout 0.2 -> 1
//
// LReLU has slope 0.2. A zero Arch means DefaultArch.
type Arch struct {
	Enc1, Enc2           int
	Gen1, Gen2           int
	DxzX, DxzZ, DxzJoint int
	Dxx1, Dxx2           int
	Dzz1, Dzz2           int
	Latent               int
}

// PaperArch returns the widths of the W paper (Table 1), which are those of
// the tabular configuration of the ALAD reference code.
func PaperArch() Arch {
	return Arch{
		Enc1: 256, Enc2: 128,
		Gen1: 128, Gen2: 256,
		DxzX: 128, DxzZ: 128, DxzJoint: 256,
		Dxx1: 256, Dxx2: 128,
		Dzz1: 64, Dzz2: 32,
		Latent: 64,
	}
}

// DefaultArch returns the lighter default: every width of PaperArch divided
// by four, about 1/16 of the paper's multiply-adds per sample (ANCHORS.md,
// arithmetic budget in the browser).
func DefaultArch() Arch {
	return Arch{
		Enc1: 64, Enc2: 32,
		Gen1: 32, Gen2: 64,
		DxzX: 32, DxzZ: 32, DxzJoint: 64,
		Dxx1: 64, Dxx2: 32,
		Dzz1: 16, Dzz2: 8,
		Latent: 16,
	}
}

func (a Arch) widths() []int {
	return []int{a.Enc1, a.Enc2, a.Gen1, a.Gen2, a.DxzX, a.DxzZ, a.DxzJoint, a.Dxx1, a.Dxx2, a.Dzz1, a.Dzz2, a.Latent}
}

func (a Arch) isZero() bool { return a == Arch{} }

func (a Arch) validate() error {
	for _, w := range a.widths() {
		if w <= 0 {
			return fmt.Errorf("alad: layer width %d in %+v: every width must be positive", w, a)
		}
	}
	return nil
}

// Config holds the training settings. The zero value of every field means
// its default.
type Config struct {
	// Arch gives the layer widths; zero means DefaultArch.
	Arch Arch
	// Epochs is the number of passes; zero means 100 (the paper).
	Epochs int
	// Batch is the mini-batch size; zero means 128 (the paper). It is
	// clamped to the number of rows.
	Batch int
	// LR is the Adam learning rate; zero means 1e-4 (the paper).
	LR float64
	// Beta1 is Adam's first-moment decay; zero means 0.5 (the paper).
	Beta1 float64
	// EMA is the decay of the moving average of the weights used for
	// scoring; zero means 0.999. A negative value scores the last weights.
	EMA float64
	// SamplesPerEpoch is the number of rows drawn (without replacement, a
	// fresh random subset each epoch) per epoch; zero means all rows.
	SamplesPerEpoch int
	// SpectralNorm turns spectral normalisation of the hidden layers of E,
	// Dxz, Dxx and Dzz on (METHODS.md keeps it on).
	SpectralNorm bool
	// Patience stops training early once the Spearman rank correlation of
	// the scores of a fixed probe subset between consecutive epochs has
	// stayed at or above StopRho for Patience epochs in a row. Zero turns
	// early stopping off.
	Patience int
	// StopRho is the rank-correlation level of Patience; zero means 0.99.
	StopRho float64
	// ProbeRows is the number of rows of the early-stopping probe; zero
	// means 2048 (or all rows if fewer).
	ProbeRows int
}

func (c Config) withDefaults() Config {
	if c.Arch.isZero() {
		c.Arch = DefaultArch()
	}
	if c.Epochs == 0 {
		c.Epochs = 100
	}
	if c.Batch == 0 {
		c.Batch = 128
	}
	if c.LR == 0 {
		c.LR = 1e-4
	}
	if c.Beta1 == 0 {
		c.Beta1 = 0.5
	}
	if c.EMA == 0 {
		c.EMA = 0.999
	}
	if c.StopRho == 0 {
		c.StopRho = 0.99
	}
	if c.ProbeRows == 0 {
		c.ProbeRows = 2048
	}
	return c
}

func (c Config) validate() error {
	if err := c.Arch.validate(); err != nil {
		return err
	}
	switch {
	case c.Epochs < 0:
		return fmt.Errorf("alad: Epochs %d is negative", c.Epochs)
	case c.Batch < 0:
		return fmt.Errorf("alad: Batch %d is negative", c.Batch)
	case c.LR < 0:
		return fmt.Errorf("alad: learning rate %g is negative", c.LR)
	case c.Beta1 < 0 || c.Beta1 >= 1:
		return fmt.Errorf("alad: Beta1 %g is outside [0, 1)", c.Beta1)
	case c.EMA >= 1:
		return fmt.Errorf("alad: EMA %g must be below 1", c.EMA)
	case c.SamplesPerEpoch < 0:
		return fmt.Errorf("alad: SamplesPerEpoch %d is negative", c.SamplesPerEpoch)
	case c.Patience < 0:
		return fmt.Errorf("alad: Patience %d is negative", c.Patience)
	}
	return nil
}

// Losses are the batch-mean losses of one step (or their epoch means):
// sigmoid cross-entropy on logits. G and E include the cycle term.
type Losses struct {
	Dxz, Dxx, Dzz, G, E float64
}

// History records a training run.
type History struct {
	// Epochs holds the mean losses of each completed epoch.
	Epochs []Losses
	// Rho holds, per completed epoch after the first, the Spearman rank
	// correlation of the probe scores with those of the epoch before
	// (only when Config.Patience > 0).
	Rho []float64
	// StopReason says why training stopped.
	StopReason string
}
