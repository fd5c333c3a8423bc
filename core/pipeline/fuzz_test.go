package pipeline

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// configSeeds are hand-written inputs of FuzzParseConfig; testdata/fuzz
// holds a report.json of the demo and the inputs go test -fuzz found.
var configSeeds = []string{
	`{}`,
	`null`,
	`{"seed": 7, "methods": ["mahalanobis", "element:Cu", "cnn", "alad", "vae", "element:best"]}`,
	`{"seed": 18446744073709551615, "cell": 250, "radius": 1500.5, "neighbours": 8, "power": 1.5, "tops": [2, 10, 25]}`,
	`{"x_column": "XCOO", "y_column": "YCOO", "coordinates": "metres", "no_unit": "ppm", "units": {"Au": "ppb"}, "elements": ["Cu", "Zn"]}`,
	`{"detection_factor": 0.5, "max_missing": 0.8, "max_cells": 1000000}`,
	`{"cnn": {"preset": "paper", "inner": 5, "outer": 9, "exact": true, "draws": 3, "epochs": 2, "pairs_per_epoch": 100, "sweep": true}}`,
	`{"cnn": {"ring_step": 8, "shell_scale": 8}}`,
	`{"cnn": {"ring_step": -1, "shell_scale": 0}}`,
	`{"alad": {"preset": "paper", "epochs": 3, "samples_per_epoch": 512, "transform": "clr"}, "vae": {"transform": "ilr"}}`,
	`{"halo": "halo-report/1", "config": {"seed": 3, "methods": ["mahalanobis"]}, "inputs": [], "data": {"samples": 10}}`,
	`{"config": null}`,
	`{"config": 5}`,
	`{"sed": 1}`,
	`{"methods": ["magic"]}`,
	`{"tops": [15, 5]}`,
	`{"cnn": {"inner": 4, "outer": 9}}`,
	`{"seed": -1}`,
	`{"seed": 1e400}`,
	`{"cell": -0}`,
	`{"elements": [], "units": {}, "methods": []}`,
	`[1, 2]`,
	`"config"`,
	`{"seed": 1} {"seed": 2}`,
	`{"seed": 1, "seed": 2}`,
	"{\"x_column\": \"\xff\xfe\"}",
	`{`,
	``,
}

// FuzzParseConfig checks that ParseConfig never panics, that its errors say
// "config: ...", and that a config it accepts comes back the same from its
// own JSON and from a report carrying it (halo run --config report.json).
func FuzzParseConfig(f *testing.F) {
	for _, s := range configSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "config: ") {
				t.Fatalf("error %q does not start with \"config: \"", err)
			}
			return
		}
		if c == nil {
			t.Fatal("nil config and no error")
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("marshal %+v: %v", c, err)
		}
		c2, err := ParseConfig(b)
		if err != nil {
			t.Fatalf("own JSON %s refused: %v", b, err)
		}
		if want := normalised(c); !reflect.DeepEqual(normalised(c2), want) {
			t.Fatalf("round trip through %s:\n got %+v\nwant %+v", b, *c2, *c)
		}
		rep, err := json.Marshal(Report{Halo: ReportVersion, Config: *c})
		if err != nil {
			t.Fatal(err)
		}
		c3, err := ParseConfig(rep)
		if err != nil {
			t.Fatalf("report %s refused: %v", rep, err)
		}
		if !reflect.DeepEqual(normalised(c3), normalised(c)) {
			t.Fatalf("round trip through a report:\n got %+v\nwant %+v", *c3, *c)
		}
	})
}

// normalised returns a copy of c with empty slices and maps set to nil:
// the JSON of a Config omits them (omitempty), so "elements": [] comes
// back as nil. (docs/bad-inputs.md notes that [] and nil mean different
// things for elements.)
func normalised(c *Config) Config {
	v := *c
	if len(v.Methods) == 0 {
		v.Methods = nil
	}
	if len(v.Units) == 0 {
		v.Units = nil
	}
	if len(v.Elements) == 0 {
		v.Elements = nil
	}
	if len(v.Tops) == 0 {
		v.Tops = nil
	}
	return v
}
