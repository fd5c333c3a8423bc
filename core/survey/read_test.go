package survey

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

// tol is the tolerance for values computed by closed forms.
const tol = 1e-12

func read(t *testing.T, csv string, opt *Options) *Samples {
	t.Helper()
	s, err := Read(strings.NewReader(csv), opt)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return s
}

func element(s *Samples, name string) *Element {
	for i := range s.Elements {
		if s.Elements[i].Name == name {
			return &s.Elements[i]
		}
	}
	return nil
}

func sameValues(got, want []float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if math.IsNaN(want[i]) != math.IsNaN(got[i]) || !math.IsNaN(want[i]) && !scalar.EqualWithinAbsOrRel(got[i], want[i], tol, tol) {
			return false
		}
	}
	return true
}

func TestReadLayout(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name  string
		csv   string
		opt   *Options
		x, y  []float64
		el    string
		value []float64 // ppm
	}{
		{"plain", "x,y,Cu_ppm\n1,2,10\n3,4,20\n", nil, []float64{1, 3}, []float64{2, 4}, "Cu", []float64{10, 20}},
		{"BOM", "\xef\xbb\xbfx,y,Cu_ppm\n1,2,10\n3,4,20\n", nil, []float64{1, 3}, []float64{2, 4}, "Cu", []float64{10, 20}},
		{"CRLF", "x,y,Cu_ppm\r\n1,2,10\r\n3,4,20\r\n", nil, []float64{1, 3}, []float64{2, 4}, "Cu", []float64{10, 20}},
		{"blank lines and trailing delimiter", "x,y,Cu_ppm\n\n1,2,10,\n,,\n3,4,20\n\n", nil, []float64{1, 3}, []float64{2, 4}, "Cu", []float64{10, 20}},
		{"semicolon with decimal comma", "x;y;Cu_ppm\n1000,5;2;10,5\n3;4;20\n", nil, []float64{1000.5, 3}, []float64{2, 4}, "Cu", []float64{10.5, 20}},
		{"tab", "x\ty\tCu_ppm\n1\t2\t10\n3\t4\t20\n", nil, []float64{1, 3}, []float64{2, 4}, "Cu", []float64{10, 20}},
		{"quoted", "\"x\",\"y\",\"Cu (ppm)\",\"Site\"\n\"1\",\"2\",\"10\",\"A, north\"\n3,4,20,\"B \"\"old\"\"\"\n", nil,
			[]float64{1, 3}, []float64{2, 4}, "Cu", []float64{10, 20}},
		{"explicit delimiter", "x|y|Cu_ppm\n1|2|10\n3|4|20\n", &Options{Delimiter: '|'}, []float64{1, 3}, []float64{2, 4}, "Cu", []float64{10, 20}},
		{"missing coordinate row skipped", "x,y,Cu_ppm\n1,2,10\n,4,15\n3,4,20\n", nil, []float64{1, 3}, []float64{2, 4}, "Cu", []float64{10, 20}},
		{"ppb to ppm", "x,y,Au_ppb\n1,2,10\n3,4,20\n", nil, []float64{1, 3}, []float64{2, 4}, "Au", []float64{0.01, 0.02}},
		{"pct to ppm, oxide kept", "x,y,Fe2O3_pct\n1,2,1.5\n3,4,2\n", nil, []float64{1, 3}, []float64{2, 4}, "Fe2O3", []float64{15000, 20000}},
		{"SiO2 %", "x,y,SiO2 %\n1,2,60\n3,4,70\n", nil, []float64{1, 3}, []float64{2, 4}, "SiO2", []float64{600000, 700000}},
		{"RGNR default Au ppb", "x,y,Au,Cu\n1,2,1.5,3\n3,4,2,4\n", nil, []float64{1, 3}, []float64{2, 4}, "Au", []float64{0.0015, 0.002}},
		{"RGNR default oxide pct", "x,y,CaO,Cu\n1,2,1,3\n3,4,2,4\n", nil, []float64{1, 3}, []float64{2, 4}, "CaO", []float64{10000, 20000}},
		{"NoUnit ppm", "x,y,Au,Cu\n1,2,1.5,3\n3,4,2,4\n", &Options{NoUnit: "ppm"}, []float64{1, 3}, []float64{2, 4}, "Au", []float64{1.5, 2}},
		{"Units override header", "x,y,Au_ppm,Cu\n1,2,1.5,3\n3,4,2,4\n", &Options{Units: map[string]string{"Au": "ppb"}},
			[]float64{1, 3}, []float64{2, 4}, "Au", []float64{0.0015, 0.002}},
		{"below detection <", "x,y,Cu_ppm\n1,2,<2\n3,4,20\n5,6,30\n", nil, []float64{1, 3, 5}, []float64{2, 4, 6}, "Cu", []float64{1.3, 20, 30}},
		{"below detection negative ppb", "x,y,Au_ppb\n1,2,-2\n3,4,20\n5,6,30\n", nil, []float64{1, 3, 5}, []float64{2, 4, 6}, "Au", []float64{0.65 * 0.002, 0.02, 0.03}},
		{"detection factor", "x,y,Cu_ppm\n1,2,<2\n3,4,20\n5,6,30\n", &Options{DetectionFactor: 0.5}, []float64{1, 3, 5}, []float64{2, 4, 6}, "Cu", []float64{1, 20, 30}},
		{"zero below unknown limit", "x,y,Cu_ppm\n1,2,0\n3,4,20\n5,6,30\n", nil, []float64{1, 3, 5}, []float64{2, 4, 6}, "Cu", []float64{13, 20, 30}},
		{"missing codes", "x,y,Cu_ppm\n1,2,-9999\n3,4,NA\n5,6,\n7,8,n.a.\n9,10,-999\n11,12,5\n13,14,6\n15,16,7\n17,18,8\n19,20,9\n21,22,10\n", nil,
			[]float64{1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21}, []float64{2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22}, "Cu",
			[]float64{nan, nan, nan, nan, nan, 5, 6, 7, 8, 9, 10}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := read(t, tc.csv, tc.opt)
			if !sameValues(s.X, tc.x) || !sameValues(s.Y, tc.y) {
				t.Errorf("X, Y = %v, %v; want %v, %v", s.X, s.Y, tc.x, tc.y)
			}
			e := element(s, tc.el)
			if e == nil {
				t.Fatalf("element %s not read; elements %v dropped %v", tc.el, s.Elements, s.Dropped)
			}
			if !sameValues(e.Values, tc.value) {
				t.Errorf("%s = %v; want %v", tc.el, e.Values, tc.value)
			}
		})
	}
}

func TestReadCounts(t *testing.T) {
	s := read(t, "X,Y,SAMPLEID,Cu_ppm,Au_ppb,Pt_ppb\n"+
		"500000,6000000,1,<1,-5,-9999\n"+
		"500100,6000050,2,3,4,-9999\n"+
		"500200,6000010,3,-0.5,NA,5\n"+
		"500300,6000090,4,7,8,-9999\n", nil)
	cu, au := element(s, "Cu"), element(s, "Au")
	if cu.BelowDetection != 2 || cu.Missing != 0 {
		t.Errorf("Cu below, missing = %d, %d; want 2, 0", cu.BelowDetection, cu.Missing)
	}
	if au.BelowDetection != 1 || au.Missing != 1 {
		t.Errorf("Au below, missing = %d, %d; want 1, 1", au.BelowDetection, au.Missing)
	}
	// Pt is missing in 3 of 4 samples: dropped.
	if element(s, "Pt") != nil || len(s.Dropped) != 1 || s.Dropped[0].Name != "Pt_ppb" || s.Dropped[0].Reason != "missing in 75% of samples" {
		t.Errorf("dropped = %v; want Pt_ppb missing in 75%% of samples", s.Dropped)
	}
	if !slices.Equal(s.Ignored, []string{"SAMPLEID"}) {
		t.Errorf("ignored = %q; want [SAMPLEID]", s.Ignored)
	}
	if s.Projection != nil || s.Lattice != nil {
		t.Errorf("projection %v lattice %v; want none", s.Projection, s.Lattice)
	}
	// Pt missing in 3 of 5 samples: dropped by default, kept with MaxMissing 0.7.
	const five = "X,Y,Cu_ppm,Pt_ppb\n1,1,2,-9999\n2,5,3,-9999\n3,2,4,7\n4,7,5,6\n5,3,6,-9999\n"
	if s := read(t, five, nil); element(s, "Pt") != nil {
		t.Errorf("default MaxMissing kept Pt missing in 60%% of samples")
	}
	if s := read(t, five, &Options{MaxMissing: 0.7}); element(s, "Pt") == nil {
		t.Errorf("MaxMissing 0.7 dropped Pt: %v", s.Dropped)
	}
}

func TestReadDropped(t *testing.T) {
	s := read(t, "x,y,Cu_ppm,Zn_ppm,Pb_ppm,Ni_ppm,Cu_ppb,Pt_ppt,LOI_pct\n"+
		"1,1,5,NA,2,1,5000,1,3\n"+
		"2,5,6,NA,2,2,6000,1,3\n"+
		"3,2,,NA,2,3,7000,1,3\n", &Options{Elements: []string{"Cu", "Zn", "Pb", "Pt", "Mo"}})
	want := map[string]string{
		"Zn_ppm": "no values",
		"Pb_ppm": "constant (every value 2 ppm)",
		"Ni_ppm": "not among the chosen elements",
		"Cu_ppm": `duplicate of column "Cu_ppb" (which has fewer missing values)`,
	}
	got := map[string]string{}
	for _, d := range s.Dropped {
		got[d.Name] = d.Reason
	}
	for name, reason := range want {
		if got[name] != reason {
			t.Errorf("dropped %s: %q; want %q", name, got[name], reason)
		}
	}
	if !strings.HasPrefix(got["Pt_ppt"], `unit "ppt" is ambiguous`) {
		t.Errorf("dropped Pt_ppt: %q; want ambiguous unit", got["Pt_ppt"])
	}
	if len(s.Elements) != 1 || s.Elements[0].Column != "Cu_ppb" || !sameValues(s.Elements[0].Values, []float64{5, 6, 7}) {
		t.Errorf("elements = %+v; want Cu from Cu_ppb = 5 6 7 ppm", s.Elements)
	}
	if !slices.Contains(s.Ignored, "LOI_pct") {
		t.Errorf("ignored = %q; want LOI_pct in it", s.Ignored)
	}
	if !slices.ContainsFunc(s.Warnings, func(w string) bool { return strings.Contains(w, `"Mo"`) }) {
		t.Errorf("no warning about the missing element Mo: %q", s.Warnings)
	}
}

func TestReadNonElementColumns(t *testing.T) {
	s := read(t, "ID,XCOO,YCOO,Date,COUN,LITO,C_PAR,Y,S,As,Au\n"+
		"1,547960.4,7693790,950815,FIN,20,FLUV,0.5,800,0.1,\n"+
		"2,770024.8,7679167,950810,RUS,4,TILL,0.6,900,0.2,0.001\n"+
		"3,498650.6,7668151,950706,FIN,31,TILL,0.7,700,0.3,0.002\n", &Options{NoUnit: "ppm"})
	var names []string
	for _, e := range s.Elements {
		names = append(names, e.Name)
	}
	if !slices.Equal(names, []string{"Y", "S", "As", "Au"}) {
		t.Errorf("elements %q; want [Y S As Au]", names)
	}
	if !slices.Equal(s.Ignored, []string{"ID", "Date", "COUN", "LITO", "C_PAR"}) {
		t.Errorf("ignored %q", s.Ignored)
	}
	if s.XColumn != "XCOO" || s.YColumn != "YCOO" {
		t.Errorf("coordinates %q, %q; want XCOO, YCOO", s.XColumn, s.YColumn)
	}
	// An element-named column of text is not an element.
	s = read(t, "x,y,Cu,Au\n1,1,5,yes\n2,5,6,no\n3,2,7,yes\n", nil)
	if element(s, "Au") != nil || !slices.Contains(s.Ignored, "Au") {
		t.Errorf("text column Au kept: %v", s.Elements)
	}
}

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		csv  string
		opt  *Options
		err  error
		line int    // for *ParseError, 0 = not a ParseError
		msg  string // substring of the message
	}{
		{"empty file", "", nil, ErrEmpty, 0, "empty"},
		{"blank file", "\n\n  \n", nil, ErrEmpty, 0, "empty"},
		{"header only", "x,y,Cu\n", nil, ErrEmpty, 0, "no data rows"},
		{"binary NUL", "x,y\x00,Cu\n1,2,3\n", nil, ErrNotText, 0, "NUL"},
		{"zip", "PK\x03\x04rest of an xlsx", nil, ErrNotText, 0, "xlsx"},
		{"UTF-16", "\xff\xfex\x00,\x00", nil, ErrNotText, 0, "UTF-16"},
		{"duplicate header", "x,y,Cu,Cu\n1,2,3,4\n", nil, ErrHeader, 0, `"Cu" appears twice`},
		{"unnamed column with values", "x,y,,Cu\n1,2,3,4\n", nil, ErrHeader, 2, "no name"},
		{"no coordinates", "a,b,Cu\n1,2,3\n", nil, ErrNoCoordinates, 0, "x_column"},
		{"named coordinate absent", "x,y,Cu\n1,2,3\n", &Options{XColumn: "E", YColumn: "N"}, ErrNoCoordinates, 0, `"E"`},
		{"no elements", "x,y,ID,Name\n1,2,3,a\n", nil, ErrNoElements, 0, "element"},
		{"all elements dropped", "x,y,Cu\n1,2,NA\n2,3,NA\n", nil, ErrNoElements, 0, "dropped"},
		{"decimal comma with comma delimiter", "x,y,Cu_ppm\n1,2,3\n2,3,\"1,2\"\n", nil, ErrNotNumber, 3,
			`line 3, column "Cu_ppm": "1,2" is not a number (decimal comma? choose ';' as delimiter)`},
		{"text in element column", "x,y,Cu_ppm\n1,2,3\n2,3,4\n4,5,abc\n", nil, ErrNotNumber, 4, `"abc" is not a number`},
		{"text coordinate", "x,y,Cu_ppm\n1,2,3\nfoo,3,4\n", nil, ErrNotNumber, 3, `column "x": "foo"`},
		{"too many fields", "x,y,Cu_ppm\n1,2,3\n2,3,4,5\n", nil, ErrFieldCount, 3, "4 values, 3 columns (decimal comma?"},
		{"latitude out of range", "lon,lat,Cu\n10,20,1\n12,123.4,2\n", nil, ErrCoordinates, 3, "latitude 123.4 out of range [-90, 90] (columns swapped?)"},
		{"swapped X Y degrees", "X,Y,Cu\n-34.1,118.2,1\n-34.3,118.4,2\n", nil, ErrCoordinates, 0, "columns swapped?"},
		{"bad option", "x,y,Cu\n1,2,3\n", &Options{NoUnit: "g"}, ErrOptions, 0, "NoUnit"},
		{"duplicate lattice cell", "x,y,Cu\n0,0,1\n10,0,2\n0,10,3\n10,10,4\n10,10,5\n", nil, ErrDuplicateCell, 0, "lines 5 and 6"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.csv), tc.opt)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.err != nil && !errors.Is(err, tc.err) {
				t.Errorf("error %q is not %q", err, tc.err)
			}
			var pe *ParseError
			if tc.line > 0 && (!errors.As(err, &pe) || pe.Line != tc.line) {
				t.Errorf("error %q: want a ParseError at line %d", err, tc.line)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not say %q", err, tc.msg)
			}
		})
	}
}

func TestReadDegrees(t *testing.T) {
	// Reference: PROJ 9.1.1, `cs2cs +proj=longlat +datum=WGS84 +to +proj=utm
	// +zone=50 +south +datum=WGS84` of the first GSWA sample
	// (118.211648772642, -34.3018093442451): 611498.9165 6203714.7194.
	const mm = 1e-3
	s := read(t, "X,Y,Cu_ppm\n118.211648772642,-34.3018093442451,5\n118.3,-34.4,6\n118.1,-34.2,7\n", nil)
	if s.Projection == nil || s.Projection.Zone != 50 || !s.Projection.South || s.Projection.EPSG() != 32750 {
		t.Fatalf("projection %+v; want UTM 50S, EPSG 32750", s.Projection)
	}
	if math.Abs(s.X[0]-611498.9165) > mm || math.Abs(s.Y[0]-6203714.7194) > mm {
		t.Errorf("projected %.4f %.4f; want 611498.9165 6203714.7194", s.X[0], s.Y[0])
	}
	if s.Lon[0] != 118.211648772642 || s.Lat[0] != -34.3018093442451 {
		t.Errorf("Lon, Lat = %v, %v; want the input degrees", s.Lon[0], s.Lat[0])
	}
	if len(s.Warnings) == 0 || !strings.Contains(s.Warnings[0], "degrees") {
		t.Errorf("warnings %q; want one about degrees", s.Warnings)
	}
	// lon/lat names: degrees without a warning about it; Coordinates
	// "metres" keeps small numbers as metres.
	s = read(t, "lat,lon,Cu_ppm\n40.5,-73.5,1\n40.6,-73.4,2\n", nil)
	if s.Projection == nil || s.Projection.Zone != 18 || s.Projection.South {
		t.Errorf("projection %+v; want UTM 18N", s.Projection)
	}
	s = read(t, "X,Y,Cu_ppm\n118.2,-34.3,5\n118.3,-34.4,6\n", &Options{Coordinates: "metres"})
	if s.Projection != nil || s.X[0] != 118.2 {
		t.Errorf("Coordinates metres: projection %+v, X %v", s.Projection, s.X)
	}
	// Metre x,y beside lon,lat: x,y used, lon,lat reported.
	s = read(t, "x,y,lon,lat,Cu\n299944.0,3202687.6,114.947523,28.936528,1\n298944.0,3198687.6,114.937983,28.90029,2\n", nil)
	if s.Projection != nil || s.X[0] != 299944 || s.Lon == nil || s.Lon[1] != 114.937983 {
		t.Errorf("x,y + lon,lat: projection %+v X %v Lon %v", s.Projection, s.X, s.Lon)
	}
}

func TestReadLattice(t *testing.T) {
	// 4 x 3 lattice, 200 m x 100 m cells, centres from (1100, 5050), with
	// the cell (col 2, row 1) missing: a hole.
	var b strings.Builder
	b.WriteString("x,y,Cu_ppm\n")
	want := map[[2]float64]int{}
	for r := range 3 {
		for c := range 4 {
			if c == 2 && r == 1 {
				continue
			}
			x, y := 1100+200*float64(c), 5050+100*float64(r)
			want[[2]float64{x, y}] = r*4 + c
			b.WriteString(strings.Join([]string{ftoa(x), ftoa(y), ftoa(float64(1 + r + c))}, ",") + "\n")
		}
	}
	for _, tc := range []struct {
		name string
		csv  string
	}{
		{"x y with a hole", b.String()},
		{"row col north-up", "row,col,x,y,Cu\n0,0,1100,5250,1\n0,1,1300,5250,2\n0,3,1700,5250,3\n1,0,1100,5150,4\n2,0,1100,5050,5\n2,2,1500,5050,6\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := read(t, tc.csv, nil)
			if s.Lattice == nil {
				t.Fatalf("no lattice; warnings %q", s.Warnings)
			}
			g := *s.Lattice
			if g.Cols != 4 || g.Rows != 3 || g.X0 != 1000 || g.Y0 != 5000 || g.Cell != 200 || g.CellY != 100 {
				t.Errorf("geom %+v; want 4 x 3 from (1000, 5000), 200 x 100 m", g)
			}
			for i := range s.X {
				if c, r, ok := g.Locate(s.X[i], s.Y[i]); !ok || s.Cell[i] != r*g.Cols+c {
					t.Errorf("sample %d at (%v, %v): cell %d, want %d", i, s.X[i], s.Y[i], s.Cell[i], r*g.Cols+c)
				}
			}
		})
	}
	// Scattered samples are not a lattice, nor are samples when NoLattice.
	s := read(t, "x,y,Cu\n0,0,1\n13,7,2\n21,30,3\n5,41,4\n37,12,5\n", nil)
	if s.Lattice != nil {
		t.Errorf("scattered samples taken for a lattice %+v", s.Lattice)
	}
	s = read(t, b.String(), &Options{NoLattice: true})
	if s.Lattice != nil {
		t.Errorf("NoLattice: lattice %+v", s.Lattice)
	}
	_ = want
}

func ftoa(v float64) string { return strings.TrimRight(strings.TrimRight(strconvF(v), "0"), ".") }

func strconvF(v float64) string { return strconv.FormatFloat(v, 'f', 6, 64) }

// benchCSV returns a survey of n scattered samples with d elements.
func benchCSV(n, d int) string {
	var b strings.Builder
	b.WriteString("ID,X,Y")
	els := []string{"Ag", "As", "Au", "B", "Ba", "Be", "Bi", "Cd", "Co", "Cr", "Cu", "F", "Hg", "La", "Li", "Mn", "Mo", "Nb", "Ni", "P",
		"Pb", "Sb", "Sn", "Sr", "Th", "Ti", "U", "V", "W", "Y", "Zn", "Zr", "SiO2", "Al2O3", "Fe2O3", "K2O", "Na2O", "CaO", "MgO"}
	for k := range d {
		b.WriteString("," + els[k%len(els)] + "_ppm" + strings.Repeat("x", k/len(els)))
	}
	b.WriteByte('\n')
	for i := range n {
		b.WriteString(strconv.Itoa(i) + "," + strconv.FormatFloat(500000+float64(i*7919%10007), 'f', 1, 64) + "," +
			strconv.FormatFloat(6e6+float64(i*104729%10009), 'f', 1, 64))
		for k := range d {
			b.WriteString("," + strconv.FormatFloat(float64((i+1)*(k+3)%997)/10+0.1, 'f', 2, 64))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func BenchmarkRead(b *testing.B) {
	for _, size := range []struct {
		name string
		n, d int
	}{{"1k x 39", 1000, 39}, {"20k x 39", 20000, 39}} {
		data := benchCSV(size.n, size.d)
		b.Run(size.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Read(strings.NewReader(data), nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
