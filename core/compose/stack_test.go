package compose

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"halo/core/grid"
)

// tol32 is the tolerance for values stored as float32 (relative, about 4 ulp
// of float32 plus the rounding of the float32 input logs).
const tol32 = 1e-5

func randomLogStack(rnd *rand.Rand, cols, rows, d int) *grid.Stack {
	names := make([]string, d)
	for k := range names {
		names[k] = string(rune('A' + k%26))
	}
	s := grid.NewStack(grid.Geom{Cols: cols, Rows: rows, Cell: 500}, names)
	for i := range s.Data {
		s.Data[i] = float32(rnd.NormFloat64()*2 + 3)
	}
	return s
}

func TestStacks(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	const d = 6
	s := randomLogStack(rnd, 7, 5, d)
	nan := float32(math.NaN())
	// Cell 3: one missing log. Cell 8: ln 0 = -Inf. Cell 11: +Inf.
	s.Data[3*d+2] = nan
	s.Data[8*d+5] = float32(math.Inf(-1))
	s.Data[11*d] = float32(math.Inf(1))
	bad := map[int]bool{3: true, 8: true, 11: true}

	c := CLRStack(s)
	z := ILRStack(s)
	if c.D() != d || z.D() != d-1 || c.Geom != s.Geom || z.Geom != s.Geom {
		t.Fatalf("shapes: clr %d layers, ilr %d layers", c.D(), z.D())
	}
	if c.Names[0] != "clr.A" || z.Names[d-2] != "ilr5" {
		t.Errorf("names: %v %v", c.Names, z.Names)
	}
	l := make([]float64, d)
	wc := make([]float64, d)
	wz := make([]float64, d-1)
	for i := 0; i < s.Len(); i++ {
		gc, gz := c.CellValues(i), z.CellValues(i)
		if bad[i] {
			for _, v := range append(append([]float32(nil), gc...), gz...) {
				if !math.IsNaN(float64(v)) {
					t.Errorf("cell %d: got %v and %v, want all NaN", i, gc, gz)
					break
				}
			}
			continue
		}
		for k, v := range s.CellValues(i) {
			l[k] = float64(v)
		}
		CLRLog(wc, l)
		ILRLog(wz, l)
		for k := range wc {
			if !scalar.EqualWithinAbsOrRel(float64(gc[k]), wc[k], tol32, tol32) {
				t.Errorf("cell %d clr %d: got %v, want %v", i, k, gc[k], wc[k])
			}
		}
		for k := range wz {
			if !scalar.EqualWithinAbsOrRel(float64(gz[k]), wz[k], tol32, tol32) {
				t.Errorf("cell %d ilr %d: got %v, want %v", i, k, gz[k], wz[k])
			}
		}
	}
	// The input is left untouched.
	if !math.IsNaN(float64(s.Data[3*d+2])) {
		t.Error("input modified")
	}
}

func TestILRStackOneLayer(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("ILRStack of one layer did not panic")
		}
	}()
	ILRStack(grid.NewStack(grid.Geom{Cols: 2, Rows: 2, Cell: 1}, []string{"Cu"}))
}

func TestStandardise(t *testing.T) {
	nan := float32(math.NaN())
	// 4 cells x 3 layers: layer 0 = 1, 2, 3, NaN; layer 1 constant 0.1
	// (a value float32 cannot hold exactly); layer 2 all NaN.
	s := grid.NewStack(grid.Geom{Cols: 2, Rows: 2, Cell: 1}, []string{"a", "b", "c"})
	copy(s.Data, []float32{
		1, 0.1, nan,
		2, 0.1, nan,
		3, 0.1, nan,
		nan, 0.1, nan,
	})
	mean, sd, constant := Standardise(s)
	// By hand: mean of 1,2,3 is 2; population sd sqrt(((1)^2+0+(1)^2)/3).
	wantSD0 := math.Sqrt(2.0 / 3)
	if !scalar.EqualWithinAbsOrRel(mean[0], 2, tol, tol) || !scalar.EqualWithinAbsOrRel(sd[0], wantSD0, tol, tol) {
		t.Errorf("layer 0: mean %v sd %v, want 2 and %v", mean[0], sd[0], wantSD0)
	}
	if sd[1] != 1 || sd[2] != 1 || mean[2] != 0 {
		t.Errorf("constant layers: mean %v sd %v, want sd 1 and mean 0 for the empty one", mean, sd)
	}
	if len(constant) != 2 || constant[0] != 1 || constant[1] != 2 {
		t.Errorf("constant = %v, want [1 2]", constant)
	}
	want := []float32{
		float32(-1 / wantSD0), 0, nan,
		0, 0, nan,
		float32(1 / wantSD0), 0, nan,
		nan, 0, nan,
	}
	for i, w := range want {
		g := s.Data[i]
		if math.IsNaN(float64(w)) != math.IsNaN(float64(g)) || (!math.IsNaN(float64(w)) && math.Abs(float64(g-w)) > tol32) {
			t.Errorf("value %d: got %v, want %v", i, g, w)
		}
	}
}

func TestStandardiseProperties(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	s := randomLogStack(rnd, 30, 20, 5)
	Standardise(s)
	mean, sd, constant := Standardise(s) // standardising twice changes nothing
	if len(constant) != 0 {
		t.Errorf("constant = %v, want none", constant)
	}
	for k := range mean {
		if math.Abs(mean[k]) > tol32 || math.Abs(sd[k]-1) > tol32 {
			t.Errorf("layer %d after standardising: mean %v sd %v, want 0 and 1", k, mean[k], sd[k])
		}
	}
}
