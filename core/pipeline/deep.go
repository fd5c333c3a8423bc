package pipeline

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"time"

	"halo/core/compose"
	"halo/core/detect"
	"halo/core/eval"
	"halo/core/grid"
	"halo/core/nn/alad"
	"halo/core/nn/cnn"
	"halo/core/nn/vae"
	"halo/core/ppf"
)

// CNNConfig configures the pixel-pair CNN with dual-window detection (Fe
// paper; METHODS.md section 2). The zero value is the browser default.
type CNNConfig struct {
	// Preset "paper" is the paper's network (13 conv layers, 30-40
	// channels, ~0.7 M MACs per pair), 10 background draws, every training
	// pair each epoch; "" (default) is the same shape with 16-24 channels
	// (a third of the cost) and 8,192 pairs per epoch, which stays within
	// 0.01 AUC of the paper network on nanling-li; "light" has 8-14 channels
	// (a tenth; 0.022 below). docs/methods.md has the measurements.
	Preset string `json:"preset,omitempty"`
	// Inner and Outer are the odd window sizes; 0 means 13 and 35 (the
	// paper's best pair).
	Inner int `json:"inner,omitempty"`
	Outer int `json:"outer,omitempty"`
	// Exact scores every ring cell; the default fast mode thins the ring
	// (core/detect).
	Exact bool `json:"exact,omitempty"`
	// RingStep is the fast mode's largest ring stride (detect.Options):
	// large rings score every RingStep-th cell; 0 means
	// detect.DefaultRingStep (8), 1 scores every ring cell. Ignored when
	// Exact is set.
	RingStep int `json:"ring_step,omitempty"`
	// ShellScale sets how fast the fast mode's stride grows with a ring
	// shell's radius r, min(RingStep, max(1, r²/ShellScale))
	// (detect.Options), so that small rings stay dense; 0 means
	// detect.DefaultShellScale (8). Ignored when Exact is set.
	ShellScale int `json:"shell_scale,omitempty"`
	// Draws is the number of random background draws (paper: 10); the model
	// with the best test-pair accuracy is kept. 0 means 1 (default preset)
	// or 10 (paper preset).
	Draws int `json:"draws,omitempty"`
	// Epochs per draw; 0 means 10.
	Epochs int `json:"epochs,omitempty"`
	// PairsPerEpoch is the number of training pairs drawn per epoch; 0
	// means 8,192 (default preset) or all (paper preset).
	PairsPerEpoch int `json:"pairs_per_epoch,omitempty"`
	// Sweep also scores the paper's eight window pairs with the trained
	// model and reports the AUC of each (paper Fig. 9).
	Sweep bool `json:"sweep,omitempty"`
	// Channels, when given, are the output channels of the 13 convolution
	// layers (the strides stay the paper's); nil means the preset's network.
	Channels []int `json:"channels,omitempty"`
}

// NetConfig configures ALAD or the VAE (W paper; METHODS.md section 3).
type NetConfig struct {
	// Preset "paper" is the paper's widths, 100 epochs over the whole
	// training set; "" (default) is lighter (docs/methods.md).
	Preset string `json:"preset,omitempty"`
	// Epochs; 0 means the preset's.
	Epochs int `json:"epochs,omitempty"`
	// SamplesPerEpoch is the number of training cells drawn per epoch; 0
	// means the preset's.
	SamplesPerEpoch int `json:"samples_per_epoch,omitempty"`
	// Transform is "ilr" (default) or "clr".
	Transform string `json:"transform,omitempty"`
}

// PaperWindows are the window pairs of the Fe paper's Fig. 9.
var PaperWindows = [][2]int{{5, 7}, {5, 9}, {5, 11}, {5, 13}, {7, 35}, {9, 35}, {11, 35}, {13, 35}}

// Pool runs dual-window detection of a trained CNN over row blocks. The
// default (nil) splits rows over goroutines; the web worker supplies one
// that splits them over web workers.
type Pool interface {
	// Size returns how many workers share a detection of rows rows.
	Size(rows int) int
	// Detect scores the windows (nil: opt.Inner and opt.Outer; several: a
	// sweep, detect.Sweep) of a trained CNN on s into dst, one grid per
	// window.
	Detect(ctx context.Context, dst []*grid.Grid, s *grid.Stack, model *cnn.Model, windows [][2]int, opt detect.Options, progress func(done, total int) error) error
	// Score scores the rows of x (rows of d values) with a marshalled model
	// of kind "alad" or "vae" (ScoreRows), splitting the rows over workers.
	Score(ctx context.Context, kind string, model []byte, x []float32, d int) ([]float32, error)
}

// ScoreRows scores the rows of x (rows of d values) with a marshalled
// ALAD ("alad") or VAE ("vae") model: what each worker of a Pool does.
func ScoreRows(kind string, model []byte, x []float32, d int) ([]float32, error) {
	if d <= 0 || len(x)%d != 0 {
		return nil, fmt.Errorf("score: %d values are not rows of %d", len(x), d)
	}
	dst := make([]float32, len(x)/d)
	switch kind {
	case "alad":
		var m alad.Model
		if err := m.UnmarshalBinary(model); err != nil {
			return nil, err
		}
		m.Score(dst, x)
	case "vae":
		var m vae.Model
		if err := m.UnmarshalBinary(model); err != nil {
			return nil, err
		}
		m.Score(dst, x)
	default:
		return nil, fmt.Errorf("score: unknown model kind %q", kind)
	}
	return dst, nil
}

func (p goroutinePool) Score(ctx context.Context, kind string, model []byte, x []float32, d int) ([]float32, error) {
	rows := len(x) / max(d, 1)
	n := p.Size(rows)
	out := make([]float32, rows)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for w := 0; w < n; w++ {
		lo, hi := rows*w/n, rows*(w+1)/n
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			sc, err := ScoreRows(kind, model, x[lo*d:hi*d], d)
			if err == nil {
				copy(out[lo:hi], sc)
			}
			errs[w] = err
		}(w)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, ctx.Err()
}

// Bands splits rows into n bands of consecutive rows, as even as can be,
// leaving out empty bands: the share of each worker of a pool.
func Bands(rows, n int) [][2]int {
	out := make([][2]int, 0, n)
	for w := 0; w < n; w++ {
		if b := [2]int{rows * w / n, rows * (w + 1) / n}; b[0] < b[1] {
			out = append(out, b)
		}
	}
	return out
}

// Chunks hands out the rows of a detection to the workers of a pool as
// they come free (guided self-scheduling): each chunk holds about a
// (2 x workers)-th of the cells with data still left (the centres whose
// rings detection scores), and at least one row, so the first chunks are
// large and the last ones small, and the workers finish together however
// the cores are shared. Chunks are safe for concurrent use. Maps do not
// depend on the chunking (core/detect evaluates each pair once for any).
type Chunks struct {
	mu      sync.Mutex
	perRow  []int // cells with data per row of the detection, at least 1
	from    int
	next    int // the first row not handed out, relative to from
	left    int // cells with data in the rows not handed out
	workers int
}

// NewChunks returns the chunks of the rows [from, to) of s for workers
// workers.
func NewChunks(s *grid.Stack, from, to, workers int) *Chunks {
	q := &Chunks{perRow: make([]int, to-from), from: from, workers: max(1, workers)}
	mask := s.Mask()
	for r := range q.perRow {
		n := 0
		for _, ok := range mask[(from+r)*s.Cols : (from+r+1)*s.Cols] {
			if ok {
				n++
			}
		}
		q.perRow[r] = max(n, 1) // an empty row still costs its walk
		q.left += q.perRow[r]
	}
	return q
}

// Next returns the next chunk of rows; ok is false when all are handed out.
func (q *Chunks) Next() (rows [2]int, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.next >= len(q.perRow) {
		return rows, false
	}
	want := (q.left + 2*q.workers - 1) / (2 * q.workers)
	a, got := q.next, 0
	for q.next < len(q.perRow) && (got == 0 || got+q.perRow[q.next] <= want) {
		got += q.perRow[q.next]
		q.next++
	}
	q.left -= got
	return [2]int{q.from + a, q.from + q.next}, true
}

// goroutinePool scores chunks of rows (Chunks) on GOMAXPROCS goroutines, one
// Scorer each, and merges them.
type goroutinePool struct{}

func (goroutinePool) Size(rows int) int { return max(1, min(runtime.GOMAXPROCS(0), rows)) }

func (p goroutinePool) Detect(ctx context.Context, dst []*grid.Grid, s *grid.Stack, model *cnn.Model, windows [][2]int, opt detect.Options, progress func(done, total int) error) error {
	n := p.Size(s.Rows)
	q := NewChunks(s, 0, s.Rows, n)
	merger := detect.NewMerger(s, windows, &opt)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		done  int // rows scored, over the chunks
		first error
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fail := func(err error) {
		mu.Lock()
		if first == nil {
			first = err
		}
		mu.Unlock()
		cancel()
	}
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := detect.NewDetector(s, model.NewScorer(), windows, &opt)
			for {
				rows, ok := q.Next()
				if !ok {
					return
				}
				last := 0
				part, err := d.Score(ctx, rows, func(k, _ int) error {
					mu.Lock()
					defer mu.Unlock()
					done += k - last
					last = k
					if progress != nil {
						return progress(done, s.Rows)
					}
					return nil
				})
				if err == nil {
					mu.Lock()
					err = merger.Add(part)
					mu.Unlock()
				}
				if err != nil {
					fail(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return merger.Write(dst)
}

func (c *CNNConfig) withDefaults() CNNConfig {
	var v CNNConfig
	if c != nil {
		v = *c
	}
	if v.Inner == 0 && v.Outer == 0 {
		v.Inner, v.Outer = detect.DefaultInner, detect.DefaultOuter
	}
	if v.Epochs == 0 {
		v.Epochs = 10
	}
	if v.Draws == 0 {
		v.Draws = 1
		if v.Preset == "paper" {
			v.Draws = 10
		}
	}
	if v.PairsPerEpoch == 0 && v.Preset != "paper" {
		v.PairsPerEpoch = 8192
	}
	return v
}

func (c *CNNConfig) validate() error {
	if c == nil {
		return nil
	}
	if c.Preset != "" && c.Preset != "paper" && c.Preset != "light" {
		return fmt.Errorf("config: cnn preset %q: use \"paper\" or \"light\", or leave it empty", c.Preset)
	}
	in, out := c.Inner, c.Outer
	if in != 0 || out != 0 {
		if in < 1 || out <= in || in%2 == 0 || out%2 == 0 {
			return fmt.Errorf("config: cnn windows (%d, %d): use odd sizes with inner < outer, e.g. 13 and 35", in, out)
		}
	}
	if c.Draws < 0 || c.Epochs < 0 || c.PairsPerEpoch < 0 {
		return fmt.Errorf("config: cnn draws, epochs and pairs_per_epoch must not be negative")
	}
	if c.RingStep < 0 {
		return fmt.Errorf("config: cnn ring_step %d: use 1 or more (1 scores every ring cell), or 0 or leave it out for the default %d", c.RingStep, detect.DefaultRingStep)
	}
	if c.ShellScale < 0 {
		return fmt.Errorf("config: cnn shell_scale %d: use 1 or more, or 0 or leave it out for the default %d", c.ShellScale, detect.DefaultShellScale)
	}
	if n := len(c.Channels); n > 0 {
		if n != len(cnn.PaperArch().Channels) {
			return fmt.Errorf("config: cnn channels: give %d values (one per convolution layer), not %d", len(cnn.PaperArch().Channels), n)
		}
		for _, ch := range c.Channels {
			if ch < 1 || ch > 512 {
				return fmt.Errorf("config: cnn channels %v: each must be between 1 and 512", c.Channels)
			}
		}
	}
	return nil
}

func (c *NetConfig) validate(name string) error {
	if c == nil {
		return nil
	}
	if c.Preset != "" && c.Preset != "paper" {
		return fmt.Errorf("config: %s preset %q: use \"paper\" or leave it empty", name, c.Preset)
	}
	if c.Transform != "" && c.Transform != "ilr" && c.Transform != "clr" {
		return fmt.Errorf("config: %s transform %q: use \"ilr\" or \"clr\"", name, c.Transform)
	}
	if c.Epochs < 0 || c.SamplesPerEpoch < 0 {
		return fmt.Errorf("config: %s epochs and samples_per_epoch must not be negative", name)
	}
	return nil
}

// transformed returns the standardised clr or ilr stack of the
// multivariate elements.
func (r *runner) transformed(kind string) (*grid.Stack, error) {
	if s, ok := r.stacks[kind]; ok {
		return s, nil
	}
	keep, left := multivariate(r.res.Samples, len(r.cfg.Elements) > 0)
	if len(keep) < 2 {
		return nil, fmt.Errorf("fewer than 2 elements are usable for a multivariate method (left out: %v): choose elements with few values below detection", left)
	}
	if len(left) > 0 && !r.warnedLeft {
		r.warnedLeft = true
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("left out of the multivariate methods: %v", left))
	}
	sub := subStack(r.res.Logs, keep)
	var s *grid.Stack
	if kind == "clr" {
		s = compose.CLRStack(sub)
	} else {
		s = compose.ILRStack(sub)
	}
	if _, _, constant := compose.Standardise(s); len(constant) > 0 {
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%d %s coordinates are constant over the grid", len(constant), kind))
	}
	if r.stacks == nil {
		r.stacks = map[string]*grid.Stack{}
	}
	r.stacks[kind] = s
	return s, nil
}

// runCNN trains the pixel-pair CNN on R background draws, keeps the model
// with the best test-pair accuracy and scores the grid with dual windows.
func (r *runner) runCNN() (*grid.Grid, *TrainingReport, string, error) {
	res := r.res
	c := r.cfg.CNN.withDefaults()
	if len(res.Positive) == 0 || len(res.Deposits) == 0 {
		return nil, nil, "", fmt.Errorf("the CNN learns from known deposits: give a deposits file (points), or choose an unsupervised method (alad, vae, mahalanobis)")
	}
	s, err := r.transformed("clr")
	if err != nil {
		return nil, nil, "", err
	}
	valid := s.Mask()
	mineral := ppf.Mineralized(s.Geom, res.Positive, valid)
	arch := cnn.MidArch()
	switch c.Preset {
	case "paper":
		arch = cnn.PaperArch()
	case "light":
		arch = cnn.LightArch()
	}
	if len(c.Channels) > 0 {
		arch.Channels = append([]int(nil), c.Channels...)
	}
	rng := r.methodRNG("cnn")
	tr := &TrainingReport{Mineralized: len(mineral), Arch: fmt.Sprint(arch.Channels), MACs: arch.MACs(s.D())}
	var best *cnn.Model
	bestAcc := -1.0
	for d := 0; d < c.Draws; d++ {
		split, err := ppf.Draw(mineral, valid, rng, 0)
		if err != nil {
			return nil, nil, "", err
		}
		train := ppf.Build(nil, s, split.TrainPos, split.TrainNeg)
		test := ppf.Build(nil, s, split.TestPos, split.TestNeg)
		if d == 0 {
			sim, dis := ppf.Count(len(split.TrainPos), len(split.TrainNeg))
			tsim, tdis := ppf.Count(len(split.TestPos), len(split.TestNeg))
			tr.Pairs = &PairCounts{TrainCells: len(split.TrainPos) + len(split.TrainNeg), TestCells: len(split.TestPos) + len(split.TestNeg),
				TrainSimilar: sim, TrainDissimilar: dis, TestSimilar: tsim, TestDissimilar: tdis}
			if err := r.emit("train cnn", 0, "%s pixel pairs from %d labelled cells (%d mineralized + %d background), %s test pairs",
				count(sim+dis), tr.Pairs.TrainCells, len(split.TrainPos), len(split.TrainNeg), count(tsim+tdis)); err != nil {
				return nil, nil, "", err
			}
		}
		tc := cnn.TrainConfig{Arch: arch, Epochs: c.Epochs, PairsPerEpoch: c.PairsPerEpoch}
		draw := d
		model, hist, err := cnn.Train(r.ctx, cnn.Pairs{D: train.D, X: train.X, Y: train.Y}, cnn.Pairs{D: test.D, X: test.X, Y: test.Y}, tc, rng,
			func(epoch int, loss, acc float64) error {
				return r.emit("train cnn", (float64(draw)+float64(epoch)/float64(c.Epochs))/float64(c.Draws),
					"draw %d/%d, epoch %d/%d: loss %.4f, test-pair accuracy %.3f", draw+1, c.Draws, epoch, c.Epochs, loss, acc)
			})
		if err != nil {
			return nil, nil, "", fmt.Errorf("training (draw %d): %w", d+1, err)
		}
		n := len(hist.Loss)
		dr := DrawReport{Draw: d + 1, Loss: hist.Loss, TestAccuracy: hist.TestAcc}
		if n > 0 {
			dr.FinalLoss, dr.FinalAccuracy = hist.Loss[n-1], num(hist.TestAcc[n-1])
		}
		tr.Draws = append(tr.Draws, dr)
		if dr.FinalAccuracy > bestAcc {
			best, bestAcc, tr.Best = model, dr.FinalAccuracy, d+1
		}
	}
	r.res.cnn = &cnnState{model: best, stack: s}
	g, err := r.detectCNN(s, best, c, tr)
	if err != nil {
		return nil, nil, "", err
	}
	note := fmt.Sprintf("CNN (best of %d draws, test-pair accuracy %.3f), windows (%d, %d): %s pairs in %.1f s", c.Draws, bestAcc, c.Inner, c.Outer, count(tr.PairsScored), tr.DetectSeconds)
	return g, tr, note, nil
}

// cnnState is what a run keeps of its CNN so that new windows re-run
// detection only (Redetect), not training.
type cnnState struct {
	model *cnn.Model
	stack *grid.Stack
}

// detectCNN scores the grid with the dual windows of c (and the sweep).
func (r *runner) detectCNN(s *grid.Stack, best *cnn.Model, c CNNConfig, tr *TrainingReport) (*grid.Grid, error) {
	g := grid.New(s.Geom)
	opt := detect.Options{Inner: c.Inner, Outer: c.Outer, Exact: c.Exact, RingStep: c.RingStep, ShellScale: c.ShellScale}
	c = c.withDefaults()
	tr.Windows = [2]int{c.Inner, c.Outer}
	tr.Exact = c.Exact
	pool := r.pool
	if pool == nil {
		pool = goroutinePool{}
	}
	// Network evaluations: each pair once, however the pool chunks the rows.
	tr.PairsScored = detect.Pairs(s, nil, &opt)
	if err := r.emit("detect", 0, "scoring %s pairs: windows (%d, %d), %s mode, %d workers", count(tr.PairsScored), c.Inner, c.Outer, map[bool]string{true: "exact", false: "fast"}[c.Exact], pool.Size(s.Rows)); err != nil {
		return nil, err
	}
	t0 := time.Now()
	tr.Workers = pool.Size(s.Rows)
	err := pool.Detect(r.ctx, []*grid.Grid{g}, s, best, nil, opt, func(done, total int) error {
		return r.emit("detect", float64(done)/float64(total), "dual-window detection: row %d of %d", done, total)
	})
	if err != nil {
		return nil, err
	}
	tr.DetectSeconds = time.Since(t0).Seconds()
	tr.PairsPerSecond = float64(tr.PairsScored) / math.Max(tr.DetectSeconds, 1e-9)
	tr.Sweep = nil
	if c.Sweep {
		if err := r.sweep(pool, s, best, opt, tr); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// Redetect scores the CNN of an earlier run with other windows (or exact
// mode, or a sweep) and evaluates again: training is not repeated. It
// returns a new Result sharing the unchanged parts of res; res itself is not
// modified. It is an error if res has no CNN.
func Redetect(ctx context.Context, res *Result, c CNNConfig, prog Progress, pool Pool) (*Result, error) {
	if res == nil || res.cnn == nil {
		return nil, fmt.Errorf("no trained CNN to re-run detection with: run the CNN first")
	}
	cfg := res.Config
	prev := cfg.CNN.withDefaults()
	next := c
	next.Preset, next.Draws, next.Epochs, next.PairsPerEpoch = prev.Preset, prev.Draws, prev.Epochs, prev.PairsPerEpoch
	if err := next.validate(); err != nil {
		return nil, err
	}
	cfg.CNN = &next
	out := *res
	out.Config = cfg
	rep := *res.Report
	rep.Config = cfg
	rep.Methods = nil
	rep.Timings = append([]Timing(nil), res.Report.Timings...)
	out.Report = &rep
	out.Methods = make([]*Method, len(res.Methods))
	r := &runner{ctx: ctx, cfg: &cfg, prog: prog, res: &out, rep: &rep, pool: pool, start: time.Now()}
	for i, m := range res.Methods {
		mm := *m
		if m.Name == "cnn" {
			t0 := time.Now()
			tr := *m.Stats.Training
			g, err := r.detectCNN(res.cnn.stack, res.cnn.model, next.withDefaults(), &tr)
			if err != nil {
				return nil, err
			}
			mm.Score = g
			mm.Stats.Training = &tr
			mm.Stats.Seconds = time.Since(t0).Seconds()
			mm.Stats.Note = fmt.Sprintf("CNN re-scored with windows (%d, %d) without training again: %s pairs in %.1f s", tr.Windows[0], tr.Windows[1], count(tr.PairsScored), tr.DetectSeconds)
			r.timed("detect cnn (again)", t0)
		}
		out.Methods[i] = &mm
	}
	if err := r.evaluate(Inputs{}); err != nil {
		return nil, err
	}
	rep.Seconds = time.Since(r.start).Seconds()
	return &out, nil
}

// sweep scores the paper's eight window pairs on the pool (one pass shares
// every pair among them, detect.Sweep) and reports their AUCs.
func (r *runner) sweep(pool Pool, s *grid.Stack, model *cnn.Model, opt detect.Options, tr *TrainingReport) error {
	if err := r.emit("sweep", 0, "scoring the paper's %d window pairs on %d workers", len(PaperWindows), pool.Size(s.Rows)); err != nil {
		return err
	}
	grids := make([]*grid.Grid, len(PaperWindows))
	for i := range grids {
		grids[i] = grid.New(s.Geom)
	}
	err := pool.Detect(r.ctx, grids, s, model, PaperWindows, opt, func(done, total int) error {
		return r.emit("sweep", float64(done)/float64(total), "window sweep: row %d of %d", done, total)
	})
	if err != nil {
		return err
	}
	for i, g := range grids {
		w := WindowAUC{Inner: PaperWindows[i][0], Outer: PaperWindows[i][1]}
		if len(r.res.Positive) > 0 {
			w.AUC = num(eval.AUC(g.Data, r.res.Positive))
		}
		tr.Sweep = append(tr.Sweep, w)
	}
	return nil
}

// cellRows returns the values of the valid cells of s, row-major, and their
// indices.
func cellRows(s *grid.Stack) ([]float32, []int) {
	idx := s.ValidCells()
	d := s.D()
	x := make([]float32, 0, len(idx)*d)
	for _, i := range idx {
		x = append(x, s.CellValues(i)...)
	}
	return x, idx
}

// trainSplit draws the training rows (70% of the cells, the W paper's split).
func trainSplit(x []float32, d int, rng interface{ Perm(int) []int }) []float32 {
	n := len(x) / d
	perm := rng.Perm(n)
	nt := int(math.Round(0.7 * float64(n)))
	out := make([]float32, 0, nt*d)
	for _, i := range perm[:nt] {
		out = append(out, x[i*d:(i+1)*d]...)
	}
	return out
}

func netDefaults(c *NetConfig) NetConfig {
	var v NetConfig
	if c != nil {
		v = *c
	}
	if v.Transform == "" {
		v.Transform = "ilr"
	}
	return v
}

// runALAD trains ALAD on 70% of the cells and scores every cell.
func (r *runner) runALAD() (*grid.Grid, *TrainingReport, string, error) {
	c := netDefaults(r.cfg.ALAD)
	s, err := r.transformed(c.Transform)
	if err != nil {
		return nil, nil, "", err
	}
	x, idx := cellRows(s)
	d := s.D()
	rng := r.methodRNG("alad")
	train := trainSplit(x, d, rng)
	cfg := alad.Config{Arch: alad.DefaultArch(), Epochs: c.Epochs, SamplesPerEpoch: c.SamplesPerEpoch, SpectralNorm: true}
	if c.Preset == "paper" {
		cfg.Arch = alad.PaperArch()
		if cfg.Epochs == 0 {
			cfg.Epochs = 100
		}
	} else {
		if cfg.Epochs == 0 {
			cfg.Epochs = aladDefaultEpochs
		}
		if cfg.SamplesPerEpoch == 0 {
			cfg.SamplesPerEpoch = aladDefaultSamples
		}
		cfg.Patience = aladDefaultPatience
	}
	if err := r.emit("train alad", 0, "training ALAD on %s of %s cells (%d %s coordinates), %d epochs", count(len(train)/d), count(len(idx)), d, c.Transform, cfg.Epochs); err != nil {
		return nil, nil, "", err
	}
	model, hist, err := alad.Train(r.ctx, train, d, cfg, rng, func(epoch int, l alad.Losses) error {
		return r.emit("train alad", float64(epoch)/float64(cfg.Epochs), "epoch %d/%d: losses Dxz %.3f, Dxx %.3f, Dzz %.3f, G %.3f, E %.3f", epoch, cfg.Epochs, l.Dxz, l.Dxx, l.Dzz, l.G, l.E)
	})
	if err != nil {
		return nil, nil, "", fmt.Errorf("training: %w", err)
	}
	tr := &TrainingReport{TrainCells: len(train) / d, StopReason: hist.StopReason, Epochs: len(hist.Epochs)}
	for _, l := range hist.Epochs {
		tr.Losses = appendLoss(tr.Losses, []string{"Dxz", "Dxx", "Dzz", "G", "E"}, []float64{l.Dxz, l.Dxx, l.Dzz, l.G, l.E})
	}
	g, err := r.scoreCells(s, idx, x, "alad", model)
	if err != nil {
		return nil, nil, "", err
	}
	return g, tr, fmt.Sprintf("ALAD: %d epochs (%s), scored %s cells on %d workers", len(hist.Epochs), hist.StopReason, count(len(idx)), r.poolOrDefault().Size(len(idx))), nil
}

// runVAE trains the VAE baseline on 70% of the cells and scores every cell.
func (r *runner) runVAE() (*grid.Grid, *TrainingReport, string, error) {
	c := netDefaults(r.cfg.VAE)
	s, err := r.transformed(c.Transform)
	if err != nil {
		return nil, nil, "", err
	}
	x, idx := cellRows(s)
	d := s.D()
	rng := r.methodRNG("vae")
	train := trainSplit(x, d, rng)
	cfg := vae.Config{Epochs: c.Epochs, SamplesPerEpoch: c.SamplesPerEpoch}
	if c.Preset == "paper" {
		if cfg.Epochs == 0 {
			cfg.Epochs = 100
		}
	} else {
		if cfg.Epochs == 0 {
			cfg.Epochs = vaeDefaultEpochs
		}
		if cfg.SamplesPerEpoch == 0 {
			cfg.SamplesPerEpoch = vaeDefaultSamples
		}
	}
	model, hist, err := vae.Train(r.ctx, train, d, cfg, rng, func(epoch int, l vae.Losses) error {
		return r.emit("train vae", float64(epoch)/float64(cfg.Epochs), "epoch %d/%d: reconstruction %.4f, KL %.4f", epoch, cfg.Epochs, l.Recon, l.KL)
	})
	if err != nil {
		return nil, nil, "", fmt.Errorf("training: %w", err)
	}
	tr := &TrainingReport{TrainCells: len(train) / d, StopReason: hist.StopReason, Epochs: len(hist.Epochs)}
	for _, l := range hist.Epochs {
		tr.Losses = appendLoss(tr.Losses, []string{"reconstruction", "KL"}, []float64{l.Recon, l.KL})
	}
	g, err := r.scoreCells(s, idx, x, "vae", model)
	if err != nil {
		return nil, nil, "", err
	}
	return g, tr, fmt.Sprintf("VAE: %d epochs, scored %s cells on %d workers", len(hist.Epochs), count(len(idx)), r.poolOrDefault().Size(len(idx))), nil
}

func (r *runner) poolOrDefault() Pool {
	if r.pool == nil {
		return goroutinePool{}
	}
	return r.pool
}

// scoreCells scores the rows x of the valid cells idx of s with a trained
// model (alad or vae), split over the pool's workers, and returns the grid.
func (r *runner) scoreCells(s *grid.Stack, idx []int, x []float32, kind string, model interface{ MarshalBinary() ([]byte, error) }) (*grid.Grid, error) {
	mb, err := model.MarshalBinary()
	if err != nil {
		return nil, err
	}
	pool := r.poolOrDefault()
	if err := r.emit("score "+kind, 0, "scoring %s cells on %d workers", count(len(idx)), pool.Size(len(idx))); err != nil {
		return nil, err
	}
	sc, err := pool.Score(r.ctx, kind, mb, x, s.D())
	if err != nil {
		return nil, err
	}
	g := grid.New(s.Geom)
	for k, i := range idx {
		g.Data[i] = sc[k]
	}
	return g, r.emit("score "+kind, 1, "scored %s cells", count(len(idx)))
}

// appendLoss appends one epoch's values to the named curves (made in the
// order of names on the first epoch).
func appendLoss(l []LossCurve, names []string, values []float64) []LossCurve {
	if l == nil {
		l = make([]LossCurve, len(names))
		for i, n := range names {
			l[i].Name = n
		}
	}
	for i, v := range values {
		l[i].Values = append(l[i].Values, num(v))
	}
	return l
}

// Defaults of the browser presets of ALAD and the VAE (docs/methods.md,
// "time to quality").
const (
	aladDefaultEpochs   = 10
	aladDefaultSamples  = 8192
	aladDefaultPatience = 0 // rank-stability stopping cut AUC on nanling-li (docs/methods.md)
	vaeDefaultEpochs    = 20
	vaeDefaultSamples   = 8192
)
