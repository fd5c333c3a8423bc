package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"

	"halo/core/pipeline/bench"
)

// benchReport is the JSON file of `halo bench`: the native results, with
// --wasm those of the same workloads in js/wasm under Node, with --browser
// the end-to-end workloads in headless Chromium, and the targets of issue
// #6 with what this run measured of them.
type benchReport struct {
	Native  []*bench.Result `json:"native"`
	Wasm    []*bench.Result `json:"wasm,omitempty"`
	Browser []browserResult `json:"browser,omitempty"`
	Targets []target        `json:"targets"`
}

// benchCmd runs `halo bench`: halo's stages on named workloads, timed
// natively (and in js/wasm through Node with --wasm, and the page end to
// end in headless Chromium with --browser), as tables on stdout (the last
// one the targets of issue #6) and a JSON file.
func benchCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("halo bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	workload := fs.String("workload", "paper", "workloads: paper (synthetic, shaped like the Fe paper's survey), nanling (shared data) or all")
	quick := fs.Bool("quick", false, "small work per stage (well under a minute per workload)")
	jsonFile := fs.String("json", "build/bench.json", "write the results as JSON to `FILE` (\"\" for none)")
	wasm := fs.Bool("wasm", false, "also run the workloads in js/wasm through Node (go_js_wasm_exec) and show both")
	cols := fs.Int("cols", 0, "paper workload: grid columns (0 = 251, the paper's)")
	rows := fs.Int("rows", 0, "paper workload: grid rows (0 = 310, the paper's)")
	nanling := fs.String("nanling", "", "folder of the nanling-li data (default ../shared/data/nanling-li beside the module)")
	seed := fs.Uint64("seed", 1, "random seed")
	quiet := fs.Bool("q", false, "no progress messages")
	browser := fs.Bool("browser", false, "also run the page end to end in headless Chromium (the demo, the workloads' surveys, 1 vs 2 workers, the download)")
	buildDir := fs.String("build", "", "browser: the folder of worker.wasm, ui.wasm and wasm_exec.js to serve (default build/ of the module: make build)")
	peerFile := fs.String("peer", "", "JSON `FILE` of the PyTorch peer (bench/peers/run.sh --json FILE): show halo / peer ratios for the paper workload")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var peer *bench.Peer
	if *peerFile != "" {
		f, err := os.Open(*peerFile)
		if err == nil {
			peer, err = bench.ReadPeer(f)
			f.Close()
		}
		if err != nil {
			fmt.Fprintln(stderr, "halo bench: --peer:", err)
			return 2
		}
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "halo bench: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	var names []string
	switch *workload {
	case "paper", bench.Nanling:
		names = []string{*workload}
	case "all":
		names = []string{"paper", bench.Nanling}
	default:
		fmt.Fprintf(stderr, "halo bench: unknown workload %q: use paper, nanling or all\n", *workload)
		return 2
	}
	if *cols < 0 || *rows < 0 {
		fmt.Fprintln(stderr, "halo bench: --cols and --rows must not be negative")
		return 2
	}
	root := moduleRoot()
	if *nanling == "" {
		*nanling = filepath.Join(root, "..", "shared", "data", "nanling-li")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	opt := &bench.Options{Quick: *quick, Seed: *seed}
	if !*quiet {
		opt.Log = stderr
	}

	var rep benchReport
	var ran []string
	for _, name := range names {
		var w *bench.Workload
		var err error
		if name == "paper" {
			w, err = bench.PaperShaped(*seed, *cols, *rows)
		} else {
			w, err = readNanlingWorkload(*nanling)
			if errors.Is(err, os.ErrNotExist) {
				fmt.Fprintf(stdout, "workload %s skipped: %v\n\n", name, err)
				continue
			}
		}
		if err != nil {
			fmt.Fprintln(stderr, "halo bench:", err)
			return 1
		}
		r, err := bench.Run(ctx, w, opt)
		if err != nil {
			fmt.Fprintln(stderr, "halo bench:", err)
			return 1
		}
		rep.Native = append(rep.Native, r)
		ran = append(ran, name)
	}
	browserWhy := "needs --browser"
	if *browser {
		s, why := browserSetupFor(ctx, root, *buildDir, *nanling, *seed, *cols, *rows)
		if s == nil {
			browserWhy = "browser skipped (above)"
			fmt.Fprintf(stdout, "browser workloads skipped: %s\n\n", why)
		} else {
			browserWhy = ""
			for _, w := range browserWorkloads(*quick) {
				if (w.nanling && !slices.Contains(names, bench.Nanling)) || (w.paper && !slices.Contains(names, "paper")) {
					continue
				}
				rep.Browser = append(rep.Browser, runBrowserWorkload(w, s, opt.Log))
				if ctx.Err() != nil {
					fmt.Fprintln(stderr, "halo bench: interrupted")
					return 1
				}
			}
		}
	}
	if *wasm && len(ran) > 0 {
		wargs := []string{"-seed", fmt.Sprint(*seed), "-nanling", *nanling, "-cols", fmt.Sprint(*cols), "-rows", fmt.Sprint(*rows)}
		if *quick {
			wargs = append(wargs, "-quick")
		}
		for _, name := range ran {
			res, err := runWasmBench(ctx, root, append(wargs, "-workload", name), opt.Log)
			if err != nil {
				fmt.Fprintln(stderr, "halo bench: wasm:", err)
				return 1
			}
			rep.Wasm = append(rep.Wasm, res...)
		}
	}
	for _, r := range rep.Native {
		var wr *bench.Result
		for _, x := range rep.Wasm {
			if x.Workload == r.Workload {
				wr = x
			}
		}
		if err := bench.WriteTable(stdout, r, wr); err != nil {
			fmt.Fprintln(stderr, "halo bench:", err)
			return 1
		}
		fmt.Fprintln(stdout)
		if peer != nil && r.Workload == "paper" {
			if err := bench.WritePeerTable(stdout, r, wr, peer); err != nil {
				fmt.Fprintln(stderr, "halo bench:", err)
				return 1
			}
			fmt.Fprintln(stdout)
		}
	}
	if len(rep.Browser) > 0 {
		if err := writeBrowserTable(stdout, rep.Browser); err != nil {
			fmt.Fprintln(stderr, "halo bench:", err)
			return 1
		}
		fmt.Fprintln(stdout)
	}
	rep.Targets = targets(&rep, peer, browserWhy)
	if err := writeTargets(stdout, rep.Targets); err != nil {
		fmt.Fprintln(stderr, "halo bench:", err)
		return 1
	}
	fmt.Fprintln(stdout)
	if *jsonFile != "" {
		b, err := json.MarshalIndent(&rep, "", " ")
		if err == nil {
			if dir := filepath.Dir(*jsonFile); dir != "." {
				err = os.MkdirAll(dir, 0o755)
			}
		}
		if err == nil {
			err = os.WriteFile(*jsonFile, append(b, '\n'), 0o644)
		}
		if err != nil {
			fmt.Fprintln(stderr, "halo bench:", err)
			return 1
		}
		fmt.Fprintf(stdout, "wrote %s\n", *jsonFile)
	}
	return 0
}

// browserSetupFor finds chromium and the built page for --browser, or
// says why the browser workloads cannot run.
func browserSetupFor(ctx context.Context, root, build, nanling string, seed uint64, cols, rows int) (*browserSetup, string) {
	exe, err := exec.LookPath("chromium")
	if err != nil {
		return nil, "chromium not found on PATH (apt-get install chromium; make test installs it)"
	}
	if build == "" {
		build = filepath.Join(root, "build")
	}
	for _, f := range []string{"worker.wasm", "ui.wasm", "wasm_exec.js"} {
		if _, err := os.Stat(filepath.Join(build, f)); err != nil {
			return nil, fmt.Sprintf("no %s: run make build (or give --build DIR)", filepath.Join(build, f))
		}
	}
	if _, err := os.Stat(filepath.Join(root, "index.html")); err != nil {
		return nil, fmt.Sprintf("no index.html in %s: run halo bench inside the halo module", root)
	}
	return &browserSetup{ctx: ctx, exe: exe, root: root, build: build, nanling: nanling, seed: seed, cols: cols, rows: rows}, ""
}

func readNanlingWorkload(dir string) (*bench.Workload, error) {
	s, err := os.ReadFile(filepath.Join(dir, bench.NanlingFiles[0]))
	if err != nil {
		return nil, err
	}
	d, err := os.ReadFile(filepath.Join(dir, bench.NanlingFiles[1]))
	if err != nil {
		return nil, err
	}
	return &bench.Workload{Name: bench.Nanling, Samples: s, Deposits: d}, nil
}

// moduleRoot returns the folder of the go.mod of the working directory
// (the halo module when run from inside it), or the working directory.
func moduleRoot() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := wd; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		up := filepath.Dir(d)
		if up == d {
			return wd
		}
		d = up
	}
}

// runWasmBench builds wasm/bench for js/wasm and runs it under Node with
// args; it returns the results the program prints.
func runWasmBench(ctx context.Context, root string, args []string, log io.Writer) ([]*bench.Result, error) {
	if _, err := exec.LookPath("node"); err != nil {
		return nil, fmt.Errorf("node is not installed (apt-get install nodejs): %w", err)
	}
	if _, err := exec.LookPath("go"); err != nil {
		return nil, fmt.Errorf("the Go toolchain is needed to build the wasm benchmark: %w", err)
	}
	tmp, err := os.MkdirTemp("", "halo-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	wasmFile := filepath.Join(tmp, "bench.wasm")
	build := exec.CommandContext(ctx, "go", "build", "-o", wasmFile, "./wasm/bench")
	build.Dir = root
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building wasm/bench: %v\n%s", err, out)
	}
	// tools/wasmexec is Go's Node launcher plus the memory hand-over of the
	// page's workers, so blas32 runs on its SIMD kernel as in the browser.
	run := exec.CommandContext(ctx, filepath.Join(root, "tools", "wasmexec", "go_js_wasm_exec"), append([]string{wasmFile}, args...)...)
	var out, errb bytes.Buffer
	run.Stdout = &out
	run.Stderr = &errb
	if log != nil {
		run.Stderr = io.MultiWriter(&errb, prefixWriter{log, "wasm "})
	}
	if err := run.Run(); err != nil {
		return nil, fmt.Errorf("running wasm/bench under Node: %v\n%s", err, errb.String())
	}
	var res []*bench.Result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return nil, fmt.Errorf("reading the output of wasm/bench: %v", err)
	}
	return res, nil
}

// prefixWriter writes p to w with a prefix (progress lines of the wasm
// run, which arrive a line per write).
type prefixWriter struct {
	w      io.Writer
	prefix string
}

func (p prefixWriter) Write(b []byte) (int, error) {
	if _, err := io.WriteString(p.w, p.prefix+string(b)); err != nil {
		return 0, err
	}
	return len(b), nil
}
