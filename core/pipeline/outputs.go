package pipeline

import (
	"fmt"
	"image/png"
	"io"
	"strings"

	"gonum.org/v1/plot/vg"

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
