package pipeline

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"halo/core/grid"
	"halo/core/survey"
)

// maxCensored is the largest share of below-detection values an element may
// have to enter the multivariate detectors. A heavily censored element is
// mostly one replaced constant (0.65 x limit): it carries little
// information, and in a robust covariance fit whose support is 75% of the
// cells a constant coordinate makes the covariance singular.
const maxCensored = 0.3

// multivariate returns the indices (into s.Elements and the log stack) of
// the elements the multivariate detectors use, and the reasons the others
// were left out:
//   - an oxide whose element is also present (GSWA reports Zr and ZrO2, the
//     one computed from the other: a perfectly collinear pair) is left out;
//   - an element with more than maxCensored below detection is left out.
//
// Elements the user named explicitly (Config.Elements) are all kept.
func multivariate(s *survey.Samples, explicit bool) (keep []int, left []string) {
	present := map[string]bool{}
	for _, e := range s.Elements {
		present[e.Name] = true
	}
	n := len(s.X)
	for k, e := range s.Elements {
		if !explicit {
			if el := oxideElement(e.Name); el != "" && present[el] {
				left = append(left, fmt.Sprintf("%s (the same element as %s)", e.Name, el))
				continue
			}
			if n > 0 && float64(e.BelowDetection) > maxCensored*float64(n) {
				left = append(left, fmt.Sprintf("%s (%.0f%% below detection)", e.Name, 100*float64(e.BelowDetection)/float64(n)))
				continue
			}
		}
		keep = append(keep, k)
	}
	return keep, left
}

// oxideElement returns the element of an oxide name ("Fe2O3" -> "Fe",
// "ZrO2" -> "Zr", "CaO" -> "Ca"), or "" when name is not an oxide.
func oxideElement(name string) string {
	r := []rune(name)
	if len(r) < 2 || !unicode.IsUpper(r[0]) {
		return ""
	}
	i := 1
	if unicode.IsLower(r[1]) {
		i = 2
	}
	rest := string(r[i:])
	rest = strings.TrimLeft(rest, "0123456789")
	if !strings.HasPrefix(rest, "O") || (len(rest) > 1 && unicode.IsLower(rune(rest[1]))) {
		return ""
	}
	return string(r[:i])
}

// subStack returns the layers keep of s as a new stack.
func subStack(s *grid.Stack, keep []int) *grid.Stack {
	if len(keep) == s.D() {
		return s
	}
	names := make([]string, len(keep))
	for i, k := range keep {
		names[i] = s.Names[k]
	}
	out := grid.NewStack(s.Geom, names)
	d, nd := s.D(), len(keep)
	for c := 0; c < s.Len(); c++ {
		for i, k := range keep {
			out.Data[c*nd+i] = s.Data[c*d+k]
		}
	}
	return out
}

// singularAdvice explains a singular covariance to the user.
func singularAdvice(res *Result, elements int) error {
	n, what := len(res.Samples.X), "samples"
	if res.Samples.Lattice != nil {
		n, what = res.Report.Data.CellsWithData, "cells with data"
	}
	if n <= elements {
		return fmt.Errorf("%d elements but only %d %s: a covariance needs more %s than elements; choose at most %d elements (Settings, or --elements)", elements, n, what, what, max(2, n-1))
	}
	return fmt.Errorf("the robust covariance of the %d elements is singular (some are constant or proportional to others over most of the map): choose fewer elements (Settings, or --elements)", elements)
}

// onALine reports whether the points lie on a straight line (within 1% of
// their extent): the smaller principal axis of their scatter is tiny.
func onALine(x, y []float64) bool {
	n := 0
	var mx, my float64
	for i := range x {
		if math.IsNaN(x[i]) || math.IsNaN(y[i]) {
			continue
		}
		mx += x[i]
		my += y[i]
		n++
	}
	if n < 3 {
		return false
	}
	mx /= float64(n)
	my /= float64(n)
	var sxx, syy, sxy float64
	for i := range x {
		if math.IsNaN(x[i]) || math.IsNaN(y[i]) {
			continue
		}
		dx, dy := x[i]-mx, y[i]-my
		sxx += dx * dx
		syy += dy * dy
		sxy += dx * dy
	}
	tr, det := sxx+syy, sxx*syy-sxy*sxy
	disc := math.Sqrt(math.Max(0, tr*tr/4-det))
	big, small := tr/2+disc, tr/2-disc
	return big > 0 && small <= 1e-4*big // spread across < 1% of the spread along
}

// outlier returns a message naming a sample whose coordinates lie far
// outside the others (a typo such as an extra digit), or "". Far means more
// than 20 times the interquartile extent from the median, in x or y.
func outlier(s *survey.Samples) string {
	for _, axis := range []struct {
		name string
		v    []float64
	}{{s.XColumn, s.X}, {s.YColumn, s.Y}} {
		v := make([]float64, 0, len(axis.v))
		for _, a := range axis.v {
			if !math.IsNaN(a) {
				v = append(v, a)
			}
		}
		if len(v) < 8 {
			continue
		}
		sort.Float64s(v)
		q1, med, q3 := v[len(v)/4], v[len(v)/2], v[3*len(v)/4]
		iqr := q3 - q1
		if iqr <= 0 {
			continue
		}
		for i, a := range axis.v {
			if math.Abs(a-med) > 20*iqr {
				line := ""
				if i < len(s.Line) {
					line = fmt.Sprintf("line %d, ", s.Line[i])
				}
				return fmt.Sprintf("%scolumn %q: %s lies %s km from the other samples (typo?): correct or remove that sample",
					line, axis.name, strconv.FormatFloat(a, 'f', -1, 64), count(int(math.Abs(a-med)/1000)))
			}
		}
	}
	return ""
}
