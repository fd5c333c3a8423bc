package survey

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// symbols lists the chemical element symbols 1 to 118.
var symbols = strings.Fields(`H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn
Ga Ge As Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho
Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf
Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og`)

// rare lists the symbols that are never measured in a geochemical survey
// (noble gases, H, O, N and the synthetic or short-lived elements). A header
// holding only one of them and no unit (say "No", "At", "Am") is taken for a
// word, not an element; with a unit ("No_ppm") it is an element.
var rare = strings.Fields(`H He N O Ne Ar Kr Xe Tc Pm Po At Rn Fr Ra Ac Pa Np Pu Am Cm Bk Cf Es Fm Md No Lr
Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og`)

// lowerWords are lower-case bare headers that are English words before they
// are elements.
var lowerWords = map[string]bool{"as": true, "in": true, "be": true, "i": true, "s": true}

var (
	symbolByLower = map[string]string{}
	rareSymbol    = map[string]bool{}
)

func init() {
	for _, s := range symbols {
		symbolByLower[strings.ToLower(s)] = s
	}
	for _, s := range rare {
		rareSymbol[s] = true
	}
}

// Canonical units.
const (
	unitPPM = "ppm"
	unitPPB = "ppb"
	unitPct = "pct"
)

// unitNames maps a normalised unit spelling (lower case, no blanks, dots or
// underscores) to a canonical unit. "ppt" is absent on purpose: it means parts
// per thousand to some and parts per trillion to others.
var unitNames = map[string]string{
	"ppm": unitPPM, "g/t": unitPPM, "gt": unitPPM, "mg/kg": unitPPM, "mgkg": unitPPM, "µg/g": unitPPM,
	"μg/g": unitPPM, "ug/g": unitPPM,
	"ppb": unitPPB, "µg/kg": unitPPB, "μg/kg": unitPPB, "ug/kg": unitPPB, "ugkg": unitPPB, "ng/g": unitPPB,
	"mg/t": unitPPB,
	"pct":  unitPct, "%": unitPct, "wt%": unitPct, "wtpct": unitPct, "percent": unitPct, "wt": unitPct,
	"perc": unitPct,
}

// unitFactor returns the factor that converts a canonical unit to ppm.
func unitFactor(u string) float64 {
	switch u {
	case unitPPB:
		return 1e-3
	case unitPct:
		return 1e4
	}
	return 1
}

// normUnit normalises a unit spelling: lower case, blanks, dots, underscores
// and hyphens removed; Latin-1 micro sign mapped to µ.
func normUnit(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case ' ', '.', '_', '-', '\t':
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// header describes what a column header says about its column.
type header struct {
	element   string // canonical element or oxide name, "" if not an element
	unit      string // canonical unit from the header, "" if none
	ambiguous string // a unit written in the header that cannot be used (e.g. "ppt")
	oxide     bool
}

// isSep reports whether r ends the element part of a header.
func isSep(r rune) bool {
	switch r {
	case ' ', '_', '.', '(', '[', '-', '%', '/', '\t', '{':
		return true
	}
	return false
}

// parseHeader recognises headers such as "Cu", "Cu_ppm", "Cu (ppm)",
// "Cu[ppm]", "SiO2 %", "Fe2O3_pct", "AU_PPB", "Au_FA_ppb" (a method tag beside
// the unit). A header with extra words but no unit ("C_PAR") is not an
// element.
func parseHeader(h string) header {
	h = strings.TrimSpace(h)
	end := len(h)
	for i, r := range h {
		if isSep(r) {
			end = i
			break
		}
	}
	base, rest := h[:end], strings.TrimSpace(h[end:])
	el, oxide := elementName(base, rest == "")
	if el == "" {
		return header{}
	}
	hd := header{element: el, oxide: oxide}
	if rest == "" {
		return hd
	}
	// Whole rest is a unit ("(ppm)", "wt.%", "mg/kg")?
	whole := normUnit(strings.Trim(rest, "()[]{}_ -"))
	if u, ok := unitNames[whole]; ok {
		hd.unit = u
		return hd
	}
	if whole == "ppt" {
		hd.ambiguous = "ppt"
		return hd
	}
	// Tokens: one unit and method tags made of letters and digits.
	toks := strings.FieldsFunc(rest, func(r rune) bool {
		switch r {
		case '_', ' ', '(', ')', '[', ']', '{', '}', '-', '\t':
			return true
		}
		return false
	})
	unit := ""
	for _, t := range toks {
		n := normUnit(t)
		if u, ok := unitNames[n]; ok && n != "wt" {
			if unit != "" {
				return header{} // two units: not a plain element column
			}
			unit = u
			continue
		}
		if n == "ppt" {
			hd.ambiguous = "ppt"
			continue
		}
		if n == "wt" || !isTag(t) {
			if n == "wt" {
				continue
			}
			return header{}
		}
	}
	if unit == "" && hd.ambiguous == "" {
		return header{}
	}
	hd.unit = unit
	if unit != "" {
		hd.ambiguous = ""
	}
	return hd
}

// isTag reports whether t looks like an analytical method tag (FA, ICP, AR2).
func isTag(t string) bool {
	if t == "" || len(t) > 10 {
		return false
	}
	for _, r := range t {
		if r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

// caseStyle classifies s: 0 mixed/chemical, 1 all upper, 2 all lower.
func caseStyle(s string) int {
	up, low := false, false
	for _, r := range s {
		if unicode.IsUpper(r) {
			up = true
		} else if unicode.IsLower(r) {
			low = true
		}
	}
	switch {
	case up && !low:
		return 1
	case low && !up:
		return 2
	}
	return 0
}

// symbolOf returns the element symbol written as s, accepting chemical case
// ("Cu"), and, when caseFree, all capitals ("CU") or all lower case ("cu").
func symbolOf(s string, caseFree bool) string {
	if s == "" || len(s) > 2 {
		return ""
	}
	sym, ok := symbolByLower[strings.ToLower(s)]
	if !ok {
		return ""
	}
	if sym == s || caseFree {
		return sym
	}
	return ""
}

// elementName returns the canonical element or oxide name of base, or "".
// bare means the header holds nothing but base.
func elementName(base string, bare bool) (name string, oxide bool) {
	if base == "" || !utf8.ValidString(base) {
		return "", false
	}
	style := caseStyle(base)
	caseFree := style != 0
	if sym := symbolOf(base, caseFree); sym != "" {
		if bare {
			if rareSymbol[sym] {
				return "", false
			}
			if style == 2 && lowerWords[base] {
				return "", false
			}
		}
		if sym == "O" || sym == "H" {
			return "", false
		}
		return sym, false
	}
	if ox := oxideName(base, caseFree); ox != "" {
		return ox, true
	}
	return "", false
}

// oxideName parses an oxide formula El[n]O[m] with an optional total-iron
// marker ("Fe2O3T", "TFe2O3", "FeOt"); it returns the canonical spelling
// ("Fe2O3T") or "". Water (H2O) and bare oxygen are not oxides here.
func oxideName(s string, caseFree bool) string {
	if ox := oxideFormula(s, caseFree); ox != "" {
		return ox
	}
	if len(s) > 3 && (s[0] == 'T' || (caseFree && s[0] == 't')) {
		// "TFe2O3": Chinese convention for total iron.
		if ox := oxideFormula(s[1:], caseFree); ox != "" && !strings.HasSuffix(ox, "T") {
			return ox + "T"
		}
	}
	return ""
}

func oxideFormula(s string, caseFree bool) string {
	total := false
	if n := len(s); n > 2 && (s[n-1] == 'T' || s[n-1] == 't') {
		total = true
		s = s[:n-1]
	}
	for elLen := 2; elLen >= 1; elLen-- {
		if len(s) <= elLen {
			continue
		}
		sym := symbolOf(s[:elLen], caseFree)
		if sym == "" || sym == "O" || sym == "H" {
			continue
		}
		rest := s[elLen:]
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		n := rest[:i]
		if i >= len(rest) || !(rest[i] == 'O' || (caseFree && rest[i] == 'o')) {
			continue
		}
		m := rest[i+1:]
		if !allDigits(m) || len(n) > 1 || len(m) > 1 || n == "0" || m == "0" || n == "1" || m == "1" {
			continue
		}
		name := sym + n + "O" + m
		if total {
			name += "T"
		}
		return name
	}
	return ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// rgnrUnit is the unit the Chinese Regional Geochemistry - National
// Reconnaissance (RGNR) convention assumes: oxides in wt%, Au, Ag and Hg in
// ppb, all other elements in ppm.
func rgnrUnit(name string, oxide bool) string {
	if oxide {
		return unitPct
	}
	switch name {
	case "Au", "Ag", "Hg":
		return unitPPB
	}
	return unitPPM
}

// Coordinate column classes.
const (
	coordNone = iota
	coordX    // x, X, xcoo, easting ...
	coordY
	coordLon
	coordLat
	coordRow
	coordCol
)

// coordClass classifies a header as a coordinate, grid index or nothing, and
// returns a pairing key: columns of a pair share the key ("utm" for UTM_X
// and UTM_Y) so that several candidate pairs do not mix.
func coordClass(h string) (class int, key string) {
	l := strings.ToLower(strings.TrimSpace(h))
	a := strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return -1
	}, l)
	switch a {
	case "x":
		return coordX, ""
	case "y":
		return coordY, ""
	case "row", "irow", "rowindex", "gridrow":
		return coordRow, ""
	case "col", "column", "icol", "colindex", "gridcol":
		return coordCol, ""
	case "xcoo", "xcoord", "xcoordinate", "coordx", "utmx", "xutm", "utme", "utmeast", "utmeasting":
		return coordX, "coo"
	case "ycoo", "ycoord", "ycoordinate", "coordy", "utmy", "yutm", "utmn", "utmnorth", "utmnorthing":
		return coordY, "coo"
	case "lng":
		return coordLon, ""
	}
	switch {
	case strings.HasPrefix(a, "east"):
		return coordX, "east" + strings.TrimPrefix(strings.TrimPrefix(a, "easting"), "east")
	case strings.HasPrefix(a, "north"):
		return coordY, "east" + strings.TrimPrefix(strings.TrimPrefix(a, "northing"), "north")
	case strings.HasPrefix(l, "x_") || strings.HasPrefix(l, "x "):
		return coordX, "x" + a[1:]
	case strings.HasPrefix(l, "y_") || strings.HasPrefix(l, "y "):
		return coordY, "x" + a[1:]
	case strings.HasPrefix(a, "longitude"):
		return coordLon, ""
	case strings.HasPrefix(a, "latitude"):
		return coordLat, ""
	case a == "lon" || a == "long" || strings.HasPrefix(l, "lon_") || strings.HasPrefix(l, "long_") ||
		strings.HasPrefix(l, "lon ") || strings.HasPrefix(l, "long "):
		return coordLon, ""
	case a == "lat" || strings.HasPrefix(l, "lat_") || strings.HasPrefix(l, "lat "):
		return coordLat, ""
	}
	return coordNone, ""
}
