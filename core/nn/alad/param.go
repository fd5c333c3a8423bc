package alad

import (
	"math"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"halo/core/nn/blas32"
)

// param is one trainable tensor with its optimiser and averaging state. The
// value lives in w, which backs t; every graph that uses the parameter binds
// t, so in-place updates of w are seen by all of them.
type param struct {
	name       string
	rows, cols int // cols == 0: vector of length rows
	w          []float32
	t          *tensor.Dense
	m, v       []float32 // Adam moments
	ema        []float32 // biased moving average (starts at zero)
	sn         *specNorm // nil: no spectral normalisation
}

func newParam(name string, rows, cols int) *param {
	n := rows
	shape := []int{rows}
	if cols > 0 {
		n = rows * cols
		shape = []int{rows, cols}
	}
	p := &param{
		name: name, rows: rows, cols: cols,
		w: make([]float32, n), m: make([]float32, n), v: make([]float32, n), ema: make([]float32, n),
	}
	p.t = tensor.New(tensor.WithShape(shape...), tensor.WithBacking(p.w))
	return p
}

// glorot fills p with Glorot (Xavier) uniform values, as the reference code's
// xavier_initializer, drawn from rng.
func (p *param) glorot(rng *rand.Rand) {
	lim := math.Sqrt(6 / float64(p.rows+p.cols))
	for i := range p.w {
		p.w[i] = float32((2*rng.Float64() - 1) * lim)
	}
}

func (p *param) fill(v float32) {
	for i := range p.w {
		p.w[i] = v
	}
}

// specNorm is the persistent state of spectral normalisation of a rows x cols
// weight W (x W with x a row vector): u has cols entries, v has rows, and
// sigma = v^T W u is the estimate of W's largest singular value after the
// last power iteration. The fused ops read u, v and sigma; the reference
// formulation with gorgonia's ops (fusedOps false) reads uv = v u^T, whose
// elementwise product with W sums to sigma in the graph.
type specNorm struct {
	u, v, uv []float32
	sigma    float32
	t        *tensor.Dense
}

func newSpecNorm(rows, cols int, rng *rand.Rand) *specNorm {
	s := &specNorm{u: make([]float32, cols), v: make([]float32, rows)}
	for i := range s.u {
		s.u[i] = float32(rng.NormFloat64())
	}
	normalise(s.u)
	return s
}

// uvTensor returns the tensor backing uv, made (from the current u and v)
// on first use; step keeps it current from then on.
func (s *specNorm) uvTensor() *tensor.Dense {
	if s.t == nil {
		s.uv = make([]float32, len(s.v)*len(s.u))
		s.t = tensor.New(tensor.WithShape(len(s.v), len(s.u)), tensor.WithBacking(s.uv))
		s.writeUV()
	}
	return s.t
}

func (s *specNorm) writeUV() {
	cols := len(s.u)
	for i, vi := range s.v {
		row := s.uv[i*cols : (i+1)*cols]
		for j, uj := range s.u {
			row[j] = vi * uj
		}
	}
}

// powerIter runs one power iteration on the rows x cols matrix w with the
// persistent vector u (length cols): v = W u / |W u|, u = W^T v / |W^T v|.
// It writes v and the new u and returns sigma = v^T W u = |W^T v|, the
// estimate of the largest singular value of w.
func powerIter(w []float32, rows, cols int, u, v []float32) float32 {
	blas32.DotRows(v, w, u, rows, cols, cols) // v = W u, four lanes per row
	normalise(v)
	blas32.WeightedColSums(u, w, v, rows, cols) // u = Wᵀv, summed over i in order
	return normalise(u)
}

// step runs one power iteration on the current weights of p, and writes
// v u^T into uv when the reference formulation reads it.
func (s *specNorm) step(p *param) {
	s.sigma = powerIter(p.w, p.rows, p.cols, s.u, s.v)
	if s.uv != nil {
		s.writeUV()
	}
}

// normalise scales x to unit length and returns its length before (at
// least 1e-12).
func normalise(x []float32) float32 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	n := math.Sqrt(s)
	if n < 1e-12 {
		n = 1e-12
	}
	inv := float32(1 / n)
	for i := range x {
		x[i] *= inv
	}
	return float32(n)
}

// adam holds the step counter and settings of one Adam optimiser.
type adam struct {
	lr, beta1, beta2, eps float64
	t                     int
	params                []*param
}

// gradsFinite reports whether every gradient is finite.
func gradsFinite(grads [][]float32) bool {
	for _, g := range grads {
		for _, v := range g {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return false
			}
		}
	}
	return true
}

// step applies one Adam update with the gradients grads[i] of a.params[i].
func (a *adam) step(grads [][]float32) {
	a.t++
	b1, b2 := float32(a.beta1), float32(a.beta2)
	c1 := 1 - math.Pow(a.beta1, float64(a.t))
	c2 := 1 - math.Pow(a.beta2, float64(a.t))
	// lr_t = lr * sqrt(1-b2^t) / (1-b1^t); eps as in the reference (TF) form.
	lrt := float32(a.lr * math.Sqrt(c2) / c1)
	eps := float32(a.eps)
	for k, p := range a.params {
		blas32.AdamStep(p.w, grads[k], p.m, p.v, b1, b2, lrt, eps)
	}
}

func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }

// emaUpdate folds the current weights into the moving averages.
func emaUpdate(params []*param, decay float32) {
	for _, p := range params {
		blas32.EMA(p.ema, p.w, decay)
	}
}
