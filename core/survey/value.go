package survey

import (
	"math"
	"strconv"
	"strings"
)

// cellKind tells what a cell of an element column holds.
type cellKind uint8

const (
	cellValue        cellKind = iota // a measured value
	cellBelow                        // below detection, the value is the limit
	cellBelowNoLimit                 // below detection, limit not written ("BDL", "<DL")
	cellMissing                      // not analysed / not a value
	cellAbove                        // above the upper limit (">v"), the value is the limit
	cellText                         // anything else
)

// missingTokens are the cell contents read as "no value" (lower case).
// "nd" / "n.d." count as missing, not as below detection: laboratories use
// them for both "not detected" and "not determined", and a below-detection
// value without a limit cannot be replaced by factor x limit anyway.
var missingTokens = map[string]bool{
	"na": true, "n/a": true, "n.a.": true, "n.a": true, "nan": true, "null": true, "nil": true, "none": true,
	"-": true, "--": true, "---": true, "nd": true, "n.d.": true, "n.d": true, "#n/a": true, "#value!": true,
	"#div/0!": true, "is": true, "ns": true, "nss": true, "lnr": true, "nr": true, "?": true,
}

// belowTokens mean "below detection" without saying the limit.
var belowTokens = map[string]bool{
	"bdl": true, "b.d.l.": true, "bd": true, "<dl": true, "<d.l.": true, "<lod": true, "<ld": true, "<lld": true,
	"<ql": true, "<loq": true, "<lq": true, "dl": true,
}

// missingCode reports whether v is one of the numeric missing-value codes
// -9999, -999 and -99999. They are missing, never below detection.
func missingCode(v float64) bool {
	return v == -9999 || v == -999 || v == -99999
}

// parseNumber parses a plain decimal number ("12", "-3.5", "1.2e-3"; with
// decComma also "1,2"). It refuses hexadecimal, "Inf", "NaN" and thousands
// separators.
func parseNumber(s string, decComma bool) (float64, bool) {
	digits, commas, dots := 0, 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			dots++
		case c == ',':
			commas++
		case c == 'e' || c == 'E' || c == '+' || c == '-':
		default:
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	if commas > 0 {
		if !decComma || commas > 1 || dots > 0 {
			return 0, false
		}
		s = strings.Replace(s, ",", ".", 1)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// parseCell reads one element cell. For cellBelow and cellAbove v is the
// limit (positive).
func parseCell(s string, decComma bool) (v float64, k cellKind) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, cellMissing
	}
	if c := s[0]; (c < '0' || c > '9') && c != '.' {
		l := strings.ToLower(s)
		if missingTokens[l] {
			return 0, cellMissing
		}
		if belowTokens[l] {
			return 0, cellBelowNoLimit
		}
		if c == '<' || c == '>' {
			w, ok := parseNumber(strings.TrimSpace(s[1:]), decComma)
			if !ok || missingCode(w) {
				return 0, cellText
			}
			if c == '<' {
				return math.Abs(w), cellBelow
			}
			return math.Abs(w), cellAbove
		}
	}
	w, ok := parseNumber(s, decComma)
	switch {
	case !ok:
		return 0, cellText
	case missingCode(w):
		return 0, cellMissing
	case w < 0:
		return -w, cellBelow
	}
	return w + 0, cellValue // +0 turns -0 into 0
}

// parseCoord reads a coordinate cell: missing when empty, NA-like or -9999.
func parseCoord(s string, decComma bool) (v float64, missing, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" || missingTokens[strings.ToLower(s)] {
		return 0, true, true
	}
	w, ok := parseNumber(s, decComma)
	if !ok {
		return 0, false, false
	}
	if w == -9999 || w == -99999 {
		return 0, true, true
	}
	return w, false, true
}

// numberHint suggests why s is not a number.
func numberHint(s string, delim rune) string {
	s = strings.TrimSpace(s)
	commas := strings.Count(s, ",")
	if commas == 1 && !strings.Contains(s, ".") {
		if _, ok := parseNumber(s, true); ok {
			if delim == ',' {
				return "decimal comma? choose ';' as delimiter"
			}
		}
	}
	if commas > 0 && strings.Contains(s, ".") {
		if _, ok := parseNumber(strings.ReplaceAll(s, ",", ""), false); ok {
			return "thousands separator? remove it"
		}
	}
	if strings.ContainsRune(s, ';') && delim != ';' {
		return "values separated by ';'? choose ';' as delimiter"
	}
	if strings.ContainsRune(s, '\t') && delim != '\t' {
		return "values separated by tabs? choose tab as delimiter"
	}
	return "write a number, \"<limit\" for below detection, or leave empty / NA for missing"
}
