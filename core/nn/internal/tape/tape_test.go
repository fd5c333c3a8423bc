package tape

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// graph builds cost = sum((x W + x W2) ⊙ (x W)) + c with the gradients of W
// and W2: a node (x W) feeding two others, so that symbolic
// differentiation adds gradient sums, a scalar addition and a constant.
func graph(t *testing.T) (*G.ExprGraph, G.Nodes, []float32) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	fill := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return v
	}
	g := G.NewGraph()
	xb := fill(6 * 4)
	x := G.NewMatrix(g, tensor.Float32, G.WithShape(6, 4), G.WithName("x"), G.WithValue(tensor.New(tensor.WithShape(6, 4), tensor.WithBacking(xb))))
	w := G.NewMatrix(g, tensor.Float32, G.WithShape(4, 3), G.WithName("w"), G.WithValue(tensor.New(tensor.WithShape(4, 3), tensor.WithBacking(fill(12)))))
	w2 := G.NewMatrix(g, tensor.Float32, G.WithShape(4, 3), G.WithName("w2"), G.WithValue(tensor.New(tensor.WithShape(4, 3), tensor.WithBacking(fill(12)))))
	xw := G.Must(G.Mul(x, w))
	s := G.Must(G.Add(xw, G.Must(G.Mul(x, w2))))
	cost := G.Must(G.Add(G.Must(G.Sum(G.Must(G.HadamardProd(s, xw)))), G.NewConstant(float32(0.25))))
	grads, err := G.Grad(cost, w, w2)
	if err != nil {
		t.Fatal(err)
	}
	return g, append(G.Nodes{cost}, grads...), xb
}

func bits(t *testing.T, v G.Value) []uint32 {
	t.Helper()
	var out []uint32
	switch v := v.(type) {
	case *G.F32:
		out = append(out, math.Float32bits(float32(*v)))
	case *tensor.Dense:
		for _, f := range v.Float32s() {
			out = append(out, math.Float32bits(f))
		}
	default:
		t.Fatalf("value of type %T", v)
	}
	return out
}

// TestMachineMatchesTapeMachine runs the graph twice on a Machine (the
// second run reuses its results) and once on gorgonia's TapeMachine, the
// input rewritten in place in between: the cost and the gradients must
// agree bit for bit.
func TestMachineMatchesTapeMachine(t *testing.T) {
	g, out, xb := graph(t)
	m, err := New(g)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := Reference(g)
	if err != nil {
		t.Fatal(err)
	}
	adds := 0
	for _, in := range m.prog {
		if in.kind == addDense || in.kind == addScalar || isAdd(in.op) {
			adds++
		}
	}
	if adds < 2 {
		t.Fatalf("the graph has %d additions, want the gradient sum and the scalar one", adds)
	}
	for run := range 2 {
		for i := range xb {
			xb[i] *= -1.5 // the same input node, a new value in place
		}
		if err := m.Run(); err != nil {
			t.Fatal(err)
		}
		if err := ref.Run(); err != nil {
			t.Fatal(err)
		}
		for k, n := range out {
			got, want := bits(t, m.Value(n)), bits(t, ref.Value(n))
			if len(got) != len(want) {
				t.Fatalf("run %d, output %d: %d values, TapeMachine %d", run, k, len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("run %d, output %d [%d]: %x, TapeMachine %x", run, k, i, got[i], want[i])
				}
			}
		}
	}
	if m.Value(G.NewScalar(G.NewGraph(), tensor.Float32)) != nil {
		t.Error("Value of a node of another graph is not nil")
	}
}
