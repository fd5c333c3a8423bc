package ppf

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"halo/core/grid"
)

// Paper Table 1 and Table 2 (seeds/ppf-cnn-fe-fujian.txt): 19 deposits ->
// 171 mineralized cells; 136 + 136 train and 35 + 35 test cells; train
// 36,720 similar + 18,496 dissimilar = 55,216 pairs; test 2,380 + 1,225 =
// 3,605 pairs.
const (
	paperDeposits   = 19
	paperMineral    = 171
	paperTrain      = 136
	paperTest       = 35
	paperTrainSim   = 36720
	paperTrainDis   = 18496
	paperTrainTotal = 55216
	paperTestSim    = 2380
	paperTestDis    = 1225
	paperTestTotal  = 3605
)

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		name         string
		pos, neg     int
		wantS, wantD int
	}{
		{"paper train (Table 2)", paperTrain, paperTrain, paperTrainSim, paperTrainDis},
		{"paper test (Table 2)", paperTest, paperTest, paperTestSim, paperTestDis},
		{"empty", 0, 0, 0, 0},
		{"one each", 1, 1, 0, 1},
		{"one class only", 3, 0, 6, 0},
		// Paper section 2.1: K(K-1) + N(N-1) similar and K*N dissimilar.
		{"unbalanced", 4, 2, 4*3 + 2*1, 8},
	} {
		s, d := Count(tc.pos, tc.neg)
		if s != tc.wantS || d != tc.wantD {
			t.Errorf("%s: Count(%d, %d) = %d, %d, want %d, %d", tc.name, tc.pos, tc.neg, s, d, tc.wantS, tc.wantD)
		}
	}
	s, d := Count(paperTrain, paperTrain)
	if s+d != paperTrainTotal {
		t.Errorf("train total %d, want %d", s+d, paperTrainTotal)
	}
	s, d = Count(paperTest, paperTest)
	if s+d != paperTestTotal {
		t.Errorf("test total %d, want %d", s+d, paperTestTotal)
	}
}

// synthStack returns a stack of d layers on a cols x rows grid with a
// smooth deterministic pattern, and NaN in cells where hole is true.
func synthStack(cols, rows, d int, hole func(c, r int) bool) *grid.Stack {
	names := make([]string, d)
	for k := range names {
		names[k] = string(rune('A' + k))
	}
	s := grid.NewStack(grid.Geom{Cols: cols, Rows: rows, Cell: 500}, names)
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			if hole != nil && hole(c, r) {
				continue
			}
			v := s.CellValues(r*cols + c)
			for k := range v {
				v[k] = float32(math.Sin(0.3*float64(c*(k+1))) + math.Cos(0.2*float64(r+k)))
			}
		}
	}
	return s
}

// TestPaperTables reproduces paper Tables 1 and 2 with an actual draw and
// Build on a synthetic stack with 19 non-overlapping deposits.
func TestPaperTables(t *testing.T) {
	const cols, rows, d = 40, 30, 5
	s := synthStack(cols, rows, d, nil)
	var deposits []int
	for i := 0; i < paperDeposits; i++ {
		c, r := 2+4*(i%9), 2+4*(i/9) // 3x3 blocks 4 cells apart: no overlap
		deposits = append(deposits, s.Index(c, r))
	}
	valid := s.Mask()
	mineral := Mineralized(s.Geom, deposits, valid)
	if len(mineral) != paperMineral {
		t.Fatalf("mineralized cells: got %d, want %d", len(mineral), paperMineral)
	}
	sp, err := Draw(mineral, valid, rand.New(rand.NewPCG(1, 2)), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		got  []int
		want int
	}{
		{"TrainPos", sp.TrainPos, paperTrain}, {"TrainNeg", sp.TrainNeg, paperTrain},
		{"TestPos", sp.TestPos, paperTest}, {"TestNeg", sp.TestNeg, paperTest},
	} {
		if len(c.got) != c.want {
			t.Errorf("%s: %d cells, want %d", c.name, len(c.got), c.want)
		}
	}
	for _, tc := range []struct {
		name       string
		pos, neg   []int
		sim, dis   int
		totalPairs int
	}{
		{"train", sp.TrainPos, sp.TrainNeg, paperTrainSim, paperTrainDis, paperTrainTotal},
		{"test", sp.TestPos, sp.TestNeg, paperTestSim, paperTestDis, paperTestTotal},
	} {
		p := Build(nil, s, tc.pos, tc.neg)
		if p.Len() != tc.totalPairs || len(p.X) != tc.totalPairs*d || p.D != d {
			t.Errorf("%s: %d pairs (len X %d, D %d), want %d", tc.name, p.Len(), len(p.X), p.D, tc.totalPairs)
		}
		var sim, dis int
		for _, y := range p.Y {
			switch y {
			case 0:
				sim++
			case 1:
				dis++
			default:
				t.Fatalf("%s: label %v", tc.name, y)
			}
		}
		if sim != tc.sim || dis != tc.dis {
			t.Errorf("%s: %d similar + %d dissimilar, want %d + %d", tc.name, sim, dis, tc.sim, tc.dis)
		}
	}
}

func TestMineralized(t *testing.T) {
	g := grid.Geom{Cols: 5, Rows: 4, Cell: 1}
	valid := make([]bool, g.Len())
	for i := range valid {
		valid[i] = true
	}
	valid[g.Index(1, 1)] = false
	for _, tc := range []struct {
		name     string
		deposits []int
		valid    []bool
		want     []int
	}{
		{"none", nil, valid, nil},
		{"corner clipped", []int{g.Index(0, 0)}, nil, []int{0, 1, 5, 6}},
		{"corner with hole", []int{g.Index(0, 0)}, valid, []int{0, 1, 5}},
		{"overlap counted once", []int{g.Index(0, 0), g.Index(1, 0)}, nil, []int{0, 1, 2, 5, 6, 7}},
		{"deposit cell without data keeps neighbours", []int{g.Index(1, 1)}, valid,
			[]int{0, 1, 2, 5, 7, 10, 11, 12}},
		{"east edge", []int{g.Index(4, 3)}, nil, []int{13, 14, 18, 19}},
	} {
		got := Mineralized(g, tc.deposits, tc.valid)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestDepositCells(t *testing.T) {
	g := grid.Geom{Cols: 4, Rows: 3, X0: 100, Y0: 200, Cell: 10}
	cells, out := DepositCells(g, []float64{105, 139, 99, 125, 105}, []float64{205, 229, 205, 215, 231})
	if want := []int{0, 11, 6}; !slices.Equal(cells, want) {
		t.Errorf("cells %v, want %v", cells, want)
	}
	if want := []int{2, 4}; !slices.Equal(out, want) {
		t.Errorf("outside %v, want %v", out, want)
	}
}

func TestDraw(t *testing.T) {
	mask := func(n int, off ...int) []bool {
		v := make([]bool, n)
		for i := range v {
			v[i] = true
		}
		for _, i := range off {
			v[i] = false
		}
		return v
	}
	for _, tc := range []struct {
		name      string
		mineral   []int
		valid     []bool
		share     float64
		wantErr   error
		wantTrain int
		wantTest  int
	}{
		{"paper share default", seq(0, 10), mask(100), 0, nil, 8, 2},
		{"exact product not rounded up", seq(0, 10), mask(100), 0.2, nil, 8, 2},
		{"ceil", seq(0, 11), mask(100), 0.2, nil, 8, 3},
		{"two cells", seq(0, 2), mask(10), 0, nil, 1, 1},
		{"none", nil, mask(10), 0, ErrNoMineralized, 0, 0},
		{"one", []int{3}, mask(10), 0, ErrFewMineralized, 0, 0},
		{"too few background", seq(0, 6), mask(10), 0, ErrFewBackground, 0, 0},
		{"background holes", seq(0, 5), mask(10, 7), 0, ErrFewBackground, 0, 0},
		{"share 1", seq(0, 5), mask(20), 1, ErrBadTestShare, 0, 0},
		{"share NaN", seq(0, 5), mask(20), math.NaN(), ErrBadTestShare, 0, 0},
	} {
		sp, err := Draw(tc.mineral, tc.valid, rand.New(rand.NewPCG(3, 4)), tc.share)
		if tc.wantErr != nil {
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("%s: error %v, want %v", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if len(sp.TrainPos) != tc.wantTrain || len(sp.TrainNeg) != tc.wantTrain ||
			len(sp.TestPos) != tc.wantTest || len(sp.TestNeg) != tc.wantTest {
			t.Errorf("%s: sizes %d %d %d %d, want %d train %d test", tc.name,
				len(sp.TrainPos), len(sp.TrainNeg), len(sp.TestPos), len(sp.TestNeg), tc.wantTrain, tc.wantTest)
		}
		pos := append(append([]int(nil), sp.TrainPos...), sp.TestPos...)
		slices.Sort(pos)
		if !slices.Equal(pos, tc.mineral) {
			t.Errorf("%s: positives %v, want %v", tc.name, pos, tc.mineral)
		}
		seen := map[int]bool{}
		for _, j := range append(append([]int(nil), sp.TrainNeg...), sp.TestNeg...) {
			if seen[j] || !tc.valid[j] || slices.Contains(tc.mineral, j) {
				t.Errorf("%s: bad background cell %d", tc.name, j)
			}
			seen[j] = true
		}
	}
	if _, err := Draw([]int{0, 1}, mask(5, 1), rand.New(rand.NewPCG(1, 1)), 0); err == nil {
		t.Error("mineralized cell without data: no error")
	}
}

func TestDrawReproducible(t *testing.T) {
	valid := make([]bool, 500)
	for i := range valid {
		valid[i] = true
	}
	a, _ := Draw(seq(0, 20), valid, rand.New(rand.NewPCG(7, 7)), 0)
	b, _ := Draw(seq(0, 20), valid, rand.New(rand.NewPCG(7, 7)), 0)
	c, _ := Draw(seq(0, 20), valid, rand.New(rand.NewPCG(8, 7)), 0)
	if !slices.Equal(a.TrainNeg, b.TrainNeg) || !slices.Equal(a.TestPos, b.TestPos) {
		t.Error("same seed gave different draws")
	}
	if slices.Equal(a.TrainNeg, c.TrainNeg) {
		t.Error("different seeds gave the same background draw")
	}
}

func seq(from, to int) []int {
	var v []int
	for i := from; i < to; i++ {
		v = append(v, i)
	}
	return v
}

func TestBuildValues(t *testing.T) {
	s := grid.NewStack(grid.Geom{Cols: 4, Rows: 1, Cell: 1}, []string{"a", "b"})
	copy(s.Data, []float32{1, 2, 4, 0, 0, 7, 3, 3})
	dst := &Pairs{X: make([]float32, 0, 100), Y: make([]float32, 0, 100)}
	p := Build(dst, s, []int{0, 1}, []int{2})
	if p != dst {
		t.Error("Build did not reuse dst")
	}
	wantX := []float32{
		3, 2, // |c0-c1|
		3, 2, // |c1-c0|
		1, 5, // |c0-c2|
		4, 7, // |c1-c2|
	}
	wantY := []float32{0, 0, 1, 1}
	if !slices.Equal(p.X, wantX) || !slices.Equal(p.Y, wantY) {
		t.Errorf("got X %v Y %v, want X %v Y %v", p.X, p.Y, wantX, wantY)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("no panic for a cell without data")
			}
		}()
		s.Data[6] = float32(math.NaN())
		Build(nil, s, []int{0, 3}, nil)
	}()
}
