package classify

import (
	"math"
	"slices"
	"sort"

	"halo/core/grid"
)

// NoClass is the class of a cell without data.
const NoClass = 255

// DefaultTops are the default cumulative-area classes in percent: the top
// 0-5 %, 5-15 % and 15-30 % of the area (Fe paper, Fig. 8).
var DefaultTops = []float64{5, 15, 30}

// checkTops panics unless tops increase strictly within (0, 100] and leave
// room for NoClass.
func checkTops(tops []float64) {
	if len(tops) >= NoClass {
		panic("classify: too many classes")
	}
	prev := 0.0
	for _, p := range tops {
		if !(p > prev) || p > 100 {
			panic("classify: tops must increase strictly within (0, 100]")
		}
		prev = p
	}
}

// Cuts returns the score cut-offs of the cumulative-area classes tops
// (percent of the cells with finite data, increasing, for example
// DefaultTops): cut k is the lowest score among the ceil(tops[k]/100 * n)
// highest of the n finite values of data, so the cells with score >= cut k
// occupy the top tops[k] % of the area (more if scores tie at the cut). The
// cut-offs decrease. They are NaN when data holds no finite value.
//
// Cuts panics if tops do not increase strictly within (0, 100].
func Cuts(data []float32, tops []float64) []float32 {
	checkTops(tops)
	vals := make([]float32, 0, len(data))
	for _, v := range data {
		if Finite(v) {
			vals = append(vals, v)
		}
	}
	cuts := make([]float32, len(tops))
	if len(vals) == 0 {
		for k := range cuts {
			cuts[k] = float32(math.NaN())
		}
		return cuts
	}
	slices.Sort(vals)
	n := len(vals)
	for k, p := range tops {
		// tiny slack so that 5 % of 200 cells is 10 cells, not 11 after
		// rounding in p/100*n
		m := int(math.Ceil(p/100*float64(n) - 1e-9))
		m = max(1, min(m, n))
		cuts[k] = vals[n-m]
	}
	return cuts
}

// Classify sets dst[i] to the class of data[i] under the decreasing
// cut-offs cuts: the first k with data[i] >= cuts[k], len(cuts) for the
// background, NoClass for NaN or ±Inf. If dst is nil a new slice is
// allocated; Classify returns dst.
//
// It panics if dst is not nil and len(dst) != len(data), or if there are
// NoClass or more cut-offs.
func Classify(dst []uint8, data, cuts []float32) []uint8 {
	if dst == nil {
		dst = make([]uint8, len(data))
	}
	if len(dst) != len(data) {
		panic("classify: length mismatch")
	}
	if len(cuts) >= NoClass {
		panic("classify: too many classes")
	}
	for i, v := range data {
		if !Finite(v) {
			dst[i] = NoClass
			continue
		}
		k := 0
		for k < len(cuts) && !(v >= cuts[k]) {
			k++
		}
		dst[i] = uint8(k)
	}
	return dst
}

// Classes returns the class of every cell of g (indexed like g.Data) and the
// score cut-offs for the cumulative-area classes tops (nil means
// DefaultTops). See Cuts and Classify.
func Classes(g *grid.Grid, tops []float64) ([]uint8, []float32) {
	if tops == nil {
		tops = DefaultTops
	}
	cuts := Cuts(g.Data, tops)
	return Classify(nil, g.Data, cuts), cuts
}

// Finite reports whether v is data: not NaN and not ±Inf.
func Finite(v float32) bool {
	f := float64(v)
	return !math.IsNaN(f) && !math.IsInf(f, 0)
}

// PercentileRank returns the mid percentile rank of v among the ascending
// finite values sorted, in [0, 1]: 0 for the lowest value, 1 for the
// highest, the mean rank for ties and 0.5 when sorted has one value. The
// continuous map colours cells by it, which keeps skewed scores readable.
// It panics if sorted is empty.
func PercentileRank(sorted []float32, v float32) float64 {
	n := len(sorted)
	switch n {
	case 0:
		panic("classify: no values to rank against")
	case 1:
		return 0.5
	}
	lo := sort.Search(n, func(i int) bool { return sorted[i] >= v })
	hi := sort.Search(n, func(i int) bool { return sorted[i] > v })
	if hi == 0 {
		return 0
	}
	if lo == n {
		return 1
	}
	return (float64(lo) + float64(hi-1)) / 2 / float64(n-1)
}
