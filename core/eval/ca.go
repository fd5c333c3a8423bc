package eval

import (
	"math"
	"sort"
)

const (
	caLadder = 100 // points on the log-spaced score ladder
	caMinSeg = 5   // fewest ladder points per fitted segment
)

// CAThresholds returns the concentration-area fractal thresholds of score
// (Cheng, Agterberg & Ballantyne 1994, doi:10.1016/0375-6742(94)90013-2):
// the breaks between `segments` straight lines fitted to
//
//	ln A(s)  against  ln s,   A(s) = number of cells with data and score >= s
//
// (the cell area is a constant factor and does not move the breaks). The curve
// is sampled on 100 scores spaced evenly in ln s from the smallest to the
// largest score. The segments are consecutive runs of at least 5 ladder
// points, each fitted by ordinary least squares, and the breaks are those that
// minimise the total squared error over all admissible choices (found exactly
// by dynamic programming). Each returned threshold is where the two adjacent
// lines cross, clamped to the gap between the last ladder score of the lower
// segment and the first of the upper one (the geometric middle of the gap if
// the lines are parallel). The segments-1 thresholds are in increasing order.
//
// Scores with data must be positive: CAThresholds returns ErrNonPositive
// otherwise, and the caller should shift the scores (s - min + c) and shift
// the thresholds back. It returns ErrTooFewValues when all scores are equal
// or there are no cells with data. It panics unless 2 <= segments <= 4.
func CAThresholds(score []float32, segments int) ([]float64, error) {
	if segments < 2 || segments > 4 {
		panic("eval: C-A segments outside [2, 4]")
	}
	sorted := finiteSorted(score)
	if len(sorted) == 0 {
		return nil, ErrTooFewValues
	}
	if sorted[0] <= 0 {
		return nil, ErrNonPositive
	}
	lo, hi := math.Log(float64(sorted[0])), math.Log(float64(sorted[len(sorted)-1]))
	if !(hi > lo) {
		return nil, ErrTooFewValues
	}
	const L = caLadder
	var x, y [L]float64
	for k := range L {
		x[k] = lo + (hi-lo)*float64(k)/(L-1)
		s := math.Exp(x[k])
		if k == 0 {
			s = float64(sorted[0])
		}
		if k == L-1 {
			s = float64(sorted[len(sorted)-1])
		}
		// cells with float64(score) >= s
		a := len(sorted) - sort.Search(len(sorted), func(i int) bool { return float64(sorted[i]) >= s })
		y[k] = math.Log(float64(a))
	}

	// Prefix sums for the least-squares error of any run of points.
	var sx, sy, sxx, sxy, syy [L + 1]float64
	for k := range L {
		sx[k+1] = sx[k] + x[k]
		sy[k+1] = sy[k] + y[k]
		sxx[k+1] = sxx[k] + x[k]*x[k]
		sxy[k+1] = sxy[k] + x[k]*y[k]
		syy[k+1] = syy[k] + y[k]*y[k]
	}
	// fit returns slope, intercept and squared error of points [a, b).
	fit := func(a, b int) (slope, icept, sse float64) {
		n := float64(b - a)
		mx, my := (sx[b]-sx[a])/n, (sy[b]-sy[a])/n
		cxx := sxx[b] - sxx[a] - n*mx*mx
		cxy := sxy[b] - sxy[a] - n*mx*my
		cyy := syy[b] - syy[a] - n*my*my
		slope = cxy / cxx
		sse = math.Max(cyy-slope*cxy, 0)
		return slope, my - slope*mx, sse
	}

	// best[m][b]: least error of m segments covering points [0, b);
	// from[m][b]: start of the last of them.
	var best [5][L + 1]float64
	var from [5][L + 1]int
	for m := range best {
		for b := range best[m] {
			best[m][b] = math.Inf(1)
		}
	}
	for b := caMinSeg; b <= L; b++ {
		_, _, best[1][b] = fit(0, b)
	}
	for m := 2; m <= segments; m++ {
		for b := m * caMinSeg; b <= L; b++ {
			for a := (m - 1) * caMinSeg; a <= b-caMinSeg; a++ {
				_, _, e := fit(a, b)
				if e += best[m-1][a]; e < best[m][b] {
					best[m][b], from[m][b] = e, a
				}
			}
		}
	}
	starts := make([]int, segments+1) // segment m covers [starts[m], starts[m+1])
	starts[segments] = L
	for m := segments; m >= 2; m-- {
		starts[m-1] = from[m][starts[m]]
	}

	out := make([]float64, segments-1)
	for m := 0; m < segments-1; m++ {
		a0, a1, b := starts[m], starts[m+1], starts[m+2]
		k1, c1, _ := fit(a0, a1)
		k2, c2, _ := fit(a1, b)
		gl, gr := x[a1-1], x[a1]
		xb := (gl + gr) / 2
		if k1 != k2 {
			xb = math.Min(math.Max((c2-c1)/(k1-k2), gl), gr)
		}
		out[m] = math.Exp(xb)
	}
	return out, nil
}
