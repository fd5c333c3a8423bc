package bench

import (
	"bytes"
	"fmt"

	"halo/core/synth"
)

// Workload is a survey to measure: the samples CSV and the deposits CSV as
// a user would give them to halo.
type Workload struct {
	// Name identifies the workload in tables and JSON, e.g. "paper".
	Name string
	// Samples is the samples CSV (required); Deposits the deposits CSV
	// (required: the CNN stages learn from the deposits).
	Samples, Deposits []byte
}

// PaperShaped returns the workload of a synthetic survey shaped like the Fe
// paper's (synth.PaperShaped: 251 x 310 cells of 500 m, the 39 RGNR
// elements, 19 Fe skarn deposits), generated with seed. Non-zero cols and
// rows shrink (or grow) the lattice, for quick runs; the district keeps its
// deposits.
func PaperShaped(seed uint64, cols, rows int) (*Workload, error) {
	cfg := synth.PaperShaped(seed)
	if cols > 0 {
		cfg.Cols = cols
	}
	if rows > 0 {
		cfg.Rows = rows
	}
	s := synth.Generate(cfg)
	var samples, deposits bytes.Buffer
	if err := s.WriteSamplesCSV(&samples); err != nil {
		return nil, fmt.Errorf("bench: writing the samples: %w", err)
	}
	if err := s.WriteDepositsCSV(&deposits); err != nil {
		return nil, fmt.Errorf("bench: writing the deposits: %w", err)
	}
	name := "paper"
	if cols > 0 || rows > 0 {
		name = fmt.Sprintf("paper-%dx%d", cfg.Cols, cfg.Rows)
	}
	return &Workload{Name: name, Samples: samples.Bytes(), Deposits: deposits.Bytes()}, nil
}

// Nanling is the name of the workload of the nanling-li grid of the shared
// data (../shared/data/nanling-li beside the repository: grid.csv and
// deposits.csv).
const Nanling = "nanling"

// NanlingFiles are the file names of the nanling-li workload inside its
// folder: samples, deposits.
var NanlingFiles = [2]string{"grid.csv", "deposits.csv"}
