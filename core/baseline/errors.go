package baseline

import "errors"

var (
	// ErrTooFewRows means there are not more rows (cells) than columns
	// (layers), so no covariance can be estimated.
	ErrTooFewRows = errors.New("baseline: too few cells for a covariance (need more cells with data than layers)")

	// ErrSingular means the covariance of the data, or of the best half of
	// it, is singular: a constant layer, collinear layers (clr coordinates
	// sum to zero: pass ilr), or more than half of the cells on one
	// hyperplane.
	ErrSingular = errors.New("baseline: singular covariance (constant or collinear layers? pass ilr coordinates, not clr, and drop constant layers)")

	// ErrNoLayer means SingleElement was asked for a layer the stack lacks.
	ErrNoLayer = errors.New("baseline: no such layer")
)
