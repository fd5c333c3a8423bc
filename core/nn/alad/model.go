package alad

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"halo/core/nn/blas32"
	"halo/core/nn/internal/weights"
)

// blockRows is the number of rows scored together by Score.
const blockRows = 64

// dense is an exported dense layer: out = in W + B, W row-major In x Out.
type dense struct {
	In, Out int
	W, B    []float32
}

// Model is a trained ALAD model reduced to what the score needs: the
// averaged weights of E, G and the two hidden layers of Dxx, with spectral
// normalisation folded in.
type Model struct {
	d    int
	arch Arch
	e    [3]dense // LReLU, LReLU, linear
	g    [3]dense // ReLU, ReLU, linear
	f    [2]dense // Dxx hidden layers, LReLU; f[0].In = 2D, rows [0,D) take x, [D,2D) take x'

	scratch []float32
	// Made with scratch, on the first Score: the weights of every layer but
	// f[0] packed once for blas32.GemmRows (bias and activation in the
	// product's epilogue), and the row offsets i*w of each width w.
	packed [7]blas32.PackedB // e0 e1 e2 g0 g1 g2 f1
	// f[0] on (x, x) is x (Wx + Wx') + B: fxx packs Wx + Wx' (D rows); on
	// (x, x') it reads rows [x x'] of cat (2D values) with f0 = all of W.
	fxx, f0 blas32.PackedB
	cat     []float32
	offs    *blas32.RowOffsets
}

// Dim returns the number of values per row the model scores.
func (m *Model) Dim() int { return m.d }

// Arch returns the layer widths of the model.
func (m *Model) Arch() Arch { return m.arch }

func (m *Model) layers() []*dense {
	return []*dense{&m.e[0], &m.e[1], &m.e[2], &m.g[0], &m.g[1], &m.g[2], &m.f[0], &m.f[1]}
}

func newModel(d int, a Arch) *Model {
	m := &Model{d: d, arch: a}
	L := a.Latent
	shapes := [][2]int{{d, a.Enc1}, {a.Enc1, a.Enc2}, {a.Enc2, L}, {L, a.Gen1}, {a.Gen1, a.Gen2}, {a.Gen2, d}, {2 * d, a.Dxx1}, {a.Dxx1, a.Dxx2}}
	for i, l := range m.layers() {
		*l = dense{In: shapes[i][0], Out: shapes[i][1], W: make([]float32, shapes[i][0]*shapes[i][1]), B: make([]float32, shapes[i][1])}
	}
	return m
}

// Clone returns an independent copy of m (for use in another goroutine).
func (m *Model) Clone() *Model {
	c := newModel(m.d, m.arch)
	src := m.layers()
	for i, l := range c.layers() {
		copy(l.W, src[i].W)
		copy(l.B, src[i].B)
	}
	return c
}

func (m *Model) ensureScratch() {
	a := m.arch
	w := max(a.Enc1, a.Enc2, a.Latent, a.Gen1, a.Gen2, m.d, a.Dxx1, a.Dxx2)
	// h, h2 (ping-pong), rec, p, q1, q2
	need := blockRows * w * 6
	if len(m.scratch) < need {
		m.scratch = make([]float32, need)
	}
	if m.offs == nil {
		f := &m.f[0]
		d, n1 := m.d, f.Out
		sum := make([]float32, d*n1)
		for i := range sum {
			sum[i] = f.W[i] + f.W[d*n1+i]
		}
		m.fxx.Pack(d, n1, sum, n1, false)
		m.f0.Pack(2*d, n1, f.W, n1, false)
		m.cat = make([]float32, blockRows*2*d)
		m.offs = blas32.NewRowOffsets(blockRows)
		for i, l := range []*dense{&m.e[0], &m.e[1], &m.e[2], &m.g[0], &m.g[1], &m.g[2], &m.f[1]} {
			m.packed[i].Pack(l.In, l.Out, l.W, l.Out, false)
		}
	}
}

// layer sets out = act(in W + B) for the r rows of in with packed layer
// i (0-6: e0 e1 e2 g0 g1 g2 f1): act 'l' LReLU, 'r' ReLU, else none.
func (m *Model) layer(out, in []float32, r, i int, l *dense, act byte) {
	ci, co := m.offs.Of(l.In, r), m.offs.Of(l.Out, r)
	switch act {
	case 'l':
		blas32.GemmRowsLeaky(out, co, in, ci, &m.packed[i], l.B, lreluSlope)
	case 'r':
		blas32.GemmRows(out, co, in, ci, &m.packed[i], l.B, true)
	default:
		blas32.GemmRows(out, co, in, ci, &m.packed[i], l.B, false)
	}
}

// Score writes the anomaly score A(x) = || f_xx(x, x) - f_xx(x, G(E(x))) ||_1
// of each row of x (rows of Dim() values, cell-major) into dst and returns
// it. A nil dst is allocated; otherwise len(dst) must equal the number of
// rows. Score panics if len(x) is not a multiple of Dim(). Rows holding
// NaN give NaN. It allocates nothing after its first call on m.
func (m *Model) Score(dst, x []float32) []float32 {
	d := m.d
	if d == 0 {
		panic("alad: Score on a zero Model (use Train or UnmarshalBinary)")
	}
	if len(x)%d != 0 {
		panic("alad: len(x) is not a multiple of the model dimension")
	}
	n := len(x) / d
	if dst == nil {
		dst = make([]float32, n)
	} else if len(dst) != n {
		panic("alad: len(dst) differs from the number of rows")
	}
	m.ensureScratch()
	for r0 := 0; r0 < n; r0 += blockRows {
		r := min(blockRows, n-r0)
		m.scoreBlock(dst[r0:r0+r], x[r0*d:(r0+r)*d], r)
	}
	return dst
}

func (m *Model) scoreBlock(dst, x []float32, r int) {
	a := m.arch
	w := max(a.Enc1, a.Enc2, a.Latent, a.Gen1, a.Gen2, m.d, a.Dxx1, a.Dxx2)
	s := blockRows * w
	h1, h2, rec := m.scratch[:s], m.scratch[s:2*s], m.scratch[2*s:3*s]
	p, q1, q2 := m.scratch[3*s:4*s], m.scratch[4*s:5*s], m.scratch[5*s:6*s]

	m.layer(h1, x, r, 0, &m.e[0], 'l')
	m.layer(h2, h1, r, 1, &m.e[1], 'l')
	m.layer(h1, h2, r, 2, &m.e[2], 0) // z
	m.layer(h2, h1, r, 3, &m.g[0], 'r')
	m.layer(h1, h2, r, 4, &m.g[1], 'r')
	m.layer(rec, h1, r, 5, &m.g[2], 0)

	f0, f1 := &m.f[0], &m.f[1]
	d, n1 := m.d, f0.Out
	po := m.offs.Of(n1, r)
	blas32.GemmRowsLeaky(p, po, x, m.offs.Of(d, r), &m.fxx, f0.B, lreluSlope)
	m.layer(q1, p, r, 6, f1, 'l')

	cat := m.cat[:r*2*d]
	for i := range r {
		copy(cat[2*i*d:(2*i+1)*d], x[i*d:(i+1)*d])
		copy(cat[(2*i+1)*d:(2*i+2)*d], rec[i*d:(i+1)*d])
	}
	blas32.GemmRowsLeaky(p, po, cat, m.offs.Of(2*d, r), &m.f0, f0.B, lreluSlope)
	m.layer(q2, p, r, 6, f1, 'l')

	n2 := f1.Out
	for i := range r {
		var sum float32
		u, v := q1[i*n2:(i+1)*n2], q2[i*n2:(i+1)*n2]
		for j := range u {
			sum += abs32(u[j] - v[j])
		}
		dst[i] = sum
	}
}

func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }

// Binary format: magic "HALOALAD", uint32 version, uint32 D, 12 uint32 Arch
// widths (in Arch field order), then for each layer (E1..E3, G1..G3, Dxx1,
// Dxx2) W then B as little-endian float32.
const (
	magic   = "HALOALAD"
	version = 1
)

// ErrFormat is returned by UnmarshalBinary for data that is not a model.
var ErrFormat = errors.New("alad: not a serialised ALAD model (wrong magic, version or length)")

// MarshalBinary encodes the model weights.
func (m *Model) MarshalBinary() ([]byte, error) {
	buf := []byte(magic)
	buf = binary.LittleEndian.AppendUint32(buf, version)
	buf = binary.LittleEndian.AppendUint32(buf, uint32(m.d))
	for _, w := range m.arch.widths() {
		buf = binary.LittleEndian.AppendUint32(buf, uint32(w))
	}
	buf = weights.Append(buf, m.weightSlices()...)
	return buf, nil
}

// UnmarshalBinary decodes a model written by MarshalBinary into m.
func (m *Model) UnmarshalBinary(data []byte) error {
	const head = len(magic) + 4*(2+12)
	if len(data) < head || string(data[:len(magic)]) != magic {
		return ErrFormat
	}
	u := func(i int) int { return int(binary.LittleEndian.Uint32(data[len(magic)+4*i:])) }
	if u(0) != version {
		return fmt.Errorf("%w: version %d, want %d", ErrFormat, u(0), version)
	}
	d := u(1)
	w := make([]int, 12)
	for i := range w {
		w[i] = u(2 + i)
	}
	a := Arch{Enc1: w[0], Enc2: w[1], Gen1: w[2], Gen2: w[3], DxzX: w[4], DxzZ: w[5], DxzJoint: w[6], Dxx1: w[7], Dxx2: w[8], Dzz1: w[9], Dzz2: w[10], Latent: w[11]}
	const maxWidth = 1 << 16
	for _, v := range append(w, d) {
		if v <= 0 || v > maxWidth {
			return fmt.Errorf("%w: width %d", ErrFormat, v)
		}
	}
	nm := newModel(d, a)
	ws := nm.weightSlices()
	if !weights.Read(data[head:], ws...) {
		return fmt.Errorf("%w: %d bytes, want %d", ErrFormat, len(data), head+weights.Size(ws...))
	}
	*m = *nm
	return nil
}

// weightSlices returns the weights and biases of every layer, in the
// order MarshalBinary writes them.
func (m *Model) weightSlices() [][]float32 {
	var s [][]float32
	for _, l := range m.layers() {
		s = append(s, l.W, l.B)
	}
	return s
}
