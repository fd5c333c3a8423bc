package detect

import (
	"math"
	"math/rand/v2"
)

// linearScorer is sigmoid(w . diff + b): a linear-weighted L1 distance, the
// simplest stand-in for a trained pair network.
type linearScorer struct {
	w []float32
	b float32
}

func newLinear(d int, seed uint64) *linearScorer {
	rng := rand.New(rand.NewPCG(seed, 1))
	s := &linearScorer{w: make([]float32, d)}
	for k := range s.w {
		s.w[k] = float32(rng.Float64()) * 2 / float32(d)
	}
	s.b = -1
	return s
}

// sharpLinear is a linear scorer with a steep sigmoid (gain times the
// weights and the bias), so pair scores crowd near 0 and 1 as those of a
// confident trained network do.
func sharpLinear(d int, seed uint64, gain float32) *linearScorer {
	s := newLinear(d, seed)
	for k := range s.w {
		s.w[k] *= gain
	}
	s.b *= gain
	return s
}

func (s *linearScorer) D() int { return len(s.w) }

func (s *linearScorer) ScorePairs(dst, diffs []float32) {
	d := len(s.w)
	for k := range dst {
		row := diffs[k*d : (k+1)*d]
		z := s.b
		for m, v := range row {
			z += s.w[m] * v
		}
		dst[k] = sigmoid(z)
	}
}

// mlpScorer is a random-weight network D -> h (ReLU) -> 1 (sigmoid),
// He-normal weights from a seeded generator: a nonlinear stand-in for the
// CNN.
type mlpScorer struct {
	d, h   int
	w1, b1 []float32 // h x d, h
	w2     []float32 // h
	b2     float32
	hid    []float32
}

func newMLP(d, h int, seed uint64) *mlpScorer {
	rng := rand.New(rand.NewPCG(seed, 2))
	s := &mlpScorer{d: d, h: h, w1: make([]float32, h*d), b1: make([]float32, h), w2: make([]float32, h), hid: make([]float32, h)}
	sd1 := math.Sqrt(2 / float64(d))
	for i := range s.w1 {
		s.w1[i] = float32(rng.NormFloat64() * sd1)
	}
	for i := range s.b1 {
		s.b1[i] = float32(rng.NormFloat64() * 0.5)
	}
	sd2 := math.Sqrt(2 / float64(h))
	for i := range s.w2 {
		s.w2[i] = float32(rng.NormFloat64() * sd2)
	}
	s.b2 = -1
	return s
}

func (s *mlpScorer) D() int { return s.d }

func (s *mlpScorer) ScorePairs(dst, diffs []float32) {
	d := s.d
	for k := range dst {
		row := diffs[k*d : (k+1)*d : (k+1)*d]
		z := s.b2
		for j := 0; j < s.h; j++ {
			a := s.b1[j]
			w := s.w1[j*d : (j+1)*d : (j+1)*d]
			for m, v := range row {
				a += w[m] * v
			}
			if a > 0 {
				z += s.w2[j] * a
			}
		}
		dst[k] = sigmoid(z)
	}
}

func sigmoid(z float32) float32 { return float32(1 / (1 + math.Exp(-float64(z)))) }

// countingScorer wraps a scorer and counts pairs and calls.
type countingScorer struct {
	PairScorer
	pairs, calls, maxBatch int
}

func (c *countingScorer) ScorePairs(dst, diffs []float32) {
	if len(diffs) != len(dst)*c.D() {
		panic("detect test: diffs length mismatch")
	}
	c.pairs += len(dst)
	c.calls++
	c.maxBatch = max(c.maxBatch, len(dst))
	c.PairScorer.ScorePairs(dst, diffs)
}
