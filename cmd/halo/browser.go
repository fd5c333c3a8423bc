package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"halo/core/pipeline"
)

// The page in headless Chromium, driven over the DevTools protocol: the
// browser tests (browser_test.go) and the browser workloads of `halo bench
// --browser` (browserbench.go) share it.

// tb is what the page needs of a test, a benchmark or `halo bench`'s
// runner (benchTB): testing.TB has it all.
type tb interface {
	Helper()
	Error(args ...any)
	Errorf(format string, args ...any)
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
	Cleanup(func())
}

// browserSetup says which Chromium serves which page: the chromium
// executable, the module root (index.html, web/), the folder of the built
// worker.wasm, ui.wasm and wasm_exec.js, the nanling-li data folder for
// the workloads that read it, and the seed and size of the paper-shaped
// survey (0: the paper's 251 x 310). ctx, when set, cancels the browser.
type browserSetup struct {
	ctx        context.Context
	exe        string
	root       string
	build      string
	nanling    string
	seed       uint64
	cols, rows int
}

// page is a served halo page in a headless Chromium tab.
type page struct {
	t        tb
	ctx      context.Context
	url      string
	mu       sync.Mutex
	requests []string
	loaded   time.Duration // from navigation to a ready compute engine
}

// openBrowserPage starts Chromium with the project's flags on a fresh
// profile, serves the page as `halo serve` does (precompressed files
// included) and navigates to it with query (such as "?workers=1"), waiting
// for a ready compute engine. Everything stops at t's cleanup or after
// timeout.
func openBrowserPage(t tb, s *browserSetup, timeout time.Duration, query string) *page {
	t.Helper()
	srv := httptest.NewServer(&site{root: s.root, build: s.build})
	t.Cleanup(srv.Close)
	// The profile folder is removed by hand: Chromium's helper processes may
	// still be writing to it when a test's TempDir cleanup would run.
	profile, err := os.MkdirTemp("", "halo-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(profile) })
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(s.exe),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("enable-unsafe-swiftshader", true), // WebGL for the Ebiten viewer without a GPU
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	}
	parent := s.ctx
	if parent == nil {
		parent = context.Background()
	}
	actx, cancelA := chromedp.NewExecAllocator(parent, opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	p := &page{t: t, ctx: ctx, url: srv.URL}
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			p.mu.Lock()
			p.requests = append(p.requests, e.Request.URL)
			p.mu.Unlock()
		}
	})
	t0 := time.Now()
	p.run(network.Enable(), chromedp.Navigate(srv.URL+"/"+query))
	p.waitText("#stage", "Ready", 60*time.Second)
	p.loaded = time.Since(t0)
	t.Logf("page load to a ready compute engine: %.1f s", p.loaded.Seconds())
	return p
}

func (p *page) run(actions ...chromedp.Action) {
	p.t.Helper()
	if err := chromedp.Run(p.ctx, actions...); err != nil {
		p.t.Fatal(err)
	}
}

func (p *page) eval(js string, out any) {
	p.t.Helper()
	p.run(chromedp.Evaluate(js, out))
}

// clickRun waits for the run button to be enabled and clicks it from the
// page. A mouse click at the button's coordinates (chromedp.Click) missed
// it now and then in make test, under load: the column preview, which
// arrives from the worker after the drop, moves the button meanwhile.
func (p *page) clickRun() {
	p.t.Helper()
	p.run(chromedp.WaitEnabled("#run", chromedp.ByID))
	var ok bool
	p.eval(`(() => { document.getElementById("run").click(); return true; })()`, &ok)
}

// waitText waits until the element's text contains want, failing early when
// the page shows an error, and returns the text. The page itself watches
// its DOM (a MutationObserver) and answers once, so nothing polls it
// meanwhile: polling (two evaluations every 200 ms) had taken renderer and
// browser time from the page's workers during the timed runs.
func (p *page) waitText(sel, want string, limit time.Duration) string {
	p.t.Helper()
	var res struct {
		Text    string `json:"text"`
		Error   string `json:"error"`
		Timeout bool   `json:"timeout"`
	}
	js := fmt.Sprintf(`new Promise((resolve) => {
		const sel = %q, want = %q;
		const check = () => {
			const text = (document.querySelector(sel) || {}).textContent || "";
			if (text.includes(want)) return {text};
			const e = document.getElementById("error");
			if (sel !== "#error" && e && !e.hidden && e.textContent) return {text, error: e.textContent};
			return null;
		};
		const first = check();
		if (first) return resolve(first);
		let timer;
		const obs = new MutationObserver(() => {
			const r = check();
			if (r) { obs.disconnect(); clearTimeout(timer); resolve(r); }
		});
		obs.observe(document.documentElement, {subtree: true, childList: true, characterData: true, attributes: true});
		timer = setTimeout(() => { obs.disconnect(); resolve({text: (document.querySelector(sel) || {}).textContent || "", timeout: true}); }, %d);
	})`, sel, want, limit.Milliseconds())
	p.run(chromedp.Evaluate(js, &res, func(e *runtime.EvaluateParams) *runtime.EvaluateParams { return e.WithAwaitPromise(true) }))
	switch {
	case res.Error != "":
		p.t.Fatalf("waiting for %q in %s, the page shows an error: %s", want, sel, res.Error)
	case res.Timeout:
		p.t.Fatalf("waiting for %q in %s: gave up after %v; text is %q", want, sel, limit, res.Text)
	}
	return res.Text
}

// load drops a samples and a deposits CSV on the page's pickers, waits until
// both are read (asynchronously; the larger last) and the column preview
// says preview (such as "39 elements"), within limit.
func (p *page) load(samples, deposits, preview string, limit time.Duration) {
	p.t.Helper()
	p.run(
		chromedp.SetUploadFiles("#f-samples", []string{samples}, chromedp.ByID),
		chromedp.SetUploadFiles("#f-deposits", []string{deposits}, chromedp.ByID),
	)
	p.waitText("#files", filepath.Base(deposits), limit)
	p.waitText("#files", filepath.Base(samples), limit)
	p.waitText("#preview", preview, limit)
}

// checkMethods ticks only the method boxes of the page named in names
// (such as "cnn").
func (p *page) checkMethods(names ...string) {
	p.t.Helper()
	b, _ := json.Marshal(names)
	var ok bool
	p.eval(fmt.Sprintf(`(() => { const want = %s;
		for (const c of document.querySelectorAll("input[name=method]")) c.checked = want.includes(c.value); return true; })()`, b), &ok)
}

// setEpochs sets the page's training epochs.
func (p *page) setEpochs(n int) {
	p.t.Helper()
	var ok bool
	p.eval(fmt.Sprintf(`(() => { document.getElementById("epochs").value = "%d"; return true; })()`, n), &ok)
}

// memory is the result message's WebAssembly memory in bytes (wasm/worker).
type memory struct {
	Worker     float64 `json:"worker"`
	SubWorker  float64 `json:"subWorker"`
	SubWorkers float64 `json:"subWorkers"`
}

// result reads the last result's report and memory from the page.
func (p *page) result() (*pipeline.Report, memory) {
	p.t.Helper()
	var js string
	p.eval(`window.halo.result.report`, &js)
	var rep pipeline.Report
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		p.t.Fatal(err)
	}
	var mem memory
	p.eval(`window.halo.result.memory || {}`, &mem)
	return &rep, mem
}
