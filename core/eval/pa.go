package eval

import (
	"math"
	"slices"
	"sort"
)

// PA is a prediction-area curve (Yousefi & Carranza 2015,
// doi:10.1016/j.cageo.2014.10.004). T holds the thresholds in increasing
// order; P[i] is the share of deposits with score >= T[i] (prediction rate)
// and A[i] the share of the area (cells with data) with score >= T[i].
//
// The P-A plot draws P and A against T with the area axis reversed, so the two
// curves cross where P(t) = 1 - A(t): there a share P of the deposits lies in
// a share 1 - P of the area. Intersection holds that threshold T, prediction
// rate P and occupied area Area = 1 - P, found by linear interpolation of P
// and A between the two thresholds that bracket the crossing. Nd = P / (1 - P)
// is the normalised density and Weight = ln Nd the evidential weight.
// Intersection, Nd and Weight are NaN when there is no crossing (no deposit
// or no cell with data); Nd is +Inf when P = 1.
type PA struct {
	T, P, A      []float64
	Intersection struct{ T, P, Area float64 }
	Nd, Weight   float64
}

// PACurve returns the prediction-area curve of score for the deposits in
// depositCells (one entry per deposit, duplicates count separately; negative
// entries and deposits on cells without data are left out, as in Capture).
// The thresholds are the distinct scores at deposits plus the minimum and
// maximum score of the map. It panics if a cell index is beyond score.
func PACurve(score []float32, depositCells []int) PA {
	var pa PA
	nan := math.NaN()
	pa.Intersection.T, pa.Intersection.P, pa.Intersection.Area = nan, nan, nan
	pa.Nd, pa.Weight = nan, nan

	sorted := finiteSorted(score)
	var dep []float32
	for _, k := range depositCells {
		if k < 0 {
			continue
		}
		if k >= len(score) {
			panic("eval: cell index out of range")
		}
		if v := score[k]; finite(v) {
			dep = append(dep, v)
		}
	}
	if len(sorted) == 0 || len(dep) == 0 {
		return pa
	}
	slices.Sort(dep)

	ts := append([]float32{sorted[0], sorted[len(sorted)-1]}, dep...)
	slices.Sort(ts)
	ts = slices.Compact(ts)
	n, nd := float64(len(sorted)), float64(len(dep))
	pa.T = make([]float64, len(ts))
	pa.P = make([]float64, len(ts))
	pa.A = make([]float64, len(ts))
	for i, t := range ts {
		pa.T[i] = float64(t)
		pa.P[i] = float64(len(dep)-sort.Search(len(dep), func(j int) bool { return dep[j] >= t })) / nd
		pa.A[i] = float64(len(sorted)-sort.Search(len(sorted), func(j int) bool { return sorted[j] >= t })) / n
	}

	// f = P + A - 1 falls from 1 at the map minimum; find its first
	// non-positive value and interpolate from the point before.
	for i := 1; i < len(ts); i++ {
		f1 := pa.P[i] + pa.A[i] - 1
		if f1 > 0 {
			continue
		}
		f0 := pa.P[i-1] + pa.A[i-1] - 1
		w := f0 / (f0 - f1)
		pa.Intersection.T = pa.T[i-1] + w*(pa.T[i]-pa.T[i-1])
		p := pa.P[i-1] + w*(pa.P[i]-pa.P[i-1])
		pa.Intersection.P = p
		pa.Intersection.Area = 1 - p
		pa.Nd = p / (1 - p)
		pa.Weight = math.Log(pa.Nd)
		break
	}
	return pa
}
