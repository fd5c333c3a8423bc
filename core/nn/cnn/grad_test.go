package cnn

import (
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
)

// naiveLoss is the mean binary cross-entropy of naiveLogits (float64).
func naiveLoss(m *Model, diffs, y []float32) float64 {
	var sum float64
	for i, z := range naiveLogits(m, diffs) {
		sum += math.Max(z, 0) - z*float64(y[i]) + math.Log1p(math.Exp(-math.Abs(z)))
	}
	return sum / float64(len(y))
}

// runGraph builds m's training graph for the pairs diffs with labels y
// (weights 1/n each), runs it once and returns it; its tape machine is
// closed when the test ends.
func runGraph(t *testing.T, m *Model, diffs, y []float32) *graphNet {
	t.Helper()
	n := len(y)
	net, err := newGraphNet(m, n, true)
	if err != nil {
		t.Fatal(err)
	}
	copy(net.xv, diffs)
	copy(net.yv, y)
	for i := range net.wv {
		net.wv[i] = 1 / float32(n)
	}
	vm := gorgonia.NewTapeMachine(net.g, gorgonia.BindDualValues(net.params...))
	t.Cleanup(func() { vm.Close() })
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	return net
}

// paramGrads returns copies of the parameter gradients of a graph run.
func paramGrads(t *testing.T, net *graphNet) [][]float32 {
	t.Helper()
	var out [][]float32
	for _, p := range net.params {
		g, err := p.Grad()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, append([]float32(nil), g.Data().([]float32)...))
	}
	return out
}

// TestGradients holds the gradients of the training graph (convOp's
// backward modes, the pooling and the loss) to central finite differences
// of the float64 reference loss.
func TestGradients(t *testing.T) {
	// gradTol: float32 gradients against float64 differences with step
	// fdStep; ReLU kinks within fdStep of a weight would break the
	// comparison, which the seed avoids (all 400 weights checked).
	const (
		fdStep  = 1e-3
		gradTol = 2e-3
	)
	rng := rand.New(rand.NewPCG(21, 22))
	// Layer 2 is stride 1 with dx (gradXConv), layers 3 and 4 stride 2.
	arch := Arch{Channels: []int{3, 4, 4, 4}, Strides: []int{1, 1, 2, 2}, Kernel: 3}
	const d, n = 7, 5
	m := randomModel(arch, d, rng)
	diffs := randomDiffs(rng, n, d)
	y := []float32{0, 1, 1, 0, 1}
	net := runGraph(t, m, diffs, y)
	if got, want := float64(net.cost.Value().Data().(float32)), naiveLoss(m, diffs, y); math.Abs(got-want) > 1e-5 {
		t.Fatalf("graph loss %v, reference %v", got, want)
	}
	// fd returns the finite-difference derivative of the loss in *w.
	fd := func(w *float32) float64 {
		old := *w
		*w = old + fdStep
		hi, up := naiveLoss(m, diffs, y), *w
		*w = old - fdStep
		lo, down := naiveLoss(m, diffs, y), *w
		*w = old
		return (hi - lo) / float64(up-down)
	}
	check := func(name string, i int, w *float32, g float32) {
		want := fd(w)
		if math.Abs(float64(g)-want) > gradTol*(1+math.Abs(want)) {
			t.Errorf("%s[%d]: gradient %v, finite difference %v", name, i, g, want)
		}
	}
	checked := 0
	for li := range arch.Channels {
		gv, err := net.params[li].Grad()
		if err != nil {
			t.Fatal(err)
		}
		g := gv.Data().([]float32)
		l := m.Conv[li]
		for i := range l.W {
			check("W", i, &l.W[i], g[i])
		}
		for i := range l.B {
			check("B", i, &l.B[i], g[len(l.W)+i])
		}
		checked += len(g)
	}
	nc := len(arch.Channels)
	gfc, _ := net.params[nc].Grad()
	for i := range m.FC {
		check("FC", i, &m.FC[i], gfc.Data().([]float32)[i])
	}
	gfb, _ := net.params[nc+1].Grad()
	check("FCBias", 0, &m.FCBias, gfb.Data().([]float32)[0])
	if checked == 0 {
		t.Fatal("no gradients checked")
	}
}

// TestStride1InPlace holds the stride-1 layers' in-place products (forward
// by overlapping windows, dx by gradXConv, dw by gradWConv) to the im2col
// formulation: same logits, same gradients of every parameter.
func TestStride1InPlace(t *testing.T) {
	defer func() { im2colAll = false }()
	rng := rand.New(rand.NewPCG(23, 24))
	arch := Arch{Channels: []int{5, 6, 6, 7, 7}, Strides: []int{1, 1, 1, 2, 1}, Kernel: 3}
	const d, n = 9, 6
	m := randomModel(arch, d, rng)
	diffs := randomDiffs(rng, n, d)
	run := func(ref bool) [][]float32 {
		im2colAll = ref
		net := runGraph(t, m, diffs, []float32{0, 1, 1, 0, 1, 0})
		out := [][]float32{append([]float32(nil), net.logits.Value().Data().([]float32)...)}
		return append(out, paramGrads(t, net)...)
	}
	sameOutputs(t, run(true), run(false), "0: logits, then parameter gradients", "im2col", "in place")
}

// sameOutputs fails t unless every output of got is within 1e-5 of the
// largest magnitude of ref's (none all zero); what names the outputs,
// refName and gotName the two runs.
func sameOutputs(t *testing.T, ref, got [][]float32, what, refName, gotName string) {
	t.Helper()
	for i := range ref {
		var scale float64
		for _, v := range ref[i] {
			scale = math.Max(scale, math.Abs(float64(v)))
		}
		if !(scale > 0) {
			t.Fatalf("output %d is all zero", i)
		}
		for j, v := range ref[i] {
			if e := math.Abs(float64(v - got[i][j])); !(e <= 1e-5*scale) {
				t.Fatalf("output %d (%s) [%d]: %s %v, %s %v", i, what, j, refName, v, gotName, got[i][j])
			}
		}
	}
}
