package classify

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"testing"

	"halo/core/grid"
)

var nan = float32(math.NaN())

func seq(n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(i + 1)
	}
	return s
}

func TestCuts(t *testing.T) {
	inf := float32(math.Inf(1))
	for _, tc := range []struct {
		name string
		data []float32
		tops []float64
		want []float32
	}{
		// 20 cells: top 5 % is 1 cell, 15 % is 3, 30 % is 6.
		{"1..20", seq(20), DefaultTops, []float32{20, 18, 15}},
		// 200 cells: 10, 30 and 60 cells (no rounding up of 5 % of 200).
		{"1..200", seq(200), DefaultTops, []float32{191, 171, 141}},
		// 7 cells: ceil(0.35) = 1, ceil(1.05) = 2, ceil(2.1) = 3.
		{"1..7", seq(7), DefaultTops, []float32{7, 6, 5}},
		{"NaN and Inf ignored", append(seq(20), nan, inf, nan), DefaultTops, []float32{20, 18, 15}},
		{"one value", []float32{3}, DefaultTops, []float32{3, 3, 3}},
		{"all equal", []float32{2, 2, 2, 2}, DefaultTops, []float32{2, 2, 2}},
		{"whole area", seq(4), []float64{50, 100}, []float32{3, 1}},
		{"no classes", seq(4), []float64{}, []float32{}},
	} {
		got := Cuts(tc.data, tc.tops)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	for _, v := range Cuts([]float32{nan, nan}, DefaultTops) {
		if !math.IsNaN(float64(v)) {
			t.Errorf("all no data: cut %v, want NaN", v)
		}
	}
}

func TestCutsPanics(t *testing.T) {
	for _, tops := range [][]float64{{15, 5}, {5, 5}, {0, 10}, {-1}, {101}, {math.NaN()}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("tops %v: no panic", tops)
				}
			}()
			Cuts(seq(10), tops)
		}()
	}
}

func TestClassify(t *testing.T) {
	cuts := []float32{10, 5, 2}
	data := []float32{11, 10, 9.99, 5, 4, 2, 1, nan, float32(math.Inf(1)), float32(math.Inf(-1))}
	want := []uint8{0, 0, 1, 1, 2, 2, 3, NoClass, NoClass, NoClass}
	got := Classify(nil, data, cuts)
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	dst := make([]uint8, len(data))
	if got := Classify(dst, data, cuts); &got[0] != &dst[0] || !slices.Equal(dst, want) {
		t.Errorf("dst not filled in place: %v", dst)
	}
	// NaN cut-offs (a grid without data) put every finite value in the
	// background.
	if got := Classify(nil, []float32{1}, []float32{nan}); got[0] != 1 {
		t.Errorf("NaN cut: class %d, want 1 (background)", got[0])
	}
}

func TestClassesShares(t *testing.T) {
	// On 1000 distinct scores the classes hold exactly 5, 10, 15 and 70 %
	// of the cells.
	g := grid.New(grid.Geom{Cols: 40, Rows: 25, Cell: 1})
	for i := range g.Data {
		g.Data[i] = float32((i * 617) % 1000) // a permutation of 0..999
	}
	class, cuts := Classes(g, nil)
	count := make([]int, 4)
	for _, k := range class {
		count[k]++
	}
	if want := []int{50, 100, 150, 700}; !slices.Equal(count, want) {
		t.Errorf("class sizes %v, want %v", count, want)
	}
	if want := []float32{950, 850, 700}; !slices.Equal(cuts, want) {
		t.Errorf("cuts %v, want %v", cuts, want)
	}
}

func ExampleClasses() {
	// A 4 x 5 grid of scores 1..20 (row 0 south) with no data in the
	// south-west cell: of the 19 cells with data the top 5 % is
	// ceil(0.95) = 1 cell, 15 % ceil(2.85) = 3 cells, 30 % ceil(5.7) = 6.
	g := grid.New(grid.Geom{Cols: 4, Rows: 5, Cell: 100})
	copy(g.Data, seq(20))
	g.Data[0] = float32(math.NaN())
	class, cuts := Classes(g, nil)
	fmt.Println("cuts:", cuts)
	for r := g.Rows - 1; r >= 0; r-- { // north row first
		fmt.Println(class[r*g.Cols : (r+1)*g.Cols])
	}
	// Output:
	// cuts: [20 18 15]
	// [2 1 1 0]
	// [3 3 2 2]
	// [3 3 3 3]
	// [3 3 3 3]
	// [255 3 3 3]
}

func TestPercentileRank(t *testing.T) {
	sorted := []float32{1, 2, 2, 3, 5}
	for _, tc := range []struct {
		v    float32
		want float64
	}{
		{1, 0},
		{5, 1},
		{3, 0.75},
		{2, 0.375}, // ranks 1 and 2 of 0..4: mean 1.5 / 4
		{0, 0},     // below the range
		{9, 1},     // above the range
		{4, 0.875}, // between ranks 3 and 4 (lo = 4, hi - 1 = 3)
	} {
		if got := PercentileRank(sorted, tc.v); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("PercentileRank(%v) = %v, want %v", tc.v, got, tc.want)
		}
	}
	if got := PercentileRank([]float32{7}, 7); got != 0.5 {
		t.Errorf("one value: %v, want 0.5", got)
	}
}

func TestColours(t *testing.T) {
	// The three default classes are the paper's red, yellow and blue.
	for k, want := range []color.RGBA{ClassRed, ClassYellow, ClassBlue, Background} {
		if got := ClassColor(k, 3); got != want {
			t.Errorf("ClassColor(%d, 3) = %v, want %v", k, got, want)
		}
	}
	// viridis ends: #440154 and #fde725 (matplotlib and R viridisLite).
	if got := Viridis(0); got != (color.RGBA{0x44, 0x01, 0x54, 0xff}) {
		t.Errorf("Viridis(0) = %v", got)
	}
	if got := Viridis(1); got != (color.RGBA{0xfd, 0xe7, 0x25, 0xff}) {
		t.Errorf("Viridis(1) = %v", got)
	}
	if got := Viridis(2); got != Viridis(1) {
		t.Errorf("Viridis(2) = %v, want clamped to Viridis(1)", got)
	}
	// Lightness grows monotonically along viridis (a perceptual map).
	prev := -1.0
	for i := 0; i <= 100; i++ {
		c := Viridis(float64(i) / 100)
		l := 0.2126*float64(c.R) + 0.7152*float64(c.G) + 0.0722*float64(c.B)
		if l < prev-0.5 {
			t.Fatalf("luminance falls at %d: %v < %v", i, l, prev)
		}
		prev = l
	}
}
