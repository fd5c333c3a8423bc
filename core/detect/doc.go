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
// # One evaluation per unordered pair
//
// j is in the ring of T exactly when T is in the ring of j (same shell), and
// |x_T - x_j| is the same bit for bit both ways, so every pair is scored once
// and its score added to both centres (walk.go). On a whole map this halves
// the network evaluations: nanling-li (13,35) exact, 18.8 M ring pairs from
// 9.4 M evaluations. Shell sums are kept in fixed point, so the order in
// which a centre's pairs arrive does not matter.
//
// # Fast mode
//
// Exact detection scores every ring cell, hours with the paper's network in
// a browser (ANCHORS.md). The score map is a mean over hundreds of cells of a
// smooth interpolated grid, so a regular sample of each shell estimates it
// well. The fast mode (Options.Exact false) samples the shell of radius r
// with stride k = min(RingStep, max(1, r²/ShellScale)) (defaults: 1, 1, 1,
// 2, 3, 4, 6 for r = 1..7, 8 beyond) on a lattice that is
// symmetric in the pair, so that one evaluation still serves both centres:
// (T, j) is sampled when (f(T) + f(j)) mod k = 0 with f(c, r) = c + m r and
// m coprime to k, which takes every k-th cell along each side of the square
// shell, at a phase that moves from centre to centre. Small shells, which
// carry little cost, stay dense; large ones are thinned by up to RingStep. A
// shell's sample mean is weighted by the number of valid cells of the whole
// shell, so every ring cell counts alike as in the exact mean. A shell near
// an edge or a hole whose sampled cells are less than half valid is scored
// in full for that centre. Each shell is sampled on its own, so a window
// gets the same map from Detect as from any Sweep holding it.
//
// Measured on nanling-li (clr, z-scored, 39 layers, 20,452 cells; 21
// deposit cells) with stand-in scorers (two random 39-32-1 ReLU networks,
// seeds 1 and 5, a sigmoid of a weighted L1 distance, and the same with a
// steep sigmoid) against the exact map of the same scorer; Spearman = rank
// correlation over all cells, dAUC = AUC(fast) - AUC(exact) with the
// deposit cells as positives; ring pairs exact/fast counts the scores the
// means run over (the evaluations are half of each):
//
//	window   RingStep ShellScale  ring pairs exact/fast  worst Spearman  worst |dAUC|
//	(13,35)  8 (default) 8          6.42                   0.9985          0.0009
//	(5,9)    8 (default) 8          1.40                   0.9985          0.0043
//
// The earlier default, stride min(4, max(1, 8r/16)), gave (13,35) 3.62x
// fewer ring pairs, 0.9995, 0.0007, and the same (5,9) (the r² rule keeps
// its inner shells, r <= 4, exactly); a stride linear in r, min(8, r),
// thinned (5,9) to Spearman 0.985, dAUC +0.019. With the trained default
// network of core/pipeline on nanling-li the new default moved the AUC by
// 0.0003 against a (4, 4) ring with 1.76x the evaluations, Spearman 0.997
// between the two maps (docs/methods.md).
// (go test ./core/detect -run Nanling -nanling -v for the per-window table,
// add -explore for the paper's eight windows in one Sweep; seconds natively.)
// The earlier sampling, every k-th cell of each centre's own walk around the
// shell, scored twice as many evaluations for about the same accuracy
// ((13,35): Spearman 0.9992, |dAUC| 0.0013; (5,9): 0.9985, 0.0011).
// Thinning the small shells is what hurts: a uniform stride leaves the 24
// cells of (5,7) with 8 pairs. The defaults keep every window within the
// targets (rank correlation >= 0.99, |dAUC| <= 0.005).
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
// the number of network evaluations of a run and RingPairs the number of
// scores its means run over, without scoring, for cost estimates and the
// fast-mode speed-up.
package detect
