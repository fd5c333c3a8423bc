package synth

import (
	"bytes"
	"encoding/csv"
	"math"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

func csvBytes(t *testing.T, s *Survey) (samples, deposits []byte) {
	t.Helper()
	var a, b bytes.Buffer
	if err := s.WriteSamplesCSV(&a); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteDepositsCSV(&b); err != nil {
		t.Fatal(err)
	}
	return a.Bytes(), b.Bytes()
}

func TestDeterministic(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  *Config
	}{
		{"nil", nil},
		{"demo", Demo()},
		{"gridded", &Config{Seed: 3, Gridded: true, Cols: 40, Rows: 30, Cell: 500, Deposits: 3}},
		{"rgnr", &Config{Seed: 4, Samples: 300, Elements: RGNR, Kinds: []string{"orogenic", "skarn"}}},
		{"weak", &Config{Seed: 5, Samples: 200, Strength: 0.5, Width: 20000, Height: 20000, Deposits: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s1, d1 := csvBytes(t, Generate(tc.cfg))
			s2, d2 := csvBytes(t, Generate(tc.cfg))
			if !bytes.Equal(s1, s2) || !bytes.Equal(d1, d2) {
				t.Fatal("same config, different CSV bytes")
			}
			var other Config
			if tc.cfg != nil {
				other = *tc.cfg
			}
			other.Seed++
			s3, _ := csvBytes(t, Generate(&other))
			if bytes.Equal(s1, s3) {
				t.Fatal("different seeds, same CSV bytes")
			}
		})
	}
}

// The geology and the deposits come from their own random streams: the
// number of samples and the element list do not move them.
func TestStreamsIndependent(t *testing.T) {
	a := Generate(&Config{Seed: 9})
	b := Generate(&Config{Seed: 9, Samples: 300, Elements: []string{"Cu", "Au"}})
	if len(a.Deposits) != len(b.Deposits) {
		t.Fatalf("deposits: %d vs %d", len(a.Deposits), len(b.Deposits))
	}
	for i := range a.Deposits {
		if a.Deposits[i] != b.Deposits[i] {
			t.Errorf("deposit %d: %+v vs %+v", i, a.Deposits[i], b.Deposits[i])
		}
	}
}

func TestDefaults(t *testing.T) {
	s := Generate(nil)
	if got, want := len(s.Values), 1200; got != want {
		t.Errorf("samples: got %d, want %d", got, want)
	}
	if got, want := len(s.Deposits), 8; got != want {
		t.Errorf("deposits: got %d, want %d", got, want)
	}
	if got, want := strings.Join(s.Names, " "), strings.Join(DefaultElements, " "); got != want {
		t.Errorf("elements: got %s, want %s", got, want)
	}
	seen := map[string]int{}
	for _, d := range s.Deposits {
		seen[d.Kind]++
	}
	for _, k := range Kinds() {
		if seen[k] != 2 {
			t.Errorf("kind %s: %d deposits, want 2", k, seen[k])
		}
	}
	// District of 40 km x 30 km centred near (500,000, 2,800,000).
	xmin, xmax := minMax(s.X)
	ymin, ymax := minMax(s.Y)
	if xmin < 480000 || xmax > 520000 || ymin < 2785000 || ymax > 2815000 {
		t.Errorf("extent x [%v, %v] y [%v, %v] outside the 40 km x 30 km district", xmin, xmax, ymin, ymax)
	}
	// Scattered, not a lattice: nearest-neighbour distances vary.
	nn := nearest(s.X, s.Y)
	lo, hi := minMax(nn)
	if !(hi > 2*lo) {
		t.Errorf("nearest-neighbour distances %v..%v: sites look like a lattice", lo, hi)
	}
}

// TestCSVRoundTrip parses the written samples back and compares them with
// Survey.Values exactly: the written decimals are the stored values.
func TestCSVRoundTrip(t *testing.T) {
	s := Generate(Demo())
	samples, _ := csvBytes(t, s)
	recs, err := csv.NewReader(bytes.NewReader(samples)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(s.Values)+1 {
		t.Fatalf("%d records, want %d", len(recs), len(s.Values)+1)
	}
	for k, h := range recs[0][3:] {
		if want := s.Names[k] + "_" + s.Units[k]; h != want {
			t.Errorf("header %d: %s, want %s", k, h, want)
		}
	}
	var less, neg, empty int
	for i, rec := range recs[1:] {
		x, _ := strconv.ParseFloat(rec[1], 64)
		y, _ := strconv.ParseFloat(rec[2], 64)
		if rec[0] != s.IDs[i] || x != s.X[i] || y != s.Y[i] {
			t.Fatalf("row %d: %v, want %s %v %v", i+1, rec[:3], s.IDs[i], s.X[i], s.Y[i])
		}
		for k, f := range rec[3:] {
			v := s.Values[i][k]
			var got float64
			switch {
			case f == "":
				empty++
				got = math.NaN()
			case strings.HasPrefix(f, "<"):
				less++
				got, err = strconv.ParseFloat(f[1:], 64)
				got = -got
			default:
				if strings.HasPrefix(f, "-") {
					neg++
				}
				got, err = strconv.ParseFloat(f, 64)
			}
			if err != nil {
				t.Fatalf("row %d column %d: %q: %v", i+1, k+3, f, err)
			}
			if !(got == v || math.IsNaN(got) && math.IsNaN(v)) {
				t.Fatalf("row %d %s: written %q, stored %v", i+1, s.Names[k], f, v)
			}
		}
	}
	if less == 0 || neg == 0 || empty == 0 {
		t.Errorf("written <limit %d, -limit %d, empty %d: want all three styles present", less, neg, empty)
	}
}

func TestBelowDetectionAndMissing(t *testing.T) {
	s := Generate(Demo())
	n := len(s.Values)
	for _, tc := range []struct {
		el                 string
		minBelow, maxBelow float64 // share of samples below detection
		minMiss, maxMiss   float64 // share missing
	}{
		// Au: median 1.5 ppb, detection limit 1 ppb, sdlog 0.6: about 25% below (catalog).
		{"Au", 0.10, 0.40, 0, 0.02},
		{"Mo", 0.01, 0.15, 0, 0.02},
		{"Sb", 0.005, 0.10, 0, 0.02},
		{"Cu", 0, 0, 0, 0.02},
		// Hg: one laboratory batch of 5% not analysed, plus 0.3% at random.
		{"Hg", 0, 0, 0.045, 0.07},
		{"SiO2", 0, 0, 0, 0.02},
	} {
		t.Run(tc.el, func(t *testing.T) {
			k := index(s.Names, tc.el)
			var below, miss int
			for _, row := range s.Values {
				switch v := row[k]; {
				case math.IsNaN(v):
					miss++
				case v < 0:
					below++
					if v != -s.Limits[k] {
						t.Fatalf("below detection stored as %v, want %v", v, -s.Limits[k])
					}
				case v < s.Limits[k]:
					t.Fatalf("value %v under the limit %v not marked", v, s.Limits[k])
				}
			}
			fb, fm := float64(below)/float64(n), float64(miss)/float64(n)
			if fb < tc.minBelow || fb > tc.maxBelow {
				t.Errorf("below detection %.3f, want in [%v, %v]", fb, tc.minBelow, tc.maxBelow)
			}
			if fm < tc.minMiss || fm > tc.maxMiss {
				t.Errorf("missing %.3f, want in [%v, %v]", fm, tc.minMiss, tc.maxMiss)
			}
		})
	}
}

// TestBackgroundLogNormal checks, on metasediment samples far from
// deposits in a large district, that each element's median is near the
// catalogue background and ln(value) is close to symmetric.
func TestBackgroundLogNormal(t *testing.T) {
	const (
		medianFactor = 1.5  // medians within a factor 1.5 of the catalogue (spatial fields shift regional medians)
		maxLogSkew   = 0.5  // |skewness| of ln(value); a log-normal has 0
		sdRatio      = 0.35 // sd of ln(value) within sdlog*(1 +- 0.35)
		farAway      = 8000 // metres from any deposit
	)
	s := Generate(&Config{Seed: 11, Width: 100000, Height: 100000, Samples: 4000, Elements: RGNR, Deposits: 10})
	var rows []int
	for i := range s.Values {
		if s.Lith[i] == metasediments && distToDeposit(s, s.X[i], s.Y[i]) > farAway {
			rows = append(rows, i)
		}
	}
	if len(rows) < 500 {
		t.Fatalf("%d background metasediment samples, want at least 500", len(rows))
	}
	for k, name := range s.Names {
		e, _ := lookup(name)
		var lv []float64
		below := 0
		for _, i := range rows {
			v := s.Values[i][k]
			if math.IsNaN(v) {
				continue
			}
			if v < 0 {
				below++
				v = 0.5 * -v // below the limit: sorts below every detected value
			}
			lv = append(lv, math.Log(v))
		}
		sort.Float64s(lv)
		med := math.Exp(stat.Quantile(0.5, stat.Empirical, lv, nil))
		if med < e.median/medianFactor || med > e.median*medianFactor {
			t.Errorf("%s: median %.3g, catalogue %.3g", name, med, e.median)
		}
		if float64(below) > 0.01*float64(len(lv)) {
			continue // censored: moments are not meaningful
		}
		if sk := stat.Skew(lv, nil); math.Abs(sk) > maxLogSkew {
			t.Errorf("%s: skewness of ln(value) %.2f", name, sk)
		}
		if sd := stat.StdDev(lv, nil); math.Abs(sd/e.sdlog-1) > sdRatio {
			t.Errorf("%s: sd of ln(value) %.3f, catalogue %.3f", name, sd, e.sdlog)
		}
	}
}

// TestHalos checks that samples near deposits are enriched in the main
// elements of their association, measured against samples of the same
// lithology far from any deposit.
func TestHalos(t *testing.T) {
	const (
		near    = 1000 // metres
		far     = 6000 // metres
		minPeak = 4    // the main elements of each association (peak factor >= 4) are checked
		// Expected shift at 1 km: size (0.7-1.2) * ln(peak) * exp(-0.5 (d/radius)^2),
		// d stretched by up to sqrt(aspect = 2): at least 0.7 * 0.37 * ln(peak) at the
		// worst, 0.6 ln(peak) typically; the test asks for 0.3 ln(peak) of the median.
		minShare = 0.3
	)
	s := Generate(Demo())
	lv := logValues(s)
	// Background median per lithology and element.
	bg := make([][]float64, len(lithologies))
	for l := range bg {
		bg[l] = make([]float64, len(s.Names))
		for k := range s.Names {
			var v []float64
			for i := range s.Values {
				if s.Lith[i] == l && !math.IsNaN(lv[k][i]) && distToDeposit(s, s.X[i], s.Y[i]) > far {
					v = append(v, lv[k][i])
				}
			}
			bg[l][k] = median(v)
		}
	}
	for _, kd := range kinds {
		t.Run(kd.name, func(t *testing.T) {
			var near_ []int
			for i := range s.Values {
				for _, d := range s.Deposits {
					if d.Kind == kd.name && math.Hypot(s.X[i]-d.X, s.Y[i]-d.Y) < near {
						near_ = append(near_, i)
					}
				}
			}
			if len(near_) < 3 {
				t.Fatalf("%d samples within %d m of %s deposits", len(near_), near, kd.name)
			}
			for _, h := range kd.halos {
				k := index(s.Names, h.el)
				if h.ring != 0 || h.peak < minPeak || k < 0 {
					continue
				}
				var d []float64
				for _, i := range near_ {
					if !math.IsNaN(lv[k][i]) && !math.IsNaN(bg[s.Lith[i]][k]) {
						d = append(d, lv[k][i]-bg[s.Lith[i]][k])
					}
				}
				got := median(d)
				if want := minShare * math.Log(h.peak); !(got > want) {
					t.Errorf("%s: median log enrichment %.2f near %s deposits, want > %.2f", h.el, got, kd.name, want)
				}
			}
		})
	}
}

// TestNotTrivial measures, at sample level, how well single elements and
// multivariate scores separate the samples within 1.5 km of a deposit from
// the rest (AUC), on the demo and two other seeds. The halos must be
// visible to a robust multivariate detector, better than to the best
// single element, and no single element may see every deposit.
func TestNotTrivial(t *testing.T) {
	const (
		radius      = 1500 // metres: a sample is "near" a deposit
		maxSingle   = 0.85 // no single element reaches this AUC
		minGain     = 0.05 // robust Mahalanobis AUC - best single AUC
		minRobust   = 0.8  // robust Mahalanobis AUC
		topShare    = 0.05 // "found": a near sample in the top 5% of scores
		minMeanRank = 0.75 // mean percentile of near samples in the sum of squared z
	)
	var sumMV, sumBest float64
	seeds := []uint64{DemoSeed, 1, 2}
	for _, seed := range seeds {
		s := Generate(&Config{Seed: seed})
		lv := logValues(s)
		pos := make([]bool, len(s.Values))
		for i := range pos {
			pos[i] = distToDeposit(s, s.X[i], s.Y[i]) < radius
		}
		best, bestK := 0.0, 0
		for k := range s.Names {
			if a := auc(lv[k], pos); a > best {
				best, bestK = a, k
			}
		}
		mv := sumSquaredZ(lv)
		rmd := robustMahalanobis(lv)
		aMV, aRMD := auc(mv, pos), auc(rmd, pos)
		fBest, fRMD := found(s, lv[bestK], radius, topShare), found(s, rmd, radius, topShare)
		t.Logf("seed %d: best single %s AUC %.3f (finds %d/%d), sum z^2 AUC %.3f (mean rank %.2f), robust Mahalanobis AUC %.3f (finds %d/%d)",
			seed, s.Names[bestK], best, fBest, len(s.Deposits), aMV, meanRank(mv, pos), aRMD, fRMD, len(s.Deposits))
		if best >= maxSingle {
			t.Errorf("seed %d: %s alone reaches AUC %.3f", seed, s.Names[bestK], best)
		}
		if fBest >= len(s.Deposits) {
			t.Errorf("seed %d: %s alone finds every deposit", seed, s.Names[bestK])
		}
		if aRMD < minRobust || aRMD < best+minGain {
			t.Errorf("seed %d: robust Mahalanobis AUC %.3f, best single %.3f", seed, aRMD, best)
		}
		if fRMD < fBest {
			t.Errorf("seed %d: robust Mahalanobis finds %d deposits, %s %d", seed, fRMD, s.Names[bestK], fBest)
		}
		if r := meanRank(mv, pos); r < minMeanRank {
			t.Errorf("seed %d: near samples' mean percentile in sum z^2 %.2f", seed, r)
		}
		sumMV += aMV
		sumBest += best
	}
	if !(sumMV > sumBest) {
		t.Errorf("mean AUC: sum of squared z %.3f, best single element %.3f", sumMV/3, sumBest/3)
	}
}

func TestPaperShaped(t *testing.T) {
	if testing.Short() {
		t.Skip("77,810 cells x 39 elements: about a second")
	}
	s := Generate(PaperShaped(1))
	g := s.Geom
	if g == nil || g.Cols != 251 || g.Rows != 310 || g.Cell != 500 {
		t.Fatalf("geometry %+v, want 251 x 310 cells of 500 m", g)
	}
	if len(s.Values) != 77810 {
		t.Fatalf("%d cells, want 77,810 (Fe paper)", len(s.Values))
	}
	if strings.Join(s.Names, " ") != strings.Join(RGNR, " ") || len(s.Names) != 39 {
		t.Errorf("elements %v, want the 39 RGNR elements", s.Names)
	}
	if len(s.Deposits) != 19 {
		t.Errorf("%d deposits, want 19", len(s.Deposits))
	}
	for i, d := range s.Deposits {
		if d.Kind != "skarn" || d.Commodity != "Fe" {
			t.Errorf("deposit %d: %s %s, want Fe skarn", i, d.Kind, d.Commodity)
		}
		if _, _, ok := g.Locate(d.X, d.Y); !ok {
			t.Errorf("deposit %d at (%v, %v) off the grid", i, d.X, d.Y)
		}
	}
	for i, row := range s.Values {
		for k, v := range row {
			if !(v > 0) || math.IsInf(v, 0) {
				t.Fatalf("cell %d %s = %v: a gridded survey has positive values only", i, s.Names[k], v)
			}
		}
	}
	st := s.Stack()
	for i := 0; i < len(s.Values); i += 997 {
		c, r := i%g.Cols, i/g.Cols
		x, y := g.CellXY(c, r)
		if x != s.X[i] || y != s.Y[i] {
			t.Fatalf("cell %d at (%v, %v), geometry says (%v, %v)", i, s.X[i], s.Y[i], x, y)
		}
		for k, v := range st.CellValues(i) {
			if v != float32(s.Values[i][k]) {
				t.Fatalf("stack cell %d layer %d: %v, want %v", i, k, v, s.Values[i][k])
			}
		}
	}
	// Fe skarn halos at the deposit cells, against the median of cells of the
	// same lithology. Cell centres lie within 354 m of the deposit, where the
	// halo keeps over 90% of size (0.7-1.2) * ln(peak): ask for half of ln(peak).
	lv := logValues(s)
	for _, tc := range []struct {
		el   string
		peak float64 // catalogue: kinds, "skarn"
	}{
		{"Fe2O3", 3}, {"Cu", 5}, {"Co", 3.5},
	} {
		k := index(s.Names, tc.el)
		bg := make([]float64, len(lithologies))
		for l := range bg {
			var v []float64
			for i, x := range lv[k] {
				if s.Lith[i] == l {
					v = append(v, x)
				}
			}
			bg[l] = median(v)
		}
		var d []float64
		for _, dp := range s.Deposits {
			c, r, _ := g.Locate(dp.X, dp.Y)
			i := g.Index(c, r)
			d = append(d, lv[k][i]-bg[s.Lith[i]])
		}
		if got, want := median(d), 0.5*math.Log(tc.peak); got < want {
			t.Errorf("%s: median log enrichment at deposit cells %.2f, want >= %.2f", tc.el, got, want)
		}
	}
}

func TestPanics(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"unknown element", func() { Generate(&Config{Elements: []string{"Unobtainium"}}) }},
		{"duplicate element", func() { Generate(&Config{Elements: []string{"Cu", "Au", "Cu"}}) }},
		{"unknown kind", func() { Generate(&Config{Kinds: []string{"kimberlite"}}) }},
		{"empty kinds", func() { Generate(&Config{Kinds: []string{}}) }},
		{"negative samples", func() { Generate(&Config{Samples: -1}) }},
		{"negative cell", func() { Generate(&Config{Gridded: true, Cell: -5}) }},
		{"stack of points", func() { Generate(&Config{Samples: 10}).Stack() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				msg, ok := r.(string)
				if !ok || !strings.HasPrefix(msg, "synth: ") {
					t.Errorf("recovered %v, want a synth: panic", r)
				}
			}()
			tc.f()
		})
	}
}

// logValues returns ln(value) per element and sample: NaN for missing,
// ln(0.65 limit) below detection (METHODS.md replacement).
func logValues(s *Survey) [][]float64 {
	lv := make([][]float64, len(s.Names))
	for k := range lv {
		lv[k] = make([]float64, len(s.Values))
		for i, row := range s.Values {
			v := row[k]
			if v < 0 {
				v = -0.65 * v
			}
			lv[k][i] = math.Log(v)
		}
	}
	return lv
}

func index(names []string, name string) int {
	for k, n := range names {
		if n == name {
			return k
		}
	}
	return -1
}

func distToDeposit(s *Survey, x, y float64) float64 {
	d := math.Inf(1)
	for _, dp := range s.Deposits {
		d = min(d, math.Hypot(x-dp.X, y-dp.Y))
	}
	return d
}

func minMax(x []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range x {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

func nearest(x, y []float64) []float64 {
	d := make([]float64, len(x))
	for i := range x {
		d[i] = math.Inf(1)
		for j := range x {
			if i != j {
				d[i] = min(d[i], math.Hypot(x[i]-x[j], y[i]-y[j]))
			}
		}
	}
	return d
}

// median of the non-NaN values (NaN if none).
func median(x []float64) float64 {
	var v []float64
	for _, a := range x {
		if !math.IsNaN(a) {
			v = append(v, a)
		}
	}
	if len(v) == 0 {
		return math.NaN()
	}
	sort.Float64s(v)
	return stat.Quantile(0.5, stat.Empirical, v, nil)
}

// auc is the Mann-Whitney AUC of score (higher = positive), ties one half,
// NaN scores skipped.
func auc(score []float64, pos []bool) float64 {
	type sp struct {
		s float64
		p bool
	}
	var v []sp
	var np, nn float64
	for i, s := range score {
		if math.IsNaN(s) {
			continue
		}
		v = append(v, sp{s, pos[i]})
		if pos[i] {
			np++
		} else {
			nn++
		}
	}
	sort.Slice(v, func(i, j int) bool { return v[i].s < v[j].s })
	// Sum of positive ranks with mid-ranks for ties.
	var rsum float64
	for i := 0; i < len(v); {
		j := i
		for j < len(v) && v[j].s == v[i].s {
			j++
		}
		mid := float64(i+j+1) / 2
		for k := i; k < j; k++ {
			if v[k].p {
				rsum += mid
			}
		}
		i = j
	}
	return (rsum - np*(np+1)/2) / (np * nn)
}

// meanRank is the mean percentile (0-1) of the positive samples' scores.
func meanRank(score []float64, pos []bool) float64 {
	sorted := append([]float64(nil), score...)
	sort.Float64s(sorted)
	var s, n float64
	for i, v := range score {
		if pos[i] {
			s += float64(sort.SearchFloat64s(sorted, v)) / float64(len(sorted))
			n++
		}
	}
	return s / n
}

// found counts deposits with a sample within radius scoring in the top share.
func found(s *Survey, score []float64, radius, share float64) int {
	var v []float64
	for _, x := range score {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	sort.Float64s(v)
	thr := v[int((1-share)*float64(len(v)))]
	n := 0
	for _, d := range s.Deposits {
		for i := range s.Values {
			if score[i] >= thr && math.Hypot(s.X[i]-d.X, s.Y[i]-d.Y) < radius {
				n++
				break
			}
		}
	}
	return n
}

// sumSquaredZ is sum over elements of the squared robust z-score
// ((x - median) / (1.4826 MAD)) of ln(value); missing values add nothing.
func sumSquaredZ(lv [][]float64) []float64 {
	out := make([]float64, len(lv[0]))
	for _, x := range lv {
		m := median(x)
		ad := make([]float64, len(x))
		for i, v := range x {
			ad[i] = math.Abs(v - m)
		}
		mad := 1.4826 * median(ad)
		for i, v := range x {
			if !math.IsNaN(v) {
				z := (v - m) / mad
				out[i] += z * z
			}
		}
	}
	return out
}

// robustMahalanobis is the squared Mahalanobis distance of ln(values)
// (missing replaced by the median) with mean and covariance re-estimated
// five times on the 75% of samples closest to the previous fit (C-steps of
// the minimum covariance determinant, Rousseeuw & Van Driessen 1999).
func robustMahalanobis(lv [][]float64) []float64 {
	d, n := len(lv), len(lv[0])
	x := mat.NewDense(n, d, nil)
	for k := range d {
		m := median(lv[k])
		for i, v := range lv[k] {
			if math.IsNaN(v) {
				v = m
			}
			x.Set(i, k, v)
		}
	}
	dist := make([]float64, n)
	keep := make([]int, n)
	for i := range keep {
		keep[i] = i
	}
	y, z := mat.NewVecDense(d, nil), mat.NewVecDense(d, nil)
	for range 6 {
		sub := mat.NewDense(len(keep), d, nil)
		for j, i := range keep {
			sub.SetRow(j, x.RawRowView(i))
		}
		var cov mat.SymDense
		stat.CovarianceMatrix(&cov, sub, nil)
		mean := make([]float64, d)
		for k := range d {
			mean[k] = stat.Mean(mat.Col(nil, k, sub), nil)
		}
		var ch mat.Cholesky
		if !ch.Factorize(&cov) {
			panic("covariance not positive definite")
		}
		for i := range n {
			for k := range d {
				y.SetVec(k, x.At(i, k)-mean[k])
			}
			if err := ch.SolveVecTo(z, y); err != nil {
				panic(err)
			}
			dist[i] = mat.Dot(y, z)
		}
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return dist[order[a]] < dist[order[b]] })
		keep = order[:n*3/4]
	}
	return dist
}
