package eval

import (
	"math"
	"slices"
	"sort"
)

// finiteSorted returns the finite scores in increasing order.
func finiteSorted(score []float32) []float32 {
	s := make([]float32, 0, len(score))
	for _, v := range score {
		if finite(v) {
			s = append(s, v)
		}
	}
	slices.Sort(s)
	return s
}

// topCount returns ceil(p*n/100): a cell is in the top p% of n cells when
// fewer than topCount(p, n) cells score strictly higher. It panics unless
// 0 <= p <= 100.
func topCount(p float64, n int) int {
	if !(p >= 0 && p <= 100) {
		panic("eval: percent outside [0, 100]")
	}
	return int(math.Ceil(p * float64(n) / 100))
}

// greater returns how many values of the increasing slice sorted exceed v.
func greater(sorted []float32, v float32) int {
	return len(sorted) - sort.Search(len(sorted), func(i int) bool { return sorted[i] > v })
}

// Capture returns, for each p in percents, the share of deposits whose cell
// lies in the top p% of the area: the cells with data ranked by score
// descending, a cell being in the top p% when fewer than ceil(p*N/100) of the
// N cells with data score strictly higher (ties at the cut-off are all in;
// see the package comment). Each entry of depositCells is one deposit, so a
// cell listed twice counts twice. Negative entries (outside the grid) and
// deposits on cells without data are left out of the denominator. The result
// is NaN for every p when no deposit remains. Capture panics if a percent is
// outside [0, 100] or a cell index is beyond score.
//
// METHODS.md reports percents 5, 15 and 30 ("5% of area holds 75% of the
// deposits").
func Capture(score []float32, depositCells []int, percents []float64) []float64 {
	sorted := finiteSorted(score)
	var above []int // cells scoring strictly higher, per deposit
	for _, k := range depositCells {
		if k < 0 {
			continue
		}
		if k >= len(score) {
			panic("eval: cell index out of range")
		}
		if v := score[k]; finite(v) {
			above = append(above, greater(sorted, v))
		}
	}
	out := make([]float64, len(percents))
	for i, p := range percents {
		k := topCount(p, len(sorted))
		if len(above) == 0 {
			out[i] = math.NaN()
			continue
		}
		n := 0
		for _, a := range above {
			if a < k {
				n++
			}
		}
		out[i] = float64(n) / float64(len(above))
	}
	return out
}

// Percentiles returns, for each p in tops, the score cut-off t such that the
// cells with data and score >= t are exactly the top p% of Capture: t is the
// k-th largest finite score with k = ceil(p*N/100). With ties, the cells at or
// above t can cover more than p% of the area. The cut-off is +Inf for p = 0
// (no cell) and NaN when no cell has data. Tops 5, 15, 30 give the cut-offs
// of the high, moderate and low classes of METHODS.md (paper Fig. 8).
// Percentiles panics if a percent is outside [0, 100].
func Percentiles(score []float32, tops []float64) []float32 {
	sorted := finiteSorted(score)
	out := make([]float32, len(tops))
	for i, p := range tops {
		k := topCount(p, len(sorted))
		switch {
		case len(sorted) == 0:
			out[i] = float32(math.NaN())
		case k == 0:
			out[i] = float32(math.Inf(1))
		default:
			out[i] = sorted[len(sorted)-k]
		}
	}
	return out
}

// Classify writes the map class of each cell into dst and returns it:
//
//	0            no data (NaN or ±Inf score)
//	1            below every cut-off (background)
//	1 + m        the score is >= m of the cut-offs
//
// With the cut-offs of Percentiles for tops 5, 15 and 30 (in any order) the
// classes are 4 = top 5% (high, red), 3 = 5-15% (moderate, yellow),
// 2 = 15-30% (low, blue), 1 = background. A NaN cut-off is never passed. If
// dst is nil a new slice is allocated; otherwise Classify panics unless
// len(dst) == len(score). It panics with more than 254 cut-offs.
func Classify(dst []uint8, score []float32, cuts []float32) []uint8 {
	if dst == nil {
		dst = make([]uint8, len(score))
	}
	if len(dst) != len(score) {
		panic("eval: destination length mismatch")
	}
	if len(cuts) > 254 {
		panic("eval: too many cut-offs")
	}
	for i, v := range score {
		if !finite(v) {
			dst[i] = 0
			continue
		}
		c := uint8(1)
		for _, t := range cuts {
			if v >= t {
				c++
			}
		}
		dst[i] = c
	}
	return dst
}
