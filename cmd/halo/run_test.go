package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"halo/core/pipeline"
)

// runCLI runs `halo run` with args and returns the report it wrote.
func runCLI(t *testing.T, args ...string) *pipeline.Report {
	t.Helper()
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := cli(append([]string{"run", "-q", "--out", out}, args...), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("halo run exited %d: %s", code, stderr.String())
	}
	t.Log(stdout.String())
	b, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r pipeline.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	for _, m := range r.Methods {
		stem := strings.ReplaceAll(m.Name, ":", "-")
		for _, ext := range []string{".png", ".asc", ".tif"} {
			if st, err := os.Stat(filepath.Join(out, stem+ext)); err != nil || st.Size() == 0 {
				t.Errorf("output %s%s missing or empty", stem, ext)
			}
		}
	}
	return &r
}

func method(t *testing.T, r *pipeline.Report, name string) pipeline.MethodReport {
	t.Helper()
	for _, m := range r.Methods {
		if m.Name == name {
			return m
		}
	}
	t.Fatalf("no method %s in the report", name)
	return pipeline.MethodReport{}
}

// Reference AUCs from ANCHORS.md ("measured here": robust Mahalanobis 0.941,
// best single element Li 0.898 at the deposit cells of nanling-li).
const (
	anchorMahalanobis = 0.94
	anchorLi          = 0.90
	anchorTolerance   = 0.02
)

func TestRunNanling(t *testing.T) {
	samples := sharedData(t, "nanling-li", "grid.csv")
	deposits := sharedData(t, "nanling-li", "deposits.csv")
	r := runCLI(t, "--samples", samples, "--deposits", deposits, "--method", "mahalanobis,element:Li,element:best")
	if !r.Data.Gridded || len(r.Data.Elements) != 39 {
		t.Errorf("gridded %v with %d elements, want gridded input with 39", r.Data.Gridded, len(r.Data.Elements))
	}
	if r.Deposits.Given != 23 || r.Deposits.Cells != 21 {
		t.Errorf("deposits %d in %d cells, want 23 in 21 (shared/data/README.md)", r.Deposits.Given, r.Deposits.Cells)
	}
	if m := method(t, r, "mahalanobis"); math.Abs(m.AUC-anchorMahalanobis) > anchorTolerance {
		t.Errorf("robust Mahalanobis AUC %.3f, want %.2f ± %.2f", m.AUC, anchorMahalanobis, anchorTolerance)
	}
	if m := method(t, r, "element:Li"); math.Abs(m.AUC-anchorLi) > anchorTolerance {
		t.Errorf("Li AUC %.3f, want %.2f ± %.2f", m.AUC, anchorLi, anchorTolerance)
	}
	// element:best is reported under the element it chose: the one with the
	// highest AUC, so at least Li's.
	if len(r.Methods) != 3 || !strings.HasPrefix(r.Methods[2].Name, "element:") || r.Methods[2].AUC < method(t, r, "element:Li").AUC {
		t.Errorf("element:best gave %+v", r.Methods[len(r.Methods)-1])
	}
}

func TestRunGSWA(t *testing.T) {
	samples := sharedData(t, "gswa-area1", "samples_raw.csv")
	sites := sharedData(t, "gswa-area1", "sites.csv")
	r := runCLI(t, "--samples", samples, "--deposits", sites, "--method", "mahalanobis,element:Au")
	if !strings.Contains(r.Data.Coordinates, "degrees") || r.Data.EPSG == 0 {
		t.Errorf("coordinates %q (EPSG %d): want degrees projected to UTM", r.Data.Coordinates, r.Data.EPSG)
	}
	replaced := 0
	for _, n := range r.Data.BelowDetection {
		replaced += n
	}
	if replaced == 0 || len(r.Data.Dropped) == 0 {
		t.Errorf("%d below-detection values replaced, %d elements dropped: want both > 0", replaced, len(r.Data.Dropped))
	}
	if m := method(t, r, "element:Au"); !(m.AUC > 0.5) {
		t.Errorf("Au AUC %.3f", m.AUC)
	}
}

func TestRunKola(t *testing.T) {
	samples := sharedData(t, "kola-moss", "moss.csv")
	targets := sharedData(t, "kola-moss", "source_areas.csv")
	// shared/data/README.md: the moss values are all mg/kg (ppm).
	r := runCLI(t, "--samples", samples, "--targets", targets, "--no-unit", "ppm", "--method", "mahalanobis,element:Ni")
	if r.Deposits.Targets != 2 || r.Deposits.TargetCells == 0 {
		t.Errorf("targets %d with %d cells, want 2 polygons with cells", r.Deposits.Targets, r.Deposits.TargetCells)
	}
	// shared/data/README.md: Ni, Cu, Co about 0.97 for the samples inside the polygons.
	if m := method(t, r, "element:Ni"); m.AUC < 0.85 {
		t.Errorf("Ni AUC %.3f at the smelter areas, want > 0.85", m.AUC)
	}
	if m := method(t, r, "mahalanobis"); m.AUC < 0.7 {
		t.Errorf("robust Mahalanobis AUC %.3f at the smelter areas, want > 0.7", m.AUC)
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("x,y,Cu_ppm,Zn_ppm\n1,1,10,20\n2,1,11,21\n1,2,12,lots\n"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no samples", []string{"run"}, 2, "--samples"},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
		{"missing file", []string{"run", "--samples", filepath.Join(dir, "nope.csv")}, 1, "nope.csv"},
		{"bad method", []string{"run", "--samples", bad, "--method", "magic"}, 2, "unknown method"},
		{"text in column", []string{"run", "--samples", bad, "--out", dir}, 1, "line 4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := cli(tc.args, &stdout, &stderr)
			if code != tc.code || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, stderr.String(), tc.code, tc.want)
			}
		})
	}
}
