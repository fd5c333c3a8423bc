package pipeline

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"

	"halo/core/grid"
	"halo/core/survey"
)

// Report is the JSON summary of a run. It carries the Config and the hashes
// of the input files, so a run can be reproduced from it.
type Report struct {
	Halo     string         `json:"halo"` // report format version
	Config   Config         `json:"config"`
	Inputs   []InputReport  `json:"inputs"`
	Data     DataReport     `json:"data"`
	Deposits DepositReport  `json:"deposits"`
	Methods  []MethodReport `json:"methods"`
	Timings  []Timing       `json:"timings"`
	Seconds  float64        `json:"seconds"`
	Warnings []string       `json:"warnings,omitempty"`
}

// InputReport names an input file and its SHA-256.
type InputReport struct {
	Role   string `json:"role"` // samples, deposits, targets
	Name   string `json:"name"`
	Bytes  int    `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// DataReport summarises the survey and the grid.
type DataReport struct {
	Samples        int               `json:"samples"`
	Elements       []string          `json:"elements"`
	Units          map[string]string `json:"units"`
	BelowDetection map[string]int    `json:"replaced"` // below-detection values replaced, per element
	Missing        map[string]int    `json:"missing"`
	Dropped        []DroppedReport   `json:"dropped"`
	Ignored        []string          `json:"ignored_columns"`
	Coordinates    string            `json:"coordinates"` // "metres" or "degrees projected to UTM zone N"
	EPSG           int               `json:"epsg,omitempty"`
	Gridded        bool              `json:"gridded_input"`
	Cols           int               `json:"cols"`
	Rows           int               `json:"rows"`
	Cell           float64           `json:"cell"`
	CellY          float64           `json:"cell_y,omitempty"`
	X0             float64           `json:"x0"`
	Y0             float64           `json:"y0"`
	CellsWithData  int               `json:"cells_with_data"`
	Warnings       []string          `json:"warnings,omitempty"`
}

// DroppedReport is an element left out and why.
type DroppedReport struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// DepositReport counts the known deposits and target areas.
type DepositReport struct {
	Given       int `json:"given"`
	Inside      int `json:"inside"`   // on a grid cell with data
	Cells       int `json:"cells"`    // distinct deposit cells (AUC positives)
	Labelled    int `json:"labelled"` // 3x3 labelled cells
	Targets     int `json:"targets,omitempty"`
	TargetCells int `json:"target_cells,omitempty"`
}

// MethodReport is one method's evaluation.
type MethodReport struct {
	Name        string             `json:"name"`
	AUC         float64            `json:"auc"`               // positives: deposit cells (or target cells)
	AUCLabelled float64            `json:"auc_labelled"`      // positives: 3x3 labelled cells
	Capture     map[string]float64 `json:"capture,omitempty"` // share of deposits in the top p% of area, keyed by p
	PA          *PAReport          `json:"pa,omitempty"`
	Cuts        []float64          `json:"cuts"` // score cut-offs of the tops
	CA          []float64          `json:"ca_thresholds,omitempty"`
	Seconds     float64            `json:"seconds"`
	Note        string             `json:"note,omitempty"` // what the method did, in a sentence
	Training    *TrainingReport    `json:"training,omitempty"`
}

// TrainingReport describes the training and scoring of a network method.
type TrainingReport struct {
	Arch           string       `json:"arch,omitempty"` // CNN channels per layer
	MACs           int          `json:"macs_per_pair,omitempty"`
	Mineralized    int          `json:"mineralized_cells,omitempty"`
	Pairs          *PairCounts  `json:"pairs,omitempty"`
	Draws          []DrawReport `json:"draws,omitempty"` // CNN: one per background draw (paper Table 3)
	Best           int          `json:"best_draw,omitempty"`
	TrainCells     int          `json:"train_cells,omitempty"` // ALAD/VAE
	Epochs         int          `json:"epochs,omitempty"`
	StopReason     string       `json:"stop_reason,omitempty"`
	Losses         []LossCurve  `json:"losses,omitempty"` // per epoch
	Windows        [2]int       `json:"windows,omitempty"`
	Exact          bool         `json:"exact,omitempty"`
	PairsScored    int          `json:"pairs_scored,omitempty"`
	Workers        int          `json:"workers,omitempty"` // detection workers (goroutines natively, web workers in the page)
	DetectSeconds  float64      `json:"detect_seconds,omitempty"`
	PairsPerSecond float64      `json:"pairs_per_second,omitempty"`
	Sweep          []WindowAUC  `json:"window_sweep,omitempty"`
}

// PairCounts are the pixel-pair counts of one background draw (paper Table 2).
type PairCounts struct {
	TrainCells      int `json:"train_cells"`
	TestCells       int `json:"test_cells"`
	TrainSimilar    int `json:"train_similar"`
	TrainDissimilar int `json:"train_dissimilar"`
	TestSimilar     int `json:"test_similar"`
	TestDissimilar  int `json:"test_dissimilar"`
}

// DrawReport is one background draw's training (paper Table 3).
type DrawReport struct {
	Draw          int       `json:"draw"`
	FinalLoss     float64   `json:"loss"`
	FinalAccuracy float64   `json:"test_accuracy"`
	Loss          []float64 `json:"loss_per_epoch"`
	TestAccuracy  []float64 `json:"test_accuracy_per_epoch"`
}

// LossCurve is one loss per epoch.
type LossCurve struct {
	Name   string    `json:"name"`
	Values []float64 `json:"values"`
}

// WindowAUC is the AUC of one window pair of the sweep (paper Fig. 9).
type WindowAUC struct {
	Inner int     `json:"inner"`
	Outer int     `json:"outer"`
	AUC   float64 `json:"auc"`
}

// PAReport is the intersection of the prediction-area curves.
type PAReport struct {
	PredictionRate float64 `json:"prediction_rate"`
	Area           float64 `json:"area"`
	Threshold      float64 `json:"threshold"`
	Nd             float64 `json:"nd"`
	Weight         float64 `json:"weight"`
}

// Timing is the wall time of one stage.
type Timing struct {
	Stage   string  `json:"stage"`
	Seconds float64 `json:"seconds"`
}

// ReportVersion is the format version written in Report.Halo.
const ReportVersion = "halo-report/1"

func newReport(cfg *Config, in Inputs) *Report {
	r := &Report{Halo: ReportVersion, Config: *cfg}
	add := func(role, n string, b []byte) {
		if len(b) > 0 {
			r.Inputs = append(r.Inputs, InputReport{Role: role, Name: n, Bytes: len(b), SHA256: hashBytes(b)})
		}
	}
	add("samples", in.SamplesName, in.Samples)
	add("deposits", in.DepositsName, in.Deposits)
	add("targets", in.TargetsName, in.Targets)
	return r
}

func (r *Report) setData(s *survey.Samples) {
	d := &r.Data
	d.Samples = len(s.X)
	d.Units = map[string]string{}
	d.BelowDetection = map[string]int{}
	d.Missing = map[string]int{}
	for _, e := range s.Elements {
		d.Elements = append(d.Elements, e.Name)
		d.Units[e.Name] = e.Unit
		d.BelowDetection[e.Name] = e.BelowDetection
		d.Missing[e.Name] = e.Missing
	}
	d.Dropped = []DroppedReport{}
	for _, x := range s.Dropped {
		d.Dropped = append(d.Dropped, DroppedReport{Name: x.Name, Reason: x.Reason})
	}
	d.Ignored = append([]string{}, s.Ignored...)
	d.Coordinates = "metres"
	if s.Projection != nil {
		d.Coordinates = fmt.Sprintf("degrees projected to UTM zone %d%s", s.Projection.Zone, map[bool]string{true: "S", false: "N"}[s.Projection.South])
		d.EPSG = s.Projection.EPSG()
	}
	d.Warnings = append(d.Warnings, s.Warnings...)
}

func (r *Report) setGrid(g grid.Geom, valid int) {
	d := &r.Data
	d.Cols, d.Rows, d.Cell, d.X0, d.Y0, d.CellsWithData = g.Cols, g.Rows, g.Cell, g.X0, g.Y0, valid
	if g.CellY != 0 && g.CellY != g.Cell {
		d.CellY = g.CellY
	}
}

// WriteJSON writes the report, indented.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// count formats an integer with thousands separators: 77810 -> "77,810".
func count(n int) string {
	s := strconv.Itoa(n)
	neg := false
	if n < 0 {
		neg, s = true, s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// cellSize formats the cell size: "500" or "4,244 x 4,179".
func cellSize(g grid.Geom) string {
	w := count(int(math.Round(g.Cell)))
	if g.CellY != 0 && math.Abs(g.CellY-g.Cell) > 1e-6*g.Cell {
		return w + " x " + count(int(math.Round(g.CellY)))
	}
	return w
}
