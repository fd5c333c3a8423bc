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

// webPool runs dual-window detection and ALAD/VAE scoring on sub-workers
// (nested web workers running this same program),
// navigator.hardwareConcurrency of them: Go in wasm is single-threaded, so
// parallelism means more workers. Each sub-worker instantiates the compiled
// module the page posted (shared, not fetched again) and gets a copy of the
// stack and the model. A detection hands out chunks of rows as the
// sub-workers come free (pipeline.Chunks) and merges the parts they return
// (detect.Merger); scoring splits the rows into one band per sub-worker.
// Sub-workers are kept between runs (idle for at most 30 s), so a run
// after another one, such as a re-detection with new windows, starts
// scoring at once.
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
	}, func(w int, data []byte) (map[string]any, error) {
		r := ranges[w]
		if len(data) != 4*(r[1]-r[0]) {
			return nil, fmt.Errorf("scoring worker %d returned %d bytes, want %d", w+1, len(data), 4*(r[1]-r[0]))
		}
		copy(out[r[0]:r[1]], bytesFloat32(data))
		return nil, nil
	}, nil)
	return out, err
}

// subWorker is a sub-worker kept between the pool's runs, so that a run
// (a re-detection with new windows, say) does not wait for workers to
// start and instantiate the module again. Its message handler is made once
// and passes messages to the handler of the run using it.
type subWorker struct {
	w       js.Value
	fn      js.Func
	ready   bool
	dead    bool                          // it failed while idle: never taken again
	onReady func()                        // set by a run waiting for it
	onMsg   func(ev js.Value, m js.Value) // the current run's; nil when idle
}

// Sub-workers idle between runs, and the timer that terminates them after
// subIdle (they hold their WebAssembly memory).
var (
	idleSubWorkers []*subWorker
	idleTimer      js.Value
	idleFunc       = js.FuncOf(func(js.Value, []js.Value) any { terminateIdle(); return nil })
)

const subIdleMillis = 30000

// takeSubWorker returns an idle sub-worker, or starts one on the compiled
// module mod.
func takeSubWorker(mod js.Value) *subWorker {
	for n := len(idleSubWorkers); n > 0; n-- {
		sw := idleSubWorkers[n-1]
		idleSubWorkers = idleSubWorkers[:n-1]
		if !sw.dead {
			return sw
		}
		sw.terminate()
	}
	sw := &subWorker{w: js.Global().Get("Worker").New("worker.js")}
	sw.fn = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ev := args[0]
		m := ev.Get("data")
		if !m.IsUndefined() && m.Get("type").String() == "ready" {
			sw.ready = true
			if f := sw.onReady; f != nil {
				sw.onReady = nil
				f()
			}
			return nil
		}
		if sw.onMsg != nil {
			sw.onMsg(ev, m)
		} else if m.IsUndefined() || m.Get("type").String() == "fatal" {
			sw.dead = true // an error event or its Go program stopped, between runs
		}
		return nil
	})
	sw.w.Set("onmessage", sw.fn)
	sw.w.Set("onerror", sw.fn)
	sw.w.Call("postMessage", map[string]any{"type": "init", "module": mod, "simd": !js.Global().Get("haloNoSIMD").Truthy()})
	return sw
}

// releaseSubWorker keeps a sub-worker whose run went well for the next
// run: it drops the run's data (a "release" message) and joins the idle
// ones until the idle timer fires.
func releaseSubWorker(sw *subWorker) {
	sw.onMsg, sw.onReady = nil, nil
	sw.w.Call("postMessage", map[string]any{"type": "release"})
	idleSubWorkers = append(idleSubWorkers, sw)
	if idleTimer.Truthy() {
		js.Global().Call("clearTimeout", idleTimer)
	}
	idleTimer = js.Global().Call("setTimeout", idleFunc, subIdleMillis)
}

func (sw *subWorker) terminate() {
	sw.onMsg, sw.onReady = nil, nil
	sw.w.Call("terminate")
	sw.fn.Release()
}

// terminateIdle terminates the idle sub-workers.
func terminateIdle() {
	for _, sw := range idleSubWorkers {
		sw.terminate()
	}
	idleSubWorkers = nil
	idleTimer = js.Undefined()
}

// runSubWorkers runs n sub-workers (idle ones first, the others started),
// posts each the request made by req once it is ready, and hands each
// result (the bytes of a "part" or "scored" message) to done, which returns
// the worker's next request, or nil when it has none left; progress (may
// be nil) gets the rows done per worker. It returns the first error. The
// workers of a run that went well are kept for the next one; after an
// error or a cancel they are terminated (they may still be busy).
func runSubWorkers(ctx context.Context, n int, req func(w int) map[string]any, done func(w int, data []byte) (map[string]any, error), progress func(w, rows int) error) (err error) {
	mod := js.Global().Get("self").Get("haloModule")
	if mod.IsUndefined() {
		return fmt.Errorf("worker pool: the compiled module is not available in the worker")
	}
	events := make(chan poolEvent, 64*n)
	memOf := make([]int, n) // the last memory each worker reported
	workers := make([]*subWorker, n)
	for w := range workers {
		workers[w] = takeSubWorker(mod)
	}
	defer func() {
		for _, sw := range workers {
			if err == nil {
				releaseSubWorker(sw)
			} else {
				sw.terminate()
			}
		}
	}()
	for w, sw := range workers {
		sw.onMsg = func(ev, m js.Value) {
			if m.IsUndefined() { // an ErrorEvent
				events <- poolEvent{worker: w, err: fmt.Errorf("worker %d failed: %s", w+1, ev.Get("message").String())}
				return
			}
			switch m.Get("type").String() {
			case "progress":
				select {
				case events <- poolEvent{worker: w, done: m.Get("done").Int()}:
				default: // progress is advisory; never block the event loop
				}
			case "part", "scored":
				if mem := m.Get("memory"); mem.Type() == js.TypeNumber {
					memOf[w] = mem.Int()
					total := 0
					for _, v := range memOf {
						total += v
					}
					subMemory.one = max(subMemory.one, mem.Int())
					subMemory.total = max(subMemory.total, total)
				}
				events <- poolEvent{worker: w, data: bytesOf(m.Get("data")), final: true}
			case "error", "fatal":
				events <- poolEvent{worker: w, err: fmt.Errorf("worker %d: %s", w+1, m.Get("message").String())}
			}
		}
		if sw.ready {
			sw.w.Call("postMessage", req(w))
		} else {
			sw.onReady = func() { sw.w.Call("postMessage", req(w)) }
		}
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
				next, err := done(e.worker, e.data)
				if err != nil {
					return err
				}
				if next != nil {
					workers[e.worker].w.Call("postMessage", next)
				} else {
					finished++
				}
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

func (p webPool) Detect(ctx context.Context, dst []*grid.Grid, s *grid.Stack, model *cnn.Model, windows [][2]int, opt detect.Options, progress func(done, total int) error) error {
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
	chunks := pipeline.NewChunks(s, 0, s.Rows, n)
	merger := detect.NewMerger(s, windows, &opt)
	wins := make([]any, len(windows))
	for i, w := range windows {
		wins[i] = []any{w[0], w[1]}
	}
	// Rows of the chunks merged, and of the chunk each worker is on.
	merged := 0
	current := make([][2]int, n)
	inChunk := make([]int, n) // the chunks' progress
	report := func() error {
		if progress == nil {
			return nil
		}
		sum := merged
		for _, d := range inChunk {
			sum += d
		}
		return progress(sum, s.Rows)
	}
	chunkMsg := func(w int, rows [2]int) map[string]any {
		current[w], inChunk[w] = rows, 0
		return map[string]any{"type": "chunk", "id": w, "from": rows[0], "to": rows[1]}
	}
	// A first chunk per worker (fewer workers when there are fewer chunks).
	var first [][2]int
	for range n {
		if rows, ok := chunks.Next(); ok {
			first = append(first, rows)
		}
	}
	n = len(first)
	err = runSubWorkers(ctx, n, func(w int) map[string]any {
		m := chunkMsg(w, first[w])
		m["type"] = "detect"
		m["geom"], m["names"] = geom, names
		m["stack"], m["model"] = stack.Call("slice"), modelJS.Call("slice")
		m["opt"] = map[string]any{"inner": opt.Inner, "outer": opt.Outer, "exact": opt.Exact,
			"ringStep": opt.RingStep, "shellScale": opt.ShellScale, "batch": opt.Batch}
		m["windows"] = wins // empty: opt's
		return m
	}, func(w int, data []byte) (map[string]any, error) {
		var part detect.Part
		if err := part.UnmarshalBinary(data); err != nil {
			return nil, fmt.Errorf("detection worker %d: %v", w+1, err)
		}
		if part.From != current[w][0] || part.To != current[w][1] {
			return nil, fmt.Errorf("detection worker %d returned rows %d-%d for %d-%d", w+1, part.From, part.To, current[w][0], current[w][1])
		}
		if err := merger.Add(&part); err != nil {
			return nil, fmt.Errorf("detection worker %d: %v", w+1, err)
		}
		merged += part.To - part.From
		inChunk[w] = 0
		if err := report(); err != nil {
			return nil, err
		}
		if rows, ok := chunks.Next(); ok {
			return chunkMsg(w, rows), nil
		}
		return nil, nil
	}, func(w, rows int) error {
		inChunk[w] = rows
		return report()
	})
	if err != nil {
		return err
	}
	return merger.Write(dst)
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

// subDetection is this sub-worker's share of a pooled detection: set by a
// "detect" message, used by the "chunk" messages after it.
var subDetection *chunkDetector

// handleDetect serves a "detect" message in a sub-worker: the stack, the
// model, the options and the first chunk of rows.
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
		RingStep: o.Get("ringStep").Int(), ShellScale: o.Get("shellScale").Int(), Batch: o.Get("batch").Int()}
	var windows [][2]int // nil: opt's
	if wv := m.Get("windows"); wv.Truthy() {
		for i := range wv.Length() {
			windows = append(windows, [2]int{wv.Index(i).Index(0).Int(), wv.Index(i).Index(1).Int()})
		}
	}
	data := bytesFloat32(bytesOf(m.Get("stack")))
	model := bytesOf(m.Get("model"))
	d, err := newChunkDetector(geom, names, data, model, windows, opt)
	if err != nil {
		post(map[string]any{"type": "error", "id": id, "message": err.Error()}, nil)
		return
	}
	subDetection = d
	handleChunk(m)
}

// handleChunk serves a "chunk" message in a sub-worker: scores the rows
// [from, to) of the detection and posts the encoded part.
func handleChunk(m js.Value) {
	id := m.Get("id").Int()
	rows := [2]int{m.Get("from").Int(), m.Get("to").Int()}
	d := subDetection
	if d == nil {
		post(map[string]any{"type": "error", "id": id, "message": "a chunk of rows before the detection"}, nil)
		return
	}
	go func() {
		pace := pacer{every: progressEvery}
		out, err := d.score(context.Background(), rows, func(done, total int) error {
			if !pace.allow("", float64(done)/float64(max(total, 1))) {
				return nil
			}
			post(map[string]any{"type": "progress", "id": id, "done": done}, nil)
			return nil
		})
		if err != nil {
			post(map[string]any{"type": "error", "id": id, "message": err.Error()}, nil)
			return
		}
		u := uint8Array(out)
		post(map[string]any{"type": "part", "id": id, "data": u, "memory": wasmMemory()}, []any{u.Get("buffer")})
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
