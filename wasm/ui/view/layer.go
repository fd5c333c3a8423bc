package view

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"halo/core/grid"
	"halo/core/render/classify"
)

// Mode is how a score grid is coloured.
type Mode int

const (
	// Classes colours the cumulative-area classes (red, yellow, blue, then
	// light grey for the rest), the Fe paper's map.
	Classes Mode = iota
	// Continuous colours every cell by the percentile rank of its score on
	// the viridis colour map.
	Continuous
)

// ParseMode returns the Mode named "classes" or "continuous".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "classes":
		return Classes, nil
	case "continuous":
		return Continuous, nil
	}
	return 0, fmt.Errorf("view: unknown mode %q (want classes or continuous)", s)
}

func (m Mode) String() string {
	if m == Continuous {
		return "continuous"
	}
	return "classes"
}

// Layer is one score grid ready for instant reclassification.
type Layer struct {
	Name  string
	Geom  grid.Geom
	Score []float32 // Geom.Len() values, row 0 south, NaN or ±Inf = no data

	// Sorted holds the finite scores in ascending order.
	Sorted []float32

	rank []float32 // percentile rank of each cell in [0, 1], NaN = no data; built on first use
}

// NewLayer returns the layer of score on g, sorting a copy of its finite
// values. It keeps score (no copy). It returns an error if g is not a valid
// geometry or score does not have g.Len() values: both come from the page.
func NewLayer(name string, g grid.Geom, score []float32) (*Layer, error) {
	if err := CheckGeom(g); err != nil {
		return nil, err
	}
	if len(score) != g.Len() {
		return nil, fmt.Errorf("view: layer %q has %d scores, the grid %d x %d needs %d", name, len(score), g.Cols, g.Rows, g.Len())
	}
	sorted := make([]float32, 0, len(score))
	for _, v := range score {
		if classify.Finite(v) {
			sorted = append(sorted, v)
		}
	}
	slices.Sort(sorted)
	return &Layer{Name: name, Geom: g, Score: score, Sorted: sorted}, nil
}

// CheckGeom returns an error unless g has a positive size and finite origin.
func CheckGeom(g grid.Geom) error {
	if g.Cols <= 0 || g.Rows <= 0 || !(g.Cell > 0) || !(g.Height() > 0) ||
		math.IsInf(g.Cell, 0) || math.IsInf(g.Height(), 0) ||
		math.IsNaN(g.X0) || math.IsNaN(g.Y0) || math.IsInf(g.X0, 0) || math.IsInf(g.Y0, 0) {
		return errors.New("view: the grid needs positive cols, rows and cell size and a finite origin")
	}
	if g.Cols > 1<<14 || g.Rows > 1<<14 || g.Cols*g.Rows > 1<<26 {
		return fmt.Errorf("view: grid %d x %d is too large to show", g.Cols, g.Rows)
	}
	return nil
}

// Cuts returns in dst the score cut-offs of the cumulative-area classes tops
// (percent of the cells with data, strictly increasing within (0, 100]),
// looked up in the sorted scores: cut k is the lowest of the
// ceil(tops[k]/100 * n) highest scores, exactly classify.Cuts. The cuts are
// NaN when the layer has no data. If dst is nil it is allocated.
//
// Cuts panics if tops are not valid or len(dst) != len(tops).
func (l *Layer) Cuts(dst []float32, tops []float64) []float32 {
	if err := CheckTops(tops); err != nil {
		panic("view: invalid tops")
	}
	if dst == nil {
		dst = make([]float32, len(tops))
	}
	if len(dst) != len(tops) {
		panic("view: length mismatch")
	}
	n := len(l.Sorted)
	for k, p := range tops {
		if n == 0 {
			dst[k] = float32(math.NaN())
			continue
		}
		// the same slack as classify.Cuts: 5 % of 200 cells is 10 cells
		m := int(math.Ceil(p/100*float64(n) - 1e-9))
		m = max(1, min(m, n))
		dst[k] = l.Sorted[n-m]
	}
	return dst
}

// CheckTops returns an error unless tops increase strictly within (0, 100]
// and are at most 8: they come from the page's sliders.
func CheckTops(tops []float64) error {
	if len(tops) == 0 || len(tops) > 8 {
		return errors.New("view: give 1 to 8 class limits")
	}
	prev := 0.0
	for _, p := range tops {
		if !(p > prev) || p > 100 {
			return fmt.Errorf("view: class limits %v must increase strictly within (0, 100]", tops)
		}
		prev = p
	}
	return nil
}

// Percentile returns the percentile rank of v among the layer's finite
// scores in percent: 0 for the lowest, 100 for the highest, the mean rank
// for ties (classify.PercentileRank). It returns NaN if v is not finite or
// the layer has no data.
func (l *Layer) Percentile(v float32) float64 {
	if !classify.Finite(v) || len(l.Sorted) == 0 {
		return math.NaN()
	}
	return 100 * classify.PercentileRank(l.Sorted, v)
}

// ranks returns the percentile rank of every cell in [0, 1], computing it
// on first use.
func (l *Layer) ranks() []float32 {
	if l.rank != nil {
		return l.rank
	}
	l.rank = make([]float32, len(l.Score))
	for i, v := range l.Score {
		if !classify.Finite(v) {
			l.rank[i] = float32(math.NaN())
			continue
		}
		l.rank[i] = float32(classify.PercentileRank(l.Sorted, v))
	}
	return l.rank
}

// Paint writes the RGBA pixels (non-premultiplied is the same as
// premultiplied here: alpha is 0 or 255) of l into dst, 4*Cols*Rows bytes,
// image row 0 = the north grid row. In Classes mode the cells are coloured
// by the classes of cuts (from Cuts; ClassColor) and count, if not nil,
// receives the number of cells of each class, len(cuts)+1 values with the
// background last; in Continuous mode cuts and count are ignored and cells
// are coloured by percentile rank on viridis. Cells without data are
// transparent.
//
// Paint panics if len(dst) != 4*l.Geom.Len() or count has the wrong length.
func Paint(dst []byte, l *Layer, mode Mode, cuts []float32, count []int) {
	g := l.Geom
	if len(dst) != 4*g.Len() {
		panic("view: pixel buffer length mismatch")
	}
	if mode == Continuous {
		rank := l.ranks()
		for j := range g.Rows {
			r := g.Rows - 1 - j
			row := rank[r*g.Cols : (r+1)*g.Cols]
			px := dst[4*j*g.Cols : 4*(j+1)*g.Cols]
			for c, t := range row {
				if t != t { // NaN
					copy(px[4*c:4*c+4], []byte{0, 0, 0, 0})
					continue
				}
				col := classify.Viridis(float64(t))
				px[4*c], px[4*c+1], px[4*c+2], px[4*c+3] = col.R, col.G, col.B, 0xff
			}
		}
		return
	}
	if count != nil {
		if len(count) != len(cuts)+1 {
			panic("view: count length mismatch")
		}
		clear(count)
	}
	if len(cuts) > 8 {
		panic("view: too many classes")
	}
	var palette [9][4]byte
	for k := range len(cuts) + 1 {
		c := classify.ClassColor(k, len(cuts))
		palette[k] = [4]byte{c.R, c.G, c.B, 0xff}
	}
	for j := range g.Rows {
		r := g.Rows - 1 - j
		row := l.Score[r*g.Cols : (r+1)*g.Cols]
		px := dst[4*j*g.Cols : 4*(j+1)*g.Cols]
		for c, v := range row {
			if !classify.Finite(v) {
				copy(px[4*c:4*c+4], []byte{0, 0, 0, 0})
				continue
			}
			k := 0
			for k < len(cuts) && !(v >= cuts[k]) {
				k++
			}
			copy(px[4*c:4*c+4], palette[k][:])
			if count != nil {
				count[k]++
			}
		}
	}
}
