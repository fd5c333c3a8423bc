package pipeline

import (
	"fmt"
	"strings"
	"unicode"

	"halo/core/grid"
	"halo/core/survey"
)

// maxCensored is the largest share of below-detection values an element may
// have to enter the multivariate detectors. A heavily censored element is
// mostly one replaced constant (0.65 x limit): it carries little
// information, and in a robust covariance fit whose support is 75% of the
// cells a constant coordinate makes the covariance singular.
const maxCensored = 0.3

// multivariate returns the indices (into s.Elements and the log stack) of
// the elements the multivariate detectors use, and the reasons the others
// were left out:
//   - an oxide whose element is also present (GSWA reports Zr and ZrO2, the
//     one computed from the other: a perfectly collinear pair) is left out;
//   - an element with more than maxCensored below detection is left out.
//
// Elements the user named explicitly (Config.Elements) are all kept.
func multivariate(s *survey.Samples, explicit bool) (keep []int, left []string) {
	present := map[string]bool{}
	for _, e := range s.Elements {
		present[e.Name] = true
	}
	n := len(s.X)
	for k, e := range s.Elements {
		if !explicit {
			if el := oxideElement(e.Name); el != "" && present[el] {
				left = append(left, fmt.Sprintf("%s (the same element as %s)", e.Name, el))
				continue
			}
			if n > 0 && float64(e.BelowDetection) > maxCensored*float64(n) {
				left = append(left, fmt.Sprintf("%s (%.0f%% below detection)", e.Name, 100*float64(e.BelowDetection)/float64(n)))
				continue
			}
		}
		keep = append(keep, k)
	}
	return keep, left
}

// oxideElement returns the element of an oxide name ("Fe2O3" -> "Fe",
// "ZrO2" -> "Zr", "CaO" -> "Ca"), or "" when name is not an oxide.
func oxideElement(name string) string {
	r := []rune(name)
	if len(r) < 2 || !unicode.IsUpper(r[0]) {
		return ""
	}
	i := 1
	if unicode.IsLower(r[1]) {
		i = 2
	}
	rest := string(r[i:])
	rest = strings.TrimLeft(rest, "0123456789")
	if !strings.HasPrefix(rest, "O") || (len(rest) > 1 && unicode.IsLower(rune(rest[1]))) {
		return ""
	}
	return string(r[:i])
}

// subStack returns the layers keep of s as a new stack.
func subStack(s *grid.Stack, keep []int) *grid.Stack {
	if len(keep) == s.D() {
		return s
	}
	names := make([]string, len(keep))
	for i, k := range keep {
		names[i] = s.Names[k]
	}
	out := grid.NewStack(s.Geom, names)
	d, nd := s.D(), len(keep)
	for c := 0; c < s.Len(); c++ {
		for i, k := range keep {
			out.Data[c*nd+i] = s.Data[c*d+k]
		}
	}
	return out
}
