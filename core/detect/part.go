package detect

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"halo/core/grid"
)

// A Detector scores chunks of the rows of one detection (the rows opt.Rows
// of s with the given windows) with one scorer: one Detector per worker.
// Each chunk scores the pairs its centres walk forward, also for partners
// in the rows below it, so every pair of the detection is evaluated once
// however the rows are chunked, and chunks can be handed out to workers as
// they become free. Merge adds the Parts up into the maps; a map is the same
// bit for bit for any chunking (the sums are fixed point).
type Detector struct {
	x       *ringRun
	o       Options
	windows [][2]int
}

// NewDetector returns a Detector for the windows (nil: opt.Inner and
// opt.Outer) and the options of Detect or Sweep. It panics, as Detect
// does, if sc.D() != s.D() or the options are invalid.
func NewDetector(s *grid.Stack, sc PairScorer, windows [][2]int, opt *Options) *Detector {
	o := opt.defaults()
	windows = windowsOf(windows, o)
	if sc != nil && sc.D() != s.D() {
		panic("detect: scorer and stack differ in layers")
	}
	from, to := rowRange(o, s.Geom)
	p := newPlan(windows, o.RingStep, o.ShellScale)
	return &Detector{x: newRingRun(s, sc, s.Mask(), p, from, to, o.Batch), o: o, windows: windows}
}

func windowsOf(windows [][2]int, o Options) [][2]int {
	if windows == nil {
		return [][2]int{{o.Inner, o.Outer}}
	}
	return windows
}

// Score scores the centres of the rows [rows[0], rows[1]), which must lie
// in the detection's rows. It polls ctx and calls progress(done, total)
// (rows of the chunk; nil means none) after each block of rows, and stops
// with ctx.Err() or the error progress returns.
func (d *Detector) Score(ctx context.Context, rows [2]int, progress func(done, total int) error) (*Part, error) {
	x := d.x
	if x.sc == nil {
		panic("detect: Score without a scorer")
	}
	if rows[0] < x.from || rows[1] > x.to || rows[0] >= rows[1] {
		panic(fmt.Sprintf("detect: chunk rows %v outside the detection's [%d, %d)", rows, x.from, x.to))
	}
	x.pairs = 0
	if err := x.score(ctx, rows[0], rows[1], d.o.Batch, progress); err != nil {
		return nil, err
	}
	cols, ns := x.s.Cols, x.ns
	p := &Part{From: rows[0], To: rows[1], End: x.end, Sum: x.sum, Cnt: x.cnt, Pairs: x.pairs}
	x.sum, x.cnt = nil, nil
	if x.fast {
		// The plan starts at the chunk's first row; the next chunk plans
		// into new arrays, so the part may keep these.
		own := (rows[1] - rows[0]) * cols * ns
		p.Full, p.NV = x.full[:own:own], x.nv[:own:own]
	}
	return p, nil
}

// A Part holds the shell sums of the centres of one chunk of rows of a
// detection (Detector.Score): what a worker returns for Merge.
type Part struct {
	From, To int     // the chunk's rows of centres
	End      int     // Sum and Cnt cover the rows [From, End): the chunk's and those its pairs reach below it
	Sum      []int64 // per cell and shell (cell-major): scores in fixed point
	Cnt      []int32 // per cell and shell: pairs added
	Full     []bool  // fast mode, rows [From, To): whether the shell is scored in full
	NV       []int32 // fast mode, rows [From, To): the shell's valid cells
	Pairs    int64   // network evaluations
}

// Merge adds up the parts of one detection (its windows, nil: opt.Inner
// and opt.Outer, and options as given to NewDetector), which must cover
// each of its rows exactly once, in any order, and writes the window means
// into dst (one grid per window, with the geometry of s): NaN where a cell
// has no data or its ring no valid cell; rows outside the detection are
// left untouched. It returns an error if the parts do not fit the
// detection (as when they come from another worker).
func Merge(dst []*grid.Grid, s *grid.Stack, windows [][2]int, opt *Options, parts []*Part) error {
	m := NewMerger(s, windows, opt)
	for _, p := range parts {
		if err := m.Add(p); err != nil {
			return err
		}
	}
	return m.Write(dst)
}

// A Merger adds up the parts of one detection as they arrive (Merge in
// steps), so that only the detection's sums stay in memory.
type Merger struct {
	s        *grid.Stack
	p        *plan
	from, to int
	acc      accumulators
	covered  []bool
	parts    int
}

// NewMerger returns a Merger for the detection of NewDetector(s, _,
// windows, opt). It panics if the options are invalid.
func NewMerger(s *grid.Stack, windows [][2]int, opt *Options) *Merger {
	o := opt.defaults()
	windows = windowsOf(windows, o)
	from, to := rowRange(o, s.Geom)
	p := newPlan(windows, o.RingStep, o.ShellScale)
	ns := len(p.shells)
	fast := p.sampled()
	cells := (to - from) * s.Cols * ns
	m := &Merger{s: s, p: p, from: from, to: to, covered: make([]bool, to-from),
		acc: accumulators{sum: make([]int64, cells), cnt: make([]int32, cells), fast: fast, p: p, scale: fixedScale(p.maxR)}}
	if fast {
		m.acc.full = make([]bool, cells)
		m.acc.nv = make([]int32, cells)
	}
	return m
}

// Add adds a part. It returns an error, and adds nothing, if the part does
// not fit the detection or holds rows already added.
func (m *Merger) Add(pt *Part) error {
	m.parts++
	cols, ns, from, to := m.s.Cols, len(m.p.shells), m.from, m.to
	if pt == nil || pt.From < from || pt.To > to || pt.From >= pt.To || pt.End != min(pt.To+m.p.maxR, to) {
		return fmt.Errorf("detect: part %d does not fit the detection's rows [%d, %d)", m.parts, from, to)
	}
	if n := (pt.End - pt.From) * cols * ns; len(pt.Sum) != n || len(pt.Cnt) != n {
		return fmt.Errorf("detect: part %d holds %d sums for %d", m.parts, len(pt.Sum), n)
	}
	own := (pt.To - pt.From) * cols * ns
	if m.acc.fast && (len(pt.Full) != own || len(pt.NV) != own) {
		return fmt.Errorf("detect: part %d holds %d shell plans for %d", m.parts, len(pt.NV), own)
	}
	for r := pt.From; r < pt.To; r++ {
		if m.covered[r-from] {
			return fmt.Errorf("detect: row %d scored twice", r)
		}
	}
	for r := pt.From; r < pt.To; r++ {
		m.covered[r-from] = true
	}
	off := (pt.From - from) * cols * ns
	sum, cnt := m.acc.sum[off:off+len(pt.Sum)], m.acc.cnt[off:off+len(pt.Cnt)]
	for k, v := range pt.Sum {
		sum[k] += v
	}
	for k, v := range pt.Cnt {
		cnt[k] += v
	}
	if m.acc.fast {
		copy(m.acc.full[off:], pt.Full)
		copy(m.acc.nv[off:], pt.NV)
	}
	return nil
}

// Write writes the window means into dst (see Merge). It returns an error
// if a row of the detection has not been added or dst does not fit.
func (m *Merger) Write(dst []*grid.Grid) error {
	s := m.s
	if len(dst) != len(m.p.winOf) {
		return fmt.Errorf("detect: %d maps for %d windows", len(dst), len(m.p.winOf))
	}
	for _, g := range dst {
		if g == nil || g.Cols != s.Cols || g.Rows != s.Rows || len(g.Data) != s.Len() {
			return errors.New("detect: destination size mismatch")
		}
	}
	for r, ok := range m.covered {
		if !ok {
			return fmt.Errorf("detect: row %d not scored", m.from+r)
		}
	}
	cols, ns := s.Cols, len(m.p.shells)
	mask := s.Mask()
	nan := float32(math.NaN())
	for t := m.from * cols; t < m.to*cols; t++ {
		base := (t - m.from*cols) * ns
		for w, g := range dst {
			if !mask[t] {
				g.Data[t] = nan
				continue
			}
			g.Data[t] = m.acc.mean(base, m.p.winOf[w])
		}
	}
	return nil
}

// accumulators are the merged shell sums of a detection.
type accumulators struct {
	sum   []int64
	cnt   []int32
	full  []bool
	nv    []int32
	fast  bool
	p     *plan
	scale float64
}

// mean returns the window mean of the centre whose accumulators start at
// base over the shells shs: a sampled shell contributes its sample mean
// times its number of valid cells, so every ring cell counts alike.
func (x *accumulators) mean(base int, shs []int) float32 {
	var s, n float64
	for _, si := range shs {
		a := base + si
		switch v := float64(x.sum[a]) / x.scale; {
		case x.cnt[a] == 0:
		case !x.fast || x.p.shells[si].step == 1 || x.full[a]:
			s += v
			n += float64(x.cnt[a])
		default:
			s += v * float64(x.nv[a]) / float64(x.cnt[a])
			n += float64(x.nv[a])
		}
	}
	if n == 0 {
		return float32(math.NaN())
	}
	return float32(s / n)
}

const partMagic = "HDP1"

// MarshalBinary encodes the part (little-endian) for another worker.
func (p *Part) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 4+6*8+len(p.Sum)*12+len(p.Full)*5)
	b = append(b, partMagic...)
	for _, v := range []int64{int64(p.From), int64(p.To), int64(p.End), p.Pairs, int64(len(p.Sum)), int64(len(p.Full))} {
		b = binary.LittleEndian.AppendUint64(b, uint64(v))
	}
	for _, v := range p.Sum {
		b = binary.LittleEndian.AppendUint64(b, uint64(v))
	}
	for _, v := range p.Cnt {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	for _, v := range p.Full {
		if v {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	for _, v := range p.NV {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	return b, nil
}

// UnmarshalBinary decodes a part encoded by MarshalBinary. Merge checks
// that it fits the detection.
func (p *Part) UnmarshalBinary(b []byte) error {
	const head = 4 + 6*8
	if len(b) < head || string(b[:4]) != partMagic {
		return errors.New("detect: not an encoded part")
	}
	var h [6]int64
	for i := range h {
		h[i] = int64(binary.LittleEndian.Uint64(b[4+8*i:]))
	}
	ns, nf := h[4], h[5]
	if ns < 0 || nf < 0 || ns > int64(len(b)) || nf > int64(len(b)) || int64(len(b)) != head+12*ns+5*nf {
		return fmt.Errorf("detect: encoded part of %d bytes does not hold %d sums and %d plans", len(b), ns, nf)
	}
	*p = Part{From: int(h[0]), To: int(h[1]), End: int(h[2]), Pairs: h[3],
		Sum: make([]int64, ns), Cnt: make([]int32, ns)}
	b = b[head:]
	for i := range p.Sum {
		p.Sum[i] = int64(binary.LittleEndian.Uint64(b[8*i:]))
	}
	b = b[8*ns:]
	for i := range p.Cnt {
		p.Cnt[i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
	}
	b = b[4*ns:]
	if nf > 0 {
		p.Full = make([]bool, nf)
		p.NV = make([]int32, nf)
		for i := range p.Full {
			p.Full[i] = b[i] != 0
		}
		b = b[nf:]
		for i := range p.NV {
			p.NV[i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
		}
	}
	return nil
}
