package synth

import (
	"math"
	"math/rand/v2"
)

// sites are the places where the survey is observed: scattered points
// (x, y) or, when cols > 0, the centres of a cols x rows lattice of cell
// metres, row 0 south, index r*cols+c. Coordinates are relative to the
// district's south-west corner.
type sites struct {
	x, y       []float64
	cols, rows int
	cell       float64
}

func (s *sites) len() int {
	if s.cols > 0 {
		return s.cols * s.rows
	}
	return len(s.x)
}

// xy returns the relative coordinates of site i.
func (s *sites) xy(i int) (x, y float64) {
	if s.cols > 0 {
		c, r := i%s.cols, i/s.cols
		return (float64(c) + 0.5) * s.cell, (float64(r) + 0.5) * s.cell
	}
	return s.x[i], s.y[i]
}

// field is a stationary Gaussian random field with unit variance built as a
// sum of m random Fourier modes (random-phase spectral synthesis):
//
//	f(x, y) = sqrt(2/m) * sum_j cos(kx_j*x + ky_j*y + phi_j)
//
// with wavelengths log-uniform in [lmin, lmax] and directions uniform.
type field struct {
	kx, ky, phi []float64
	amp         float64
}

const modes = 24

func newField(rng *rand.Rand, lmin, lmax float64) field {
	f := field{
		kx:  make([]float64, modes),
		ky:  make([]float64, modes),
		phi: make([]float64, modes),
		amp: math.Sqrt(2.0 / modes),
	}
	for j := range modes {
		l := lmin * math.Exp(rng.Float64()*math.Log(lmax/lmin))
		th := rng.Float64() * math.Pi
		k := 2 * math.Pi / l
		f.kx[j] = k * math.Cos(th)
		f.ky[j] = k * math.Sin(th)
		f.phi[j] = rng.Float64() * 2 * math.Pi
	}
	return f
}

// at evaluates the field at one point.
func (f *field) at(x, y float64) float64 {
	var s float64
	for j := range f.kx {
		s += math.Cos(f.kx[j]*x + f.ky[j]*y + f.phi[j])
	}
	return f.amp * s
}

// eval writes the field at every site into dst (len s.len()). On a lattice
// each mode separates into a column and a row factor,
// cos(a+b) = cos a cos b - sin a sin b, so the cost per cell is two products.
func (f *field) eval(dst []float64, s *sites) {
	if s.cols == 0 {
		for i := range dst {
			dst[i] = f.at(s.x[i], s.y[i])
		}
		return
	}
	clear(dst)
	cc := make([]float64, s.cols)
	sc := make([]float64, s.cols)
	for j := range f.kx {
		for c := range cc {
			a := f.kx[j]*(float64(c)+0.5)*s.cell + f.phi[j]
			cc[c], sc[c] = math.Cos(a), math.Sin(a)
		}
		for r := range s.rows {
			b := f.ky[j] * (float64(r) + 0.5) * s.cell
			cb, sb := math.Cos(b), math.Sin(b)
			row := dst[r*s.cols : (r+1)*s.cols]
			for c := range row {
				row[c] += cc[c]*cb - sc[c]*sb
			}
		}
	}
	for i := range dst {
		dst[i] *= f.amp
	}
}

// noise writes independent standard normal draws into dst. On a lattice the
// white noise is smoothed twice by a (2h+1)-cell box filter along each axis
// and rescaled to unit variance, the texture of an interpolated survey
// (neighbouring cells share samples) rather than of single samples.
func noise(dst []float64, s *sites, h int, rng *rand.Rand) {
	for i := range dst {
		dst[i] = rng.NormFloat64()
	}
	if s.cols == 0 || h == 0 {
		return
	}
	tmp := make([]float64, len(dst))
	for range 2 {
		boxRows(tmp, dst, s.cols, s.rows, h)
		boxCols(dst, tmp, s.cols, s.rows, h)
	}
	// Variance of the separable kernel k = box*box: (sum_i k_i^2)^2.
	n := 2*h + 1
	k := make([]float64, 2*n-1)
	for i := range n {
		for j := range n {
			k[i+j] += 1 / float64(n*n)
		}
	}
	var v float64
	for _, w := range k {
		v += w * w
	}
	scale := 1 / v // 1/sqrt(v^2)
	for i := range dst {
		dst[i] *= scale
	}
}

// boxRows averages src over 2h+1 neighbours along x (clamped at the edges).
func boxRows(dst, src []float64, cols, rows, h int) {
	inv := 1 / float64(2*h+1)
	for r := range rows {
		in := src[r*cols : (r+1)*cols]
		out := dst[r*cols : (r+1)*cols]
		for c := range out {
			var s float64
			for d := -h; d <= h; d++ {
				s += in[clamp(c+d, cols)]
			}
			out[c] = s * inv
		}
	}
}

// boxCols averages src over 2h+1 neighbours along y (clamped at the edges).
func boxCols(dst, src []float64, cols, rows, h int) {
	inv := 1 / float64(2*h+1)
	for r := range rows {
		out := dst[r*cols : (r+1)*cols]
		clear(out)
		for d := -h; d <= h; d++ {
			in := src[clamp(r+d, rows)*cols:]
			for c := range out {
				out[c] += in[c]
			}
		}
		for c := range out {
			out[c] *= inv
		}
	}
}

func clamp(i, n int) int {
	if i < 0 {
		return 0
	}
	if i >= n {
		return n - 1
	}
	return i
}
