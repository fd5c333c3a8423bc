package survey

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"halo/core/grid"
)

// Options controls Read. The zero value (or a nil *Options) means defaults.
type Options struct {
	// Delimiter separates fields; 0 sniffs among ',', ';' and tab from the
	// first lines. With ';' or tab a decimal comma ("1,2") is read as 1.2.
	Delimiter rune
	// XColumn and YColumn name the coordinate columns; "" detects them from
	// the header: x/y, X/Y, XCOO/YCOO, UTM_X/UTM_Y, east*/north*, X_*/Y_*,
	// then lon*/long*/lng and lat* (metre columns win when both exist).
	XColumn, YColumn string
	// Coordinates is "metres", "degrees" (XColumn = longitude) or "" to
	// detect: lon/lat names, or X/Y values all within [-180,180] x
	// [-90,90] with a spread under 20 degrees and not all integers.
	Coordinates string
	// NoUnit is the unit of element columns whose header has none: "" is
	// the RGNR convention (oxides wt% -> "pct"; Au, Ag, Hg "ppb"; others
	// "ppm"), or one of "ppm", "ppb", "pct" for all of them.
	NoUnit string
	// Units overrides the unit of single elements, element name -> "ppm",
	// "ppb" or "pct"; it wins over the header.
	Units map[string]string
	// DetectionFactor replaces a below-detection value by factor x limit;
	// 0 means 0.65 (zCompositions multRepl default).
	DetectionFactor float64
	// MaxMissing drops an element missing in more than this share of
	// samples; 0 means 0.5, 1 keeps every element that has a value.
	MaxMissing float64
	// Elements keeps only these elements (names as "Cu", "SiO2", case
	// ignored); nil keeps all found.
	Elements []string
	// NoLattice never takes the samples as a ready grid, even when they lie
	// on a regular lattice or carry row/col columns.
	NoLattice bool
}

// Samples is a survey read by Read. X, Y, Lon, Lat, Cell, Line and each
// Element's Values have one entry per sample, in file order (rows without
// coordinates are skipped).
type Samples struct {
	X, Y     []float64 // metres (projected when the input was degrees)
	Lon, Lat []float64 // degrees when the input had them, else nil
	Line     []int     // input line of each sample (header = line 1)
	Elements []Element // kept elements, in header order
	Dropped  []Dropped // element columns not kept, and why
	Ignored  []string  // non-element columns (IDs, dates, text, descriptors, lon/lat beside x/y, row/col)
	// XColumn and YColumn are the headers of the coordinate columns used.
	XColumn, YColumn string
	// Projection turned degrees into X, Y; nil when the input was metres.
	Projection *Projection
	// Lattice is non-nil when the samples already form a regular grid
	// (row/col columns, or x,y on a regular lattice): use it as the grid, no
	// interpolation. Cell holds the flat cell index (row 0 = south) of each
	// sample; no two samples share a cell.
	Lattice  *grid.Geom
	Cell     []int
	Warnings []string
}

// Element is one kept element or oxide column.
type Element struct {
	Name   string // canonical element or oxide: "Cu", "SiO2", "Fe2O3T" (total iron)
	Column string // header as written, "Cu_ppm"
	Unit   string // unit of the column as read or as defaulted: "ppm", "ppb" or "pct"
	// Values are in ppm (oxides stay oxides: Fe2O3 in ppm of Fe2O3); NaN is
	// missing; below-detection values are already replaced by
	// DetectionFactor x limit.
	Values []float64
	// BelowDetection counts replaced values, Missing the NaN values,
	// AboveLimit the ">v" values taken as v. Zeros counts the zero values,
	// read as below an unknown limit (included in BelowDetection).
	BelowDetection, Missing, AboveLimit, Zeros int
}

// Dropped is an element column that was not kept.
type Dropped struct {
	Name   string // column header
	Reason string // e.g. "missing in 83% of samples"
}

// Defaults.
const (
	defaultDetectionFactor = 0.65
	defaultMaxMissing      = 0.5
	// degreeSpread is the largest extent, in degrees, of X/Y values taken for
	// degrees without lon/lat names.
	degreeSpread = 20.0
)

// column roles.
const (
	roleIgnored = iota
	roleX
	roleY
	roleLon // auxiliary longitude beside metre x
	roleLat
	roleRow
	roleCol
	roleElement
	roleUnnamed
)

// elemCol accumulates one element column while streaming.
type elemCol struct {
	idx       int
	hd        header
	vals      []float64
	kinds     []cellKind
	nText     int
	textLine  int
	textValue string
}

// reader holds the state of one Read.
type reader struct {
	opt     Options
	in      *input
	roles   []int
	xi, yi  int
	loni    int // auxiliary lon/lat columns (-1 when absent)
	lati    int
	rowi    int
	coli    int
	degrees int // 1 degrees, -1 metres, 0 detect
	elems   []*elemCol
	unnamed map[int]int // unnamed column -> first line holding a value
	s       *Samples
	x, y    []float64
	aux     [2][]float64
	auxBad  bool
	rows    []int
	cols    []int
	rcBad   bool
	skipped int
	skip1   int
}

// Read reads a survey CSV: a header, then one sample per row with its
// coordinates and element concentrations. See the package documentation for
// the rules. opt may be nil.
func Read(r io.Reader, opt *Options) (*Samples, error) {
	rd := &reader{s: &Samples{}}
	if opt != nil {
		rd.opt = *opt
	}
	if err := rd.checkOptions(); err != nil {
		return nil, err
	}
	in, err := open(r, rd.opt.Delimiter)
	if err != nil {
		return nil, err
	}
	rd.in = in
	if err := rd.classify(); err != nil {
		return nil, err
	}
	if err := rd.stream(); err != nil {
		return nil, err
	}
	if err := rd.finish(); err != nil {
		return nil, err
	}
	return rd.s, nil
}

func validUnit(u string) bool { return u == unitPPM || u == unitPPB || u == unitPct }

func (rd *reader) checkOptions() error {
	o := &rd.opt
	if o.DetectionFactor == 0 {
		o.DetectionFactor = defaultDetectionFactor
	}
	if o.MaxMissing == 0 {
		o.MaxMissing = defaultMaxMissing
	}
	switch {
	case !(o.DetectionFactor > 0) || o.DetectionFactor > 1:
		return fmt.Errorf("%w: DetectionFactor %v must lie in (0, 1]", ErrOptions, o.DetectionFactor)
	case !(o.MaxMissing > 0) || o.MaxMissing > 1:
		return fmt.Errorf("%w: MaxMissing %v must lie in (0, 1]", ErrOptions, o.MaxMissing)
	case o.NoUnit != "" && !validUnit(o.NoUnit):
		return fmt.Errorf("%w: NoUnit %q: want \"ppm\", \"ppb\", \"pct\" or \"\"", ErrOptions, o.NoUnit)
	}
	for el, u := range o.Units {
		if !validUnit(u) {
			return fmt.Errorf("%w: Units[%q] = %q: want \"ppm\", \"ppb\" or \"pct\"", ErrOptions, el, u)
		}
	}
	switch strings.ToLower(o.Coordinates) {
	case "":
	case "metres", "meters", "m":
		rd.degrees = -1
	case "degrees", "deg":
		rd.degrees = 1
	default:
		return fmt.Errorf("%w: Coordinates %q: want \"metres\", \"degrees\" or \"\"", ErrOptions, o.Coordinates)
	}
	return nil
}

// findColumn returns the column named name (exactly, else ignoring case).
func findColumn(h []string, name string) int {
	if i := slices.Index(h, name); i >= 0 {
		return i
	}
	for i, c := range h {
		if strings.EqualFold(c, name) {
			return i
		}
	}
	return -1
}

// coordPair chooses the coordinate columns of header h. It returns -1s when
// none is found; lonlat tells that the pair are longitude and latitude.
func coordPair(h []string) (xi, yi int, lonlat bool) {
	type cand struct {
		i     int
		class int
		key   string
	}
	var cs []cand
	for i, name := range h {
		if c, k := coordClass(name); c != coordNone {
			cs = append(cs, cand{i, c, k})
		}
	}
	// x/y of one key, key "" first, then "coo", then the others in header
	// order; the y of the same letter case as x wins.
	var keys []string
	for _, c := range cs {
		if c.class == coordX && !slices.Contains(keys, c.key) {
			keys = append(keys, c.key)
		}
	}
	slices.SortStableFunc(keys, func(a, b string) int {
		rank := func(k string) int {
			switch k {
			case "":
				return 0
			case "coo":
				return 1
			}
			return 2
		}
		return rank(a) - rank(b)
	})
	for _, k := range keys {
		xi, yi = -1, -1
		for _, c := range cs {
			if c.class == coordX && c.key == k && xi < 0 {
				xi = c.i
			}
		}
		for _, c := range cs {
			if c.class == coordY && c.key == k {
				if yi < 0 || caseStyle(h[c.i]) == caseStyle(h[xi]) && caseStyle(h[yi]) != caseStyle(h[xi]) {
					yi = c.i
				}
			}
		}
		if yi >= 0 {
			return xi, yi, false
		}
	}
	xi, yi = -1, -1
	for _, c := range cs {
		if c.class == coordLon && xi < 0 {
			xi = c.i
		}
		if c.class == coordLat && yi < 0 {
			yi = c.i
		}
	}
	if xi >= 0 && yi >= 0 {
		return xi, yi, true
	}
	return -1, -1, false
}

// classify gives every column a role.
func (rd *reader) classify() error {
	h := rd.in.header
	rd.roles = make([]int, len(h))
	rd.loni, rd.lati, rd.rowi, rd.coli = -1, -1, -1, -1
	o := &rd.opt
	if o.XColumn != "" || o.YColumn != "" {
		if o.XColumn == "" || o.YColumn == "" {
			return fmt.Errorf("%w: give both XColumn and YColumn", ErrOptions)
		}
		rd.xi, rd.yi = findColumn(h, o.XColumn), findColumn(h, o.YColumn)
		for _, c := range [][2]any{{rd.xi, o.XColumn}, {rd.yi, o.YColumn}} {
			if c[0].(int) < 0 {
				return fmt.Errorf("%w: no column %q in the header %s", ErrNoCoordinates, c[1], headerList(h))
			}
		}
		if rd.xi == rd.yi {
			return fmt.Errorf("%w: XColumn and YColumn name the same column", ErrOptions)
		}
		if rd.degrees == 0 {
			cx, _ := coordClass(h[rd.xi])
			cy, _ := coordClass(h[rd.yi])
			if cx == coordLon || cy == coordLat {
				rd.degrees = 1
			}
		}
	} else {
		var lonlat bool
		rd.xi, rd.yi, lonlat = coordPair(h)
		if rd.xi < 0 {
			if len(h) == 1 {
				return fmt.Errorf("%w: the header is one column (%s): is the delimiter one of , ; or tab? halo reads those; save the file with one of them between values",
					ErrNoCoordinates, headerList(h))
			}
			return fmt.Errorf("%w: no x/y, easting/northing, XCOO/YCOO or lon/lat columns in the header %s; choose the x and y columns (column preview, or x_column and y_column in the config)",
				ErrNoCoordinates, headerList(h))
		}
		if lonlat && rd.degrees == 0 {
			rd.degrees = 1
		}
	}
	rd.roles[rd.xi], rd.roles[rd.yi] = roleX, roleY
	cx, _ := coordClass(h[rd.xi])
	for i, name := range h {
		if rd.roles[i] != roleIgnored {
			continue
		}
		if name == "" {
			rd.roles[i] = roleUnnamed
			continue
		}
		switch c, _ := coordClass(name); c {
		case coordLon:
			if rd.loni < 0 && cx != coordLon {
				rd.loni, rd.roles[i] = i, roleLon
			}
			continue
		case coordLat:
			if rd.lati < 0 && cx != coordLon {
				rd.lati, rd.roles[i] = i, roleLat
			}
			continue
		case coordRow:
			if rd.rowi < 0 {
				rd.rowi, rd.roles[i] = i, roleRow
			}
			continue
		case coordCol:
			if rd.coli < 0 {
				rd.coli, rd.roles[i] = i, roleCol
			}
			continue
		case coordX:
			continue // an unused coordinate column is not an element
		}
		if hd := parseHeader(name); hd.element != "" {
			rd.roles[i] = roleElement
			rd.elems = append(rd.elems, &elemCol{idx: i, hd: hd})
		}
	}
	if (rd.loni < 0) != (rd.lati < 0) {
		for _, i := range []int{rd.loni, rd.lati} {
			if i >= 0 {
				rd.roles[i] = roleIgnored
			}
		}
		rd.loni, rd.lati = -1, -1
	}
	if (rd.rowi < 0) != (rd.coli < 0) || rd.opt.NoLattice {
		rd.rowi, rd.coli = -1, -1
	}
	if len(rd.elems) == 0 {
		return fmt.Errorf("%w: no header names an element or oxide (Cu, Cu_ppm, \"Au (ppb)\", SiO2_pct ...) in %s",
			ErrNoElements, headerList(h))
	}
	for i, name := range h {
		if rd.roles[i] != roleX && rd.roles[i] != roleY && rd.roles[i] != roleElement && name != "" {
			rd.s.Ignored = append(rd.s.Ignored, name)
		}
	}
	rd.s.XColumn, rd.s.YColumn = h[rd.xi], h[rd.yi]
	return nil
}

// headerList quotes the first names of h for an error message.
func headerList(h []string) string {
	const max = 12
	q := make([]string, 0, max+1)
	for i, name := range h {
		if i == max {
			q = append(q, "...")
			break
		}
		q = append(q, strconv.Quote(name))
	}
	return "[" + strings.Join(q, " ") + "]"
}

func field(rec []string, i int) string {
	if i >= 0 && i < len(rec) {
		return rec[i]
	}
	return ""
}

// stream reads the data rows.
func (rd *reader) stream() error {
	cr, h := rd.in.cr, rd.in.header
	decComma := rd.in.delim != ','
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return &ParseError{Line: pe.StartLine, Err: pe.Err, Hint: "check the quotes of this row"}
			}
			return err
		}
		line, _ := cr.FieldPos(0)
		blank := true
		for _, f := range rec {
			if strings.TrimSpace(f) != "" {
				blank = false
				break
			}
		}
		if blank {
			continue
		}
		for j := len(h); j < len(rec); j++ {
			if strings.TrimSpace(rec[j]) != "" {
				hint := "a delimiter inside a value? quote the value"
				if rd.in.delim == ',' {
					hint = "decimal comma? choose ';' as delimiter, or quote the values"
				}
				return &ParseError{Line: line, Err: fmt.Errorf("%w: %d values, %d columns", ErrFieldCount, len(rec), len(h)), Hint: hint}
			}
		}
		// Coordinates.
		var xy [2]float64
		missing := false
		for k, ci := range []int{rd.xi, rd.yi} {
			s := field(rec, ci)
			v, miss, ok := parseCoord(s, decComma)
			if !ok {
				return &ParseError{Line: line, Column: h[ci], Value: s, Err: ErrNotNumber, Hint: numberHint(s, rd.in.delim)}
			}
			missing = missing || miss
			xy[k] = v
		}
		if missing {
			if rd.skipped == 0 {
				rd.skip1 = line
			}
			rd.skipped++
			continue
		}
		rd.x = append(rd.x, xy[0])
		rd.y = append(rd.y, xy[1])
		rd.s.Line = append(rd.s.Line, line)
		if rd.loni >= 0 {
			for k, ci := range []int{rd.loni, rd.lati} {
				v, miss, ok := parseCoord(field(rec, ci), decComma)
				if !ok || miss {
					rd.auxBad = true
				}
				rd.aux[k] = append(rd.aux[k], v)
			}
		}
		if rd.rowi >= 0 {
			for k, ci := range []int{rd.rowi, rd.coli} {
				v, err := strconv.Atoi(strings.TrimSpace(field(rec, ci)))
				if err != nil || v < -latticeMaxCells || v > latticeMaxCells {
					rd.rcBad = true
				}
				if k == 0 {
					rd.rows = append(rd.rows, v)
				} else {
					rd.cols = append(rd.cols, v)
				}
			}
		}
		for _, e := range rd.elems {
			s := field(rec, e.idx)
			v, k := parseCell(s, decComma)
			if k == cellText {
				if e.nText == 0 {
					e.textLine, _ = cr.FieldPos(min(e.idx, len(rec)-1))
					e.textValue = strings.Clone(s)
				}
				e.nText++
			}
			e.vals = append(e.vals, v)
			e.kinds = append(e.kinds, k)
		}
		for i, role := range rd.roles {
			if role == roleUnnamed && i < len(rec) && strings.TrimSpace(rec[i]) != "" {
				if rd.unnamed == nil {
					rd.unnamed = map[int]int{}
				}
				if _, ok := rd.unnamed[i]; !ok {
					rd.unnamed[i] = line
				}
			}
		}
	}
}

func (rd *reader) warnf(format string, a ...any) {
	rd.s.Warnings = append(rd.s.Warnings, fmt.Sprintf(format, a...))
}

// finish turns the streamed columns into Samples.
func (rd *reader) finish() error {
	s, h := rd.s, rd.in.header
	n := len(rd.x)
	if n == 0 {
		if rd.skipped > 0 {
			return fmt.Errorf("%w: none of the %d rows has values in both %q and %q", ErrNoCoordinates, rd.skipped, h[rd.xi], h[rd.yi])
		}
		return fmt.Errorf("%w: a header but no data rows", ErrEmpty)
	}
	if len(rd.unnamed) > 0 {
		i := slices.Min(slices.Collect(maps.Keys(rd.unnamed)))
		return &ParseError{Line: rd.unnamed[i], Err: fmt.Errorf("%w: column %d has no name but holds values", ErrHeader, i+1), Hint: "name it in the header"}
	}
	if rd.skipped > 0 {
		rd.warnf("%d rows skipped: no value in %q or %q (first at line %d)", rd.skipped, h[rd.xi], h[rd.yi], rd.skip1)
	}
	if err := rd.coordinates(); err != nil {
		return err
	}
	if n == 1 {
		return fmt.Errorf("%w: only 1 sample: halo needs samples spread over an area", ErrEmpty)
	}
	if err := rd.elements(); err != nil {
		return err
	}
	if s.Projection == nil && rd.rowi >= 0 && rd.rcBad {
		rd.warnf("columns %q and %q hold values that are not whole numbers: ignored", h[rd.rowi], h[rd.coli])
	}
	if s.Projection == nil && !rd.opt.NoLattice {
		hasRC := rd.rowi >= 0 && !rd.rcBad
		lt, warn, err := detectLattice(s.X, s.Y, rd.rows, rd.cols, hasRC, s.Line, [2]string{field(h, rd.rowi), field(h, rd.coli)})
		if warn != "" {
			rd.warnf("%s", warn)
		}
		if err != nil {
			return err
		}
		if lt != nil {
			g := lt.geom
			s.Lattice = &g
			s.Cell = make([]int, n)
			for i := range s.Cell {
				s.Cell[i] = lt.row[i]*g.Cols + lt.col[i]
			}
		}
	} else if s.Projection != nil && rd.rowi >= 0 {
		rd.warnf("columns %q and %q ignored: projected degrees do not keep a regular grid, the samples will be interpolated", h[rd.rowi], h[rd.coli])
	}
	return nil
}

// coordinates decides metres or degrees, checks ranges and projects.
func (rd *reader) coordinates() error {
	s, h := rd.s, rd.in.header
	n := len(rd.x)
	xmin, xmax := slices.Min(rd.x), slices.Max(rd.x)
	ymin, ymax := slices.Min(rd.y), slices.Max(rd.y)
	inDeg := func(lo, hi, lim float64) bool { return lo >= -lim && hi <= lim && hi-lo <= degreeSpread }
	integers := true
	for i := range rd.x {
		if rd.x[i] != math.Trunc(rd.x[i]) || rd.y[i] != math.Trunc(rd.y[i]) {
			integers = false
			break
		}
	}
	if rd.degrees == 0 {
		switch {
		case inDeg(xmin, xmax, 180) && inDeg(ymin, ymax, 90) && !integers:
			rd.degrees = 1
			rd.warnf("coordinates %q, %q read as longitude, latitude in degrees (all within ±180, ±90 and %.2g° x %.2g° wide); set coordinates to \"metres\" (config) if they are metres",
				h[rd.xi], h[rd.yi], xmax-xmin, ymax-ymin)
		case inDeg(xmin, xmax, 90) && inDeg(ymin, ymax, 180) && !integers:
			return fmt.Errorf("%w: %q holds %g..%g and %q holds %g..%g: degrees with the latitude first? columns swapped? choose x column %q and y column %q, or set coordinates to \"metres\" (config)",
				ErrCoordinates, h[rd.xi], xmin, xmax, h[rd.yi], ymin, ymax, h[rd.yi], h[rd.xi])
		default:
			rd.degrees = -1
			if integers && inDeg(xmin, xmax, 180) && inDeg(ymin, ymax, 90) && xmax-xmin >= 2 && ymax-ymin >= 2 {
				rd.warnf("coordinates %q, %q read as metres, so the survey is only %g x %g m wide: if they are whole degrees, set coordinates to \"degrees\" (config)",
					h[rd.xi], h[rd.yi], xmax-xmin, ymax-ymin)
			}
		}
	}
	if rd.degrees < 0 {
		s.X, s.Y = rd.x, rd.y
		if rd.loni >= 0 && !rd.auxBad {
			s.Lon, s.Lat = rd.aux[0], rd.aux[1]
			for i := range s.Lon {
				if math.Abs(s.Lon[i]) > 180 || math.Abs(s.Lat[i]) > 90 {
					s.Lon, s.Lat = nil, nil
					rd.warnf("columns %q, %q are not longitude, latitude in degrees: ignored", h[rd.loni], h[rd.lati])
					break
				}
			}
		}
		return nil
	}
	// Degrees: check ranges, then project with the UTM zone of the mean.
	swapHint := ""
	if xmin >= -90 && xmax <= 90 {
		swapHint = "columns swapped?"
	}
	var mlon, mlat float64
	for i := range n {
		if math.Abs(rd.x[i]) > 180 {
			return &ParseError{Line: s.Line[i], Column: h[rd.xi], Value: strconv.FormatFloat(rd.x[i], 'g', -1, 64),
				Err: fmt.Errorf("%w: longitude out of range [-180, 180]", ErrCoordinates), Hint: "metres? set coordinates to \"metres\" (config)"}
		}
		if math.Abs(rd.y[i]) > 90 {
			hint := swapHint
			if hint == "" {
				hint = "metres? set coordinates to \"metres\" (config)"
			}
			return &ParseError{Line: s.Line[i], Column: h[rd.yi], Value: strconv.FormatFloat(rd.y[i], 'g', -1, 64),
				Err: fmt.Errorf("%w: latitude %g out of range [-90, 90]", ErrCoordinates, rd.y[i]), Hint: hint}
		}
		mlon += rd.x[i]
		mlat += rd.y[i]
	}
	mlon /= float64(n)
	mlat /= float64(n)
	p := UTM(mlon, mlat)
	s.Projection = p
	s.Lon, s.Lat = rd.x, rd.y
	s.X, s.Y = make([]float64, n), make([]float64, n)
	for i := range n {
		s.X[i], s.Y[i] = p.Forward(rd.x[i], rd.y[i])
	}
	if xmax-xmin > 6 {
		rd.warnf("the survey spans %.1f° of longitude, more than one UTM zone: projected to zone %d anyway (distortion grows away from %g°)", xmax-xmin, p.Zone, p.Lon0)
	}
	return nil
}

// elements converts units, replaces below-detection values and drops
// columns.
func (rd *reader) elements() error {
	s, h, o := rd.s, rd.in.header, &rd.opt
	n := len(rd.x)
	var defaulted []string
	type kept struct {
		el  Element
		col int
	}
	var keep []kept
	for _, e := range rd.elems {
		name := h[e.idx]
		nonMissing := 0
		for _, k := range e.kinds {
			if k != cellMissing {
				nonMissing++
			}
		}
		if e.nText > 0 {
			if 2*e.nText > nonMissing {
				rd.warnf("column %q is mostly text (%d of %d values): not an element, ignored", name, e.nText, nonMissing)
				s.Ignored = append(s.Ignored, name)
				continue
			}
			return &ParseError{Line: e.textLine, Column: name, Value: e.textValue, Err: ErrNotNumber, Hint: numberHint(e.textValue, rd.in.delim)}
		}
		if o.Elements != nil && !slices.ContainsFunc(o.Elements, func(w string) bool { return strings.EqualFold(w, e.hd.element) }) {
			s.Dropped = append(s.Dropped, Dropped{name, "not among the chosen elements"})
			continue
		}
		unit := e.hd.unit
		if u, ok := o.Units[e.hd.element]; ok {
			if unit != "" && unit != u {
				rd.warnf("column %q: unit %s chosen by the user replaces %s from the header", name, u, unit)
			}
			unit = u
		} else if unit == "" && e.hd.ambiguous != "" {
			s.Dropped = append(s.Dropped, Dropped{name, fmt.Sprintf("unit %q is ambiguous (parts per thousand or per trillion?): choose the unit of %q (column preview, or units in the config)", e.hd.ambiguous, e.hd.element)})
			rd.warnf("column %q dropped: unit %q is ambiguous; choose the unit of %q (column preview, or units in the config)", name, e.hd.ambiguous, e.hd.element)
			continue
		} else if unit == "" {
			unit = o.NoUnit
			if unit == "" {
				unit = rgnrUnit(e.hd.element, e.hd.oxide)
				defaulted = append(defaulted, name)
			}
		}
		f := unitFactor(unit)
		el := Element{Name: e.hd.element, Column: name, Unit: unit, Values: make([]float64, n)}
		minPos := math.Inf(1)
		for i, k := range e.kinds {
			if k == cellValue && e.vals[i] > 0 {
				minPos = min(minPos, e.vals[i])
			}
		}
		for i, k := range e.kinds {
			v := e.vals[i]
			if k == cellValue && v == 0 {
				k = cellBelowNoLimit
				el.Zeros++
			}
			switch k {
			case cellValue:
				el.Values[i] = v * f
			case cellAbove:
				el.Values[i] = v * f
				el.AboveLimit++
			case cellBelow:
				el.Values[i] = o.DetectionFactor * v * f
				el.BelowDetection++
			case cellBelowNoLimit:
				if math.IsInf(minPos, 1) {
					el.Values[i] = math.NaN()
					el.Missing++
				} else {
					el.Values[i] = o.DetectionFactor * minPos * f
					el.BelowDetection++
				}
			default:
				el.Values[i] = math.NaN()
				el.Missing++
			}
		}
		share := float64(el.Missing) / float64(n)
		switch {
		case el.Missing == n:
			s.Dropped = append(s.Dropped, Dropped{name, "no values"})
			continue
		case share > o.MaxMissing:
			reason := fmt.Sprintf("missing in %.0f%% of samples", 100*share)
			s.Dropped = append(s.Dropped, Dropped{name, reason})
			rd.warnf("column %q dropped: %s (more than %.0f%% missing; config max_missing)", name, reason, 100*o.MaxMissing)
			continue
		}
		if c, ok := constant(el.Values); ok {
			s.Dropped = append(s.Dropped, Dropped{name, fmt.Sprintf("constant (every value %g ppm)", c)})
			continue
		}
		if el.Zeros > 0 {
			rd.warnf("column %q: %d zero values read as below detection (%g x the smallest positive value)", name, el.Zeros, o.DetectionFactor)
		}
		if el.AboveLimit > 0 {
			rd.warnf("column %q: %d values above the upper limit ('>') taken at the limit", name, el.AboveLimit)
		}
		keep = append(keep, kept{el, e.idx})
	}
	// One column per element: the one with fewest missing values wins.
	for i := 0; i < len(keep); i++ {
		for j := i + 1; j < len(keep); j++ {
			if keep[i].el.Name != keep[j].el.Name {
				continue
			}
			w, l := i, j
			if keep[j].el.Missing < keep[i].el.Missing {
				w, l = j, i
			}
			s.Dropped = append(s.Dropped, Dropped{keep[l].el.Column, fmt.Sprintf("duplicate of column %q (which has fewer missing values)", keep[w].el.Column)})
			rd.warnf("column %q dropped: %s is also in column %q", keep[l].el.Column, keep[l].el.Name, keep[w].el.Column)
			keep = slices.Delete(keep, l, l+1)
			if l == i {
				i--
				break
			}
			j--
		}
	}
	for _, k := range keep {
		s.Elements = append(s.Elements, k.el)
	}
	for _, want := range o.Elements {
		if !slices.ContainsFunc(rd.elems, func(e *elemCol) bool { return strings.EqualFold(e.hd.element, want) }) {
			rd.warnf("element %q was chosen but is not in the header", want)
		}
	}
	if len(defaulted) > 0 {
		rd.warnf("%d element columns have no unit in the header (%s): assumed the RGNR convention (oxides wt%%, Au Ag Hg ppb, others ppm); change them in the column preview (config no_unit, units) if wrong",
			len(defaulted), shortList(defaulted, 6))
	}
	if len(s.Elements) == 0 && len(s.Dropped) == 0 {
		return fmt.Errorf("%w: the element columns hold text, not numbers (see the warnings)", ErrNoElements)
	}
	if len(s.Elements) == 0 {
		return fmt.Errorf("%w: all %d element columns were dropped (first: %s: %s)", ErrNoElements, len(s.Dropped), s.Dropped[0].Name, s.Dropped[0].Reason)
	}
	return nil
}

// constant reports whether the finite values of v are all equal.
func constant(v []float64) (float64, bool) {
	c := math.NaN()
	for _, x := range v {
		if math.IsNaN(x) {
			continue
		}
		if math.IsNaN(c) {
			c = x
		} else if x != c {
			return 0, false
		}
	}
	return c, true
}

func shortList(s []string, n int) string {
	if len(s) <= n {
		return strings.Join(s, " ")
	}
	return strings.Join(s[:n], " ") + " ..."
}
