package render

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"testing"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

const aucTol = 1e-12

func TestTrapezoidAUC(t *testing.T) {
	for _, tc := range []struct {
		name string
		x, y []float64
		want float64
	}{
		{"diagonal", []float64{0, 1}, []float64{0, 1}, 0.5},
		{"perfect", []float64{0, 0, 1}, []float64{0, 1, 1}, 1},
		// Positives {1, 0.5}, negatives {0.5, 0}: Mann-Whitney with the tie
		// counted one half is (1 + 1 + 0.5 + 1) / 4 = 0.875 (hand count).
		{"tie", []float64{0, 0, 0.5, 1}, []float64{0, 0.5, 1, 1}, 0.875},
		{"one point", []float64{0.5}, []float64{0.5}, 0},
	} {
		if got := TrapezoidAUC(tc.x, tc.y); math.Abs(got-tc.want) > aucTol {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestCrossing(t *testing.T) {
	for _, tc := range []struct {
		name    string
		t, p, a []float64
		x, y    float64
		ok      bool
	}{
		{"at a threshold", []float64{0, 1, 2}, []float64{1, 0.5, 0}, []float64{1, 0.5, 0}, 1, 50, true},
		// P - (1 - A) goes from 0.6 to -0.2 between t = 1 and 2: a quarter
		// of the way back from t = 2, at t = 1.75, P = 0.9 - 0.75 * 0.6.
		{"between", []float64{0, 1, 2}, []float64{1, 0.9, 0.3}, []float64{1, 0.7, 0.5}, 1.75, 45, true},
		{"none", []float64{0, 1}, []float64{1, 1}, []float64{1, 0.5}, 0, 0, false},
	} {
		pxy, axy := make(plotter.XYs, len(tc.t)), make(plotter.XYs, len(tc.t))
		for i := range tc.t {
			pxy[i] = plotter.XY{X: tc.t[i], Y: 100 * tc.p[i]}
			axy[i] = plotter.XY{X: tc.t[i], Y: 100 * (1 - tc.a[i])}
		}
		x, y, ok := crossing(tc.t, pxy, axy)
		if ok != tc.ok || math.Abs(x-tc.x) > 1e-9 || math.Abs(y-tc.y) > 1e-9 {
			t.Errorf("%s: (%v, %v, %v), want (%v, %v, %v)", tc.name, x, y, ok, tc.x, tc.y, tc.ok)
		}
	}
}

func rocCurves() []Curve {
	var cs []Curve
	for k, pw := range []float64{0.25, 0.5} {
		c := Curve{Name: []string{"PPF-CNN", "Mahalanobis"}[k]}
		for i := 0; i <= 50; i++ {
			x := float64(i) / 50
			c.X = append(c.X, x)
			c.Y = append(c.Y, math.Pow(x, pw))
		}
		cs = append(cs, c)
	}
	return cs
}

func paData() (th, p, a []float64) {
	for i := 0; i <= 40; i++ {
		x := float64(i) / 40
		th = append(th, 3*x)
		p = append(p, 1-x*x*x)
		a = append(a, math.Sqrt(1-x))
	}
	return th, p, a
}

// renderPNG renders p at 6 x 4 inches and decodes the result.
func renderPNG(t *testing.T, p *plot.Plot) image.Image {
	t.Helper()
	var buf bytes.Buffer
	if err := PNG(&buf, p, 6*vg.Inch, 4*vg.Inch); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}

// hasColour reports whether the image holds at least n pixels within 40 of
// c in every channel.
func hasColour(img image.Image, c color.RGBA, n int) bool {
	near := func(a uint32, b uint8) bool { return math.Abs(float64(a>>8)-float64(b)) <= 40 }
	count := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r, c.R) && near(g, c.G) && near(bl, c.B) {
				count++
			}
		}
	}
	return count >= n
}

func TestPlotsRender(t *testing.T) {
	th, p, a := paData()
	losses := []Curve{{Name: "train", X: []float64{1, 2, 3, 4}, Y: []float64{0.7, 0.4, 0.3, 0.25}}}
	for _, tc := range []struct {
		name   string
		make   func() (*plot.Plot, error)
		colour color.RGBA // a line or bar colour that must show
	}{
		{"roc", func() (*plot.Plot, error) { return ROCPlot(rocCurves(), "ROC") }, lineColors[1]},
		{"capture", func() (*plot.Plot, error) { return CapturePlot(rocCurves(), "Capture") }, lineColors[1]},
		{"pa", func() (*plot.Plot, error) { return PAPlot(th, p, a, "P-A") }, lineColors[0]},
		{"loss", func() (*plot.Plot, error) { return LossPlot(losses, "Loss") }, lineColors[0]},
		{"bar", func() (*plot.Plot, error) {
			return BarPlot([]string{"3/5", "3/7", "5/7"}, []float64{0.81, 0.86, 0.84}, "AUC", "AUC")
		}, lineColors[0]},
		{"hist", func() (*plot.Plot, error) {
			return HistPlot([]float64{1, 2, 2, 3, 3, 3, math.NaN(), 4}, 4, "Scores")
		}, lineColors[0]},
	} {
		pl, err := tc.make()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		img := renderPNG(t, pl)
		if b := img.Bounds(); b.Dx() != 6*PNGDPI || b.Dy() != 4*PNGDPI {
			t.Errorf("%s: size %v, want %d x %d", tc.name, b, 6*PNGDPI, 4*PNGDPI)
		}
		if !hasColour(img, tc.colour, 200) {
			t.Errorf("%s: colour %v not drawn", tc.name, tc.colour)
		}
		if !hasColour(img, ink, 200) {
			t.Errorf("%s: no text or axes", tc.name)
		}
		// Every string in Liberation Sans, regular or bold: the page ships
		// no other face (assets/fonts/liberation/README.md).
		var rec recorder.Canvas
		pl.Draw(draw.NewCanvas(&rec, 6*vg.Inch, 4*vg.Inch))
		texts := 0
		for _, a := range rec.Actions {
			if fs, ok := a.(*recorder.FillString); ok {
				texts++
				if f := fs.Font; f.Typeface != "Liberation" || f.Variant != "Sans" || f.Style != xfont.StyleNormal {
					t.Errorf("%s: %q drawn in %s", tc.name, fs.String, f.Name())
				}
			}
		}
		if texts == 0 {
			t.Errorf("%s: no text recorded", tc.name)
		}
		var svg bytes.Buffer
		if err := SVG(&svg, pl, 6*vg.Inch, 4*vg.Inch); err != nil {
			t.Fatalf("%s: svg: %v", tc.name, err)
		}
		if s := svg.String(); !strings.Contains(s, "<svg") || !strings.Contains(s, "</svg>") {
			t.Errorf("%s: not an SVG document", tc.name)
		}
	}
}

func TestROCLegend(t *testing.T) {
	cs := rocCurves()
	cs[1].Label = "custom"
	p, err := ROCPlot(cs, "")
	if err != nil {
		t.Fatal(err)
	}
	// The legend names come back through a drawn SVG.
	var buf bytes.Buffer
	if err := SVG(&buf, p, 6*vg.Inch, 4*vg.Inch); err != nil {
		t.Fatal(err)
	}
	// x^0.25 on [0, 1]: AUC 1/1.25 = 0.8 (trapezoids on 51 points, 0.796).
	want := fmt.Sprintf("PPF-CNN (AUC %.3f)", TrapezoidAUC(cs[0].X, cs[0].Y))
	for _, s := range []string{want, "custom", "random (AUC 0.5)"} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("legend lacks %q", s)
		}
	}
	if auc := TrapezoidAUC(cs[0].X, cs[0].Y); math.Abs(auc-0.8) > 0.01 {
		t.Errorf("AUC of x^0.25: %v, want about 0.8", auc)
	}
}

func TestPlotErrors(t *testing.T) {
	nan := math.NaN()
	th, p, a := paData()
	for _, tc := range []struct {
		name   string
		make   func() (*plot.Plot, error)
		noData bool
	}{
		{"roc none", func() (*plot.Plot, error) { return ROCPlot(nil, "") }, true},
		{"roc NaN", func() (*plot.Plot, error) {
			return ROCPlot([]Curve{{Name: "x", X: []float64{0, nan}, Y: []float64{0, 1}}}, "")
		}, false},
		{"loss none", func() (*plot.Plot, error) { return LossPlot(nil, "") }, true},
		{"loss Inf", func() (*plot.Plot, error) {
			return LossPlot([]Curve{{Name: "x", X: []float64{1, 2}, Y: []float64{1, math.Inf(1)}}}, "")
		}, false},
		{"pa none", func() (*plot.Plot, error) { return PAPlot(nil, nil, nil, "") }, true},
		{"pa percent", func() (*plot.Plot, error) { return PAPlot(th[:1], []float64{80}, a[:1], "") }, false},
		{"pa NaN", func() (*plot.Plot, error) { return PAPlot([]float64{nan}, p[:1], a[:1], "") }, false},
		{"bar none", func() (*plot.Plot, error) { return BarPlot(nil, nil, "", "") }, true},
		{"bar NaN", func() (*plot.Plot, error) { return BarPlot([]string{"a"}, []float64{nan}, "", "") }, false},
		{"hist all NaN", func() (*plot.Plot, error) { return HistPlot([]float64{nan, nan}, 10, "") }, true},
	} {
		_, err := tc.make()
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if tc.noData != errors.Is(err, ErrNoData) {
			t.Errorf("%s: error %v", tc.name, err)
		}
	}
}
