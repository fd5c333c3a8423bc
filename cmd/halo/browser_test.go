package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"halo/core/pipeline"
)

// The browser tests drive the real page in headless Chromium (Debian package
// chromium) against the handler of `halo serve`, with the worker built for
// js/wasm by the test itself. Without chromium they are skipped, unless
// HALO_REQUIRE_TOOLS is set (make test sets it), then they fail.

var (
	wasmOnce sync.Once
	wasmDir  string
	wasmErr  error
)

// buildWasm builds wasm/worker into a temporary folder once per test binary.
func buildWasm(t testing.TB) string {
	t.Helper()
	wasmOnce.Do(func() {
		dir, err := os.MkdirTemp("", "halo-build-")
		if err != nil {
			wasmErr = err
			return
		}
		for _, prog := range []struct{ out, pkg string }{{"worker.wasm", "halo/wasm/worker"}, {"ui.wasm", "halo/wasm/ui"}} {
			cmd := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(dir, prog.out), prog.pkg)
			cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
			if out, err := cmd.CombinedOutput(); err != nil {
				wasmErr = fmt.Errorf("building %s: %v\n%s", prog.pkg, err, out)
				return
			}
		}
		src := filepath.Join(runtime.GOROOT(), "lib", "wasm", "wasm_exec.js")
		b, err := os.ReadFile(src)
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, "wasm_exec.js"), b, 0o644)
		}
		wasmDir, wasmErr = dir, err
	})
	if wasmErr != nil {
		t.Fatal(wasmErr)
	}
	return wasmDir
}

func requireTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("HALO_REQUIRE_TOOLS") != "" {
			t.Fatalf("%s not found on PATH (make test installs it with apt-get)", name)
		}
		t.Skipf("%s not found on PATH; run make test to install it", name)
	}
	return p
}

func openPage(t testing.TB, timeout time.Duration) *page {
	t.Helper()
	return openPageQuery(t, timeout, "")
}

// openPageQuery is openPage with a query string for the page's URL (such as
// "?workers=1").
func openPageQuery(t testing.TB, timeout time.Duration, query string) *page {
	t.Helper()
	return openBrowserPage(t, testSetup(t), timeout, query)
}

// testSetup is the browser of the tests: chromium from PATH, the module's
// page and the worker built by buildWasm.
func testSetup(t testing.TB) *browserSetup {
	t.Helper()
	exe := requireTool(t, "chromium")
	build := buildWasm(t)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return &browserSetup{exe: exe, root: root, build: build}
}

// checkOrigin asserts that no request left the page's origin.
func (p *page) checkOrigin() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.requests) == 0 {
		p.t.Fatal("no network request recorded: the CDP listener is not working")
	}
	for _, u := range p.requests {
		if !strings.HasPrefix(u, p.url) && !strings.HasPrefix(u, "blob:") && !strings.HasPrefix(u, "data:") {
			p.t.Errorf("request left the origin %s: %s", p.url, u)
		}
	}
}

func (p *page) screenshot(name string) {
	var buf []byte
	p.run(chromedp.FullScreenshot(&buf, 100))
	dir := os.Getenv("HALO_TEST_OUT")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "halo-test-out")
	}
	os.MkdirAll(dir, 0o755)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot: %s", path)
}

func sharedData(t testing.TB, parts ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{"..", "..", "..", "shared", "data"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data not found: %v", err)
	}
	abs, _ := filepath.Abs(p)
	return abs
}

// TestBrowserNanling drops the nanling-li grid and deposits into the page,
// runs the default methods and checks that the AUCs shown equal those of the
// native pipeline for the same Config, and that the map is not blank.
func TestBrowserNanling(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	samples := sharedData(t, "nanling-li", "grid.csv")
	deposits := sharedData(t, "nanling-li", "deposits.csv")
	p := openPage(t, 8*time.Minute)

	// The column preview: gridded input recognised, 39 elements with units.
	p.load(samples, deposits, "39 elements", 60*time.Second)
	var units []string
	p.eval(`[...document.querySelectorAll("#preview-table tbody tr")].map(tr => tr.children[1].textContent + ":" + tr.children[3].querySelector("select").value)`, &units)
	if len(units) != 39 || units[0] != "Ag:ppb" {
		t.Errorf("preview rows %v: want 39 elements, Ag in ppb (RGNR convention)", units)
	}
	var summary string
	p.eval(`document.querySelector("#preview .preview-summary").textContent`, &summary)
	if !strings.Contains(summary, "20,460 samples (a grid of 132 x 155 cells") {
		t.Errorf("preview summary %q", summary)
	}
	p.run(chromedp.WaitEnabled("#run", chromedp.ByID), chromedp.Click("#run", chromedp.ByID))
	p.waitText("#stage", "done", 6*time.Minute)

	var reportJSON string
	p.eval(`window.halo.result.report`, &reportJSON)
	var got pipeline.Report
	if err := json.Unmarshal([]byte(reportJSON), &got); err != nil {
		t.Fatal(err)
	}

	// The same Config natively.
	in := pipeline.Inputs{SamplesName: "grid.csv", DepositsName: "deposits.csv"}
	in.Samples, _ = os.ReadFile(samples)
	in.Deposits, _ = os.ReadFile(deposits)
	res, err := pipeline.Run(context.Background(), in, &got.Config, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Report.Methods) != len(got.Methods) || len(got.Methods) == 0 {
		t.Fatalf("methods: browser %d, native %d", len(got.Methods), len(res.Report.Methods))
	}
	var shown []string
	p.eval(`[...document.querySelectorAll("#table tbody tr")].map(tr => tr.children[0].textContent + " " + tr.children[1].textContent)`, &shown)
	for i, m := range res.Report.Methods {
		b := got.Methods[i]
		if b.Name != m.Name || math.Abs(b.AUC-m.AUC) > 1e-9 {
			t.Errorf("method %d: browser %s AUC %.6f, native %s AUC %.6f", i, b.Name, b.AUC, m.Name, m.AUC)
		}
		if want := fmt.Sprintf("%s %.3f", m.Name, m.AUC); i >= len(shown) || shown[i] != want {
			t.Errorf("table row %d shows %q, want %q", i, shown, want)
		}
	}

	// The map image is drawn and not blank: count distinct colours.
	var colours int
	p.eval(`(() => { const img = document.getElementById("map"); const c = document.createElement("canvas");
		c.width = img.naturalWidth; c.height = img.naturalHeight; const g = c.getContext("2d"); g.drawImage(img, 0, 0);
		const d = g.getImageData(0, 0, c.width, c.height).data; const s = new Set();
		for (let i = 0; i < d.length; i += 4*7) s.add((d[i]<<16)|(d[i+1]<<8)|d[i+2]); return s.size; })()`, &colours)
	if colours < 5 {
		t.Errorf("map image has %d distinct colours: blank?", colours)
	}
	p.screenshot("nanling.png")
	p.checkOrigin()
}

// TestBrowserBrokenCSV drops a CSV with text in an element column and
// expects a readable message naming the line and column.
func TestBrowserBrokenCSV(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	p := openPage(t, 3*time.Minute)
	bad := "x,y,Cu_ppm,Zn_ppm\n1,1,10,20\n2,1,11,21\n1,2,12,lots\n2,2,13,23\n"
	js := fmt.Sprintf(`(() => { const dt = new DataTransfer();
		dt.items.add(new File([%q], "broken_samples.csv", {type: "text/csv"}));
		document.getElementById("drop").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
		return true; })()`, bad)
	var ok bool
	p.eval(js, &ok)
	p.waitText("#files", "broken_samples.csv", 10*time.Second)
	p.clickRun()
	msg := p.waitText("#error", "line", 60*time.Second)
	for _, want := range []string{"broken_samples.csv", "line 4", "Zn_ppm", "lots"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error message %q does not mention %q", msg, want)
		}
	}
	p.checkOrigin()
}

// TestBrowserDemoDownloadsCancel runs the classroom demo, downloads each
// export (the GeoTIFF checked by gdalinfo), then starts a long run, cancels
// it, and checks that the previous map and its exports are still there.
func TestBrowserDemoDownloadsCancel(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	gdalinfo := requireTool(t, "gdalinfo")
	p := openPage(t, 6*time.Minute)
	start := time.Now()
	p.run(chromedp.Click("#demo", chromedp.ByID))
	p.waitText("#stage", "done", 3*time.Minute)
	t.Logf("demo: first map %.1f s after the click", time.Since(start).Seconds())
	var mapSrc string
	p.eval(`document.getElementById("map").src`, &mapSrc)
	p.checkSlider()

	dir := t.TempDir()
	p.run(browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllow).WithDownloadPath(dir).WithEventsEnabled(true))
	want := map[string]string{"png": "mahalanobis.png", "tif": "mahalanobis.tif", "asc": "mahalanobis.asc", "csv": "mahalanobis.csv"}
	for format, name := range want {
		p.run(chromedp.Click(fmt.Sprintf(`#downloads button[data-format=%q]`, format), chromedp.ByQuery))
		waitFile(t, filepath.Join(dir, name), 30*time.Second)
	}
	cmd := exec.Command(gdalinfo, "-json", filepath.Join(dir, "mahalanobis.tif"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	// The demo's coordinates are metres without a known CRS: the GeoTIFF
	// carries a local CRS in metres, for which gdalinfo -json prints PROJ
	// errors while it tries (and fails) to compute a lon/lat extent.
	gdalErrs := strings.ReplaceAll(stderr.String(), "ERROR 1: PROJ: proj_get_ellipsoid", "")
	if err != nil || strings.Contains(gdalErrs, "ERROR") {
		t.Fatalf("gdalinfo: %v\n%s%s", err, stderr.String(), out)
	}
	var info struct {
		Size  []int `json:"size"`
		Bands []struct {
			Type string `json:"type"`
		} `json:"bands"`
		GeoTransform []float64 `json:"geoTransform"`
	}
	if err := json.Unmarshal(out, &info); err != nil {
		t.Fatal(err)
	}
	if len(info.Size) != 2 || info.Size[0] < 10 || len(info.Bands) != 1 || info.Bands[0].Type != "Float32" || len(info.GeoTransform) != 6 || info.GeoTransform[5] >= 0 {
		t.Errorf("gdalinfo of the downloaded GeoTIFF: %s", out)
	}
	csv, _ := os.ReadFile(filepath.Join(dir, "mahalanobis.csv"))
	if !strings.HasPrefix(string(csv), "x,y,score_mahalanobis,class\n") {
		t.Errorf("CSV starts %q", string(csv[:min(60, len(csv))]))
	}

	// A long run (the paper's CNN, exact detection), cancelled.
	p.run(
		chromedp.Click(`input[value=cnn]`, chromedp.ByQuery),
		chromedp.Click(`#run`, chromedp.ByID),
	)
	p.waitText("#stage", "train cnn", 2*time.Minute)
	p.run(chromedp.Click(`#cancel`, chromedp.ByID))
	p.waitText("#stage", "cancelled", 10*time.Second)
	var after string
	p.eval(`document.getElementById("map").src`, &after)
	if after != mapSrc {
		t.Errorf("the map changed after cancel: %s -> %s", mapSrc, after)
	}
	os.Remove(filepath.Join(dir, "mahalanobis.csv"))
	p.run(chromedp.Click(`#downloads button[data-format="csv"]`, chromedp.ByQuery))
	waitFile(t, filepath.Join(dir, "mahalanobis.csv"), 30*time.Second)
	p.screenshot("demo-after-cancel.png")
	p.checkOrigin()
}

func waitFile(t *testing.T, path string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		if st, err := os.Stat(path); err == nil && st.Size() > 0 {
			return
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(filepath.Dir(path))
			t.Fatalf("download %s did not arrive in %v (folder has %v)", filepath.Base(path), limit, entries)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// drawnMsg is the viewer's reply after a redraw (wasm/ui/doc.go).
type drawnMsg struct {
	Seq   int       `json:"seq"`
	Tops  []float64 `json:"tops"`
	Shown []struct {
		Hash   uint32 `json:"hash"`
		Counts []int  `json:"counts"`
	} `json:"shown"`
}

// checkSlider moves the first class slider from 5% to 10% and checks that
// the viewer's canvas changes while no message goes to a compute worker
// (reclassification, no recomputation).
func (p *page) checkSlider() {
	t := p.t
	t.Helper()
	await := func(e *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams { return e.WithAwaitPromise(true) }
	var d0, d1 drawnMsg
	p.run(chromedp.Evaluate(`halo.mapView.ready.then(() => halo.mapUpdate).then(() => halo.mapView.lastDrawn)`, &d0, await))
	var before, after []byte
	p.run(chromedp.Screenshot("#viewer", &before, chromedp.ByQuery))
	var ok bool
	p.eval(`(() => { window.workerPosts = 0; const o = Worker.prototype.postMessage;
		Worker.prototype.postMessage = function (...a) { window.workerPosts++; return o.apply(this, a); }; return true; })()`, &ok)
	p.run(chromedp.Evaluate(`(() => { const s = document.getElementById("top1"); s.value = "10";
		s.dispatchEvent(new Event("input")); return halo.mapUpdate; })()`, &d1, await))
	p.run(chromedp.Screenshot("#viewer", &after, chromedp.ByQuery))
	var posts int
	p.eval(`window.workerPosts`, &posts)
	if posts != 0 {
		t.Errorf("moving a slider sent %d messages to a compute worker, want 0", posts)
	}
	if len(d0.Shown) == 0 || len(d1.Shown) == 0 || len(d1.Tops) == 0 || d1.Tops[0] != 10 {
		t.Fatalf("viewer replies: before %+v, after %+v", d0, d1)
	}
	if d1.Shown[0].Hash == d0.Shown[0].Hash {
		t.Error("the map's pixels did not change when the red class grew from 5% to 10%")
	}
	// The top class holds ceil(p/100 * n) cells: about twice as many at 10%.
	if r := float64(d1.Shown[0].Counts[0]) / float64(d0.Shown[0].Counts[0]); r < 1.7 || r > 2.3 {
		t.Errorf("top class: %d cells at 5%%, %d at 10%%: want about twice", d0.Shown[0].Counts[0], d1.Shown[0].Counts[0])
	}
	if red0, red1 := redPixels(t, before), redPixels(t, after); !(red1 > red0 && red0 > 0) {
		t.Errorf("red pixels on the canvas: %d before, %d after: want more after", red0, red1)
	}
	p.eval(`document.getElementById("top1").value = "5"; document.getElementById("top1").dispatchEvent(new Event("input")); true`, &ok)
}

// redPixels counts the pixels of the high class colour (#d7191c) in a PNG.
func redPixels(t tb, b []byte) int {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			if absDiff(c.R, 0xd7) < 12 && absDiff(c.G, 0x19) < 12 && absDiff(c.B, 0x1c) < 12 {
				n++
			}
		}
	}
	return n
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// TestBrowserCNNPool runs the CNN on the demo in the page: training in the
// compute worker, detection split over navigator.hardwareConcurrency
// sub-workers; the report says how many and the map has a score for every
// cell with data.
func TestBrowserCNNPool(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	p := openPage(t, 6*time.Minute)
	var ok bool
	p.eval(`(() => {
		for (const b of document.querySelectorAll("input[name=method]")) b.checked = b.value === "cnn";
		document.getElementById("epochs").value = "2";
		document.getElementById("inner").value = "5"; document.getElementById("outer").value = "9";
		return true; })()`, &ok)
	p.run(chromedp.Click("#demo", chromedp.ByID))
	p.waitText("#stage", "done", 5*time.Minute)
	var rep pipeline.Report
	var reportJSON string
	p.eval(`window.halo.result.report`, &reportJSON)
	if err := json.Unmarshal([]byte(reportJSON), &rep); err != nil {
		t.Fatal(err)
	}
	var hc int
	p.eval(`navigator.hardwareConcurrency`, &hc)
	if len(rep.Methods) != 1 || rep.Methods[0].Training == nil {
		t.Fatalf("methods %+v", rep.Methods)
	}
	tr := rep.Methods[0].Training
	if tr.Workers != hc || tr.Windows != [2]int{5, 9} || tr.PairsScored == 0 {
		t.Errorf("detection: %d workers (hardwareConcurrency %d), windows %v, %d pairs", tr.Workers, hc, tr.Windows, tr.PairsScored)
	}
	if a := rep.Methods[0].AUC; !(a > 0.5) {
		t.Errorf("CNN AUC %.3f on the demo", a)
	}
	var missing int
	p.eval(`(() => { const s = window.halo.result.methods[0].score; let n = 0;
		for (const v of s) if (Number.isNaN(v)) n++; return n; })()`, &missing)
	if want := rep.Data.Cols*rep.Data.Rows - rep.Data.CellsWithData; missing != want {
		t.Errorf("%d cells without a score, want %d (the cells without data)", missing, want)
	}

	// New windows re-run detection only: no training stage, same model.
	p.eval(`(() => { window.stagesSeen = []; const st = document.getElementById("stage");
		new MutationObserver(() => window.stagesSeen.push(st.textContent)).observe(st, {childList: true, characterData: true, subtree: true});
		document.getElementById("outer").value = "11"; return true; })()`, &ok)
	p.clickRun()
	p.waitText("#stage", "done", 3*time.Minute)
	var stages []string
	p.eval(`window.stagesSeen`, &stages)
	for _, s := range stages {
		if strings.HasPrefix(s, "train") {
			t.Errorf("changing the windows trained again: %q", s)
			break
		}
	}
	p.eval(`window.halo.result.report`, &reportJSON)
	var rep2 pipeline.Report
	if err := json.Unmarshal([]byte(reportJSON), &rep2); err != nil {
		t.Fatal(err)
	}
	if tr2 := rep2.Methods[0].Training; tr2 == nil || tr2.Windows != [2]int{5, 11} || !strings.Contains(rep2.Methods[0].Note, "without training again") {
		t.Errorf("after new windows: %+v", rep2.Methods[0])
	}

	// The page's ?workers=1 caps the pool (read at each run); the result
	// reports the workers' WebAssembly memory.
	p.eval(`(() => { history.replaceState(null, "", "?workers=1"); document.getElementById("outer").value = "13"; return true; })()`, &ok)
	p.clickRun()
	p.waitText("#stage", "done", 3*time.Minute)
	rep3, mem := p.result()
	if tr3 := rep3.Methods[0].Training; tr3 == nil || tr3.Workers != 1 || tr3.Windows != [2]int{5, 13} {
		t.Errorf("with ?workers=1: %+v", rep3.Methods[0].Training)
	}
	if mem.Worker < 16<<20 || mem.SubWorker < 16<<20 || mem.SubWorkers < mem.SubWorker {
		t.Errorf("memory reported with the result: %+v", mem)
	}

	// The paper's window sweep runs on the pool too: every core again.
	p.eval(`(() => { history.replaceState(null, "", "?"); window.stagesSeen = [];
		document.getElementById("sweep").checked = true; return true; })()`, &ok)
	p.clickRun()
	p.waitText("#stage", "done", 3*time.Minute)
	rep4, _ := p.result()
	tr4 := rep4.Methods[0].Training
	if tr4 == nil || len(tr4.Sweep) != len(pipeline.PaperWindows) {
		t.Fatalf("with the sweep: %+v", tr4)
	}
	for _, w := range tr4.Sweep {
		if !(w.AUC > 0 && w.AUC < 1) {
			t.Errorf("sweep window %+v: AUC outside (0, 1)", w)
		}
	}
	p.eval(`window.stagesSeen`, &stages)
	want := fmt.Sprintf("window pairs on %d workers", hc)
	if !slices.ContainsFunc(stages, func(s string) bool { return strings.Contains(s, want) }) {
		t.Errorf("no stage says %q: %q", want, stages)
	}
	var plotShown bool
	p.eval(`!document.getElementById("windows-plot").hidden`, &plotShown)
	if !plotShown {
		t.Error("the sweep's plot is hidden")
	}

	// Cancelling a re-detection keeps the trained CNN and the exports: a
	// long exact detection is cancelled once its workers score, and new
	// windows then score without training.
	p.eval(`(() => { document.getElementById("sweep").checked = false; document.getElementById("exact").checked = true;
		document.getElementById("inner").value = "13"; document.getElementById("outer").value = "35"; return true; })()`, &ok)
	p.clickRun()
	p.waitText("#stage", "dual-window detection: row", 2*time.Minute)
	p.eval(`(() => { document.getElementById("cancel").click(); return true; })()`, &ok)
	p.waitText("#stage", "cancelled", 10*time.Second)
	p.run(chromedp.WaitEnabled("#run", chromedp.ByID)) // the worker answered the cancel
	var kept bool
	p.eval(`window.halo.resultWorker !== null && window.halo.softCancel === null && !document.getElementById("downloads").hidden`, &kept)
	if !kept {
		t.Fatal("a cancelled re-detection lost the result's worker or its downloads")
	}
	p.eval(`(() => { document.getElementById("exact").checked = false; document.getElementById("outer").value = "15"; return true; })()`, &ok)
	p.clickRun()
	p.waitText("#stage", "done", 3*time.Minute)
	rep5, _ := p.result()
	if tr5 := rep5.Methods[0].Training; tr5 == nil || tr5.Windows != [2]int{13, 15} || !strings.Contains(rep5.Methods[0].Note, "without training again") {
		t.Errorf("after a cancelled re-detection: %+v", rep5.Methods[0])
	}
	p.checkOrigin()
}

// TestBrowserALADVAE trains ALAD and the VAE briefly on the demo in the page;
// scoring is split over navigator.hardwareConcurrency sub-workers.
func TestBrowserALADVAE(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	p := openPage(t, 5*time.Minute)
	var ok bool
	p.eval(`(() => {
		for (const b of document.querySelectorAll("input[name=method]")) b.checked = b.value === "alad" || b.value === "vae";
		document.getElementById("epochs").value = "1";
		return true; })()`, &ok)
	p.run(chromedp.Click("#demo", chromedp.ByID))
	p.waitText("#stage", "done", 4*time.Minute)
	var reportJSON string
	p.eval(`window.halo.result.report`, &reportJSON)
	var rep pipeline.Report
	if err := json.Unmarshal([]byte(reportJSON), &rep); err != nil {
		t.Fatal(err)
	}
	var hc int
	p.eval(`navigator.hardwareConcurrency`, &hc)
	if len(rep.Methods) != 2 {
		t.Fatalf("methods %+v", rep.Methods)
	}
	for _, m := range rep.Methods {
		if !(m.AUC > 0.5) || m.Training == nil || len(m.Training.Losses) == 0 || !strings.Contains(m.Note, fmt.Sprintf("on %d workers", hc)) {
			t.Errorf("%s: AUC %.3f, note %q, training %+v", m.Name, m.AUC, m.Note, m.Training)
		}
	}
	var lossPlot bool
	p.eval(`!document.getElementById("losses").hidden`, &lossPlot)
	if !lossPlot {
		t.Error("no loss plot shown")
	}

	// The networks ran on the WebAssembly SIMD kernel; with ?simd=0 on the
	// pure-Go one, and the maps are the same bit for bit.
	simdMaps, simdKernel := p.scoreHashes()
	if simdKernel != "wasm simd" {
		t.Errorf("matrix kernel %q in Chromium, want \"wasm simd\"", simdKernel)
	}
	q := openPageQuery(t, 5*time.Minute, "?simd=0")
	q.eval(`(() => {
		for (const b of document.querySelectorAll("input[name=method]")) b.checked = b.value === "alad" || b.value === "vae";
		document.getElementById("epochs").value = "1";
		return true; })()`, &ok)
	q.run(chromedp.Click("#demo", chromedp.ByID))
	q.waitText("#stage", "done", 4*time.Minute)
	goMaps, goKernel := q.scoreHashes()
	if goKernel != "go" {
		t.Errorf("matrix kernel %q with ?simd=0, want \"go\"", goKernel)
	}
	if fmt.Sprint(simdMaps) != fmt.Sprint(goMaps) || len(goMaps) != 2 {
		t.Errorf("score grids differ between the SIMD and the pure-Go kernel: %v against %v", simdMaps, goMaps)
	}
}

// scoreHashes returns an FNV-1a hash of the bits of each method's score
// grid in the last result, and the matrix kernel the result reports.
func (p *page) scoreHashes() ([]string, string) {
	p.t.Helper()
	var out struct {
		Hashes []string `json:"hashes"`
		Kernel string   `json:"kernel"`
	}
	p.eval(`(() => {
		const r = window.halo.result, hashes = [];
		for (const m of r.methods) {
			const u = new Uint32Array(m.score.buffer, m.score.byteOffset, m.score.length);
			let h = 0x811c9dc5;
			for (const v of u) for (let s = 0; s < 32; s += 8) h = Math.imul(h ^ ((v >>> s) & 255), 0x01000193) >>> 0;
			hashes.push(m.name + ":" + h.toString(16) + ":" + u.length);
		}
		return {hashes, kernel: r.kernel || ""}; })()`, &out)
	return out.Hashes, out.Kernel
}

// TestBrowserReportInputsDiffer loads a saved report into the page: the
// settings come back, and a warning says when the loaded samples are not
// the ones the report was made from (SHA-256 in the report).
func TestBrowserReportInputsDiffer(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	dir := t.TempDir()
	rep := pipeline.Report{Halo: pipeline.ReportVersion,
		Config: pipeline.Config{Seed: 42, Methods: []string{"mahalanobis", "element:Zn"}},
		Inputs: []pipeline.InputReport{{Role: "samples", Name: "demo_samples.csv", Bytes: 1, SHA256: strings.Repeat("0", 64)}}}
	b, _ := json.Marshal(rep)
	path := filepath.Join(dir, "report.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	p := openPage(t, 3*time.Minute)
	samples, _ := filepath.Abs("../../assets/demo_samples.csv")
	p.run(chromedp.SetUploadFiles("#f-samples", []string{samples}, chromedp.ByID))
	p.waitText("#files", "demo_samples.csv", 10*time.Second)
	p.run(chromedp.SetUploadFiles("#f-report", []string{path}, chromedp.ByID))
	msg := p.waitText("#error", "differs", 20*time.Second)
	if !strings.Contains(msg, "demo_samples.csv") {
		t.Errorf("warning %q does not name the file", msg)
	}
	var seed, element string
	p.eval(`document.getElementById("seed").value`, &seed)
	p.eval(`document.getElementById("element").value`, &element)
	if seed != "42" || element != "Zn" {
		t.Errorf("settings after loading the report: seed %q, element %q; want 42 and Zn", seed, element)
	}
}
