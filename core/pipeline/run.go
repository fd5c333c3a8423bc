package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"halo/core/baseline"
	"halo/core/eval"
	"halo/core/grid"
	"halo/core/idw"
	"halo/core/survey"
)

// Inputs are the user's files as bytes. Samples is required; Deposits
// (points) and Targets (polygons, area,vertex,x,y) are optional. The names
// appear in messages and in the report.
type Inputs struct {
	Samples, Deposits, Targets             []byte
	SamplesName, DepositsName, TargetsName string
}

// Event is one progress report: the stage, the fraction of the stage done
// (0..1) and a sentence saying what happened, for the user.
type Event struct {
	Stage    string  `json:"stage"`
	Fraction float64 `json:"fraction"`
	Message  string  `json:"message"`
}

// Progress receives events; a non-nil error stops the run and Run returns it.
type Progress interface {
	Progress(Event) error
}

// ProgressFunc adapts a function to Progress.
type ProgressFunc func(Event) error

// Progress calls f(e).
func (f ProgressFunc) Progress(e Event) error { return f(e) }

// Method is one detector's result.
type Method struct {
	Name  string
	Score *grid.Grid // NaN where no data; higher = more anomalous
	Cuts  []float32  // score cut-offs of Config.Tops (same order)
	ROC   [2][]float64
	PA    eval.PA
	Stats MethodReport
}

// Result is what a run produces. Everything in it is derived from the inputs
// and the Config; Report is its JSON summary.
type Result struct {
	Config   Config
	Geom     grid.Geom
	EPSG     int         // 0 when unknown
	Logs     *grid.Stack // ln(ppm) per element on the grid
	Samples  *survey.Samples
	Deposits []survey.Deposit
	Targets  []survey.Polygon
	Positive []int // cells counted as positives (deposit cells or cells in targets)
	Labelled []int // 3x3 labelled cells around deposits
	Methods  []*Method
	Report   *Report

	cnn *cnnState // the trained CNN, for Redetect
}

type runner struct {
	stacks     map[string]*grid.Stack // standardised clr / ilr of the multivariate elements
	warnedLeft bool
	pool       Pool
	ctx        context.Context
	cfg        *Config
	prog       Progress
	res        *Result
	rep        *Report
	start      time.Time
}

func (r *runner) emit(stage string, frac float64, format string, args ...any) error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	if r.prog == nil {
		return nil
	}
	return r.prog.Progress(Event{Stage: stage, Fraction: frac, Message: fmt.Sprintf(format, args...)})
}

func (r *runner) timed(stage string, t0 time.Time) {
	r.rep.Timings = append(r.rep.Timings, Timing{Stage: stage, Seconds: time.Since(t0).Seconds()})
}

// Run executes the pipeline. It returns an error for anything wrong with the
// user's data (the message says where and what to do) and ctx.Err() when
// cancelled. A nil cfg means defaults.
func Run(ctx context.Context, in Inputs, cfg *Config, prog Progress) (*Result, error) {
	return RunPool(ctx, in, cfg, prog, nil)
}

// RunPool is Run with the pool that runs dual-window detection; nil means
// goroutines (GOMAXPROCS of them). The web worker passes a pool of web
// workers.
func RunPool(ctx context.Context, in Inputs, cfg *Config, prog Progress, pool Pool) (*Result, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(in.Samples) == 0 {
		return nil, fmt.Errorf("%s: the file is empty: choose a CSV of samples with x, y and element columns", name(in.SamplesName, "samples"))
	}
	r := &runner{ctx: ctx, cfg: cfg, prog: prog, start: time.Now(), pool: pool}
	r.rep = newReport(cfg, in)
	r.res = &Result{Config: *cfg, Report: r.rep}
	steps := []func(Inputs) error{r.read, r.grid, r.locate, r.detect, r.evaluate}
	for _, step := range steps {
		if err := step(in); err != nil {
			return nil, err
		}
	}
	r.rep.Seconds = time.Since(r.start).Seconds()
	return r.res, nil
}

func name(n, def string) string {
	if n == "" {
		return def
	}
	return n
}

func (r *runner) surveyOptions() *survey.Options {
	c := r.cfg
	o := &survey.Options{
		XColumn: c.XColumn, YColumn: c.YColumn, Coordinates: c.Coordinates,
		NoUnit: c.NoUnit, Units: c.Units, DetectionFactor: c.DetectionFactor,
		MaxMissing: c.MaxMissing,
	}
	if len(c.Elements) > 0 { // an empty list means all, as when absent
		o.Elements = c.Elements
	}
	return o
}

func (r *runner) read(in Inputs) error {
	t0 := time.Now()
	if err := r.emit("read", 0, "reading %s", name(in.SamplesName, "samples")); err != nil {
		return err
	}
	s, err := survey.Read(bytes.NewReader(in.Samples), r.surveyOptions())
	if err != nil {
		return fmt.Errorf("%s: %w", name(in.SamplesName, "samples"), err)
	}
	if len(s.Elements) < 2 {
		return fmt.Errorf("%s: %d usable element column(s): log-ratios need at least 2 elements", name(in.SamplesName, "samples"), len(s.Elements))
	}
	r.res.Samples = s
	if s.Projection != nil {
		r.res.EPSG = s.Projection.EPSG()
	}
	if len(in.Deposits) > 0 {
		d, err := survey.ReadDeposits(bytes.NewReader(in.Deposits), s.Projection, r.surveyOptions())
		if err != nil {
			return fmt.Errorf("%s: %w", name(in.DepositsName, "deposits"), err)
		}
		r.res.Deposits = d
	}
	if len(in.Targets) > 0 {
		p, err := survey.ReadTargets(bytes.NewReader(in.Targets), s.Projection)
		if err != nil {
			return fmt.Errorf("%s: %w", name(in.TargetsName, "targets"), err)
		}
		r.res.Targets = p
	}
	r.rep.setData(s)
	r.timed("read", t0)
	msg := fmt.Sprintf("read %d samples with %d elements", len(s.X), len(s.Elements))
	if len(s.Dropped) > 0 {
		msg += fmt.Sprintf(" (%d dropped)", len(s.Dropped))
	}
	if s.Projection != nil {
		msg += fmt.Sprintf("; degrees projected to UTM zone %d", s.Projection.Zone)
	}
	return r.emit("read", 1, "%s", msg)
}

func (r *runner) grid(in Inputs) error {
	t0 := time.Now()
	s := r.res.Samples
	names := make([]string, len(s.Elements))
	for k, e := range s.Elements {
		names[k] = e.Name
	}
	var logs *grid.Stack
	if s.Lattice != nil {
		g := *s.Lattice
		if err := r.checkSize(g, len(names)); err != nil {
			return err
		}
		logs = grid.NewStack(g, names)
		d := len(names)
		for i, cell := range s.Cell {
			for k, e := range s.Elements {
				logs.Data[cell*d+k] = float32(logOrNaN(e.Values[i]))
			}
		}
		r.rep.Data.Gridded = true
		if err := r.emit("grid", 1, "took the input as a grid: %s x %s cells of %s m", count(g.Cols), count(g.Rows), cellSize(g)); err != nil {
			return err
		}
	} else {
		cell := r.cfg.Cell
		if cell == 0 {
			cell = idw.DefaultCell(s.X, s.Y)
		}
		if cell == 0 {
			return fmt.Errorf("%s: all %d samples lie at one point: a map needs samples spread over an area (check the coordinate columns %s and %s)",
				name(in.SamplesName, "samples"), len(s.X), s.XColumn, s.YColumn)
		}
		if w := outlier(s); w != "" {
			return fmt.Errorf("%s: %s", name(in.SamplesName, "samples"), w)
		}
		g := idw.Geometry(s.X, s.Y, cell)
		if err := r.checkSize(g, len(names)); err != nil {
			return err
		}
		if err := r.emit("grid", 0, "interpolating %d elements onto %s x %s cells of %s m", len(names), count(g.Cols), count(g.Rows), cellSize(g)); err != nil {
			return err
		}
		layers := make([][]float64, len(names))
		for k, e := range s.Elements {
			l := make([]float64, len(e.Values))
			for i, v := range e.Values {
				l[i] = logOrNaN(v)
			}
			layers[k] = l
		}
		opt := &idw.Options{Power: r.cfg.Power, Neighbours: r.cfg.Neighbours, Radius: r.cfg.Radius}
		var err error
		logs, err = idw.Interpolate(g, s.X, s.Y, layers, names, opt)
		if err != nil {
			return fmt.Errorf("gridding: %w", err)
		}
		if err := r.emit("grid", 1, "gridded %s samples onto %s x %s cells of %s m (IDW, power 2, 12 neighbours)", count(len(s.X)), count(g.Cols), count(g.Rows), cellSize(g)); err != nil {
			return err
		}
	}
	r.res.Logs = logs
	r.res.Geom = logs.Geom
	valid := 0
	for _, ok := range logs.Mask() {
		if ok {
			valid++
		}
	}
	if valid < 3 {
		return fmt.Errorf("only %d grid cells have data for every element: choose a larger cell size or search radius, or fewer elements", valid)
	}
	r.rep.setGrid(logs.Geom, valid)
	if s.Lattice == nil && onALine(s.X, s.Y) {
		r.rep.Warnings = append(r.rep.Warnings, "the samples lie on a line: the map is a strip along it, and areas away from the line have no data")
	}
	r.timed("grid", t0)
	return nil
}

func (r *runner) checkSize(g grid.Geom, d int) error {
	max := r.cfg.MaxCells
	if max == 0 {
		max = defaultMaxCellLayers
	}
	if n := g.Len() * (d + 2); n > max {
		return fmt.Errorf("the grid would have %s x %s cells x %d layers (%s MB): choose a larger cell size (now %s m) or fewer elements",
			count(g.Cols), count(g.Rows), d, count(n*4/1e6), cellSize(g))
	}
	return nil
}

func logOrNaN(v float64) float64 {
	if v > 0 && !math.IsInf(v, 0) {
		return math.Log(v)
	}
	return math.NaN()
}

// locate finds the positive cells: deposit cells (and their 3x3 labels) or
// cells inside target polygons.
func (r *runner) locate(in Inputs) error {
	res := r.res
	valid := res.Logs.Mask()
	rep := &r.rep.Deposits
	if len(res.Deposits) > 0 {
		xs := make([]float64, len(res.Deposits))
		ys := make([]float64, len(res.Deposits))
		for i, d := range res.Deposits {
			xs[i], ys[i] = d.X, d.Y
		}
		cells, inside := eval.DepositCells(res.Geom, xs, ys)
		seen := map[int]bool{}
		var pos []int
		rep.Given = len(res.Deposits)
		for i, c := range cells {
			if !inside[i] || !valid[c] {
				continue
			}
			rep.Inside++
			if !seen[c] {
				seen[c] = true
				pos = append(pos, c)
			}
		}
		sort.Ints(pos)
		if rep.Inside == 0 {
			return fmt.Errorf("%s: none of the %d deposits falls on a grid cell with data: check that deposits and samples use the same coordinates (metres vs degrees, same UTM zone)",
				name(in.DepositsName, "deposits"), len(res.Deposits))
		}
		rep.Cells = len(pos)
		res.Positive = pos
		res.Labelled = eval.LabelledCells(res.Geom, pos, valid)
		rep.Labelled = len(res.Labelled)
		if rep.Inside < rep.Given {
			r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%d of %d deposits fall outside the grid or on cells without data and are ignored", rep.Given-rep.Inside, rep.Given))
		}
	}
	if len(res.Targets) > 0 {
		inside := func(x, y float64) bool {
			for i := range res.Targets {
				if res.Targets[i].Contains(x, y) {
					return true
				}
			}
			return false
		}
		cells := eval.PolygonCells(res.Geom, inside, valid)
		if len(cells) == 0 {
			return fmt.Errorf("%s: no grid cell with data lies inside the %d target areas: check their coordinates", name(in.TargetsName, "targets"), len(res.Targets))
		}
		r.rep.Deposits.Targets = len(res.Targets)
		r.rep.Deposits.TargetCells = len(cells)
		if res.Positive == nil {
			res.Positive = cells
			res.Labelled = cells
		}
	}
	return nil
}

// mcdSupport is the share of cells the MCD fit keeps (h = 0.75 n). The
// breakdown-optimal h = (n+p+1)/2 tolerates up to 50% outliers but is less
// efficient; Rousseeuw & Van Driessen (1999) recommend h = 0.75 n when at most
// 25% contamination is expected, which holds for anomaly maps (anomalies are
// by definition a small share of the area). On nanling-li: AUC 0.943 with
// 0.75 vs 0.918-0.923 with (n+p+1)/2 (go test -run Nanling ./core/baseline).
const mcdSupport = 0.75

// methodRNG returns the random stream of one method: seeded from the run's
// seed and the method's name.
func (r *runner) methodRNG(method string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(method))
	return rand.New(rand.NewPCG(r.cfg.Seed, h.Sum64()))
}

func (r *runner) detect(in Inputs) error {
	res := r.res
	methods := r.cfg.methods(len(res.Positive) > 0)
	for i, m := range methods {
		t0 := time.Now()
		frac := float64(i) / float64(len(methods))
		if err := r.emit("detect", frac, "running %s", m); err != nil {
			return err
		}
		if r.hasMethod(m) {
			continue
		}
		var (
			score *grid.Grid
			label = m
			note  string
			err   error
			m2    MethodReport
		)
		switch {
		case m == "mahalanobis":
			var ilr *grid.Stack
			if ilr, err = r.transformed("ilr"); err != nil {
				break
			}
			score, err = baseline.RobustMahalanobis(ilr, r.methodRNG(m), &baseline.MCDOptions{Support: mcdSupport})
			if errors.Is(err, baseline.ErrSingular) || errors.Is(err, baseline.ErrTooFewRows) {
				err = singularAdvice(res, ilr.D()+1)
			}
			note = fmt.Sprintf("robust Mahalanobis distance (MCD) on %d ilr coordinates of %s cells", ilr.D(), count(r.rep.Data.CellsWithData))
		case m == "cnn":
			score, m2.Training, note, err = r.runCNN()
		case m == "alad":
			score, m2.Training, note, err = r.runALAD()
		case m == "vae":
			score, m2.Training, note, err = r.runVAE()
		case m == "element:best":
			if len(res.Positive) == 0 {
				return fmt.Errorf("method element:best needs deposits or target areas to choose the element: give a deposits file or name the element (element:Cu)")
			}
			best, bestAUC := "", -1.0
			for k, nm := range res.Logs.Names {
				if a := eval.AUC(res.Logs.Layer(k).Data, res.Positive); a > bestAUC {
					best, bestAUC = nm, a
				}
			}
			score, err = baseline.SingleElement(res.Logs, best)
			label = "element:" + best
			note = fmt.Sprintf("best single element: %s (highest AUC of %d elements)", best, res.Logs.D())
		case strings.HasPrefix(m, "element:"):
			el := strings.TrimPrefix(m, "element:")
			score, err = baseline.SingleElement(res.Logs, el)
			if err != nil {
				return fmt.Errorf("method %s: no element %q among %s", m, el, strings.Join(res.Logs.Names, ", "))
			}
			note = fmt.Sprintf("single-element map of %s", el)
		default:
			err = fmt.Errorf("unknown method %q", m)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", m, err)
		}
		if r.hasMethod(label) {
			continue
		}
		m2.Seconds = time.Since(t0).Seconds()
		m2.Note = note
		res.Methods = append(res.Methods, &Method{Name: label, Score: score, Stats: m2})
		r.timed("detect "+label, t0)
		if err := r.emit("detect", float64(i+1)/float64(len(methods)), "%s", note); err != nil {
			return err
		}
	}
	return nil
}

func (r *runner) hasMethod(label string) bool {
	for _, m := range r.res.Methods {
		if m.Name == label {
			return true
		}
	}
	return false
}

func (r *runner) evaluate(in Inputs) error {
	t0 := time.Now()
	res := r.res
	tops := r.cfg.tops()
	for _, m := range res.Methods {
		m.Cuts = eval.Percentiles(m.Score.Data, tops)
		st := &m.Stats
		st.Name = m.Name
		if len(res.Positive) > 0 {
			st.AUC = num(eval.AUC(m.Score.Data, res.Positive))
			st.AUCLabelled = num(eval.AUC(m.Score.Data, res.Labelled))
			fpr, tpr := eval.ROC(m.Score.Data, res.Positive)
			m.ROC = [2][]float64{fpr, tpr}
			depCells := r.depositCellsEach()
			capt := eval.Capture(m.Score.Data, depCells, tops)
			st.Capture = map[string]float64{}
			for i, t := range tops {
				st.Capture[fmt.Sprint(t)] = capt[i]
			}
			m.PA = eval.PACurve(m.Score.Data, depCells)
			st.PA = &PAReport{PredictionRate: num(m.PA.Intersection.P), Area: num(m.PA.Intersection.Area), Threshold: num(m.PA.Intersection.T), Nd: num(m.PA.Nd), Weight: num(m.PA.Weight)}
		}
		st.Cuts = make([]float64, len(m.Cuts))
		for i, c := range m.Cuts {
			st.Cuts[i] = float64(c)
		}
		if ca, err := eval.CAThresholds(shiftPositive(m.Score.Data), 3); err == nil {
			st.CA = ca
		}
		r.rep.Methods = append(r.rep.Methods, *st)
	}
	r.timed("evaluate", t0)
	if len(res.Positive) > 0 && len(res.Methods) > 0 {
		parts := make([]string, len(res.Methods))
		for i, m := range res.Methods {
			parts[i] = fmt.Sprintf("%s AUC %.3f", m.Name, m.Stats.AUC)
		}
		return r.emit("evaluate", 1, "evaluated against %d deposit cells: %s", len(res.Positive), strings.Join(parts, ", "))
	}
	return r.emit("evaluate", 1, "scored %d methods (no deposits given, so no AUC)", len(res.Methods))
}

// depositCellsEach returns the cell of every deposit inside the grid (with
// repeats: capture counts deposits, not cells), or the positive cells when
// the positives are target areas.
func (r *runner) depositCellsEach() []int {
	res := r.res
	if len(res.Deposits) == 0 {
		return res.Positive
	}
	valid := res.Logs.Mask()
	xs := make([]float64, len(res.Deposits))
	ys := make([]float64, len(res.Deposits))
	for i, d := range res.Deposits {
		xs[i], ys[i] = d.X, d.Y
	}
	cells, inside := eval.DepositCells(res.Geom, xs, ys)
	var out []int
	for i, c := range cells {
		if inside[i] && valid[c] {
			out = append(out, c)
		}
	}
	return out
}

// shiftPositive returns the scores shifted so the smallest is 1, for the
// concentration-area fit which takes logs (C-A breaks are invariant to
// nothing but scale, so the shift is reported with the thresholds).
func shiftPositive(s []float32) []float32 {
	min := float32(math.Inf(1))
	for _, v := range s {
		if v < min {
			min = v
		}
	}
	if min > 0 {
		return s
	}
	out := make([]float32, len(s))
	for i, v := range s {
		out[i] = v - min + 1
	}
	return out
}

// num turns NaN and Inf into 0 for JSON (encoding/json rejects them); the
// report says where a value could not be computed.
func num(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

func hashBytes(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// ErrCancelled is returned (wrapped) when a run is stopped by its progress
// receiver.
var ErrCancelled = errors.New("pipeline: cancelled")
