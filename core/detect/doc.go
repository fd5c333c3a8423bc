// Package detect is the dual-window anomaly detector of the Fe paper
// (seeds/ppf-cnn-fe-fujian.txt, section 4.3, after Liu and Chang 2013,
// doi:10.1109/JSTARS.2013.2239959): a trained pixel-pair network (a
// PairScorer) compares every cell with the cells around it.
//
// # Score
//
// For a cell T with data, the ring of T is the cells j inside the square
// Outer x Outer window centred on T but outside its Inner x Inner window
// that lie on the grid and have data. The score is
//
//	D(T) = (1/|ring|) * sum over j in ring of sigmoid(CNN(|x_T - x_j|))
//
// High D = anomalous. Cells without data, and cells whose ring holds no
// valid cell, get NaN. Inner 13, Outer 35 (1,056 ring cells away from edges)
// was the paper's best pair (AUC 0.905).
//
// # Shells and Sweep
//
// The ring is a union of shells: the 8r cells at Chebyshev distance r from
// T, for Inner/2 < r <= Outer/2. The detector sums scores per shell, so
// several window pairs scored together (Sweep) share every pair: the paper's
// eight pairs (5,7) ... (13,35) cost 1,200 pairs per cell (shells 3..17)
// instead of 4,800 for eight separate runs.
//
// # Fast mode
//
// Exact detection scores every ring cell: 2 x 10^7 pairs for (13,35) on the
// 20,452 cells of nanling-li, hours with the paper's network in a browser
// (ANCHORS.md). The score map is a mean over hundreds of cells of a smooth
// interpolated grid, so a regular sample of each shell estimates it well.
// The fast mode (Options.Exact false) walks each shell of radius r once
// around and scores every k-th cell, k = min(RingStep, max(1,
// 8r/ShellPairs)), starting at a phase that changes from one centre to the
// next and from one shell to the next, so no sampling pattern is locked to
// the grid. Small shells, which carry little cost, stay dense; large ones
// are thinned by up to RingStep. A shell's sample mean is weighted by the
// number of valid cells of the whole shell, so every ring cell counts alike
// as in the exact mean. A shell near an edge or a hole whose sampled cells
// are less than half valid is scored in full. Each shell is sampled on its
// own, so a window gets the same map from Detect as from any Sweep holding
// it.
//
// Measured on nanling-li (clr, z-scored, 39 layers, 20,452 cells; 21
// deposit cells) with stand-in scorers (two random 39-32-1 ReLU networks,
// seeds 1 and 5, a sigmoid of a weighted L1 distance, and the same with a
// steep sigmoid) against the exact map of the same scorer; Spearman = rank
// correlation over all cells, dAUC = AUC(fast) - AUC(exact) with the
// deposit cells as positives:
//
//	window   RingStep ShellPairs  pairs exact/fast  worst Spearman  worst |dAUC|
//	(13,35)  4 (default) 16         3.77              0.9992          0.0013
//	(13,35)  6           16         4.84              0.9982          0.0017
//	(13,35)  8           16         5.21              0.9978          0.0063
//	(5,9)    4 (default) 16         1.40              0.9985          0.0011
//	paper's 8 windows in one Sweep, defaults: 3.33    0.9985          0.0016
//	same, uniform stride 3 (ShellPairs 1):    2.92    0.9797 (5,7)    0.0209 (5,7)
//
// (go test ./core/detect -run Nanling -nanling -v for the per-window table,
// add -explore for the Sweep settings; minutes on one core.) Thinning the
// small shells is what hurts: a uniform stride leaves the 24 cells of (5,7)
// with 8 pairs. The defaults keep every window within the targets (rank
// correlation >= 0.99, |dAUC| <= 0.005) with a margin.
//
// A coarse grid of centres with bilinear interpolation in between was
// measured too and rejected: from every 2nd centre the (13,35) map of the
// random network kept a rank correlation of only 0.946 and its AUC moved by
// 0.11 (run with -coarse), because the score follows each cell's own
// composition x_T, which is rough at the cell scale.
//
// # Work splitting, batches and cancellation
//
// Options.Rows restricts a run to a band of rows, so that web workers can
// each score a band of one map; the result does not depend on the split.
// Pairs are scored in batches of Options.Batch through one reusable buffer
// (the inner loop allocates nothing). Detect and Sweep poll their context and
// report progress after each block of rows, never per cell. Pairs returns
// the number of pairs a run scores, without scoring, for cost estimates and
// the fast-mode speed-up.
package detect
