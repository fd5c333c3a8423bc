//go:build js && wasm

package main

import (
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"math"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"halo/core/grid"
	"halo/core/render/classify"
	"halo/wasm/ui/view"
)

// Sizes in CSS pixels (multiplied by the device scale factor).
const (
	fontSize   = 12.5
	pad        = 8.0
	fitMargin  = 16.0
	paneGap    = 6.0
	clickSlop  = 4.0 // a press that moves less than this is a click
	keyZoom    = 1.5
	markerSize = 4.0
)

var (
	colBackground = color.RGBA{0xf6, 0xf6, 0xf4, 0xff}
	colPaper      = color.RGBA{0xff, 0xff, 0xff, 0xff}
	colFrame      = color.RGBA{0x9a, 0x9e, 0xa6, 0xff}
	colText       = color.RGBA{0x1f, 0x23, 0x28, 0xff}
	colMuted      = color.RGBA{0x5b, 0x61, 0x6b, 0xff}
	colBox        = color.RGBA{0xff, 0xff, 0xff, 0xe6}
	colBoxLine    = color.RGBA{0xc4, 0xc8, 0xce, 0xff}
	colInk        = color.RGBA{0x11, 0x11, 0x11, 0xff}
	colHalo       = color.RGBA{0xff, 0xff, 0xff, 0xff}
	colTarget     = color.RGBA{0x6a, 0x1b, 0x9a, 0xff}
	colCross      = color.RGBA{0x11, 0x11, 0x11, 0xcc}
)

type game struct {
	in   *inbox
	post func(map[string]any)
	txt  *texts

	geom   grid.Geom
	layers []*view.Layer
	imgs   []*ebiten.Image
	dirty  []bool
	counts [][]int
	cuts   [][]float32
	hashes []uint32
	pix    []byte
	points [][2]float64
	polys  [][][2]float64

	tops    []float64
	mode    view.Mode
	a, b    int
	compare string // "side" or "toggle"
	flipped bool   // toggle mode shows b

	v      view.View
	moved  bool // the user zoomed or panned since the last fit
	w, h   int  // screen size, device pixels
	dsf    float64
	errMsg string

	// pointer
	pressed        bool
	pressX, pressY float64
	lastX, lastY   float64
	dragged        bool
	touchIDs       []ebiten.TouchID
	pinchD         float64
	pinchX, pinchY float64
	hoverPane      int // -1: none
	hoverX, hoverY float64
	lastHover      string
	buttons        []button

	ready     bool
	redraw    bool // something changed since the last drawn frame
	paintMs   float64
	seqWanted int // highest seq applied, waiting for a frame
	seqDrawn  int // drawn in the last Draw, to post in the next Update
	seqPosted int
}

type button struct {
	r      view.Rect
	action func()
}

func newGame(in *inbox, post func(map[string]any)) *game {
	return &game{
		in: in, post: post, txt: newTexts(),
		tops: []float64{5, 15, 30}, a: 0, b: -1, compare: "side",
		hoverPane: -1, dsf: 1,
	}
}

// Layout renders at device resolution so that cells and text are crisp.
func (g *game) Layout(outW, outH int) (int, int) {
	g.dsf = ebiten.Monitor().DeviceScaleFactor()
	if !(g.dsf > 0) {
		g.dsf = 1
	}
	w, h := int(math.Ceil(float64(outW)*g.dsf)), int(math.Ceil(float64(outH)*g.dsf))
	if w != g.w || h != g.h {
		g.w, g.h = w, h
		g.layout()
		g.redraw = true
	}
	return w, h
}

func (g *game) px(css float64) float64 { return css * g.dsf }

// shown returns the indices of the layers in the panes, left to right.
func (g *game) shown() []int {
	if len(g.layers) == 0 {
		return nil
	}
	if g.b >= 0 && g.compare == "side" {
		return []int{g.a, g.b}
	}
	if g.b >= 0 && g.flipped {
		return []int{g.b}
	}
	return []int{g.a}
}

func (g *game) panes() []view.Rect {
	n := len(g.shown())
	return view.Panes(float64(g.w), float64(g.h), n, g.px(paneGap))
}

// layout sizes the shared view to the panes, refitting unless the user
// moved the map.
func (g *game) layout() {
	if len(g.layers) == 0 || g.w == 0 {
		return
	}
	p := g.panes()[0]
	if !g.moved || g.v.Scale == 0 {
		g.v = view.Fit(g.geom, p.W, p.H, g.px(fitMargin))
		return
	}
	g.v.Resize(p.W, p.H)
}

func (g *game) reset() {
	g.moved, g.redraw = false, true
	g.layout()
}

func (g *game) Update() error {
	if !g.ready {
		g.ready = true
		g.post(map[string]any{"type": "ready"})
	}
	if g.seqDrawn > g.seqPosted {
		g.seqPosted = g.seqDrawn
		g.post(g.drawnMessage(g.seqDrawn))
	}
	select {
	case <-g.in.notify:
		for _, m := range g.in.take() {
			if err := g.apply(m); err != nil {
				g.post(map[string]any{"type": "error", "message": err.Error(), "seq": m.Seq})
				g.errMsg = err.Error() // shown while there is no map
			}
			g.seqWanted = max(g.seqWanted, m.Seq)
		}
		g.redraw = true
	default:
	}
	g.input()
	g.repaint()
	if g.redraw || g.seqDrawn > g.seqPosted {
		scheduleFrame() // a frame to draw, or a drawn message to post
	}
	return nil
}

// apply changes the state for one message of the page.
func (g *game) apply(m message) error {
	switch m.Type {
	case "layers":
		if len(m.Layers) == 0 {
			return fmt.Errorf("ui: a layers message needs at least one layer")
		}
		layers := make([]*view.Layer, len(m.Layers))
		for i, lm := range m.Layers {
			l, err := view.NewLayer(lm.Name, m.Geom, lm.Score)
			if err != nil {
				return err
			}
			layers[i] = l
		}
		for _, img := range g.imgs {
			img.Deallocate()
		}
		refit := g.geom != m.Geom
		g.geom, g.layers = m.Geom, layers
		n := len(layers)
		g.imgs = make([]*ebiten.Image, n)
		g.dirty = make([]bool, n)
		g.counts = make([][]int, n)
		g.cuts = make([][]float32, n)
		g.hashes = make([]uint32, n)
		for i := range n {
			g.dirty[i] = true
		}
		g.pix = make([]byte, 4*m.Geom.Len())
		g.points, g.polys = m.Points, m.Polygons
		if g.a >= n {
			g.a = 0
		}
		if g.b >= n {
			g.b = -1
		}
		if refit {
			g.moved = false
		}
		g.layout()
	case "classes":
		if err := view.CheckTops(m.Tops); err != nil {
			return err
		}
		g.tops = m.Tops
		g.markDirty()
	case "mode":
		mode, err := view.ParseMode(m.Mode)
		if err != nil {
			return err
		}
		g.mode = mode
		g.markDirty()
	case "show":
		n := len(g.layers)
		if m.A < 0 || (n > 0 && m.A >= n) || m.B < -1 || (n > 0 && m.B >= n) {
			return fmt.Errorf("ui: show %d, %d: no such layer (%d layers)", m.A, m.B, n)
		}
		if m.Compare != "" && m.Compare != "side" && m.Compare != "toggle" {
			return fmt.Errorf("ui: unknown compare %q (want side or toggle)", m.Compare)
		}
		g.a, g.b, g.flipped = m.A, m.B, false
		if m.Compare != "" {
			g.compare = m.Compare
		}
		g.layout()
	case "reset":
		g.reset()
	case "leave":
		g.setHover(-1, 0, 0)
	}
	return nil
}

func (g *game) markDirty() {
	for i := range g.dirty {
		g.dirty[i] = true
	}
}

// repaint converts the scores of the shown layers to pixels once per
// change (classes from the sorted scores by lookup) and uploads them.
func (g *game) repaint() {
	for _, i := range g.shown() {
		if !g.dirty[i] {
			continue
		}
		l := g.layers[i]
		var count []int
		if g.mode == view.Classes {
			g.cuts[i] = l.Cuts(nil, g.tops)
			count = make([]int, len(g.tops)+1)
		} else {
			g.cuts[i] = nil
		}
		t0 := time.Now()
		view.Paint(g.pix, l, g.mode, g.cuts[i], count)
		g.counts[i] = count
		h := fnv.New32a()
		h.Write(g.pix)
		g.hashes[i] = h.Sum32()
		if g.imgs[i] == nil {
			g.imgs[i] = ebiten.NewImage(g.geom.Cols, g.geom.Rows)
		}
		g.imgs[i].WritePixels(g.pix)
		g.paintMs = float64(time.Since(t0).Microseconds()) / 1000
		g.dirty[i] = false
		g.redraw = true
	}
}

func (g *game) drawnMessage(seq int) map[string]any {
	tops := make([]any, len(g.tops))
	for i, t := range g.tops {
		tops[i] = t
	}
	var shown []any
	for _, i := range g.shown() {
		s := map[string]any{"index": i, "name": g.layers[i].Name, "hash": int(g.hashes[i])}
		if g.counts[i] != nil {
			c := make([]any, len(g.counts[i]))
			for k, n := range g.counts[i] {
				c[k] = n
			}
			s["counts"] = c
			cuts := make([]any, len(g.cuts[i]))
			for k, v := range g.cuts[i] {
				cuts[k] = jsNum(float64(v))
			}
			s["cuts"] = cuts
		}
		shown = append(shown, s)
	}
	return map[string]any{"type": "drawn", "seq": seq, "mode": g.mode.String(), "tops": tops, "shown": shown, "paintMs": g.paintMs}
}

// jsNum returns v, or nil (null) for NaN.
func jsNum(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

// ---- input -----------------------------------------------------------

func (g *game) input() {
	if len(g.layers) == 0 {
		return
	}
	panes := g.panes()
	cx, cy := ebiten.CursorPosition()
	mx, my := float64(cx), float64(cy)

	// keys
	switch {
	case inpututil.IsKeyJustPressed(ebiten.KeyR), inpututil.IsKeyJustPressed(ebiten.KeyHome):
		g.reset()
	case inpututil.IsKeyJustPressed(ebiten.KeyT), inpututil.IsKeyJustPressed(ebiten.KeySpace):
		g.toggle()
	case inpututil.IsKeyJustPressed(ebiten.KeyEqual), inpututil.IsKeyJustPressed(ebiten.KeyKPAdd):
		g.zoom(float64(g.w)/2, float64(g.h)/2, keyZoom)
	case inpututil.IsKeyJustPressed(ebiten.KeyMinus), inpututil.IsKeyJustPressed(ebiten.KeyKPSubtract):
		g.zoom(float64(g.w)/2, float64(g.h)/2, 1/keyZoom)
	}

	// wheel: zoom about the cursor
	if _, dy := ebiten.Wheel(); dy != 0 {
		g.zoom(mx, my, view.WheelZoom(dy))
	}

	// touches: one finger pans, two pinch-zoom about their midpoint
	g.touchIDs = ebiten.AppendTouchIDs(g.touchIDs[:0])
	switch len(g.touchIDs) {
	case 0:
		g.pinchD = 0
	case 1:
		g.pinchD = 0
	default:
		x0, y0 := ebiten.TouchPosition(g.touchIDs[0])
		x1, y1 := ebiten.TouchPosition(g.touchIDs[1])
		d := math.Hypot(float64(x1-x0), float64(y1-y0))
		midX, midY := float64(x0+x1)/2, float64(y0+y1)/2
		if g.pinchD > 0 && d > 0 {
			g.pan(midX-g.pinchX, midY-g.pinchY)
			g.zoom(midX, midY, d/g.pinchD)
		}
		g.pinchD, g.pinchX, g.pinchY = d, midX, midY
		g.pressed = false // a pinch is not a drag or a click
		return
	}
	if len(g.touchIDs) == 1 {
		x, y := ebiten.TouchPosition(g.touchIDs[0])
		mx, my = float64(x), float64(y)
	}
	down := ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft) || len(g.touchIDs) == 1
	switch {
	case down && !g.pressed:
		g.pressed, g.dragged = true, false
		g.pressX, g.pressY, g.lastX, g.lastY = mx, my, mx, my
	case down && g.pressed:
		if math.Hypot(mx-g.pressX, my-g.pressY) > g.px(clickSlop) {
			g.dragged = true
		}
		if g.dragged {
			g.pan(mx-g.lastX, my-g.lastY)
		}
		g.lastX, g.lastY = mx, my
	case !down && g.pressed:
		g.pressed = false
		if !g.dragged {
			g.click(mx, my)
		}
	}
	if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonRight) {
		g.reset()
	}

	// hover
	if p := view.Hit(panes, mx, my); p >= 0 {
		g.setHover(p, mx-panes[p].X, my-panes[p].Y)
	} else {
		g.setHover(-1, 0, 0)
	}
}

func (g *game) zoom(sx, sy, f float64) {
	panes := g.panes()
	p := view.Hit(panes, sx, sy)
	if p < 0 {
		p = 0
	}
	if g.v.ZoomAt(sx-panes[p].X, sy-panes[p].Y, f) {
		g.moved, g.redraw = true, true
	}
}

func (g *game) pan(dx, dy float64) {
	if dx != 0 || dy != 0 {
		g.v.Pan(dx, dy)
		g.moved, g.redraw = true, true
	}
}

func (g *game) click(x, y float64) {
	for _, b := range g.buttons {
		if x >= b.r.X && x < b.r.X+b.r.W && y >= b.r.Y && y < b.r.Y+b.r.H {
			b.action()
			return
		}
	}
}

func (g *game) toggle() {
	if g.b >= 0 && g.compare == "toggle" {
		g.flipped = !g.flipped
		g.lastHover = "" // the layer under the cursor changed
		g.redraw = true
	}
}

// setHover records the pointer in pane p at pane pixel (x, y) (p = -1:
// none) and posts the read-out to the page when it changed.
func (g *game) setHover(p int, x, y float64) {
	if p != g.hoverPane || (p >= 0 && (x != g.hoverX || y != g.hoverY)) {
		g.redraw = true
	}
	g.hoverPane, g.hoverX, g.hoverY = p, x, y
	if p < 0 {
		if g.lastHover != "out" {
			g.lastHover = "out"
			g.post(map[string]any{"type": "hover", "inside": false})
		}
		return
	}
	i := g.shown()[p]
	mx, my := g.v.ToMap(x, y)
	key := fmt.Sprint(i, math.Round(mx), math.Round(my))
	if key == g.lastHover {
		return
	}
	g.lastHover = key
	r := g.layers[i].Read(mx, my)
	g.post(map[string]any{
		"type": "hover", "inside": r.Inside, "x": mx, "y": my, "col": r.Col, "row": r.Row,
		"score": jsNum(float64(r.Score)), "percentile": jsNum(r.Percentile),
		"layer": i, "name": g.layers[i].Name,
	})
}

// ---- drawing -----------------------------------------------------------

// Draw redraws only when something changed: the screen is not cleared
// between frames (main sets SetScreenClearedEveryFrame(false)), so an idle
// map costs no drawing.
func (g *game) Draw(screen *ebiten.Image) {
	if !g.redraw {
		return
	}
	g.redraw = false
	defer g.txt.sweep()
	screen.Fill(colBackground)
	g.buttons = g.buttons[:0]
	if len(g.layers) == 0 {
		msg := "Waiting for a map…"
		if g.errMsg != "" {
			msg = g.errMsg
		}
		w, h := g.txt.measure(msg, g.px(fontSize))
		g.txt.draw(screen, msg, (float64(g.w)-w)/2, (float64(g.h)-h)/2, g.px(fontSize), colMuted)
		g.markDrawn()
		return
	}
	shown := g.shown()
	panes := g.panes()
	for p, i := range shown {
		r := panes[p]
		dst := screen.SubImage(image.Rect(int(r.X), int(r.Y), int(r.X+r.W), int(r.Y+r.H))).(*ebiten.Image)
		g.drawPane(dst, r, i, p)
	}
	last := panes[len(panes)-1]
	lastDst := screen.SubImage(image.Rect(int(last.X), int(last.Y), int(last.X+last.W), int(last.Y+last.H))).(*ebiten.Image)
	g.drawNorth(lastDst, last)
	g.drawScaleBar(lastDst, last)
	first := panes[0]
	firstDst := screen.SubImage(image.Rect(int(first.X), int(first.Y), int(first.X+first.W), int(first.Y+first.H))).(*ebiten.Image)
	g.drawLegend(firstDst, first)
	g.drawReset(lastDst, last)
	if g.hoverPane >= 0 && g.hoverPane < len(panes) {
		g.drawReadout(screen, panes)
	}
	g.markDrawn()
}

func (g *game) markDrawn() {
	if g.seqWanted > g.seqDrawn {
		g.seqDrawn = g.seqWanted
		scheduleFrame() // the next Update posts the drawn message
	}
}

func (g *game) drawPane(dst *ebiten.Image, r view.Rect, i, p int) {
	v := g.v
	xmin, ymin, xmax, ymax := g.geom.Extent()
	// paper under the grid extent (no data shows white), map, frame
	x0, y0 := v.ToScreen(xmin, ymax)
	x1, y1 := v.ToScreen(xmax, ymin)
	vector.DrawFilledRect(dst, float32(r.X+x0), float32(r.Y+y0), float32(x1-x0), float32(y1-y0), colPaper, false)
	kx, ky, tx, ty := v.ImageTransform()
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Scale(kx, ky)
	op.GeoM.Translate(r.X+tx, r.Y+ty)
	op.Filter = ebiten.FilterNearest
	if kx < 1 || ky < 1 {
		op.Filter = ebiten.FilterLinear // many cells per pixel: average, don't alias
	}
	if img := g.imgs[i]; img != nil {
		dst.DrawImage(img, op)
	}
	vector.StrokeRect(dst, float32(r.X+x0), float32(r.Y+y0), float32(x1-x0), float32(y1-y0), float32(g.px(1)), colFrame, true)

	// target polygons, then deposit markers
	lw := float32(g.px(1.6))
	for _, poly := range g.polys {
		pts := v.Project(nil, poly)
		for k := range pts {
			a, b := pts[k], pts[(k+1)%len(pts)]
			vector.StrokeLine(dst, float32(r.X)+a[0], float32(r.Y)+a[1], float32(r.X)+b[0], float32(r.Y)+b[1], lw+float32(g.px(2)), colHalo, true)
		}
		for k := range pts {
			a, b := pts[k], pts[(k+1)%len(pts)]
			vector.StrokeLine(dst, float32(r.X)+a[0], float32(r.Y)+a[1], float32(r.X)+b[0], float32(r.Y)+b[1], lw, colTarget, true)
		}
	}
	ms := float32(g.px(markerSize))
	for _, q := range v.Project(nil, g.points) {
		if !v.Visible(float64(q[0]), float64(q[1]), float64(ms)*2) {
			continue
		}
		cx, cy := float32(r.X)+q[0], float32(r.Y)+q[1]
		vector.DrawFilledCircle(dst, cx, cy, ms+float32(g.px(1.5)), colHalo, true)
		vector.DrawFilledCircle(dst, cx, cy, ms, colInk, true)
	}

	// title chip; in toggle mode it is the switch
	title := g.layers[i].Name
	if title == "" {
		title = fmt.Sprintf("layer %d", i+1)
	}
	if g.b >= 0 && g.compare == "toggle" {
		other := g.b
		if g.flipped {
			other = g.a
		}
		title += "   |   T: " + g.layers[other].Name
	}
	fs := g.px(fontSize)
	w, h := g.txt.measure(title, fs)
	bx, by := r.X+g.px(pad), r.Y+g.px(pad)
	g.box(dst, bx, by, w+2*g.px(pad), h+g.px(pad))
	g.txt.draw(dst, title, bx+g.px(pad), by+g.px(pad)/2, fs, colText)
	if g.b >= 0 && g.compare == "toggle" {
		g.buttons = append(g.buttons, button{view.Rect{X: bx, Y: by, W: w + 2*g.px(pad), H: h + g.px(pad)}, g.toggle})
	}
}

// box draws a white rounded-looking panel with a thin border.
func (g *game) box(dst *ebiten.Image, x, y, w, h float64) {
	vector.DrawFilledRect(dst, float32(x), float32(y), float32(w), float32(h), colBox, false)
	vector.StrokeRect(dst, float32(x), float32(y), float32(w), float32(h), float32(g.px(1)), colBoxLine, false)
}

func (g *game) drawLegend(dst *ebiten.Image, r view.Rect) {
	fs := g.px(fontSize)
	_, lh := g.txt.measure("Hg", fs)
	sw := g.px(14) // swatch
	row := math.Max(lh, sw) + g.px(3)
	p := g.px(pad)
	if g.mode == view.Continuous {
		title := "Percentile rank"
		tw, _ := g.txt.measure(title, fs)
		barW := math.Max(tw, g.px(150))
		bw, bh := barW+2*p, lh*2+g.px(12)+2*p
		x, y := r.X+p, r.Y+r.H-bh-p
		g.box(dst, x, y, bw, bh)
		g.txt.draw(dst, title, x+p, y+p, fs, colText)
		n := int(barW)
		by := y + p + lh + g.px(2)
		for k := range n {
			vector.DrawFilledRect(dst, float32(x+p+float64(k)), float32(by), 1.5, float32(g.px(10)), classify.Viridis(float64(k)/float64(n-1)), false)
		}
		ly := by + g.px(11)
		g.txt.draw(dst, "0", x+p, ly, fs, colMuted)
		w100, _ := g.txt.measure("100", fs)
		g.txt.draw(dst, "100", x+p+barW-w100, ly, fs, colMuted)
		return
	}
	items := view.ClassLegend(g.tops)
	title := "Area ranked by score"
	tw, _ := g.txt.measure(title, fs)
	maxW := tw
	for _, it := range items {
		w, _ := g.txt.measure(it.Label, fs)
		maxW = math.Max(maxW, sw+g.px(6)+w)
	}
	bw := maxW + 2*p
	bh := lh + g.px(4) + float64(len(items))*row + 2*p - g.px(3)
	x, y := r.X+p, r.Y+r.H-bh-p
	g.box(dst, x, y, bw, bh)
	g.txt.draw(dst, title, x+p, y+p, fs, colText)
	yy := y + p + lh + g.px(4)
	for _, it := range items {
		sy := yy + (row-g.px(3)-sw)/2
		vector.DrawFilledRect(dst, float32(x+p), float32(sy), float32(sw), float32(sw), it.Color, false)
		vector.StrokeRect(dst, float32(x+p), float32(sy), float32(sw), float32(sw), float32(g.px(1)), colBoxLine, false)
		g.txt.draw(dst, it.Label, x+p+sw+g.px(6), yy+(row-g.px(3)-lh)/2, fs, colText)
		yy += row
	}
}

func (g *game) drawScaleBar(dst *ebiten.Image, r view.Rect) {
	_, px, label := view.ScaleBar(g.v.Scale, math.Min(g.px(160), r.W/3))
	if px <= 0 {
		return
	}
	fs := g.px(fontSize)
	tw, th := g.txt.measure(label, fs)
	p := g.px(pad)
	bw := math.Max(px, tw) + 2*p
	bh := th + g.px(12) + 2*p
	x, y := r.X+r.W-bw-p, r.Y+r.H-bh-p
	g.box(dst, x, y, bw, bh)
	bx := x + (bw-px)/2
	by := y + p + g.px(8)
	lw := float32(g.px(2))
	vector.StrokeLine(dst, float32(bx), float32(by), float32(bx+px), float32(by), lw, colInk, false)
	vector.StrokeLine(dst, float32(bx), float32(by-g.px(5)), float32(bx), float32(by)+lw/2, lw, colInk, false)
	vector.StrokeLine(dst, float32(bx+px), float32(by-g.px(5)), float32(bx+px), float32(by)+lw/2, lw, colInk, false)
	g.txt.draw(dst, label, x+(bw-tw)/2, by+g.px(4), fs, colText)
}

func (g *game) drawNorth(dst *ebiten.Image, r view.Rect) {
	p := g.px(pad)
	s := g.px(30)
	x, y := r.X+r.W-s-p, r.Y+p
	g.box(dst, x, y, s, s+g.px(8))
	cx := float32(x + s/2)
	top := float32(y + g.px(5))
	bot := float32(y + s - g.px(9))
	half := float32(g.px(6))
	var path vector.Path
	path.MoveTo(cx, top)
	path.LineTo(cx+half, bot)
	path.LineTo(cx, bot-float32(g.px(4)))
	path.LineTo(cx-half, bot)
	path.Close()
	vs, is := path.AppendVerticesAndIndicesForFilling(nil, nil)
	for k := range vs {
		vs[k].ColorR, vs[k].ColorG, vs[k].ColorB, vs[k].ColorA = 0.07, 0.07, 0.07, 1
		vs[k].SrcX, vs[k].SrcY = 1, 1
	}
	dst.DrawTriangles(vs, is, whitePixel(), &ebiten.DrawTrianglesOptions{AntiAlias: true})
	fs := g.px(fontSize - 1)
	w, _ := g.txt.measure("N", fs)
	g.txt.draw(dst, "N", float64(cx)-w/2, float64(bot)-g.px(1), fs, colText)
}

var white *ebiten.Image

func whitePixel() *ebiten.Image {
	if white == nil {
		white = ebiten.NewImage(3, 3)
		white.Fill(color.White)
	}
	return white
}

func (g *game) drawReset(dst *ebiten.Image, r view.Rect) {
	if !g.moved {
		return
	}
	label := "Reset view"
	fs := g.px(fontSize)
	w, h := g.txt.measure(label, fs)
	p := g.px(pad)
	bw, bh := w+2*p, h+p
	x, y := r.X+r.W-g.px(30)-2*p-bw, r.Y+p
	g.box(dst, x, y, bw, bh)
	g.txt.draw(dst, label, x+p, y+p/2, fs, colText)
	g.buttons = append(g.buttons, button{view.Rect{X: x, Y: y, W: bw, H: bh}, g.reset})
}

// drawReadout draws the read-out of the point under the pointer next to
// it, and a cross at the same map point in the other pane.
func (g *game) drawReadout(screen *ebiten.Image, panes []view.Rect) {
	shown := g.shown()
	p := g.hoverPane
	mx, my := g.v.ToMap(g.hoverX, g.hoverY)
	rd := g.layers[shown[p]].Read(mx, my)
	if !rd.Inside {
		return
	}
	// the same point in the other pane: a cross and that layer's value
	for q := range panes {
		if q == p {
			continue
		}
		cx, cy := float32(panes[q].X+g.hoverX), float32(panes[q].Y+g.hoverY)
		k := float32(g.px(7))
		lw := float32(g.px(1.5))
		vector.StrokeLine(screen, cx-k, cy, cx+k, cy, lw, colCross, true)
		vector.StrokeLine(screen, cx, cy-k, cx, cy+k, lw, colCross, true)
		other := g.layers[shown[q]].Read(mx, my).Lines()
		g.tooltip(screen, panes[q], other[1:])
	}
	g.tooltip(screen, panes[p], rd.Lines())
}

// tooltip draws lines in a box beside the hover point of pane r, flipped
// and clamped to stay inside the pane; the first of several lines is muted.
func (g *game) tooltip(screen *ebiten.Image, r view.Rect, lines []string) {
	fs := g.px(fontSize)
	pd := g.px(pad)
	var w, lh float64
	for _, s := range lines {
		lw, h := g.txt.measure(s, fs)
		w, lh = math.Max(w, lw), h
	}
	bw, bh := w+2*pd, float64(len(lines))*lh+pd
	x, y := r.X+g.hoverX+g.px(14), r.Y+g.hoverY+g.px(14)
	if x+bw > r.X+r.W {
		x = r.X + g.hoverX - g.px(14) - bw
	}
	if y+bh > r.Y+r.H {
		y = r.Y + g.hoverY - g.px(14) - bh
	}
	x = math.Max(r.X+2, math.Min(x, r.X+r.W-bw-2))
	y = math.Max(r.Y+2, math.Min(y, r.Y+r.H-bh-2))
	dst := screen.SubImage(image.Rect(int(r.X), int(r.Y), int(r.X+r.W), int(r.Y+r.H))).(*ebiten.Image)
	g.box(dst, x, y, bw, bh)
	for k, s := range lines {
		c := colText
		if k == 0 && len(lines) > 1 {
			c = colMuted
		}
		g.txt.draw(dst, s, x+pd, y+pd/2+float64(k)*lh, fs, c)
	}
}
