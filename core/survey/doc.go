// Package survey reads geochemical survey CSV files as they come from real
// surveys: a header, then one sample per row with its position and the
// concentrations of many elements. It also reads known deposits (points)
// and target areas (polygons). It reads an io.Reader and never touches the
// file system, so it builds for js/wasm.
//
// # Layout
//
// The delimiter is ',', ';' or tab, sniffed from the first lines when
// Options.Delimiter is 0. Quoted fields, a UTF-8 byte-order mark, CRLF line
// ends, blank rows and trailing delimiters are accepted; Latin-1 headers are
// converted. With ';' or tab a decimal comma ("1,2") reads as 1.2; with ','
// it is an error whose hint suggests ';'. The input is streamed through
// encoding/csv: only the element, coordinate and row/col columns are kept in
// memory, as float64.
//
// Errors are returned for binary input (NUL bytes, zip/xlsx, xls, UTF-16;
// ErrNotText), an empty file or a header without rows (ErrEmpty), duplicate
// column names or an unnamed column holding values (ErrHeader), a row with
// more values than the header (ErrFieldCount) and text in an element or
// coordinate column (ErrNotNumber); a *ParseError gives line, column, value
// and a hint.
//
// # Columns
//
// Coordinates are found by name (Options.XColumn/YColumn override): x/y,
// X/Y, XCOO/YCOO, UTM_X/UTM_Y, east*/north*, X_*/Y_*, then lon*/long*/lng and
// lat*. Metre columns win over lon/lat when both exist; lon/lat beside metre
// x/y fill Samples.Lon/Lat. Degrees are recognised by lon/lat names, or by
// X/Y values all within [-180,180] x [-90,90], spread under 20° and not all
// integers (with a warning; Options.Coordinates overrides), and projected to
// the UTM zone of the mean longitude (WGS84). A latitude outside [-90, 90]
// is an error that asks whether the columns are swapped. [choice] A row
// whose coordinate is empty, NA-like or -9999 is skipped with a warning; a
// coordinate that is text is an error.
//
// A column is an element when its header is a chemical element symbol
// ("Cu", all capitals "CU", lower case "cu" except English words like "as")
// or an oxide formula (SiO2, Fe2O3, Fe2O3T or TFe2O3 for total iron, U3O8,
// CO2 ...; not H2O, not LOI), optionally followed by a unit and method tags:
// "Cu_ppm", "Cu ppm", "Cu (ppm)", "Cu[ppm]", "SiO2 %", "Fe2O3_pct",
// "Au_FA_ppb", "Cu.ppm". Bare symbols of elements never measured in surveys
// (No, At, Am, He ...) are words, not elements. Coordinate, lon/lat and
// row/col columns, and columns whose header says something else (IDs,
// dates, descriptors, LOI, C_PAR) are listed in Samples.Ignored, as is an
// element-named column holding mostly text.
//
// # Units
//
// ppm = g/t = mg/kg = µg/g; ppb = µg/kg = ng/g = mg/t; pct = % = wt% =
// percent. "ppt" is ambiguous and drops the column unless Options.Units
// names the unit. Without a unit, Options.NoUnit applies, by default the
// Chinese RGNR convention: oxides wt%, Au, Ag and Hg ppb, everything else
// ppm (with a warning). Options.Units overrides single elements. Values are
// converted to ppm (pct x 10,000, ppb / 1,000); oxides stay oxides.
//
// # Values
//
//   - "<0.5" is below a detection limit of 0.5; a negative number -v is
//     below v (GSWA convention); "BDL", "<DL" and [choice] 0 are below a
//     limit not written, taken as the smallest positive value of the column
//     (missing when the column has none).
//     Below-detection values become DetectionFactor (default 0.65) x limit,
//     after unit conversion, and are counted per element.
//   - ">v" (above the upper limit) is taken as v and counted.
//   - Missing (NaN, counted): empty, NA, N/A, n.a., NaN, null, none, -, --,
//     #N/A, IS, NS, NSS, LNR, NR, ?, [choice] nd and n.d. (labs use them for
//     both "not detected" and "not determined"; without a limit they cannot
//     be replaced), and the codes -9999, -999 and -99999 (missing, never
//     below detection).
//   - An element missing in more than Options.MaxMissing (default 50%) of
//     the samples is dropped with a warning; one with no value at all, or
//     constant, is dropped too (Samples.Dropped says why). When two columns
//     give the same element (Cu_ppm and Cu_ppb) the one with fewer missing
//     values is kept.
//
// # Grids
//
// Samples that already form a regular grid are not to be interpolated:
// Samples.Lattice holds the grid.Geom (row 0 south, cells possibly not
// square) and Samples.Cell the flat cell index of each sample. The grid is
// recognised from row/col columns that agree with x, y, or from x, y values
// alone when the distinct x and y values each lie on a regular step (within
// 5% of a step) and the samples fill at least 40% of the lattice. Two
// samples in one cell are an error (ErrDuplicateCell); Options.NoLattice
// turns recognition off. Degrees are never taken as a grid (projection
// bends the lattice).
//
// # Projection
//
// Projection is UTM on WGS84 by Krüger's series (Karney 2011), accurate to
// well under a millimetre across a zone; Forward and Inverse.
package survey
