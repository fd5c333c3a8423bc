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
	t0, step []int   // per shell: walk start and stride for the current centre
	nv       []int32 // per shell: valid cells of the whole shell for the current centre
	valid    []int32 // per centre slot and sampled shell: nv at scoring time
}

func newEngine(s *grid.Stack, sc PairScorer, mask []bool, p *plan, fast bool, batch, slots int) *engine {
	d := s.D()
	ns := len(p.shells)
	e := &engine{
		s: s, sc: sc, mask: mask, p: p, d: d, fast: fast,
		buf:    make([]float32, batch*d),
		scores: make([]float32, batch),
		owner:  make([]int32, batch),
		sum:    make([]float64, slots*ns),
		cnt:    make([]int32, slots*ns),
	}
	if fast {
		e.holes = holeTable(s.Geom, mask)
	}
	e.t0 = make([]int, ns)
	e.step = make([]int, ns)
	e.nv = make([]int32, ns)
	e.valid = make([]int32, slots*ns)
	return e
}

// minShare is the fast mode's fallback rule: a shell whose sampled cells
// are fewer than minShare valid (near an edge or a hole) is scored on all
// its cells instead, so edge cells are not estimated from a handful of
// pairs. The rule is per shell, so a window gets the same score from Detect
// and from any Sweep that contains it.
const minShare = 0.5

// phase returns where the fast mode starts on shell sh for centre (c, r):
// it varies between neighbouring centres and between shells, so no sampling
// pattern is locked to the grid.
// (A hashed phase was measured too: no better on nanling-li.)
func phase(c, r int, sh *shell) int {
	return (c + 2*r + sh.r) % sh.step
}

// plan sets e.t0 and e.step, the start and stride of each shell's walk for
// centre (c, r): every cell in exact mode; in fast mode the shell's step
// from a centre-dependent phase, unless too few of those cells are valid.
// For a sampled shell it sets e.nv to the number of valid cells of the
// whole shell, the weight of the shell's sample mean.
func (e *engine) plan(c, r int) {
	p := e.p
	if !e.fast {
		for si := range p.shells {
			e.t0[si], e.step[si] = 0, 1
		}
		return
	}
	clean := e.clean(c, r)
	cols, rows := e.s.Cols, e.s.Rows
	for si := range p.shells {
		sh := &p.shells[si]
		t0 := phase(c, r, sh)
		e.t0[si], e.step[si] = t0, sh.step
		e.nv[si] = int32(len(sh.offs))
		if clean || sh.step == 1 {
			continue
		}
		n, want, all := 0, 0, 0
		for t, o := range sh.offs {
			rr, cc := r+int(o.dr), c+int(o.dc)
			ok := rr >= 0 && rr < rows && cc >= 0 && cc < cols && e.mask[rr*cols+cc]
			if ok {
				all++
			}
			if t >= t0 && (t-t0)%sh.step == 0 {
				want++
				if ok {
					n++
				}
			}
		}
		e.nv[si] = int32(all)
		if float64(n) < minShare*float64(want) {
			e.t0[si], e.step[si] = 0, 1
		}
	}
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

// count returns the number of pairs the engine scores for centre (c, r).
func (e *engine) count(c, r int) int {
	cols, rows := e.s.Cols, e.s.Rows
	e.plan(c, r)
	n := 0
	for si := range e.p.shells {
		sh := &e.p.shells[si]
		for t := e.t0[si]; t < len(sh.offs); t += e.step[si] {
			o := sh.offs[t]
			rr, cc := r+int(o.dr), c+int(o.dc)
			if rr >= 0 && rr < rows && cc >= 0 && cc < cols && e.mask[rr*cols+cc] {
				n++
			}
		}
	}
	return n
}

// score computes the window means of the centres (flat indices of valid
// cells) into out[w][k] for centre k (NaN where a window has no valid ring
// cell). len(centres) must not exceed the engine's slots.
func (e *engine) score(centres []int, out [][]float32) {
	ns := len(e.p.shells)
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
		e.plan(c, r)
		for si := range e.p.shells {
			sh := &e.p.shells[si]
			a := base + int32(si)
			step := e.step[si]
			e.valid[a] = 0 // 0: every valid cell of the shell is scored
			if step > 1 {
				e.valid[a] = e.nv[si]
			}
			for q := e.t0[si]; q < len(sh.offs); q += step {
				o := sh.offs[q]
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
				e.owner[e.n] = a
				e.cnt[a]++
				e.n++
				if e.n == batch {
					e.flush()
				}
			}
		}
	}
	e.flush()
	// A window's mean weights every valid ring cell alike: a sampled shell
	// contributes its sample mean times its number of valid cells.
	for slot := range centres {
		for w, shs := range e.p.winOf {
			var s, n float64
			for _, si := range shs {
				a := slot*ns + si
				switch {
				case e.cnt[a] == 0:
				case e.valid[a] == 0:
					s += e.sum[a]
					n += float64(e.cnt[a])
				default:
					s += e.sum[a] * float64(e.valid[a]) / float64(e.cnt[a])
					n += float64(e.valid[a])
				}
			}
			v := float32(math.NaN())
			if n > 0 {
				v = float32(s / n)
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
