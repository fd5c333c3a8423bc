package detect

// offset is one ring cell relative to the centre: row and column steps and
// the index of its shell in plan.shells.
type offset struct {
	dr, dc int32
	shell  int32
}

// shell is the square perimeter of cells at one Chebyshev radius r from the
// centre: 8r cells, walked once around from the corner (row -r, column -r).
// The fast mode scores every step-th cell of the walk.
type shell struct {
	r    int
	offs []offset
	step int
}

// window is a dual window as a closed range of shells: Chebyshev radii
// lo = inner/2 + 1 through hi = outer/2.
type window struct{ lo, hi int }

// plan holds the ring geometry of one run, computed once: the union of the
// windows' shells, and for each window the shells it spans.
type plan struct {
	wins   []window
	shells []shell
	winOf  [][]int // winOf[w] lists the indices (into shells) of window w
	full   int     // cells in all shells
	fast   int     // cells scored per clean centre in fast mode (average over phases)
	maxR   int
}

func checkWindow(inner, outer int) {
	if inner < 1 || outer <= inner || inner%2 == 0 || outer%2 == 0 {
		panic("detect: window sizes must be odd with 1 <= inner < outer")
	}
}

// newPlan returns the plan for the given (inner, outer) window pairs, the
// largest ring step (1 = every ring cell) and the shell scale (the shell of
// radius r is sampled with stride min(ringStep, max(1, r²/shellScale))).
func newPlan(windows [][2]int, ringStep, shellScale int) *plan {
	if len(windows) == 0 {
		panic("detect: no windows")
	}
	if ringStep < 1 || shellScale < 1 {
		panic("detect: ring step or shell scale < 1")
	}
	p := &plan{}
	for _, w := range windows {
		checkWindow(w[0], w[1])
		win := window{lo: w[0]/2 + 1, hi: w[1] / 2}
		p.wins = append(p.wins, win)
		p.maxR = max(p.maxR, win.hi)
	}
	idx := make([]int, p.maxR+1)
	for r := 1; r <= p.maxR; r++ {
		idx[r] = -1
		for _, w := range p.wins {
			if r >= w.lo && r <= w.hi {
				si := len(p.shells)
				idx[r] = si
				st := min(ringStep, max(1, r*r/shellScale))
				p.shells = append(p.shells, shell{r: r, offs: appendPerimeter(make([]offset, 0, 8*r), r, int32(si)), step: st})
				p.full += 8 * r
				p.fast += (8*r + st - 1) / st
				break
			}
		}
	}
	for _, w := range p.wins {
		var sh []int
		for r := w.lo; r <= w.hi; r++ {
			sh = append(sh, idx[r])
		}
		p.winOf = append(p.winOf, sh)
	}
	return p
}

// appendPerimeter appends the 8r cells at Chebyshev radius r, walking the
// square once from its corner (row -r, column -r): along row -r, along
// column r, back along row r, back along column -r.
func appendPerimeter(dst []offset, r int, shell int32) []offset {
	rr := int32(r)
	for c := -rr; c < rr; c++ {
		dst = append(dst, offset{-rr, c, shell})
	}
	for q := -rr; q < rr; q++ {
		dst = append(dst, offset{q, rr, shell})
	}
	for c := rr; c > -rr; c-- {
		dst = append(dst, offset{rr, c, shell})
	}
	for q := rr; q > -rr; q-- {
		dst = append(dst, offset{q, -rr, shell})
	}
	return dst
}

// sampled reports whether any shell is sampled (fast mode with a stride
// above 1).
func (p *plan) sampled() bool {
	for _, sh := range p.shells {
		if sh.step > 1 {
			return true
		}
	}
	return false
}
