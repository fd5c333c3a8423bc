package detect

// offset is one ring cell relative to the centre: row and column steps and
// the index of its shell (Chebyshev radius) in plan.radii.
type offset struct {
	dr, dc int32
	shell  int32
}

// window is a dual window as a closed range of shells: Chebyshev radii
// lo = inner/2 + 1 through hi = outer/2.
type window struct{ lo, hi int }

// plan holds the ring offsets of one run, computed once: every cell of the
// union of the windows' rings, shell by shell from the innermost, each
// shell walked once around its perimeter; and, for the fast mode, step
// interleaved subsets of that walk.
type plan struct {
	wins  []window
	radii []int   // the shells in use, increasing
	winOf [][]int // winOf[w] lists the shell indices (into radii) of window w
	full  []offset
	step  int
	sub   [][]offset // sub[p] = full[t] with t%step == p; nil when step is 1
	// subLen[p][w] is the number of offsets of window w in sub[p].
	subLen [][]int
	fullLen []int // fullLen[w] is the number of ring cells of window w
	maxR    int
}

func checkWindow(inner, outer int) {
	if inner < 1 || outer <= inner || inner%2 == 0 || outer%2 == 0 {
		panic("detect: window sizes must be odd with 1 <= inner < outer")
	}
}

// newPlan returns the plan for the given (inner, outer) window pairs and
// ring step (1 = every ring cell).
func newPlan(windows [][2]int, step int) *plan {
	if len(windows) == 0 {
		panic("detect: no windows")
	}
	if step < 1 {
		panic("detect: ring step < 1")
	}
	p := &plan{step: step}
	maxR := 0
	for _, w := range windows {
		checkWindow(w[0], w[1])
		win := window{lo: w[0]/2 + 1, hi: w[1] / 2}
		p.wins = append(p.wins, win)
		maxR = max(maxR, win.hi)
	}
	p.maxR = maxR
	idx := make([]int, maxR+1)
	for r := range idx {
		idx[r] = -1
	}
	for r := 1; r <= maxR; r++ {
		for _, w := range p.wins {
			if r >= w.lo && r <= w.hi {
				idx[r] = len(p.radii)
				p.radii = append(p.radii, r)
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
	for si, r := range p.radii {
		p.full = appendPerimeter(p.full, r, int32(si))
	}
	p.fullLen = p.count(p.full)
	if step > 1 {
		p.sub = make([][]offset, step)
		for t, o := range p.full {
			p.sub[t%step] = append(p.sub[t%step], o)
		}
		for _, s := range p.sub {
			p.subLen = append(p.subLen, p.count(s))
		}
	}
	return p
}

// count returns the number of offsets of each window in offs.
func (p *plan) count(offs []offset) []int {
	n := make([]int, len(p.wins))
	perShell := make([]int, len(p.radii))
	for _, o := range offs {
		perShell[o.shell]++
	}
	for w, sh := range p.winOf {
		for _, s := range sh {
			n[w] += perShell[s]
		}
	}
	return n
}

// appendPerimeter appends the 8r cells at Chebyshev radius r, walking the
// square once from its corner (row -r, column -r): along
// row -r, down column r, back along row r, up column -r.
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
