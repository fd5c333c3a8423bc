package pipeline

import (
	"bytes"
	"fmt"

	"halo/core/survey"
)

// Preview is what halo reads from a samples file before running: the
// columns it recognised, so the user can correct the detection (Config
// x_column, y_column, coordinates, units, elements) before a run.
type Preview struct {
	Samples     int              `json:"samples"`
	XColumn     string           `json:"x_column"`
	YColumn     string           `json:"y_column"`
	Coordinates string           `json:"coordinates"` // "metres" or "degrees projected to UTM zone ..."
	Gridded     bool             `json:"gridded"`
	Grid        string           `json:"grid,omitempty"` // "132 x 155 cells of 4,244 x 4,179 m"
	Elements    []PreviewElement `json:"elements"`
	Dropped     []DroppedReport  `json:"dropped"`
	Ignored     []string         `json:"ignored"`
	Warnings    []string         `json:"warnings"`
}

// PreviewElement is one element column as read.
type PreviewElement struct {
	Name           string `json:"name"`
	Column         string `json:"column"`
	Unit           string `json:"unit"`
	BelowDetection int    `json:"below_detection"`
	Missing        int    `json:"missing"`
}

// PreviewSamples reads the samples of in with the survey settings of cfg
// and describes what it found. Errors are the same as Run's.
func PreviewSamples(in Inputs, cfg *Config) (*Preview, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(in.Samples) == 0 {
		return nil, fmt.Errorf("%s: the file is empty: choose a CSV of samples with x, y and element columns", name(in.SamplesName, "samples"))
	}
	r := &runner{cfg: cfg}
	s, err := survey.Read(bytes.NewReader(in.Samples), r.surveyOptions())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name(in.SamplesName, "samples"), err)
	}
	p := &Preview{Samples: len(s.X), XColumn: s.XColumn, YColumn: s.YColumn, Coordinates: "metres",
		Gridded: s.Lattice != nil, Ignored: append([]string{}, s.Ignored...), Warnings: append([]string{}, s.Warnings...),
		Dropped: []DroppedReport{}, Elements: []PreviewElement{}}
	if s.Projection != nil {
		p.Coordinates = fmt.Sprintf("degrees projected to UTM zone %d%s", s.Projection.Zone, map[bool]string{true: "S", false: "N"}[s.Projection.South])
	}
	if s.Lattice != nil {
		p.Grid = fmt.Sprintf("%s x %s cells of %s m", count(s.Lattice.Cols), count(s.Lattice.Rows), cellSize(*s.Lattice))
	}
	for _, e := range s.Elements {
		p.Elements = append(p.Elements, PreviewElement{Name: e.Name, Column: e.Column, Unit: e.Unit, BelowDetection: e.BelowDetection, Missing: e.Missing})
	}
	for _, d := range s.Dropped {
		p.Dropped = append(p.Dropped, DroppedReport{Name: d.Name, Reason: d.Reason})
	}
	return p, nil
}
