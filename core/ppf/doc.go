// Package ppf builds the pixel-pair feature (PPF) training sets of the Fe
// paper (seeds/ppf-cnn-fe-fujian.txt, after Li et al. 2016,
// doi:10.1109/TGRS.2016.2616355): labels from known deposits, a balanced
// random draw of background cells, an 80/20 split per class, and the pair
// sets a pair network trains on.
//
// # Labels
//
// A deposit marks its own cell and the 8 cells around it as mineralized
// (class 1, Mineralized); every other cell with data is background (class 2).
// 19 deposits whose 3x3 blocks neither overlap nor leave the grid give
// 19*9 = 171 mineralized cells, as in the paper.
//
// # Draw and split
//
// Draw picks as many background cells at random as there are mineralized
// cells, then splits each class into train and test. The test count of a
// class of n cells is ceil(n*testShare) (testShare 0.2 by default): the
// paper's 171 cells give 171*0.2 = 34.2 -> 35 test and 136 train cells
// (paper Table 1).
//
// # Pairs
//
// Build encodes a pair (i, j) as |x_i - x_j| over the D layers of a Stack,
// one row of D float32 values, with label 0 (similar: both cells from the
// same class) or 1 (dissimilar: one mineralized, one background cell).
// Within a class every ordered pair (i, j), i != j, is used; across classes
// every unordered (mineralized, background) pair once. For nPos and nNeg
// cells that gives
//
//	similar    = nPos*(nPos-1) + nNeg*(nNeg-1)
//	dissimilar = nPos*nNeg
//
// which is 36,720 + 18,496 = 55,216 training and 2,380 + 1,225 = 3,605 test
// pairs for the paper's 136 + 136 and 35 + 35 cells (paper Table 2).
//
// Cell indices are flat grid indices r*Cols + c (see package grid).
package ppf
