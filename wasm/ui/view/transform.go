package view

import (
	"math"

	"halo/core/grid"
)

// Zoom limits of a View relative to the scale that fits the whole grid
// (MinZoom) and in screen pixels per cell (MaxCellPixels).
const (
	MinZoom       = 0.5
	MaxCellPixels = 256
)

// View maps screen pixels of a pane (origin top-left, y down) to map metres
// (y up, north up) and back: screen x = W/2 + (x-CX)*Scale, screen y =
// H/2 - (y-CY)*Scale.
type View struct {
	Geom   grid.Geom
	W, H   float64 // pane size in pixels
	Scale  float64 // pixels per metre
	CX, CY float64 // map point at the pane centre, metres
}

// Fit returns the view of g in a w x h pane that shows the whole grid
// centred, leaving margin pixels on every side where the pane allows.
// It panics if g is not a valid geometry.
func Fit(g grid.Geom, w, h, margin float64) View {
	if CheckGeom(g) != nil {
		panic("view: invalid geometry")
	}
	v := View{Geom: g, W: w, H: h}
	v.CX, v.CY = centre(g)
	v.Scale = v.fitScale(margin)
	return v
}

func centre(g grid.Geom) (x, y float64) {
	xmin, ymin, xmax, ymax := g.Extent()
	return (xmin + xmax) / 2, (ymin + ymax) / 2
}

// fitScale returns the scale at which the grid fills the pane less margin.
func (v View) fitScale(margin float64) float64 {
	xmin, ymin, xmax, ymax := v.Geom.Extent()
	w, h := v.W-2*margin, v.H-2*margin
	if w < v.W/2 {
		w = v.W / 2
	}
	if h < v.H/2 {
		h = v.H / 2
	}
	s := math.Min(w/(xmax-xmin), h/(ymax-ymin))
	if !(s > 0) || math.IsInf(s, 0) {
		s = 1e-9
	}
	return s
}

// ToScreen returns the pane pixel of map point (x, y).
func (v View) ToScreen(x, y float64) (sx, sy float64) {
	return v.W/2 + (x-v.CX)*v.Scale, v.H/2 - (y-v.CY)*v.Scale
}

// ToMap returns the map point under pane pixel (sx, sy).
func (v View) ToMap(sx, sy float64) (x, y float64) {
	return v.CX + (sx-v.W/2)/v.Scale, v.CY - (sy-v.H/2)/v.Scale
}

// ToCell returns the grid cell under pane pixel (sx, sy) and whether it is
// inside the grid.
func (v View) ToCell(sx, sy float64) (c, r int, ok bool) {
	return v.Geom.Locate(v.ToMap(sx, sy))
}

// ImageTransform returns how to draw the image made by Paint (one pixel per
// cell, north row first) on the pane: scale each image pixel by (kx, ky)
// and translate by (tx, ty).
func (v View) ImageTransform() (kx, ky, tx, ty float64) {
	xmin, _, _, ymax := v.Geom.Extent()
	tx, ty = v.ToScreen(xmin, ymax)
	return v.Geom.Cell * v.Scale, v.Geom.Height() * v.Scale, tx, ty
}

// ZoomAt multiplies the scale by f about pane pixel (sx, sy), which stays
// over the same map point, then clamps the scale between MinZoom times the
// fitting scale and MaxCellPixels per cell and keeps the pane centre over
// the grid. It returns whether the view changed.
func (v *View) ZoomAt(sx, sy, f float64) bool {
	if !(f > 0) || math.IsInf(f, 0) {
		return false
	}
	old := *v
	x, y := v.ToMap(sx, sy)
	lo := MinZoom * v.fitScale(0)
	hi := MaxCellPixels / math.Min(v.Geom.Cell, v.Geom.Height())
	v.Scale = math.Max(lo, math.Min(hi, v.Scale*f))
	v.CX = x - (sx-v.W/2)/v.Scale
	v.CY = y + (sy-v.H/2)/v.Scale
	v.clampCentre()
	return *v != old
}

// Pan moves the map by (dx, dy) pane pixels, keeping the pane centre over
// the grid.
func (v *View) Pan(dx, dy float64) {
	v.CX -= dx / v.Scale
	v.CY += dy / v.Scale
	v.clampCentre()
}

// Resize changes the pane size, keeping the scale and the centre.
func (v *View) Resize(w, h float64) { v.W, v.H = w, h }

func (v *View) clampCentre() {
	xmin, ymin, xmax, ymax := v.Geom.Extent()
	v.CX = math.Max(xmin, math.Min(xmax, v.CX))
	v.CY = math.Max(ymin, math.Min(ymax, v.CY))
}

// Project appends to dst the pane pixels of the map points pts.
func (v View) Project(dst [][2]float32, pts [][2]float64) [][2]float32 {
	for _, p := range pts {
		sx, sy := v.ToScreen(p[0], p[1])
		dst = append(dst, [2]float32{float32(sx), float32(sy)})
	}
	return dst
}

// Visible reports whether pane pixel (sx, sy) lies within the pane,
// widened by pad pixels.
func (v View) Visible(sx, sy, pad float64) bool {
	return sx >= -pad && sy >= -pad && sx <= v.W+pad && sy <= v.H+pad
}

// WheelZoom returns the zoom factor of a wheel turn of dy pixels (the
// browser's deltaY with the sign flipped, as Ebiten reports it: positive
// away from the user zooms in): exp(dy/400), so a mouse notch of 100 px
// zooms by 1.28 and a trackpad's many small deltas zoom smoothly. dy is
// clamped to ±400.
func WheelZoom(dy float64) float64 {
	if math.IsNaN(dy) {
		return 1
	}
	return math.Exp(math.Max(-400, math.Min(400, dy)) / 400)
}
