package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"halo/core/pipeline/bench"
)

// TestBenchCmd runs `halo bench --quick` on a reduced paper workload and
// checks that the table and the JSON report every stage with positive
// numbers. It measures nothing itself: no speed is asserted.
func TestBenchCmd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every stage of the benchmark (several seconds)")
	}
	out := filepath.Join(t.TempDir(), "bench.json")
	var stdout, stderr bytes.Buffer
	code := benchCmd([]string{"--quick", "--workload", "paper", "--cols", "48", "--rows", "56", "--json", out, "-q"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("halo bench exited %d: %s", code, stderr.String())
	}
	t.Log("\n" + stdout.String())
	table := stdout.String()
	for _, name := range bench.StagesHere() {
		if !strings.Contains(table, name) {
			t.Errorf("table has no row for stage %q", name)
		}
	}
	rep := readBenchReport(t, out)
	if len(rep.Native) != 1 || rep.Wasm != nil {
		t.Fatalf("got %d native and %d wasm results, want 1 and none", len(rep.Native), len(rep.Wasm))
	}
	r := rep.Native[0]
	if r.Workload != "paper-48x56" || r.Cols != 48 || r.Rows != 56 || r.Elements != 39 || r.ValidCells != 48*56 {
		t.Errorf("workload %q: %d x %d cells, %d valid, %d elements; want paper-48x56, 48 x 56, all valid, 39 elements",
			r.Workload, r.Cols, r.Rows, r.ValidCells, r.Elements)
	}
	if !(r.RooflineGFLOPS > 0) || !(r.Seconds > 0) || r.HeapInuse == 0 || r.Sys == 0 {
		t.Errorf("roofline %g GFLOPS, %g s, heap %d, sys %d: want positive", r.RooflineGFLOPS, r.Seconds, r.HeapInuse, r.Sys)
	}
	if len(r.Stages) != len(bench.StagesHere()) {
		t.Errorf("%d stages, want %d", len(r.Stages), len(bench.StagesHere()))
	}
	refs := 0
	for _, name := range bench.StagesHere() {
		st := r.Stage(name)
		if st == nil {
			t.Errorf("stage %q missing from the JSON", name)
			continue
		}
		if st.Items <= 0 || !(st.Seconds > 0) || !(st.Rate > 0) || math.IsInf(st.Rate, 0) || st.Sys == 0 || st.HeapInuse == 0 || st.Note == "" {
			t.Errorf("stage %q: %d items, %g s, rate %g, heap %d, sys %d, note %q: want positive numbers and a note",
				name, st.Items, st.Seconds, st.Rate, st.HeapInuse, st.Sys, st.Note)
		}
		arithmetic := !(name == "read" || name == "grid" || name == "transform")
		if arithmetic && (!(st.GFLOPS > 0) || !(st.Roofline > 0)) {
			t.Errorf("stage %q: %g GFLOPS, roofline ratio %g: want positive", name, st.GFLOPS, st.Roofline)
		}
		// The network and detection stages have readings of the roofline
		// GEMM of their own, taken just before and just after them, and
		// their share is over the higher one.
		gemm := strings.HasPrefix(name, "gemm") || name == "roofline"
		if !arithmetic || gemm {
			if st.Ref != nil {
				t.Errorf("stage %q has a reference reading %+v", name, st.Ref)
			}
			continue
		}
		if len(r.References) < refs+2 {
			t.Errorf("stage %q: no readings left in the result's %d", name, len(r.References))
			continue
		}
		before, after := r.References[refs], r.References[refs+1]
		refs += 2
		want := before
		if after.CPUGFLOPS > before.CPUGFLOPS {
			want = after
		}
		if st.Ref == nil || *st.Ref != want || !(want.GFLOPS > 0) || math.Abs(st.Roofline*want.GFLOPS/st.GFLOPS-1) > 1e-9 {
			t.Errorf("stage %q: reference %+v, share %g of %g GFLOPS; readings around it %+v and %+v: want the higher, the share over it",
				name, st.Ref, st.Roofline, st.GFLOPS, before, after)
		}
	}
	if refs != len(r.References) {
		t.Errorf("%d readings around the stages, %d in the result", refs, len(r.References))
	}
	// The detection stages cover a band of rows; their full-grid estimate
	// is for more pairs than they scored.
	for _, name := range []string{"detect fast", "detect exact", "detect exact paper"} {
		if st := r.Stage(name); st != nil && !(st.FullItems > st.Items && st.FullSeconds > st.Seconds) {
			t.Errorf("stage %q: full job %d pairs in %g s, measured %d in %g s: want a larger full job", name, st.FullItems, st.FullSeconds, st.Items, st.Seconds)
		}
	}
	// Exact detection scores each unordered pair once: the map's ring pairs
	// are nearly twice the evaluations.
	for _, name := range []string{"detect exact", "detect exact paper"} {
		if st := r.Stage(name); st != nil && !(st.MapPairs > 3*st.FullItems/2 && st.MapPairs <= 2*st.FullItems && st.MapRate > 0) {
			t.Errorf("stage %q: %d ring pairs of the map from %d evaluations, %g per s", name, st.MapPairs, st.FullItems, st.MapRate)
		}
	}
}

func TestBenchCmdFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown workload", []string{"--workload", "kola"}, "unknown workload"},
		{"negative size", []string{"--cols", "-3"}, "must not be negative"},
		{"stray argument", []string{"paper"}, "unexpected argument"},
		{"missing peer file", []string{"--peer", "no-such-peer.json"}, "--peer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := benchCmd(tc.args, &stdout, &stderr); code != 2 {
				t.Errorf("exit code %d, want 2", code)
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr %q does not say %q", stderr.String(), tc.want)
			}
		})
	}
}

// TestBenchNanlingMissing checks that a missing data folder skips the
// workload with a message instead of failing.
func TestBenchNanlingMissing(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := benchCmd([]string{"--workload", "nanling", "--nanling", filepath.Join(t.TempDir(), "absent"), "--json", "", "-q"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit code %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "workload nanling skipped") {
		t.Errorf("stdout %q does not say the workload was skipped", stdout.String())
	}
}

// TestBenchBrowserQuick runs `halo bench --quick --browser` on the page the
// tests build: the browser workloads of quick mode (the demo's first map,
// one cycle of 1 vs 2 workers, the download) must each report their
// numbers, and the targets table must show them beside their targets
// (met or MISSED: no speed is asserted), with the unmeasured ones saying
// why.
func TestBenchBrowserQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("drives headless Chromium (about a minute)")
	}
	requireTool(t, "chromium")
	build := buildWasm(t)
	out := filepath.Join(t.TempDir(), "bench.json")
	var stdout, stderr bytes.Buffer
	code := benchCmd([]string{"--quick", "--workload", "paper", "--cols", "32", "--rows", "32", "--browser", "--build", build, "--json", out}, &stdout, &stderr)
	t.Log("\n" + stdout.String())
	if code != 0 {
		t.Fatalf("halo bench exited %d: %s", code, stderr.String())
	}
	rep := readBenchReport(t, out)
	want := map[string][]string{
		"demo first map": {"s-to-ready", "s-click-to-map", "s-open-to-map", "MB-worker"},
		"demo scaling":   {"speedup-2-vs-1", "pairs/s-1-worker-33", "pairs/s-2-worker-35", "cycles"},
		"download":       {"MB-br", "MB-gzip", "MB-identity", "s-compress.br"},
	}
	if len(rep.Browser) != len(want) {
		t.Errorf("%d browser workloads, want %d: %+v", len(rep.Browser), len(want), rep.Browser)
	}
	for _, r := range rep.Browser {
		if r.Error != "" || r.Skipped != "" {
			t.Errorf("%s: error %q, skipped %q", r.Name, r.Error, r.Skipped)
		}
		for _, k := range want[r.Name] {
			if v, ok := r.Metrics[k]; !ok || !(v > 0) || math.IsInf(v, 0) {
				t.Errorf("%s: metric %s = %v (present %v), want a positive number", r.Name, k, v, ok)
			}
		}
	}
	var m metrics
	for _, r := range rep.Browser {
		if r.Name == "download" {
			m = r.Metrics
		}
	}
	if !(m["MB-br"] < m["MB-gzip"] && m["MB-gzip"] < m["MB-identity"]) {
		t.Errorf("download: %v MB with brotli, %v with gzip, %v plain: want brotli < gzip < plain", m["MB-br"], m["MB-gzip"], m["MB-identity"])
	}
	measured := map[string]bool{"2b": true, "6a": true, "6b": true}
	if len(rep.Targets) != 13 {
		t.Errorf("%d targets, want 13", len(rep.Targets))
	}
	for _, tg := range rep.Targets {
		if measured[tg.ID] {
			if (tg.Status != targetMet && tg.Status != targetMissed) || !(tg.Value > 0) {
				t.Errorf("target %s: status %q, value %v: want measured", tg.ID, tg.Status, tg.Value)
			}
		} else if tg.Status != targetNone || tg.Measured == "" {
			t.Errorf("target %s: status %q, measured %q: want not measured, with the reason", tg.ID, tg.Status, tg.Measured)
		}
		if !strings.Contains(stdout.String(), tg.What) {
			t.Errorf("the targets table has no row for %s %q", tg.ID, tg.What)
		}
	}
}

// readBenchReport reads the JSON file of halo bench.
func readBenchReport(t *testing.T, path string) benchReport {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep benchReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}
