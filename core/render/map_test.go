package render

import (
	"flag"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"halo/core/grid"
	"halo/core/render/classify"
)

var nan = float32(math.NaN())

var regen = flag.Bool("regen", false, "regenerate the golden images in testdata/")

// rampGrid is a 10 x 10 grid of 1000 m cells whose score is the flat index
// (row 0 south, so the scores grow northwards), with one cell of no data.
// Its classes: 99 cells with data, top 5 % = ceil(4.95) = 5 cells (scores
// 95..99, north row, columns 5..9), 15 % = 15 cells (scores >= 85), 30 % =
// 30 cells (scores >= 70); cell (0, 0) is NaN.
func rampGrid() *grid.Grid {
	g := grid.New(grid.Geom{Cols: 10, Rows: 10, X0: 500000, Y0: 2500000, Cell: 1000})
	for i := range g.Data {
		g.Data[i] = float32(i)
	}
	g.Data[0] = nan
	return g
}

func rgbaAt(img *image.RGBA, x, y int) color.RGBA { return img.RGBAAt(x, y) }

func TestMapClassColours(t *testing.T) {
	const s = 4 // pixels per cell
	g := rampGrid()
	img := Map(g, &MapOptions{Scale: s})
	if b := img.Bounds(); b.Dx() != 10*s || b.Dy() != 10*s {
		t.Fatalf("size %v, want %d x %d", b, 10*s, 10*s)
	}
	for _, tc := range []struct {
		name string
		c, r int
		want color.RGBA
	}{
		{"top 5 %", 9, 9, classify.ClassRed},
		{"top 5 % edge", 5, 9, classify.ClassRed},
		{"5-15 %", 4, 9, classify.ClassYellow},
		{"5-15 % lowest", 5, 8, classify.ClassYellow},
		{"15-30 %", 9, 7, classify.ClassBlue},
		{"15-30 % lowest", 0, 7, classify.ClassBlue},
		{"background", 9, 6, classify.Background},
		{"background south", 5, 0, classify.Background},
		{"no data", 0, 0, classify.NoDataWhite},
	} {
		// Row r (0 south) is drawn at image rows (Rows-1-r)*s ... ; sample
		// every pixel of the cell.
		for dy := range s {
			for dx := range s {
				x, y := tc.c*s+dx, (g.Rows-1-tc.r)*s+dy
				if got := rgbaAt(img, x, y); got != tc.want {
					t.Fatalf("%s: cell (%d, %d) pixel (%d, %d) = %v, want %v", tc.name, tc.c, tc.r, x, y, got, tc.want)
				}
			}
		}
	}
}

func TestMapNorthUp(t *testing.T) {
	// A grid with data only in its southern row: the bottom of the image.
	g := grid.New(grid.Geom{Cols: 3, Rows: 2, X0: 0, Y0: 0, Cell: 10})
	for c := range 3 {
		g.Set(c, 0, 1)
	}
	img := Map(g, &MapOptions{Scale: 1, Cuts: []float32{1, 1, 1}})
	for c := range 3 {
		if got := img.RGBAAt(c, 1); got != classify.ClassRed {
			t.Errorf("bottom row pixel %d = %v, want red (south row)", c, got)
		}
		if got := img.RGBAAt(c, 0); got != classify.NoDataWhite {
			t.Errorf("top row pixel %d = %v, want no data (north row)", c, got)
		}
	}
}

func TestMapTransparent(t *testing.T) {
	img := Map(rampGrid(), &MapOptions{Scale: 2, Transparent: true})
	if got := img.RGBAAt(0, 19); got != (color.RGBA{}) {
		t.Errorf("no-data pixel %v, want transparent", got)
	}
}

func TestMapContinuous(t *testing.T) {
	g := rampGrid()
	img := Map(g, &MapOptions{Scale: 1, Mode: "continuous"})
	// The highest score (cell (9, 9), north-east) has percentile rank 1, the
	// lowest with data (cell (1, 0), south-west) rank 0.
	if got, want := img.RGBAAt(9, 0), classify.Viridis(1); got != want {
		t.Errorf("highest: %v, want %v", got, want)
	}
	if got, want := img.RGBAAt(1, 9), classify.Viridis(0); got != want {
		t.Errorf("lowest: %v, want %v", got, want)
	}
	if got := img.RGBAAt(0, 9); got != classify.NoDataWhite {
		t.Errorf("no data: %v", got)
	}
}

func TestMapMarkers(t *testing.T) {
	const s = 20
	g := rampGrid()
	plain := Map(g, &MapOptions{Scale: s})
	// A deposit at the centre of cell (2, 3) and one outside the grid.
	x, y := g.CellXY(2, 3)
	img := Map(g, &MapOptions{Scale: s, Points: [][2]float64{{x, y}, {0, 0}}})
	px, py := int(2.5*s), int((10-3.5)*s) // cell centre in image pixels
	if got := img.RGBAAt(px, py); got != (color.RGBA{0xff, 0xff, 0xff, 0xff}) {
		t.Errorf("marker centre (%d, %d) = %v, want white", px, py, got)
	}
	// The outline: just above the white triangle's top vertex (radius
	// markerRadius(20) = 10, outline to 13) the pixel is black.
	r := markerRadius(s)
	if got := img.RGBAAt(px, py-int(r)-2); got.R > 0x40 || got.G > 0x40 || got.B > 0x40 {
		t.Errorf("outline pixel (%d, %d) = %v, want black", px, py-int(r)-2, got)
	}
	// Far from the marker the map is unchanged; the point outside the grid
	// changed nothing.
	changed := 0
	for yy := range img.Bounds().Dy() {
		for xx := range img.Bounds().Dx() {
			if img.RGBAAt(xx, yy) != plain.RGBAAt(xx, yy) {
				changed++
				if math.Hypot(float64(xx-px), float64(yy-py)) > 2*r {
					t.Fatalf("pixel (%d, %d) changed far from the marker", xx, yy)
				}
			}
		}
	}
	if changed == 0 {
		t.Error("no marker drawn")
	}
}

func TestMapPolygon(t *testing.T) {
	const s = 10
	g := rampGrid()
	// A square along cell edges: x from 502000 to 506000, y from 2503000 to
	// 2507000, i.e. image x 20..60 and image y 30..70.
	ring := [][2]float64{{502000, 2503000}, {506000, 2503000}, {506000, 2507000}, {502000, 2507000}}
	img := Map(g, &MapOptions{Scale: s, Polygons: [][][2]float64{ring}})
	for _, p := range [][2]int{{40, 70}, {40, 30}, {20, 50}, {60, 50}} {
		// The 2-pixel black line is centred on the edge: pixels p and p-1
		// straddle it.
		got := img.RGBAAt(p[0], p[1])
		if got.R > 0x60 {
			t.Errorf("edge pixel %v = %v, want black", p, got)
		}
	}
	// The inside keeps the class colour of cell (4, 5): score 54, background.
	if got := img.RGBAAt(40, 50); got != classify.Background {
		t.Errorf("inside pixel = %v, want background", got)
	}
}

func TestMapNonSquare(t *testing.T) {
	// Cells twice as tall as wide keep their shape.
	g := grid.New(grid.Geom{Cols: 4, Rows: 2, Cell: 10, CellY: 20})
	for i := range g.Data {
		g.Data[i] = float32(i)
	}
	img := Map(g, &MapOptions{Scale: 5})
	if b := img.Bounds(); b.Dx() != 20 || b.Dy() != 20 {
		t.Errorf("size %v, want 20 x 20", b)
	}
	// The north-east cell (score 7, top 5 %) fills the top-right 5 x 10.
	for y := range 10 {
		if got := img.RGBAAt(19, y); got != classify.ClassRed {
			t.Fatalf("pixel (19, %d) = %v, want red", y, got)
		}
	}
}

func TestMapAutoScale(t *testing.T) {
	for _, tc := range []struct {
		name       string
		cols, rows int
		cellY      float64
	}{
		{"small", 10, 10, 0},
		{"100 columns", 100, 50, 0},
		{"500 columns", 500, 300, 0},
		{"2000 columns", 2000, 100, 0},
		{"tall", 50, 400, 0},
		{"non-square", 60, 40, 1.5},
	} {
		g := grid.New(grid.Geom{Cols: tc.cols, Rows: tc.rows, Cell: 1, CellY: tc.cellY})
		b := Map(g, nil).Bounds()
		long := max(b.Dx(), b.Dy())
		if long < 600 || long > 900 {
			t.Errorf("%s: image %d x %d, want the long side in [600, 900]", tc.name, b.Dx(), b.Dy())
		}
	}
}

// TestMapLegendBesideMap checks that decorations never cover the map: the
// map inside a decorated image is pixel for pixel the plain map.
func TestMapLegendBesideMap(t *testing.T) {
	g := rampGrid()
	opt := &MapOptions{Scale: 30, Points: [][2]float64{{503500, 2506500}}}
	plain := Map(g, opt)
	deco := *opt
	deco.Legend, deco.Title = true, "Ramp"
	img := Map(g, &deco)
	var l layout
	l.plan(newMapGeom(g, deco.Scale), &deco, true)
	for y := range plain.Bounds().Dy() {
		for x := range plain.Bounds().Dx() {
			if got, want := img.RGBAAt(l.mapRect.Min.X+x, l.mapRect.Min.Y+y), plain.RGBAAt(x, y); got != want {
				t.Fatalf("map pixel (%d, %d) = %v in the decorated map, %v in the plain one", x, y, got, want)
			}
		}
	}
	if img.Bounds().Dx() <= l.mapRect.Max.X+100 {
		t.Errorf("no room for the legend: image %v, map %v", img.Bounds(), l.mapRect)
	}
}

func TestMapPanics(t *testing.T) {
	g := rampGrid()
	for name, opt := range map[string]*MapOptions{
		"bad mode":       {Mode: "rainbow"},
		"negative scale": {Scale: -1},
		"cuts length":    {Cuts: []float32{1}},
		"bad tops":       {Tops: []float64{30, 5}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			Map(g, opt)
		}()
	}
}

func TestNiceSteps(t *testing.T) {
	for _, tc := range []struct{ x, step, floor float64 }{
		{0.7, 1, 0.5},
		{1, 1, 1},
		{1.2, 2, 1},
		{3, 5, 2},
		{7.5, 10, 5},
		{45, 50, 20},
	} {
		if got := niceStep(tc.x); math.Abs(got-tc.step) > 1e-12 {
			t.Errorf("niceStep(%v) = %v, want %v", tc.x, got, tc.step)
		}
		if got := niceFloor(tc.x); math.Abs(got-tc.floor) > 1e-12 {
			t.Errorf("niceFloor(%v) = %v, want %v", tc.x, got, tc.floor)
		}
	}
}

// demoGrid is a 90 x 60 grid of 500 m cells with two anomalies, a corner
// without data and a notch of no data in the north-east.
func demoGrid() *grid.Grid {
	g := grid.New(grid.Geom{Cols: 90, Rows: 60, X0: 480000, Y0: 2780000, Cell: 500})
	for r := range g.Rows {
		for c := range g.Cols {
			x, y := float64(c)/90, float64(r)/60
			if x+y < 0.15 || (x > 0.9 && y > 0.8) {
				continue
			}
			v := math.Exp(-((x-0.3)*(x-0.3)+(y-0.7)*(y-0.7))/0.01) +
				0.6*math.Exp(-((x-0.7)*(x-0.7)+(y-0.3)*(y-0.3))/0.02) +
				0.1*math.Sin(13*x)*math.Cos(7*y)
			g.Set(c, r, float32(v))
		}
	}
	return g
}

func demoOptions(mode string) *MapOptions {
	return &MapOptions{
		Mode:   mode,
		Legend: true,
		Title:  "Synthetic district: anomaly score",
		Points: [][2]float64{{493500, 2801000}, {512400, 2788400}, {500000, 2790000}},
		Polygons: [][][2]float64{
			{{490000, 2795000}, {500000, 2795000}, {500000, 2805000}, {490000, 2805000}},
		},
	}
}

// TestMapGolden compares decorated maps with the images in testdata/ pixel
// by pixel (decoded, not byte for byte). Run go test -regen to rewrite them
// after an intended change, and look at them.
func TestMapGolden(t *testing.T) {
	for _, mode := range []string{"classes", "continuous"} {
		img := Map(demoGrid(), demoOptions(mode))
		path := filepath.Join("testdata", "map_"+mode+".png")
		checkGolden(t, path, img)
	}
}

func checkGolden(t *testing.T, path string, img image.Image) {
	t.Helper()
	if *regen {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (run go test -regen to create it)", err)
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if want.Bounds() != img.Bounds() {
		t.Fatalf("%s: size %v, golden %v", path, img.Bounds(), want.Bounds())
	}
	diff, worst := 0, 0
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			a := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			b := color.NRGBAModel.Convert(want.At(x, y)).(color.NRGBA)
			if a != b {
				diff++
				for _, d := range []int{int(a.R) - int(b.R), int(a.G) - int(b.G), int(a.B) - int(b.B), int(a.A) - int(b.A)} {
					worst = max(worst, d, -d)
				}
			}
		}
	}
	if diff > 0 {
		t.Errorf("%s: %d pixels differ from the golden image, by up to %d in a channel (go test -regen to accept)", path, diff, worst)
	}
}

func BenchmarkMap(b *testing.B) {
	g := demoGrid()
	for _, bc := range []struct {
		name string
		opt  *MapOptions
	}{
		{"plain", &MapOptions{}},
		{"legend", demoOptions("classes")},
		{"continuous", demoOptions("continuous")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Map(g, bc.opt)
			}
		})
	}
}
