package ppf

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// DefaultTestShare is the share of each class held out for testing when
// Draw is given 0 (the paper's 80/20 split).
const DefaultTestShare = 0.2

// Errors returned by Draw.
var (
	ErrNoMineralized  = errors.New("ppf: no mineralized cells with data (are the deposits inside the grid?)")
	ErrFewBackground  = errors.New("ppf: fewer background cells than mineralized cells")
	ErrFewMineralized = errors.New("ppf: too few mineralized cells to split into train and test (need at least 2)")
	ErrBadTestShare   = errors.New("ppf: test share must be in [0, 1)")
)

const errMineralizedData = "ppf: mineralized cell %d has no data"

// Split is a balanced train/test draw of cell indices: mineralized cells
// (Pos) and background cells (Neg). Each list is in increasing order.
type Split struct {
	TrainPos, TrainNeg, TestPos, TestNeg []int
}

// testCount returns ceil(n*share), the test count of a class of n cells,
// ignoring rounding noise in n*share (10*0.2 is 2, not 3).
func testCount(n int, share float64) int {
	const eps = 1e-9
	return int(math.Ceil(float64(n)*share - eps))
}

// Draw draws len(mineral) background cells at random without replacement
// from the valid cells that are not mineralized, then splits each class at
// random into train and test with ceil(n*testShare) test cells (testShare 0
// means DefaultTestShare). With 171 mineralized cells that is 136 + 136
// train and 35 + 35 test cells (paper Table 1).
//
// mineral holds distinct cell indices (as returned by Mineralized); valid[i]
// tells whether cell i has data. Draw returns an error if there are fewer
// than 2 mineralized cells, if a mineralized cell is not valid, if there are
// not enough background cells, or if testShare is outside [0, 1). It panics
// if a mineralized cell index is outside valid.
func Draw(mineral []int, valid []bool, rng *rand.Rand, testShare float64) (Split, error) {
	if testShare == 0 {
		testShare = DefaultTestShare
	}
	if !(testShare > 0 && testShare < 1) {
		return Split{}, ErrBadTestShare
	}
	if len(mineral) == 0 {
		return Split{}, ErrNoMineralized
	}
	if len(mineral) < 2 {
		return Split{}, ErrFewMineralized
	}
	isMin := make([]bool, len(valid))
	for _, k := range mineral {
		if k < 0 || k >= len(valid) {
			panic("ppf: mineralized cell out of range")
		}
		if !valid[k] {
			return Split{}, fmt.Errorf(errMineralizedData, k)
		}
		isMin[k] = true
	}
	var bg []int
	for i, ok := range valid {
		if ok && !isMin[i] {
			bg = append(bg, i)
		}
	}
	n := len(mineral)
	if len(bg) < n {
		return Split{}, fmt.Errorf("%w: %d background, %d mineralized", ErrFewBackground, len(bg), n)
	}
	// Partial Fisher-Yates: the first n of bg become a uniform random draw.
	for i := 0; i < n; i++ {
		j := i + rng.IntN(len(bg)-i)
		bg[i], bg[j] = bg[j], bg[i]
	}
	neg := bg[:n:n]
	pos := append([]int(nil), mineral...)
	nt := testCount(n, testShare)
	var s Split
	s.TrainPos, s.TestPos = splitClass(pos, nt, rng)
	s.TrainNeg, s.TestNeg = splitClass(neg, nt, rng)
	return s, nil
}

// splitClass shuffles cells in place and returns n-nTest train and nTest
// test cells, each sorted.
func splitClass(cells []int, nTest int, rng *rand.Rand) (train, test []int) {
	rng.Shuffle(len(cells), func(i, j int) { cells[i], cells[j] = cells[j], cells[i] })
	test = append([]int(nil), cells[:nTest]...)
	train = append([]int(nil), cells[nTest:]...)
	sort.Ints(train)
	sort.Ints(test)
	return train, test
}
