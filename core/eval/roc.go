package eval

import (
	"cmp"
	"math"
	"slices"
)

func finite(v float32) bool {
	f := float64(v)
	return !math.IsNaN(f) && !math.IsInf(f, 0)
}

// positiveMask marks the positive cells. It panics on an index outside the
// score slice.
func positiveMask(n int, positive []int) []bool {
	m := make([]bool, n)
	for _, k := range positive {
		if k < 0 || k >= n {
			panic("eval: cell index out of range")
		}
		m[k] = true
	}
	return m
}

// AUC returns the area under the ROC curve of score, exactly, by the
// Mann-Whitney statistic
//
//	AUC = U / (n1 n0),  U = #{(i, j): s_i > s_j} + 1/2 #{(i, j): s_i = s_j}
//
// over all pairs of a positive cell i and a negative cell j. The positives are
// the distinct cells listed in positive whose score is finite (a repeated
// index counts once); the negatives are all other cells with a finite score.
// NaN and ±Inf scores are no data. AUC is 0.5 when all scores are equal, 1
// when every positive outscores every negative, and NaN when either class is
// empty. It sorts the two classes, so it takes O(n log n) time; it panics if
// an index in positive is outside score.
func AUC(score []float32, positive []int) float64 {
	isPos := positiveMask(len(score), positive)
	pos := make([]float32, 0, len(positive))
	neg := make([]float32, 0, len(score))
	for i, v := range score {
		if !finite(v) {
			continue
		}
		if isPos[i] {
			pos = append(pos, v)
		} else {
			neg = append(neg, v)
		}
	}
	if len(pos) == 0 || len(neg) == 0 {
		return math.NaN()
	}
	slices.Sort(pos)
	slices.Sort(neg)
	// u2 = 2U, an exact integer: each positive adds 2 per lower negative and
	// 1 per tied negative.
	var u2 int64
	lo, hi := 0, 0 // neg[:lo] < v, neg[lo:hi] == v
	for _, v := range pos {
		for lo < len(neg) && neg[lo] < v {
			lo++
		}
		hi = max(hi, lo)
		for hi < len(neg) && neg[hi] <= v {
			hi++
		}
		u2 += int64(2*lo + (hi - lo))
	}
	return float64(u2) / (2 * float64(len(pos)) * float64(len(neg)))
}

// ROC returns the receiver operating characteristic curve of score with the
// positives and negatives of AUC: one point (false-positive rate,
// true-positive rate) per distinct finite score, thresholds descending,
// starting at (0, 0) and ending at (1, 1). Tied scores form one step, so the
// trapezoid area under the curve equals AUC. ROC returns nil slices when
// either class is empty.
func ROC(score []float32, positive []int) (fpr, tpr []float64) {
	isPos := positiveMask(len(score), positive)
	type cell struct {
		s   float32
		pos bool
	}
	cells := make([]cell, 0, len(score))
	var n1, n0 int
	for i, v := range score {
		if !finite(v) {
			continue
		}
		cells = append(cells, cell{v, isPos[i]})
		if isPos[i] {
			n1++
		} else {
			n0++
		}
	}
	if n1 == 0 || n0 == 0 {
		return nil, nil
	}
	slices.SortFunc(cells, func(a, b cell) int { return cmp.Compare(b.s, a.s) })
	fpr = []float64{0}
	tpr = []float64{0}
	var tp, fp int
	for i := 0; i < len(cells); {
		j := i
		for j < len(cells) && cells[j].s == cells[i].s {
			if cells[j].pos {
				tp++
			} else {
				fp++
			}
			j++
		}
		fpr = append(fpr, float64(fp)/float64(n0))
		tpr = append(tpr, float64(tp)/float64(n1))
		i = j
	}
	return fpr, tpr
}
