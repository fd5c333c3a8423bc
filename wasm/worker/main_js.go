//go:build js && wasm

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"sync"
	"syscall/js"

	"halo/core/nn/blas32"
	"halo/core/pipeline"
)

var (
	mu      sync.Mutex
	cancels = map[int]context.CancelFunc{}
	last    *pipeline.Result // the last successful run, for exports
)

func main() {
	self := js.Global().Get("self")
	self.Set("haloHandle", js.FuncOf(func(_ js.Value, args []js.Value) any {
		handle(args[0])
		return nil
	}))
	post(map[string]any{"type": "ready"}, nil)
	select {}
}

func post(msg map[string]any, transfer []any) {
	if transfer == nil {
		js.Global().Get("self").Call("postMessage", msg)
		return
	}
	js.Global().Get("self").Call("postMessage", msg, transfer)
}

func bytesOf(v js.Value) []byte {
	if v.IsUndefined() || v.IsNull() {
		return nil
	}
	u := js.Global().Get("Uint8Array").New(v)
	b := make([]byte, u.Get("length").Int())
	js.CopyBytesToGo(b, u)
	return b
}

func str(v js.Value) string {
	if v.IsUndefined() || v.IsNull() {
		return ""
	}
	return v.String()
}

// intOr0 is v as an int, or 0 when it is not a number.
func intOr0(v js.Value) int {
	if v.Type() != js.TypeNumber {
		return 0
	}
	return v.Int()
}

func handle(m js.Value) {
	id := intOr0(m.Get("id")) // a message without one (the pool's "release") must not stop the worker
	switch m.Get("type").String() {
	case "cancel":
		mu.Lock()
		if c := cancels[id]; c != nil {
			c()
		}
		mu.Unlock()
	case "preview":
		b, err := preview([]byte(str(m.Get("config"))), bytesOf(m.Get("samples")), str(m.Get("samplesName")))
		if err != nil {
			post(map[string]any{"type": "preview", "id": id, "error": err.Error()}, nil)
			return
		}
		post(map[string]any{"type": "preview", "id": id, "preview": string(b)}, nil)
	case "detect":
		handleDetect(m)
	case "chunk":
		handleChunk(m)
	case "release": // the pool keeps this sub-worker idle: drop the detection's data
		subDetection = nil
	case "score":
		handleScore(m)
	case "export":
		mu.Lock()
		res := last
		mu.Unlock()
		name, mime, b, err := exportFile(res, m.Get("method").Int(), str(m.Get("format")))
		if err != nil {
			post(map[string]any{"type": "error", "id": id, "message": err.Error()}, nil)
			return
		}
		u := uint8Array(b)
		post(map[string]any{"type": "file", "id": id, "name": name, "mime": mime, "bytes": u}, []any{u.Get("buffer")})
	case "redetect":
		mu.Lock()
		prev := last
		mu.Unlock()
		var c pipeline.CNNConfig
		if err := json.Unmarshal([]byte(str(m.Get("cnn"))), &c); err != nil {
			post(map[string]any{"type": "error", "id": id, "message": "redetect: " + err.Error()}, nil)
			return
		}
		start(id, func(ctx context.Context, progress func(pipeline.Event)) (*result, *pipeline.Result, error) {
			return redetect(ctx, id, prev, c, webPool{max: intOr0(m.Get("workers"))}, progress)
		})
	case "run":
		req := request{ID: id, Config: []byte(str(m.Get("config"))), Pool: webPool{max: intOr0(m.Get("workers"))}}
		req.Inputs = pipeline.Inputs{
			Samples: bytesOf(m.Get("samples")), SamplesName: str(m.Get("samplesName")),
			Deposits: bytesOf(m.Get("deposits")), DepositsName: str(m.Get("depositsName")),
			Targets: bytesOf(m.Get("targets")), TargetsName: str(m.Get("targetsName")),
		}
		start(id, func(ctx context.Context, progress func(pipeline.Event)) (*result, *pipeline.Result, error) {
			return runKeep(ctx, req, progress)
		})
	}
}

// start runs job in a goroutine with progress messages, a cancel function
// under id, and the result (kept for exports) or the error posted back.
func start(id int, job func(context.Context, func(pipeline.Event)) (*result, *pipeline.Result, error)) {
	ctx, cancel := context.WithCancel(context.Background())
	mu.Lock()
	cancels[id] = cancel
	mu.Unlock()
	go func() {
		defer func() {
			mu.Lock()
			delete(cancels, id)
			mu.Unlock()
			cancel()
			if p := recover(); p != nil {
				post(map[string]any{"type": "error", "id": id, "message": fmt.Sprintf("internal error (please report it with your file): %v\n%s", p, debug.Stack())}, nil)
			}
		}()
		pace := pacer{every: progressEvery}
		res, kept, err := job(ctx, func(e pipeline.Event) {
			if !pace.allow(e.Stage, e.Fraction) {
				return
			}
			post(map[string]any{"type": "progress", "id": id, "stage": e.Stage, "fraction": e.Fraction, "message": e.Message}, nil)
		})
		if err == nil && ctx.Err() != nil { // cancelled after its last check: keep the last result
			err = ctx.Err()
		}
		if err != nil {
			post(map[string]any{"type": "error", "id": id, "message": err.Error()}, nil)
			return
		}
		mu.Lock()
		last = kept
		mu.Unlock()
		postResult(res)
	}()
}

func uint8Array(b []byte) js.Value {
	u := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u, b)
	return u
}

func float32Array(f []float32) js.Value {
	u := uint8Array(float32Bytes(f))
	return js.Global().Get("Float32Array").New(u.Get("buffer"))
}

func postResult(r *result) {
	var transfer []any
	methods := make([]any, len(r.Methods))
	for i, m := range r.Methods {
		mp := uint8Array(m.Map)
		sc := float32Array(m.Score)
		cuts := make([]any, len(m.Cuts))
		for k, c := range m.Cuts {
			cuts[k] = float64(c)
		}
		o := map[string]any{"name": m.Name, "map": mp, "score": sc, "cuts": cuts}
		transfer = append(transfer, mp.Get("buffer"), sc.Get("buffer"))
		hist := uint8Array(m.Hist)
		o["hist"] = hist
		transfer = append(transfer, hist.Get("buffer"))
		if m.PA != nil {
			pa := uint8Array(m.PA)
			o["pa"] = pa
			transfer = append(transfer, pa.Get("buffer"))
		}
		methods[i] = o
	}
	msg := map[string]any{
		"type": "result", "id": r.ID, "report": string(r.Report), "methods": methods,
		"geom": map[string]any{"cols": r.Cols, "rows": r.Rows, "x0": r.X0, "y0": r.Y0, "cell": r.Cell, "cellY": r.CellY},
		// WebAssembly memory in bytes: this worker's, the largest of one
		// sub-worker and the largest sum over one pool run's sub-workers.
		"memory": map[string]any{"worker": wasmMemory(), "subWorker": subMemory.one, "subWorkers": subMemory.total},
		// The matrix kernel of this worker (the sub-workers use the same).
		"kernel": blas32.Kernel(),
	}
	points := make([]any, len(r.Points))
	for i, p := range r.Points {
		points[i] = []any{p[0], p[1]}
	}
	polys := make([]any, len(r.Polygons))
	for i, ring := range r.Polygons {
		pts := make([]any, len(ring))
		for k, p := range ring {
			pts[k] = []any{p[0], p[1]}
		}
		polys[i] = pts
	}
	msg["deposits"], msg["targets"] = points, polys
	for _, f := range []struct {
		key string
		b   []byte
	}{{"roc", r.ROC}, {"paAll", r.PAAll}, {"losses", r.Losses}, {"sweep", r.Sweep}} {
		if f.b != nil {
			u := uint8Array(f.b)
			msg[f.key] = u
			transfer = append(transfer, u.Get("buffer"))
		}
	}
	post(msg, transfer)
}
