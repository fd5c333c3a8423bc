// Package idw interpolates scattered samples onto a regular grid by inverse
// distance weighting (Shepard 1968, A two-dimensional interpolation function
// for irregularly-spaced data, Proc. 23rd ACM National Conference,
// doi:10.1145/800186.810616).
//
// # Contracts
//
// Coordinates are projected metres (project geographic degrees first). The
// grid follows package grid: row 0 is south, cell centres at
// X0 + (c+0.5)*Cell, Y0 + (r+0.5)*Height(). The value of a cell with centre q
// is
//
//	v(q) = sum_i w_i v_i / sum_i w_i,   w_i = 1 / d(q, s_i)^p
//
// over at most Options.Neighbours nearest sites s_i within Options.Radius of
// q. A cell whose centre lies on a site (d < 1e-9 * Cell) takes that site's
// value (the mean, if several sites are that close). A cell with no site
// within the radius is NaN: the grid never extrapolates beyond the survey.
//
// Samples at exactly the same coordinates are merged into one site whose
// value, per layer, is the mean of their non-missing values; a duplicate
// therefore does not count twice in the weights nor use up two of the
// Neighbours. NaN (or an infinite value) in a layer means that layer was not
// measured at that sample: the layer is interpolated from the sites that
// have it. Samples with a NaN or infinite coordinate are ignored.
//
// Neighbours come from a gonum kd-tree (gonum.org/v1/gonum/spatial/kdtree)
// built once over all sites and walked once per cell. Layers missing at
// exactly the same sites form a group (in the common case one group holds
// every layer); the walk fills one keeper per group, each offered only the
// sites that have its layers, and prunes with the largest of their bounds.
// Each keeper keeps the N nearest within the radius, like kdtree.NearestSet
// with an NKeeper whose sentinel distance is the radius, but in fixed-size
// arrays, so the walk allocates nothing per cell. Equal distances are broken
// by sample order (the site of the earlier sample first), so results do not
// depend on the tree's random pivots.
//
// The only large allocation is the output Stack; to grid a huge area in
// pieces (or in several web workers), call Interpolate on sub-grids whose
// cells align with the full grid.
package idw
