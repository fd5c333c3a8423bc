package render

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"strconv"

	"halo/core/grid"
	"halo/core/render/classify"
)

// MapOptions controls Map. The zero value (or a nil pointer) draws the three
// default classes, about 750 pixels wide, with no decorations.
type MapOptions struct {
	// Tops are the cumulative-area classes in percent of the cells with
	// data, increasing; nil means classify.DefaultTops, {5, 15, 30}.
	Tops []float64
	// Cuts, if not nil, are the score cut-offs of the classes (decreasing,
	// one per top, as Cuts returns), used instead of ranking the grid. A
	// caller that already has the cut-offs (a viewer moving a slider, an
	// evaluation) passes them here; the legend prints them.
	Cuts []float32

	// Mode is "classes" (the default when empty) or "continuous": the
	// viridis colour map over the percentile rank of each score (0 the
	// lowest, 1 the highest), which stays readable however skewed the
	// scores are, with a colour bar labelled with the scores at the ticks.
	Mode string

	// Scale is the width of a cell in pixels; 0 chooses a scale that makes
	// the map 600-900 pixels wide (an integer scale when one fits, so that
	// cells stay crisp), or at most 900 pixels high for tall grids.
	// Non-square cells keep their aspect ratio.
	Scale int

	// Points are markers (known deposits) at projected x, y in metres,
	// drawn as white triangles outlined in black. Points outside the grid
	// are not drawn.
	Points [][2]float64
	// Polygons are outlines (target areas), each a ring of x, y in metres,
	// drawn black over a white halo.
	Polygons [][][2]float64

	// Title is drawn above the map when not empty.
	Title string
	// Legend adds, right of the map, the class colours with their area
	// ranges and score cut-offs (or the colour bar), the marker symbols, a
	// north arrow and a scale bar, and coordinate ticks in km around the map.
	Legend bool
	// Transparent draws no-data cells and the margins transparent instead
	// of white.
	Transparent bool
}

// Map returns a north-up picture of the score grid g (row 0 south; image row
// 0 is the northern edge). Without Legend or Title the image is the map
// alone: pixel (px, py) shows the cell that contains
//
//	x = X0 + (px + 0.5) * Cell / Scale
//	y = Y0 + Rows * Height - (py + 0.5) * Cell / Scale
//
// With decorations the map is offset; the legend never covers it.
//
// Map panics if len(g.Data) != Cols*Rows, if the tops are not increasing
// within (0, 100], if len(opt.Cuts) differs from the number of tops, if
// opt.Scale is negative or opt.Mode is unknown.
func Map(g *grid.Grid, opt *MapOptions) *image.RGBA {
	if opt == nil {
		opt = &MapOptions{}
	}
	if len(g.Data) != g.Len() {
		panic("render: grid data length mismatch")
	}
	tops := opt.Tops
	if tops == nil {
		tops = classify.DefaultTops
	}
	classify.Cuts(nil, tops) // validates tops: panics unless increasing within (0, 100]
	if opt.Scale < 0 {
		panic("render: negative scale")
	}
	var continuous bool
	switch opt.Mode {
	case "", "classes":
	case "continuous":
		continuous = true
	default:
		panic("render: unknown map mode (want classes or continuous)")
	}

	m := newMapGeom(g, opt.Scale)

	// Colour of every cell.
	bg := classify.NoDataWhite
	if opt.Transparent {
		bg = color.RGBA{}
	}
	cellColor := make([]color.RGBA, g.Len())
	var (
		cuts   []float32
		sorted []float32 // finite scores, ascending (continuous mode)
		noData bool
	)
	if continuous {
		sorted = make([]float32, 0, g.Len())
		for _, v := range g.Data {
			if classify.Finite(v) {
				sorted = append(sorted, v)
			}
		}
		slices.Sort(sorted)
		for i, v := range g.Data {
			if !classify.Finite(v) {
				cellColor[i] = bg
				noData = true
				continue
			}
			cellColor[i] = classify.Viridis(classify.PercentileRank(sorted, v))
		}
	} else {
		cuts = opt.Cuts
		if cuts == nil {
			cuts = classify.Cuts(g.Data, tops)
		} else if len(cuts) != len(tops) {
			panic("render: need one cut-off per class")
		}
		class := classify.Classify(nil, g.Data, cuts)
		for i, k := range class {
			if k == classify.NoClass {
				cellColor[i] = bg
				noData = true
				continue
			}
			cellColor[i] = classify.ClassColor(int(k), len(cuts))
		}
	}

	// Layout.
	decorate := opt.Legend || opt.Title != ""
	var l layout
	l.plan(m, opt, decorate)
	img := image.NewRGBA(image.Rect(0, 0, l.width, l.height))
	if !opt.Transparent {
		fillRect(img, img.Bounds(), classify.NoDataWhite)
	}

	// Cells.
	mr := l.mapRect
	cellOf := make([]int, m.w) // column of each pixel column
	for px := range cellOf {
		cellOf[px] = min(g.Cols-1, int((float64(px)+0.5)/m.scale))
	}
	for py := 0; py < m.h; py++ {
		fr := (m.ymax - (float64(py)+0.5)*m.mpp - g.Y0) / g.Height()
		r := min(g.Rows-1, max(0, int(fr)))
		row := cellColor[r*g.Cols : (r+1)*g.Cols]
		off := img.PixOffset(mr.Min.X, mr.Min.Y+py)
		for px, c := range cellOf {
			col := row[c]
			p := img.Pix[off+4*px : off+4*px+4 : off+4*px+4]
			p[0], p[1], p[2], p[3] = col.R, col.G, col.B, col.A
		}
	}

	// Overlays, clipped to the map.
	cv := newCanvas(img, mr)
	for _, ring := range opt.Polygons {
		pts := make([][2]float64, len(ring))
		for i, p := range ring {
			pts[i][0], pts[i][1] = m.pixel(p[0], p[1])
		}
		cv.polyline(pts, 4.5, true, color.White)
		cv.polyline(pts, 2, true, color.Black)
	}
	mr2 := markerRadius(m.scale)
	for _, p := range opt.Points {
		if _, _, ok := g.Locate(p[0], p[1]); !ok {
			continue
		}
		x, y := m.pixel(p[0], p[1])
		drawMarker(cv, x, y, mr2)
	}

	if !decorate {
		return img
	}
	l.decorate(img, m, opt, tops, cuts, sorted, noData)
	return img
}

// markerRadius is the circumradius of a deposit marker for a map scale.
func markerRadius(scale float64) float64 {
	return math.Max(6, math.Min(10, 0.8*scale))
}

// drawMarker draws a white triangle with a black outline 1.5 px wide
// centred on (x, y).
func drawMarker(cv *canvas, x, y, r float64) {
	const outline = 1.5
	// An equilateral triangle's inradius is half its circumradius: growing
	// the circumradius by 2w moves each edge out by w.
	cv.triangle(x, y, r+2*outline, color.Black)
	cv.triangle(x, y, r, color.White)
}

// mapGeom maps projected metres to map pixels.
type mapGeom struct {
	g      *grid.Grid
	scale  float64 // pixels per cell along x
	mpp    float64 // metres per pixel
	ymax   float64
	w, h   int
	widthM float64
}

func newMapGeom(g *grid.Grid, scale int) mapGeom {
	aspect := float64(g.Rows) * g.Height() / g.Cell // map height in cell widths
	s := float64(scale)
	if scale == 0 {
		const target, lo, hi = 750, 600, 900
		long := math.Max(float64(g.Cols), aspect)
		s = target / long
		if k := math.Floor(hi / long); k >= 1 && k*long >= lo {
			s = math.Min(k, math.Max(1, math.Round(s)))
			if s*long < lo {
				s = k
			}
		}
	}
	m := mapGeom{g: g, scale: s, mpp: g.Cell / s}
	m.w = max(1, int(math.Round(float64(g.Cols)*s)))
	m.h = max(1, int(math.Round(aspect*s)))
	_, _, xmax, ymax := g.Extent()
	m.ymax = ymax
	m.widthM = xmax - g.X0
	return m
}

// pixel returns the map pixel coordinates (edges at integers) of x, y.
func (m mapGeom) pixel(x, y float64) (px, py float64) {
	return (x - m.g.X0) / m.mpp, (m.ymax - y) / m.mpp
}

// layout places the title, the map with its ticks, and the legend panel.
type layout struct {
	width, height int
	mapRect       image.Rectangle
	titleBase     int // baseline of the title
	panelX        int // left edge of the legend panel
	xTicks        []tick
	yTicks        []tick
}

type tick struct {
	pos   int // pixel along the map edge
	label string
}

const (
	margin     = 16
	panelWidth = 190
	tickLen    = 4
	titleSize  = 18
	labelSize  = 12
	smallSize  = 11
	headSize   = 13
)

func (l *layout) plan(m mapGeom, opt *MapOptions, decorate bool) {
	if !decorate {
		l.mapRect = image.Rect(0, 0, m.w, m.h)
		l.width, l.height = m.w, m.h
		return
	}
	top, left := margin, margin
	if opt.Title != "" {
		l.titleBase = margin + titleSize
		top = l.titleBase + 14
	}
	bottom := margin
	if opt.Legend {
		small := sansFont(smallSize, false)
		l.xTicks = niceTicks(m.g.X0, m.g.X0+m.widthM, m.w, false, m)
		l.yTicks = niceTicks(m.ymax-float64(m.h)*m.mpp, m.ymax, m.h, true, m)
		wy := 0
		for _, t := range l.yTicks {
			wy = max(wy, textWidth(small, t.label))
		}
		left += wy + tickLen + 4
		bottom += tickLen + smallSize + 6
		if len(l.yTicks) > 0 {
			top = max(top, margin+smallSize/2) // room for the top tick label
		}
	}
	l.mapRect = image.Rect(left, top, left+m.w, top+m.h)
	l.width = l.mapRect.Max.X + margin
	l.height = l.mapRect.Max.Y + bottom
	if opt.Legend {
		l.panelX = l.mapRect.Max.X + 28
		l.width = l.panelX + panelWidth
		l.height = max(l.height, top+legendHeight(opt)+margin)
	}
	if opt.Title != "" {
		tf := sansFont(titleSize, true)
		l.width = max(l.width, left+textWidth(tf, opt.Title)+margin)
	}
}

// legendHeight is the height of the legend panel content.
func legendHeight(opt *MapOptions) int {
	n := len(classify.DefaultTops)
	if opt.Tops != nil {
		n = len(opt.Tops)
	}
	h := 22 + (n+2)*34 + 24*2 // heading, classes + background + no data, markers
	if opt.Mode == "continuous" {
		h = 22 + colorBarHeight + 24 + 24*3
	}
	return h + 110 // north arrow and scale bar
}

// niceTicks returns tick marks at round numbers of km between lo and hi
// metres, spread over n pixels; y ticks run from the top down.
func niceTicks(lo, hi float64, n int, y bool, m mapGeom) []tick {
	spanKm := (hi - lo) / 1000
	if !(spanKm > 0) {
		return nil
	}
	// At most one label per 90 pixels along x, 50 along y.
	maxTicks := max(2, n/90)
	if y {
		maxTicks = max(2, n/50)
	}
	step := niceStep(spanKm / float64(maxTicks))
	var ts []tick
	for v := math.Ceil(lo/1000/step) * step; v <= hi/1000+1e-9*step; v += step {
		var pos float64
		if y {
			pos = (m.ymax - v*1000) / m.mpp
		} else {
			pos = (v*1000 - m.g.X0) / m.mpp
		}
		p := int(math.Round(pos))
		if p < 0 || p > n {
			continue
		}
		ts = append(ts, tick{pos: p, label: kmLabel(v, step)})
	}
	return ts
}

// niceStep returns the smallest 1, 2 or 5 times a power of ten that is at
// least x.
func niceStep(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, k := range []float64{1, 2, 5, 10} {
		if k*p >= x*(1-1e-9) {
			return k * p
		}
	}
	return 10 * p
}

// kmLabel formats v km with as many decimals as step needs.
func kmLabel(v, step float64) string {
	dec := 0
	if step < 1 {
		dec = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	return strconv.FormatFloat(v, 'f', dec, 64)
}

var (
	ink      = color.RGBA{0x20, 0x20, 0x20, 0xff}
	greyText = color.RGBA{0x5a, 0x5a, 0x5a, 0xff}
	frame    = color.RGBA{0x40, 0x40, 0x40, 0xff}
)

const colorBarHeight = 200

// decorate draws the title, the frame and ticks, and the legend panel.
func (l *layout) decorate(img *image.RGBA, m mapGeom, opt *MapOptions, tops []float64, cuts, sorted []float32, noData bool) {
	mr := l.mapRect
	if opt.Title != "" {
		drawText(img, sansFont(titleSize, true), ink, mr.Min.X, l.titleBase, alignLeft, opt.Title)
	}
	if !opt.Legend {
		return
	}
	small := sansFont(smallSize, false)
	label := sansFont(labelSize, false)
	head := sansFont(headSize, true)

	strokeRect(img, mr.Inset(-1), frame)
	for _, t := range l.xTicks {
		x := mr.Min.X + t.pos
		fillRect(img, image.Rect(x, mr.Max.Y+1, x+1, mr.Max.Y+1+tickLen), frame)
		drawText(img, small, greyText, x, mr.Max.Y+tickLen+smallSize+3, alignCenter, t.label)
	}
	for _, t := range l.yTicks {
		y := mr.Min.Y + t.pos
		fillRect(img, image.Rect(mr.Min.X-1-tickLen, y, mr.Min.X-1, y+1), frame)
		drawText(img, small, greyText, mr.Min.X-tickLen-4, y+smallSize/2-1, alignRight, t.label)
	}

	x := l.panelX
	y := mr.Min.Y + headSize
	const sw, sh = 24, 14 // swatch size
	swatch := func(y int, c color.RGBA) image.Rectangle {
		r := image.Rect(x, y-sh+2, x+sw, y+2)
		fillRect(img, r, c)
		strokeRect(img, r, color.RGBA{0x80, 0x80, 0x80, 0xff})
		return r
	}
	if cuts != nil {
		drawText(img, head, ink, x, y, alignLeft, "Anomaly class")
		y += 26
		names := classNames(len(tops))
		prev := 0.0
		for k, p := range tops {
			swatch(y, classify.ClassColor(k, len(tops)))
			drawText(img, label, ink, x+sw+8, y, alignLeft, names[k]+"top "+pct(prev)+"–"+pct(p)+" %")
			drawText(img, small, greyText, x+sw+8, y+14, alignLeft, "score ≥ "+fmtScore(cuts[k]))
			prev = p
			y += 34
		}
		swatch(y, classify.Background)
		drawText(img, label, ink, x+sw+8, y, alignLeft, "Background "+pct(prev)+"–100 %")
		if len(cuts) > 0 {
			drawText(img, small, greyText, x+sw+8, y+14, alignLeft, "score < "+fmtScore(cuts[len(cuts)-1]))
		}
		y += 34
	} else {
		drawText(img, head, ink, x, y, alignLeft, "Score")
		y += 14
		l.colorBar(img, x, y, sorted)
		y += colorBarHeight + 22
		drawText(img, small, greyText, x, y, alignLeft, "colour by percentile rank")
		y += 24
	}
	if noData {
		r := swatch(y, classify.NoDataWhite)
		if opt.Transparent {
			fillRect(img, r, color.RGBA{})
			strokeRect(img, r, color.RGBA{0x80, 0x80, 0x80, 0xff})
		}
		drawText(img, label, ink, x+sw+8, y, alignLeft, "No data")
		y += 24
	}
	if len(opt.Points) > 0 {
		cv := newCanvas(img, img.Bounds())
		drawMarker(cv, float64(x+sw/2), float64(y-sh/2+2)+1, 7)
		drawText(img, label, ink, x+sw+8, y, alignLeft, "Known deposit")
		y += 24
	}
	if len(opt.Polygons) > 0 {
		r := image.Rect(x+2, y-sh+3, x+sw-2, y+1)
		strokeRect(img, r, ink)
		strokeRect(img, r.Inset(1), ink)
		drawText(img, label, ink, x+sw+8, y, alignLeft, "Target area")
		y += 24
	}

	// North arrow: a two-tone arrowhead under an "N".
	y += 14
	cx := float64(x + 12)
	drawText(img, head, ink, x+12, y+headSize-2, alignCenter, "N")
	top := float64(y + headSize + 4)
	cv := newCanvas(img, img.Bounds())
	cv.fill([][2]float64{{cx, top}, {cx + 9, top + 30}, {cx, top + 22}}, ink)
	cv.fill([][2]float64{{cx, top}, {cx - 9, top + 30}, {cx, top + 22}}, color.RGBA{0xa0, 0xa0, 0xa0, 0xff})
	cv.polyline([][2]float64{{cx, top}, {cx + 9, top + 30}, {cx, top + 22}, {cx - 9, top + 30}}, 1, true, ink)
	y = int(top) + 30 + 26

	// Scale bar: four alternating segments, at most 150 px long.
	kmPerPx := m.mpp / 1000
	length := niceFloor(150 * kmPerPx)
	px := int(math.Round(length / kmPerPx))
	for i := range 4 {
		x0 := x + i*px/4
		x1 := x + (i+1)*px/4
		c := ink
		if i%2 == 1 {
			c = classify.NoDataWhite
		}
		fillRect(img, image.Rect(x0, y, x1, y+6), c)
	}
	strokeRect(img, image.Rect(x, y, x+px, y+6), ink)
	drawText(img, small, ink, x, y+6+smallSize+3, alignCenter, "0")
	drawText(img, small, ink, x+px, y+6+smallSize+3, alignCenter, kmLabel(length, length)+" km")
	drawText(img, small, greyText, x, y+6+2*smallSize+12, alignLeft, "Coordinates in km")
}

// colorBar draws a vertical viridis bar (high at the top) with the scores at
// the 0, 25, 50, 75, 90 and 100th percentiles.
func (l *layout) colorBar(img *image.RGBA, x, y int, sorted []float32) {
	const w = 18
	for i := range colorBarHeight {
		t := 1 - (float64(i)+0.5)/colorBarHeight
		fillRect(img, image.Rect(x, y+i, x+w, y+i+1), classify.Viridis(t))
	}
	strokeRect(img, image.Rect(x, y, x+w, y+colorBarHeight), color.RGBA{0x80, 0x80, 0x80, 0xff})
	small := sansFont(smallSize, false)
	for _, p := range []float64{0, 25, 50, 75, 90, 100} {
		ty := y + int(math.Round((1-p/100)*(colorBarHeight-1)))
		fillRect(img, image.Rect(x+w, ty, x+w+4, ty+1), ink)
		s := "P" + pct(p)
		if len(sorted) > 0 {
			i := int(math.Round(p / 100 * float64(len(sorted)-1)))
			s += "  " + fmtScore(sorted[i])
		}
		drawText(img, small, ink, x+w+7, ty+smallSize/2-1, alignLeft, s)
	}
}

// classNames are the paper's names for the three default classes.
func classNames(n int) []string {
	if n == 3 {
		return []string{"High: ", "Moderate: ", "Low: "}
	}
	return make([]string, n)
}

func pct(p float64) string { return strconv.FormatFloat(p, 'g', 4, 64) }

// fmtScore prints a score with 4 significant digits.
func fmtScore(v float32) string {
	if !classify.Finite(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.4g", v)
}

// niceFloor returns the largest 1, 2 or 5 times a power of ten that is at
// most x.
func niceFloor(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, k := range []float64{5, 2, 1} {
		if k*p <= x*(1+1e-9) {
			return k * p
		}
	}
	return p
}
