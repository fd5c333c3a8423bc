package baseline

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/combin"
	"gonum.org/v1/gonum/stat/distuv"
)

const exactTol = 1e-12 // float64 closed forms

var (
	trueMean = []float64{1, -2, 0.5}
	trueCov  = mat.NewSymDense(3, []float64{
		1.0, 0.6, -0.3,
		0.6, 2.0, 0.4,
		-0.3, 0.4, 1.5,
	})
)

// contaminated draws n rows from N(trueMean, trueCov), the last share of
// them replaced by gross outliers around trueMean + 8 (spread 0.5).
func contaminated(rng *rand.Rand, n int, share float64) (x *mat.Dense, outliers []int) {
	var chol mat.Cholesky
	if !chol.Factorize(trueCov) {
		panic("test covariance not positive definite")
	}
	var l mat.TriDense
	chol.LTo(&l)
	p := len(trueMean)
	x = mat.NewDense(n, p, nil)
	z := make([]float64, p)
	nOut := int(share * float64(n))
	for i := range n {
		for j := range z {
			z[j] = rng.NormFloat64()
		}
		for j := range p {
			v := trueMean[j]
			if i >= n-nOut {
				v = trueMean[j] + 8 + 0.5*z[j]
			} else {
				for k := 0; k <= j; k++ {
					v += l.At(j, k) * z[k]
				}
			}
			x.Set(i, j, v)
		}
		if i >= n-nOut {
			outliers = append(outliers, i)
		}
	}
	return x, outliers
}

func TestMCDOutliers(t *testing.T) {
	// Estimation error allowed, in units of sqrt(Σii Σjj): sampling error
	// of 320-2400 clean rows is below 0.1, and the reweighted covariance
	// (not rescaled) is about 7% low for p=3 at the 0.975 cut-off.
	const tol = 0.2
	for _, test := range []struct {
		name string
		n    int
	}{
		{"n=400 single stage", 400},
		{"n=3000 nested", 3000},
	} {
		rng := rand.New(rand.NewPCG(1, uint64(test.n)))
		x, outliers := contaminated(rng, test.n, 0.2)
		m, err := FitMCD(x, rng, nil)
		if err != nil {
			t.Fatalf("%s: %v", test.name, err)
		}
		p := len(trueMean)
		for j := range p {
			s := math.Sqrt(trueCov.At(j, j))
			if math.Abs(m.Location[j]-trueMean[j]) > tol*s {
				t.Errorf("%s: location[%d] = %.3f, true %.3f", test.name, j, m.Location[j], trueMean[j])
			}
			if c := stat.Mean(mat.Col(nil, j, x), nil); math.Abs(c-trueMean[j]) < 1 {
				t.Errorf("%s: classical mean[%d] = %.3f is close to the truth: the outliers are not gross", test.name, j, c)
			}
			for k := range p {
				s := math.Sqrt(trueCov.At(j, j) * trueCov.At(k, k))
				if math.Abs(m.Covariance.At(j, k)-trueCov.At(j, k)) > tol*s {
					t.Errorf("%s: covariance[%d,%d] = %.3f, true %.3f", test.name, j, k, m.Covariance.At(j, k), trueCov.At(j, k))
				}
			}
		}
		classical := mat.NewSymDense(p, nil)
		stat.CovarianceMatrix(classical, x, nil)
		if math.Abs(classical.At(0, 0)-trueCov.At(0, 0)) < 1 {
			t.Errorf("%s: classical variance %.3f is close to the truth", test.name, classical.At(0, 0))
		}

		d := m.Distances(nil, x)
		order := make([]int, len(d))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int { return -cmpFloat(d[a], d[b]) })
		top := slices.Sorted(slices.Values(order[:len(outliers)]))
		if !slices.Equal(top, outliers) {
			t.Errorf("%s: the %d largest distances are not the outliers", test.name, len(outliers))
		}
		if len(m.Support) != (test.n+p+2)/2 {
			t.Errorf("%s: %d support rows, want ceil((n+p+1)/2) = %d", test.name, len(m.Support), (test.n+p+2)/2)
		}
		for _, i := range m.Support {
			if i >= test.n-len(outliers) {
				t.Errorf("%s: outlier row %d in the MCD support", test.name, i)
				break
			}
		}
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestMCDDeterministic(t *testing.T) {
	x, _ := contaminated(rand.New(rand.NewPCG(2, 2)), 900, 0.2)
	fit := func() *MCD {
		m, err := FitMCD(x, rand.New(rand.NewPCG(42, 0)), &MCDOptions{Starts: 50})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	a, b := fit(), fit()
	if !slices.Equal(a.Location, b.Location) || !slices.Equal(a.Support, b.Support) ||
		!mat.Equal(a.Covariance, b.Covariance) || a.Consistency != b.Consistency {
		t.Error("same seed gave different fits")
	}
}

// TestMCDExact compares FastMCD's raw subset with the exact MCD found by
// enumerating every h-subset of a small data set: the independent reference.
func TestMCDExact(t *testing.T) {
	const n, p = 12, 2
	h := (n + p + 2) / 2 // 8 of 12 rows: 495 subsets
	for seed := range uint64(5) {
		rng := rand.New(rand.NewPCG(seed, 9))
		x := mat.NewDense(n, p, nil)
		for i := range n {
			for j := range p {
				v := rng.NormFloat64()
				if i < 3 { // three outliers
					v = 4 + 3*rng.Float64()
				}
				x.Set(i, j, v)
			}
		}
		exact := math.Inf(1)
		var exactSet []int
		sub := mat.NewDense(h, p, nil)
		cov := mat.NewSymDense(p, nil)
		for _, set := range combin.Combinations(n, h) {
			for r, i := range set {
				sub.SetRow(r, x.RawRowView(i))
			}
			stat.CovarianceMatrix(cov, sub, nil)
			if ld := math.Log(mat.Det(cov)); ld < exact {
				exact, exactSet = ld, set
			}
		}
		m, err := FitMCD(x, rng, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(m.Support, exactSet) {
			t.Errorf("seed %d: FastMCD support %v, exact MCD subset %v", seed, m.Support, exactSet)
		}
		// stat.CovarianceMatrix divides by h-1, FitMCD by h.
		got := math.Log(mat.Det(m.RawCovariance)) + p*math.Log(float64(h)/float64(h-1))
		if !scalar.EqualWithinAbs(got, exact, 1e-9) {
			t.Errorf("seed %d: raw log det %v, exact minimum %v", seed, got, exact)
		}
	}
}

// TestMCDReweight recomputes the consistency factor and the reweighted
// estimate from the raw one with gonum's stat and mat (inverse instead of
// Cholesky solves).
func TestMCDReweight(t *testing.T) {
	x, _ := contaminated(rand.New(rand.NewPCG(3, 3)), 300, 0.15)
	m, err := FitMCD(x, rand.New(rand.NewPCG(4, 4)), nil)
	if err != nil {
		t.Fatal(err)
	}
	n, p := x.Dims()
	var inv mat.Dense
	if err := inv.Inverse(m.RawCovariance); err != nil {
		t.Fatal(err)
	}
	d := make([]float64, n)
	v := mat.NewVecDense(p, nil)
	for i := range n {
		for j := range p {
			v.SetVec(j, x.At(i, j)-m.RawLocation[j])
		}
		d[i] = mat.Inner(v, &inv, v)
	}
	sorted := slices.Sorted(slices.Values(d))
	med := (sorted[n/2-1] + sorted[n/2]) / 2
	chi2 := distuv.ChiSquared{K: float64(p)}
	cons := med / chi2.Quantile(0.5)
	if !scalar.EqualWithinRel(m.Consistency, cons, 1e-10) {
		t.Errorf("consistency %v, recomputed %v", m.Consistency, cons)
	}
	var inl []int
	for i, di := range d {
		if di/cons < chi2.Quantile(0.975) {
			inl = append(inl, i)
		}
	}
	if !slices.Equal(inl, m.Inliers) {
		t.Fatalf("inliers differ from the recomputed ones")
	}
	sub := mat.NewDense(len(inl), p, nil)
	for r, i := range inl {
		sub.SetRow(r, x.RawRowView(i))
	}
	cov := mat.NewSymDense(p, nil)
	stat.CovarianceMatrix(cov, sub, nil)
	cov.ScaleSym(float64(len(inl)-1)/float64(len(inl)), cov)
	for j := range p {
		if mu := stat.Mean(mat.Col(nil, j, sub), nil); !scalar.EqualWithinAbs(m.Location[j], mu, exactTol) {
			t.Errorf("location[%d] = %v, gonum mean of inliers %v", j, m.Location[j], mu)
		}
		for k := range p {
			if !scalar.EqualWithinAbs(m.Covariance.At(j, k), cov.At(j, k), exactTol) {
				t.Errorf("covariance[%d,%d] = %v, gonum %v", j, k, m.Covariance.At(j, k), cov.At(j, k))
			}
		}
	}
}

func TestMCDSupportOne(t *testing.T) {
	// With h = n the MCD subset is all rows: the raw estimate is the
	// classical mean and (ML) covariance, computed here by gonum/stat.
	x, _ := contaminated(rand.New(rand.NewPCG(5, 5)), 200, 0.1)
	m, err := FitMCD(x, rand.New(rand.NewPCG(6, 6)), &MCDOptions{Support: 1})
	if err != nil {
		t.Fatal(err)
	}
	n, p := x.Dims()
	cov := mat.NewSymDense(p, nil)
	stat.CovarianceMatrix(cov, x, nil)
	for j := range p {
		if mu := stat.Mean(mat.Col(nil, j, x), nil); !scalar.EqualWithinAbs(m.RawLocation[j], mu, exactTol) {
			t.Errorf("raw location[%d] = %v, gonum mean %v", j, m.RawLocation[j], mu)
		}
		for k := range p {
			want := cov.At(j, k) * float64(n-1) / float64(n)
			if !scalar.EqualWithinAbs(m.RawCovariance.At(j, k), want, exactTol) {
				t.Errorf("raw covariance[%d,%d] = %v, gonum %v", j, k, m.RawCovariance.At(j, k), want)
			}
		}
	}
	if len(m.Support) != n {
		t.Errorf("support has %d rows, want %d", len(m.Support), n)
	}
}

func TestMCDErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	randn := func(n, p int) *mat.Dense {
		x := mat.NewDense(n, p, nil)
		for i := range n {
			for j := range p {
				x.Set(i, j, rng.NormFloat64())
			}
		}
		return x
	}
	constant := randn(50, 3)
	for i := range 50 {
		constant.Set(i, 1, 7)
	}
	collinear := randn(50, 3) // rows sum to zero, like clr coordinates
	for i := range 50 {
		collinear.Set(i, 2, -collinear.At(i, 0)-collinear.At(i, 1))
	}
	exactFit := randn(50, 2) // 40 of 50 rows on the line y = 2x
	for i := range 40 {
		exactFit.Set(i, 1, 2*exactFit.At(i, 0))
	}
	mostlyConstant := randn(1000, 2) // nested stages; only 10 rows vary in column 1
	for i := 10; i < 1000; i++ {
		mostlyConstant.Set(i, 1, 3)
	}
	for _, test := range []struct {
		name string
		x    *mat.Dense
		want error
	}{
		{"mostly constant column", mostlyConstant, ErrSingular},
		{"p > n", randn(3, 5), ErrTooFewRows},
		{"n = p", randn(4, 4), ErrTooFewRows},
		{"constant column", constant, ErrSingular},
		{"collinear columns", collinear, ErrSingular},
		{"exact fit", exactFit, ErrSingular},
		{"tiny n = p+1", randn(4, 3), nil},
		{"one column", randn(5, 1), nil},
	} {
		m, err := FitMCD(test.x, rng, nil)
		if !errors.Is(err, test.want) {
			t.Errorf("%s: error %v, want %v", test.name, err, test.want)
		}
		if err == nil {
			n, _ := test.x.Dims()
			if len(m.Inliers) == 0 || len(m.Support) > n {
				t.Errorf("%s: %d inliers, %d support rows", test.name, len(m.Inliers), len(m.Support))
			}
		}
	}
}

func BenchmarkFitMCD(b *testing.B) {
	for _, n := range []int{500, 5000} {
		x, _ := contaminated(rand.New(rand.NewPCG(8, 8)), n, 0.2)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				FitMCD(x, rand.New(rand.NewPCG(9, 9)), nil)
			}
		})
	}
}

func TestNth(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	for _, n := range []int{1, 2, 3, 10, 101} {
		for _, levels := range []int{1, 3, 1000} {
			v := make([]float64, n)
			for i := range v {
				v[i] = float64(rng.IntN(levels))
			}
			sorted := slices.Sorted(slices.Values(v))
			for k := range n {
				if got := nth(slices.Clone(v), k); got != sorted[k] {
					t.Fatalf("n=%d levels=%d: nth(%d) = %v, want %v", n, levels, k, got, sorted[k])
				}
			}
		}
	}
}

func TestFitMCDPanics(t *testing.T) {
	x := mat.NewDense(10, 2, nil)
	for i := range 10 {
		x.Set(i, 0, float64(i))
		x.Set(i, 1, float64(i*i))
	}
	x.Set(3, 1, math.NaN())
	defer func() {
		if recover() == nil {
			t.Error("FitMCD with a NaN did not panic")
		}
	}()
	FitMCD(x, rand.New(rand.NewPCG(1, 1)), nil)
}
