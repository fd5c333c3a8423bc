package survey

import "testing"

func TestParseHeader(t *testing.T) {
	for _, tc := range []struct {
		name      string
		head      string
		element   string
		unit      string
		ambiguous string
	}{
		{"bare symbol", "Cu", "Cu", "", ""},
		{"underscore", "Cu_ppm", "Cu", "ppm", ""},
		{"space", "Cu ppm", "Cu", "ppm", ""},
		{"parentheses", "Cu (ppm)", "Cu", "ppm", ""},
		{"brackets", "Cu[ppm]", "Cu", "ppm", ""},
		{"R make.names", "Cu.ppm", "Cu", "ppm", ""},
		{"ppb", "Au_ppb", "Au", "ppb", ""},
		{"oxide pct", "Fe2O3_pct", "Fe2O3", "pct", ""},
		{"oxide percent sign", "SiO2 %", "SiO2", "pct", ""},
		{"oxide glued percent", "SiO2%", "SiO2", "pct", ""},
		{"wt%", "Al2O3 wt%", "Al2O3", "pct", ""},
		{"wt.%", "Al2O3 (wt.%)", "Al2O3", "pct", ""},
		{"g/t", "Au g/t", "Au", "ppm", ""},
		{"mg/kg", "Zn (mg/kg)", "Zn", "ppm", ""},
		{"µg/kg", "Hg µg/kg", "Hg", "ppb", ""},
		{"method tag", "Au_FA_ppb", "Au", "ppb", ""},
		{"method tag after", "Cu_ppm_ICP", "Cu", "ppm", ""},
		{"all caps", "CU", "Cu", "", ""},
		{"all caps with unit", "AU_PPB", "Au", "ppb", ""},
		{"all caps As", "AS", "As", "", ""},
		{"caps oxide", "SIO2_PCT", "SiO2", "pct", ""},
		{"total iron", "Fe2O3T_pct", "Fe2O3T", "pct", ""},
		{"total iron prefix", "TFe2O3", "Fe2O3T", "", ""},
		{"TiO2 not total", "TiO2", "TiO2", "", ""},
		{"caps TiO2", "TIO2", "TiO2", "", ""},
		{"uranium oxide", "U3O8_ppm", "U3O8", "ppm", ""},
		{"CO2", "CO2_pct", "CO2", "pct", ""},
		{"SO3", "SO3", "SO3", "", ""},
		{"ppt ambiguous", "Pt_ppt", "Pt", "", "ppt"},
		{"ID", "ID", "", "", ""},
		{"id lower", "id", "", "", ""},
		{"LOI", "LOI_pct", "", "", ""},
		{"water", "H2Oneg_pct", "", "", ""},
		{"H2O", "H2O", "", "", ""},
		{"descriptor C_PAR", "C_PAR", "", "", ""},
		{"sample id", "SAMPLEID", "", "", ""},
		{"Date", "Date", "", "", ""},
		{"nobelium bare is a word", "No", "", "", ""},
		{"nobelium with unit", "No_ppm", "No", "ppm", ""},
		{"lower as is a word", "as", "", "", ""},
		{"lower cu", "cu", "Cu", "", ""},
		{"mixed case garbage", "cU", "", "", ""},
		{"two units", "Cu_ppm_ppb", "", "", ""},
		{"empty", "", "", "", ""},
		{"oxygen", "O", "", "", ""},
	} {
		got := parseHeader(tc.head)
		if got.element != tc.element || got.unit != tc.unit || got.ambiguous != tc.ambiguous {
			t.Errorf("%s: parseHeader(%q) = %+v, want element %q unit %q ambiguous %q",
				tc.name, tc.head, got, tc.element, tc.unit, tc.ambiguous)
		}
	}
}

func TestCoordPair(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header []string
		x, y   int
		lonlat bool
	}{
		{"x y lower beside yttrium", []string{"row", "col", "x", "y", "lon", "lat", "Y"}, 2, 3, false},
		{"X Y upper", []string{"X", "Y", "Cu"}, 0, 1, false},
		{"XCOO YCOO, Y is yttrium", []string{"ID", "XCOO", "YCOO", "Y"}, 1, 2, false},
		{"easting northing", []string{"Northing", "Easting", "Cu"}, 1, 0, false},
		{"east north suffix", []string{"east_m", "north_m"}, 0, 1, false},
		{"X_MGA", []string{"X_MGA", "Y_MGA"}, 0, 1, false},
		{"lon lat", []string{"latitude", "longitude"}, 1, 0, true},
		{"long lat", []string{"Long_GDA94", "Lat_GDA94"}, 0, 1, true},
		{"metres win over lon/lat", []string{"lon", "lat", "UTM_E", "UTM_N"}, 2, 3, false},
		{"yttrium alone", []string{"Y", "Cu"}, -1, -1, false},
		{"lateritic is not latitude", []string{"laterite", "lon"}, -1, -1, false},
	} {
		x, y, ll := coordPair(tc.header)
		if x != tc.x || y != tc.y || ll != tc.lonlat {
			t.Errorf("%s: coordPair(%q) = %d, %d, %v; want %d, %d, %v", tc.name, tc.header, x, y, ll, tc.x, tc.y, tc.lonlat)
		}
	}
}

func TestParseCell(t *testing.T) {
	for _, tc := range []struct {
		name     string
		s        string
		decComma bool
		v        float64
		k        cellKind
	}{
		{"number", "12.5", false, 12.5, cellValue},
		{"exponent", "1.2e-3", false, 1.2e-3, cellValue},
		{"spaces", "  7 ", false, 7, cellValue},
		{"below", "<0.5", false, 0.5, cellBelow},
		{"below spaced", "< 2", false, 2, cellBelow},
		{"negative is below", "-0.003", false, 0.003, cellBelow},
		{"-9999 missing", "-9999", false, 0, cellMissing},
		{"-9999.000 missing", "-9999.000000000000000", false, 0, cellMissing},
		{"-999 missing", "-999", false, 0, cellMissing},
		{"empty", "", false, 0, cellMissing},
		{"NA", "NA", false, 0, cellMissing},
		{"N/A", "N/A", false, 0, cellMissing},
		{"n.a.", "n.a.", false, 0, cellMissing},
		{"nd", "n.d.", false, 0, cellMissing},
		{"BDL", "BDL", false, 0, cellBelowNoLimit},
		{"<DL", "<DL", false, 0, cellBelowNoLimit},
		{"above", ">10000", false, 10000, cellAbove},
		{"decimal comma allowed", "1,2", true, 1.2, cellValue},
		{"decimal comma refused", "1,2", false, 0, cellText},
		{"thousands", "1,234.5", true, 0, cellText},
		{"text", "abc", false, 0, cellText},
		{"hex refused", "0x10", false, 0, cellText},
		{"inf refused", "Inf", false, 0, cellText},
		{"minus zero", "-0", false, 0, cellValue},
	} {
		v, k := parseCell(tc.s, tc.decComma)
		if v != tc.v || k != tc.k {
			t.Errorf("%s: parseCell(%q) = %v, %v; want %v, %v", tc.name, tc.s, v, k, tc.v, tc.k)
		}
	}
}
