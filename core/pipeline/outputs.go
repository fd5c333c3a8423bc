package pipeline

import (
	"bufio"
	"fmt"
	"image/png"
	"io"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot/vg"

	"halo/core/eval"
	"halo/core/grid"
	"halo/core/render"
)

// Figure sizes of the plots written by the pipeline.
const (
	plotWidth  = 16 * vg.Centimeter
	plotHeight = 12 * vg.Centimeter
)

func (res *Result) mapOptions(m *Method) *render.MapOptions {
	opt := &render.MapOptions{Tops: res.Config.tops(), Cuts: m.Cuts, Title: m.Name, Legend: true}
	for _, d := range res.Deposits {
		opt.Points = append(opt.Points, [2]float64{d.X, d.Y})
	}
	for _, p := range res.Targets {
		ring := make([][2]float64, len(p.X))
		for i := range p.X {
			ring[i] = [2]float64{p.X[i], p.Y[i]}
		}
		opt.Polygons = append(opt.Polygons, ring)
	}
	return opt
}

// WriteMapPNG writes the map of method i with its classes, legend and markers.
func (res *Result) WriteMapPNG(w io.Writer, i int) error {
	m := res.Methods[i]
	return png.Encode(w, render.Map(m.Score, res.mapOptions(m)))
}

// WriteROC writes the ROC curves of every method on one plot (PNG).
func (res *Result) WriteROC(w io.Writer) error {
	var curves []render.Curve
	for _, m := range res.Methods {
		if m.ROC[0] == nil {
			continue
		}
		curves = append(curves, render.Curve{Name: m.Name, X: m.ROC[0], Y: m.ROC[1]})
	}
	if len(curves) == 0 {
		return fmt.Errorf("no ROC: no deposits or target areas were given")
	}
	p, err := render.ROCPlot(curves, "ROC at deposit cells")
	if err != nil {
		return err
	}
	return render.PNG(w, p, plotWidth, plotHeight)
}

// WritePA writes the prediction-area plot of method i (PNG).
func (res *Result) WritePA(w io.Writer, i int) error {
	m := res.Methods[i]
	if len(m.PA.T) == 0 {
		return fmt.Errorf("no P-A plot: no deposits or target areas were given")
	}
	p, err := render.PAPlot(m.PA.T, m.PA.P, m.PA.A, "Prediction-area: "+m.Name)
	if err != nil {
		return err
	}
	return render.PNG(w, p, plotWidth, plotHeight)
}

// WritePACompare writes the prediction-area curves of every method on one
// plot (PNG): share of deposits against share of area, with the line
// P = 1 - A whose crossings are the P-A intersections (render.CapturePlot).
func (res *Result) WritePACompare(w io.Writer) error {
	var curves []render.Curve
	for _, m := range res.Methods {
		if len(m.PA.T) == 0 {
			continue
		}
		curves = append(curves, render.Curve{Name: m.Name, X: m.PA.A, Y: m.PA.P,
			Label: fmt.Sprintf("%s (P = %.0f%% at %.0f%% of the area)", m.Name, 100*m.Stats.PA.PredictionRate, 100*m.Stats.PA.Area)})
	}
	if len(curves) == 0 {
		return fmt.Errorf("no P-A plot: no deposits or target areas were given")
	}
	p, err := render.CapturePlot(curves, "Prediction-area, all methods")
	if err != nil {
		return err
	}
	return render.PNG(w, p, plotWidth, plotHeight)
}

// WriteASCII writes the score grid of method i as an ESRI ASCII grid.
func (res *Result) WriteASCII(w io.Writer, i int) error {
	return grid.WriteASCII(w, res.Methods[i].Score)
}

// WriteGeoTIFF writes the score grid of method i as a float32 GeoTIFF.
func (res *Result) WriteGeoTIFF(w io.Writer, i int) error {
	return grid.WriteGeoTIFF(w, res.Methods[i].Score, res.EPSG)
}

// FileStem returns a file-name-safe stem for method i: "element:Li" -> "element-Li".
func (res *Result) FileStem(i int) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '-'
	}, res.Methods[i].Name)
}

// HasLosses reports whether any method recorded training losses.
func (res *Result) HasLosses() bool {
	for _, m := range res.Methods {
		if t := m.Stats.Training; t != nil && (len(t.Losses) > 0 || len(t.Draws) > 0) {
			return true
		}
	}
	return false
}

// WriteLosses writes the training loss curves of every network method on
// one plot (PNG): the CNN's loss per draw, ALAD's five losses, the VAE's two.
func (res *Result) WriteLosses(w io.Writer) error {
	var curves []render.Curve
	add := func(name string, v []float64) {
		x := make([]float64, len(v))
		for i := range x {
			x[i] = float64(i + 1)
		}
		curves = append(curves, render.Curve{Name: name, X: x, Y: v, Label: name})
	}
	for _, m := range res.Methods {
		t := m.Stats.Training
		if t == nil {
			continue
		}
		for _, d := range t.Draws {
			add(fmt.Sprintf("%s draw %d", m.Name, d.Draw), d.Loss)
		}
		for _, l := range t.Losses {
			add(m.Name+" "+l.Name, l.Values)
		}
	}
	if len(curves) == 0 {
		return fmt.Errorf("no training losses: no network method was run")
	}
	p, err := render.LossPlot(curves, "Training loss per epoch")
	if err != nil {
		return err
	}
	return render.PNG(w, p, plotWidth, plotHeight)
}

// HasSweep reports whether a window sweep was scored.
func (res *Result) HasSweep() bool {
	for _, m := range res.Methods {
		if t := m.Stats.Training; t != nil && len(t.Sweep) > 0 {
			return true
		}
	}
	return false
}

// WriteSweep writes the AUC per window pair as a bar plot (paper Fig. 9).
func (res *Result) WriteSweep(w io.Writer) error {
	for _, m := range res.Methods {
		t := m.Stats.Training
		if t == nil || len(t.Sweep) == 0 {
			continue
		}
		names := make([]string, len(t.Sweep))
		vals := make([]float64, len(t.Sweep))
		for i, s := range t.Sweep {
			names[i] = fmt.Sprintf("(%d,%d)", s.Inner, s.Outer)
			vals[i] = s.AUC
		}
		p, err := render.BarPlot(names, vals, "AUC per window pair: "+m.Name, "AUC")
		if err != nil {
			return err
		}
		return render.PNG(w, p, plotWidth, plotHeight)
	}
	return fmt.Errorf("no window sweep was scored")
}

// WriteCSV writes the score grid of method i as CSV: x, y (cell centres,
// metres), score and class (0 no data, 1 background, then one class higher
// per cut-off passed: 4 = top 5% with the default tops). Cells without data
// are left out. Text cells are neutralised against formula injection in
// spreadsheets (see csvText).
func (res *Result) WriteCSV(w io.Writer, i int) error {
	m := res.Methods[i]
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "x,y,%s,class\n", csvText("score_"+m.Name))
	cls := eval.Classify(nil, m.Score.Data, m.Cuts)
	g := m.Score
	for r := 0; r < g.Rows; r++ {
		for c := 0; c < g.Cols; c++ {
			k := r*g.Cols + c
			v := g.Data[k]
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				continue
			}
			x, y := g.CellXY(c, r)
			bw.WriteString(strconv.FormatFloat(x, 'f', -1, 64))
			bw.WriteByte(',')
			bw.WriteString(strconv.FormatFloat(y, 'f', -1, 64))
			bw.WriteByte(',')
			bw.WriteString(strconv.FormatFloat(float64(v), 'g', -1, 32))
			bw.WriteByte(',')
			bw.WriteString(strconv.Itoa(int(cls[k])))
			bw.WriteByte('\n')
		}
	}
	return bw.Flush()
}

// csvText makes a text cell safe to open in a spreadsheet: a cell starting
// with = + - @ (or a tab or carriage return) would be run as a formula, so
// it is prefixed with an apostrophe (OWASP, "CSV injection"); cells with a
// comma, quote or line break are quoted.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		s = "'" + s
	}
	if strings.ContainsAny(s, ",\"\n\r") {
		s = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// WriteHistogram writes the histogram of method i's scores over the cells
// with data (PNG).
func (res *Result) WriteHistogram(w io.Writer, i int) error {
	m := res.Methods[i]
	v := make([]float64, 0, len(m.Score.Data))
	for _, s := range m.Score.Data {
		v = append(v, float64(s))
	}
	p, err := render.HistPlot(v, 40, "Score histogram: "+m.Name)
	if err != nil {
		return err
	}
	return render.PNG(w, p, plotWidth, plotHeight*3/4)
}
