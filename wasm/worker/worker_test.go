package main

import (
	"context"
	"encoding/binary"
	"math"
	"os"
	"strings"
	"testing"

	"halo/core/pipeline"
)

func TestRunDemoMessage(t *testing.T) {
	s, err := os.ReadFile("../../assets/demo_samples.csv")
	if err != nil {
		t.Fatal(err)
	}
	d, _ := os.ReadFile("../../assets/demo_deposits.csv")
	req := request{ID: 4, Config: []byte(`{"seed": 2, "methods": ["mahalanobis", "element:Cu"]}`),
		Inputs: pipeline.Inputs{Samples: s, Deposits: d}}
	var stages []string
	res, err := run(context.Background(), req, func(e pipeline.Event) { stages = append(stages, e.Stage) })
	if err != nil {
		t.Fatal(err)
	}
	if res.ID != 4 || len(res.Methods) != 2 || res.ROC == nil || !strings.Contains(string(res.Report), `"mahalanobis"`) {
		t.Fatalf("result id %d, %d methods, roc %d bytes", res.ID, len(res.Methods), len(res.ROC))
	}
	for _, m := range res.Methods {
		if len(m.Score) != res.Cols*res.Rows || len(m.Map) == 0 || len(m.PA) == 0 || len(m.Cuts) != 3 {
			t.Errorf("%s: %d scores for %d x %d, map %d bytes, pa %d bytes, cuts %v", m.Name, len(m.Score), res.Cols, res.Rows, len(m.Map), len(m.PA), m.Cuts)
		}
	}
	if stages[len(stages)-1] != "render" {
		t.Errorf("last stage %q, want render", stages[len(stages)-1])
	}
}

func TestRunBadConfig(t *testing.T) {
	_, err := run(context.Background(), request{Config: []byte(`{"methods": ["nope"]}`), Inputs: pipeline.Inputs{Samples: []byte("x")}}, func(pipeline.Event) {})
	if err == nil || !strings.Contains(err.Error(), "unknown method") {
		t.Errorf("error %v", err)
	}
}

func TestFloat32Bytes(t *testing.T) {
	f := []float32{1.5, float32(math.NaN()), -2}
	b := float32Bytes(f)
	for i, v := range f {
		got := math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		if got != v && !(math.IsNaN(float64(got)) && math.IsNaN(float64(v))) {
			t.Errorf("value %d: %v, want %v", i, got, v)
		}
	}
}

func TestExportFile(t *testing.T) {
	s, _ := os.ReadFile("../../assets/demo_samples.csv")
	_, res, err := runKeep(context.Background(), request{Config: []byte(`{"methods": ["element:Zn"]}`), Inputs: pipeline.Inputs{Samples: s}}, func(pipeline.Event) {})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"png", "tif", "asc", "csv"} {
		name, mime, b, err := exportFile(res, 0, f)
		if err != nil || name != "element-Zn."+f || mime == "" || len(b) < 100 {
			t.Errorf("%s: %s %s %d bytes %v", f, name, mime, len(b), err)
		}
	}
	if _, _, _, err := exportFile(res, 3, "png"); err == nil {
		t.Error("no error for a missing method")
	}
	if _, _, _, err := exportFile(nil, 0, "png"); err == nil {
		t.Error("no error without a result")
	}
}
