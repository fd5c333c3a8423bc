package cnn

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Layer holds the weights of one convolution layer with In input channels,
// Out output channels and kernel length K.
type Layer struct {
	// W is the (K*In)×Out kernel, row-major: W[(k*In+c)*Out+o] multiplies
	// input channel c at position p*Stride + k - (K-1)/2 for output channel
	// o at position p. (gorgonia's Conv2d filter (Out, In, 1, K) element
	// [o][c][0][k] is the same number.)
	W []float32
	// B holds Out biases.
	B []float32
}

// Model is a trained pixel-pair network: its architecture, input length and
// weights. The zero value is not usable; get one from Train, NewModel or
// UnmarshalBinary.
//
// A Model scores pairs with ScorePairs through an internal Scorer built on
// first use from the weights at that time; change no weight afterwards (build
// a new Model). ScorePairs is therefore for one goroutine at a time; give
// each other goroutine its own NewScorer.
type Model struct {
	Arch Arch
	// Dim is the input length D (elements per pair difference).
	Dim  int
	Conv []Layer
	// FC holds the weights of the output unit, one per channel of the last
	// layer (after global average pooling), FCBias its bias.
	FC     []float32
	FCBias float32

	scorer *Scorer
}

// NewModel returns a model of arch for inputs of d values with all weights
// zero. It panics if arch is not valid for d.
func NewModel(arch Arch, d int) *Model {
	if arch.Validate(d) != nil {
		panic("cnn: invalid Arch for this input length (see Arch.Validate)")
	}
	arch.Kernel = arch.kernel()
	m := &Model{Arch: arch, Dim: d, Conv: make([]Layer, len(arch.Channels))}
	in := 1
	for i, c := range arch.Channels {
		m.Conv[i] = Layer{W: make([]float32, arch.Kernel*in*c), B: make([]float32, c)}
		in = c
	}
	m.FC = make([]float32, in)
	return m
}

// D returns the input length of a pair difference.
func (m *Model) D() int { return m.Dim }

// MACs returns the multiply-adds per pair (Arch.MACs at the model's D).
func (m *Model) MACs() int { return m.Arch.MACs(m.Dim) }

// ScorePairs writes to dst[i] the probability sigmoid(CNN(row i)) that the
// pair with difference row diffs[i*D:(i+1)*D] is dissimilar (label 1). Rows
// are |x_T - x_j| as in training. It panics if len(diffs) != len(dst)*D.
// After the first call it does not allocate.
func (m *Model) ScorePairs(dst, diffs []float32) {
	if m.scorer == nil {
		m.scorer = m.NewScorer()
	}
	m.scorer.ScorePairs(dst, diffs)
}

// Logits is ScorePairs without the sigmoid.
func (m *Model) Logits(dst, diffs []float32) {
	if m.scorer == nil {
		m.scorer = m.NewScorer()
	}
	m.scorer.Logits(dst, diffs)
}

// Clone returns a deep copy of m's architecture and weights.
func (m *Model) Clone() *Model {
	c := NewModel(m.Arch, m.Dim)
	for i, l := range m.Conv {
		copy(c.Conv[i].W, l.W)
		copy(c.Conv[i].B, l.B)
	}
	copy(c.FC, m.FC)
	c.FCBias = m.FCBias
	return c
}

// Binary format (little endian): magic "HALOCNN1", uint32 D, kernel, number
// of layers L, L channel counts, L strides, then per layer W and B as
// float32, then FC and FCBias.
const magic = "HALOCNN1"

// ErrFormat is returned by UnmarshalBinary for data that is not a model
// written by MarshalBinary.
var ErrFormat = errors.New("cnn: not a halo CNN model (bad or truncated data)")

// MarshalBinary encodes the architecture and weights of m.
func (m *Model) MarshalBinary() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(magic)
	u32 := func(v int) { _ = binary.Write(&buf, binary.LittleEndian, uint32(v)) }
	u32(m.Dim)
	u32(m.Arch.kernel())
	u32(len(m.Arch.Channels))
	for _, c := range m.Arch.Channels {
		u32(c)
	}
	for _, s := range m.Arch.Strides {
		u32(s)
	}
	for _, l := range m.Conv {
		_ = binary.Write(&buf, binary.LittleEndian, l.W)
		_ = binary.Write(&buf, binary.LittleEndian, l.B)
	}
	_ = binary.Write(&buf, binary.LittleEndian, m.FC)
	_ = binary.Write(&buf, binary.LittleEndian, m.FCBias)
	return buf.Bytes(), nil
}

// maxEncoded bounds sizes read by UnmarshalBinary so corrupt data cannot ask
// for huge allocations.
const maxEncoded = 1 << 16

// UnmarshalBinary decodes a model written by MarshalBinary into m,
// replacing its contents.
func (m *Model) UnmarshalBinary(data []byte) error {
	r := bytes.NewReader(data)
	head := make([]byte, len(magic))
	if _, err := r.Read(head); err != nil || string(head) != magic {
		return ErrFormat
	}
	var bad bool
	u32 := func() int {
		var v uint32
		if binary.Read(r, binary.LittleEndian, &v) != nil || v > maxEncoded {
			bad = true
		}
		return int(v)
	}
	d, k, n := u32(), u32(), u32()
	if bad || n == 0 {
		return ErrFormat
	}
	arch := Arch{Channels: make([]int, n), Strides: make([]int, n), Kernel: k}
	for i := range arch.Channels {
		arch.Channels[i] = u32()
	}
	for i := range arch.Strides {
		arch.Strides[i] = u32()
	}
	if bad {
		return ErrFormat
	}
	if err := arch.Validate(d); err != nil {
		return fmt.Errorf("%w: %v", ErrFormat, err)
	}
	nm := NewModel(arch, d)
	for _, l := range nm.Conv {
		if binary.Read(r, binary.LittleEndian, l.W) != nil || binary.Read(r, binary.LittleEndian, l.B) != nil {
			return ErrFormat
		}
	}
	if binary.Read(r, binary.LittleEndian, nm.FC) != nil || binary.Read(r, binary.LittleEndian, &nm.FCBias) != nil || r.Len() != 0 {
		return ErrFormat
	}
	*m = *nm
	return nil
}

// finite reports whether every weight of m is finite.
func (m *Model) finite() bool {
	ok := func(s []float32) bool {
		for _, v := range s {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return false
			}
		}
		return true
	}
	for _, l := range m.Conv {
		if !ok(l.W) || !ok(l.B) {
			return false
		}
	}
	return ok(m.FC) && ok([]float32{m.FCBias})
}
