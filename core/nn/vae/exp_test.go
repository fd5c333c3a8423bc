package vae

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// ulps returns the number of float32 values between a and b (0 if equal,
// counting +0 and -0 as one value).
func ulps(a, b float32) int64 {
	ord := func(f float32) int64 {
		u := int64(math.Float32bits(f))
		if u&0x80000000 != 0 {
			return -(u & 0x7fffffff)
		}
		return u
	}
	d := ord(a) - ord(b)
	if d < 0 {
		d = -d
	}
	return d
}

// TestExp32 compares exp32 with float32(math.Exp) over a sweep of float32
// bit patterns spanning the whole range where e**x is neither 0 nor +Inf
// (subnormal results included) and checks the special cases.
func TestExp32(t *testing.T) {
	// maxULP: exp32 differs from float32(math.Exp(float64(x))) by at most
	// 1 ulp (the double rounding either side may differ once in a while;
	// measured 0 over this sweep and over a stride-61 sweep of 36.8 million
	// values on amd64).
	const (
		maxULP = 1
		stride = 1009
	)
	var worst int64
	n := 0
	for _, sign := range []uint32{0, 0x80000000} {
		for u := uint32(0); u < 0x7f800000; u += stride {
			x := math.Float32frombits(u | sign)
			if x > 95 || x < -115 {
				continue
			}
			n++
			got, want := exp32(x), float32(math.Exp(float64(x)))
			if d := ulps(got, want); d > worst {
				worst = d
				if d > maxULP {
					t.Errorf("exp32(%v [%#x]) = %v, float32(math.Exp) = %v: %d ulps apart, want <= %d", x, math.Float32bits(x), got, want, d, maxULP)
				}
			}
		}
	}
	t.Logf("%d inputs, worst difference %d ulp", n, worst)
	if n < 2e6 {
		t.Fatalf("only %d inputs in the sweep", n)
	}
	nan := float32(math.NaN())
	ref := func(x float32) float32 { return float32(math.Exp(float64(x))) }
	inf := float32(math.Inf(1))
	for _, c := range []struct {
		name    string
		x, want float32
	}{
		{"zero", 0, 1},
		{"negative zero", float32(math.Copysign(0, -1)), 1},
		{"one", 1, float32(math.E)},
		{"subnormal", -100, ref(-100)},
		{"+Inf", inf, inf},
		{"-Inf", -inf, 0},
		// Largest float32 whose exponential is finite: ln(MaxFloat32) =
		// 88.72283906 rounds down to 88.72283.
		{"largest finite", 88.72283, ref(88.72283)},
		{"first overflow", math.Nextafter32(88.72284, 100), inf},
		{"beyond range", 1e30, inf},
		// e**-103.97208 is the smallest positive float32 (2**-149) after
		// rounding; e**-104 is below half of it.
		{"smallest subnormal", -103.9, ref(-103.9)},
		{"underflow", -104, 0},
		{"far underflow", -1e30, 0},
	} {
		if got := exp32(c.x); got != c.want {
			t.Errorf("%s: exp32(%v) = %v (%#x), want %v (%#x)", c.name, c.x, got, math.Float32bits(got), c.want, math.Float32bits(c.want))
		}
	}
	if got := exp32(nan); !math.IsNaN(float64(got)) {
		t.Errorf("exp32(NaN) = %v, want NaN", got)
	}
}

// TestExp32Bits holds the bits of exp32 over a sweep to a hash recorded
// natively on linux/amd64: the js/wasm run of this test (GOOS=js
// GOARCH=wasm go test -exec=$(go env GOROOT)/lib/wasm/go_js_wasm_exec)
// must give the same hash, which is the point of exp32.
func TestExp32Bits(t *testing.T) {
	const want = 0x66bc8a6cf6576e5b
	h := fnv.New64a()
	var b [4]byte
	for i := -1200000; i <= 1000000; i++ {
		x := float32(i) * (1.0 / 10000) // -120 .. 100 in steps of 1e-4
		v := math.Float32bits(exp32(x))
		b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		h.Write(b[:])
	}
	if got := h.Sum64(); got != want {
		t.Errorf("hash of exp32 over the sweep = %#x, want %#x", got, uint64(want))
	}
}

// TestExpOpGradient checks the forward values of expOp against exp32 and
// its backward mode, through the chain rule, against central finite
// differences of the float64 loss sum_i w_i e**(c x_i).
func TestExpOpGradient(t *testing.T) {
	// fdStep is the finite-difference step; gradTol bounds the relative
	// difference (float32 gradient against a float64 difference whose
	// truncation error is about fdStep^2 c^2 / 6 relative).
	const (
		fdStep  = 1e-4
		gradTol = 1e-5
		rows    = 3
		cols    = 4
		c       = 0.5
	)
	rng := rand.New(rand.NewPCG(5, 6))
	xs := make([]float32, rows*cols)
	ws := make([]float32, rows*cols)
	g := G.NewGraph()
	x := G.NewMatrix(g, tensor.Float32, G.WithShape(rows, cols), G.WithName("x"), G.WithValue(tensor.New(tensor.WithShape(rows, cols), tensor.WithBacking(xs))))
	w := G.NewMatrix(g, tensor.Float32, G.WithShape(rows, cols), G.WithName("w"), G.WithValue(tensor.New(tensor.WithShape(rows, cols), tensor.WithBacking(ws))))
	y, err := newExp(G.Must(G.HadamardProd(x, G.NewConstant(float32(c)))), "y")
	if err != nil {
		t.Fatal(err)
	}
	cost := G.Must(G.Sum(G.Must(G.HadamardProd(y, w))))
	if _, err := G.Grad(cost, x); err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	loss := func(x []float64) float64 {
		var s float64
		for i, v := range x {
			s += float64(ws[i]) * math.Exp(c*v)
		}
		return s
	}
	// Two runs with fresh inputs: the op's buffers must follow the inputs.
	for run := range 2 {
		for i := range xs {
			xs[i] = float32(4*rng.Float64() - 2)
			ws[i] = float32(2*rng.Float64() - 1)
		}
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		for i, v := range y.Value().Data().([]float32) {
			if want := exp32(c * xs[i]); v != want {
				t.Errorf("run %d: forward value %d = %v, want exp32 = %v", run, i, v, want)
			}
		}
		gv, err := x.Grad()
		if err != nil {
			t.Fatal(err)
		}
		x64 := make([]float64, len(xs))
		for i, v := range xs {
			x64[i] = float64(v)
		}
		for i, got := range gv.Data().([]float32) {
			old := x64[i]
			x64[i] = old + fdStep
			hi := loss(x64)
			x64[i] = old - fdStep
			lo := loss(x64)
			x64[i] = old
			want := (hi - lo) / (2 * fdStep)
			if d := math.Abs(float64(got) - want); d > gradTol*math.Max(1, math.Abs(want)) {
				t.Errorf("run %d: d loss / d x[%d] = %v, finite difference %v", run, i, got, want)
			}
		}
	}
}
