package survey

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Errors returned by this package wrap one of them (test
// with errors.Is); a *ParseError adds the line, column and value.
var (
	// ErrEmpty: the input holds no header, or a header but no data rows.
	ErrEmpty = errors.New("survey: no data")
	// ErrNotText: the input is binary (NUL bytes, a zip or xlsx archive) or
	// UTF-16 text, not a UTF-8 or Latin-1 CSV file.
	ErrNotText = errors.New("survey: not a CSV text file")
	// ErrHeader: duplicate or empty column names, or a header that cannot be
	// parsed.
	ErrHeader = errors.New("survey: bad header")
	// ErrNoCoordinates: no coordinate columns were found, the requested
	// ones do not exist, or no row has coordinates.
	ErrNoCoordinates = errors.New("survey: no coordinates")
	// ErrCoordinates: coordinates that cannot be right (latitude out of
	// range, swapped columns).
	ErrCoordinates = errors.New("survey: bad coordinates")
	// ErrNoElements: no element column, or every element was dropped.
	ErrNoElements = errors.New("survey: no element columns")
	// ErrNotNumber: a cell that must hold a number does not.
	ErrNotNumber = errors.New("is not a number")
	// ErrFieldCount: a row holds more values than the header has columns.
	ErrFieldCount = errors.New("has more values than the header has columns")
	// ErrDuplicateCell: two samples of a regular grid fall in the same cell.
	ErrDuplicateCell = errors.New("survey: two samples in one grid cell")
	// ErrOptions: an Options field holds a value this package does not know.
	ErrOptions = errors.New("survey: bad option")
	// ErrNoProjection: positions in degrees but no projection to turn them
	// into the metres of the samples.
	ErrNoProjection = errors.New("survey: degrees given but no projection")
)

// ParseError locates a bad value in the input. Line counts from 1 and
// includes the header; Column is the header name of the column ("" when the
// whole row is at fault); Value is the cell as read.
type ParseError struct {
	Line   int
	Column string
	Value  string
	Hint   string // what the user may do, e.g. "decimal comma? choose ';' as delimiter"
	Err    error  // ErrNotNumber, ErrFieldCount, ErrCoordinates, ...
}

// Error reads like
//
//	line 17, column "Cu_ppm": "1,2" is not a number (decimal comma? choose ';' as delimiter)
func (e *ParseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d", e.Line)
	if e.Column != "" {
		fmt.Fprintf(&b, ", column %q", e.Column)
	}
	b.WriteString(": ")
	if e.Value != "" || e.Err == ErrNotNumber {
		v := e.Value
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		fmt.Fprintf(&b, "%q ", v)
	}
	if e.Err != nil {
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "survey: "))
	}
	if e.Hint != "" {
		fmt.Fprintf(&b, " (%s)", e.Hint)
	}
	return b.String()
}

// Unwrap returns Err.
func (e *ParseError) Unwrap() error { return e.Err }
