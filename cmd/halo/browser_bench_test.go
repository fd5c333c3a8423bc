package main

import (
	"os"
	"path/filepath"
	"testing"
)

// The end-to-end benchmarks of the page in headless Chromium (issue #6):
// the workloads of `halo bench --browser` (browserbench.go), one per
// Benchmark, reporting the same metrics with b.ReportMetric, never asserted
// (the machine is noisy). They skip without chromium or ../shared/data.
//
//	make bench                                   # all of them, in halo bench --browser's table
//	go test ./cmd/halo -run '^$' -bench 'BenchmarkBrowser' -benchtime 1x -timeout 60m

// benchBrowser runs the workload fn as a benchmark and reports its metrics.
func benchBrowser(b *testing.B, nanling bool, fn func(t tb, s *browserSetup, m metrics)) {
	s := testSetup(b)
	if nanling {
		s.nanling = sharedData(b, "nanling-li")
	}
	for b.Loop() {
		m := metrics{}
		fn(b, s, m)
		for k, v := range m {
			b.ReportMetric(v, k)
		}
	}
}

// BenchmarkBrowserDemoFirstMap: page open -> engine ready -> demo click ->
// first map (target: under 10 s).
func BenchmarkBrowserDemoFirstMap(b *testing.B) { benchBrowser(b, false, demoFirstMap) }

// BenchmarkBrowserNanlingALAD: page load, nanling-li, ALAD defaults
// (target: under 30 s).
func BenchmarkBrowserNanlingALAD(b *testing.B) { benchBrowser(b, true, nanlingALAD) }

// BenchmarkBrowserNanlingCNN: page load, nanling-li, CNN defaults (target:
// under 60 s).
func BenchmarkBrowserNanlingCNN(b *testing.B) { benchBrowser(b, true, nanlingCNN) }

// BenchmarkBrowserWorkerScaling: the demo's detection with 1 and 2 workers,
// four cycles (target: at least 1.8x).
func BenchmarkBrowserWorkerScaling(b *testing.B) {
	benchBrowser(b, false, func(t tb, s *browserSetup, m metrics) { demoScaling(t, s, 4, m) })
}

// BenchmarkBrowserNanlingScaling: nanling-li's detection with 1 and 2
// workers, one cycle.
func BenchmarkBrowserNanlingScaling(b *testing.B) { benchBrowser(b, true, nanlingScaling) }

// BenchmarkBrowserPaperALAD: the paper-shaped survey, ALAD defaults
// (target: under 60 s, memory under 1 GB).
func BenchmarkBrowserPaperALAD(b *testing.B) { benchBrowser(b, false, paperALAD) }

// BenchmarkBrowserPaperCNN: the paper-shaped survey, CNN defaults (target:
// under 180 s, memory under 1 GB).
func BenchmarkBrowserPaperCNN(b *testing.B) { benchBrowser(b, false, paperCNN) }

// BenchmarkServedDownload: the page's bytes as `make serve` serves them,
// from the build/ of `make build` (target: under 10 MB compressed). It
// skips without build/worker.wasm.
func BenchmarkServedDownload(b *testing.B) {
	root, err := filepath.Abs("../..")
	if err != nil {
		b.Fatal(err)
	}
	build := filepath.Join(root, "build")
	if _, err := os.Stat(filepath.Join(build, "worker.wasm")); err != nil {
		b.Skip("no build/worker.wasm: run make build first")
	}
	s := &browserSetup{root: root, build: build}
	for b.Loop() {
		m := metrics{}
		servedDownload(b, s, m)
		for k, v := range m {
			b.ReportMetric(v, k)
		}
	}
}
