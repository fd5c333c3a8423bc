package eval

import "errors"

var (
	// ErrNonPositive is returned by CAThresholds when a score with data is
	// zero or negative: C-A works on log(score). Shift the scores first, e.g.
	// s - min + a small constant, and shift the returned thresholds back.
	ErrNonPositive = errors.New("eval: C-A needs positive scores; shift the scores (s - min + a small constant) and shift the thresholds back")

	// ErrTooFewValues is returned by CAThresholds when the scores do not
	// spread enough to fit the requested segments (too few cells with data or
	// all scores equal).
	ErrTooFewValues = errors.New("eval: too few distinct scores for a C-A fit; use fewer segments")
)
