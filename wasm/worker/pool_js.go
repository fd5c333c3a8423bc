//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"syscall/js"

	"halo/core/detect"
	"halo/core/grid"
	"halo/core/nn/cnn"
	"halo/core/pipeline"
)

// webPool splits dual-window detection by rows over sub-workers (nested
// web workers running this same program), navigator.hardwareConcurrency of
// them: Go in wasm is single-threaded, so parallelism means more workers.
// Each sub-worker instantiates the compiled module the page posted (shared,
// not fetched again) and gets a copy of the stack and the model.
type webPool struct {
	// max caps the number of sub-workers (the page's ?workers=N); 0 means
	// navigator.hardwareConcurrency. It never exceeds hardwareConcurrency.
	max int
}

// subMemory is the largest wasm memory of one sub-worker and the largest
// sum over the sub-workers of one pool run, in bytes, since this worker
// started (postResult reports them).
var subMemory struct{ one, total int }

type poolEvent struct {
	worker int
	done   int    // progress: rows done by this worker
	data   []byte // result bytes (float32 little-endian), when final
	final  bool
	err    error
}

func (p webPool) Size(rows int) int { return poolSize(rows, p.max) }

// Score splits the rows of x over sub-workers, each scoring its share with
// the marshalled model (pipeline.ScoreRows).
func (p webPool) Score(ctx context.Context, kind string, model []byte, x []float32, d int) ([]float32, error) {
	rows := len(x) / max(d, 1)
	n := poolSize(rows, p.max)
	ranges := pipeline.Bands(rows, n) // n <= rows: no band is empty
	modelJS := uint8Array(model)
	out := make([]float32, rows)
	err := runSubWorkers(ctx, n, func(w int) map[string]any {
		r := ranges[w]
		return map[string]any{"type": "score", "id": w, "kind": kind, "d": d,
			"model": modelJS.Call("slice"), "x": uint8Array(float32Bytes(x[r[0]*d : r[1]*d]))}
	}, func(w int, data []byte) error {
		r := ranges[w]
		if len(data) != 4*(r[1]-r[0]) {
			return fmt.Errorf("scoring worker %d returned %d bytes, want %d", w+1, len(data), 4*(r[1]-r[0]))
		}
		copy(out[r[0]:r[1]], bytesFloat32(data))
		return nil
	}, nil)
	return out, err
}

// runSubWorkers starts n sub-workers, posts each the request made by req
// once it is ready, and hands each final result (the bytes of a "detected"
// or "scored" message) to done; progress (may be nil) gets the rows done
// per worker. It returns the first error and terminates the workers.
func runSubWorkers(ctx context.Context, n int, req func(w int) map[string]any, done func(w int, data []byte) error, progress func(w, rows int) error) error {
	mod := js.Global().Get("self").Get("haloModule")
	if mod.IsUndefined() {
		return fmt.Errorf("worker pool: the compiled module is not available in the worker")
	}
	events := make(chan poolEvent, 64*n)
	memTotal := 0
	workers := make([]js.Value, n)
	funcs := make([]js.Func, n)
	defer func() {
		for i := range workers {
			if !workers[i].IsUndefined() {
				workers[i].Call("terminate")
				funcs[i].Release()
			}
		}
	}()
	for w := 0; w < n; w++ {
		wk := js.Global().Get("Worker").New("worker.js")
		w := w
		funcs[w] = js.FuncOf(func(_ js.Value, args []js.Value) any {
			m := args[0].Get("data")
			if m.IsUndefined() { // an ErrorEvent
				events <- poolEvent{worker: w, err: fmt.Errorf("worker %d failed: %s", w+1, args[0].Get("message").String())}
				return nil
			}
			switch m.Get("type").String() {
			case "ready":
				wk.Call("postMessage", req(w))
			case "progress":
				select {
				case events <- poolEvent{worker: w, done: m.Get("done").Int()}:
				default: // progress is advisory; never block the event loop
				}
			case "detected", "scored":
				if mem := m.Get("memory"); mem.Type() == js.TypeNumber {
					memTotal += mem.Int()
					subMemory.one = max(subMemory.one, mem.Int())
					subMemory.total = max(subMemory.total, memTotal)
				}
				events <- poolEvent{worker: w, data: bytesOf(m.Get("data")), final: true}
			case "error", "fatal":
				events <- poolEvent{worker: w, err: fmt.Errorf("worker %d: %s", w+1, m.Get("message").String())}
			}
			return nil
		})
		wk.Set("onmessage", funcs[w])
		wk.Set("onerror", funcs[w])
		workers[w] = wk
		wk.Call("postMessage", map[string]any{"type": "init", "module": mod, "simd": !js.Global().Get("haloNoSIMD").Truthy()})
	}
	finished := 0
	for finished < n {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case e := <-events:
			switch {
			case e.err != nil:
				return e.err
			case e.final:
				if err := done(e.worker, e.data); err != nil {
					return err
				}
				finished++
			case progress != nil:
				if err := progress(e.worker, e.done); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// poolSize is the number of sub-workers for rows rows: every core the
// browser reports (navigator.hardwareConcurrency), at most limit when
// limit > 0 (the page's ?workers=N), and at most rows.
func poolSize(rows, limit int) int {
	n := js.Global().Get("navigator").Get("hardwareConcurrency").Int()
	if limit > 0 && limit < n {
		n = limit
	}
	if n < 1 {
		n = 1
	}
	if n > rows {
		n = rows
	}
	return n
}

func (p webPool) Detect(ctx context.Context, dst *grid.Grid, s *grid.Stack, model *cnn.Model, opt detect.Options, progress func(done, total int) error) error {
	mb, err := model.MarshalBinary()
	if err != nil {
		return err
	}
	n := poolSize(s.Rows, p.max)
	stack := uint8Array(float32Bytes(s.Data))
	modelJS := uint8Array(mb)
	names := make([]any, len(s.Names))
	for i, nm := range s.Names {
		names[i] = nm
	}
	geom := map[string]any{"cols": s.Cols, "rows": s.Rows, "x0": s.X0, "y0": s.Y0, "cell": s.Cell, "cellY": s.CellY}
	ranges := pipeline.DetectBands(s, n) // the bands pipeline counts the pairs of
	n = len(ranges)
	rowsDone := make([]int, n)
	report := func() error {
		if progress == nil {
			return nil
		}
		sum := 0
		for _, d := range rowsDone {
			sum += d
		}
		return progress(sum, s.Rows)
	}
	return runSubWorkers(ctx, n, func(w int) map[string]any {
		return map[string]any{
			"type": "detect", "id": w, "geom": geom, "names": names,
			"stack": stack.Call("slice"), "model": modelJS.Call("slice"),
			"opt": map[string]any{"inner": opt.Inner, "outer": opt.Outer, "exact": opt.Exact,
				"ringStep": opt.RingStep, "shellScale": opt.ShellScale, "batch": opt.Batch,
				"from": ranges[w][0], "to": ranges[w][1]},
		}
	}, func(w int, data []byte) error {
		r := ranges[w]
		if want := (r[1] - r[0]) * s.Cols; len(data) != 4*want {
			return fmt.Errorf("detection worker %d returned %d bytes, want %d", w+1, len(data), 4*want)
		}
		copy(dst.Data[r[0]*s.Cols:r[1]*s.Cols], bytesFloat32(data))
		rowsDone[w] = r[1] - r[0]
		return report()
	}, func(w, rows int) error {
		rowsDone[w] = rows
		return report()
	})
}

// handleScore serves a "score" message in a sub-worker.
func handleScore(m js.Value) {
	id := m.Get("id").Int()
	kind, d := m.Get("kind").String(), m.Get("d").Int()
	model := bytesOf(m.Get("model"))
	x := bytesFloat32(bytesOf(m.Get("x")))
	go func() {
		out, err := pipeline.ScoreRows(kind, model, x, d)
		if err != nil {
			post(map[string]any{"type": "error", "id": id, "message": err.Error()}, nil)
			return
		}
		u := uint8Array(float32Bytes(out))
		post(map[string]any{"type": "scored", "id": id, "data": u, "memory": wasmMemory()}, []any{u.Get("buffer")})
	}()
}

// handleDetect serves a "detect" message in a sub-worker.
func handleDetect(m js.Value) {
	id := m.Get("id").Int()
	g := m.Get("geom")
	geom := grid.Geom{Cols: g.Get("cols").Int(), Rows: g.Get("rows").Int(), X0: g.Get("x0").Float(), Y0: g.Get("y0").Float(),
		Cell: g.Get("cell").Float(), CellY: g.Get("cellY").Float()}
	nv := m.Get("names")
	names := make([]string, nv.Length())
	for i := range names {
		names[i] = nv.Index(i).String()
	}
	o := m.Get("opt")
	opt := detect.Options{Inner: o.Get("inner").Int(), Outer: o.Get("outer").Int(), Exact: o.Get("exact").Bool(),
		RingStep: o.Get("ringStep").Int(), ShellScale: o.Get("shellScale").Int(), Batch: o.Get("batch").Int(),
		Rows: [2]int{o.Get("from").Int(), o.Get("to").Int()}}
	data := bytesFloat32(bytesOf(m.Get("stack")))
	model := bytesOf(m.Get("model"))
	go func() {
		out, err := detectRows(context.Background(), geom, names, data, model, opt, func(done, total int) error {
			post(map[string]any{"type": "progress", "id": id, "done": done}, nil)
			return nil
		})
		if err != nil {
			post(map[string]any{"type": "error", "id": id, "message": err.Error()}, nil)
			return
		}
		u := uint8Array(float32Bytes(out))
		post(map[string]any{"type": "detected", "id": id, "data": u, "memory": wasmMemory()}, []any{u.Get("buffer")})
	}()
}

// wasmMemory is the size in bytes of this worker's WebAssembly memory (Go's
// linear memory only grows, so it is the peak so far), or 0 when the glue
// did not expose it (web/worker.js sets self.haloMemory).
func wasmMemory() int {
	m := js.Global().Get("self").Get("haloMemory")
	if m.IsUndefined() || m.IsNull() {
		return 0
	}
	return m.Get("buffer").Get("byteLength").Int()
}
