// Command worker is the compute web worker of the halo page: it receives
// files and a Config from the page, runs the pipeline and posts back the
// report, the score grids and the figures. It is built for js/wasm
// (main_js.go); this file holds the protocol, which is plain Go and tested
// natively.
//
// Messages from the page (a JS object each):
//
//	{type: "run", id, config: "<Config JSON>", samples: ArrayBuffer, samplesName,
//	 deposits?: ArrayBuffer, depositsName?, targets?: ArrayBuffer, targetsName?,
//	 workers?: N}  (at most N detection/scoring sub-workers; 0 or absent: hardwareConcurrency)
//	{type: "cancel", id}
//	{type: "export", id, method: index, format: "png"|"tif"|"asc"|"csv"}  (of the last result)
//	{type: "preview", id, config, samples: ArrayBuffer, samplesName}
//	{type: "redetect", id, cnn: "<CNNConfig JSON>", workers?: N}  (new windows for the last result's CNN)
//
// Messages to the page:
//
//	{type: "ready"}
//	{type: "progress", id, stage, fraction, message}
//	{type: "result", id, report: "<Report JSON>", roc?, paAll?, losses?, sweep?: PNG bytes,
//	 methods: [{name, map: PNG bytes, hist: PNG bytes, pa?: PNG bytes, score: Float32Array, cuts: [...]}],
//	 geom: {cols, rows, x0, y0, cell, cellY},
//	 memory: {worker, subWorker, subWorkers}}  (WebAssembly memory bytes: this worker, the largest
//	                                            sub-worker, the largest sum over one pool run)
//	{type: "error", id, message}
//	{type: "file", id, name, mime, bytes}
//	{type: "preview", id, preview: "<Preview JSON>"}
//
// Byte and float arrays cross as transferable ArrayBuffers.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"halo/core/detect"
	"halo/core/grid"
	"halo/core/nn/cnn"
	"halo/core/pipeline"
)

// request is a decoded "run" message.
type request struct {
	ID     int
	Config []byte
	Inputs pipeline.Inputs
	Pool   pipeline.Pool // nil: goroutines
}

// methodOut is one method's part of a result message.
type methodOut struct {
	Name  string
	Map   []byte
	PA    []byte
	Hist  []byte
	Score []float32
	Cuts  []float32
}

// result is a decoded "result" message.
type result struct {
	ID      int
	Report  []byte
	ROC     []byte
	PAAll   []byte // prediction-area curves of every method
	Losses  []byte // training loss curves, when a network method ran
	Sweep   []byte // AUC per window pair, when a sweep ran
	Methods []methodOut
	// Points are the deposits (x, y metres) and Polygons the target areas,
	// for the map viewer's markers.
	Points   [][2]float64
	Polygons [][][2]float64
	Cols     int
	Rows     int
	X0, Y0   float64
	Cell     float64
	CellY    float64
}

// exportFile writes method i of res in format; it returns the file name,
// MIME type and bytes.
func exportFile(res *pipeline.Result, i int, format string) (string, string, []byte, error) {
	if res == nil {
		return "", "", nil, fmt.Errorf("nothing to export yet: run a method first")
	}
	if i < 0 || i >= len(res.Methods) {
		return "", "", nil, fmt.Errorf("no method %d to export", i)
	}
	var (
		b    bytes.Buffer
		err  error
		mime string
	)
	switch format {
	case "png":
		err, mime = res.WriteMapPNG(&b, i), "image/png"
	case "tif":
		err, mime = res.WriteGeoTIFF(&b, i), "image/tiff"
	case "asc":
		err, mime = res.WriteASCII(&b, i), "text/plain"
	case "csv":
		err, mime = res.WriteCSV(&b, i), "text/csv"
	default:
		return "", "", nil, fmt.Errorf("unknown export format %q", format)
	}
	if err != nil {
		return "", "", nil, err
	}
	return res.FileStem(i) + "." + format, mime, b.Bytes(), nil
}

// preview describes the columns of a samples file (pipeline.PreviewSamples)
// as JSON.
func preview(config, samples []byte, samplesName string) ([]byte, error) {
	var cfg *pipeline.Config
	if len(bytes.TrimSpace(config)) > 0 {
		c, err := pipeline.ParseConfig(config)
		if err != nil {
			return nil, err
		}
		cfg = c
	}
	p, err := pipeline.PreviewSamples(pipeline.Inputs{Samples: samples, SamplesName: samplesName}, cfg)
	if err != nil {
		return nil, err
	}
	return json.Marshal(p)
}

// chunkDetector is a sub-worker's share of a pooled dual-window detection
// (the page's pool, pool_js.go): the stack and the model of one detection,
// sent once, and a detect.Detector that scores the chunks of rows the pool
// hands out one after another.
type chunkDetector struct {
	d *detect.Detector
}

// newChunkDetector sets up the detection of the windows (nil: opt.Inner and
// opt.Outer; several: a sweep) with the options opt (opt.Rows: the
// detection's rows) of a marshalled CNN over a stack (geometry g, layer
// names, cell-major data).
func newChunkDetector(g grid.Geom, names []string, data []float32, model []byte, windows [][2]int, opt detect.Options) (cd *chunkDetector, err error) {
	defer func() {
		if r := recover(); r != nil { // invalid windows or options: detect panics
			cd, err = nil, fmt.Errorf("%v", r)
		}
	}()
	if len(data) != g.Len()*len(names) {
		return nil, fmt.Errorf("detect: %d values for %d x %d cells x %d layers", len(data), g.Cols, g.Rows, len(names))
	}
	var m cnn.Model
	if err := m.UnmarshalBinary(model); err != nil {
		return nil, err
	}
	if m.Dim != len(names) {
		return nil, fmt.Errorf("detect: a model of %d layers for a stack of %d", m.Dim, len(names))
	}
	s := &grid.Stack{Geom: g, Names: names, Data: data}
	return &chunkDetector{d: detect.NewDetector(s, m.NewScorer(), windows, &opt)}, nil
}

// score scores the centres of the rows [rows[0], rows[1]) and returns the
// encoded detect.Part for the pool to merge.
func (c *chunkDetector) score(ctx context.Context, rows [2]int, progress func(done, total int) error) ([]byte, error) {
	p, err := c.d.Score(ctx, rows, progress)
	if err != nil {
		return nil, err
	}
	return p.MarshalBinary()
}

// run executes one request. Progress events go to progress; the returned
// error is a message for the user.
func run(ctx context.Context, req request, progress func(pipeline.Event)) (*result, error) {
	out, _, err := runKeep(ctx, req, progress)
	return out, err
}

// runKeep is run that also returns the pipeline's Result, kept by the
// worker for exports.
func runKeep(ctx context.Context, req request, progress func(pipeline.Event)) (*result, *pipeline.Result, error) {
	var cfg *pipeline.Config
	if len(bytes.TrimSpace(req.Config)) > 0 {
		c, err := pipeline.ParseConfig(req.Config)
		if err != nil {
			return nil, nil, err
		}
		cfg = c
	}
	res, err := pipeline.RunPool(ctx, req.Inputs, cfg, pipeline.ProgressFunc(func(e pipeline.Event) error {
		progress(e)
		return nil
	}), req.Pool)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, nil, fmt.Errorf("cancelled")
		}
		return nil, nil, err
	}
	return resultOf(req.ID, res, progress)
}

// redetect re-scores the CNN of res with new windows (pipeline.Redetect):
// detection only, no training.
func redetect(ctx context.Context, id int, res *pipeline.Result, c pipeline.CNNConfig, pool pipeline.Pool, progress func(pipeline.Event)) (*result, *pipeline.Result, error) {
	next, err := pipeline.Redetect(ctx, res, c, pipeline.ProgressFunc(func(e pipeline.Event) error {
		progress(e)
		return nil
	}), pool)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, nil, fmt.Errorf("cancelled")
		}
		return nil, nil, err
	}
	return resultOf(id, next, progress)
}

// resultOf renders the maps and plots of res into a result message.
func resultOf(id int, res *pipeline.Result, progress func(pipeline.Event)) (*result, *pipeline.Result, error) {
	progress(pipeline.Event{Stage: "render", Fraction: 0, Message: "drawing maps and plots"})
	out := &result{ID: id, Cols: res.Geom.Cols, Rows: res.Geom.Rows, X0: res.Geom.X0, Y0: res.Geom.Y0, Cell: res.Geom.Cell, CellY: res.Geom.Height()}
	var b bytes.Buffer
	if err := res.Report.WriteJSON(&b); err != nil {
		return nil, nil, err
	}
	out.Report = append([]byte(nil), b.Bytes()...)
	for _, d := range res.Deposits {
		out.Points = append(out.Points, [2]float64{d.X, d.Y})
	}
	for _, p := range res.Targets {
		ring := make([][2]float64, len(p.X))
		for i := range p.X {
			ring[i] = [2]float64{p.X[i], p.Y[i]}
		}
		out.Polygons = append(out.Polygons, ring)
	}
	if len(res.Positive) > 0 {
		b.Reset()
		if err := res.WriteROC(&b); err != nil {
			return nil, nil, err
		}
		out.ROC = append([]byte(nil), b.Bytes()...)
		b.Reset()
		if err := res.WritePACompare(&b); err != nil {
			return nil, nil, err
		}
		out.PAAll = append([]byte(nil), b.Bytes()...)
	}
	if res.HasLosses() {
		b.Reset()
		if err := res.WriteLosses(&b); err != nil {
			return nil, nil, err
		}
		out.Losses = append([]byte(nil), b.Bytes()...)
	}
	if res.HasSweep() {
		b.Reset()
		if err := res.WriteSweep(&b); err != nil {
			return nil, nil, err
		}
		out.Sweep = append([]byte(nil), b.Bytes()...)
	}
	for i, m := range res.Methods {
		mo := methodOut{Name: m.Name, Score: m.Score.Data, Cuts: m.Cuts}
		b.Reset()
		if err := res.WriteMapPNG(&b, i); err != nil {
			return nil, nil, err
		}
		mo.Map = append([]byte(nil), b.Bytes()...)
		b.Reset()
		if err := res.WriteHistogram(&b, i); err != nil {
			return nil, nil, err
		}
		mo.Hist = append([]byte(nil), b.Bytes()...)
		if len(res.Positive) > 0 {
			b.Reset()
			if err := res.WritePA(&b, i); err != nil {
				return nil, nil, err
			}
			mo.PA = append([]byte(nil), b.Bytes()...)
		}
		out.Methods = append(out.Methods, mo)
	}
	progress(pipeline.Event{Stage: "render", Fraction: 1, Message: fmt.Sprintf("drew %d maps", len(res.Methods))})
	return out, res, nil
}

// pacer thins progress messages out to at most one per interval: each
// message wakes the page (or the pool's worker) and redraws its progress
// bar, and a detection reports every row, which on two cores took time
// from the sub-workers scoring. The first message of a stage and a stage's
// last (fraction 1) always pass.
type pacer struct {
	every time.Duration
	now   func() time.Time // time.Now when nil
	stage string
	last  time.Time
	sent  bool
}

// progressEvery is the pacing of the progress messages of the workers.
const progressEvery = 100 * time.Millisecond

// allow says whether a progress message of stage at fraction frac goes out.
func (p *pacer) allow(stage string, frac float64) bool {
	now := time.Now
	if p.now != nil {
		now = p.now
	}
	t := now()
	if p.sent && stage == p.stage && frac < 1 && t.Sub(p.last) < p.every {
		return false
	}
	p.stage, p.last, p.sent = stage, t, true
	return true
}
