package grid

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// rasterCases are the grids the raster writers round-trip.
func rasterCases() []struct {
	name string
	g    *Grid
} {
	utm := New(Geom{Cols: 4, Rows: 3, X0: 500000, Y0: 2500000, Cell: 1000})
	for i := range utm.Data {
		utm.Data[i] = float32(i) + 0.25 // row 0 (south) is 0.25 .. 3.25
	}
	utm.Data[5] = float32(math.NaN())
	utm.Data[6] = float32(math.Pi) // needs all float32 digits
	utm.Data[7] = -1.5e-7

	rect := New(Geom{Cols: 3, Rows: 2, X0: -1234.5, Y0: 987.25, Cell: 4243.9, CellY: 4178.9})
	for i := range rect.Data {
		rect.Data[i] = float32(i*i) - 2.5
	}

	one := New(Geom{Cols: 1, Rows: 1, X0: 0, Y0: 0, Cell: 1})
	one.Data[0] = 42.125

	empty := New(Geom{Cols: 2, Rows: 2, X0: 10, Y0: 20, Cell: 5}) // all NaN

	// Large enough for several TIFF strips (64 KiB each).
	big := New(Geom{Cols: 300, Rows: 200, X0: 100, Y0: 200, Cell: 50})
	for i := range big.Data {
		big.Data[i] = float32(i%997) * 0.5
	}
	return []struct {
		name string
		g    *Grid
	}{
		{"utm with NaN", utm},
		{"non-square cells", rect},
		{"one cell", one},
		{"all no data", empty},
		{"several strips", big},
	}
}

func sameGrid(t *testing.T, got, want *Grid) {
	t.Helper()
	if got.Geom != want.Geom {
		t.Fatalf("geometry: got %+v, want %+v", got.Geom, want.Geom)
	}
	for i, w := range want.Data {
		g := got.Data[i]
		if math.IsNaN(float64(w)) != math.IsNaN(float64(g)) || (!math.IsNaN(float64(w)) && g != w) {
			t.Fatalf("cell %d (col %d, row %d): got %v, want %v", i, i%want.Cols, i/want.Cols, g, w)
		}
	}
}

func TestGeoTIFFRoundTrip(t *testing.T) {
	for _, tc := range rasterCases() {
		for _, epsg := range []int{32650, 0} {
			var buf bytes.Buffer
			if err := WriteGeoTIFF(&buf, tc.g, epsg); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			got, gotEPSG, err := ReadGeoTIFF(&buf)
			if err != nil {
				t.Fatalf("%s, epsg %d: read: %v", tc.name, epsg, err)
			}
			if gotEPSG != epsg {
				t.Errorf("%s: epsg: got %d, want %d", tc.name, gotEPSG, epsg)
			}
			sameGrid(t, got, tc.g)
		}
	}
}

func TestGeoTIFFLayout(t *testing.T) {
	// Check the bytes that the TIFF 6.0 spec fixes: "II", 42, the first IFD
	// at 8, and that the first strip (north row) starts with the value of
	// the north-west cell.
	g := rasterCases()[0].g
	var buf bytes.Buffer
	if err := WriteGeoTIFF(&buf, g, 32650); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if string(b[:4]) != "II*\x00" || b[4] != 8 {
		t.Fatalf("header % x, want 49 49 2a 00 08 00 00 00", b[:8])
	}
	wantLen := len(b) - 4*g.Len()
	nw := math.Float32bits(g.At(0, g.Rows-1))
	if got := uint32(b[wantLen]) | uint32(b[wantLen+1])<<8 | uint32(b[wantLen+2])<<16 | uint32(b[wantLen+3])<<24; got != nw {
		t.Errorf("first pixel bits %#x, want north-west cell %#x", got, nw)
	}
}

func TestReadGeoTIFFErrors(t *testing.T) {
	var good bytes.Buffer
	if err := WriteGeoTIFF(&good, rasterCases()[0].g, 32650); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"png", []byte("\x89PNG\r\n\x1a\n0000")},
		{"bigtiff", []byte("II+\x00\x08\x00\x00\x00")},
		{"truncated", good.Bytes()[:good.Len()-10]},
	} {
		if _, _, err := ReadGeoTIFF(bytes.NewReader(tc.data)); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

func TestASCIIRoundTrip(t *testing.T) {
	for _, tc := range rasterCases() {
		var buf bytes.Buffer
		if err := WriteASCII(&buf, tc.g); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, err := ReadASCII(&buf)
		if err != nil {
			t.Fatalf("%s: read: %v", tc.name, err)
		}
		sameGrid(t, got, tc.g)
	}
}

func TestWriteASCIIText(t *testing.T) {
	g := New(Geom{Cols: 3, Rows: 2, X0: 500000, Y0: 2500000, Cell: 250})
	copy(g.Data, []float32{1, 2, 3, 4.5, float32(math.NaN()), 0.1})
	const want = `ncols         3
nrows         2
xllcorner     500000
yllcorner     2500000
cellsize      250
NODATA_value  -9999
4.5 -9999 0.1
1 2 3
`
	var buf bytes.Buffer
	if err := WriteASCII(&buf, g); err != nil {
		t.Fatal(err)
	}
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestReadASCII(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want *Grid // nil: an error is expected
	}{
		{
			name: "centre keys, lower case, no nodata",
			in:   "NCOLS 2\nNROWS 1\nXLLCENTER 5\nYLLCENTER 15\nCELLSIZE 10\n1 2\n",
			want: &Grid{Geom: Geom{Cols: 2, Rows: 1, X0: 0, Y0: 10, Cell: 10}, Data: []float32{1, 2}},
		},
		{
			name: "dx dy, custom nodata",
			in:   "ncols 1\nnrows 2\nxllcorner 0\nyllcorner 0\ndx 2\ndy 3\nnodata_value -1\n-1\n7\n",
			want: &Grid{Geom: Geom{Cols: 1, Rows: 2, Cell: 2, CellY: 3}, Data: []float32{7, float32(math.NaN())}},
		},
		{name: "too few values", in: "ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2 3\n"},
		{name: "too many values", in: "ncols 1\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2\n"},
		{name: "bad number", in: "ncols 1\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n1,5\n"},
		{name: "no cellsize", in: "ncols 1\nnrows 1\nxllcorner 0\nyllcorner 0\n1\n"},
		{name: "no header", in: "1 2 3\n"},
		{name: "negative ncols", in: "ncols -1\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n"},
	} {
		got, err := ReadASCII(strings.NewReader(tc.in))
		if tc.want == nil {
			if err == nil {
				t.Errorf("%s: no error", tc.name)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		sameGrid(t, got, tc.want)
	}
}

// gdalInfo runs gdalinfo -json on path, skipping the test if GDAL is not
// installed.
func gdalInfo(t *testing.T, path string) map[string]any {
	t.Helper()
	if _, err := exec.LookPath("gdalinfo"); err != nil {
		t.Skip("gdalinfo not on PATH (apt-get install gdal-bin)")
	}
	out, err := exec.Command("gdalinfo", "-json", path).Output()
	if err != nil {
		t.Fatalf("gdalinfo %s: %v", path, err)
	}
	var info map[string]any
	if err := json.Unmarshal(out, &info); err != nil {
		t.Fatalf("gdalinfo output: %v", err)
	}
	return info
}

// gdalValues returns the grid as GDAL reads it, converted to an ASCII grid
// by gdal_translate and parsed by ReadASCII.
func gdalValues(t *testing.T, path string) *Grid {
	t.Helper()
	if _, err := exec.LookPath("gdal_translate"); err != nil {
		t.Skip("gdal_translate not on PATH")
	}
	dst := filepath.Join(t.TempDir(), "gdal.asc") // GDAL adds gdal.prj beside it
	if out, err := exec.Command("gdal_translate", "-q", "-of", "AAIGrid", path, dst).CombinedOutput(); err != nil {
		t.Fatalf("gdal_translate: %v\n%s", err, out)
	}
	f, err := os.Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := ReadASCII(f)
	if err != nil {
		t.Fatalf("reading gdal_translate output: %v", err)
	}
	return g
}

// checkGDAL checks what GDAL reads from a file written from the first
// raster case (4 x 3 cells of 1000 m at (500000, 2500000), UTM 50N).
func checkGDAL(t *testing.T, path, noData string, wantEPSG bool) map[string]any {
	g := rasterCases()[0].g
	info := gdalInfo(t, path)
	size, _ := info["size"].([]any)
	if len(size) != 2 || size[0] != 4.0 || size[1] != 3.0 {
		t.Errorf("size %v, want [4 3]", info["size"])
	}
	// GDAL geotransform: x0, dx, 0, ymax, 0, -dy (north-up).
	want := []float64{500000, 1000, 0, 2503000, 0, -1000}
	gt, _ := info["geoTransform"].([]any)
	if len(gt) != 6 {
		t.Fatalf("geoTransform %v", info["geoTransform"])
	}
	for i, w := range want {
		if gt[i] != w {
			t.Errorf("geoTransform[%d] = %v, want %v", i, gt[i], w)
		}
	}
	if wantEPSG {
		cs, _ := info["coordinateSystem"].(map[string]any)
		wkt, _ := cs["wkt"].(string)
		if !strings.Contains(wkt, "UTM zone 50N") || !strings.HasSuffix(strings.TrimSpace(wkt), `ID["EPSG",32650]]`) {
			t.Errorf("CRS is not EPSG:32650:\n%s", wkt)
		}
	}
	bands, _ := info["bands"].([]any)
	if len(bands) != 1 {
		t.Fatalf("bands: %v", info["bands"])
	}
	band, _ := bands[0].(map[string]any)
	if band["type"] != "Float32" {
		t.Errorf("band type %v, want Float32", band["type"])
	}
	if got := band["noDataValue"]; strconv.Quote(strings.ToLower(jsonString(got))) != strconv.Quote(noData) {
		t.Errorf("noDataValue %v, want %s", got, noData)
	}
	// Every value, NaN included, read back by GDAL: the geometry and the
	// north-up row order must survive gdal_translate.
	sameGrid(t, gdalValues(t, path), g)
	return info
}

func jsonString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return ""
}

func TestGeoTIFFGDAL(t *testing.T) {
	dir := t.TempDir()
	for _, epsg := range []int{32650, 0} {
		path := filepath.Join(dir, "utm"+strconv.Itoa(epsg)+".tif")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteGeoTIFF(f, rasterCases()[0].g, epsg); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		info := checkGDAL(t, path, "nan", epsg > 0)
		if epsg == 0 {
			cs, _ := info["coordinateSystem"].(map[string]any)
			if wkt, _ := cs["wkt"].(string); !strings.Contains(wkt, `LENGTHUNIT["metre"`) {
				t.Errorf("unknown CRS: GDAL reads\n%s\nwant a local CRS in metres", wkt)
			}
		}
	}
}

func TestASCIIGDAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "utm.asc")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteASCII(f, rasterCases()[0].g); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	checkGDAL(t, path, "-9999", false)
}

func ExampleWriteASCII() {
	g := New(Geom{Cols: 3, Rows: 2, X0: 500000, Y0: 2500000, Cell: 250})
	copy(g.Data, []float32{1, 2, 3, 4.5, float32(math.NaN()), 0.1}) // row 0 south
	if err := WriteASCII(os.Stdout, g); err != nil {
		panic(err)
	}
	// Output:
	// ncols         3
	// nrows         2
	// xllcorner     500000
	// yllcorner     2500000
	// cellsize      250
	// NODATA_value  -9999
	// 4.5 -9999 0.1
	// 1 2 3
}
