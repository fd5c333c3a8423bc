package alad

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"halo/core/nn/blas32"
)

// ErrNotFinite is wrapped by the error Train returns when a loss or a
// gradient becomes NaN or infinite.
var ErrNotFinite = errors.New("alad: a loss or gradient became NaN or infinite")

// Train trains ALAD on the n = len(x)/d rows of x (row-major, d standardised
// log-ratio values per row, no NaN) and returns the model holding the
// averaged weights.
//
// progress, if not nil, is called after each epoch with the epoch number
// (from 1) and the epoch's mean losses; a non-nil error from it stops
// training and is returned. ctx is polled between epochs.
//
// When training stops early (cancelled context, progress error, or
// ErrNotFinite) Train returns the model of the last good step together with
// the error. Train panics if d <= 0, len(x) is not a multiple of d, or rng
// is nil; it returns an error for fewer than 2 rows, non-finite inputs and
// invalid settings.
func Train(ctx context.Context, x []float32, d int, cfg Config, rng *rand.Rand, progress func(epoch int, losses Losses) error) (*Model, History, error) {
	if d <= 0 {
		panic("alad: non-positive dimension")
	}
	if len(x)%d != 0 {
		panic("alad: len(x) is not a multiple of d")
	}
	if rng == nil {
		panic("alad: nil rng")
	}
	var hist History
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, hist, err
	}
	n := len(x) / d
	if n < 2 {
		return nil, hist, fmt.Errorf("alad: %d training rows, need at least 2", n)
	}
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, hist, fmt.Errorf("alad: row %d, column %d is %v: drop cells without data before training", i/d, i%d, v)
		}
	}
	per := cfg.SamplesPerEpoch
	if per == 0 || per > n {
		per = n
	}
	batch := min(cfg.Batch, per)
	nb := per / batch

	blas32.UseInGorgonia()
	nt := newNets(cfg.Arch, d, cfg.SpectralNorm, rng)
	xb := make([]float32, batch*d)
	dis, ge, err := newSteps(nt, batch, xb, cfg)
	if err != nil {
		return nil, hist, err
	}
	all := slices.Concat(nt.dParams, nt.geParams)
	decay := float32(cfg.EMA)
	emaSteps := 0
	export := func() *Model { return nt.export(cfg.EMA, emaSteps) }

	var probe, prev, cur []float32
	if cfg.Patience > 0 {
		pr := min(cfg.ProbeRows, n)
		probe = make([]float32, 0, pr*d)
		for _, r := range rng.Perm(n)[:pr] {
			probe = append(probe, x[r*d:(r+1)*d]...)
		}
	}
	stable := 0

	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	for ep := 1; ep <= cfg.Epochs; ep++ {
		if err := ctx.Err(); err != nil {
			hist.StopReason = fmt.Sprintf("cancelled before epoch %d", ep)
			return export(), hist, err
		}
		rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		var sum Losses
		for bi := range nb {
			for k, r := range perm[bi*batch : (bi+1)*batch] {
				copy(xb[k*d:(k+1)*d], x[r*d:(r+1)*d])
			}
			l, bad, err := trainStep(nt, dis, ge, rng)
			if err != nil {
				return export(), hist, err
			}
			if bad != "" {
				hist.StopReason = fmt.Sprintf("non-finite %s loss or gradient in epoch %d, batch %d", bad, ep, bi+1)
				return export(), hist, fmt.Errorf("%w in epoch %d, batch %d (%s step); kept the averaged weights of the last good step: lower LR or check the input scaling", ErrNotFinite, ep, bi+1, bad)
			}
			if cfg.EMA > 0 {
				emaUpdate(all, decay)
				emaSteps++
			}
			sum.Dxz += l.Dxz
			sum.Dxx += l.Dxx
			sum.Dzz += l.Dzz
			sum.G += l.G
			sum.E += l.E
		}
		f := 1 / float64(nb)
		mean := Losses{Dxz: sum.Dxz * f, Dxx: sum.Dxx * f, Dzz: sum.Dzz * f, G: sum.G * f, E: sum.E * f}
		hist.Epochs = append(hist.Epochs, mean)
		if progress != nil {
			if err := progress(ep, mean); err != nil {
				hist.StopReason = fmt.Sprintf("progress stopped training after epoch %d: %v", ep, err)
				return export(), hist, err
			}
		}
		if cfg.Patience > 0 {
			cur = export().Score(cur, probe)
			if prev != nil {
				rho := spearman(prev, cur)
				hist.Rho = append(hist.Rho, rho)
				if rho >= cfg.StopRho {
					stable++
				} else {
					stable = 0
				}
				if stable >= cfg.Patience {
					hist.StopReason = fmt.Sprintf("early stop after epoch %d: probe score ranks stable (Spearman >= %g) for %d epochs", ep, cfg.StopRho, stable)
					return export(), hist, nil
				}
			}
			prev, cur = cur, prev
		}
	}
	hist.StopReason = fmt.Sprintf("completed %d epochs", cfg.Epochs)
	return export(), hist, nil
}

func finite(v ...float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// powerStep runs one power iteration on every spectrally normalised weight.
func (n *nets) powerStep() {
	for _, p := range n.snParams {
		p.sn.step(p)
	}
}

// snExportIters bounds the power iterations that compute the spectral norm
// of the averaged weights at export.
const snExportIters = 100

// export builds a Model from the averaged weights (offset-corrected:
// ema/(1-decay^steps)), or from the current weights when decay < 0 or no
// step was taken. Spectrally normalised weights are divided by their
// largest singular value, found by power iteration from the persistent u.
func (n *nets) export(decay float64, steps int) *Model {
	m := newModel(n.d, n.arch)
	pairs := []struct {
		dst *dense
		l   layer
	}{
		{&m.e[0], n.e1}, {&m.e[1], n.e2}, {&m.e[2], n.e3},
		{&m.g[0], n.g1}, {&m.g[1], n.g2}, {&m.g[2], n.g3},
		{&m.f[0], n.xx1}, {&m.f[1], n.xx2},
	}
	avg := func(dst []float32, p *param) {
		if decay <= 0 || steps == 0 {
			copy(dst, p.w)
			return
		}
		c := float32(1 / (1 - math.Pow(decay, float64(steps))))
		for i, e := range p.ema {
			dst[i] = e * c
		}
	}
	for _, pr := range pairs {
		avg(pr.dst.W, pr.l.w)
		avg(pr.dst.B, pr.l.b)
		if pr.l.sn {
			sigma := spectralNorm(pr.dst.W, pr.l.w.rows, pr.l.w.cols, pr.l.w.sn.u)
			inv := 1 / sigma
			for i := range pr.dst.W {
				pr.dst.W[i] *= inv
			}
		}
	}
	return m
}

// spectralNorm returns the largest singular value of the rows x cols matrix
// w by power iteration started from a copy of u.
func spectralNorm(w []float32, rows, cols int, u0 []float32) float32 {
	u := slices.Clone(u0)
	v := make([]float32, rows)
	var last float32
	for i := range snExportIters {
		s := powerIter(w, rows, cols, u, v)
		if i > 0 && math.Abs(float64(s-last)) <= 1e-7*math.Abs(float64(s)) {
			return s
		}
		last = s
	}
	return last
}

// spearman returns the Spearman rank correlation of a and b (average ranks
// for ties).
func spearman(a, b []float32) float64 {
	ra, rb := ranks(a), ranks(b)
	n := float64(len(a))
	mean := (n + 1) / 2
	var sab, saa, sbb float64
	for i := range ra {
		x, y := ra[i]-mean, rb[i]-mean
		sab += x * y
		saa += x * x
		sbb += y * y
	}
	if saa == 0 || sbb == 0 {
		return 0
	}
	return sab / math.Sqrt(saa*sbb)
}

func ranks(x []float32) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(i, j int) bool { return x[idx[i]] < x[idx[j]] })
	r := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && x[idx[j+1]] == x[idx[i]] {
			j++
		}
		avg := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = avg
		}
		i = j + 1
	}
	return r
}

// trainStep runs the discriminator step and then the generator/encoder step
// on the batch the graphs read, each after a power iteration of the
// spectral norms. bad names the step ("discriminator" or
// "generator/encoder") whose losses or gradients were not finite; that
// step's weights are left as they were, and the other step does not run.
func trainStep(nt *nets, dis, ge *step, rng *rand.Rand) (l Losses, bad string, err error) {
	nt.powerStep()
	if err := dis.run(rng); err != nil {
		return l, "", err
	}
	l = Losses{Dxz: dis.lossValue(0), Dxx: dis.lossValue(1), Dzz: dis.lossValue(2)}
	if !finite(l.Dxz, l.Dxx, l.Dzz) || !gradsFinite(dis.grads) {
		return l, "discriminator", nil
	}
	dis.opt.step(dis.grads)

	nt.powerStep()
	if err := ge.run(rng); err != nil {
		return l, "", err
	}
	l.G, l.E = ge.lossValue(0), ge.lossValue(1)
	if !finite(l.G, l.E) || !gradsFinite(ge.grads) {
		return l, "generator/encoder", nil
	}
	ge.opt.step(ge.grads)
	return l, "", nil
}
