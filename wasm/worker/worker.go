// Command worker is the compute web worker of the halo page: it receives
// files and a Config from the page, runs the pipeline and posts back the
// report, the score grids and the figures. It is built for js/wasm
// (main_js.go); this file holds the protocol, which is plain Go and tested
// natively.
//
// Messages from the page (a JS object each):
//
//	{type: "run", id, config: "<Config JSON>", samples: ArrayBuffer, samplesName,
//	 deposits?: ArrayBuffer, depositsName?, targets?: ArrayBuffer, targetsName?}
//	{type: "cancel", id}
//
// Messages to the page:
//
//	{type: "ready"}
//	{type: "progress", id, stage, fraction, message}
//	{type: "result", id, report: "<Report JSON>", roc?: PNG bytes,
//	 methods: [{name, map: PNG bytes, pa?: PNG bytes, score: Float32Array, cuts: [...]}],
//	 geom: {cols, rows, x0, y0, cell, cellY}}
//	{type: "error", id, message}
//
// Byte and float arrays cross as transferable ArrayBuffers.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"halo/core/pipeline"
)

// request is a decoded "run" message.
type request struct {
	ID     int
	Config []byte
	Inputs pipeline.Inputs
}

// methodOut is one method's part of a result message.
type methodOut struct {
	Name  string
	Map   []byte
	PA    []byte
	Score []float32
	Cuts  []float32
}

// result is a decoded "result" message.
type result struct {
	ID      int
	Report  []byte
	ROC     []byte
	Methods []methodOut
	Cols    int
	Rows    int
	X0, Y0  float64
	Cell    float64
	CellY   float64
}

// run executes one request. Progress events go to progress; the returned
// error is a message for the user.
func run(ctx context.Context, req request, progress func(pipeline.Event)) (*result, error) {
	var cfg *pipeline.Config
	if len(bytes.TrimSpace(req.Config)) > 0 {
		c, err := pipeline.ParseConfig(req.Config)
		if err != nil {
			return nil, err
		}
		cfg = c
	}
	res, err := pipeline.Run(ctx, req.Inputs, cfg, pipeline.ProgressFunc(func(e pipeline.Event) error {
		progress(e)
		return nil
	}))
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, fmt.Errorf("cancelled")
		}
		return nil, err
	}
	progress(pipeline.Event{Stage: "render", Fraction: 0, Message: "drawing maps and plots"})
	out := &result{ID: req.ID, Cols: res.Geom.Cols, Rows: res.Geom.Rows, X0: res.Geom.X0, Y0: res.Geom.Y0, Cell: res.Geom.Cell, CellY: res.Geom.Height()}
	var b bytes.Buffer
	if err := res.Report.WriteJSON(&b); err != nil {
		return nil, err
	}
	out.Report = append([]byte(nil), b.Bytes()...)
	if len(res.Positive) > 0 {
		b.Reset()
		if err := res.WriteROC(&b); err != nil {
			return nil, err
		}
		out.ROC = append([]byte(nil), b.Bytes()...)
	}
	for i, m := range res.Methods {
		mo := methodOut{Name: m.Name, Score: m.Score.Data, Cuts: m.Cuts}
		b.Reset()
		if err := res.WriteMapPNG(&b, i); err != nil {
			return nil, err
		}
		mo.Map = append([]byte(nil), b.Bytes()...)
		if len(res.Positive) > 0 {
			b.Reset()
			if err := res.WritePA(&b, i); err != nil {
				return nil, err
			}
			mo.PA = append([]byte(nil), b.Bytes()...)
		}
		out.Methods = append(out.Methods, mo)
	}
	progress(pipeline.Event{Stage: "render", Fraction: 1, Message: fmt.Sprintf("drew %d maps", len(res.Methods))})
	return out, nil
}
