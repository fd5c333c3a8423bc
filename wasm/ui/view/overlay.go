package view

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"halo/core/render/classify"
)

// ScaleBar returns a scale bar at most maxPx pixels long at scale pixels
// per metre: the longest 1, 2 or 5 x 10^k metres that fits, its length in
// pixels and its label ("500 m", "2 km", "0.2 km" is written "200 m").
// It returns 0, 0, "" if no bar fits or the arguments are not positive.
func ScaleBar(scale, maxPx float64) (metres, px float64, label string) {
	if !(scale > 0) || !(maxPx > 0) || math.IsInf(scale, 0) || math.IsInf(maxPx, 0) {
		return 0, 0, ""
	}
	limit := maxPx / scale // metres
	p := math.Pow(10, math.Floor(math.Log10(limit)))
	for _, m := range []float64{5, 2, 1} {
		if m*p <= limit*(1+1e-12) {
			metres = m * p
			break
		}
	}
	if metres == 0 { // rounding at a power of ten
		metres = p / 2
	}
	return metres, metres * scale, Distance(metres)
}

// Distance formats a length in metres as "250 m" below a kilometre and
// "1.5 km" above.
func Distance(m float64) string {
	if m >= 1000 {
		return strconv.FormatFloat(m/1000, 'f', -1, 64) + " km"
	}
	if m >= 1 {
		return strconv.FormatFloat(math.Round(m*1000)/1000, 'f', -1, 64) + " m"
	}
	return strconv.FormatFloat(m, 'g', 3, 64) + " m"
}

// LegendItem is one row of the legend.
type LegendItem struct {
	Color color.RGBA
	Label string
}

// ClassLegend returns the legend of the classes tops (valid as for
// CheckTops): "top 0–5 %", "5–15 %", "15–30 %", "30–100 %" in the class
// colours, then "no data" in white.
func ClassLegend(tops []float64) []LegendItem {
	items := make([]LegendItem, 0, len(tops)+2)
	prev := 0.0
	for k, p := range tops {
		lab := pct(prev) + "–" + pct(p) + " %"
		if k == 0 {
			lab = "top " + lab
		}
		items = append(items, LegendItem{classify.ClassColor(k, len(tops)), lab})
		prev = p
	}
	if prev < 100 {
		items = append(items, LegendItem{classify.Background, pct(prev) + "–100 %"})
	}
	return append(items, LegendItem{classify.NoDataWhite, "no data"})
}

func pct(p float64) string { return strconv.FormatFloat(p, 'f', -1, 64) }

// Readout is what the viewer shows for the point under the cursor.
type Readout struct {
	X, Y       float64 // map point, metres
	Col, Row   int     // its cell (row 0 south)
	Inside     bool    // the point lies on the grid
	Score      float32 // NaN without data
	Percentile float64 // percent, NaN without data
}

// Read returns the read-out of map point (x, y).
func (l *Layer) Read(x, y float64) Readout {
	r := Readout{X: x, Y: y, Score: float32(math.NaN()), Percentile: math.NaN()}
	c, row, ok := l.Geom.Locate(x, y)
	if !ok {
		return r
	}
	r.Col, r.Row, r.Inside = c, row, true
	r.Score = l.Score[row*l.Geom.Cols+c]
	r.Percentile = l.Percentile(r.Score)
	if math.IsNaN(r.Percentile) {
		r.Score = float32(math.NaN())
	}
	return r
}

// Lines returns the read-out as text lines: coordinates, then score and
// percentile (or "no data").
func (r Readout) Lines() []string {
	xy := fmt.Sprintf("E %s  N %s", Metres(r.X), Metres(r.Y))
	if !r.Inside {
		return []string{xy, "outside the grid"}
	}
	if math.IsNaN(r.Percentile) {
		return []string{xy, "no data"}
	}
	top := 100 - r.Percentile
	return []string{xy, fmt.Sprintf("score %s  percentile %.1f (top %.1f %%)", Score(r.Score), r.Percentile, top)}
}

// Metres formats a coordinate in whole metres with groups of three digits
// separated by spaces: "512 300 m".
func Metres(v float64) string {
	s := strconv.FormatFloat(math.Abs(math.Round(v)), 'f', 0, 64)
	var b strings.Builder
	if v < 0 && math.Round(v) != 0 {
		b.WriteByte('-')
	}
	for i, d := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(d)
	}
	return b.String() + " m"
}

// Score formats a score with four significant digits.
func Score(v float32) string {
	return strconv.FormatFloat(float64(v), 'g', 4, 32)
}

// Rect is a pane of the screen, in screen pixels.
type Rect struct{ X, Y, W, H float64 }

// Panes splits a w x h screen into n side-by-side panes (1 or 2) separated
// by gap pixels.
func Panes(w, h float64, n int, gap float64) []Rect {
	if n <= 1 {
		return []Rect{{0, 0, w, h}}
	}
	pw := (w - gap) / 2
	return []Rect{{0, 0, pw, h}, {pw + gap, 0, w - pw - gap, h}}
}

// Hit returns the index of the pane holding screen pixel (x, y), or -1.
func Hit(panes []Rect, x, y float64) int {
	for i, p := range panes {
		if x >= p.X && x < p.X+p.W && y >= p.Y && y < p.Y+p.H {
			return i
		}
	}
	return -1
}
