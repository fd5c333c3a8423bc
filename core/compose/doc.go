// Package compose holds the log-ratio transforms of compositional data
// (Aitchison 1986, The Statistical Analysis of Compositional Data; Egozcue et
// al. 2003, Isometric logratio transformations for compositional data
// analysis, Math. Geol. 35(3), doi:10.1023/A:1023818214614) and the z-score
// standardisation applied before the networks.
//
// # Contracts
//
// A composition x has D positive parts (concentrations, all in one unit). With
// l_i = ln x_i and g the geometric mean,
//
//	clr_i = ln(x_i / g(x_1..D))                                   i = 1..D
//	ilr_i = sqrt((D-i)/(D-i+1)) * ln(x_i / g(x_{i+1..D}))          i = 1..D-1
//
// The ilr uses the pivot (sequential binary partition) basis: coordinate i
// contrasts part i with the geometric mean of all parts after it, so ilr1
// holds everything part 1 has to say relative to the rest. The clr
// coordinates sum to zero; Euclidean distances between ilr vectors equal those
// between clr vectors (the ilr is an isometry of the clr hyperplane).
//
// Both transforms are linear in the logs, so each has a form that takes the
// natural logs directly (CLRLog, ILRLog); the Stack functions read stacks of
// natural logs of ppm values, which is how gridded concentrations are kept.
//
// A composition with any part that is NaN, zero, negative or infinite (in the
// log forms: any log that is NaN or infinite) has no log-ratio: every output
// coordinate is NaN. This is data, not a programming error, so it never
// panics. Length mismatches between dst and the input do panic.
//
// Slice functions follow gonum's destination-first convention: a nil dst is
// allocated, a non-nil dst must have the output length. They and the Stack
// functions allocate nothing per composition (per cell).
package compose
