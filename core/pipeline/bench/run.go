package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"halo/core/compose"
	"halo/core/detect"
	"halo/core/grid"
	"halo/core/idw"
	"halo/core/nn/alad"
	"halo/core/nn/blas32"
	"halo/core/nn/cnn"
	"halo/core/nn/vae"
	"halo/core/ppf"
	"halo/core/survey"
)

// Options configures Run. The zero value is a full run.
type Options struct {
	// Quick bounds every stage to a small amount of work (a run of the
	// paper workload in well under a minute on one core).
	Quick bool
	// Seed drives every random draw (training data order, weights,
	// background cells); 0 means 1.
	Seed uint64
	// Log receives one line per stage as it finishes; nil means none.
	Log io.Writer
	// CPUTime returns the CPU seconds the process has used so far; nil
	// means the process's own count where the platform gives one (unix),
	// none elsewhere. wasm/bench supplies Node's process.cpuUsage.
	CPUTime func() float64
}

// Stage is the measurement of one stage.
type Stage struct {
	Name string `json:"name"`
	// Note says what exactly was measured.
	Note string `json:"note"`
	// Items is the work done, in Unit (pairs, samples, cells, products).
	Items int64  `json:"items"`
	Unit  string `json:"unit"`
	// Seconds is the wall-clock time; CPUSeconds the process CPU time over
	// the same interval (0 where unknown, as in js/wasm).
	Seconds    float64 `json:"seconds"`
	CPUSeconds float64 `json:"cpu_seconds,omitempty"`
	// Rate is Items per wall-clock second; CPURate Items per CPU second
	// (0 where the CPU time is unknown). On a loaded machine CPU rates
	// drift much less than wall-clock rates.
	Rate    float64 `json:"rate"`
	CPURate float64 `json:"cpu_rate,omitempty"`
	// FLOPs counted for the stage (2 per multiply-add; 0 for stages that
	// are not arithmetic-bound) and the resulting GFLOPS.
	FLOPs  float64 `json:"flops,omitempty"`
	GFLOPS float64 `json:"gflops,omitempty"`
	// Roofline is GFLOPS over the roofline GEMM's GFLOPS read around the
	// stage (Ref: the higher of the readings just before and just after
	// it; the "roofline" stage's own reading for the stages that have
	// none). CPUGFLOPS and CPURoofline are the same per CPU
	// second.
	Roofline    float64  `json:"roofline,omitempty"`
	CPUGFLOPS   float64  `json:"cpu_gflops,omitempty"`
	CPURoofline float64  `json:"cpu_roofline,omitempty"`
	Ref         *Reading `json:"ref,omitempty"`
	// FullItems and FullSeconds extrapolate the rate (CPURate where known,
	// else Rate) to the full job when the stage measured a part of it
	// (every row of the grid, a full epoch); 0 when the stage did the full
	// job.
	FullItems   int64   `json:"full_items,omitempty"`
	FullSeconds float64 `json:"full_seconds,omitempty"`
	// MapPairs and MapRate, for detection: the (centre, ring cell) scores
	// the means of the whole map run over (every ring cell in exact mode) and their number per CPU second of the full
	// job (each unordered pair is scored once, so MapPairs is about twice
	// FullItems). This is the rate to compare with a peer that scores
	// every pair of every ring.
	MapPairs int64   `json:"map_pairs,omitempty"`
	MapRate  float64 `json:"map_rate,omitempty"`
	// HeapInuse and Sys are the peaks of runtime.MemStats seen during the
	// stage, in bytes.
	HeapInuse uint64 `json:"heap_inuse_peak"`
	Sys       uint64 `json:"sys_peak"`
}

// Result is the measurement of one workload on one platform.
type Result struct {
	Workload  string `json:"workload"`
	Platform  string `json:"platform"` // GOOS/GOARCH
	GoVersion string `json:"go_version"`
	CPUs      int    `json:"cpus"`
	Quick     bool   `json:"quick"`
	// The grid: size, cells with data, layers, deposits inside the grid,
	// mineralized (class 1) cells of the CNN.
	Cols        int `json:"cols"`
	Rows        int `json:"rows"`
	ValidCells  int `json:"valid_cells"`
	Elements    int `json:"elements"`
	Deposits    int `json:"deposits"`
	Mineralized int `json:"mineralized"`
	// RooflineGFLOPS is the speed of the float32 GEMM of the "roofline"
	// stage.
	RooflineGFLOPS    float64 `json:"roofline_gflops"`
	RooflineCPUGFLOPS float64 `json:"roofline_cpu_gflops,omitempty"`
	// References are the readings of the same GEMM taken just before and
	// just after each arithmetic stage, in order (Stage.Ref is the higher
	// of a stage's two).
	References []Reading `json:"references,omitempty"`
	Stages     []Stage   `json:"stages"`
	// Seconds is the wall-clock time of the whole run; HeapInuse and Sys
	// the peaks over it.
	Seconds   float64 `json:"seconds"`
	HeapInuse uint64  `json:"heap_inuse_peak"`
	Sys       uint64  `json:"sys_peak"`
}

// Reading is one reading of the roofline GEMM: GFLOPS per wall-clock
// second and per CPU second (0 where the CPU time is unknown).
type Reading struct {
	GFLOPS    float64 `json:"gflops"`
	CPUGFLOPS float64 `json:"cpu_gflops,omitempty"`
}

// Stage returns the stage called name, or nil.
func (r *Result) Stage(name string) *Stage {
	for i := range r.Stages {
		if r.Stages[i].Name == name {
			return &r.Stages[i]
		}
	}
	return nil
}

// StageNames are the stages of Run, in order ("gemm scalar" only where
// blas32 runs on its WebAssembly SIMD kernel).
var StageNames = []string{
	"read", "grid", "transform", "roofline", "gemm scalar", "gemm gonum",
	"cnn train default", "cnn train paper", "cnn infer paper",
	"detect fast", "detect exact", "detect exact paper",
	"alad train", "alad train paper", "alad score",
	"vae train", "vae score",
}

// StagesHere are the StageNames that Run measures on this platform (and,
// in js/wasm, with the kernel blas32 runs on now).
func StagesHere() []string {
	var names []string
	for _, name := range StageNames {
		if name != "gemm scalar" || blas32.SIMD() {
			names = append(names, name)
		}
	}
	return names
}

// sizes bounds the work of the stages.
type sizes struct {
	gemmSeconds    float64 // least time of the GEMM loop
	refSeconds     float64 // least time of each GEMM reading around an arithmetic stage
	defPairs       int     // cnn train default: pairs of the epoch
	paperPairs     int     // cnn train paper: at most this many pairs
	inferPairs     int     // cnn infer paper
	fastRows       int     // detect fast: rows of the band
	exactRows      int     // detect exact
	exactCols      int     // detect exact: at most this many cells per row (0 = all)
	exactPaperCols int     // detect exact paper: cells of its one row
	aladSamples    int     // alad train (default widths)
	aladPaper      int     // alad train paper
	vaeSamples     int     // vae train
	netEpochs      int     // alad train and vae train: epochs over their rows (short stages are noisy)
	scoreCellsCap  int     // alad/vae score: at most this many cells (0 = all)
}

func sizesFor(quick bool) sizes {
	if quick {
		return sizes{gemmSeconds: 0.2, refSeconds: 0.05, defPairs: 1024, paperPairs: 256, inferPairs: 1024,
			fastRows: 1, exactRows: 1, exactCols: 8, exactPaperCols: 2, aladSamples: 1024, aladPaper: 256, vaeSamples: 1024,
			netEpochs: 1, scoreCellsCap: 4096}
	}
	return sizes{gemmSeconds: 1, refSeconds: 0.3, defPairs: 8192, paperPairs: 8192, inferPairs: 16384,
		fastRows: 4, exactRows: 1, exactPaperCols: 32, aladSamples: 8192, aladPaper: 4096, vaeSamples: 8192, netEpochs: 4}
}

// Run measures w stage by stage (see the package documentation). It
// returns an error when the workload cannot be read or has no deposit
// inside the grid, and ctx.Err() when cancelled.
func Run(ctx context.Context, w *Workload, opt *Options) (*Result, error) {
	if opt == nil {
		opt = &Options{}
	}
	seed := opt.Seed
	if seed == 0 {
		seed = 1
	}
	procs := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(procs)
	cpu := opt.CPUTime
	if cpu == nil {
		cpu = cpuSeconds
	}
	b := &bencher{cpuTime: cpu, ctx: ctx, opt: opt, sz: sizesFor(opt.Quick), rng: rand.New(rand.NewPCG(seed, 0x6265_6e63_68)), w: w}
	b.res = &Result{Workload: w.Name, Platform: runtime.GOOS + "/" + runtime.GOARCH, GoVersion: runtime.Version(),
		CPUs: runtime.NumCPU(), Quick: opt.Quick}
	b.mem.start()
	defer b.mem.stop()
	t0 := time.Now()
	for _, step := range []func() error{b.read, b.grid, b.transform, b.roofline, b.scalarGemm, b.gonumGemm, b.cnnDefault, b.cnnPaper, b.cnnInfer,
		b.detectFast, b.detectExact, b.detectExactPaper, b.aladTrain, b.aladPaper, b.aladScore, b.vaeTrain, b.vaeScore} {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := step(); err != nil {
			return nil, err
		}
	}
	b.res.Seconds = time.Since(t0).Seconds()
	b.res.HeapInuse, b.res.Sys = b.mem.total()
	return b.res, nil
}

type bencher struct {
	cpuTime func() float64
	ctx     context.Context
	opt     *Options
	sz      sizes
	rng     *rand.Rand
	w       *Workload
	res     *Result
	mem     sampler

	samples  *survey.Samples
	deposits []survey.Deposit
	logs     *grid.Stack
	clr, ilr *grid.Stack
	train    *ppf.Pairs
	def      *cnn.Model // the default network (cnn.MidArch)
	paper    *cnn.Model
	cells    []float32 // ilr rows of the valid cells
	aladM    *alad.Model
	vaeM     *vae.Model

	t0     time.Time
	cpu0   float64
	ref    *Reading // the GEMM reading before the stage under way (beginMeasured)
	refRun func()   // the readings' GEMM (reference)
}

// begin starts timing a stage.
func (b *bencher) begin() {
	runtime.GC()
	b.mem.reset()
	b.cpu0 = b.cpuTime()
	b.t0 = time.Now()
}

// beginMeasured starts timing an arithmetic stage, after reading the
// roofline GEMM again; end reads it once more, and the stage's share of the
// roofline is over the higher of the two readings. Readings of the same
// GEMM moved by up to 30% between runs of one day on this kind of
// machine, so a stage minutes after the "roofline" stage would carry the
// drift in its share; and one reading of 0.3 s now and then comes out far
// below its neighbours (57 GFLOPS among readings of 82-90 in one run), so
// the higher of the two around the stage keeps a slow moment from raising
// the stage's share.
func (b *bencher) beginMeasured() {
	b.ref = b.reference()
	b.begin()
}

// reference reads the roofline GEMM for refSeconds and appends the reading
// to Result.References. Its matrices are made once, on the first reading,
// so that the readings draw nothing more from the run's random stream.
func (b *bencher) reference() *Reading {
	if b.refRun == nil {
		b.refRun = b.gemmRunner(blas32.Gemm)
	} else {
		b.refRun() // warm up, as gemmRunner does
	}
	t0, c0 := time.Now(), b.cpuTime()
	flops := gemmFor(b.refRun, t0, b.sz.refSeconds)
	r := Reading{GFLOPS: flops / math.Max(time.Since(t0).Seconds(), 1e-9) / 1e9}
	if c := b.cpuTime(); c0 > 0 && c > c0 {
		r.CPUGFLOPS = flops / (c - c0) / 1e9
	}
	b.res.References = append(b.res.References, r)
	return &r
}

// higher returns the reading of r and q with the higher speed per CPU
// second (per wall-clock second where the CPU time is unknown).
func higher(r, q *Reading) *Reading {
	if q.CPUGFLOPS > r.CPUGFLOPS || (r.CPUGFLOPS == 0 && q.GFLOPS > r.GFLOPS) {
		return q
	}
	return r
}

// end records a stage that did items of work with flops FLOPs.
func (b *bencher) end(name, note string, items int64, unit string, flops float64) *Stage {
	sec := time.Since(b.t0).Seconds()
	cpu := b.cpuTime()
	st := Stage{Name: name, Note: note, Items: items, Unit: unit, Seconds: sec, FLOPs: flops}
	st.HeapInuse, st.Sys = b.mem.peak()
	if b.ref != nil {
		b.ref = higher(b.ref, b.reference())
	}
	if b.cpu0 > 0 && cpu > b.cpu0 {
		st.CPUSeconds = cpu - b.cpu0
		st.CPURate = float64(items) / st.CPUSeconds
	}
	sec = math.Max(sec, 1e-9)
	st.Rate = float64(items) / sec
	if flops > 0 {
		st.GFLOPS = flops / sec / 1e9
		if name == "roofline" {
			b.res.RooflineGFLOPS = st.GFLOPS
			if st.CPUSeconds > 0 {
				b.res.RooflineCPUGFLOPS = flops / st.CPUSeconds / 1e9
			}
		}
		ref := Reading{GFLOPS: b.res.RooflineGFLOPS, CPUGFLOPS: b.res.RooflineCPUGFLOPS}
		if b.ref != nil {
			ref = *b.ref
			st.Ref = &ref
		}
		if ref.GFLOPS > 0 {
			st.Roofline = st.GFLOPS / ref.GFLOPS
		}
		if st.CPUSeconds > 0 {
			st.CPUGFLOPS = flops / st.CPUSeconds / 1e9
			if ref.CPUGFLOPS > 0 {
				st.CPURoofline = st.CPUGFLOPS / ref.CPUGFLOPS
			}
		}
	}
	b.ref = nil
	b.res.Stages = append(b.res.Stages, st)
	if b.opt.Log != nil {
		fmt.Fprintf(b.opt.Log, "bench %s: %-16s %8.3f s  %s\n", b.res.Workload, name, st.Seconds, formatRate(st.Rate, unit))
	}
	return &b.res.Stages[len(b.res.Stages)-1]
}

// extrapolate sets the full-job estimate of st: at its CPU rate where
// known (the time on an unloaded core), else at its wall-clock rate.
func extrapolate(st *Stage, full int64) {
	rate := st.CPURate
	if rate <= 0 {
		rate = st.Rate
	}
	if full > st.Items && rate > 0 {
		st.FullItems = full
		st.FullSeconds = float64(full) / rate
	}
}

func (b *bencher) read() error {
	b.begin()
	s, err := survey.Read(bytes.NewReader(b.w.Samples), nil)
	if err != nil {
		return fmt.Errorf("bench: %s samples: %w", b.w.Name, err)
	}
	if len(b.w.Deposits) == 0 {
		return fmt.Errorf("bench: %s: the workload has no deposits CSV (the CNN stages need deposits)", b.w.Name)
	}
	d, err := survey.ReadDeposits(bytes.NewReader(b.w.Deposits), s.Projection, nil)
	if err != nil {
		return fmt.Errorf("bench: %s deposits: %w", b.w.Name, err)
	}
	b.samples, b.deposits = s, d
	b.end("read", fmt.Sprintf("survey.Read of %d bytes: %d samples x %d elements, and the deposits", len(b.w.Samples), len(s.X), len(s.Elements)),
		int64(len(s.X)), "samples", 0)
	return nil
}

func (b *bencher) grid() error {
	s := b.samples
	names := make([]string, len(s.Elements))
	for k, e := range s.Elements {
		names[k] = e.Name
	}
	b.begin()
	var note string
	if s.Lattice != nil {
		b.logs = grid.NewStack(*s.Lattice, names)
		d := len(names)
		for i, cell := range s.Cell {
			for k, e := range s.Elements {
				b.logs.Data[cell*d+k] = logOrNaN(e.Values[i])
			}
		}
		note = "lattice input: log values placed on the grid (no interpolation)"
	} else {
		layers := make([][]float64, len(names))
		for k, e := range s.Elements {
			l := make([]float64, len(e.Values))
			for i, v := range e.Values {
				l[i] = float64(logOrNaN(v))
			}
			layers[k] = l
		}
		g := idw.Geometry(s.X, s.Y, idw.DefaultCell(s.X, s.Y))
		var err error
		if b.logs, err = idw.Interpolate(g, s.X, s.Y, layers, names, nil); err != nil {
			return fmt.Errorf("bench: %s: gridding: %w", b.w.Name, err)
		}
		note = "IDW (power 2, 12 neighbours) of the log values"
	}
	g := b.logs.Geom
	b.res.Cols, b.res.Rows, b.res.Elements = g.Cols, g.Rows, len(names)
	b.end("grid", note, int64(g.Cols*g.Rows), "cells", 0)
	return nil
}

func logOrNaN(v float64) float32 {
	if v > 0 && !math.IsInf(v, 0) {
		return float32(math.Log(v))
	}
	return float32(math.NaN())
}

func (b *bencher) transform() error {
	b.begin()
	b.clr = compose.CLRStack(b.logs)
	compose.Standardise(b.clr)
	b.ilr = compose.ILRStack(b.logs)
	compose.Standardise(b.ilr)
	valid := b.ilr.ValidCells()
	b.res.ValidCells = len(valid)
	b.end("transform", "clr and ilr stacks of every cell, each standardised", int64(b.logs.Cols*b.logs.Rows), "cells", 0)

	// Data for the network stages (not timed): CNN pairs as the pipeline
	// builds them, ilr rows of the valid cells.
	x, y := make([]float64, len(b.deposits)), make([]float64, len(b.deposits))
	for i, d := range b.deposits {
		x[i], y[i] = d.X, d.Y
	}
	cells, _ := ppf.DepositCells(b.clr.Geom, x, y)
	mask := b.clr.Mask()
	mineral := ppf.Mineralized(b.clr.Geom, cells, mask)
	b.res.Deposits, b.res.Mineralized = len(cells), len(mineral)
	split, err := ppf.Draw(mineral, mask, b.rng, 0)
	if err != nil {
		return fmt.Errorf("bench: %s: pixel pairs: %w", b.w.Name, err)
	}
	b.train = ppf.Build(nil, b.clr, split.TrainPos, split.TrainNeg)
	d := b.ilr.D()
	b.cells = make([]float32, 0, len(valid)*d)
	for _, i := range valid {
		b.cells = append(b.cells, b.ilr.CellValues(i)...)
	}
	return nil
}

// Roofline GEMM shape (ANCHORS.md: 128x256x256 float32).
const gemmM, gemmN, gemmK = 128, 256, 256

func (b *bencher) roofline() error {
	flops := b.gemmLoop(blas32.Gemm)
	kernel := "one goroutine"
	if blas32.SIMD() {
		kernel = "WebAssembly SIMD kernel, one worker"
	}
	b.end("roofline", fmt.Sprintf("blas32.Gemm %dx%dx%d float32, %s", gemmM, gemmN, gemmK, kernel), int64(flops/gemmFLOPs), "products", flops)
	return nil
}

// scalarGemm measures, where blas32 runs on its WebAssembly SIMD kernel,
// the same product on its pure-Go (scalar) kernel: what SIMD gains.
// Elsewhere the stage is left out.
func (b *bencher) scalarGemm() error {
	if !blas32.SIMD() {
		return nil
	}
	blas32.SetSIMD(false)
	flops := b.gemmLoop(blas32.Gemm)
	blas32.SetSIMD(true)
	b.end("gemm scalar", fmt.Sprintf("blas32.Gemm %dx%dx%d float32 on its pure-Go kernel (the roofline runs on the SIMD kernel)", gemmM, gemmN, gemmK),
		int64(flops/gemmFLOPs), "products", flops)
	return nil
}

// gonumGemm measures gonum's Sgemm on the same product: natively its
// assembly kernels are what gorgonia (the training stages) and the ALAD and
// VAE scorers use, so stages may exceed the blas32 roofline.
func (b *bencher) gonumGemm() error {
	flops := b.gemmLoop(gonum.Implementation{}.Sgemm)
	b.end("gemm gonum", fmt.Sprintf("gonum Sgemm %dx%dx%d float32, GOMAXPROCS 1 (used natively by gorgonia, ALAD and VAE)", gemmM, gemmN, gemmK),
		int64(flops/gemmFLOPs), "products", flops)
	return nil
}

const gemmFLOPs = 2 * gemmM * gemmN * gemmK

type gemmFunc func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

// gemmLoop times gemm on the roofline shape for the stage's least time,
// starting the stage clock, and returns the FLOPs done.
func (b *bencher) gemmLoop(gemm gemmFunc) float64 {
	run := b.gemmRunner(gemm)
	b.begin()
	return gemmFor(run, b.t0, b.sz.gemmSeconds)
}

// gemmRunner returns a run of gemm on random matrices of the roofline
// shape, after one run to warm up.
func (b *bencher) gemmRunner(gemm gemmFunc) func() {
	a := make([]float32, gemmM*gemmK)
	bm := make([]float32, gemmK*gemmN)
	c := make([]float32, gemmM*gemmN)
	for i := range a {
		a[i] = b.rng.Float32() - 0.5
	}
	for i := range bm {
		bm[i] = b.rng.Float32() - 0.5
	}
	run := func() { gemm(blas.NoTrans, blas.NoTrans, gemmM, gemmN, gemmK, 1, a, gemmK, bm, gemmN, 0, c, gemmN) }
	run()
	return run
}

// gemmFor runs run in groups of 8 until seconds have passed since t0 and
// returns the FLOPs done.
func gemmFor(run func(), t0 time.Time, seconds float64) float64 {
	n := 0
	for time.Since(t0).Seconds() < seconds {
		for range 8 {
			run()
		}
		n += 8
	}
	return float64(gemmFLOPs) * float64(n)
}

// subPairs returns n pairs drawn at random from p (all of p if n >= its
// length).
func subPairs(p *ppf.Pairs, n int, rng *rand.Rand) cnn.Pairs {
	total := p.Len()
	if n <= 0 || n >= total {
		return cnn.Pairs{D: p.D, X: p.X, Y: p.Y}
	}
	out := cnn.Pairs{D: p.D, X: make([]float32, 0, n*p.D), Y: make([]float32, 0, n)}
	for _, i := range rng.Perm(total)[:n] {
		out.X = append(out.X, p.X[i*p.D:(i+1)*p.D]...)
		out.Y = append(out.Y, p.Y[i])
	}
	return out
}

// warmRows is the size of the untimed warm-up run before each training
// stage: eight batches. In js/wasm the first batches of a network at the
// stage's size still run code the engine has not optimised (after the
// js/wasm run's pass over a 60 x 60 survey), and its background compiler
// threads add CPU time that process.cpuUsage counts. The timed run still
// builds its graph.
const warmRows = 1024

// warmRNG seeds the warm-up runs (not b.rng: the timed stages draw the
// same rows with or without them).
func warmRNG() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

func (b *bencher) trainCNN(name string, arch cnn.Arch, n int, note string) (*cnn.Model, *Stage, error) {
	pairs := subPairs(b.train, n, b.rng)
	empty := cnn.Pairs{D: pairs.D}
	if w := min(warmRows, pairs.Len()); w > 0 {
		warm := cnn.Pairs{D: pairs.D, X: pairs.X[:w*pairs.D], Y: pairs.Y[:w]}
		if _, _, err := cnn.Train(b.ctx, warm, empty, cnn.TrainConfig{Arch: arch, Epochs: 1}, warmRNG(), nil); err != nil {
			return nil, nil, fmt.Errorf("bench: %s: %s warm-up: %w", b.w.Name, name, err)
		}
	}
	b.beginMeasured()
	m, _, err := cnn.Train(b.ctx, pairs, empty, cnn.TrainConfig{Arch: arch, Epochs: 1}, b.rng, func(int, float64, float64) error {
		b.mem.sample()
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("bench: %s: %s: %w", b.w.Name, name, err)
	}
	np := int64(pairs.Len())
	macs := float64(arch.MACs(pairs.D))
	st := b.end(name, note, np, "pairs", 3*2*macs*float64(np))
	extrapolate(st, int64(b.train.Len()))
	return m, st, nil
}

func (b *bencher) cnnDefault() error {
	n := min(b.sz.defPairs, b.train.Len())
	m, _, err := b.trainCNN("cnn train default", cnn.MidArch(), n,
		fmt.Sprintf("one epoch of %d pairs (the default epoch is 8,192 of %d), the default CNN (%d MACs/pair), SGD momentum, batch 128, after an untimed 8-batch warm-up",
			n, b.train.Len(), cnn.MidArch().MACs(b.train.D)))
	b.def = m
	return err
}

func (b *bencher) cnnPaper() error {
	n := min(b.sz.paperPairs, b.train.Len())
	m, _, err := b.trainCNN("cnn train paper", cnn.PaperArch(), n,
		fmt.Sprintf("%d of the %d training pairs of one epoch, paper CNN (%d MACs/pair), SGD momentum, batch 128, after an untimed 8-batch warm-up",
			n, b.train.Len(), cnn.PaperArch().MACs(b.train.D)))
	b.paper = m
	return err
}

func (b *bencher) cnnInfer() error {
	sc := b.paper.NewScorer()
	d := b.train.D
	const block = 256
	n := b.sz.inferPairs
	dst := make([]float32, block)
	avail := b.train.Len() / block * block
	if avail == 0 {
		return fmt.Errorf("bench: %s: fewer than %d training pairs", b.w.Name, block)
	}
	sc.ScorePairs(dst, b.train.X[:block*d]) // first call allocates
	b.beginMeasured()
	done := 0
	for done < n {
		off := done % avail
		sc.ScorePairs(dst, b.train.X[off*d:(off+block)*d])
		done += block
	}
	macs := float64(b.paper.MACs())
	b.end("cnn infer paper", fmt.Sprintf("Scorer.ScorePairs of the paper CNN, blocks of %d pairs", block), int64(done), "pairs", 2*macs*float64(done))
	return nil
}

// band returns the rows [lo, lo+n) in the middle of the grid.
func band(rows, n int) [2]int {
	n = min(n, rows)
	lo := (rows - n) / 2
	return [2]int{lo, lo + n}
}

func (b *bencher) detectBand(name string, exact bool, nrows, ncols int, m *cnn.Model) error {
	s := b.clr
	opt := detect.Options{Exact: exact, Rows: band(s.Rows, nrows)}
	sub := s
	note := ""
	if ncols > 0 && ncols < s.Cols {
		// A window of the grid: the band's rows, ncols columns in the
		// middle, with the outer half-window around them so that rings are
		// as on the full grid.
		sub, opt.Rows = window(s, opt.Rows, ncols, detect.DefaultOuter/2)
		note = fmt.Sprintf(", %d cells per row", ncols)
	}
	pairs := detect.Pairs(sub, nil, &opt)
	dst := grid.New(sub.Geom)
	sc := m.NewScorer()
	b.beginMeasured()
	err := detect.Detect(b.ctx, dst, sub, sc, &opt, func(int, int) error {
		b.mem.sample()
		return nil
	})
	if err != nil {
		return fmt.Errorf("bench: %s: %s: %w", b.w.Name, name, err)
	}
	mode := "fast ring"
	if exact {
		mode = "every ring cell"
	}
	net := "default"
	if m == b.paper {
		net = "paper"
	}
	macs := float64(m.MACs())
	st := b.end(name, fmt.Sprintf("windows (13, 35), %s, %s CNN, rows %d-%d of %d%s", mode, net, opt.Rows[0], opt.Rows[1]-1, sub.Rows, note),
		int64(pairs), "pairs", 2*macs*float64(pairs))
	// Each unordered pair is scored once: the full job scores Pairs and
	// its means run over RingPairs, about twice as many.
	fullOpt := &detect.Options{Exact: exact}
	evals := int64(detect.Pairs(s, nil, fullOpt))
	extrapolate(st, evals)
	st.MapPairs = int64(detect.RingPairs(s, nil, fullOpt))
	if st.FullSeconds == 0 {
		st.FullSeconds = float64(st.Items) / math.Max(st.cpuRate(), 1e-9)
	}
	st.MapRate = float64(st.MapPairs) / math.Max(st.FullSeconds, 1e-9)
	st.Note += fmt.Sprintf("; the whole map: %s ring pairs from %s network evaluations", count(st.MapPairs), count(evals))
	return nil
}

// window cuts from s the rows rr widened by margin and ncols middle columns
// widened by margin, and returns it with the rows of rr in its frame.
func window(s *grid.Stack, rr [2]int, ncols, margin int) (*grid.Stack, [2]int) {
	c0 := (s.Cols - ncols) / 2
	cLo, cHi := max(c0-margin, 0), min(c0+ncols+margin, s.Cols)
	rLo, rHi := max(rr[0]-margin, 0), min(rr[1]+margin, s.Rows)
	g := s.Geom
	g.Cols, g.Rows = cHi-cLo, rHi-rLo
	g.X0 += float64(cLo) * s.Cell
	g.Y0 += float64(rLo) * s.Height()
	out := grid.NewStack(g, s.Names)
	d := s.D()
	for r := rLo; r < rHi; r++ {
		src := s.Data[(r*s.Cols+cLo)*d : (r*s.Cols+cHi)*d]
		copy(out.Data[((r-rLo)*g.Cols)*d:], src)
	}
	return out, [2]int{rr[0] - rLo, rr[1] - rLo}
}

func (b *bencher) detectFast() error {
	return b.detectBand("detect fast", false, b.sz.fastRows, 0, b.def)
}

func (b *bencher) detectExact() error {
	return b.detectBand("detect exact", true, b.sz.exactRows, b.sz.exactCols, b.def)
}

// detectExactPaper is the Fe paper's own detection: the paper network on
// every ring cell (PyTorch's peer scores the same pairs, bench/peers).
func (b *bencher) detectExactPaper() error {
	return b.detectBand("detect exact paper", true, 1, b.sz.exactPaperCols, b.paper)
}

// trainRows draws n rows of the valid cells (the training subset of one
// epoch).
func (b *bencher) trainRows(n int) []float32 {
	d := b.ilr.D()
	total := len(b.cells) / d
	if n >= total {
		return b.cells
	}
	out := make([]float32, 0, n*d)
	for _, i := range b.rng.Perm(total)[:n] {
		out = append(out, b.cells[i*d:(i+1)*d]...)
	}
	return out
}

// trainingCells is the W paper's training set: 70% of the valid cells.
func (b *bencher) trainingCells() int64 {
	return int64(math.Round(0.7 * float64(b.res.ValidCells)))
}

func (b *bencher) trainALAD(name string, arch alad.Arch, n, epochs int, note string) (*alad.Model, error) {
	x := b.trainRows(n)
	d := b.ilr.D()
	const batch = 128
	rows := len(x) / d
	cfg := alad.Config{Arch: arch, Epochs: epochs, Batch: batch, SpectralNorm: true}
	if w := min(warmRows, rows); w >= 2 {
		warm := cfg
		warm.Epochs = 1
		if _, _, err := alad.Train(b.ctx, x[:w*d], d, warm, warmRNG(), nil); err != nil {
			return nil, fmt.Errorf("bench: %s: %s warm-up: %w", b.w.Name, name, err)
		}
	}
	b.beginMeasured()
	m, _, err := alad.Train(b.ctx, x, d, cfg, b.rng, func(int, alad.Losses) error {
		b.mem.sample()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bench: %s: %s: %w", b.w.Name, name, err)
	}
	done := int64(epochs * (rows / min(batch, rows) * min(batch, rows))) // a partial last batch is dropped
	st := b.end(name, note, done, "samples", 2*float64(ALADTrainMACs(arch, d))*float64(done))
	extrapolate(st, b.trainingCells())
	return m, nil
}

func (b *bencher) aladTrain() error {
	n := b.sz.aladSamples
	d := b.ilr.D()
	ep := b.sz.netEpochs
	m, err := b.trainALAD("alad train", alad.DefaultArch(), n, ep,
		fmt.Sprintf("%d epochs of %d ilr rows (default widths, %d MACs/sample), batch 128, spectral norm, after an untimed 8-batch warm-up", ep, n, ALADTrainMACs(alad.DefaultArch(), d)))
	b.aladM = m
	return err
}

func (b *bencher) aladPaper() error {
	n := b.sz.aladPaper
	d := b.ilr.D()
	_, err := b.trainALAD("alad train paper", alad.PaperArch(), n, 1,
		fmt.Sprintf("%d ilr rows of an epoch (paper widths, %d MACs/sample), batch 128, spectral norm, after an untimed 8-batch warm-up", n, ALADTrainMACs(alad.PaperArch(), d)))
	return err
}

// scoreCells scores the valid cells (at most the cap) in blocks of 1024 and
// returns the number scored.
func (b *bencher) scoreCells(score func(dst, x []float32)) int {
	d := b.ilr.D()
	x := b.cells
	if c := b.sz.scoreCellsCap; c > 0 && len(x)/d > c {
		x = x[:c*d]
	}
	const block = 1024
	dst := make([]float32, block)
	n := len(x) / d
	score(dst[:min(block, n)], x[:min(block, n)*d]) // first call allocates
	// At least scoreMinCells in all: passes over the cells (nanling-li's
	// 20,460 took 0.03 s, too short to time well).
	passes := 1
	if b.sz.scoreCellsCap == 0 && n > 0 {
		passes = max(1, (scoreMinCells+n-1)/n)
	}
	b.beginMeasured()
	for range passes {
		for lo := 0; lo < n; lo += block {
			hi := min(lo+block, n)
			score(dst[:hi-lo], x[lo*d:hi*d])
		}
	}
	return passes * n
}

// scoreMinCells is the least work of a scoring stage (full size).
const scoreMinCells = 65536

func (b *bencher) aladScore() error {
	m := b.aladM
	n := b.scoreCells(func(dst, x []float32) { m.Score(dst, x) })
	d := b.ilr.D()
	macs := ALADScoreMACs(m.Arch(), d)
	st := b.end("alad score", fmt.Sprintf("Model.Score (default widths, %d MACs/cell), blocks of 1024 cells, whole passes over the valid cells, at least 65,536", macs), int64(n), "cells", 2*float64(macs)*float64(n))
	extrapolate(st, int64(b.res.ValidCells))
	return nil
}

func (b *bencher) vaeTrain() error {
	n := b.sz.vaeSamples
	x := b.trainRows(n)
	d := b.ilr.D()
	const batch = 128
	rows := len(x) / d
	if w := min(warmRows, rows); w >= 2 {
		if _, _, err := vae.Train(b.ctx, x[:w*d], d, vae.Config{Epochs: 1, Batch: batch}, warmRNG(), nil); err != nil {
			return fmt.Errorf("bench: %s: vae train warm-up: %w", b.w.Name, err)
		}
	}
	b.beginMeasured()
	ep := b.sz.netEpochs
	m, _, err := vae.Train(b.ctx, x, d, vae.Config{Epochs: ep, Batch: batch}, b.rng, func(int, vae.Losses) error {
		b.mem.sample()
		return nil
	})
	if err != nil {
		return fmt.Errorf("bench: %s: vae train: %w", b.w.Name, err)
	}
	b.vaeM = m
	macs := VAETrainMACs(m.Arch(), d)
	st := b.end("vae train", fmt.Sprintf("%d epochs of %d ilr rows (widths %v, latent %d; %d MACs/sample), batch 128, after an untimed 8-batch warm-up", ep, rows, m.Arch().Hidden, m.Arch().Latent, macs),
		int64(ep*rows), "samples", 2*float64(macs)*float64(ep*rows))
	extrapolate(st, b.trainingCells())
	return nil
}

func (b *bencher) vaeScore() error {
	m := b.vaeM
	n := b.scoreCells(func(dst, x []float32) { m.Score(dst, x) })
	macs := VAEScoreMACs(m.Arch(), b.ilr.D())
	st := b.end("vae score", fmt.Sprintf("Model.Score (%d MACs/cell), blocks of 1024 cells, whole passes over the valid cells, at least 65,536", macs), int64(n), "cells", 2*float64(macs)*float64(n))
	extrapolate(st, int64(b.res.ValidCells))
	return nil
}

// sampler tracks the peaks of runtime.MemStats.HeapInuse and Sys.
type sampler struct {
	mu              sync.Mutex
	heap, sys       uint64 // since the last reset
	heapAll, sysAll uint64 // since start
	done            chan struct{}
	wg              sync.WaitGroup
	ms              runtime.MemStats
}

func (s *sampler) start() {
	s.done = make(chan struct{})
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-s.done:
				return
			case <-t.C:
				s.sample()
			}
		}
	}()
}

func (s *sampler) stop() {
	close(s.done)
	s.wg.Wait()
}

func (s *sampler) sample() {
	s.mu.Lock()
	defer s.mu.Unlock()
	runtime.ReadMemStats(&s.ms)
	s.heap = max(s.heap, s.ms.HeapInuse)
	s.sys = max(s.sys, s.ms.Sys)
	s.heapAll = max(s.heapAll, s.heap)
	s.sysAll = max(s.sysAll, s.sys)
}

func (s *sampler) reset() {
	s.mu.Lock()
	s.heap, s.sys = 0, 0
	s.mu.Unlock()
	s.sample()
}

// peak samples once more and returns the peaks since the last reset.
func (s *sampler) peak() (heap, sys uint64) {
	s.sample()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.heap, s.sys
}

func (s *sampler) total() (heap, sys uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.heapAll, s.sysAll
}
