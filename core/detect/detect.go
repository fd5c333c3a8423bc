package detect

import (
	"context"

	"halo/core/grid"
)

// PairScorer scores encoded pixel pairs: a trained pair network.
//
// ScorePairs writes into dst[k] the probability (sigmoid output, in [0, 1])
// that pair k is dissimilar, where row k of diffs,
// diffs[k*D() : (k+1)*D()], is |x_T - x_j| over the D layers.
// len(diffs) = len(dst)*D(). ScorePairs may be called with any len(dst) up
// to Options.Batch and must not keep diffs or dst.
type PairScorer interface {
	D() int
	ScorePairs(dst []float32, diffs []float32)
}

// Defaults used when an Options field is zero.
const (
	DefaultInner = 13 // the paper's best window pair (13, 35), AUC 0.905
	DefaultOuter = 35
	// DefaultRingStep and DefaultShellScale set the fast mode's sampling
	// (see Options): strides 1, 1, 1, 2, 3, 4, 6 on the shells of radius
	// 1-7 and 8 beyond. Chosen from the nanling-li measurements in doc.go:
	// (13,35) scores 6.5x fewer ring pairs than exact with a rank
	// correlation of 0.998, and the small windows keep the dense inner
	// shells they need.
	DefaultRingStep   = 8
	DefaultShellScale = 8
	DefaultBatch      = 4096
)

// Options configures Detect and Sweep. A nil *Options means all defaults.
type Options struct {
	// Inner and Outer are the odd side lengths, in cells, of the square
	// inner and outer windows, 1 <= Inner < Outer. Zero means DefaultInner
	// and DefaultOuter. Sweep ignores them.
	Inner, Outer int

	// Exact scores every ring cell. Otherwise (fast mode) each shell of the
	// ring is sampled as set by RingStep and ShellScale, see the package
	// comment.
	Exact bool

	// RingStep is the fast mode's largest ring stride; 0 means
	// DefaultRingStep, 1 means every ring cell (the same as Exact).
	RingStep int

	// ShellScale sets how fast the stride grows with the shell's radius:
	// the shell of radius r (the 8r cells at Chebyshev distance r) is
	// sampled every min(RingStep, max(1, r²/ShellScale))-th cell, so the
	// small inner shells, which small windows consist of, stay dense while
	// the large outer ones are thinned by up to RingStep. 0 means
	// DefaultShellScale.
	ShellScale int

	// Batch is the number of pairs per ScorePairs call; 0 means
	// DefaultBatch.
	Batch int

	// Rows limits scoring to the rows [Rows[0], Rows[1]) of the grid, so
	// that several workers can share a map; rows outside are left
	// untouched. The zero value means all rows. Results do not depend on
	// how the rows are split.
	Rows [2]int
}

func (o *Options) defaults() Options {
	var v Options
	if o != nil {
		v = *o
	}
	if v.Inner == 0 && v.Outer == 0 {
		v.Inner, v.Outer = DefaultInner, DefaultOuter
	}
	if v.RingStep == 0 {
		v.RingStep = DefaultRingStep
	}
	if v.ShellScale == 0 {
		v.ShellScale = DefaultShellScale
	}
	if v.RingStep < 0 || v.ShellScale < 0 {
		panic("detect: negative ring step or shell pairs")
	}
	if v.Exact {
		v.RingStep = 1
	}
	if v.Batch == 0 {
		v.Batch = DefaultBatch
	}
	if v.Batch < 0 {
		panic("detect: negative batch")
	}
	return v
}

func rowRange(o Options, g grid.Geom) (from, to int) {
	from, to = o.Rows[0], o.Rows[1]
	if from == 0 && to == 0 {
		return 0, g.Rows
	}
	if from < 0 || to > g.Rows || from >= to {
		panic("detect: row range out of the grid")
	}
	return from, to
}

// Detect computes the dual-window anomaly score of every cell of s in the
// row range of opt into dst, which must have the geometry of s:
//
//	D(T) = mean over ring cells j of sigmoid(CNN(|x_T - x_j|))
//
// where the ring is the cells inside the Outer x Outer window centred on T
// but outside its Inner x Inner window that lie on the grid and have data
// (all layers finite). A cell without data, or whose ring has no valid cell,
// gets NaN. High D = anomalous.
//
// Detect polls ctx and calls progress(done, total) (rows of the range; nil
// means none) after each block of rows; it stops with ctx.Err() or the
// error progress returns. It panics if dst's size differs from s, if
// sc.D() != s.D(), or if the options are invalid.
func Detect(ctx context.Context, dst *grid.Grid, s *grid.Stack, sc PairScorer, opt *Options, progress func(done, total int) error) error {
	o := opt.defaults()
	if dst == nil || dst.Cols != s.Cols || dst.Rows != s.Rows || len(dst.Data) != s.Len() {
		panic("detect: destination size mismatch")
	}
	return run(ctx, []*grid.Grid{dst}, s, sc, nil, &o, progress)
}

// run scores the detection's rows as one chunk and merges it into dst.
func run(ctx context.Context, dst []*grid.Grid, s *grid.Stack, sc PairScorer, windows [][2]int, o *Options, progress func(done, total int) error) error {
	d := NewDetector(s, sc, windows, o)
	part, err := d.Score(ctx, [2]int{d.x.from, d.x.to}, progress)
	if err != nil {
		return err
	}
	return Merge(dst, s, windows, o, []*Part{part})
}

// Sweep computes the score maps of several (inner, outer) window pairs with
// one scorer, e.g. the paper's eight (5,7) (5,9) (5,11) (5,13) (7,35) (9,35)
// (11,35) (13,35). Every pair (T, j) is scored once and shared by all the
// windows whose rings hold j, so the cost is that of the union of the rings
// (for the paper's eight: the 35 x 35 window minus the central 5 x 5, 1,200
// cells) rather than their sum (4,800). opt.Inner and opt.Outer are ignored;
// everything else is as in Detect. The maps are returned in the order of
// windows, NaN outside the row range.
func Sweep(ctx context.Context, s *grid.Stack, sc PairScorer, windows [][2]int, opt *Options, progress func(done, total int) error) ([]*grid.Grid, error) {
	if len(windows) == 0 {
		panic("detect: no windows")
	}
	o := opt.defaults()
	dst := make([]*grid.Grid, len(windows))
	for i := range dst {
		dst[i] = grid.New(s.Geom)
	}
	if err := run(ctx, dst, s, sc, windows, &o, progress); err != nil {
		return nil, err
	}
	return dst, nil
}

// Pairs returns the number of pairs Detect (windows nil: opt.Inner,
// opt.Outer) or Sweep (windows given) scores on s with opt, without
// scoring: the cost of a run (network evaluations), to report the speed-up
// of the fast mode over Exact. In exact mode each unordered pair of the row
// range is scored once (see RingPairs).
func Pairs(s *grid.Stack, windows [][2]int, opt *Options) int {
	n, _ := cost(s, windows, opt)
	return n
}

// RingPairs returns the number of (centre, ring cell) scores that the window
// means of Detect or Sweep run over (windows and opt as in Pairs): every
// ring cell of every centre in exact mode, the sampled ones in fast mode.
// Each unordered pair is scored once, so it is about twice Pairs.
func RingPairs(s *grid.Stack, windows [][2]int, opt *Options) int {
	_, n := cost(s, windows, opt)
	return n
}

func cost(s *grid.Stack, windows [][2]int, opt *Options) (evals, uses int) {
	d := NewDetector(s, nil, windows, opt)
	x := d.x
	x.chunk(x.from, x.to)
	for t := x.from * s.Cols; t < x.to*s.Cols; t++ {
		if x.mask[t] {
			evals += x.walk(t, func(_ int, a, b int32) {
				if a >= 0 {
					uses++
				}
				if b >= 0 {
					uses++
				}
			})
		}
	}
	return evals, uses
}
