package idw

import "errors"

var (
	// ErrNoSamples is returned when no sample has finite coordinates.
	ErrNoSamples = errors.New("idw: no samples with coordinates (check the x and y columns)")

	// ErrZeroSpacing is returned when a default search radius is asked for
	// but all samples lie at one location, so the sample spacing is zero.
	ErrZeroSpacing = errors.New("idw: all samples are at one location, so the sample spacing is zero: give a cell size and a search radius")
)
