package render

import (
	"bytes"
	"errors"
	"image/png"
	"math"
	"testing"
)

func TestCapturePlot(t *testing.T) {
	if _, err := CapturePlot(nil, "x"); !errors.Is(err, ErrNoData) {
		t.Errorf("no curves: error %v, want ErrNoData", err)
	}
	curves := []Curve{
		{Name: "a", X: []float64{1, 0.3, 0.05, 0}, Y: []float64{1, 0.9, 0.6, 0}},
		{Name: "b", X: []float64{1, 0.5, 0.1, 0}, Y: []float64{1, 0.7, 0.3, 0}},
	}
	p, err := CapturePlot(curves, "Prediction-area, all methods")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := PNG(&b, p, 400, 300); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() < 100 {
		t.Errorf("image %v", img.Bounds())
	}
	if _, err := CapturePlot([]Curve{{Name: "nan", X: []float64{1, 0}, Y: []float64{math.NaN(), 0}}}, "x"); err == nil {
		t.Error("no error for a curve with NaN")
	}
}
