package grid

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// NoData is the value that stands for a NaN cell in formats that need a
// finite no-data value (ESRI ASCII grid).
const NoData = -9999

// WriteASCII writes g as an ESRI ASCII grid (.asc), north row first:
//
//	ncols         4
//	nrows         3
//	xllcorner     500000
//	yllcorner     2500000
//	cellsize      1000
//	NODATA_value  -9999
//	1.5 2 -9999 4
//	...
//
// Non-square cells are written as "dx" and "dy" instead of "cellsize", as
// GDAL reads and writes them. Values are written with the fewest digits that
// read back to the same float32; NaN and ±Inf are written as NoData. A
// finite cell equal to NoData reads back as no data.
func WriteASCII(w io.Writer, g *Grid) error {
	g.check()
	if len(g.Data) != g.Len() {
		panic("grid: data length mismatch")
	}
	bw := bufio.NewWriter(w)
	f64 := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	fmt.Fprintf(bw, "ncols         %d\n", g.Cols)
	fmt.Fprintf(bw, "nrows         %d\n", g.Rows)
	fmt.Fprintf(bw, "xllcorner     %s\n", f64(g.X0))
	fmt.Fprintf(bw, "yllcorner     %s\n", f64(g.Y0))
	if g.Height() == g.Cell {
		fmt.Fprintf(bw, "cellsize      %s\n", f64(g.Cell))
	} else {
		fmt.Fprintf(bw, "dx            %s\n", f64(g.Cell))
		fmt.Fprintf(bw, "dy            %s\n", f64(g.Height()))
	}
	fmt.Fprintf(bw, "NODATA_value  %d\n", NoData)
	var buf []byte
	for r := g.Rows - 1; r >= 0; r-- {
		buf = buf[:0]
		for c, v := range g.Data[r*g.Cols : (r+1)*g.Cols] {
			if c > 0 {
				buf = append(buf, ' ')
			}
			if isNaNInf(v) {
				buf = strconv.AppendInt(buf, NoData, 10)
			} else {
				buf = strconv.AppendFloat(buf, float64(v), 'g', -1, 32)
			}
		}
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// ReadASCII reads an ESRI ASCII grid written by WriteASCII, GDAL or ArcGIS.
// The header keys are case-insensitive; xllcenter/yllcenter are accepted
// for xllcorner/yllcorner, and dx/dy for cellsize. Cells equal to the
// NODATA_value (if any) become NaN. The first data row is the northern one;
// the returned grid has row 0 south.
func ReadASCII(r io.Reader) (*Grid, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<30)
	sc.Split(bufio.ScanWords)

	var (
		g                Geom
		xc, yc           bool // corners given as cell centres
		haveX, haveY     bool
		noData           float64
		haveNoData       bool
		nCols, nRows     bool
		word             string
		pending          bool
		dx, dy, cellsize float64
	)
	next := func() (string, bool) {
		if pending {
			pending = false
			return word, true
		}
		if !sc.Scan() {
			return "", false
		}
		return sc.Text(), true
	}
	num := func(key string) (float64, error) {
		s, ok := next()
		if !ok {
			return 0, fmt.Errorf("grid: ascii grid: header key %q has no value", key)
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fmt.Errorf("grid: ascii grid: header key %q: %q is not a number", key, s)
		}
		return v, nil
	}
	integer := func(key string) (int, error) {
		v, err := num(key)
		if err != nil {
			return 0, err
		}
		if v != math.Trunc(v) || v <= 0 || v > math.MaxInt32 {
			return 0, fmt.Errorf("grid: ascii grid: %s must be a positive integer, got %v", key, v)
		}
		return int(v), nil
	}
header:
	for {
		s, ok := next()
		if !ok {
			break
		}
		var err error
		switch strings.ToLower(s) {
		case "ncols":
			g.Cols, err = integer("ncols")
			nCols = true
		case "nrows":
			g.Rows, err = integer("nrows")
			nRows = true
		case "xllcorner":
			g.X0, err = num(s)
			haveX = true
		case "xllcenter":
			g.X0, err = num(s)
			haveX, xc = true, true
		case "yllcorner":
			g.Y0, err = num(s)
			haveY = true
		case "yllcenter":
			g.Y0, err = num(s)
			haveY, yc = true, true
		case "cellsize":
			cellsize, err = num(s)
		case "dx":
			dx, err = num(s)
		case "dy":
			dy, err = num(s)
		case "nodata_value":
			noData, err = num(s)
			haveNoData = true
		default:
			word, pending = s, true
			break header
		}
		if err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	switch {
	case !nCols || !nRows:
		return nil, errors.New("grid: ascii grid: header lacks ncols or nrows (is this an ESRI ASCII grid?)")
	case !haveX || !haveY:
		return nil, errors.New("grid: ascii grid: header lacks xllcorner/xllcenter or yllcorner/yllcenter")
	}
	switch {
	case cellsize > 0:
		g.Cell = cellsize
	case dx > 0 && dy > 0:
		g.Cell, g.CellY = dx, dy
		if dx == dy {
			g.CellY = 0
		}
	default:
		return nil, errors.New("grid: ascii grid: header lacks a positive cellsize (or dx and dy)")
	}
	if xc {
		g.X0 -= g.Cell / 2
	}
	if yc {
		g.Y0 -= g.Height() / 2
	}

	out := New(g)
	n := g.Len()
	for i := 0; i < n; i++ {
		s, ok := next()
		if !ok {
			if err := sc.Err(); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("grid: ascii grid: %d values for %d x %d cells (file truncated?)", i, g.Cols, g.Rows)
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("grid: ascii grid: value %d (row %d from the top, column %d): %q is not a number", i+1, i/g.Cols+1, i%g.Cols+1, s)
		}
		if haveNoData && v == noData {
			continue // already NaN
		}
		r := g.Rows - 1 - i/g.Cols
		out.Data[r*g.Cols+i%g.Cols] = float32(v)
	}
	if s, ok := next(); ok {
		return nil, fmt.Errorf("grid: ascii grid: more than %d x %d values (extra %q)", g.Cols, g.Rows, s)
	}
	return out, sc.Err()
}
