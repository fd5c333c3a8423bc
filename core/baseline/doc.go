// Package baseline holds the classical anomaly detectors that every
// comparison in halo includes (METHODS.md section 3, "Classical baselines"):
// the robust Mahalanobis distance from a minimum covariance determinant (MCD)
// fit, and single-element maps. It is a package beside DESIGN.md's list of
// core packages: the deep detectors (ppf, detect, nn) are only worth their
// cost where they beat these on the same data, so the pipeline runs both.
//
// # MCD
//
// FitMCD implements FastMCD (Rousseeuw & Van Driessen 1999,
// doi:10.1080/00401706.1999.10485670) with the consistency correction and
// reweighting step of scikit-learn's MinCovDet:
//
//  1. Starts random (p+1)-subsets, each grown by random rows until its
//     covariance is non-singular; from each, the h rows with the smallest
//     Mahalanobis distances, then two C-steps. For n > 600 this runs on up to
//     5 disjoint sub-samples of about 300 rows drawn from a random merged set
//     of at most MaxSubset rows, with h scaled to the sub-sample size; the 10
//     best of each sub-sample get two C-steps on the merged set.
//  2. The 10 best candidates are iterated by C-steps on all n rows until the
//     determinant stops falling; the lowest determinant gives the raw
//     estimate (RawLocation, RawCovariance, Support: the h rows).
//  3. Consistency: the squared distances d² under the raw estimate are
//     divided by c = median(d²) / chi2_p quantile(0.5).
//  4. Reweighting: the rows with corrected d² < chi2_p quantile(0.975) (the
//     Inliers) give the final Location and Covariance.
//
// Covariances are the maximum-likelihood ones (divided by the row count, as
// scikit-learn's empirical_covariance); the reweighted covariance is not
// rescaled (scikit-learn neither), which leaves distance ranks unchanged.
//
// # Singular data
//
// MCD needs a non-singular covariance. FitMCD does not regularise: it returns
// ErrSingular when the covariance of all rows is singular (a constant layer,
// collinear layers such as the clr coordinates, which sum to zero) or when
// the best h rows lie on a hyperplane (an "exact fit": more than half of the
// cells share one linear relation). A covariance counts as singular when its
// Cholesky factorisation fails or its condition number exceeds 1e13. It
// returns ErrTooFewRows when there are not more rows than columns (n <= p).
// Pass ilr coordinates, not clr, to RobustMahalanobis.
//
// # Randomness
//
// Every random draw comes from the *rand.Rand argument: the same seed gives
// the same fit. RobustMahalanobis fits on at most 5,000 randomly chosen valid
// cells and scores every valid cell.
package baseline
