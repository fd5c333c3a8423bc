package survey

import (
	"bufio"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// dataDir holds the shared real data sets (../shared/data beside the
// module root); tests skip when it is absent.
const dataDir = "../../../shared/data"

func openData(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join(dataDir, name))
	if os.IsNotExist(err) {
		t.Skipf("%s absent", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestNanling(t *testing.T) {
	s, err := Read(openData(t, "nanling-li/grid.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Counts and cell sizes: shared/data/README.md (20,460 rows, 39 RGNR
	// elements, 4,243.9 m x 4,178.9 m cells); 132 x 155 from the row/col
	// columns (cols 8..139, rows 4..158).
	if len(s.X) != 20460 || len(s.Elements) != 39 {
		t.Fatalf("%d samples, %d elements; want 20460, 39", len(s.X), len(s.Elements))
	}
	if s.XColumn != "x" || s.YColumn != "y" || s.Projection != nil {
		t.Errorf("coordinates %q %q projection %v; want x, y metres", s.XColumn, s.YColumn, s.Projection)
	}
	g := s.Lattice
	if g == nil {
		t.Fatal("lattice not recognised")
	}
	if g.Cols != 132 || g.Rows != 155 || math.Abs(g.Cell-4243.9) > 0.1 || math.Abs(g.CellY-4178.9) > 0.1 {
		t.Errorf("lattice %+v; want 132 x 155 cells of 4243.9 x 4178.9 m", *g)
	}
	seen := make([]bool, g.Len())
	for i, c := range s.Cell {
		cc, rr, ok := g.Locate(s.X[i], s.Y[i])
		if !ok || c != rr*g.Cols+cc || seen[c] {
			t.Fatalf("sample %d: cell %d, located (%d, %d) %v, seen %v", i, c, cc, rr, ok, seen[c])
		}
		seen[c] = true
	}
	// First row of the file: row 4 (north-up), x -105434.1, y 3279098.2:
	// the northernmost row, row 154 from the south.
	if _, r, _ := g.Locate(s.X[0], s.Y[0]); r != g.Rows-1 {
		t.Errorf("first sample in row %d from the south; want %d", r, g.Rows-1)
	}
	// RGNR units: Au in ppb -> ppm, SiO2 in wt% -> ppm; first row of the file
	// has Au 1.82447 and SiO2 72.3275.
	au, si := element(s, "Au"), element(s, "SiO2")
	if au.Unit != "ppb" || math.Abs(au.Values[0]-1.82447e-3) > 1e-12 || si.Unit != "pct" || math.Abs(si.Values[0]-723275) > 1e-6 {
		t.Errorf("Au %s %v, SiO2 %s %v; want ppb 0.00182447 ppm, pct 723275 ppm", au.Unit, au.Values[0], si.Unit, si.Values[0])
	}
	if s.Lon == nil || s.Lon[0] != 110.76 {
		t.Errorf("lon beside x,y not read")
	}
	t.Logf("nanling: %d samples, %d elements, lattice %+v", len(s.X), len(s.Elements), *g)

	// Without the row,col columns the lattice comes from the x,y values
	// alone (written to 0.1 m): same grid, same cells.
	var b strings.Builder
	sc := bufio.NewScanner(openData(t, "nanling-li/grid.csv"))
	for sc.Scan() {
		l := sc.Text()
		b.WriteString(l[strings.IndexByte(l[strings.IndexByte(l, ',')+1:], ',')+strings.IndexByte(l, ',')+2:])
		b.WriteByte('\n')
	}
	s2, err := Read(strings.NewReader(b.String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s2.Lattice == nil || s2.Lattice.Cols != g.Cols || s2.Lattice.Rows != g.Rows || !slices.Equal(s2.Cell, s.Cell) ||
		slices.Contains(s2.Ignored, "row") {
		t.Errorf("x,y lattice %+v differs from the row/col lattice %+v", s2.Lattice, *g)
	}
}

func TestGSWA(t *testing.T) {
	s, err := Read(openData(t, "gswa-area1/samples_raw.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	// 1,392 rows (shared/data/README.md), X/Y longitude/latitude around
	// 118°E 34°S: UTM zone 50 south.
	if len(s.X) != 1392 || s.Projection == nil || s.Projection.EPSG() != 32750 || s.Lattice != nil {
		t.Fatalf("%d samples, projection %+v, lattice %v; want 1392, UTM 50S, none", len(s.X), s.Projection, s.Lattice)
	}
	below := 0
	units := map[string]int{}
	for _, e := range s.Elements {
		below += e.BelowDetection
		units[e.Unit]++
		for _, v := range e.Values {
			if v <= 0 {
				t.Fatalf("%s: value %v not positive after replacement", e.Column, v)
			}
		}
	}
	if below == 0 || units["ppm"] == 0 || units["ppb"] == 0 || units["pct"] == 0 {
		t.Errorf("below detection %d, units %v; want some of each", below, units)
	}
	// Au_ppm: 53 values -2e-05 or -0.001 (below detection) and 154 zeros
	// (counted by reading the file with Python's csv module).
	au := element(s, "Au")
	if au.BelowDetection != 53+154 || au.Zeros != 154 || au.Missing != 0 {
		t.Errorf("Au below %d zeros %d missing %d; want 207, 154, 0", au.BelowDetection, au.Zeros, au.Missing)
	}
	// Pd_ppb -> ppm, and CaO_pct -> ppm.
	if e := element(s, "Pd"); e == nil || e.Unit != "ppb" {
		t.Errorf("Pd: %+v", e)
	}
	dropped := map[string]string{}
	for _, d := range s.Dropped {
		dropped[d.Name] = d.Reason
	}
	// Rh_ppb is -9999 in 1,361 of 1,392 rows (Python csv count).
	if dropped["Rh_ppb"] != "missing in 98% of samples" || dropped["Al_ppm"] != "no values" {
		t.Errorf("dropped Rh_ppb %q, Al_ppm %q", dropped["Rh_ppb"], dropped["Al_ppm"])
	}
	for _, name := range []string{"SAMPLEID", "SAMPLETYPE", "COMPSAMPID", "LOI_pct", "H2Oneg_pct"} {
		if !slices.Contains(s.Ignored, name) {
			t.Errorf("%s not ignored", name)
		}
	}
	t.Logf("gswa: %d samples, %d elements kept, %d dropped, %d below-detection values replaced, %d ignored columns",
		len(s.X), len(s.Elements), len(s.Dropped), below, len(s.Ignored))

	sites, err := ReadDeposits(openData(t, "gswa-area1/sites.csv"), s.Projection, nil)
	if err != nil {
		t.Fatal(err)
	}
	// 32 Au sites (shared/data/README.md); the first is S0000007 "Dingo -
	// Katanning" at 117.920163521242, -33.5748935066032.
	if len(sites) != 32 || sites[0].Name != "Dingo - Katanning" || sites[0].Commodity != "Au, Ag" {
		t.Fatalf("%d sites, first %+v", len(sites), sites[0])
	}
	x, y := s.Projection.Forward(117.920163521242, -33.5748935066032)
	if sites[0].X != x || sites[0].Y != y {
		t.Errorf("site projected to %v %v; want %v %v", sites[0].X, sites[0].Y, x, y)
	}
	if _, err := ReadDeposits(openData(t, "gswa-area1/sites.csv"), nil, nil); err == nil {
		t.Error("degrees without projection: no error")
	}
}

func TestKola(t *testing.T) {
	// Units: mg/kg = ppm for every element (shared/data/README.md).
	s, err := Read(openData(t, "kola-moss/moss.csv"), &Options{NoUnit: "ppm"})
	if err != nil {
		t.Fatal(err)
	}
	// 594 samples, ~40 elements (README); 39 element columns after ELEV ... TEMP.
	if len(s.X) != 594 || len(s.Elements) != 39 || s.XColumn != "XCOO" || s.YColumn != "YCOO" || s.Projection != nil || s.Lattice != nil {
		t.Fatalf("%d samples, %d elements, %q %q, projection %v, lattice %v", len(s.X), len(s.Elements), s.XColumn, s.YColumn, s.Projection, s.Lattice)
	}
	// Au, Pd, Pt are empty in 88 rows.
	if e := element(s, "Au"); e.Missing != 88 || e.Unit != "ppm" {
		t.Errorf("Au missing %d unit %s; want 88 ppm", e.Missing, e.Unit)
	}
	if element(s, "Y") == nil || !slices.Contains(s.Ignored, "Date") || !slices.Contains(s.Ignored, "ELEV") {
		t.Errorf("yttrium or ignored columns wrong: ignored %q", s.Ignored)
	}
	t.Logf("kola: %d samples, %d elements", len(s.X), len(s.Elements))

	ps, err := ReadTargets(openData(t, "kola-moss/source_areas.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].Name != "Monchegorsk" || ps[1].Name != "Nikel-Zapoljarnij" || len(ps[0].X)+len(ps[1].X) != 68 {
		t.Fatalf("%d polygons: %v", len(ps), ps)
	}
	inside := 0
	for i := range s.X {
		if ps[0].Contains(s.X[i], s.Y[i]) || ps[1].Contains(s.X[i], s.Y[i]) {
			inside++
		}
	}
	if inside == 0 || inside > len(s.X)/4 {
		t.Errorf("%d samples inside the smelter polygons; want a few", inside)
	}
	t.Logf("kola: %d samples inside the 2 polygons", inside)
}

func TestNanlingDeposits(t *testing.T) {
	d, err := ReadDeposits(openData(t, "nanling-li/deposits.csv"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// 23 deposits, the first at x 299944.0, y 3202687.6 (deposits.csv).
	if len(d) != 23 || d[0].X != 299944.0 || d[0].Y != 3202687.6 || d[0].Name != "1" {
		t.Errorf("%d deposits, first %+v", len(d), d[0])
	}
}
