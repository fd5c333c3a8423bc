package render

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
	plotfont "gonum.org/v1/plot/font"

	// plot registers the Liberation fonts in plotfont.DefaultCache.
	_ "gonum.org/v1/plot"
)

// sansFont returns the embedded Liberation Sans face of the given size in
// pixels. Faces keep buffers and are not safe for concurrent use: each Map
// call makes its own.
func sansFont(size float64, bold bool) xfont.Face {
	w := xfont.WeightNormal
	if bold {
		w = xfont.WeightBold
	}
	f := plotfont.DefaultCache.Lookup(plotfont.Font{Typeface: "Liberation", Variant: "Sans", Weight: w}, 0)
	if f.Face == nil {
		panic("render: Liberation Sans is not registered")
	}
	face, err := opentype.NewFace(f.Face, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: xfont.HintingFull})
	if err != nil {
		panic("render: " + err.Error())
	}
	return face
}

// textWidth returns the advance of s in pixels.
func textWidth(f xfont.Face, s string) int {
	return xfont.MeasureString(f, s).Ceil()
}

// align says where a text anchor point lies on the text.
type align int

const (
	alignLeft align = iota
	alignCenter
	alignRight
)

// drawText draws s with its baseline at y and x at the left, centre or
// right of the text.
func drawText(dst draw.Image, f xfont.Face, c color.Color, x, y int, a align, s string) {
	switch a {
	case alignCenter:
		x -= textWidth(f, s) / 2
	case alignRight:
		x -= textWidth(f, s)
	}
	d := xfont.Drawer{Dst: dst, Src: image.NewUniform(c), Face: f, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// fillRect fills r (clipped to dst) with c, replacing what is there.
func fillRect(dst *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(dst, r, image.NewUniform(c), image.Point{}, draw.Src)
}

// strokeRect draws the 1-pixel outline of r inside r.
func strokeRect(dst *image.RGBA, r image.Rectangle, c color.RGBA) {
	fillRect(dst, image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+1), c)
	fillRect(dst, image.Rect(r.Min.X, r.Max.Y-1, r.Max.X, r.Max.Y), c)
	fillRect(dst, image.Rect(r.Min.X, r.Min.Y, r.Min.X+1, r.Max.Y), c)
	fillRect(dst, image.Rect(r.Max.X-1, r.Min.Y, r.Max.X, r.Max.Y), c)
}

// canvas draws anti-aliased shapes into the rectangle clip of an image, in
// coordinates relative to clip.Min. Shapes are collected as closed
// sub-paths and painted together (non-zero winding, coverage clamped), each
// paint rasterising only the bounding box of its sub-paths.
type canvas struct {
	dst   *image.RGBA
	clip  image.Rectangle
	z     vector.Rasterizer
	paths [][][2]float64
}

func newCanvas(dst *image.RGBA, clip image.Rectangle) *canvas {
	return &canvas{dst: dst, clip: clip}
}

// add adds the closed sub-path pts.
func (cv *canvas) add(pts [][2]float64) {
	if len(pts) >= 3 {
		cv.paths = append(cv.paths, pts)
	}
}

// paint fills the collected sub-paths with c and forgets them.
func (cv *canvas) paint(c color.Color) {
	if len(cv.paths) == 0 {
		return
	}
	x0, y0 := math.Inf(1), math.Inf(1)
	x1, y1 := math.Inf(-1), math.Inf(-1)
	for _, sp := range cv.paths {
		for _, p := range sp {
			x0, y0 = math.Min(x0, p[0]), math.Min(y0, p[1])
			x1, y1 = math.Max(x1, p[0]), math.Max(y1, p[1])
		}
	}
	box := image.Rect(int(math.Floor(x0))-1, int(math.Floor(y0))-1, int(math.Ceil(x1))+1, int(math.Ceil(y1))+1)
	box = box.Intersect(image.Rect(0, 0, cv.clip.Dx(), cv.clip.Dy()))
	if !box.Empty() {
		cv.z.Reset(box.Dx(), box.Dy())
		ox, oy := float64(box.Min.X), float64(box.Min.Y)
		for _, sp := range cv.paths {
			cv.z.MoveTo(float32(sp[0][0]-ox), float32(sp[0][1]-oy))
			for _, p := range sp[1:] {
				cv.z.LineTo(float32(p[0]-ox), float32(p[1]-oy))
			}
			cv.z.ClosePath()
		}
		cv.z.Draw(cv.dst, box.Add(cv.clip.Min), image.NewUniform(c), image.Point{})
	}
	cv.paths = cv.paths[:0]
}

// fill fills the closed polygon pts with c.
func (cv *canvas) fill(pts [][2]float64, c color.Color) {
	cv.add(pts)
	cv.paint(c)
}

// triangle draws an upward equilateral triangle centred on (x, y) with
// circumradius r.
func (cv *canvas) triangle(x, y, r float64, c color.Color) {
	h := r * math.Sqrt(3) / 2
	cv.fill([][2]float64{{x, y - r}, {x + h, y + r/2}, {x - h, y + r/2}}, c)
}

// polyline strokes the path pts with width w and round joins; closed joins
// the last point to the first.
func (cv *canvas) polyline(pts [][2]float64, w float64, closed bool, c color.Color) {
	n := len(pts)
	seg := func(a, b [2]float64) {
		dx, dy := b[0]-a[0], b[1]-a[1]
		l := math.Hypot(dx, dy)
		if l == 0 {
			return
		}
		nx, ny := -dy/l*w/2, dx/l*w/2
		// Quads and dots are all wound the same way, so where they overlap
		// the coverage adds up (and is clamped) instead of cancelling.
		cv.add([][2]float64{{a[0] + nx, a[1] + ny}, {b[0] + nx, b[1] + ny}, {b[0] - nx, b[1] - ny}, {a[0] - nx, a[1] - ny}})
	}
	dot := func(p [2]float64) {
		const k = 12
		ring := make([][2]float64, k)
		for i := range ring {
			a := -2 * math.Pi * float64(i) / k
			ring[i] = [2]float64{p[0] + w/2*math.Cos(a), p[1] + w/2*math.Sin(a)}
		}
		cv.add(ring)
	}
	for i := 0; i+1 < n; i++ {
		seg(pts[i], pts[i+1])
	}
	if closed && n > 2 {
		seg(pts[n-1], pts[0])
	}
	for _, p := range pts {
		dot(p)
	}
	cv.paint(c)
}
