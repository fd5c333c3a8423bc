package main

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/chromedp/chromedp"

	"halo/core/pipeline"
	"halo/core/pipeline/bench"
)

// The end-to-end workloads of the page in headless Chromium (issue #6):
// times from opening the page, worker scaling, the compute workers'
// WebAssembly memory and the page's download. `halo bench --browser` runs
// them (browserWorkloads) and so do the Benchmark functions of
// browser_bench_test.go, which report the same metrics with b.ReportMetric.
// Nothing here asserts a speed: the machine is noisy.

// metrics are a workload's measurements by name, in the units of their
// names ("s-open-to-map", "MB-br", "speedup-2-vs-1").
type metrics map[string]float64

// memory records the compute workers' memory in MB: the run's worker, and
// it plus its sub-workers at once (the peak of the compute workers).
func (m metrics) memory(mem memory) {
	m["MB-worker"] = mem.Worker / 1e6
	m["MB-workers-peak"] = (mem.Worker + mem.SubWorkers) / 1e6
}

// browserWorkload is a named end-to-end measurement.
type browserWorkload struct {
	name    string
	what    string
	nanling bool // reads the nanling-li data
	paper   bool // the paper-shaped survey
	run     func(t tb, s *browserSetup, m metrics)
}

// browserWorkloads are the workloads of `halo bench --browser`, in order;
// with quick only the demo's first map, one cycle of its worker scaling
// and the download (well under a minute).
func browserWorkloads(quick bool) []browserWorkload {
	demoCycles := 4
	if quick {
		demoCycles = 1
	}
	ws := []browserWorkload{
		{name: "demo first map", what: "page open -> engine ready -> demo click -> first map", run: demoFirstMap},
		{name: "demo scaling", what: fmt.Sprintf("CNN detection of the demo, 1 vs 2 workers, %d cycles", demoCycles),
			run: func(t tb, s *browserSetup, m metrics) { demoScaling(t, s, demoCycles, m) }},
		{name: "download", what: "the page's bytes as halo serve sends them (build/)", run: servedDownload},
	}
	if quick {
		return ws
	}
	return append(ws,
		browserWorkload{name: "nanling alad", what: "page load, nanling-li, ALAD defaults", nanling: true,
			run: func(t tb, s *browserSetup, m metrics) { nanlingALAD(t, s, m) }},
		browserWorkload{name: "nanling cnn", what: "page load, nanling-li, CNN defaults (train + fast (13,35))", nanling: true,
			run: func(t tb, s *browserSetup, m metrics) { nanlingCNN(t, s, m) }},
		browserWorkload{name: "nanling scaling", what: "CNN detection of nanling-li, 1 vs 2 workers, 1 cycle", nanling: true, run: nanlingScaling},
		browserWorkload{name: "paper alad", what: "page load, paper-shaped survey, ALAD defaults", paper: true, run: paperALAD},
		browserWorkload{name: "paper cnn", what: "page load, paper-shaped survey, CNN defaults (train + fast (13,35))", paper: true, run: paperCNN},
	)
}

// demoFirstMap: opening the page to the first map of the classroom demo:
// page open -> engine ready -> demo click -> first map (target: under 10 s).
func demoFirstMap(t tb, s *browserSetup, m metrics) {
	t0 := time.Now()
	p := openBrowserPage(t, s, 3*time.Minute, "")
	click := time.Now()
	p.run(chromedp.Click("#demo", chromedp.ByID))
	p.waitText("#stage", "done", 2*time.Minute)
	clickToMap := time.Since(click)
	withStart := time.Since(t0)
	_, mem := p.result()
	m["s-to-ready"] = p.loaded.Seconds()
	m["s-click-to-map"] = clickToMap.Seconds()
	// From navigating to the page; and with Chromium's start before it.
	m["s-open-to-map"] = (p.loaded + clickToMap).Seconds()
	m["s-with-browser-start"] = withStart.Seconds()
	m.memory(mem)
}

// runFiles opens the page, drops samples and deposits, checks only the
// given method, runs it with the page's defaults and returns the report,
// the memory and the seconds from navigating to the page to the result
// (files included, Chromium's own start not).
func runFiles(t tb, s *browserSetup, samples, deposits, method string, limit time.Duration) (*pipeline.Report, memory, float64) {
	t.Helper()
	p := openBrowserPage(t, s, limit, "")
	t0 := time.Now()
	p.load(samples, deposits, "39 elements", 2*time.Minute)
	p.checkMethods(method)
	p.clickRun()
	p.waitText("#stage", "done", limit)
	sec := (p.loaded + time.Since(t0)).Seconds() // from navigating to the page
	rep, mem := p.result()
	if len(rep.Methods) != 1 || rep.Methods[0].Name != method || rep.Data.Cols*rep.Data.Rows == 0 {
		t.Fatalf("methods %+v, want %s only", rep.Methods, method)
	}
	return rep, mem, sec
}

func nanlingFiles(s *browserSetup) (string, string) {
	return filepath.Join(s.nanling, bench.NanlingFiles[0]), filepath.Join(s.nanling, bench.NanlingFiles[1])
}

// nanlingALAD: page load, nanling-li (grid.csv and deposits.csv), ALAD with
// the default settings (target: under 30 s).
func nanlingALAD(t tb, s *browserSetup, m metrics) {
	samples, deposits := nanlingFiles(s)
	rep, mem, sec := runFiles(t, s, samples, deposits, "alad", 10*time.Minute)
	runMetrics(m, rep, mem, sec)
}

// nanlingCNN: page load, nanling-li, the CNN with the default settings:
// training and fast (13, 35) detection (target: under 60 s at an AUC within
// 0.01 of the paper-width network's).
func nanlingCNN(t tb, s *browserSetup, m metrics) {
	samples, deposits := nanlingFiles(s)
	rep, mem, sec := runFiles(t, s, samples, deposits, "cnn", 30*time.Minute)
	cnnMetrics(m, rep, mem, sec)
}

// paperFiles writes the paper-shaped synthetic survey (251 x 310 cells, 39
// elements, 19 deposits; core/pipeline/bench.PaperShaped, the workload of
// halo bench) to a temporary folder.
func paperFiles(t tb, s *browserSetup) (string, string) {
	w, err := bench.PaperShaped(max(s.seed, 1), s.cols, s.rows)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "halo-paper-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	samples, deposits := filepath.Join(dir, "paper_samples.csv"), filepath.Join(dir, "paper_deposits.csv")
	if err := os.WriteFile(samples, w.Samples, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(deposits, w.Deposits, 0o644); err != nil {
		t.Fatal(err)
	}
	return samples, deposits
}

// paperALAD: the paper-shaped survey through the page with ALAD's
// defaults: the time (target: under 60 s) and the compute workers' peak
// WebAssembly memory (target: under 1 GB).
func paperALAD(t tb, s *browserSetup, m metrics) {
	samples, deposits := paperFiles(t, s)
	rep, mem, sec := runFiles(t, s, samples, deposits, "alad", 20*time.Minute)
	runMetrics(m, rep, mem, sec)
}

// paperCNN: the CNN with the page's defaults (train + fast (13,35)
// detection) on the paper-shaped survey, page load included (target: under
// 180 s; memory under 1 GB).
func paperCNN(t tb, s *browserSetup, m metrics) {
	samples, deposits := paperFiles(t, s)
	rep, mem, sec := runFiles(t, s, samples, deposits, "cnn", 40*time.Minute)
	cnnMetrics(m, rep, mem, sec)
}

// runMetrics records what every run of one method reports: seconds from
// opening the page and in the method (as "s-"+name), the AUC, the grid's
// cells and the compute workers' memory.
func runMetrics(m metrics, rep *pipeline.Report, mem memory, sec float64) {
	r := rep.Methods[0]
	m["s-open-to-map"] = sec
	m["s-"+r.Name] = r.Seconds
	m["AUC"] = r.AUC
	m["cells"] = float64(rep.Data.Cols * rep.Data.Rows)
	m.memory(mem)
}

// cnnMetrics records a CNN run: runMetrics, and the seconds in training
// (with the pairs and the other preparation) and in detection, the
// evaluations and their rate and the workers.
func cnnMetrics(m metrics, rep *pipeline.Report, mem memory, sec float64) {
	runMetrics(m, rep, mem, sec)
	r := rep.Methods[0]
	if tr := r.Training; tr != nil {
		m["s-detect"] = tr.DetectSeconds
		m["s-train"] = r.Seconds - tr.DetectSeconds
		m["pairs"] = float64(tr.PairsScored)
		m["pairs/s"] = tr.PairsPerSecond
		m["workers"] = float64(tr.Workers)
	}
}

// demoScaling: in one page, the CNN trained briefly on the demo, then its
// dual-window detection re-run (other windows, no training) with one web
// worker and with two; see workerScaling.
func demoScaling(t tb, s *browserSetup, cycles int, m metrics) {
	p := openBrowserPage(t, s, 15*time.Minute, "")
	p.checkMethods("cnn")
	p.setEpochs(1)
	p.run(chromedp.Click("#demo", chromedp.ByID))
	p.waitText("#stage", "done", 8*time.Minute)
	workerScaling(t, p, cycles, m)
}

// nanlingScaling is demoScaling on nanling-li: detections of 8-18 s
// instead of 2-4 s, long enough for one cycle.
func nanlingScaling(t tb, s *browserSetup, m metrics) {
	p := openBrowserPage(t, s, 20*time.Minute, "")
	samples, deposits := nanlingFiles(s)
	p.load(samples, deposits, "39 elements", 60*time.Second)
	p.checkMethods("cnn")
	p.setEpochs(1)
	p.clickRun()
	p.waitText("#stage", "done", 10*time.Minute)
	workerScaling(t, p, 1, m)
}

// workerScaling re-runs the page's trained CNN's detection (no training)
// with ?workers=1 and ?workers=2 (set with history.replaceState), each on
// the windows (13, 33) and (13, 35), in the order 1, 2, 2, 1 (each run
// needs other windows than the one before it), cycles times. A cycle's
// ratio is the geometric mean of its two windows' ratios: both counts
// score the same pairs, and drift over the cycle cancels. It records the
// mean rates, the geometric mean of the cycles' ratios and the lowest and
// highest of them (target: at least 1.8 on two cores): this machine runs
// slower for seconds at a time, which a detection of 2 s cannot average
// out, so a short workload needs several cycles.
func workerScaling(t tb, p *page, cycles int, m metrics) {
	var ok bool
	type key struct{ workers, outer int }
	sum := map[key]float64{}
	var mem memory
	logRatio, lo, hi := 0.0, math.Inf(1), math.Inf(-1)
	for range cycles {
		rate := map[key]float64{}
		for _, step := range []key{{1, 33}, {2, 35}, {2, 33}, {1, 35}} {
			// Let the page draw the last result first (the viewer's map, the
			// figures): Chromium without a GPU draws on the CPU, which took
			// from the next run's second worker the spare core gave the
			// first.
			time.Sleep(1500 * time.Millisecond)
			p.eval(fmt.Sprintf(`(() => { history.replaceState(null, "", "?workers=%d");
			document.getElementById("outer").value = "%d"; return true; })()`, step.workers, step.outer), &ok)
			p.clickRun()
			p.waitText("#stage", "done", 8*time.Minute)
			var rep *pipeline.Report
			rep, mem = p.result()
			tr := rep.Methods[0].Training
			if tr == nil || tr.Workers != step.workers || tr.Windows[1] != step.outer || tr.PairsPerSecond <= 0 || !strings.Contains(rep.Methods[0].Note, "without training again") {
				t.Fatalf("workers=%d outer=%d: method %+v", step.workers, step.outer, rep.Methods[0])
			}
			rate[step] = tr.PairsPerSecond
			sum[step] += tr.PairsPerSecond
		}
		r := math.Sqrt(rate[key{2, 33}] / rate[key{1, 33}] * rate[key{2, 35}] / rate[key{1, 35}])
		logRatio += math.Log(r) / float64(cycles)
		lo, hi = min(lo, r), max(hi, r)
	}
	for k, v := range sum {
		m[fmt.Sprintf("pairs/s-%d-worker-%d", k.workers, k.outer)] = v / float64(cycles)
	}
	m["speedup-2-vs-1"] = math.Exp(logRatio)
	m["speedup-lowest-cycle"] = lo
	m["speedup-highest-cycle"] = hi
	m["cycles"] = float64(cycles)
	m.memory(mem)
}

// servedDownload: the bytes of the page as `halo serve` serves it
// (index.html, web/, the build folder's programs), with brotli and with
// gzip, compressed as halo serve does (in a copy of the build folder), and
// the seconds each compression takes (target: under 10 MB compressed).
func servedDownload(t tb, s *browserSetup, m metrics) {
	tmp, err := os.MkdirTemp("", "halo-download-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	for _, f := range []string{"worker.wasm", "ui.wasm", "wasm_exec.js"} {
		data, err := os.ReadFile(filepath.Join(s.build, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmp, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, enc := range []encoder{brotliQ6, gzipLevel9} {
		t0 := time.Now()
		if _, err := precompress(tmp, enc); err != nil {
			t.Fatal(err)
		}
		m["s-compress"+enc.ext] = time.Since(t0).Seconds()
	}
	paths := []string{"", "build/worker.wasm", "build/ui.wasm", "build/wasm_exec.js"}
	web, err := os.ReadDir(filepath.Join(s.root, "web"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range web {
		if e.IsDir() {
			continue
		}
		paths = append(paths, "web/"+e.Name())
	}
	srv := httptest.NewServer(&site{root: s.root, build: tmp})
	defer srv.Close()
	for _, enc := range []string{"br", "gzip", "identity"} {
		total := 0
		for _, p := range paths {
			req, _ := http.NewRequest("GET", srv.URL+"/"+p, nil)
			req.Header.Set("Accept-Encoding", enc)
			resp, err := srv.Client().Transport.RoundTrip(req) // no transparent decompression
			if err != nil {
				t.Fatal(err)
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %s", p, resp.Status)
			}
			total += int(n)
		}
		m["MB-"+enc] = float64(total) / 1e6
	}
}

// browserResult is one workload's outcome in the JSON of halo bench.
type browserResult struct {
	Name    string  `json:"name"`
	What    string  `json:"what"`
	Seconds float64 `json:"seconds"`
	Metrics metrics `json:"metrics,omitempty"`
	Error   string  `json:"error,omitempty"`
	Skipped string  `json:"skipped,omitempty"`
}

// benchTB is tb for halo bench: Fatal ends the workload (a panic that
// runBrowserWorkload recovers), Error records, Logf writes the log, and
// the cleanups run when the workload ends.
type benchTB struct {
	log      io.Writer
	errs     []string
	cleanups []func()
}

type benchAbort struct{}

func (t *benchTB) Helper()                         {}
func (t *benchTB) Error(args ...any)               { t.errs = append(t.errs, fmt.Sprint(args...)) }
func (t *benchTB) Errorf(format string, a ...any)  { t.Error(fmt.Sprintf(format, a...)) }
func (t *benchTB) Fatal(args ...any)               { t.Error(args...); panic(benchAbort{}) }
func (t *benchTB) Fatalf(format string, a ...any)  { t.Fatal(fmt.Sprintf(format, a...)) }
func (t *benchTB) Cleanup(f func())                { t.cleanups = append(t.cleanups, f) }
func (t *benchTB) Logf(format string, args ...any) { logf(t.log, "browser "+format, args...) }

func logf(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, format+"\n", args...)
	}
}

// runBrowserWorkload runs w and returns what it measured, or the error
// that ended it; a failed workload does not stop the others.
func runBrowserWorkload(w browserWorkload, s *browserSetup, log io.Writer) (res browserResult) {
	res = browserResult{Name: w.name, What: w.what}
	if w.nanling {
		a, b := nanlingFiles(s)
		for _, f := range []string{a, b} {
			if _, err := os.Stat(f); err != nil {
				res.Skipped = fmt.Sprintf("no %s (--nanling DIR)", f)
				return res
			}
		}
	}
	t := &benchTB{log: log}
	m := metrics{}
	t0 := time.Now()
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(benchAbort); !ok {
					t.errs = append(t.errs, fmt.Sprintf("panic: %v\n%s", r, debug.Stack()))
				}
			}
			for i := len(t.cleanups) - 1; i >= 0; i-- {
				t.cleanups[i]()
			}
		}()
		w.run(t, s, m)
	}()
	res.Seconds = time.Since(t0).Seconds()
	res.Metrics = m
	res.Error = strings.Join(t.errs, "; ")
	logf(log, "browser %-16s %7.1f s  %s", w.name, res.Seconds, res.Error)
	return res
}

// writeBrowserTable writes the browser workloads and their metrics.
func writeBrowserTable(w io.Writer, rs []browserResult) error {
	fmt.Fprintln(w, "in headless Chromium (times from navigating to the page; MB of WebAssembly memory):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "workload\ts\tmeasured\t")
	for _, r := range rs {
		var line string
		switch {
		case r.Skipped != "":
			line = "skipped: " + r.Skipped
		default:
			keys := make([]string, 0, len(r.Metrics))
			for k := range r.Metrics {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			parts := make([]string, len(keys))
			for i, k := range keys {
				parts[i] = fmt.Sprintf("%s %s", k, metricString(r.Metrics[k]))
			}
			line = strings.Join(parts, ", ")
			if r.Error != "" {
				line = "FAILED: " + firstLine(r.Error) + "; " + line
			}
		}
		fmt.Fprintf(tw, "%s\t%.1f\t%s\t\n", r.Name, r.Seconds, line)
	}
	return tw.Flush()
}

func metricString(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e4:
		return fmt.Sprintf("%.0f", v)
	case a >= 100:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.3f", v)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
