// Package eval scores an anomaly map against known targets and turns scores
// into map classes: ROC curve and AUC, the share of deposits captured in the
// top p% of area, the prediction-area (P-A) plot of Yousefi & Carranza (2015),
// percentile classes and concentration-area (C-A) fractal thresholds
// (Cheng et al. 1994). It follows METHODS.md section 4.
//
// # Scores and cells
//
// Every function takes a score map as a flat []float32 in the layout of
// grid.Grid.Data (index r*Cols + c, row 0 south). A high score means
// anomalous. NaN and ±Inf mean "no data": such cells are neither positives
// nor negatives, do not count as area and are never captured. Cells are flat
// indices into the score slice; an index outside [0, len(score)) is a
// programming error and panics, except that the deposit-cell lists of
// LabelledCells, Capture and PACurve skip negative entries, which DepositCells
// uses for deposits outside the grid.
//
// # Positives
//
// METHODS.md asks for two AUCs: with the deposit cells only and with the 3x3
// labelled cells (LabelledCells). Both are AUC calls with a different
// positive list. Deposit-based statistics (Capture, PACurve) count each
// deposit, so two deposits in one cell count twice; deposits whose cell has no
// data are left out of the denominator (the caller reports them).
//
// # Ties
//
// AUC and ROC count tied positive-negative pairs one half (Mann-Whitney).
// Percentile cut-offs and capture use one rule: with N cells with data, a cell
// is in the top p% when fewer than ceil(p*N/100) cells score strictly higher.
// All cells tied at the cut-off are therefore in, so with ties the top p% can
// cover more than p% of the area, never less (for p > 0).
package eval
