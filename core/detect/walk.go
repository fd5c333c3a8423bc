package detect

import (
	"context"
	"math"
	"math/bits"

	"halo/core/grid"
)

// Each unordered pair is scored once. The ring relation is symmetric (j is
// in the ring of T exactly when T is in the ring of j, at the same Chebyshev
// radius, so in the same shell) and so is the pair code (|x_T - x_j| =
// |x_j - x_T| bit for bit: IEEE subtraction is exact under sign change), so
// one network evaluation serves both centres. A centre walks the forward
// half of its ring (offsets below it, or to its right on its own row) and
// adds each score to itself and, when the partner is a centre of the row
// range that wants the pair too, to the partner. The backward half is walked
// only for partners in rows above the range, whose own walk is not part of
// this run. On a whole map this halves the evaluations; a band of rows saves
// less near its edges.
//
// The fast mode samples pairs on a lattice that is symmetric too: the pair
// (T, j) of a shell with stride k is sampled when
//
//	(f(T) + f(j)) mod k = 0,   f(c, r) = c + m r
//
// with m coprime to k, so that every side of a square shell is sampled
// every k-th cell, and the phase moves from centre to centre. A centre
// whose sampled cells of a shell are less than half valid (near an edge or
// a hole) takes every valid cell of that shell instead (minShare).
//
// Shell sums are kept in fixed point (int64, exact), so a centre's sum does
// not depend on the order its pairs were scored in, and a map is the same
// bit for bit however its rows are split over workers.

// minShare is the fast mode's fallback rule: a shell whose sampled cells
// are fewer than minShare valid (near an edge or a hole) is scored on all
// its cells instead, so edge cells are not estimated from a handful of
// pairs. The rule is per shell, so a window gets the same score from Detect
// and from any Sweep that contains it.
const minShare = 0.5

// ringRun holds the state of one detection (the rows [from, to) of the
// grid, windows and options fixed) that scores chunks of its rows one after
// the other: per worker, the ring geometry, the fast mode's per-centre plan
// of the chunk's rows (kept for the next chunk where the two overlap) and
// the batch buffers.
// The accumulators of the chunk being scored cover its rows [a, end): its
// own and those its forward pairs reach below it (maxR rows, at most to).
type ringRun struct {
	s     *grid.Stack
	sc    PairScorer
	mask  []bool
	p     *plan
	fwd   [][]offset // per shell: the forward half of its offsets
	back  [][]offset // per shell: the backward half with dr < 0
	from  int        // the detection's rows
	to    int
	a     int     // the chunk's first row
	end   int     // the first row after the chunk's accumulators
	scale float64 // fixed-point scale of a score: 2^k
	d     int
	ns    int

	buf    []float32
	scores []float32
	ownA   []int32 // accumulator of the centre of each pair in buf, or -1
	ownB   []int32 // accumulator of the partner, or -1
	n      int
	sum    []int64 // per cell of the chunk's rows [a, end) and shell: scores x scale
	cnt    []int32 // pairs added
	pairs  int64   // network evaluations so far

	// Fast mode: per shell the multiplier m of the lattice; per cell of the
	// chunk's rows [a, end) and shell (index (cell - a*cols)*ns + shell) whether
	// the shell is scored in full, and its valid cells (the weight of a
	// sampled shell's mean). Chunks take rows in increasing order on a
	// worker, so the plan moves down the grid with them and holds at most a
	// chunk and the rows its pairs reach.
	fast  bool
	mult  []int
	full  []bool
	nv    []int32
	holes []int32
}

// splitShells returns, per shell, the forward offsets (dr > 0, or dr = 0
// and dc > 0) and the backward ones with dr < 0 (the backward ones with
// dr = 0 always have their partner in the range).
func splitShells(p *plan) (fwd, back [][]offset) {
	fwd = make([][]offset, len(p.shells))
	back = make([][]offset, len(p.shells))
	for si, sh := range p.shells {
		for _, o := range sh.offs {
			switch {
			case o.dr > 0 || (o.dr == 0 && o.dc > 0):
				fwd[si] = append(fwd[si], o)
			case o.dr < 0:
				back[si] = append(back[si], o)
			}
		}
	}
	return fwd, back
}

// coprime returns the lattice multiplier for stride k: the smallest m >= 2
// with gcd(m, k) = 1 (any m for k <= 2).
func coprime(k int) int {
	gcd := func(a, b int) int {
		for b != 0 {
			a, b = b, a%b
		}
		return a
	}
	m := 2
	for gcd(m, k) != 1 {
		m++
	}
	return m
}

// fixedScale is the fixed-point scale of a score for shells up to radius
// maxR: a shell has 8r cells, each adding at most the scale, and
// 8 maxR scale < 2^62.
func fixedScale(maxR int) float64 {
	return math.Ldexp(1, 62-bits.Len(uint(8*maxR)))
}

func newRingRun(s *grid.Stack, sc PairScorer, mask []bool, p *plan, from, to, batch int) *ringRun {
	d := s.D()
	ns := len(p.shells)
	fwd, back := splitShells(p)
	x := &ringRun{
		s: s, sc: sc, mask: mask, p: p, fwd: fwd, back: back, from: from, to: to,
		scale: fixedScale(p.maxR), d: d, ns: ns,
		mult: make([]int, ns),
	}
	if sc != nil {
		x.buf = make([]float32, batch*d)
		x.scores = make([]float32, batch)
		x.ownA = make([]int32, batch)
		x.ownB = make([]int32, batch)
	}
	for si, sh := range p.shells {
		x.mult[si] = coprime(sh.step)
	}
	x.fast = p.sampled()
	if x.fast {
		x.holes = holeTable(s.Geom, mask)
	}
	return x
}

// chunk prepares the run for the centres of rows [a, b): the fast mode's
// plan of every row the chunk's pairs touch, and (with a scorer) zeroed
// accumulators.
func (x *ringRun) chunk(a, b int) {
	lastA, lastEnd := x.a, x.end // the rows the last chunk planned (none at first)
	x.a, x.end = a, min(b+x.p.maxR, x.to)
	cols, ns := x.s.Cols, x.ns
	if x.fast {
		// Keep the rows the last chunk planned that this one needs too.
		full := make([]bool, (x.end-a)*cols*ns)
		nv := make([]int32, len(full))
		keep := a // the first row to plan
		if a >= lastA && a < lastEnd {
			keep = min(lastEnd, x.end)
			off := (a - lastA) * cols * ns
			copy(full, x.full[off:])
			copy(nv, x.nv[off:])
		}
		x.full, x.nv = full, nv
		for t := keep * cols; t < x.end*cols; t++ {
			if x.mask[t] {
				x.planCentre(t)
			}
		}
	}
	if x.sc != nil {
		cells := (x.end - a) * cols * x.ns
		x.sum = make([]int64, cells)
		x.cnt = make([]int32, cells)
	}
}

// lattice reports whether the pair of centre (c, r) at offset o of shell si
// is on the fast mode's sampling lattice.
func (x *ringRun) lattice(c, r int, o offset, si int) bool {
	k := x.p.shells[si].step
	if k == 1 {
		return true
	}
	m := x.mult[si]
	v := (2*(c+m*r) + int(o.dc) + m*int(o.dr)) % k
	return v == 0
}

// planCentre sets, for centre t of the range, which sampled shells fall
// back to every cell, and each shell's number of valid cells.
func (x *ringRun) planCentre(t int) {
	cols := x.s.Cols
	r, c := t/cols, t%cols
	base := (t - x.a*cols) * x.ns
	clean := x.clean(c, r)
	for si := range x.p.shells {
		sh := &x.p.shells[si]
		if sh.step == 1 {
			continue
		}
		if clean {
			x.nv[base+si] = int32(len(sh.offs))
			continue
		}
		n, want, all := 0, 0, 0
		for _, o := range sh.offs {
			ok := x.partner(c, r, o) >= 0
			if ok {
				all++
			}
			if x.lattice(c, r, o, si) {
				want++
				if ok {
					n++
				}
			}
		}
		x.nv[base+si] = int32(all)
		x.full[base+si] = float64(n) < minShare*float64(want)
	}
}

// clean reports whether the whole outer square around (c, r) lies on the
// grid and has data, using the summed table of invalid cells.
func (x *ringRun) clean(c, r int) bool {
	m := x.p.maxR
	cols, rows := x.s.Cols, x.s.Rows
	if c < m || r < m || c+m >= cols || r+m >= rows {
		return false
	}
	w := cols + 1
	r0, r1, c0, c1 := r-m, r+m+1, c-m, c+m+1
	bad := x.holes[r1*w+c1] - x.holes[r0*w+c1] - x.holes[r1*w+c0] + x.holes[r0*w+c0]
	return bad == 0
}

// holeTable returns the summed-area table of invalid cells: element
// (r, c) of the (rows+1) x (cols+1) table counts the invalid cells in the
// rows below r and the columns left of c.
func holeTable(g grid.Geom, mask []bool) []int32 {
	w := g.Cols + 1
	t := make([]int32, (g.Rows+1)*w)
	for r := 0; r < g.Rows; r++ {
		var run int32
		for c := 0; c < g.Cols; c++ {
			if !mask[r*g.Cols+c] {
				run++
			}
			t[(r+1)*w+c+1] = t[r*w+c+1] + run
		}
	}
	return t
}

// partner returns the flat index of the cell at offset o from (c, r) when
// it is on the grid and has data, else -1.
func (x *ringRun) partner(c, r int, o offset) int {
	rr, cc := r+int(o.dr), c+int(o.dc)
	cols := x.s.Cols
	if rr < 0 || rr >= x.s.Rows || cc < 0 || cc >= cols {
		return -1
	}
	j := rr*cols + cc
	if !x.mask[j] {
		return -1
	}
	return j
}

// wants reports whether the centre whose shell si has the plan index pi
// ((cell - a*cols)*ns + si, as its accumulator) scores its pair at offset o from (c, r): on
// the lattice, or its shell is scored in full.
func (x *ringRun) wants(pi int, c, r int, o offset, si int) bool {
	return !x.fast || x.full[pi] || x.lattice(c, r, o, si)
}

// walk visits the pairs of centre t = (c, r) of the chunk that this run
// scores, calling visit with the partner and the accumulators that take
// the score (-1: none). It returns the number of pairs visited.
func (x *ringRun) walk(t int, visit func(j int, a, b int32)) int {
	cols := x.s.Cols
	r, c := t/cols, t%cols
	base := (t - x.a*cols) * x.ns
	n := 0
	for si := range x.fwd {
		a := base + si
		for _, o := range x.fwd[si] {
			j := x.partner(c, r, o)
			if j < 0 {
				continue
			}
			wa, wb := int32(-1), int32(-1)
			if x.wants(a, c, r, o, si) { // the plan and the accumulators start at row a
				wa = int32(a)
			}
			if j < x.end*cols { // a centre of the detection: its row is below end
				if x.wants((j-x.a*cols)*x.ns+si, c, r, o, si) { // the lattice is symmetric
					wb = int32((j-x.a*cols)*x.ns + si)
				}
			}
			if wa < 0 && wb < 0 {
				continue
			}
			n++
			if visit != nil {
				visit(j, wa, wb)
			}
		}
		if r-x.p.maxR >= x.from {
			continue
		}
		for _, o := range x.back[si] {
			if r+int(o.dr) >= x.from {
				continue
			}
			if j := x.partner(c, r, o); j >= 0 && x.wants(a, c, r, o, si) {
				n++
				if visit != nil {
					visit(j, int32(a), -1)
				}
			}
		}
	}
	return n
}

func (x *ringRun) add(t, j int, a, b int32) {
	d := x.d
	data := x.s.Data
	xt := data[t*d : (t+1)*d : (t+1)*d]
	xj := data[j*d : (j+1)*d : (j+1)*d]
	row := x.buf[x.n*d : (x.n+1)*d : (x.n+1)*d]
	for k, v := range xt {
		row[k] = float32(math.Abs(float64(v - xj[k])))
	}
	x.ownA[x.n], x.ownB[x.n] = a, b
	if a >= 0 {
		x.cnt[a]++
	}
	if b >= 0 {
		x.cnt[b]++
	}
	x.n++
	if x.n == len(x.scores) {
		x.flush()
	}
}

func (x *ringRun) flush() {
	if x.n == 0 {
		return
	}
	sc := x.scores[:x.n]
	x.sc.ScorePairs(sc, x.buf[:x.n*x.d])
	for k, v := range sc {
		q := int64(float64(v) * x.scale)
		if a := x.ownA[k]; a >= 0 {
			x.sum[a] += q
		}
		if b := x.ownB[k]; b >= 0 {
			x.sum[b] += q
		}
	}
	x.pairs += int64(x.n)
	x.n = 0
}

// score scores the forward pairs of the centres of rows [a, b) (and their
// backward pairs with partners above the detection) into the accumulators
// of chunk(a, b), polling ctx and calling progress(rows done, b - a) after
// each block of rows.
func (x *ringRun) score(ctx context.Context, a, b, batch int, progress func(done, total int) error) error {
	x.chunk(a, b)
	cols := x.s.Cols
	per := max(1, x.p.fast/2)
	block := max(1, min(b-a, (4*batch+cols*per-1)/(cols*per)))
	for r0 := a; r0 < b; r0 += block {
		if err := ctx.Err(); err != nil {
			return err
		}
		r1 := min(r0+block, b)
		for t := r0 * cols; t < r1*cols; t++ {
			if x.mask[t] {
				x.walk(t, func(j int, a, b int32) { x.add(t, j, a, b) })
			}
		}
		x.flush()
		if progress != nil {
			if err := progress(r1-a, b-a); err != nil {
				return err
			}
		}
	}
	return nil
}
