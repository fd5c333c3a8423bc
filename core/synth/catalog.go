package synth

// element describes one analyte: how it is reported and its regional
// background in the reference lithology (metasediments).
type element struct {
	name   string
	unit   string  // "ppb", "ppm" or "pct" (wt%)
	median float64 // background median in unit, metasediment stream sediments
	sdlog  float64 // within-lithology standard deviation of ln(value)
	limit  float64 // lower detection limit in unit
	dec    int     // decimals reported by the laboratory
	neg    bool    // below detection written as -limit (else "<limit")
	// loadings on the two shared regional factors: scavenging by clay and
	// Fe-Mn oxides, and the heavy-mineral (sand) fraction.
	clay, heavy float64
}

// catalog lists every element synth knows, the 39 of the China RGNR list.
// Medians are rounded stream-sediment medians of South China (the nanling-li
// grid in ../shared/data has e.g. Cu 26.7 ppm, Au 1.43 ppb, SiO2 70.1 wt%,
// Cd 181 ppb) blended with crustal abundances (Rudnick & Gao 2003). Detection
// limits are typical of ICP-MS / XRF / fire-assay packages.
var catalog = []element{
	{name: "Ag", unit: "ppb", median: 80, sdlog: 0.5, limit: 20, dec: 0, clay: 0.2},
	{name: "Al2O3", unit: "pct", median: 13, sdlog: 0.2, limit: 0.01, dec: 2, clay: 0.5},
	{name: "As", unit: "ppm", median: 10, sdlog: 0.6, limit: 0.5, dec: 1, neg: true, clay: 0.4},
	{name: "Au", unit: "ppb", median: 1.5, sdlog: 0.6, limit: 1, dec: 1},
	{name: "B", unit: "ppm", median: 60, sdlog: 0.5, limit: 5, dec: 0, clay: 0.3},
	{name: "Ba", unit: "ppm", median: 400, sdlog: 0.35, limit: 10, dec: 0, clay: 0.2},
	{name: "Be", unit: "ppm", median: 2.2, sdlog: 0.35, limit: 0.5, dec: 2},
	{name: "Bi", unit: "ppm", median: 0.4, sdlog: 0.6, limit: 0.1, dec: 2},
	{name: "CaO", unit: "pct", median: 1, sdlog: 0.6, limit: 0.01, dec: 2},
	{name: "Cd", unit: "ppb", median: 150, sdlog: 0.5, limit: 50, dec: 0, neg: true, clay: 0.3},
	{name: "Co", unit: "ppm", median: 12, sdlog: 0.35, limit: 1, dec: 1, clay: 0.5},
	{name: "Cr", unit: "ppm", median: 60, sdlog: 0.4, limit: 5, dec: 0, clay: 0.3},
	{name: "Cu", unit: "ppm", median: 25, sdlog: 0.45, limit: 1, dec: 1, clay: 0.4},
	{name: "F", unit: "ppm", median: 450, sdlog: 0.35, limit: 50, dec: 0},
	{name: "Fe2O3", unit: "pct", median: 4.5, sdlog: 0.3, limit: 0.01, dec: 2, clay: 0.6},
	{name: "Hg", unit: "ppb", median: 50, sdlog: 0.5, limit: 5, dec: 0, neg: true, clay: 0.2},
	{name: "K2O", unit: "pct", median: 2.2, sdlog: 0.35, limit: 0.01, dec: 2, clay: 0.3},
	{name: "La", unit: "ppm", median: 38, sdlog: 0.25, limit: 1, dec: 1, heavy: 0.3},
	{name: "Li", unit: "ppm", median: 35, sdlog: 0.35, limit: 1, dec: 1, clay: 0.4},
	{name: "MgO", unit: "pct", median: 1, sdlog: 0.4, limit: 0.01, dec: 2, clay: 0.2},
	{name: "Mn", unit: "ppm", median: 600, sdlog: 0.45, limit: 10, dec: 0, clay: 0.6},
	{name: "Mo", unit: "ppm", median: 0.8, sdlog: 0.55, limit: 0.4, dec: 2},
	{name: "Na2O", unit: "pct", median: 0.5, sdlog: 0.6, limit: 0.01, dec: 2},
	{name: "Nb", unit: "ppm", median: 16, sdlog: 0.3, limit: 1, dec: 1, heavy: 0.3},
	{name: "Ni", unit: "ppm", median: 25, sdlog: 0.4, limit: 2, dec: 1, clay: 0.4},
	{name: "P", unit: "ppm", median: 500, sdlog: 0.3, limit: 20, dec: 0},
	{name: "Pb", unit: "ppm", median: 28, sdlog: 0.4, limit: 2, dec: 1, clay: 0.3},
	{name: "Sb", unit: "ppm", median: 1, sdlog: 0.6, limit: 0.3, dec: 2, neg: true},
	{name: "SiO2", unit: "pct", median: 65, sdlog: 0.12, limit: 0.01, dec: 2, clay: -0.5},
	{name: "Sn", unit: "ppm", median: 4, sdlog: 0.5, limit: 1, dec: 1, heavy: 0.2},
	{name: "Sr", unit: "ppm", median: 80, sdlog: 0.5, limit: 2, dec: 0},
	{name: "Th", unit: "ppm", median: 13, sdlog: 0.3, limit: 0.5, dec: 1, heavy: 0.3},
	{name: "Ti", unit: "ppm", median: 4000, sdlog: 0.3, limit: 10, dec: 0, heavy: 0.4},
	{name: "U", unit: "ppm", median: 3, sdlog: 0.35, limit: 0.2, dec: 2},
	{name: "V", unit: "ppm", median: 80, sdlog: 0.35, limit: 2, dec: 0, clay: 0.5},
	{name: "W", unit: "ppm", median: 2, sdlog: 0.6, limit: 0.5, dec: 2, heavy: 0.2},
	{name: "Y", unit: "ppm", median: 25, sdlog: 0.25, limit: 1, dec: 1, heavy: 0.3},
	{name: "Zn", unit: "ppm", median: 75, sdlog: 0.35, limit: 2, dec: 0, clay: 0.5},
	{name: "Zr", unit: "ppm", median: 250, sdlog: 0.4, limit: 5, dec: 0, clay: -0.3, heavy: 0.6},
}

// RGNR is the element list of the Chinese Regional Geochemistry - National
// Reconnaissance programme, the 39 elements of the Fe paper (seeds/) and of
// the nanling-li grid.
var RGNR = []string{
	"Ag", "Al2O3", "As", "Au", "B", "Ba", "Be", "Bi", "CaO", "Cd", "Co", "Cr", "Cu",
	"F", "Fe2O3", "Hg", "K2O", "La", "Li", "MgO", "Mn", "Mo", "Na2O", "Nb", "Ni", "P",
	"Pb", "Sb", "SiO2", "Sn", "Sr", "Th", "Ti", "U", "V", "W", "Y", "Zn", "Zr",
}

// DefaultElements is the element list used when Config.Elements is nil: the
// deposit pathfinders, the ultramafic indicators and the main rock-forming
// oxides.
var DefaultElements = []string{
	"Au", "Ag", "As", "Sb", "Hg", "Bi", "Cu", "Mo", "Pb", "Zn",
	"Sn", "W", "Co", "Ni", "Cr", "Mn", "Fe2O3", "CaO", "MgO", "K2O", "SiO2",
}

func lookup(name string) (element, bool) {
	for _, e := range catalog {
		if e.name == name {
			return e, true
		}
	}
	return element{}, false
}

// factor is a multiplicative shift of one element's background.
type factor struct {
	el string
	f  float64
}

// lithology is a rock unit with its shifts relative to metasediments.
type lithology struct {
	name   string
	shifts []factor
}

// Lithology indices into lithologies.
const (
	metasediments = iota
	limestone
	volcanics
	granite
	ultramafic
	blackShale
)

// lithologies lists the rock units. Shifts are what stream sediments
// draining each unit show (diluted compared with the fresh rock).
var lithologies = []lithology{
	metasediments: {name: "metasediments"},
	limestone: {name: "limestone", shifts: []factor{
		{"CaO", 20}, {"MgO", 3}, {"Sr", 4}, {"SiO2", 0.55}, {"Al2O3", 0.35}, {"K2O", 0.35},
		{"Fe2O3", 0.45}, {"Na2O", 0.35}, {"Ti", 0.35}, {"Zr", 0.35}, {"Th", 0.45},
		{"La", 0.55}, {"Ba", 0.7}, {"Cr", 0.45}, {"V", 0.55}, {"Ni", 0.6}, {"Co", 0.55},
		{"B", 0.45}, {"Li", 0.55}, {"Nb", 0.45}, {"Y", 0.7}, {"Mn", 1.5}, {"Cd", 1.6},
		{"Zn", 0.85}, {"F", 0.8},
	}},
	volcanics: {name: "mafic volcanics", shifts: []factor{
		{"Fe2O3", 2.2}, {"MgO", 4}, {"CaO", 5}, {"Cu", 2.8}, {"Co", 3}, {"Ni", 2.8},
		{"Cr", 2.6}, {"V", 2.8}, {"Ti", 2.3}, {"Zn", 1.4}, {"Mn", 1.9}, {"Na2O", 3.5},
		{"SiO2", 0.8}, {"K2O", 0.45}, {"Th", 0.3}, {"U", 0.35}, {"Ba", 0.6}, {"Zr", 0.55},
		{"Nb", 0.6}, {"La", 0.45}, {"Li", 0.7}, {"B", 0.45}, {"Sr", 3}, {"P", 1.6},
		{"Y", 1.1}, {"Pb", 0.55}, {"Sn", 0.6}, {"W", 0.6}, {"Be", 0.5}, {"F", 0.7},
	}},
	granite: {name: "granite", shifts: []factor{
		{"SiO2", 1.1}, {"K2O", 1.9}, {"Na2O", 3}, {"Fe2O3", 0.5}, {"MgO", 0.35},
		{"CaO", 0.8}, {"Sn", 2}, {"W", 1.8}, {"Be", 2}, {"Li", 1.5}, {"Nb", 1.5},
		{"Th", 2}, {"U", 2}, {"F", 1.8}, {"Bi", 1.5}, {"Mo", 1.3}, {"Y", 1.3}, {"La", 1.3},
		{"Pb", 1.4}, {"Cr", 0.25}, {"Ni", 0.3}, {"Co", 0.35}, {"V", 0.35}, {"Cu", 0.5},
		{"Ti", 0.5}, {"Ba", 1.3}, {"Zn", 0.8}, {"B", 0.6}, {"Sr", 0.9},
	}},
	ultramafic: {name: "serpentinised ultramafic", shifts: []factor{
		{"MgO", 12}, {"Ni", 15}, {"Cr", 12}, {"Co", 4}, {"Fe2O3", 2}, {"SiO2", 0.7},
		{"Al2O3", 0.3}, {"K2O", 0.15}, {"Na2O", 0.2}, {"Ti", 0.25}, {"Zr", 0.2},
		{"Th", 0.2}, {"U", 0.2}, {"La", 0.25}, {"Nb", 0.25}, {"Y", 0.3}, {"Ba", 0.3},
		{"Sr", 0.4}, {"Li", 0.5}, {"Be", 0.3}, {"Mn", 1.6}, {"P", 0.4}, {"F", 0.5},
		{"As", 2}, {"Sb", 2}, {"Pb", 0.4}, {"Sn", 0.4}, {"W", 0.4}, {"Cu", 0.9},
	}},
	blackShale: {name: "black shale", shifts: []factor{
		{"Mo", 5}, {"V", 2.2}, {"U", 2.5}, {"As", 2.6}, {"Sb", 2.4}, {"Ni", 1.7},
		{"Cu", 1.6}, {"Zn", 1.8}, {"Cd", 2.5}, {"Ag", 2.2}, {"Ba", 1.8}, {"Hg", 2.2},
		{"Au", 1.3}, {"CaO", 0.6},
	}},
}

// halo is one element's enrichment around a deposit. Peak is the factor at
// the centre (for a ring, on the ring); Radius the e-folding scale of the
// Gaussian decay in metres; Ring, when non-zero, the distance of a zoned
// outer halo's maximum.
type halo struct {
	el     string
	peak   float64
	radius float64
	ring   float64
}

// kind is a deposit model with its geochemical halo.
type kind struct {
	name      string // as in Config.Kinds
	commodity string
	hosts     []int // preferred host lithologies
	halos     []halo
}

// kinds is the catalogue of deposit models. The peaks put the core of a
// halo 2-4 within-lithology standard deviations above background for the
// main commodity and 1-2 for the pathfinders, which is what stream sediments
// downstream of real deposits show (a few times background, not orders of
// magnitude: dilution in the catchment).
var kinds = []kind{
	{name: "porphyry", commodity: "Cu-Mo-Au", hosts: []int{volcanics, metasediments},
		halos: []halo{
			{"Cu", 10, 1500, 0}, {"Mo", 9, 1200, 0}, {"Au", 6, 1200, 0}, {"Ag", 3.5, 1400, 0},
			{"Bi", 3, 1000, 0}, {"W", 2.5, 1000, 0}, {"K2O", 1.35, 1500, 0}, {"Fe2O3", 1.3, 1500, 0},
			{"Zn", 4.5, 800, 2600}, {"Pb", 4.5, 800, 2600}, {"Mn", 2.2, 900, 2600},
			{"As", 3, 900, 2800}, {"Sb", 2.5, 900, 2800}, {"Ag", 2, 800, 2600}, {"Hg", 2, 900, 3000},
		}},
	{name: "greisen", commodity: "Sn-W", hosts: []int{granite},
		halos: []halo{
			{"Sn", 10, 1100, 0}, {"W", 10, 1100, 0}, {"Bi", 7, 1000, 0}, {"Mo", 3.5, 1000, 0},
			{"Li", 3.5, 1200, 0}, {"Be", 3.5, 1100, 0}, {"F", 3, 1300, 0}, {"Cu", 1.8, 900, 0},
			{"As", 2.5, 900, 2000}, {"Pb", 1.8, 900, 2200}, {"Zn", 1.8, 900, 2200},
		}},
	{name: "orogenic", commodity: "Au", hosts: []int{metasediments, volcanics},
		halos: []halo{
			{"Au", 10, 1100, 0}, {"As", 7, 1700, 0}, {"Sb", 6, 1600, 0}, {"Hg", 3, 2200, 0},
			{"W", 2.2, 1200, 0}, {"Ag", 1.8, 1100, 0}, {"Bi", 1.8, 1000, 0}, {"Pb", 1.4, 1100, 0},
		}},
	{name: "skarn", commodity: "Fe", hosts: []int{limestone},
		halos: []halo{
			{"Fe2O3", 3, 1300, 0}, {"Cu", 5, 1200, 0}, {"Co", 3.5, 1200, 0}, {"Mn", 3, 1300, 0},
			{"MgO", 1.9, 1200, 0}, {"Mo", 2.2, 1000, 0}, {"Sn", 2.2, 1000, 0}, {"W", 2.2, 1000, 0},
			{"Bi", 2.2, 1000, 0}, {"Zn", 3.5, 900, 2200}, {"Pb", 2.8, 900, 2200}, {"Ag", 2.2, 900, 2200},
			{"Cd", 2.5, 900, 2200},
		}},
}

// Kinds returns the names of the deposit models Config.Kinds accepts, in
// catalogue order.
func Kinds() []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = k.name
	}
	return out
}

func kindIndex(name string) (int, bool) {
	for i, k := range kinds {
		if k.name == name {
			return i, true
		}
	}
	return 0, false
}

// depositNames are fictional names given to deposits in order.
var depositNames = []string{
	"Red Hill", "Crow Creek", "Kestrel", "Blackwater", "Magpie", "Saddle Ridge",
	"Pine Flat", "Long Reef", "Emu Springs", "Wattle Bend", "Eagle Rock", "Stony Point",
	"Mount Grey", "Sandy Ford", "Hawk Spur", "Cedar Dome", "Dingo Well", "Oak Valley",
	"Bell Rock", "Curlew", "Owl Gully", "Fern Hill", "Heron Flat", "Wren Ridge",
}
