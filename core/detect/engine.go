package detect

import (
	"math"

	"halo/core/grid"
)

// engine scores centres: it fills a reusable buffer with pair differences,
// calls the scorer once per full batch, and accumulates the scores per
// (centre, shell). All buffers are allocated once per run.
type engine struct {
	s    *grid.Stack
	sc   PairScorer
	mask []bool
	p    *plan
	d    int
	fast bool

	buf    []float32 // batch*d pair differences
	scores []float32 // batch scores
	owner  []int32   // accumulator index of each pair in buf
	n      int       // pairs in buf

	sum []float64 // per centre slot and shell
	cnt []int32

	pairs int64 // pairs scored so far

	holes    []int32 // summed table of invalid cells (fast mode)
	perShell []int   // scratch
}

func newEngine(s *grid.Stack, sc PairScorer, mask []bool, p *plan, fast bool, batch, slots int) *engine {
	d := s.D()
	ns := len(p.radii)
	e := &engine{
		s: s, sc: sc, mask: mask, p: p, d: d, fast: fast && p.step > 1,
		buf:    make([]float32, batch*d),
		scores: make([]float32, batch),
		owner:  make([]int32, batch),
		sum:    make([]float64, slots*ns),
		cnt:    make([]int32, slots*ns),
	}
	if e.fast {
		e.holes = holeTable(s.Geom, mask)
		e.perShell = make([]int, ns)
	}
	return e
}

// minShare is the fast mode's fallback rule: a centre whose subsampled ring
// has fewer valid cells than minShare of the subsampled offsets of some
// window (near an edge or a hole) is scored on its full ring instead, so
// edge cells are not estimated from a handful of pairs.
const minShare = 0.5

// phase returns the subsampling phase of centre (c, r) for ring step k. It
// varies between neighbouring centres, so no sampling pattern is locked to
// the grid.
func phase(c, r, k int) int {
	return (c + 2*r) % k
}

// offsets returns the ring offsets to use for centre (c, r).
func (e *engine) offsets(c, r int) []offset {
	p := e.p
	if !e.fast {
		return p.full
	}
	ph := phase(c, r, p.step)
	sub := p.sub[ph]
	if e.clean(c, r) {
		return sub
	}
	cols, rows := e.s.Cols, e.s.Rows
	clear(e.perShell)
	for _, o := range sub {
		rr, cc := r+int(o.dr), c+int(o.dc)
		if rr < 0 || rr >= rows || cc < 0 || cc >= cols || !e.mask[rr*cols+cc] {
			continue
		}
		e.perShell[o.shell]++
	}
	for w, sh := range p.winOf {
		n := 0
		for _, si := range sh {
			n += e.perShell[si]
		}
		if float64(n) < minShare*float64(p.subLen[ph][w]) {
			return p.full
		}
	}
	return sub
}

// clean reports whether the whole outer square around (c, r) lies on the
// grid and has data, using the summed table of invalid cells.
func (e *engine) clean(c, r int) bool {
	m := e.p.maxR
	cols, rows := e.s.Cols, e.s.Rows
	if c < m || r < m || c+m >= cols || r+m >= rows {
		return false
	}
	w := cols + 1
	r0, r1, c0, c1 := r-m, r+m+1, c-m, c+m+1
	bad := e.holes[r1*w+c1] - e.holes[r0*w+c1] - e.holes[r1*w+c0] + e.holes[r0*w+c0]
	return bad == 0
}

// holeTable returns the summed-area table of invalid cells: element
// (r, c) of the (rows+1) x (cols+1) table counts the invalid cells in rows
// below r and columns left of c.
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

// score computes the window means of the centres (flat indices of valid
// cells) into out[w][k] for centre k (NaN where a window has no valid ring
// cell). len(centres) must not exceed the engine's slots.
func (e *engine) score(centres []int, out [][]float32) {
	ns := len(e.p.radii)
	clear(e.sum[:len(centres)*ns])
	clear(e.cnt[:len(centres)*ns])
	cols, rows := e.s.Cols, e.s.Rows
	d := e.d
	data := e.s.Data
	batch := len(e.scores)
	for slot, t := range centres {
		r, c := t/cols, t%cols
		xt := data[t*d : (t+1)*d : (t+1)*d]
		base := int32(slot * ns)
		for _, o := range e.offsets(c, r) {
			rr, cc := r+int(o.dr), c+int(o.dc)
			if rr < 0 || rr >= rows || cc < 0 || cc >= cols {
				continue
			}
			j := rr*cols + cc
			if !e.mask[j] {
				continue
			}
			xj := data[j*d : (j+1)*d : (j+1)*d]
			row := e.buf[e.n*d : (e.n+1)*d : (e.n+1)*d]
			for k, v := range xt {
				row[k] = float32(math.Abs(float64(v - xj[k])))
			}
			a := base + o.shell
			e.owner[e.n] = a
			e.cnt[a]++
			e.n++
			if e.n == batch {
				e.flush()
			}
		}
	}
	e.flush()
	for slot := range centres {
		for w, sh := range e.p.winOf {
			var s float64
			var n int32
			for _, si := range sh {
				a := slot*ns + si
				s += e.sum[a]
				n += e.cnt[a]
			}
			v := float32(math.NaN())
			if n > 0 {
				v = float32(s / float64(n))
			}
			out[w][slot] = v
		}
	}
}

// flush scores the pairs in the buffer and adds them to their centres.
func (e *engine) flush() {
	if e.n == 0 {
		return
	}
	sc := e.scores[:e.n]
	e.sc.ScorePairs(sc, e.buf[:e.n*e.d])
	for k, v := range sc {
		e.sum[e.owner[k]] += float64(v)
	}
	e.pairs += int64(e.n)
	e.n = 0
}
