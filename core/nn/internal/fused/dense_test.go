package fused

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestDenseSameAsGorgonia holds Dense (forward and every gradient) to the
// same layer built from gorgonia's ops, for each activation, with and
// without bias, dropout mask and a second input part.
func TestDenseSameAsGorgonia(t *testing.T) {
	const batch, in1, in2 = 7, 5, 3
	const slope = 0.2
	// Output widths below and above blas32's panel widths.
	for _, out := range []int{6, 9} {
		for _, act := range []Activation{Identity, ReLU, LReLU} {
			for _, bias := range []bool{false, true} {
				for _, masked := range []bool{false, true} {
					for _, parts := range []int{1, 2} {
						name := fmt.Sprintf("out%d/act%d/bias=%v/mask=%v/parts=%d", out, act, bias, masked, parts)
						t.Run(name, func(t *testing.T) {
							rng := rand.New(rand.NewPCG(uint64(act), 3))
							rnd := func(n int) []float32 {
								v := make([]float32, n)
								for i := range v {
									v[i] = float32(rng.NormFloat64())
								}
								return v
							}
							rows := in1
							if parts == 2 {
								rows += in2
							}
							x1, x2, w, b, r := rnd(batch*in1), rnd(batch*in2), rnd(rows*out), rnd(out), rnd(batch*out)
							var mask []float32
							if masked {
								mask = make([]float32, batch*out)
								for i := range mask {
									if rng.Float64() >= 0.3 {
										mask[i] = 1 / 0.7
									}
								}
							}
							run := func(useFused bool) [][]float32 {
								g := G.NewGraph()
								mat := func(name string, v []float32, s ...int) *G.Node {
									return G.NewMatrix(g, tensor.Float32, G.WithShape(s...), G.WithName(name),
										G.WithValue(tensor.New(tensor.WithShape(s...), tensor.WithBacking(append([]float32(nil), v...)))))
								}
								xs := []*G.Node{mat("x1", x1, batch, in1)}
								if parts == 2 {
									xs = append(xs, mat("x2", x2, batch, in2))
								}
								wn := mat("w", w, rows, out)
								var bn *G.Node
								wrt := append(append(G.Nodes{}, xs...), wn)
								if bias {
									bn = G.NewVector(g, tensor.Float32, G.WithShape(out), G.WithName("b"),
										G.WithValue(tensor.New(tensor.WithShape(out), tensor.WithBacking(append([]float32(nil), b...)))))
									wrt = append(wrt, bn)
								}
								var y *G.Node
								if useFused {
									var err error
									if y, err = Dense(xs, wn, bn, act, slope, mask); err != nil {
										t.Fatal(err)
									}
								} else {
									x := xs[0]
									if parts == 2 {
										x = G.Must(G.Concat(1, xs[0], xs[1]))
									}
									y = G.Must(G.Mul(x, wn))
									if bias {
										y = G.Must(G.BroadcastAdd(y, bn, nil, []byte{0}))
									}
									switch act {
									case ReLU:
										y = G.Must(G.Rectify(y))
									case LReLU:
										y = G.Must(G.LeakyRelu(y, slope))
									}
									if masked {
										y = G.Must(G.HadamardProd(y, mat("mask", mask, batch, out)))
									}
								}
								cost := G.Must(G.Sum(G.Must(G.HadamardProd(y, mat("r", r, batch, out)))))
								if _, err := G.Grad(cost, wrt...); err != nil {
									t.Fatal(err)
								}
								vm := G.NewTapeMachine(g)
								defer vm.Close()
								if err := vm.RunAll(); err != nil {
									t.Fatal(err)
								}
								res := [][]float32{append([]float32(nil), y.Value().Data().([]float32)...)}
								for _, n := range wrt {
									gv, err := n.Grad()
									if err != nil {
										t.Fatal(err)
									}
									res = append(res, append([]float32(nil), gv.Data().([]float32)...))
								}
								return res
							}
							ref, got := run(false), run(true)
							for i := range ref {
								for j, v := range ref[i] {
									if e := math.Abs(float64(v - got[i][j])); !(e <= 1e-5*(1+math.Abs(float64(v)))) {
										t.Fatalf("output %d (0: y, then the gradients of the inputs, w, b) [%d]: gorgonia %v, fused %v", i, j, v, got[i][j])
									}
								}
							}
						})
					}
				}
			}
		}
	}
}

// TestDenseErrors checks the shape errors.
func TestDenseErrors(t *testing.T) {
	g := G.NewGraph()
	x := G.NewMatrix(g, tensor.Float32, G.WithShape(4, 3), G.WithName("x"))
	w := G.NewMatrix(g, tensor.Float32, G.WithShape(2, 5), G.WithName("w"))
	if _, err := Dense([]*G.Node{x}, w, nil, ReLU, 0, nil); err == nil {
		t.Error("3 input columns with a 2-row weight: no error")
	}
	w = G.NewMatrix(g, tensor.Float32, G.WithShape(3, 5), G.WithName("w2"))
	if _, err := Dense([]*G.Node{x}, w, nil, ReLU, 0, make([]float32, 3)); err == nil {
		t.Error("a mask of 3 values for 4x5 outputs: no error")
	}
	if _, err := Dense(nil, w, nil, ReLU, 0, nil); err == nil {
		t.Error("no input: no error")
	}
}
