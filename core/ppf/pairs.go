package ppf

import "halo/core/grid"

// Pairs is a set of encoded pixel pairs. Row k of X, X[k*D : (k+1)*D], is
// |x_i - x_j| over the D layers of the stack for the k-th pair; Y[k] is its
// label: 0 similar (same class), 1 dissimilar. len(X) = len(Y)*D.
type Pairs struct {
	D int
	X []float32
	Y []float32
}

// Len returns the number of pairs.
func (p *Pairs) Len() int { return len(p.Y) }

// Count returns the number of similar and dissimilar pairs Build makes from
// nPos mineralized and nNeg background cells:
//
//	similar    = nPos*(nPos-1) + nNeg*(nNeg-1)
//	dissimilar = nPos*nNeg
func Count(nPos, nNeg int) (similar, dissimilar int) {
	if nPos < 0 || nNeg < 0 {
		panic("ppf: negative cell count")
	}
	return nPos*(nPos-1) + nNeg*(nNeg-1), nPos * nNeg
}

// Build encodes the pairs of the mineralized cells pos and the background
// cells neg of stack s into dst and returns it (nil dst means allocate; a
// non-nil dst's slices are reused when large enough). The order is: every
// ordered pair (i, j), i != j, of pos (label 0), then of neg (label 0), then
// every (i in pos, j in neg) (label 1), each in the order of the lists.
//
// It panics if a cell index is outside the stack or a cell has a non-finite
// value (pass only valid cells).
func Build(dst *Pairs, s *grid.Stack, pos, neg []int) *Pairs {
	d := s.D()
	nSim, nDis := Count(len(pos), len(neg))
	n := nSim + nDis
	if dst == nil {
		dst = &Pairs{}
	}
	dst.D = d
	if cap(dst.X) >= n*d {
		dst.X = dst.X[:n*d]
	} else {
		dst.X = make([]float32, n*d)
	}
	if cap(dst.Y) >= n {
		dst.Y = dst.Y[:n]
	} else {
		dst.Y = make([]float32, n)
	}
	cell := func(i int) []float32 {
		if i < 0 || i >= s.Len() {
			panic("ppf: cell out of range")
		}
		v := s.CellValues(i)
		for _, x := range v {
			if x-x != 0 { // NaN or Inf
				panic("ppf: cell without data")
			}
		}
		return v
	}
	k := 0
	put := func(a, b []float32, y float32) {
		row := dst.X[k*d : (k+1)*d]
		for m := range row {
			v := a[m] - b[m]
			if v < 0 {
				v = -v
			}
			row[m] = v
		}
		dst.Y[k] = y
		k++
	}
	for _, class := range [2][]int{pos, neg} {
		for a, i := range class {
			xi := cell(i)
			for b, j := range class {
				if a != b {
					put(xi, cell(j), 0)
				}
			}
		}
	}
	for _, i := range pos {
		xi := cell(i)
		for _, j := range neg {
			put(xi, cell(j), 1)
		}
	}
	return dst
}
