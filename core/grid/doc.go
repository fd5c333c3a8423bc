// Package grid holds raster data on a regular lattice of cells: a single
// layer (Grid) and a cell-major stack of layers (Stack) that share one
// geometry (Geom).
//
// # Orientation
//
// Coordinates are projected metres. (X0, Y0) is the south-west corner of the
// grid. Row 0 is the southernmost row; column 0 the westernmost column. The
// centre of cell (c, r) is
//
//	x = X0 + (c + 0.5) * Cell
//	y = Y0 + (r + 0.5) * CellY
//
// and its index in a flat slice is r*Cols + c. Writers of north-up formats
// (GeoTIFF, ESRI ASCII grid, PNG) flip rows on output.
//
// Cells need not be square: CellY is the height of a cell and Cell its width.
// (DESIGN.md names a single Cell; real gridded surveys such as nanling-li have
// 4,243.9 m by 4,178.9 m cells, hence the second field.)
//
// # No data
//
// NaN means "no data" everywhere in this package: a cell outside the survey
// or beyond the interpolation search radius. A Stack cell is valid only when
// all its layers are finite.
package grid
