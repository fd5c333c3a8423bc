// Package classify ranks score cells into cumulative-area anomaly classes
// and gives the colours of score maps. It is the part of package render
// that a map viewer needs, without gonum/plot or fonts, so a viewer that
// reclassifies when a slider moves stays small in js/wasm.
//
// Anomaly classes follow the Fe paper (Fig. 8): cells are ranked by score
// and the top 0-5 % of the area with data is class 0 (red), 5-15 % class 1
// (yellow), 15-30 % class 2 (blue) and the rest background (light grey).
// The percentages ("tops") are cumulative shares of the cells with data and
// can be changed. Cuts turns them into score cut-offs and Classify assigns
// the classes, so reclassifying never recomputes scores. A cell belongs to
// the first class whose cut-off its score reaches (score >= cut), so tied
// scores at a cut-off all go to the higher class.
//
// NaN and ±Inf are no data: they get NoClass and are left out of the
// ranking.
package classify
