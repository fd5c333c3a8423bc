package cnn

import (
	"math"

	"halo/core/nn/blas32"
)

// scoreBlock is the number of pairs a Scorer pushes through the network at
// once: 32 pairs keep the largest activation block of PaperArch (41 padded
// positions x 30 channels x 32 pairs, 157 kB) inside a typical L2 cache.
const scoreBlock = 32

// Scorer runs the forward pass of a Model with hand-written float32 kernels:
// each convolution is one product of an im2col view of the zero-padded,
// channels-last activations (read in place, never materialised) by
// the packed kernel matrix, with bias and ReLU fused into the write-back
// (blas32.GemmRows). A Scorer holds its own buffers: use it from one
// goroutine. It does not allocate after NewScorer.
type Scorer struct {
	d      int
	layers []scoreLayer
	last   []float32 // unpadded output of the last layer, scoreBlock*lastL*lastC
	lastL  int
	lastC  int
	fc     []float32
	fcBias float32
	pad    int
}

type scoreLayer struct {
	w    blas32.PackedB
	bias []float32
	in   []float32 // padded input block: scoreBlock pairs of rows[i] rows of inC values
	outL int
	aOff []int // im2col row offsets into in, per (pair, output position)
	cOff []int // row offsets into the output buffer
}

// NewScorer returns a Scorer for the current weights of m (copied and
// packed: later changes to m do not reach it).
func (m *Model) NewScorer() *Scorer {
	arch := m.Arch
	k := arch.kernel()
	pad := (k - 1) / 2
	ls := arch.Lengths(m.Dim)
	n := len(arch.Channels)
	s := &Scorer{d: m.Dim, layers: make([]scoreLayer, n), lastL: ls[n], lastC: arch.Channels[n-1]}
	s.last = make([]float32, scoreBlock*s.lastL*s.lastC)
	s.fc = append([]float32(nil), m.FC...)
	s.fcBias = m.FCBias
	s.pad = pad
	// rows[i]: padded rows per pair of layer i's input buffer.
	rows := make([]int, n)
	ins := make([]int, n)
	in := 1
	for i, c := range arch.Channels {
		ins[i] = in
		rows[i] = ls[i] + 2*pad
		in = c
	}
	for i, c := range arch.Channels {
		l := &s.layers[i]
		in, outL := ins[i], ls[i+1]
		l.outL = outL
		stride := arch.Strides[i]
		l.bias = append([]float32(nil), m.Conv[i].B...)
		l.in = make([]float32, scoreBlock*rows[i]*in)
		l.cOff = make([]int, scoreBlock*outL)
		for p := 0; p < scoreBlock; p++ {
			for o := 0; o < outL; o++ {
				if i == n-1 {
					l.cOff[p*outL+o] = (p*outL + o) * c
				} else {
					l.cOff[p*outL+o] = (p*rows[i+1] + o + pad) * c
				}
			}
		}
		l.w.Pack(k*in, c, m.Conv[i].W, c, false)
		l.aOff = make([]int, scoreBlock*outL)
		for p := 0; p < scoreBlock; p++ {
			for o := 0; o < outL; o++ {
				l.aOff[p*outL+o] = (p*rows[i] + o*stride) * in
			}
		}
	}
	return s
}

// D returns the input length of a pair difference.
func (s *Scorer) D() int { return s.d }

// ScorePairs is Model.ScorePairs with s's buffers.
func (s *Scorer) ScorePairs(dst, diffs []float32) {
	s.Logits(dst, diffs)
	for i, z := range dst {
		dst[i] = float32(1 / (1 + math.Exp(-float64(z))))
	}
}

// Logits writes the network's logits (before the sigmoid) of the rows of
// diffs to dst. It panics if len(diffs) != len(dst)*D.
func (s *Scorer) Logits(dst, diffs []float32) {
	if len(diffs) != len(dst)*s.d {
		panic("cnn: len(diffs) != len(dst)*D")
	}
	for b := 0; b < len(dst); b += scoreBlock {
		np := min(scoreBlock, len(dst)-b)
		s.block(dst[b:b+np], diffs[b*s.d:(b+np)*s.d])
	}
}

// block runs len(dst) <= scoreBlock pairs.
func (s *Scorer) block(dst, diffs []float32) {
	np := len(dst)
	d := s.d
	in0 := s.layers[0].in
	stride0 := len(in0) / scoreBlock // padded rows per pair of layer 1 (one channel)
	pad := s.pad
	for p := 0; p < np; p++ {
		copy(in0[p*stride0+pad:p*stride0+pad+d], diffs[p*d:(p+1)*d])
	}
	for i := range s.layers {
		l := &s.layers[i]
		out := s.last
		if i+1 < len(s.layers) {
			out = s.layers[i+1].in
		}
		rows := np * l.outL
		blas32.GemmRows(out, l.cOff[:rows], l.in, l.aOff[:rows], &l.w, l.bias, true)
	}
	// Global average pooling, then the output unit.
	lc, ll := s.lastC, s.lastL
	inv := 1 / float32(ll)
	fc := s.fc[:lc]
	for p := 0; p < np; p++ {
		var z float32
		blk := s.last[p*ll*lc : (p+1)*ll*lc]
		for c, w := range fc {
			var sum float32
			for o := 0; o < ll; o++ {
				sum += blk[o*lc+c]
			}
			z += w * sum * inv
		}
		dst[p] = z + s.fcBias
	}
}
