package idw

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/spatial/kdtree"

	"halo/core/grid"
)

// tol32 is the relative tolerance between float32 grid values computed with
// different summation orders in float64 (float32 has a 6e-8 unit roundoff).
const tol32 = 1e-6

// survey is a random test survey.
type survey struct {
	x, y   []float64
	layers [][]float64
	names  []string
}

func randomSurvey(rnd *rand.Rand, n, nl int, w, h float64) survey {
	s := survey{x: make([]float64, n), y: make([]float64, n)}
	for i := range s.x {
		s.x[i] = rnd.Float64() * w
		s.y[i] = rnd.Float64() * h
	}
	for k := 0; k < nl; k++ {
		l := make([]float64, n)
		for i := range l {
			l[i] = math.Exp(rnd.NormFloat64())
		}
		s.layers = append(s.layers, l)
		s.names = append(s.names, string(rune('A'+k)))
	}
	return s
}

func sameStack(t *testing.T, name string, got, want *grid.Stack) {
	t.Helper()
	if got.Geom != want.Geom || len(got.Data) != len(want.Data) {
		t.Fatalf("%s: geometry %+v, want %+v", name, got.Geom, want.Geom)
	}
	bad := 0
	for i, w := range want.Data {
		g := got.Data[i]
		gn, wn := math.IsNaN(float64(g)), math.IsNaN(float64(w))
		if gn != wn || (!wn && !scalar.EqualWithinAbsOrRel(float64(g), float64(w), tol32, tol32)) {
			if bad < 5 {
				t.Errorf("%s: cell %d layer %d: got %v, want %v", name, i/got.D(), i%got.D(), g, w)
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d values differ from the brute-force reference", name, bad, len(want.Data))
	}
}

func TestAgainstNaive(t *testing.T) {
	nan := math.NaN()
	for _, test := range []struct {
		name   string
		make   func(rnd *rand.Rand) survey
		geom   func(s survey) grid.Geom
		opt    Options
		allNaN bool // expect every value NaN
	}{
		{
			name: "random defaults",
			make: func(rnd *rand.Rand) survey { return randomSurvey(rnd, 200, 5, 10000, 8000) },
		},
		{
			name: "power 1, 5 neighbours",
			make: func(rnd *rand.Rand) survey { return randomSurvey(rnd, 150, 3, 10000, 8000) },
			opt:  Options{Power: 1, Neighbours: 5},
		},
		{
			name: "power 3.5, 1 neighbour, radius 900",
			make: func(rnd *rand.Rand) survey { return randomSurvey(rnd, 150, 3, 10000, 8000) },
			opt:  Options{Power: 3.5, Neighbours: 1, Radius: 900},
		},
		{
			name: "no radius limit",
			make: func(rnd *rand.Rand) survey { return randomSurvey(rnd, 60, 2, 1000, 1000) },
			geom: func(survey) grid.Geom { return grid.Geom{Cols: 30, Rows: 30, X0: -5000, Y0: -5000, Cell: 400} },
			opt:  Options{Neighbours: 4, Radius: math.Inf(1)},
		},
		{
			name: "more neighbours than samples",
			make: func(rnd *rand.Rand) survey { return randomSurvey(rnd, 7, 2, 1000, 1000) },
			opt:  Options{Neighbours: 50, Radius: 5000},
		},
		{
			name: "duplicates",
			make: func(rnd *rand.Rand) survey {
				s := randomSurvey(rnd, 120, 4, 5000, 5000)
				// Samples 60..119 repeat the locations of 0..29 (twice
				// each for 0..9: triples), values differ.
				for i := 60; i < 120; i++ {
					j := (i - 60) % 30
					if i >= 90 {
						j = (i - 90) % 10
					}
					s.x[i], s.y[i] = s.x[j], s.y[j]
				}
				return s
			},
		},
		{
			name: "duplicates on cell centres",
			make: func(rnd *rand.Rand) survey {
				s := randomSurvey(rnd, 40, 2, 2000, 2000)
				for i := 0; i < 20; i++ {
					// centre of a 100 m cell, twice
					cx := (math.Floor(rnd.Float64()*20) + 0.5) * 100
					cy := (math.Floor(rnd.Float64()*20) + 0.5) * 100
					s.x[2*i], s.y[2*i] = cx, cy
					s.x[2*i+1], s.y[2*i+1] = cx, cy
				}
				return s
			},
			geom: func(survey) grid.Geom { return grid.Geom{Cols: 20, Rows: 20, Cell: 100} },
		},
		{
			name: "samples on a line, ties",
			make: func(rnd *rand.Rand) survey {
				s := randomSurvey(rnd, 30, 3, 1, 1)
				for i := range s.x {
					s.x[i] = float64(i%15) * 100 // 15 sites, each twice
					s.y[i] = 250
				}
				return s
			},
			// Cell centres at 50, 150, ... lie halfway between sites:
			// exact distance ties at the neighbour cut-off.
			geom: func(survey) grid.Geom { return grid.Geom{Cols: 16, Rows: 6, X0: -100, Y0: 0, Cell: 100} },
			opt:  Options{Neighbours: 3},
		},
		{
			name: "single sample",
			make: func(rnd *rand.Rand) survey { return randomSurvey(rnd, 1, 2, 1000, 1000) },
			geom: func(survey) grid.Geom { return grid.Geom{Cols: 12, Rows: 10, Cell: 100} },
			opt:  Options{Radius: 400},
		},
		{
			name: "missing values",
			make: func(rnd *rand.Rand) survey {
				s := randomSurvey(rnd, 300, 6, 10000, 10000)
				for i := range s.x {
					if rnd.Float64() < 0.2 {
						s.layers[1][i] = nan
					}
					if rnd.Float64() < 0.5 {
						s.layers[2][i] = nan
					}
					if i%3 == 0 { // layers 3 and 4 missing together
						s.layers[3][i] = nan
						s.layers[4][i] = math.Inf(1)
					}
					s.layers[5][i] = nan // never measured
				}
				// a duplicate whose first copy lacks layer 1
				s.x[7], s.y[7] = s.x[8], s.y[8]
				s.layers[1][8] = nan
				return s
			},
		},
		{
			name: "missing coordinates",
			make: func(rnd *rand.Rand) survey {
				s := randomSurvey(rnd, 100, 2, 5000, 5000)
				for i := 0; i < 100; i += 7 {
					s.x[i] = nan
				}
				s.y[3] = math.Inf(-1)
				return s
			},
		},
		{
			name: "radius too small",
			make: func(rnd *rand.Rand) survey { return randomSurvey(rnd, 50, 2, 5000, 5000) },
			// centres at multiples of 100 + 50; random samples are
			// never within 1 mm of one
			geom:   func(survey) grid.Geom { return grid.Geom{Cols: 50, Rows: 50, Cell: 100} },
			opt:    Options{Radius: 1e-3},
			allNaN: true,
		},
		{
			name: "non-square cells, offset grid",
			make: func(rnd *rand.Rand) survey { return randomSurvey(rnd, 200, 2, 10000, 8000) },
			geom: func(survey) grid.Geom {
				return grid.Geom{Cols: 30, Rows: 20, X0: -1234.5, Y0: 777, Cell: 400, CellY: 333}
			},
		},
	} {
		rnd := rand.New(rand.NewPCG(11, 12))
		s := test.make(rnd)
		var geom grid.Geom
		if test.geom != nil {
			geom = test.geom(s)
		} else {
			geom = Geometry(s.x, s.y, 250)
		}
		opt := test.opt
		got, err := Interpolate(geom, s.x, s.y, s.layers, s.names, &opt)
		if err != nil {
			t.Errorf("%s: %v", test.name, err)
			continue
		}
		if opt != test.opt {
			t.Errorf("%s: options modified", test.name)
		}
		want := naive(geom, s.x, s.y, s.layers, s.names, test.opt)
		sameStack(t, test.name, got, want)
		valid := 0
		for _, v := range got.Data {
			if !math.IsNaN(float64(v)) {
				valid++
			}
		}
		if test.allNaN != (valid == 0) {
			t.Errorf("%s: %d valid values, want all NaN = %t", test.name, valid, test.allNaN)
		}
	}
}

func TestHandComputed(t *testing.T) {
	// Two samples at x = 0 and x = 300 on y = 50, values 10 and 40. A 1 x 4
	// grid of 100 m cells from x = -100: centres at -50, 50, 150, 250.
	// By hand with p = 2:
	//   -50: d = 50, 350: (10/50^2 + 40/350^2) / (1/50^2 + 1/350^2) = 10.6
	//    50: d = 50, 250: (10/2500 + 40/62500) / (1/2500 + 1/62500) = 11.153846...
	//   150: d = 150 both: 25
	//   250: mirror of 50: 38.846153...
	x := []float64{0, 300}
	y := []float64{50, 50}
	geom := grid.Geom{Cols: 4, Rows: 1, X0: -100, Y0: 0, Cell: 100}
	got, err := Interpolate(geom, x, y, [][]float64{{10, 40}}, []string{"Cu"}, &Options{Radius: 1000})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{10.6, 11.0 + 2.0/13, 25, 38.0 + 11.0/13}
	for i, w := range want {
		if !scalar.EqualWithinAbsOrRel(float64(got.Data[i]), w, tol32, tol32) {
			t.Errorf("cell %d: got %v, want %v", i, got.Data[i], w)
		}
	}
	// A cell centre on a sample takes its value exactly; with radius 60
	// the cell at 150 has no sample and is NaN.
	x = []float64{50, 250, 250}
	y = []float64{50, 50, 50}
	got, err = Interpolate(geom, x, y, [][]float64{{7, 1, 2}}, []string{"Cu"}, &Options{Radius: 60})
	if err != nil {
		t.Fatal(err)
	}
	// -50: only the sample at 50 within 100 -> but radius 60: none -> NaN.
	// 50: on a sample -> 7. 150: none within 60 -> NaN. 250: two samples
	// coincide -> mean 1.5.
	if !math.IsNaN(float64(got.Data[0])) || got.Data[1] != 7 || !math.IsNaN(float64(got.Data[2])) || got.Data[3] != 1.5 {
		t.Errorf("got %v, want [NaN 7 NaN 1.5]", got.Data)
	}
}

func TestErrors(t *testing.T) {
	nan := math.NaN()
	geom := grid.Geom{Cols: 3, Rows: 3, Cell: 10}
	for _, test := range []struct {
		name string
		x, y []float64
		opt  *Options
		want error
	}{
		{"no samples", nil, nil, nil, ErrNoSamples},
		{"no coordinates", []float64{nan, 1}, []float64{1, nan}, nil, ErrNoSamples},
		{"one location", []float64{5, 5, 5}, []float64{5, 5, 5}, nil, ErrZeroSpacing},
		{"one sample", []float64{5}, []float64{5}, &Options{}, ErrZeroSpacing},
	} {
		l := make([]float64, len(test.x))
		_, err := Interpolate(geom, test.x, test.y, [][]float64{l}, []string{"Cu"}, test.opt)
		if !errors.Is(err, test.want) {
			t.Errorf("%s: error %v, want %v", test.name, err, test.want)
		}
	}
	// All at one location is fine when the radius is given.
	s, err := Interpolate(geom, []float64{15, 15}, []float64{15, 15}, [][]float64{{1, 3}}, []string{"Cu"}, &Options{Radius: 20})
	if err != nil || s.Data[4] != 2 {
		t.Errorf("one location with radius: err %v, centre %v, want 2", err, s.Data[4])
	}
}

func TestPanics(t *testing.T) {
	geom := grid.Geom{Cols: 3, Rows: 3, Cell: 10}
	x := []float64{1, 2}
	l := [][]float64{{1, 2}}
	for _, test := range []struct {
		name string
		f    func()
	}{
		{"xy length", func() { Interpolate(geom, x, x[:1], l, []string{"a"}, nil) }},
		{"layer length", func() { Interpolate(geom, x, x, [][]float64{{1}}, []string{"a"}, nil) }},
		{"names", func() { Interpolate(geom, x, x, l, []string{"a", "b"}, nil) }},
		{"no layers", func() { Interpolate(geom, x, x, nil, nil, nil) }},
		{"negative power", func() { Interpolate(geom, x, x, l, []string{"a"}, &Options{Power: -1}) }},
		{"NaN radius", func() { Interpolate(geom, x, x, l, []string{"a"}, &Options{Radius: math.NaN()}) }},
		{"negative neighbours", func() { Interpolate(geom, x, x, l, []string{"a"}, &Options{Neighbours: -1}) }},
		{"empty geom", func() { Interpolate(grid.Geom{}, x, x, l, []string{"a"}, nil) }},
		{"zero cell", func() { Geometry(x, x, 0) }},
		{"spacing lengths", func() { MedianSpacing(x, x[:1]) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", test.name)
				}
			}()
			test.f()
		}()
	}
}

func TestMedianSpacing(t *testing.T) {
	nan := math.NaN()
	for _, test := range []struct {
		name string
		x, y []float64
		want float64
	}{
		// By hand: sites at 0, 1, 3 (3 twice): nearest-other distances
		// 1, 1, 2 -> median 1.
		{"odd with duplicate", []float64{0, 1, 3, 3}, []float64{0, 0, 0, 0}, 1},
		// 0, 1, 3, 7: distances 1, 1, 2, 4 -> median (1+2)/2.
		{"even", []float64{0, 1, 3, 7}, []float64{0, 0, 0, 0}, 1.5},
		// 3-4-5 triangle plus a far point (100, 0): 5, 5, 5*... by hand:
		// (0,0)-(3,4) = 5, (3,4)-(0,0) = 5, (100,0)-(3,4) = 97.08...,
		// median of 5, 5, 97.08 = 5.
		{"2-D", []float64{0, 3, 100}, []float64{0, 4, 0}, 5},
		{"NaN ignored", []float64{0, nan, 2}, []float64{0, 1, 0}, 2},
		{"one site", []float64{4, 4}, []float64{2, 2}, 0},
		{"empty", nil, nil, 0},
	} {
		if got := MedianSpacing(test.x, test.y); !scalar.EqualWithinAbsOrRel(got, test.want, 1e-12, 1e-12) {
			t.Errorf("%s: MedianSpacing = %v, want %v", test.name, got, test.want)
		}
	}
}

func TestDefaultCell(t *testing.T) {
	for _, test := range []struct {
		spacing, want float64
	}{
		// half the spacing, then the nearest 1-2-5 step on a log scale
		{2000, 1000}, {1300, 500}, {1000, 500}, {1500, 1000}, {560, 200},
		{700, 500}, {580, 200}, {400, 200}, {2.5, 1}, {30, 20}, {0, 0},
	} {
		x := []float64{0, test.spacing}
		y := []float64{0, 0}
		if got := DefaultCell(x, y); !scalar.EqualWithinAbsOrRel(got, test.want, 1e-12, 1e-12) {
			t.Errorf("spacing %v: DefaultCell = %v, want %v", test.spacing, got, test.want)
		}
	}
}

func TestGeometry(t *testing.T) {
	// Samples from x = 120 to 1,380 and y = -260 to 740 with 500 m cells:
	// centres at multiples of 500 from 0 to 1,500 (4 columns: 120 is in
	// the cell centred on 0, 1,380 in the one on 1,500) and -500 to 500
	// (3 rows: 740 is nearer 500 than 1,000).
	x := []float64{120, 1380, 700, math.NaN()}
	y := []float64{-260, 740, 0, 5e6}
	got := Geometry(x, y, 500)
	want := grid.Geom{Cols: 4, Rows: 3, X0: -250, Y0: -750, Cell: 500}
	if got != want {
		t.Errorf("Geometry = %+v, want %+v", got, want)
	}
	for i := range x[:3] {
		if _, _, ok := got.Locate(x[i], y[i]); !ok {
			t.Errorf("sample %d outside the grid", i)
		}
	}
	if g := Geometry([]float64{math.NaN()}, []float64{1}, 10); g != (grid.Geom{}) {
		t.Errorf("Geometry without coordinates = %+v, want zero", g)
	}
	// A single sample gets one cell centred on the multiple nearest it.
	if g := Geometry([]float64{1234}, []float64{-10}, 100); g != (grid.Geom{Cols: 1, Rows: 1, X0: 1150, Y0: -50, Cell: 100}) {
		t.Errorf("single sample: %+v", g)
	}
}

// TestSearcherAgainstNKeeper checks the allocation-free tree walk against
// gonum's own kdtree.NearestSet with an NKeeper (Euclidean, no radius) and a
// DistKeeper (radius, no count limit), on random points.
func TestSearcherAgainstNKeeper(t *testing.T) {
	rnd := rand.New(rand.NewPCG(21, 22))
	s := randomSurvey(rnd, 500, 1, 1000, 1000)
	ss, _ := merge(s.x, s.y)
	tree := newTree(ss)
	const n = 12
	const r = 60.0
	nks := newSearcher(n, math.Inf(1), [][]bool{nil})
	dks := newSearcher(len(ss), r*r, [][]bool{nil})
	nk, dk := &nks.ks[0], &dks.ks[0]
	for q := 0; q < 200; q++ {
		qx, qy := rnd.Float64()*1200-100, rnd.Float64()*1200-100
		p := site{x: qx, y: qy}

		keep := kdtree.NewNKeeper(n)
		tree.NearestSet(keep, p)
		nks.find(tree, qx, qy)
		if nk.k != keep.Len() {
			t.Fatalf("query %d: %d nearest, NKeeper %d", q, nk.k, keep.Len())
		}
		for i, c := range keep.Heap {
			if c.Comparable.(site).id != nk.id[i] || c.Dist != nk.d2[i] {
				t.Errorf("query %d rank %d: site %d at %v, NKeeper site %d at %v", q, i, nk.id[i], nk.d2[i], c.Comparable.(site).id, c.Dist)
			}
		}

		dkeep := kdtree.NewDistKeeper(r * r)
		tree.NearestSet(dkeep, p)
		dks.find(tree, qx, qy)
		if dk.k != dkeep.Len() {
			t.Fatalf("query %d: %d within radius, DistKeeper %d", q, dk.k, dkeep.Len())
		}
		for i, c := range dkeep.Heap {
			if c.Dist != dk.d2[i] {
				t.Errorf("query %d rank %d within radius: %v, DistKeeper %v", q, i, dk.d2[i], c.Dist)
			}
		}
	}
}

func TestNoAllocsPerCell(t *testing.T) {
	rnd := rand.New(rand.NewPCG(31, 32))
	s := randomSurvey(rnd, 300, 4, 10000, 10000)
	s.layers[2][5] = math.NaN() // a second group
	ss, members := merge(s.x, s.y)
	groups := makeGroups(ss, members, s.layers)
	tree := newTree(ss)
	o := &Options{Power: 2, Neighbours: 12, Radius: 2000}
	small := grid.NewStack(grid.Geom{Cols: 2, Rows: 2, Cell: 100}, s.names)
	big := grid.NewStack(grid.Geom{Cols: 60, Rows: 60, Cell: 100}, s.names)
	a := testing.AllocsPerRun(5, func() { interpolate(small, tree, groups, o) })
	b := testing.AllocsPerRun(5, func() { interpolate(big, tree, groups, o) })
	if a != b {
		t.Errorf("allocations grow with the grid: %v for 4 cells, %v for 3,600", a, b)
	}
}
