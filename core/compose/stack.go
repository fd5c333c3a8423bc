package compose

import (
	"math"

	"halo/core/grid"
)

// CLRStack returns a new stack holding the centred log-ratio of every cell of
// logs, a stack of natural logs of concentrations (ln ppm). The output has
// the same geometry, the layer names CLRNames(logs.Names), and float32
// values computed in float64. A cell with any NaN or infinite log (a missing,
// zero or negative concentration) is NaN in every output layer.
func CLRStack(logs *grid.Stack) *grid.Stack {
	d := logs.D()
	out := grid.NewStack(logs.Geom, CLRNames(logs.Names))
	n := logs.Len()
	inv := 1 / float64(d)
	for i := 0; i < n; i++ {
		src := logs.Data[i*d : (i+1)*d : (i+1)*d]
		var s float64
		ok := true
		for _, v := range src {
			f := float64(v)
			if math.IsNaN(f) || math.IsInf(f, 0) {
				ok = false
				break
			}
			s += f
		}
		if !ok {
			continue // NewStack filled the cell with NaN
		}
		m := s * inv
		dst := out.Data[i*d : (i+1)*d : (i+1)*d]
		for k, v := range src {
			dst[k] = float32(float64(v) - m)
		}
	}
	return out
}

// ILRStack returns a new stack holding the pivot ilr coordinates (see ILR) of
// every cell of logs, a stack of natural logs of concentrations (ln ppm). The
// output has D-1 layers named ILRNames(logs.Names) and float32 values
// computed in float64. A cell with any NaN or infinite log is NaN in every
// output layer. ILRStack panics if logs has fewer than two layers.
func ILRStack(logs *grid.Stack) *grid.Stack {
	d := logs.D()
	out := grid.NewStack(logs.Geom, ILRNames(logs.Names))
	e := d - 1
	n := logs.Len()
	// coef[i] = sqrt(n/(n+1)) and 1/n with n = D-1-i parts after part i;
	// computed once, not per cell.
	coef := make([]float64, e)
	invn := make([]float64, e)
	for i := range coef {
		m := float64(d - 1 - i)
		coef[i] = math.Sqrt(m / (m + 1))
		invn[i] = 1 / m
	}
	for c := 0; c < n; c++ {
		src := logs.Data[c*d : (c+1)*d : (c+1)*d]
		ok := true
		for _, v := range src {
			f := float64(v)
			if math.IsNaN(f) || math.IsInf(f, 0) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		dst := out.Data[c*e : (c+1)*e : (c+1)*e]
		suffix := float64(src[d-1])
		for i := d - 2; i >= 0; i-- {
			li := float64(src[i])
			dst[i] = float32(coef[i] * (li - suffix*invn[i]))
			suffix += li
		}
	}
	return out
}

// Standardise z-scores every layer of s in place, x' = (x - mean) / sd, and
// returns the mean and standard deviation of each layer, computed in float64
// over the layer's finite values (with the population divisor n, as
// scikit-learn's StandardScaler). Non-finite values are left as they are.
//
// A layer whose finite values are all equal, or that has no finite
// value at all, cannot be scaled: it gets sd 1 (its values become 0, or stay
// NaN) and its index is listed in constant, in increasing order, so the caller
// can report it. A layer with no finite value has mean 0.
func Standardise(s *grid.Stack) (mean, sd []float64, constant []int) {
	d := s.D()
	n := s.Len()
	mean = make([]float64, d)
	sd = make([]float64, d)
	count := make([]int, d)
	lo := make([]float32, d)
	hi := make([]float32, d)
	for i := 0; i < n; i++ {
		for k, v := range s.Data[i*d : (i+1)*d : (i+1)*d] {
			f := float64(v)
			if math.IsNaN(f) || math.IsInf(f, 0) {
				continue
			}
			if count[k] == 0 || v < lo[k] {
				lo[k] = v
			}
			if count[k] == 0 || v > hi[k] {
				hi[k] = v
			}
			mean[k] += f
			count[k]++
		}
	}
	for k := range mean {
		if count[k] > 0 {
			mean[k] /= float64(count[k])
		}
	}
	// Second pass on deviations from the mean: no cancellation.
	for i := 0; i < n; i++ {
		for k, v := range s.Data[i*d : (i+1)*d : (i+1)*d] {
			f := float64(v)
			if math.IsNaN(f) || math.IsInf(f, 0) {
				continue
			}
			dv := f - mean[k]
			sd[k] += dv * dv
		}
	}
	for k := range sd {
		if count[k] > 0 {
			sd[k] = math.Sqrt(sd[k] / float64(count[k]))
		}
		// Equal extremes, not sd == 0: the rounded mean of equal values
		// may differ from them by an ulp and leave a spurious tiny sd.
		if count[k] == 0 || lo[k] == hi[k] {
			mean[k] = float64(lo[k]) // the exact value: scaled cells become 0
			sd[k] = 1
			constant = append(constant, k)
		}
	}
	for i := 0; i < n; i++ {
		for k, v := range s.Data[i*d : (i+1)*d : (i+1)*d] {
			f := float64(v)
			if math.IsNaN(f) || math.IsInf(f, 0) {
				continue
			}
			s.Data[i*d+k] = float32((f - mean[k]) / sd[k])
		}
	}
	return mean, sd, constant
}
