package view

import (
	"math"
	"slices"
	"testing"

	"halo/core/grid"
	"halo/core/render/classify"
)

const (
	tolMetres = 1e-6 // round trips of map coordinates (metres near 1e6)
	tolPixel  = 1e-6
)

var nan = float32(math.NaN())

func seq(n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(i + 1)
	}
	return s
}

func mustLayer(t *testing.T, g grid.Geom, score []float32) *Layer {
	t.Helper()
	l, err := NewLayer("test", g, score)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLayerCutsMatchClassify(t *testing.T) {
	inf := float32(math.Inf(1))
	ties := []float32{1, 2, 2, 2, 2, 3, 3, 9, 9, 9}
	for _, tc := range []struct {
		name  string
		score []float32
		tops  []float64
		want  []float32 // hand-checked cut-offs (classify tests: ceil(p/100*n))
	}{
		{"1..20", seq(20), []float64{5, 15, 30}, []float32{20, 18, 15}},
		{"1..200 no round up", seq(200), []float64{5, 15, 30}, []float32{191, 171, 141}},
		{"NaN and Inf left out", append(seq(20), nan, inf, nan), []float64{5, 15, 30}, []float32{20, 18, 15}},
		// 10 values: 1, 2 and 5 cells: 9, 9, 3
		{"ties", ties, []float64{10, 20, 50}, []float32{9, 9, 3}},
		{"whole area", seq(4), []float64{50, 100}, []float32{3, 1}},
		{"moved sliders", seq(20), []float64{10, 40, 60}, []float32{19, 13, 9}},
	} {
		g := grid.Geom{Cols: len(tc.score), Rows: 1, Cell: 10}
		l := mustLayer(t, g, tc.score)
		got := l.Cuts(nil, tc.tops)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: cuts %v, want %v", tc.name, got, tc.want)
		}
		if ref := classify.Cuts(tc.score, tc.tops); !slices.Equal(got, ref) {
			t.Errorf("%s: cuts %v differ from classify.Cuts %v", tc.name, got, ref)
		}
	}
	l := mustLayer(t, grid.Geom{Cols: 2, Rows: 1, Cell: 1}, []float32{nan, nan})
	for _, c := range l.Cuts(nil, []float64{5}) {
		if !math.IsNaN(float64(c)) {
			t.Errorf("no data: cut %v, want NaN", c)
		}
	}
}

func TestPaintClasses(t *testing.T) {
	// A 4 x 5 grid of scores 1..20 (row 0 south), no data in the south-west
	// cell: 19 cells with data, classes of 1, 3 and 6 cells (see
	// classify.ExampleClasses).
	g := grid.Geom{Cols: 4, Rows: 5, Cell: 100, X0: 500000, Y0: 7000000}
	score := seq(20)
	score[0] = nan
	l := mustLayer(t, g, score)
	cuts := l.Cuts(nil, []float64{5, 15, 30})
	pix := make([]byte, 4*g.Len())
	count := make([]int, 4)
	Paint(pix, l, Classes, cuts, count)
	if want := []int{1, 2, 3, 13}; !slices.Equal(count, want) {
		t.Errorf("class counts %v, want %v", count, want)
	}
	// expected classes per image row (north first), 9 = no data
	want := [][]int{{2, 1, 1, 0}, {3, 3, 2, 2}, {3, 3, 3, 3}, {3, 3, 3, 3}, {9, 3, 3, 3}}
	for j, row := range want {
		for c, k := range row {
			px := pix[4*(j*g.Cols+c) : 4*(j*g.Cols+c)+4]
			var wantPx [4]byte
			if k != 9 {
				col := classify.ClassColor(k, 3)
				wantPx = [4]byte{col.R, col.G, col.B, 0xff}
			}
			if [4]byte(px) != wantPx {
				t.Errorf("image row %d col %d: pixel %v, want class %d %v", j, c, px, k, wantPx)
			}
		}
	}
	// Moving the first slider from 5 to 30 % turns the 6 top cells red.
	Paint(pix, l, Classes, l.Cuts(cuts, []float64{30, 50, 80}), count)
	if count[0] != 6 {
		t.Errorf("top 30 %%: %d red cells, want 6", count[0])
	}
}

func TestPaintContinuous(t *testing.T) {
	g := grid.Geom{Cols: 3, Rows: 1, Cell: 1}
	l := mustLayer(t, g, []float32{5, nan, 1})
	pix := make([]byte, 12)
	Paint(pix, l, Continuous, nil, nil)
	lo, hi := classify.Viridis(0), classify.Viridis(1)
	if want := []byte{hi.R, hi.G, hi.B, 255, 0, 0, 0, 0, lo.R, lo.G, lo.B, 255}; !slices.Equal(pix, want) {
		t.Errorf("pixels %v, want %v", pix, want)
	}
}

func TestPercentile(t *testing.T) {
	l := mustLayer(t, grid.Geom{Cols: 6, Rows: 1, Cell: 1}, []float32{3, 1, 2, nan, 5, 2})
	for _, tc := range []struct {
		v    float32
		want float64
	}{
		{1, 0}, {5, 100}, {3, 75},
		{2, 37.5}, // ties at ranks 1 and 2 of 0..4: 1.5/4
		{4, 87.5}, // between ranks 3 and 4
		{0, 0}, {9, 100},
	} {
		if got := l.Percentile(tc.v); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("Percentile(%v) = %v, want %v", tc.v, got, tc.want)
		}
	}
	if got := l.Percentile(nan); !math.IsNaN(got) {
		t.Errorf("Percentile(NaN) = %v, want NaN", got)
	}
}

func TestNewLayerErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		g     grid.Geom
		score []float32
	}{
		{"length", grid.Geom{Cols: 2, Rows: 2, Cell: 1}, seq(3)},
		{"no size", grid.Geom{Cols: 0, Rows: 2, Cell: 1}, nil},
		{"no cell", grid.Geom{Cols: 1, Rows: 1}, seq(1)},
		{"NaN origin", grid.Geom{Cols: 1, Rows: 1, Cell: 1, X0: math.NaN()}, seq(1)},
	} {
		if _, err := NewLayer("x", tc.g, tc.score); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	for _, tops := range [][]float64{nil, {15, 5}, {0}, {101}, {5, 5}, {math.NaN()}} {
		if CheckTops(tops) == nil {
			t.Errorf("tops %v: no error", tops)
		}
	}
}

var testGeom = grid.Geom{Cols: 200, Rows: 100, X0: 500000, Y0: 7000000, Cell: 50, CellY: 25}

func TestViewRoundTrip(t *testing.T) {
	v := Fit(testGeom, 800, 600, 20)
	for _, p := range [][2]float64{{0, 0}, {400, 300}, {799.5, 12.25}, {-30, 900}} {
		x, y := v.ToMap(p[0], p[1])
		sx, sy := v.ToScreen(x, y)
		if math.Abs(sx-p[0]) > tolPixel || math.Abs(sy-p[1]) > tolPixel {
			t.Errorf("screen %v -> map (%v, %v) -> screen (%v, %v)", p, x, y, sx, sy)
		}
	}
	// The grid fits: 10 000 m x 2 500 m in 760 x 560 px, width-limited.
	if want := 760.0 / 10000; math.Abs(v.Scale-want) > 1e-12 {
		t.Errorf("fit scale %v, want %v", v.Scale, want)
	}
	// North is up: the north-west corner is above the south-west corner.
	_, yn := v.ToScreen(500000, 7002500)
	_, ys := v.ToScreen(500000, 7000000)
	if !(yn < ys) {
		t.Errorf("north at y %v, south at y %v: north is not up", yn, ys)
	}
	// Every cell centre maps to a pixel that maps back into the same cell.
	for _, cr := range [][2]int{{0, 0}, {199, 99}, {17, 63}} {
		x, y := testGeom.CellXY(cr[0], cr[1])
		c, r, ok := v.ToCell(v.ToScreen(x, y))
		if !ok || c != cr[0] || r != cr[1] {
			t.Errorf("cell %v -> cell (%d, %d, %v)", cr, c, r, ok)
		}
	}
}

func TestImageTransformPlacesCells(t *testing.T) {
	v := Fit(testGeom, 640, 480, 0)
	v.ZoomAt(100, 100, 3)
	kx, ky, tx, ty := v.ImageTransform()
	// Image pixel (c, j) with j = Rows-1-r covers cell (c, r): its centre
	// must land on the cell centre's screen position.
	for _, cr := range [][2]int{{0, 0}, {5, 99}, {120, 40}} {
		c, r := cr[0], cr[1]
		j := testGeom.Rows - 1 - r
		ix, iy := tx+(float64(c)+0.5)*kx, ty+(float64(j)+0.5)*ky
		sx, sy := v.ToScreen(testGeom.CellXY(c, r))
		if math.Abs(ix-sx) > 1e-6 || math.Abs(iy-sy) > 1e-6 {
			t.Errorf("cell %v: image centre (%v, %v), cell centre (%v, %v)", cr, ix, iy, sx, sy)
		}
	}
	// Markers: a deposit at a cell centre is drawn on that cell.
	x, y := testGeom.CellXY(120, 40)
	pts := v.Project(nil, [][2]float64{{x, y}})
	c, r, ok := v.ToCell(float64(pts[0][0]), float64(pts[0][1]))
	if !ok || c != 120 || r != 40 {
		t.Errorf("marker lands on cell (%d, %d, %v), want (120, 40)", c, r, ok)
	}
}

func TestZoomKeepsPointFixed(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sx, sy float64
		f      float64
	}{
		{"in at centre", 400, 300, 2},
		{"in at corner", 10, 590, 1.25},
		{"in off centre", 612.5, 87, 4},
		{"out after in", 250, 250, 0.8},
	} {
		v := Fit(testGeom, 800, 600, 20)
		v.ZoomAt(400, 300, 4) // start zoomed in so that zooming out is free
		x0, y0 := v.ToMap(tc.sx, tc.sy)
		s0 := v.Scale
		if !v.ZoomAt(tc.sx, tc.sy, tc.f) {
			t.Errorf("%s: view did not change", tc.name)
		}
		if math.Abs(v.Scale-s0*tc.f) > 1e-12*s0 {
			t.Errorf("%s: scale %v, want %v", tc.name, v.Scale, s0*tc.f)
		}
		x1, y1 := v.ToMap(tc.sx, tc.sy)
		if math.Abs(x1-x0) > tolMetres || math.Abs(y1-y0) > tolMetres {
			t.Errorf("%s: point moved from (%v, %v) to (%v, %v)", tc.name, x0, y0, x1, y1)
		}
	}
	// Clamps: far out stops at MinZoom of the fit, far in at MaxCellPixels.
	v := Fit(testGeom, 800, 600, 0)
	fit := v.Scale
	v.ZoomAt(400, 300, 1e-6)
	if math.Abs(v.Scale-MinZoom*fit) > 1e-12 {
		t.Errorf("zoom out: scale %v, want %v", v.Scale, MinZoom*fit)
	}
	v.ZoomAt(400, 300, 1e9)
	if want := MaxCellPixels / testGeom.CellY; math.Abs(v.Scale-want) > 1e-9 {
		t.Errorf("zoom in: scale %v, want %v", v.Scale, want)
	}
}

func TestPanClampsToGrid(t *testing.T) {
	v := Fit(testGeom, 800, 600, 0)
	x0, y0 := v.ToMap(100, 100)
	v.Pan(10, -20) // drag right and up: the map follows the cursor
	x1, y1 := v.ToMap(110, 80)
	if math.Abs(x1-x0) > tolMetres || math.Abs(y1-y0) > tolMetres {
		t.Errorf("dragged point (%v, %v) is now under the cursor at (%v, %v)", x0, y0, x1, y1)
	}
	v.Pan(1e9, -1e9)
	// dragging far right and up shows the south-west corner at the centre
	xmin, ymin, _, _ := testGeom.Extent()
	if v.CX != xmin || v.CY != ymin {
		t.Errorf("centre (%v, %v) after a huge pan, want the south-west corner (%v, %v)", v.CX, v.CY, xmin, ymin)
	}
}

func TestScaleBar(t *testing.T) {
	for _, tc := range []struct {
		scale, maxPx float64
		metres       float64
		label        string
	}{
		{0.1, 120, 1000, "1 km"},    // 1 200 m fit: 1 km
		{0.1, 250, 2000, "2 km"},    // 2 500 m
		{0.1, 999, 5000, "5 km"},    // 9 990 m
		{0.1, 100, 1000, "1 km"},    // exactly 1 000 m
		{1, 480, 200, "200 m"},      // 480 m
		{0.01, 150, 10000, "10 km"}, // 15 km
		{2, 3, 1, "1 m"},
		{100, 30, 0.2, "0.2 m"},
	} {
		m, px, lab := ScaleBar(tc.scale, tc.maxPx)
		if math.Abs(m-tc.metres) > 1e-9*tc.metres || lab != tc.label || math.Abs(px-m*tc.scale) > 1e-9 || px > tc.maxPx+1e-9 {
			t.Errorf("ScaleBar(%v, %v) = %v m, %v px, %q; want %v m, %q", tc.scale, tc.maxPx, m, px, lab, tc.metres, tc.label)
		}
	}
	if m, _, _ := ScaleBar(0, 100); m != 0 {
		t.Errorf("zero scale: bar %v m", m)
	}
}

func TestClassLegend(t *testing.T) {
	got := ClassLegend([]float64{5, 15, 30})
	want := []string{"top 0–5 %", "5–15 %", "15–30 %", "30–100 %", "no data"}
	if len(got) != len(want) {
		t.Fatalf("%d items, want %d", len(got), len(want))
	}
	for i, it := range got {
		if it.Label != want[i] {
			t.Errorf("item %d: %q, want %q", i, it.Label, want[i])
		}
	}
	if got[0].Color != classify.ClassRed || got[3].Color != classify.Background {
		t.Errorf("colours %v, %v", got[0].Color, got[3].Color)
	}
	if got := ClassLegend([]float64{10, 100}); len(got) != 3 || got[1].Label != "10–100 %" {
		t.Errorf("whole area: %v", got)
	}
}

func TestRead(t *testing.T) {
	g := grid.Geom{Cols: 2, Rows: 2, X0: 1000, Y0: 2000, Cell: 10}
	l := mustLayer(t, g, []float32{1, 2, nan, 4}) // row 0 south: 1 2; north: NaN 4
	for _, tc := range []struct {
		name   string
		x, y   float64
		inside bool
		score  float32
		pct    float64
		last   string
	}{
		{"north-east", 1015, 2015, true, 4, 100, "score 4  percentile 100.0 (top 0.0 %)"},
		{"south-west", 1001, 2001, true, 1, 0, "score 1  percentile 0.0 (top 100.0 %)"},
		{"no data", 1005, 2015, true, nan, math.NaN(), "no data"},
		{"outside", 990, 2001, false, nan, math.NaN(), "outside the grid"},
	} {
		r := l.Read(tc.x, tc.y)
		same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
		if r.Inside != tc.inside || !same(float64(r.Score), float64(tc.score)) || !same(r.Percentile, tc.pct) {
			t.Errorf("%s: %+v", tc.name, r)
		}
		if lines := r.Lines(); lines[len(lines)-1] != tc.last {
			t.Errorf("%s: text %q, want %q", tc.name, lines[len(lines)-1], tc.last)
		}
	}
	if got, want := Metres(-512300.4), "-512 300 m"; got != want {
		t.Errorf("Metres = %q, want %q", got, want)
	}
}

func TestPanes(t *testing.T) {
	p := Panes(801, 400, 2, 1)
	if len(p) != 2 || p[0].W != 400 || p[1].X != 401 || p[1].W != 400 {
		t.Errorf("panes %v", p)
	}
	if Hit(p, 400.5, 10) != -1 || Hit(p, 10, 10) != 0 || Hit(p, 700, 399) != 1 {
		t.Errorf("hit test on the gap or panes is wrong")
	}
}

func TestWheelZoom(t *testing.T) {
	for _, tc := range []struct{ dy, want float64 }{
		{0, 1},
		{100, math.Exp(0.25)},   // one mouse notch in
		{-100, math.Exp(-0.25)}, // and out
		{1e6, math.E},           // clamped
		{math.NaN(), 1},
	} {
		if got := WheelZoom(tc.dy); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("WheelZoom(%v) = %v, want %v", tc.dy, got, tc.want)
		}
	}
	// Zooming in then out by the same turn returns to the same scale.
	if got := WheelZoom(37) * WheelZoom(-37); math.Abs(got-1) > 1e-12 {
		t.Errorf("in and out: %v", got)
	}
}
