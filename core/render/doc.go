// Package render turns score grids into pictures: north-up RGBA maps with
// anomaly classes or a continuous colour map, deposit markers, target-area
// outlines, a legend, a scale bar and a north arrow (Map), and the figures
// of an evaluation drawn with gonum/plot: ROC curves, the prediction-area
// plot, training loss, bar charts and histograms.
//
// # Classes
//
// Anomaly classes follow the Fe paper (Fig. 8): cells are ranked by score and
// the top 0-5 % of the area with data is class 0 (red), 5-15 % class 1
// (yellow), 15-30 % class 2 (blue) and the rest background (light grey).
// The percentages ("tops") are cumulative shares of the cells with data and
// can be changed; Cuts turns them into score cut-offs and Classify assigns
// the classes, so a viewer can reclassify without re-scoring. A cell belongs
// to the first class whose cut-off its score reaches (score >= cut), so tied
// scores at a cut-off all go to the higher class.
//
// # Orientation
//
// Grids have row 0 south (see package grid); every image this package makes
// is north-up: image row 0 is the northern edge of the grid. Map coordinates
// (deposits, polygons) are the grid's projected metres.
//
// # No data
//
// NaN (and ±Inf) cells are no data: they get no class (NoClass), are drawn
// white (or transparent, MapOptions.Transparent) and are left out of the
// ranking.
//
// # Fonts
//
// Text is drawn with the Liberation fonts that gonum/plot embeds, so maps and
// plots render the same natively and in js/wasm, with no font files.
package render
