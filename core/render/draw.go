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
// coordinates relative to clip.Min.
type canvas struct {
	dst  *image.RGBA
	clip image.Rectangle
	z    *vector.Rasterizer
}

func newCanvas(dst *image.RGBA, clip image.Rectangle) *canvas {
	return &canvas{dst: dst, clip: clip, z: vector.NewRasterizer(clip.Dx(), clip.Dy())}
}

// fill fills the closed polygon pts with c.
func (cv *canvas) fill(pts [][2]float64, c color.Color) {
	if len(pts) < 3 {
		return
	}
	cv.z.Reset(cv.clip.Dx(), cv.clip.Dy())
	cv.z.MoveTo(float32(pts[0][0]), float32(pts[0][1]))
	for _, p := range pts[1:] {
		cv.z.LineTo(float32(p[0]), float32(p[1]))
	}
	cv.z.ClosePath()
	cv.z.Draw(cv.dst, cv.clip, image.NewUniform(c), image.Point{})
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
	if n == 0 {
		return
	}
	cv.z.Reset(cv.clip.Dx(), cv.clip.Dy())
	seg := func(a, b [2]float64) {
		dx, dy := b[0]-a[0], b[1]-a[1]
		l := math.Hypot(dx, dy)
		if l == 0 {
			return
		}
		nx, ny := -dy/l*w/2, dx/l*w/2
		// Each quad is wound the same way, so overlaps stay covered once
		// under the non-zero rule that vector uses for its coverage sum
		// (clamped to full coverage).
		cv.z.MoveTo(float32(a[0]+nx), float32(a[1]+ny))
		cv.z.LineTo(float32(b[0]+nx), float32(b[1]+ny))
		cv.z.LineTo(float32(b[0]-nx), float32(b[1]-ny))
		cv.z.LineTo(float32(a[0]-nx), float32(a[1]-ny))
		cv.z.ClosePath()
	}
	dot := func(p [2]float64) {
		const k = 12
		r := w / 2
		for i := 0; i <= k; i++ {
			a := -2 * math.Pi * float64(i) / k // same winding as the quads
			x, y := float32(p[0]+r*math.Cos(a)), float32(p[1]+r*math.Sin(a))
			if i == 0 {
				cv.z.MoveTo(x, y)
			} else {
				cv.z.LineTo(x, y)
			}
		}
		cv.z.ClosePath()
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
	cv.z.Draw(cv.dst, cv.clip, image.NewUniform(c), image.Point{})
}
