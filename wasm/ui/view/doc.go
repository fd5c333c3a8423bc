// Package view is the logic of the halo map viewer (wasm/ui), kept free of
// Ebiten and syscall/js so that it is tested natively.
//
// A Layer holds one score grid (row 0 south, NaN = no data, the layout of
// halo/core/grid) and an ascending copy of its finite scores, sorted once
// when the layer arrives. Everything a slider changes is then a lookup:
// Layer.Cuts turns cumulative-area percentages (the Fe paper's top 5, 15
// and 30 %) into score cut-offs by index into the sorted copy, and Paint
// converts the scores to RGBA pixels once per change (classes or viridis
// by percentile rank). Scores are never recomputed.
//
// A View is the transform between screen pixels (y down) and map metres
// (y up, north at the top of the screen): a pane size, a scale in pixels
// per metre and the map point at the pane centre. ZoomAt keeps the point
// under the cursor fixed; Fit shows the whole grid. ScaleBar picks a
// 1-2-5 bar length, ClassLegend the legend rows, Layer.Read the hover
// read-out.
//
// Paint writes image rows north first: image row j is grid row Rows-1-j,
// so the image is drawn with y down like the screen.
package view
