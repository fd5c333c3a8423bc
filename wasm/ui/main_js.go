//go:build js && wasm

package main

import (
	"fmt"
	"sync"
	"syscall/js"
	"time"
	"unsafe"

	"github.com/hajimehoshi/ebiten/v2"

	"halo/core/grid"
)

func main() {
	in := &inbox{notify: make(chan struct{}, 1)}
	bridge := js.Global().Get("haloViewer")
	post := func(m map[string]any) { bridge.Call("post", m) }
	receive := js.FuncOf(func(_ js.Value, args []js.Value) any {
		m, err := decode(args[0])
		if err != nil {
			post(map[string]any{"type": "error", "message": err.Error()})
			return nil
		}
		in.put(m)
		return nil
	})
	bridge.Call("start", receive)
	g := newGame(in, post)
	ebiten.SetScreenClearedEveryFrame(false)
	// Update and Draw only on input, on a message of the page and while
	// the game has work left (ScheduleFrame), not 60 times a second: the
	// page's main thread shares the cores with the compute workers.
	// FPSModeVsyncOffMinimum is deprecated (since v2.5, for
	// SetScreenClearedEveryFrame(false), which saves the drawing but still
	// runs Update every tick) and the only way to stop the ticks. Ebiten
	// still asks for every animation frame, so web/viewer.js gates those
	// requests: scheduleFrame opens the gate. A slow heartbeat catches any
	// change this misses. With the demo's map idle in headless Chromium,
	// all of Chromium's processes take 1.0-1.5% of a core (6.1-10.0%
	// without the gate, 7.5-7.9% at 60 ticks a second;
	// BenchmarkBrowserIdleMap).
	ebiten.SetFPSMode(ebiten.FPSModeVsyncOffMinimum)
	go func() {
		for range time.Tick(time.Second) {
			scheduleFrame()
		}
	}()
	if err := ebiten.RunGame(g); err != nil {
		post(map[string]any{"type": "error", "message": "viewer stopped: " + err.Error()})
	}
}

// inbox queues the page's messages. The JavaScript callback never blocks:
// it appends under a short lock and pokes notify; Update polls notify with
// select { default: } and takes the whole queue.
type inbox struct {
	mu     sync.Mutex
	q      []message
	notify chan struct{}
}

func (b *inbox) put(m message) {
	b.mu.Lock()
	b.q = append(b.q, m)
	b.mu.Unlock()
	select {
	case b.notify <- struct{}{}:
	default:
	}
	scheduleFrame()
}

// scheduleFrame asks Ebiten for a frame (ebiten.ScheduleFrame) and opens
// the page's frame gate for it (web/viewer.js).
func scheduleFrame() {
	ebiten.ScheduleFrame()
	wakeFrames.Invoke()
}

var wakeFrames = js.Global().Get("haloViewer").Get("wake")

func (b *inbox) take() []message {
	b.mu.Lock()
	q := b.q
	b.q = nil
	b.mu.Unlock()
	return q
}

// decode converts a message of the page. Score arrays arrive as
// Float32Array (viewer.js converts other arrays) and are copied once into
// Go memory.
func decode(v js.Value) (m message, err error) {
	defer func() {
		if r := recover(); r != nil { // a js.Value of the wrong type
			err = fmt.Errorf("malformed %q message: %v", m.Type, r)
		}
	}()
	m.Type = str(v.Get("type"))
	if s := v.Get("seq"); s.Type() == js.TypeNumber {
		m.Seq = s.Int()
	}
	switch m.Type {
	case "layers":
		gv := v.Get("geom")
		m.Geom = grid.Geom{
			Cols: num(gv, "cols"), Rows: num(gv, "rows"),
			X0: flt(gv, "x0"), Y0: flt(gv, "y0"), Cell: flt(gv, "cell"), CellY: flt(gv, "cellY"),
		}
		ls := v.Get("layers")
		for i := range ls.Length() {
			l := ls.Index(i)
			m.Layers = append(m.Layers, layerMsg{Name: str(l.Get("name")), Score: floats(l.Get("score"))})
		}
		m.Points = points(v.Get("points"))
		if ps := v.Get("polygons"); ps.Truthy() {
			for i := range ps.Length() {
				m.Polygons = append(m.Polygons, points(ps.Index(i)))
			}
		}
	case "classes":
		t := v.Get("tops")
		for i := range t.Length() {
			m.Tops = append(m.Tops, t.Index(i).Float())
		}
	case "mode":
		m.Mode = str(v.Get("mode"))
	case "show":
		m.A, m.B = num(v, "a"), -1
		if b := v.Get("b"); b.Type() == js.TypeNumber {
			m.B = b.Int()
		}
		m.Compare = str(v.Get("compare"))
	case "reset", "leave":
	default:
		return m, fmt.Errorf("unknown message type %q", m.Type)
	}
	return m, nil
}

func str(v js.Value) string {
	if v.Type() != js.TypeString {
		return ""
	}
	return v.String()
}

func num(v js.Value, k string) int {
	x := v.Get(k)
	if x.Type() != js.TypeNumber {
		return 0
	}
	return x.Int()
}

func flt(v js.Value, k string) float64 {
	x := v.Get(k)
	if x.Type() != js.TypeNumber {
		return 0
	}
	return x.Float()
}

func points(v js.Value) [][2]float64 {
	if !v.Truthy() {
		return nil
	}
	n := v.Length()
	p := make([][2]float64, 0, n)
	for i := range n {
		q := v.Index(i)
		p = append(p, [2]float64{q.Index(0).Float(), q.Index(1).Float()})
	}
	return p
}

// floats copies a Float32Array into Go memory (wasm is little-endian like
// every browser's typed arrays).
func floats(v js.Value) []float32 {
	n := v.Get("length").Int()
	out := make([]float32, n)
	if n == 0 {
		return out
	}
	u8 := js.Global().Get("Uint8Array").New(v.Get("buffer"), v.Get("byteOffset"), v.Get("byteLength"))
	js.CopyBytesToGo(unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), 4*n), u8)
	return out
}
