package synth

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strconv"

	"halo/core/grid"
)

// Config describes a virtual district. The zero value (or a nil *Config)
// is a 40 km x 30 km district with 1,200 stream-sediment samples of the 21
// DefaultElements and 8 deposits of the four Kinds.
type Config struct {
	Seed uint64

	// Width and Height of the district in metres. Zero means 40 km x 30 km.
	// Ignored when Gridded (the lattice sets the size).
	Width, Height float64

	// Samples is the number of point samples, scattered like stream-sediment
	// sites (a jittered lattice). Zero means 1,200. Ignored when Gridded.
	Samples int

	// Elements are catalogue names ("Cu", "Fe2O3"; see RGNR). Nil means
	// DefaultElements. Units are fixed per element (Au, Ag, Hg, Cd in ppb,
	// oxides in wt%, the rest in ppm). An unknown name panics.
	Elements []string

	// Deposits is the number of deposits. Zero means 8.
	Deposits int

	// Kinds are the deposit models (see Kinds()) given to deposits in turn.
	// Nil means all of them.
	Kinds []string

	// Strength multiplies the log-enrichment of every halo. Zero means 1;
	// 0.5 gives halos half as strong in log units (a harder survey).
	Strength float64

	// Gridded produces a regular lattice of Cols x Rows cells of Cell metres
	// instead of point samples, without below-detection or missing values,
	// like an interpolated survey. Zero Cols, Rows, Cell mean 251 x 310 cells
	// of 500 m (the Fe paper's grid).
	Gridded    bool
	Cols, Rows int
	Cell       float64
}

// DemoSeed is the seed of the demo survey committed in assets/.
const DemoSeed = 2026

// Demo returns the configuration of the demo survey committed in assets/
// (demo_samples.csv, demo_deposits.csv): the default district with DemoSeed.
func Demo() *Config { return &Config{Seed: DemoSeed} }

// PaperShaped returns the configuration of a survey shaped like the Fe
// paper's (seeds/ppf-cnn-fe-fujian.txt): a 251 x 310 grid of 500 m cells,
// the 39 RGNR elements and 19 Fe skarn deposits.
func PaperShaped(seed uint64) *Config {
	return &Config{
		Seed:     seed,
		Elements: append([]string(nil), RGNR...),
		Deposits: 19,
		Kinds:    []string{"skarn"},
		Gridded:  true,
		Cols:     251, Rows: 310, Cell: 500,
	}
}

// Deposit is a known deposit of the district.
type Deposit struct {
	X, Y      float64 // metres, same frame as the samples
	Name      string  // fictional
	Commodity string  // e.g. "Cu-Mo-Au"
	Kind      string  // deposit model, one of Kinds()
	Host      string  // host lithology
}

// Survey is a generated survey.
type Survey struct {
	Names  []string  // element names, e.g. "Cu"
	Units  []string  // per element: "ppb", "ppm" or "pct"
	Limits []float64 // per element: lower detection limit in its unit
	Neg    []bool    // per element: below detection is written -limit (else "<limit")
	Decs   []int     // per element: decimals written

	IDs  []string  // sample ids
	X, Y []float64 // metres (UTM-like: x near 500,000, y near 2,800,000)

	// Values[i][k] is element k of sample i in Units[k]. NaN is missing; a
	// negative value is below detection, -Limits[k].
	Values [][]float64

	Lithologies []string // names of the rock units
	Lith        []int    // per sample: dominant unit, index into Lithologies

	Deposits []Deposit

	// Geom is the lattice of a gridded survey (samples are its cells in
	// index order r*Cols+c, row 0 south); nil for point samples.
	Geom *grid.Geom
}

// Stack returns a gridded survey's values as a grid.Stack in the header
// units. It panics if the survey is not gridded.
func (s *Survey) Stack() *grid.Stack {
	if s.Geom == nil {
		panic("synth: survey is not gridded")
	}
	st := grid.NewStack(*s.Geom, s.Names)
	d := len(s.Names)
	for i, row := range s.Values {
		for k, v := range row {
			st.Data[i*d+k] = float32(v)
		}
	}
	return st
}

// Random streams: every part draws from its own PCG stream so that, for
// example, the geology and the deposits do not change with Samples or
// Elements.
const (
	streamGeology = iota + 1
	streamDeposits
	streamSites
	streamShared
	streamMissing
)

const (
	spatialShare = 0.6   // share of the within-lithology log variance that is spatially correlated
	missingRate  = 0.003 // share of values missing at random (point samples)
	batchMissing = 0.05  // share of samples in one batch not analysed for one element
	closureLimit = 99.0  // wt%: analyses summing above this are scaled down
)

// Generate builds the survey described by cfg (nil means the zero Config).
// The same Config gives the same survey, value for value, and the same CSV
// bytes. It panics on an unknown or repeated element, an unknown deposit kind,
// an empty Kinds list or a negative size.
func Generate(cfg *Config) *Survey {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	c = defaults(c)

	els := make([]element, len(c.Elements))
	for k, name := range c.Elements {
		e, ok := lookup(name)
		if !ok {
			panic("synth: unknown element")
		}
		for _, prev := range els[:k] {
			if prev.name == name {
				panic("synth: duplicate element")
			}
		}
		els[k] = e
	}
	kk := make([]int, len(c.Kinds))
	for i, name := range c.Kinds {
		j, ok := kindIndex(name)
		if !ok {
			panic("synth: unknown deposit kind")
		}
		kk[i] = j
	}

	x0 := math.Floor((500000-c.Width/2)/1000) * 1000
	y0 := math.Floor((2800000-c.Height/2)/1000) * 1000

	geo := newGeology(c.Width, c.Height, stream(c.Seed, streamGeology))
	deps := placeDeposits(geo, kk, c.Deposits, stream(c.Seed, streamDeposits))

	var st sites
	if c.Gridded {
		st = sites{cols: c.Cols, rows: c.Rows, cell: c.Cell}
	} else {
		st = scatter(c.Width, c.Height, c.Samples, stream(c.Seed, streamSites))
	}
	n := st.len()

	// Lithology memberships per site.
	nl := len(lithologies)
	memb := make([]float64, n*nl)
	lith := make([]int, n)
	for i := range n {
		x, y := st.xy(i)
		m := memb[i*nl : (i+1)*nl]
		geo.membership(m, x, y)
		lith[i] = dominant(m)
	}

	// Shared regional factors.
	rs := stream(c.Seed, streamShared)
	clayF, heavyF := newField(rs, 3000, 25000), newField(rs, 3000, 25000)
	clay, heavy := make([]float64, n), make([]float64, n)
	clayF.eval(clay, &st)
	heavyF.eval(heavy, &st)

	h := 0
	if c.Gridded {
		h = max(1, int(math.Round(1000/c.Cell)))
	}
	logv := make([][]float64, len(els))
	own := make([]float64, n)
	nse := make([]float64, n)
	for k, e := range els {
		re := stream(c.Seed, nameStream(e.name))
		f := newField(re, 3000, 25000)
		f.eval(own, &st)
		noise(nse, &st, h, re)
		var shift [8]float64
		for l, li := range lithologies {
			for _, s := range li.shifts {
				if s.el == e.name {
					shift[l] = math.Log(s.f)
				}
			}
		}
		wo := math.Sqrt(max(0, 1-e.clay*e.clay-e.heavy*e.heavy))
		a, b := e.sdlog*math.Sqrt(spatialShare), e.sdlog*math.Sqrt(1-spatialShare)
		lv := make([]float64, n)
		base := math.Log(e.median)
		for i := range n {
			var ls float64
			for l, w := range memb[i*nl : (i+1)*nl] {
				ls += w * shift[l]
			}
			s := e.clay*clay[i] + e.heavy*heavy[i] + wo*own[i]
			lv[i] = base + ls + a*s + b*nse[i]
		}
		logv[k] = lv
	}
	addHalos(logv, els, deps, &st, c.Strength)

	sv := &Survey{
		Names:  make([]string, len(els)),
		Units:  make([]string, len(els)),
		Limits: make([]float64, len(els)),
		Neg:    make([]bool, len(els)),
		Decs:   make([]int, len(els)),
		IDs:    make([]string, n),
		X:      make([]float64, n),
		Y:      make([]float64, n),
		Values: make([][]float64, n),
		Lith:   lith,
	}
	for k, e := range els {
		sv.Names[k], sv.Units[k], sv.Limits[k], sv.Neg[k], sv.Decs[k] = e.name, e.unit, e.limit, e.neg, e.dec
	}
	for _, l := range lithologies {
		sv.Lithologies = append(sv.Lithologies, l.name)
	}
	prefix := "S"
	if c.Gridded {
		prefix = "G"
		sv.Geom = &grid.Geom{Cols: c.Cols, Rows: c.Rows, X0: x0, Y0: y0, Cell: c.Cell}
	}
	width := len(itoa(n))
	vals := make([]float64, n*len(els))
	for i := range n {
		x, y := st.xy(i)
		sv.X[i], sv.Y[i] = x0+x, y0+y
		sv.IDs[i] = prefix + pad(i+1, width)
		row := vals[i*len(els) : (i+1)*len(els) : (i+1)*len(els)]
		var total float64
		for k, e := range els {
			row[k] = math.Exp(logv[k][i])
			total += row[k] * toPct(e.unit)
		}
		scale := 1.0
		if total > closureLimit {
			scale = closureLimit / total
		}
		for k, e := range els {
			p := math.Pow10(e.dec)
			v := math.Round(row[k]*scale*p) / p
			switch {
			case c.Gridded:
				v = max(v, 1/p)
			case v < e.limit:
				v = -e.limit
			}
			row[k] = v
		}
		sv.Values[i] = row
	}
	if !c.Gridded {
		punchMissing(sv, stream(c.Seed, streamMissing))
	}
	for i, d := range deps {
		sv.Deposits = append(sv.Deposits, Deposit{
			X: x0 + math.Round(d.x), Y: y0 + math.Round(d.y),
			Name: depositName(i), Commodity: kinds[d.kind].commodity,
			Kind: kinds[d.kind].name, Host: lithologies[d.host].name,
		})
	}
	return sv
}

func defaults(c Config) Config {
	if c.Width < 0 || c.Height < 0 || c.Samples < 0 || c.Deposits < 0 || c.Cols < 0 || c.Rows < 0 || c.Cell < 0 || c.Strength < 0 {
		panic("synth: negative size")
	}
	if c.Gridded {
		if c.Cols == 0 {
			c.Cols = 251
		}
		if c.Rows == 0 {
			c.Rows = 310
		}
		if c.Cell == 0 {
			c.Cell = 500
		}
		c.Width, c.Height = float64(c.Cols)*c.Cell, float64(c.Rows)*c.Cell
	}
	if c.Width == 0 {
		c.Width = 40000
	}
	if c.Height == 0 {
		c.Height = 30000
	}
	if c.Samples == 0 {
		c.Samples = 1200
	}
	if c.Elements == nil {
		c.Elements = DefaultElements
	}
	if c.Deposits == 0 {
		c.Deposits = 8
	}
	if c.Kinds == nil {
		c.Kinds = Kinds()
	}
	if len(c.Kinds) == 0 {
		panic("synth: no deposit kinds")
	}
	if c.Strength == 0 {
		c.Strength = 1
	}
	return c
}

func stream(seed, s uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, s)) }

// nameStream derives an element's stream from its name, so that adding an
// element does not change the others.
func nameStream(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64() | 1<<63
}

func toPct(unit string) float64 {
	switch unit {
	case "ppb":
		return 1e-7
	case "ppm":
		return 1e-4
	}
	return 1
}

// scatter places n sites on a jittered lattice over w x h, keeping lattice
// (south to north, west to east) order, like sample numbers along traverses.
func scatter(w, h float64, n int, rng *rand.Rand) sites {
	s := math.Sqrt(w * h / float64(n))
	nc := int(math.Ceil(w / s))
	nr := int(math.Ceil(h / s))
	for nc*nr < n {
		nr++
	}
	sx, sy := w/float64(nc), h/float64(nr)
	keep := make([]bool, nc*nr)
	for _, j := range rng.Perm(nc * nr)[:n] {
		keep[j] = true
	}
	var st sites
	for j, ok := range keep {
		if !ok {
			continue
		}
		c, r := j%nc, j/nc
		x := (float64(c) + 0.5 + 0.8*(rng.Float64()-0.5)) * sx
		y := (float64(r) + 0.5 + 0.8*(rng.Float64()-0.5)) * sy
		st.x = append(st.x, math.Round(x))
		st.y = append(st.y, math.Round(y))
	}
	return st
}

// punchMissing removes a few values at random and one batch of samples
// for one element (Hg if present, else the last element), as when a
// laboratory batch was not analysed for it.
func punchMissing(s *Survey, rng *rand.Rand) {
	n := len(s.Values)
	if n == 0 {
		return
	}
	for _, row := range s.Values {
		for k := range row {
			if rng.Float64() < missingRate {
				row[k] = math.NaN()
			}
		}
	}
	k := len(s.Names) - 1
	for j, name := range s.Names {
		if name == "Hg" {
			k = j
		}
	}
	m := int(math.Round(batchMissing * float64(n)))
	start := rng.IntN(n - m + 1)
	for i := start; i < start+m; i++ {
		s.Values[i][k] = math.NaN()
	}
}

func depositName(i int) string {
	if i < len(depositNames) {
		return depositNames[i]
	}
	return depositNames[i%len(depositNames)] + " " + itoa(i/len(depositNames)+1)
}

func itoa(i int) string { return strconv.Itoa(i) }

func pad(i, width int) string {
	s := strconv.Itoa(i)
	for len(s) < width {
		s = "0" + s
	}
	return s
}
