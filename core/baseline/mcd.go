package baseline

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

const (
	defaultStarts    = 500  // random initial subsets (Rousseeuw & Van Driessen 1999)
	defaultMaxSubset = 1500 // merged-set size for large n (same paper)
	subsetSize       = 300  // rows per sub-sample for large n
	maxSubsets       = 5    // sub-samples for large n
	keepBest         = 10   // candidates kept between stages
	preSteps         = 2    // C-steps per candidate before the final stage
	maxCSteps        = 100  // cap on C-steps in the final stage
	condLimit        = 1e13 // a covariance with a larger condition number is singular
	reweightQuantile = 0.975
)

// MCDOptions configures FitMCD. The zero value (or a nil pointer) means the
// defaults.
type MCDOptions struct {
	// Support is h/n, the share of rows in the MCD subset, in (0, 1].
	// 0 means h = ceil((n+p+1)/2) as scikit-learn's MinCovDet; otherwise
	// h = floor(Support*n), raised to p+1 if smaller.
	Support float64

	// Starts is the number of random initial (p+1)-subsets; 0 means 500.
	Starts int

	// MaxSubset is the size of the merged set that FastMCD draws from large
	// data (n > 600) for its early stages; 0 means 1500.
	MaxSubset int
}

// MCD is a minimum covariance determinant fit. See the package comment for
// the algorithm.
type MCD struct {
	// Location and Covariance are the reweighted estimates.
	Location   []float64
	Covariance *mat.SymDense

	// Support holds the indices of the h rows of the raw MCD subset, in
	// increasing order.
	Support []int

	// Consistency is the factor c = median(d²) / chi2_p quantile(0.5) by
	// which the raw squared distances were divided before reweighting (the
	// raw covariance times c is consistent at the normal model).
	Consistency float64

	// RawLocation and RawCovariance are the mean and maximum-likelihood
	// covariance of the Support rows.
	RawLocation   []float64
	RawCovariance *mat.SymDense

	// Inliers holds the indices, in increasing order, of the rows used for
	// the reweighted estimate: corrected squared raw distance below the
	// chi2_p 0.975 quantile.
	Inliers []int
}

// estimate is a location, a covariance and its Cholesky factor.
type estimate struct {
	mu     []float64
	cov    []float64 // p*p, row-major
	l      []float64 // lower Cholesky factor, cov = LLᵀ, row-major p*p
	logdet float64
	set    []int // rows of the data set it was computed from, increasing
}

// fitter holds the data of one data set (rows of p values) and scratch.
type fitter struct {
	p    int
	rng  *rand.Rand
	chol mat.Cholesky
	sym  *mat.SymDense
	d    []float64
	z    []float64
	buf  []float64
}

func newFitter(p int, rng *rand.Rand) *fitter {
	return &fitter{p: p, rng: rng, sym: mat.NewSymDense(p, nil), z: make([]float64, p)}
}

// estimate returns the mean and ML covariance of the rows in set, and false
// if that covariance is singular. set is kept, not copied.
func (f *fitter) estimate(x []float64, set []int) (estimate, bool) {
	p := f.p
	e := estimate{mu: make([]float64, p), cov: make([]float64, p*p), set: set}
	for _, i := range set {
		for j, v := range x[i*p : (i+1)*p] {
			e.mu[j] += v
		}
	}
	n := float64(len(set))
	for j := range e.mu {
		e.mu[j] /= n
	}
	v := make([]float64, p)
	for _, i := range set {
		for j := range v {
			v[j] = x[i*p+j] - e.mu[j]
		}
		for j := range p {
			vj := v[j]
			row := e.cov[j*p : (j+1)*p]
			for k := j; k < p; k++ {
				row[k] += vj * v[k]
			}
		}
	}
	for j := range p {
		for k := j; k < p; k++ {
			c := e.cov[j*p+k] / n
			e.cov[j*p+k], e.cov[k*p+j] = c, c
			f.sym.SetSym(j, k, c)
		}
	}
	if !f.chol.Factorize(f.sym) || f.chol.Cond() > condLimit {
		return e, false
	}
	e.logdet = f.chol.LogDet()
	e.l = lowerFactor(&f.chol, p)
	return e, true
}

// lowerFactor returns the lower Cholesky factor L of c (A = LLᵀ) as a
// row-major p*p slice.
func lowerFactor(c *mat.Cholesky, p int) []float64 {
	var t mat.TriDense
	c.LTo(&t)
	l := make([]float64, p*p)
	for j := range p {
		for k := 0; k <= j; k++ {
			l[j*p+k] = t.At(j, k)
		}
	}
	return l
}

// mahal writes the squared Mahalanobis distance of each row of x (rows of
// p values, stride apart) into dst, solving Lz = x - mu by forward
// substitution. z is scratch of length p.
func mahal(dst, x []float64, stride, p int, mu, l, z []float64) {
	for i := range dst {
		row := x[i*stride : i*stride+p]
		var d2 float64
		for j := range p {
			s := row[j] - mu[j]
			lj := l[j*p : j*p+j]
			for k, v := range lj {
				s -= v * z[k]
			}
			z[j] = s / l[j*p+j]
			d2 += z[j] * z[j]
		}
		dst[i] = d2
	}
}

// smallest returns, in increasing order, the indices of the h smallest
// values of d (ties broken by index). It takes O(len(d)) time.
func (f *fitter) smallest(d []float64, h int) []int {
	f.buf = append(f.buf[:0], d...)
	t := nth(f.buf, h-1)
	set := make([]int, 0, h)
	ties := h
	for _, v := range d {
		if v < t {
			ties--
		}
	}
	for i, v := range d {
		if v < t || (v == t && ties > 0) {
			if v == t {
				ties--
			}
			set = append(set, i)
		}
	}
	return set
}

// nth returns the k-th smallest value of v (k from 0), reordering v
// (Hoare's selection with a median-of-three pivot).
func nth(v []float64, k int) float64 {
	lo, hi := 0, len(v)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if v[mid] < v[lo] {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if v[hi] < v[lo] {
			v[hi], v[lo] = v[lo], v[hi]
		}
		if v[hi] < v[mid] {
			v[hi], v[mid] = v[mid], v[hi]
		}
		pivot := v[mid]
		i, j := lo, hi
		for i <= j {
			for v[i] < pivot {
				i++
			}
			for v[j] > pivot {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return v[k]
		}
	}
	return v[k]
}

// cstep returns the estimate from the h rows of x closest to e.
func (f *fitter) cstep(x []float64, e estimate, h int) (estimate, bool) {
	n := len(x) / f.p
	if cap(f.d) < n {
		f.d = make([]float64, n)
	}
	d := f.d[:n]
	mahal(d, x, f.p, f.p, e.mu, e.l, f.z)
	return f.estimate(x, f.smallest(d, h))
}

// iterate applies up to steps C-steps while the determinant falls. It
// returns false if a C-step meets a singular covariance.
func (f *fitter) iterate(x []float64, e estimate, h, steps int) (estimate, bool) {
	for range steps {
		next, ok := f.cstep(x, e, h)
		if !ok {
			return e, false
		}
		if !(next.logdet < e.logdet) {
			return e, true
		}
		e = next
	}
	return e, true
}

// move takes e, computed on another data set or subset size, to data set x
// with subset size h: one C-step (whose determinant is not comparable with
// e's), then up to steps more while the determinant falls.
func (f *fitter) move(x []float64, e estimate, h, steps int) (estimate, bool) {
	e, ok := f.cstep(x, e, h)
	if !ok {
		return e, false
	}
	return f.iterate(x, e, h, steps)
}

// starts runs trials random (p+1)-subsets on x with subset size h, two
// C-steps each, and returns the keepBest lowest determinants.
func (f *fitter) starts(x []float64, h, trials int) []estimate {
	p := f.p
	n := len(x) / p
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	var out []estimate
	for range trials {
		// Partial Fisher-Yates: perm stays a permutation, so each draw is a
		// uniform random subset without resetting it.
		var e estimate
		ok := false
		for m := 0; m < n && !ok; m++ {
			j := m + f.rng.IntN(n-m)
			perm[m], perm[j] = perm[j], perm[m]
			if m+1 >= p+1 {
				e, ok = f.estimate(x, slices.Clone(perm[:m+1]))
			}
		}
		if !ok {
			// Every row together is singular: so is every other draw.
			break
		}
		if e, ok = f.move(x, e, h, preSteps); ok {
			out = append(out, e)
		}
	}
	return best(out, keepBest)
}

// best returns the k estimates of lowest determinant, in that order.
func best(es []estimate, k int) []estimate {
	slices.SortStableFunc(es, func(a, b estimate) int { return cmp.Compare(a.logdet, b.logdet) })
	return es[:min(k, len(es))]
}

// rows copies the rows in idx of x (p columns) into a new slice.
func rows(x []float64, p int, idx []int) []float64 {
	out := make([]float64, 0, len(idx)*p)
	for _, i := range idx {
		out = append(out, x[i*p:(i+1)*p]...)
	}
	return out
}

// FitMCD fits a minimum covariance determinant estimate to the rows of x by
// FastMCD with consistency correction and reweighting (see the package
// comment). x has one observation per row. FitMCD returns ErrTooFewRows if
// x has no more rows than columns and ErrSingular if the covariance is
// singular. It panics if rng is nil, x has no columns or a non-finite value
// (drop no-data rows first, as RobustMahalanobis does), or an option is out
// of range.
func FitMCD(x *mat.Dense, rng *rand.Rand, opt *MCDOptions) (*MCD, error) {
	var o MCDOptions
	if opt != nil {
		o = *opt
	}
	if !(o.Support >= 0 && o.Support <= 1) || o.Starts < 0 || o.MaxSubset < 0 {
		panic("baseline: MCD option out of range")
	}
	if o.Starts == 0 {
		o.Starts = defaultStarts
	}
	if o.MaxSubset == 0 {
		o.MaxSubset = defaultMaxSubset
	}
	if rng == nil {
		panic("baseline: nil rand")
	}
	n, p := x.Dims()
	if p == 0 {
		panic("baseline: no columns")
	}
	if n <= p {
		return nil, fmt.Errorf("%w: %d rows, %d columns", ErrTooFewRows, n, p)
	}
	h := (n + p + 2) / 2 // ceil((n+p+1)/2)
	if o.Support > 0 {
		h = int(o.Support * float64(n))
	}
	h = min(max(h, p+1), n)

	data := make([]float64, 0, n*p)
	for i := range n {
		data = append(data, x.RawRowView(i)...)
	}
	for _, v := range data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			panic("baseline: non-finite value in MCD input")
		}
	}
	f := newFitter(p, rng)
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	full, ok := f.estimate(data, all)
	if !ok {
		return nil, ErrSingular
	}

	raw := full
	if h < n {
		var cands []estimate
		if n <= 2*subsetSize {
			cands = f.starts(data, h, o.Starts)
		} else {
			cands = f.nested(data, n, h, o)
		}
		var finals []estimate
		for _, e := range cands {
			// Move to the full data, then iterate to convergence.
			if e, ok := f.move(data, e, h, maxCSteps); ok {
				finals = append(finals, e)
			}
		}
		if len(finals) == 0 {
			return nil, ErrSingular
		}
		raw = best(finals, 1)[0]
	}

	d := make([]float64, n)
	mahal(d, data, p, p, raw.mu, raw.l, f.z)
	chi2 := distuv.ChiSquared{K: float64(p)}
	med := median(d)
	cons := med / chi2.Quantile(0.5)
	if !(cons > 0) {
		return nil, ErrSingular
	}
	cut := chi2.Quantile(reweightQuantile)
	var inl []int
	for i, v := range d {
		if v/cons < cut {
			inl = append(inl, i)
		}
	}
	fin, ok := f.estimate(data, inl)
	if !ok {
		return nil, ErrSingular
	}
	return &MCD{
		Location:      fin.mu,
		Covariance:    mat.NewSymDense(p, fin.cov),
		Support:       raw.set,
		Consistency:   cons,
		RawLocation:   raw.mu,
		RawCovariance: mat.NewSymDense(p, raw.cov),
		Inliers:       inl,
	}, nil
}

// nested runs the large-n stages of FastMCD: starts on disjoint sub-samples
// of a random merged set, then two C-steps of each candidate on the merged
// set. It returns the keepBest candidates.
func (f *fitter) nested(data []float64, n, h int, o MCDOptions) []estimate {
	p := f.p
	nm := min(n, o.MaxSubset)
	perm := f.rng.Perm(n)[:nm]
	merged := rows(data, p, perm)
	k := min(max(nm/subsetSize, 1), maxSubsets)
	nsub := nm / k
	hsub := min(max(int(math.Ceil(float64(nsub)*float64(h)/float64(n))), p+1), nsub)
	if nsub <= p+1 {
		k, nsub, hsub = 1, nm, min(max(int(math.Ceil(float64(nm)*float64(h)/float64(n))), p+1), nm)
	}
	trials := (o.Starts + k - 1) / k
	var pool []estimate
	for s := range k {
		sub := merged[s*nsub*p : (s+1)*nsub*p]
		pool = append(pool, f.starts(sub, hsub, trials)...)
	}
	hm := min(max(int(math.Ceil(float64(nm)*float64(h)/float64(n))), p+1), nm)
	var out []estimate
	for _, e := range pool {
		if e, ok := f.move(merged, e, hm, preSteps); ok {
			out = append(out, e)
		}
	}
	return best(out, keepBest)
}

// median returns the median of v (mean of the middle two for even length)
// without changing v.
func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// Distances writes into dst the squared Mahalanobis distance of each row of
// x under the fitted Location and Covariance and returns dst. If dst is nil a
// new slice is allocated; otherwise Distances panics unless len(dst) equals
// the number of rows. It panics if x has the wrong number of columns or the
// Covariance has been made singular.
func (m *MCD) Distances(dst []float64, x *mat.Dense) []float64 {
	n, p := x.Dims()
	if p != len(m.Location) {
		panic("baseline: column count mismatch")
	}
	if dst == nil {
		dst = make([]float64, n)
	}
	if len(dst) != n {
		panic("baseline: destination length mismatch")
	}
	var chol mat.Cholesky
	if !chol.Factorize(m.Covariance) {
		panic("baseline: singular covariance")
	}
	l := lowerFactor(&chol, p)
	if n > 0 {
		raw := x.RawMatrix()
		mahal(dst, raw.Data, raw.Stride, p, m.Location, l, make([]float64, p))
	}
	return dst
}
