package cnn

import "math/rand/v2"

// tinyArch is a 4-layer network small enough for unit tests.
func tinyArch() Arch {
	return Arch{Channels: []int{4, 6, 6, 5}, Strides: []int{1, 2, 1, 2}, Kernel: 3}
}

// toyPairs draws n separable pairs of d values: dissimilar pairs (label 1)
// have differences around 1.5 in the first half of the elements, similar
// pairs small differences everywhere.
func toyPairs(rng *rand.Rand, n, d int) Pairs {
	p := Pairs{D: d, X: make([]float32, n*d), Y: make([]float32, n)}
	for i := 0; i < n; i++ {
		y := float32(i % 2)
		p.Y[i] = y
		for j := 0; j < d; j++ {
			v := 0.3 * rng.Float64()
			if y == 1 && j < d/2 {
				v += 1 + rng.Float64()
			}
			p.X[i*d+j] = float32(v)
		}
	}
	return p
}

// naiveLogits is the network written as plain loops in float64 from the
// definition (no im2col, no packing): the third reference.
func naiveLogits(m *Model, diffs []float32) []float64 {
	n := len(diffs) / m.Dim
	k := m.Arch.kernel()
	pad := (k - 1) / 2
	out := make([]float64, n)
	for p := 0; p < n; p++ {
		// x[pos][c]
		x := make([][]float64, m.Dim)
		for i := range x {
			x[i] = []float64{float64(diffs[p*m.Dim+i])}
		}
		in := 1
		for li, c := range m.Arch.Channels {
			s := m.Arch.Strides[li]
			outL := (len(x)-1)/s + 1
			y := make([][]float64, outL)
			for o := range y {
				y[o] = make([]float64, c)
				for oc := 0; oc < c; oc++ {
					v := float64(m.Conv[li].B[oc])
					for j := 0; j < k; j++ {
						pos := o*s + j - pad
						if pos < 0 || pos >= len(x) {
							continue
						}
						for ic := 0; ic < in; ic++ {
							v += x[pos][ic] * float64(m.Conv[li].W[(j*in+ic)*c+oc])
						}
					}
					y[o][oc] = max(v, 0)
				}
			}
			x, in = y, c
		}
		z := float64(m.FCBias)
		for c := 0; c < in; c++ {
			var sum float64
			for o := range x {
				sum += x[o][c]
			}
			z += float64(m.FC[c]) * sum / float64(len(x))
		}
		out[p] = z
	}
	return out
}
