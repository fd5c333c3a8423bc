package detect

import (
	"context"
	"math"
	"math/bits"

	"halo/core/grid"
)

// Exact mode scores each unordered pair once. The ring relation is
// symmetric (j is in the ring of T exactly when T is in the ring of j, at
// the same Chebyshev radius, so in the same shell) and so is the pair code
// (|x_T - x_j| = |x_j - x_T| bit for bit: IEEE subtraction is exact under
// sign change), so one network evaluation serves both centres. A centre
// walks the forward half of its ring (offsets below it, or to its right on
// its own row) and adds each score to itself and, when the partner is a
// centre of the row range too, to the partner. The backward half is walked
// only for partners in rows above the range, whose own walk is not part of
// this run. On a whole map this halves the evaluations (2 x 10^7 to about
// 10^7 for (13, 35) on nanling-li); a band of rows saves less near its
// edges.
//
// Shell sums are kept in fixed point (int64, exact), so a centre's sum does
// not depend on the order its pairs were scored in, and a map is the same
// bit for bit however its rows are split over workers.

// exactRun holds the state of one exact run over the rows [from, to).
type exactRun struct {
	s      *grid.Stack
	sc     PairScorer
	mask   []bool
	p      *plan
	fwd    [][]offset // per shell: the forward half of its offsets
	back   [][]offset // per shell: the backward half with dr < 0
	from   int
	to     int
	scale  float64 // fixed-point scale of a score: 2^k
	d      int
	ns     int
	buf    []float32
	scores []float32
	ownA   []int32 // accumulator of the centre of each pair in buf
	ownB   []int32 // accumulator of the partner, or -1
	n      int
	sum    []int64 // per centre of the range and shell, scores x scale
	cnt    []int32
	pairs  int64 // network evaluations so far
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

func newExactRun(s *grid.Stack, sc PairScorer, mask []bool, p *plan, from, to, batch int) *exactRun {
	d := s.D()
	ns := len(p.shells)
	fwd, back := splitShells(p)
	// A shell has 8r cells, each adding at most scale: 8 maxR scale < 2^62.
	k := 62 - bits.Len(uint(8*p.maxR))
	x := &exactRun{
		s: s, sc: sc, mask: mask, p: p, fwd: fwd, back: back, from: from, to: to,
		scale: math.Ldexp(1, k), d: d, ns: ns,
		buf:    make([]float32, batch*d),
		scores: make([]float32, batch),
		ownA:   make([]int32, batch),
		ownB:   make([]int32, batch),
	}
	if sc != nil {
		x.sum = make([]int64, (to-from)*s.Cols*ns)
		x.cnt = make([]int32, (to-from)*s.Cols*ns)
	}
	return x
}

// partner returns the flat index of the cell at offset o from (c, r) when
// it is on the grid and has data, else -1.
func (x *exactRun) partner(c, r int, o offset) int {
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

// count returns the network evaluations of centre (c, r).
func (x *exactRun) count(c, r int) int {
	n := 0
	for si := range x.fwd {
		for _, o := range x.fwd[si] {
			if x.partner(c, r, o) >= 0 {
				n++
			}
		}
		if r-x.p.maxR >= x.from {
			continue
		}
		for _, o := range x.back[si] {
			if r+int(o.dr) < x.from && x.partner(c, r, o) >= 0 {
				n++
			}
		}
	}
	return n
}

// centre adds the pairs of centre t = (c, r) to the batch.
func (x *exactRun) centre(t int) {
	cols := x.s.Cols
	r, c := t/cols, t%cols
	base := (t - x.from*cols) * x.ns
	for si := range x.fwd {
		a := int32(base + si)
		for _, o := range x.fwd[si] {
			j := x.partner(c, r, o)
			if j < 0 {
				continue
			}
			b := int32(-1)
			if j < x.to*cols {
				b = int32((j-x.from*cols)*x.ns + si)
			}
			x.add(t, j, a, b)
		}
		if r-x.p.maxR >= x.from {
			continue
		}
		for _, o := range x.back[si] {
			if r+int(o.dr) >= x.from {
				continue
			}
			if j := x.partner(c, r, o); j >= 0 {
				x.add(t, j, a, -1)
			}
		}
	}
}

func (x *exactRun) add(t, j int, a, b int32) {
	d := x.d
	data := x.s.Data
	xt := data[t*d : (t+1)*d : (t+1)*d]
	xj := data[j*d : (j+1)*d : (j+1)*d]
	row := x.buf[x.n*d : (x.n+1)*d : (x.n+1)*d]
	for k, v := range xt {
		row[k] = float32(math.Abs(float64(v - xj[k])))
	}
	x.ownA[x.n], x.ownB[x.n] = a, b
	x.cnt[a]++
	if b >= 0 {
		x.cnt[b]++
	}
	x.n++
	if x.n == len(x.scores) {
		x.flush()
	}
}

func (x *exactRun) flush() {
	if x.n == 0 {
		return
	}
	sc := x.scores[:x.n]
	x.sc.ScorePairs(sc, x.buf[:x.n*x.d])
	for k, v := range sc {
		q := int64(float64(v) * x.scale)
		x.sum[x.ownA[k]] += q
		if b := x.ownB[k]; b >= 0 {
			x.sum[b] += q
		}
	}
	x.pairs += int64(x.n)
	x.n = 0
}

// runExact is run for Options.Exact: every ring cell, each unordered pair
// scored once.
func runExact(ctx context.Context, dst []*grid.Grid, s *grid.Stack, sc PairScorer, p *plan, o Options, from, to int, progress func(done, total int) error) error {
	mask := s.Mask()
	cols := s.Cols
	x := newExactRun(s, sc, mask, p, from, to, o.Batch)
	per := max(1, p.full/2)
	block := max(1, min(to-from, (4*o.Batch+cols*per-1)/(cols*per)))
	for r0 := from; r0 < to; r0 += block {
		if err := ctx.Err(); err != nil {
			return err
		}
		r1 := min(r0+block, to)
		for t := r0 * cols; t < r1*cols; t++ {
			if mask[t] {
				x.centre(t)
			}
		}
		x.flush()
		if progress != nil {
			if err := progress(r1-from, to-from); err != nil {
				return err
			}
		}
	}
	nan := float32(math.NaN())
	for t := from * cols; t < to*cols; t++ {
		base := (t - from*cols) * x.ns
		for w, g := range dst {
			if !mask[t] {
				g.Data[t] = nan
				continue
			}
			var sum float64
			var n int64
			for _, si := range p.winOf[w] {
				sum += float64(x.sum[base+si]) / x.scale
				n += int64(x.cnt[base+si])
			}
			v := nan
			if n > 0 {
				v = float32(sum / float64(n))
			}
			g.Data[t] = v
		}
	}
	return nil
}
