package render

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Curve is one named line of a plot: a method's ROC curve (X false positive
// rate, Y true positive rate) or its loss per epoch (X epoch, Y loss). X
// and Y must have equal lengths.
type Curve struct {
	Name string
	X, Y []float64
	// Label, if not empty, is the legend text instead of the one made from
	// Name (for ROC curves, Name followed by the AUC).
	Label string
}

// PNGDPI is the resolution PNG renders plots at: a 6 x 4 inch plot is 864 x
// 576 pixels.
const PNGDPI = 144

// lineColors is the Okabe-Ito palette (Okabe and Ito 2008, "Color Universal
// Design"), without its yellow, which is too light on white; it stays
// distinguishable for colour-blind readers.
var lineColors = []color.RGBA{
	{0x00, 0x72, 0xb2, 0xff}, // blue
	{0xd5, 0x5e, 0x00, 0xff}, // vermillion
	{0x00, 0x9e, 0x73, 0xff}, // bluish green
	{0xcc, 0x79, 0xa7, 0xff}, // reddish purple
	{0xe6, 0x9f, 0x00, 0xff}, // orange
	{0x56, 0xb4, 0xe9, 0xff}, // sky blue
	{0x00, 0x00, 0x00, 0xff}, // black
}

// lineStyle returns the style of the i-th curve: the palette colours, then
// the same colours dashed, then dotted.
func lineStyle(i int) draw.LineStyle {
	s := draw.LineStyle{Color: lineColors[i%len(lineColors)], Width: vg.Points(1.6)}
	switch (i / len(lineColors)) % 3 {
	case 1:
		s.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
	case 2:
		s.Dashes = []vg.Length{vg.Points(1.5), vg.Points(2.5)}
	}
	return s
}

var (
	gridColor = color.RGBA{0xe3, 0xe3, 0xe3, 0xff}
	refColor  = color.RGBA{0x8c, 0x8c, 0x8c, 0xff}
)

// newPlot returns a plot with the Liberation Sans font at readable sizes,
// light grid lines and a legend with a little padding.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	sans := func(s *text.Style, size vg.Length) {
		s.Font.Variant = "Sans"
		s.Font.Size = size
		s.Color = ink
	}
	p.Title.Text = title
	sans(&p.Title.TextStyle, 13)
	p.Title.TextStyle.Font.Weight = xfont.WeightBold
	p.Title.Padding = vg.Points(8)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		sans(&a.Label.TextStyle, 11)
		sans(&a.Tick.Label, 9.5)
		a.Label.Padding = vg.Points(4)
		a.Color = frame
		a.Tick.Color = frame
	}
	p.X.Label.Text, p.Y.Label.Text = xlabel, ylabel
	sans(&p.Legend.TextStyle, 9.5)
	p.Legend.Padding = vg.Points(3)
	p.Legend.ThumbnailWidth = vg.Points(22)
	p.Legend.XOffs = -vg.Points(6)
	p.Legend.YOffs = vg.Points(6)
	gr := plotter.NewGrid()
	gr.Vertical.Color = gridColor
	gr.Horizontal.Color = gridColor
	p.Add(gr)
	return p
}

// xyOf copies a curve into plotter XYs, with an error naming the curve for
// NaN or ±Inf values. It panics if X and Y differ in length.
func xyOf(c Curve) (plotter.XYs, error) {
	if len(c.X) != len(c.Y) {
		panic("render: curve X and Y lengths differ")
	}
	xy := make(plotter.XYs, len(c.X))
	for i := range c.X {
		if !isFinite(c.X[i]) || !isFinite(c.Y[i]) {
			return nil, fmt.Errorf("render: curve %q: point %d is (%v, %v), not finite", c.Name, i, c.X[i], c.Y[i])
		}
		xy[i].X, xy[i].Y = c.X[i], c.Y[i]
	}
	return xy, nil
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// ErrNoData is returned by the plots when there is nothing to draw.
var ErrNoData = errors.New("render: nothing to plot")

// TrapezoidAUC returns the area under the curve (x, y) by the trapezoid
// rule, in the order the points are given. For an ROC curve through (0, 0)
// and (1, 1) with tied scores joined by straight segments it equals the
// Mann-Whitney AUC with ties counted one half. It panics if the lengths
// differ.
func TrapezoidAUC(x, y []float64) float64 {
	if len(x) != len(y) {
		panic("render: curve X and Y lengths differ")
	}
	var a float64
	for i := 1; i < len(x); i++ {
		a += (x[i] - x[i-1]) * (y[i] + y[i-1]) / 2
	}
	return a
}

// ROCPlot draws all ROC curves (X false positive rate, Y true positive
// rate, both in [0, 1]) on one plot with the diagonal of a random ranking.
// The legend, in the empty lower right, names each curve with its area under
// the curve ("CNN (AUC 0.863)", by TrapezoidAUC) unless the curve has a
// Label. It returns ErrNoData for no curves and an error for NaN or ±Inf
// points.
func ROCPlot(curves []Curve, title string) (*plot.Plot, error) {
	return unitSquarePlot(curves, title, "False positive rate", "True positive rate",
		plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}}, "random (AUC 0.5)",
		func(c Curve) string { return fmt.Sprintf("%s (AUC %.3f)", c.Name, TrapezoidAUC(c.X, c.Y)) })
}

// CapturePlot draws, for several methods on one plot, the share of deposits
// (y) against the share of the area (x) ranked by score: each curve is a
// method's P(t) against A(t) over its thresholds t, so methods with
// different score scales compare directly. The line P = 1 - A is drawn: a
// curve crosses it at the method's prediction-area intersection (Yousefi &
// Carranza 2015), where prediction rate P and occupied area 1 - P. X and Y
// of the curves are shares in [0, 1].
func CapturePlot(curves []Curve, title string) (*plot.Plot, error) {
	return unitSquarePlot(curves, title, "Share of the area with score >= t", "Share of deposits with score >= t",
		plotter.XYs{{X: 0, Y: 1}, {X: 1, Y: 0}}, "P = 1 - A (P-A intersection)",
		func(c Curve) string { return c.Name })
}

// unitSquarePlot draws curves on [0, 1] x [0, 1] with a dashed reference
// line; a curve without a Label is named by name(c).
func unitSquarePlot(curves []Curve, title, xlabel, ylabel string, ref plotter.XYs, refLabel string, name func(Curve) string) (*plot.Plot, error) {
	if len(curves) == 0 {
		return nil, ErrNoData
	}
	p := newPlot(title, xlabel, ylabel)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	ticks := plot.ConstantTicks(unitTicks(0.2, 1))
	p.X.Tick.Marker, p.Y.Tick.Marker = ticks, ticks
	refLine, err := plotter.NewLine(ref)
	if err != nil {
		return nil, err
	}
	refLine.LineStyle = draw.LineStyle{Color: refColor, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
	p.Add(refLine)
	for i, c := range curves {
		xy, err := xyOf(c)
		if err != nil {
			return nil, err
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.LineStyle = lineStyle(i)
		p.Add(l)
		label := c.Label
		if label == "" {
			label = name(c)
		}
		p.Legend.Add(label, l)
	}
	p.Legend.Add(refLabel, refLine)
	p.Legend.Top, p.Legend.Left = false, false
	return p, nil
}

// unitTicks returns labelled major ticks every step from 0 to top, with
// labels of as many decimals as step needs.
func unitTicks(step, top float64) []plot.Tick {
	var ts []plot.Tick
	dec := max(0, int(math.Ceil(-math.Log10(step)-1e-9)))
	n := int(math.Round(top / step))
	for i := 0; i <= n; i++ {
		v := float64(i) * step
		ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', dec, 64)})
	}
	return ts
}

// PAPlot draws the prediction-area plot (Yousefi and Carranza 2015,
// doi:10.1016/j.cageo.2014.10.004): for each threshold t[i] the share of
// deposits p[i] with score >= t[i] (left axis, %) and the share of the area
// a[i] with score >= t[i], drawn as 100 - a on the same scale and read on the
// reversed right axis. Where the curves cross, p = 1 - a: the prediction
// rate P and the occupied area 1 - P, marked and printed with the
// normalised density Nd = P / (1 - P). p and a are shares in [0, 1], t
// increases.
//
// It panics if the lengths differ and returns ErrNoData for no thresholds,
// an error for values that are not finite or shares outside [0, 1].
func PAPlot(t, p, a []float64, title string) (*plot.Plot, error) {
	if len(t) != len(p) || len(t) != len(a) {
		panic("render: P-A lengths differ")
	}
	if len(t) == 0 {
		return nil, ErrNoData
	}
	for i := range t {
		if !isFinite(t[i]) || !(p[i] >= 0 && p[i] <= 1) || !(a[i] >= 0 && a[i] <= 1) {
			return nil, fmt.Errorf("render: P-A point %d: t %v, P %v, A %v (want finite t and shares in [0, 1])", i, t[i], p[i], a[i])
		}
	}
	pl := newPlot(title, "Threshold (score)", "Prediction rate of deposits (%)")
	const top = 100
	pl.Y.Min, pl.Y.Max = 0, 135 // headroom above 100 % for the legend
	pl.Y.Tick.Marker = plot.ConstantTicks(unitTicks(20, top))

	pxy := make(plotter.XYs, len(t))
	axy := make(plotter.XYs, len(t))
	for i := range t {
		pxy[i] = plotter.XY{X: t[i], Y: 100 * p[i]}
		axy[i] = plotter.XY{X: t[i], Y: 100 * (1 - a[i])}
	}
	pLine, err := plotter.NewLine(pxy)
	if err != nil {
		return nil, err
	}
	pLine.LineStyle = lineStyle(1)
	aLine, err := plotter.NewLine(axy)
	if err != nil {
		return nil, err
	}
	aLine.LineStyle = lineStyle(0)
	pl.Add(pLine, aLine)
	pl.Legend.Add("Prediction rate of deposits (left axis)", pLine)
	pl.Legend.Add("Occupied area (right axis)", aLine)
	pl.Legend.Top, pl.Legend.Left = true, true
	pl.Legend.XOffs = vg.Points(6)

	rs := pl.Y.Tick.Label
	var ticks []float64
	var labels []string
	for _, tk := range unitTicks(20, top) {
		ticks = append(ticks, tk.Value)
		labels = append(labels, strconv.FormatFloat(top-tk.Value, 'f', 0, 64))
	}
	pl.Add(&rightAxis{ticks: ticks, labels: labels, title: "Occupied area (%)", tick: rs, label: pl.Y.Label.TextStyle, line: draw.LineStyle{Color: frame, Width: pl.Y.Width}})

	if x, y, ok := crossing(t, pxy, axy); ok {
		guide := draw.LineStyle{Color: refColor, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(2), vg.Points(2)}}
		g, err := plotter.NewLine(plotter.XYs{{X: x, Y: 0}, {X: x, Y: y}})
		if err != nil {
			return nil, err
		}
		g.LineStyle = guide
		sc, err := plotter.NewScatter(plotter.XYs{{X: x, Y: y}})
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: ink, Radius: vg.Points(3.5), Shape: draw.CircleGlyph{}}
		nd := y / (100 - y)
		txt := fmt.Sprintf("Intersection: P = %.0f %%, area = %.0f %%, Nd = %.2f (t = %.4g)", y, 100-y, nd, x)
		if y >= 100 {
			txt = fmt.Sprintf("Intersection: P = 100 %%, area = 0 %% (t = %.4g)", x)
		}
		pl.Legend.Add(txt, sc)
		pl.Add(g, sc)
	}
	return pl, nil
}

// crossing returns where the curves P and 100 - A cross: the first segment
// on which P - (100 - A) changes sign, linearly interpolated.
func crossing(t []float64, pxy, axy plotter.XYs) (x, y float64, ok bool) {
	d := func(i int) float64 { return pxy[i].Y - axy[i].Y }
	for i := range t {
		if d(i) == 0 {
			return t[i], pxy[i].Y, true
		}
		if i > 0 && (d(i-1) > 0) != (d(i) > 0) {
			f := d(i-1) / (d(i-1) - d(i))
			x = t[i-1] + f*(t[i]-t[i-1])
			y = pxy[i-1].Y + f*(pxy[i].Y-pxy[i-1].Y)
			return x, y, true
		}
	}
	return 0, 0, false
}

// rightAxis draws a second vertical axis on the right edge of the data
// area. Its glyph boxes make the plot leave room for it.
type rightAxis struct {
	ticks  []float64 // data y of the ticks
	labels []string
	title  string
	tick   text.Style // tick labels
	label  text.Style // axis title
	line   draw.LineStyle
}

const rightTickLen = 4

func (ra *rightAxis) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	x := c.Max.X
	c.StrokeLine2(ra.line, x, c.Min.Y, x, c.Max.Y)
	ts := ra.tick
	ts.XAlign, ts.YAlign = text.XLeft, text.YCenter
	var w vg.Length
	for i, v := range ra.ticks {
		y := trY(v)
		c.StrokeLine2(ra.line, x, y, x+vg.Points(rightTickLen), y)
		c.FillText(ts, vg.Point{X: x + vg.Points(rightTickLen+2), Y: y}, ra.labels[i])
		w = max(w, ts.Width(ra.labels[i]))
	}
	ls := ra.label
	ls.Rotation = -math.Pi / 2
	ls.XAlign, ls.YAlign = text.XCenter, text.YTop
	mid := (trY(ra.ticks[0]) + trY(ra.ticks[len(ra.ticks)-1])) / 2
	c.FillText(ls, vg.Point{X: x + vg.Points(rightTickLen+6) + w + ls.Height(ra.title), Y: mid}, ra.title)
}

func (ra *rightAxis) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	var w vg.Length
	for _, l := range ra.labels {
		w = max(w, ra.tick.Width(l))
	}
	h := ra.label.Height(ra.title)
	full := vg.Points(rightTickLen+6) + w + h + vg.Points(2)
	return []plot.GlyphBox{{
		X: 1, Y: 0.5,
		Rectangle: vg.Rectangle{Min: vg.Point{X: 0, Y: 0}, Max: vg.Point{X: full, Y: 0}},
	}}
}

// LossPlot draws training loss curves (X epoch, Y loss), one line per
// curve, with the legend at the top right. It returns ErrNoData for no
// curves and an error for NaN or ±Inf values (a diverged run).
func LossPlot(curves []Curve, title string) (*plot.Plot, error) {
	if len(curves) == 0 {
		return nil, ErrNoData
	}
	p := newPlot(title, "Epoch", "Loss")
	for i, c := range curves {
		xy, err := xyOf(c)
		if err != nil {
			return nil, err
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.LineStyle = lineStyle(i)
		p.Add(l)
		name := c.Label
		if name == "" {
			name = c.Name
		}
		p.Legend.Add(name, l)
	}
	p.Y.Min = math.Min(p.Y.Min, 0)
	p.Y.Max += 0.15 * (p.Y.Max - p.Y.Min) // headroom for the legend
	p.Legend.Top = true
	return p, nil
}

// BarPlot draws one bar per name with its value printed above it, for
// example the AUC of each window pair (Fe paper, Fig. 9). The value axis
// starts at 0. It panics if the lengths differ and returns ErrNoData for no
// bars and an error for NaN or ±Inf values.
func BarPlot(names []string, values []float64, title, ylabel string) (*plot.Plot, error) {
	if len(names) != len(values) {
		panic("render: bar names and values lengths differ")
	}
	if len(values) == 0 {
		return nil, ErrNoData
	}
	p := newPlot(title, "", ylabel)
	// About 60 % of a slot in a 6-inch-wide plot, at most 36 pt.
	bars, err := plotter.NewBarChart(plotter.Values(values), vg.Points(math.Min(36, 220/float64(len(values)))))
	if err != nil {
		return nil, err
	}
	bars.Color = lineColors[0]
	bars.LineStyle.Width = 0
	p.Add(bars)
	p.NominalX(names...)
	long := false
	for _, n := range names {
		long = long || len(n) > 7
	}
	if long || len(names) > 10 {
		p.X.Tick.Label.Rotation = math.Pi / 6
		p.X.Tick.Label.XAlign = text.XRight
		p.X.Tick.Label.YAlign = text.YCenter
	}
	xy := make(plotter.XYs, len(values))
	labels := make([]string, len(values))
	lo, hi := 0.0, 0.0
	for i, v := range values {
		xy[i] = plotter.XY{X: float64(i), Y: v}
		labels[i] = strconv.FormatFloat(v, 'g', 3, 64)
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	lb, err := plotter.NewLabels(plotter.XYLabels{XYs: xy, Labels: labels})
	if err != nil {
		return nil, err
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i].Font = p.X.Tick.Label.Font
		lb.TextStyle[i].Color = ink
		lb.TextStyle[i].XAlign = text.XCenter
		if values[i] < 0 {
			lb.TextStyle[i].YAlign = text.YTop
		}
	}
	lb.Offset = vg.Point{Y: vg.Points(2)}
	p.Add(lb)
	p.Y.Min, p.Y.Max = lo*1.12, hi*1.12
	if p.Y.Max == p.Y.Min {
		p.Y.Max = 1
	}
	return p, nil
}

// HistPlot draws a histogram of the finite values (NaN and ±Inf, no data,
// are skipped) in bins equal bins; bins <= 0 means 30. It returns ErrNoData
// if no value is finite.
func HistPlot(values []float64, bins int, title string) (*plot.Plot, error) {
	if bins <= 0 {
		bins = 30
	}
	vs := make(plotter.Values, 0, len(values))
	for _, v := range values {
		if isFinite(v) {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return nil, ErrNoData
	}
	p := newPlot(title, "Value", "Count")
	h, err := plotter.NewHist(vs, bins)
	if err != nil {
		return nil, err
	}
	h.FillColor = lineColors[0]
	h.LineStyle = draw.LineStyle{Color: color.White, Width: vg.Points(0.5)}
	p.Add(h)
	p.Y.Min = 0
	p.Y.Max *= 1.05 // the highest bar does not touch the top
	return p, nil
}

// PNG renders p as a PNG image of width x height at PNGDPI.
func PNG(w io.Writer, p *plot.Plot, width, height vg.Length) error {
	c := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(PNGDPI), vgimg.UseBackgroundColor(color.White))
	p.Draw(pad(draw.New(c)))
	_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
	return err
}

// SVG renders p as an SVG document of width x height. Text refers to the
// Liberation fonts by name (fonts are not embedded, to keep files small).
func SVG(w io.Writer, p *plot.Plot, width, height vg.Length) error {
	c := vgsvg.New(width, height)
	p.Draw(pad(draw.New(c)))
	_, err := c.WriteTo(w)
	return err
}

// pad leaves a small white margin around a plot, so the title and the last
// tick labels do not touch the edges of the image.
func pad(c draw.Canvas) draw.Canvas {
	return draw.Crop(c, vg.Points(6), -vg.Points(10), vg.Points(4), -vg.Points(8))
}
