// Package render turns score grids into pictures: north-up RGBA maps with
// anomaly classes or a continuous colour map, deposit markers, target-area
// outlines, a legend, a scale bar and a north arrow (Map), and the figures
// of an evaluation drawn with gonum/plot: ROC curves, the prediction-area
// plot, training loss, bar charts and histograms.
//
// # Classes
//
// Anomaly classes follow the Fe paper (Fig. 8): the top 0-5 % of the area
// with data in red, 5-15 % yellow, 15-30 % blue, the rest light grey. The
// ranking, the cut-offs and the colours live in package classify, which a
// map viewer can import without gonum/plot and its fonts (importing render
// adds about 10 MB to a js/wasm binary, classify about 0.5 MB).
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
