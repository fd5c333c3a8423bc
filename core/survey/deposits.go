package survey

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Deposit is a known mineral occurrence at (X, Y) metres.
type Deposit struct {
	X, Y      float64
	Name      string
	Commodity string
}

// pointTable is a small CSV of positions read whole (deposit and target
// files have tens to thousands of rows).
type pointTable struct {
	header []string
	xi, yi int
	deg    bool
	rows   [][]string
	x, y   []float64
	lines  []int
	delim  rune
}

// readPoints reads a CSV of positions: metre columns (x/y, easting/
// northing, XCOO/YCOO ...) are preferred over lon/lat.
func readPoints(r io.Reader, opt *Options) (*pointTable, error) {
	var o Options
	if opt != nil {
		o = *opt
	}
	in, err := open(r, o.Delimiter)
	if err != nil {
		return nil, err
	}
	t := &pointTable{header: in.header, delim: in.delim}
	h := in.header
	lonlat := false
	if o.XColumn != "" || o.YColumn != "" {
		t.xi, t.yi = findColumn(h, o.XColumn), findColumn(h, o.YColumn)
		if t.xi < 0 || t.yi < 0 {
			return nil, fmt.Errorf("%w: no columns %q and %q in the header %s", ErrNoCoordinates, o.XColumn, o.YColumn, headerList(h))
		}
		c, _ := coordClass(h[t.xi])
		lonlat = c == coordLon
	} else {
		t.xi, t.yi, lonlat = coordPair(h)
		if t.xi < 0 {
			return nil, fmt.Errorf("%w: no x/y, easting/northing or lon/lat columns in the header %s", ErrNoCoordinates, headerList(h))
		}
	}
	decComma := in.delim != ','
	var xs, ys []float64
	for {
		rec, err := in.cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &ParseError{Line: pe.StartLine, Err: pe.Err, Hint: "check the quotes of this row"}
			}
			return nil, err
		}
		line, _ := in.cr.FieldPos(0)
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		var xy [2]float64
		for k, ci := range []int{t.xi, t.yi} {
			s := field(rec, ci)
			v, miss, ok := parseCoord(s, decComma)
			if !ok || miss {
				hint := numberHint(s, in.delim)
				if miss {
					hint = "every row needs a position"
				}
				return nil, &ParseError{Line: line, Column: h[ci], Value: s, Err: ErrNotNumber, Hint: hint}
			}
			xy[k] = v
		}
		xs, ys = append(xs, xy[0]), append(ys, xy[1])
		t.rows = append(t.rows, slices.Clone(rec))
		t.lines = append(t.lines, line)
	}
	if len(t.rows) == 0 {
		return nil, fmt.Errorf("%w: a header but no rows", ErrEmpty)
	}
	switch strings.ToLower(o.Coordinates) {
	case "degrees", "deg":
		t.deg = true
	case "metres", "meters", "m":
	case "":
		if lonlat {
			t.deg = true
		} else {
			t.deg = true
			for i := range xs {
				if math.Abs(xs[i]) > 180 || math.Abs(ys[i]) > 90 || (xs[i] == math.Trunc(xs[i]) && ys[i] == math.Trunc(ys[i])) {
					t.deg = false
					break
				}
			}
		}
	default:
		return nil, fmt.Errorf("%w: Coordinates %q: want \"metres\", \"degrees\" or \"\"", ErrOptions, o.Coordinates)
	}
	if t.deg {
		for i := range xs {
			if math.Abs(ys[i]) > 90 || math.Abs(xs[i]) > 180 {
				hint := ""
				if math.Abs(xs[i]) <= 90 {
					hint = "columns swapped?"
				}
				return nil, &ParseError{Line: t.lines[i], Column: h[t.yi], Value: strconv.FormatFloat(ys[i], 'g', -1, 64),
					Err: fmt.Errorf("%w: latitude %g or longitude %g out of range", ErrCoordinates, ys[i], xs[i]), Hint: hint}
			}
		}
	}
	t.x, t.y = xs, ys
	return t, nil
}

// project returns the positions of t in metres, projecting degrees with p.
func (t *pointTable) project(p *Projection, what string) ([]float64, []float64, error) {
	if !t.deg {
		return t.x, t.y, nil
	}
	if p == nil {
		return nil, nil, fmt.Errorf("%w: the %s are in degrees (%q, %q) but the samples were in metres; give the %s in metres in the samples' projection, or the sample coordinates in degrees",
			ErrNoProjection, what, t.header[t.xi], t.header[t.yi], what)
	}
	x, y := make([]float64, len(t.x)), make([]float64, len(t.x))
	for i := range x {
		x[i], y[i] = p.Forward(t.x[i], t.y[i])
	}
	return x, y, nil
}

// pickColumn returns the first column whose lower-case name is one of
// exact, else the first containing one of part, else -1.
func pickColumn(h []string, skip []int, exact, part []string) int {
	for _, e := range exact {
		for i, name := range h {
			if !slices.Contains(skip, i) && strings.ToLower(name) == e {
				return i
			}
		}
	}
	for _, p := range part {
		for i, name := range h {
			if !slices.Contains(skip, i) && strings.Contains(strings.ToLower(name), p) {
				return i
			}
		}
	}
	return -1
}

// ReadDeposits reads known deposits: one point per row, positions in metre
// columns (x/y, X/Y, easting/northing, XCOO/YCOO) or lon/lat degrees;
// metre columns win when both exist. Degrees are projected with proj (the
// samples' Projection); with proj nil a file in degrees is an error
// (ErrNoProjection). X/Y columns are taken for degrees when every value lies
// within ±180, ±90 and not all are integers, unless opt.Coordinates says.
// Name is read from a name or title column (site_title, name, deposit,
// site_code, id ...), Commodity from a commodity column (the first whose name
// contains "commo"). Only opt's Delimiter, XColumn, YColumn and Coordinates
// are used; opt may be nil. A row without a position is a *ParseError.
func ReadDeposits(r io.Reader, proj *Projection, opt *Options) ([]Deposit, error) {
	t, err := readPoints(r, opt)
	if err != nil {
		return nil, err
	}
	x, y, err := t.project(proj, "deposits")
	if err != nil {
		return nil, err
	}
	skip := []int{t.xi, t.yi}
	ni := pickColumn(t.header, skip, []string{"name", "site_title", "title", "deposit", "deposit_name", "site_name",
		"prospect", "occurrence", "site_code", "code", "id"}, []string{"name", "title"})
	ci := pickColumn(t.header, skip, []string{"commodity", "commodities", "commod"}, []string{"commo"})
	d := make([]Deposit, len(x))
	for i := range d {
		d[i] = Deposit{X: x[i], Y: y[i]}
		if ni >= 0 {
			d[i].Name = strings.TrimSpace(field(t.rows[i], ni))
		}
		if ci >= 0 {
			d[i].Commodity = strings.TrimSpace(field(t.rows[i], ci))
		}
	}
	return d, nil
}

// Polygon is a closed ring of vertices in metres (the last vertex joins the
// first; it need not repeat it).
type Polygon struct {
	Name string
	X, Y []float64
}

// Contains reports whether (x, y) lies inside p by the even-odd rule. Points
// exactly on an edge may fall either way.
func (p *Polygon) Contains(x, y float64) bool {
	n := len(p.X)
	in := false
	for i, j := 0, n-1; i < n; j, i = i, i+1 {
		xi, yi, xj, yj := p.X[i], p.Y[i], p.X[j], p.Y[j]
		if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}

// ReadTargets reads target polygons: columns area (or name, polygon, id),
// vertex (optional: file order when absent) and x,y metres or lon/lat degrees
// (projected with proj, which must then be non-nil). One polygon per area
// value, in order of first appearance, vertices sorted by vertex. A polygon
// needs at least 3 vertices.
func ReadTargets(r io.Reader, proj *Projection) ([]Polygon, error) {
	t, err := readPoints(r, nil)
	if err != nil {
		return nil, err
	}
	x, y, err := t.project(proj, "target polygons")
	if err != nil {
		return nil, err
	}
	skip := []int{t.xi, t.yi}
	ai := pickColumn(t.header, skip, []string{"area", "polygon", "name", "target", "id", "poly", "ring"}, nil)
	vi := pickColumn(t.header, skip, []string{"vertex", "vertex_index", "vertex_id", "order", "seq", "point"}, nil)
	type vert struct {
		k    float64
		x, y float64
	}
	var names []string
	verts := map[string][]vert{}
	for i, rec := range t.rows {
		name := ""
		if ai >= 0 {
			name = strings.TrimSpace(field(rec, ai))
		}
		k := float64(i)
		if vi >= 0 {
			s := field(rec, vi)
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, &ParseError{Line: t.lines[i], Column: t.header[vi], Value: s, Err: ErrNotNumber, Hint: "vertex numbers order the vertices"}
			}
			k = v
		}
		if _, ok := verts[name]; !ok {
			names = append(names, name)
		}
		verts[name] = append(verts[name], vert{k, x[i], y[i]})
	}
	ps := make([]Polygon, 0, len(names))
	for _, name := range names {
		v := verts[name]
		slices.SortStableFunc(v, func(a, b vert) int {
			switch {
			case a.k < b.k:
				return -1
			case a.k > b.k:
				return 1
			}
			return 0
		})
		if len(v) < 3 {
			return nil, fmt.Errorf("%w: polygon %q has %d vertices, a polygon needs 3", ErrCoordinates, name, len(v))
		}
		p := Polygon{Name: name, X: make([]float64, len(v)), Y: make([]float64, len(v))}
		for i := range v {
			p.X[i], p.Y[i] = v[i].x, v[i].y
		}
		ps = append(ps, p)
	}
	return ps, nil
}
