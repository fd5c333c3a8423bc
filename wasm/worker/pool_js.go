//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"syscall/js"

	"halo/core/detect"
	"halo/core/grid"
	"halo/core/nn/cnn"
)

// webPool splits dual-window detection by rows over sub-workers (nested
// web workers running this same program), navigator.hardwareConcurrency of
// them: Go in wasm is single-threaded, so parallelism means more workers.
// Each sub-worker instantiates the compiled module the page posted (shared,
// not fetched again) and gets a copy of the stack and the model.
type webPool struct{}

type poolEvent struct {
	worker int
	done   int    // progress: rows done by this worker
	data   []byte // result bytes (float32 little-endian), when final
	err    error
}

func (webPool) Size(rows int) int { return poolSize(rows) }

func poolSize(rows int) int {
	n := js.Global().Get("navigator").Get("hardwareConcurrency").Int()
	if n < 1 {
		n = 1
	}
	if n > rows {
		n = rows
	}
	return n
}

func (webPool) Detect(ctx context.Context, dst *grid.Grid, s *grid.Stack, model *cnn.Model, opt detect.Options, progress func(done, total int) error) error {
	mod := js.Global().Get("self").Get("haloModule")
	if mod.IsUndefined() {
		return fmt.Errorf("detection pool: the compiled module is not available in the worker")
	}
	mb, err := model.MarshalBinary()
	if err != nil {
		return err
	}
	n := poolSize(s.Rows)
	stack := uint8Array(float32Bytes(s.Data))
	modelJS := uint8Array(mb)
	names := make([]any, len(s.Names))
	for i, nm := range s.Names {
		names[i] = nm
	}
	geom := map[string]any{"cols": s.Cols, "rows": s.Rows, "x0": s.X0, "y0": s.Y0, "cell": s.Cell, "cellY": s.CellY}
	events := make(chan poolEvent, 64*n)
	workers := make([]js.Value, n)
	funcs := make([]js.Func, n)
	ranges := make([][2]int, n)
	defer func() {
		for i := range workers {
			workers[i].Call("terminate")
			funcs[i].Release()
		}
	}()
	for w := 0; w < n; w++ {
		ranges[w] = [2]int{s.Rows * w / n, s.Rows * (w + 1) / n}
		wk := js.Global().Get("Worker").New("worker.js")
		w := w
		funcs[w] = js.FuncOf(func(_ js.Value, args []js.Value) any {
			m := args[0].Get("data")
			switch m.Get("type").String() {
			case "ready":
				req := map[string]any{
					"type": "detect", "id": w, "geom": geom, "names": names,
					"stack": stack.Call("slice"), "model": modelJS.Call("slice"),
					"opt": map[string]any{"inner": opt.Inner, "outer": opt.Outer, "exact": opt.Exact,
						"ringStep": opt.RingStep, "shellPairs": opt.ShellPairs, "batch": opt.Batch,
						"from": ranges[w][0], "to": ranges[w][1]},
				}
				wk.Call("postMessage", req)
			case "progress":
				select {
				case events <- poolEvent{worker: w, done: m.Get("done").Int()}:
				default: // progress is advisory; never block the event loop
				}
			case "detected":
				events <- poolEvent{worker: w, data: bytesOf(m.Get("data"))}
			case "error", "fatal":
				events <- poolEvent{worker: w, err: fmt.Errorf("detection worker %d: %s", w+1, m.Get("message").String())}
			}
			return nil
		})
		wk.Set("onmessage", funcs[w])
		wk.Set("onerror", funcs[w])
		workers[w] = wk
		wk.Call("postMessage", map[string]any{"type": "init", "module": mod})
	}
	done := make([]int, n)
	finished := 0
	for finished < n {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case e := <-events:
			switch {
			case e.err != nil:
				return e.err
			case e.data != nil:
				r := ranges[e.worker]
				want := (r[1] - r[0]) * s.Cols
				if len(e.data) != 4*want {
					return fmt.Errorf("detection worker %d returned %d bytes, want %d", e.worker+1, len(e.data), 4*want)
				}
				copy(dst.Data[r[0]*s.Cols:r[1]*s.Cols], bytesFloat32(e.data))
				done[e.worker] = r[1] - r[0]
				finished++
			default:
				done[e.worker] = e.done
			}
			if progress != nil {
				sum := 0
				for _, d := range done {
					sum += d
				}
				if err := progress(sum, s.Rows); err != nil {
					return err
				}
			}
		}
	}
	return nil
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
		RingStep: o.Get("ringStep").Int(), ShellPairs: o.Get("shellPairs").Int(), Batch: o.Get("batch").Int(),
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
		post(map[string]any{"type": "detected", "id": id, "data": u}, []any{u.Get("buffer")})
	}()
}
