// Command bench runs the halo/core/pipeline/bench workloads and prints their results
// as JSON (a list of bench.Result) on standard output. It is built for
// js/wasm and run under Node by `halo bench --wasm`:
//
//	GOOS=js GOARCH=wasm go build -o bench.wasm ./wasm/bench
//	$(go env GOROOT)/lib/wasm/go_js_wasm_exec bench.wasm -workload paper -quick
//
// It builds natively too (the same code; useful to check the output). A
// workload whose data folder is missing is skipped with a message on
// standard error.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"halo/core/pipeline/bench"
)

func main() {
	workload := flag.String("workload", "paper", "paper, nanling or all")
	quick := flag.Bool("quick", false, "small work per stage")
	cols := flag.Int("cols", 0, "paper workload: grid columns (0 = 251)")
	rows := flag.Int("rows", 0, "paper workload: grid rows (0 = 310)")
	data := flag.String("nanling", "", "folder of the nanling-li data (grid.csv, deposits.csv)")
	seed := flag.Uint64("seed", 1, "random seed")
	warm := flag.Bool("warmup", true, "first run every stage once on a small survey, untimed")
	flag.Parse()
	var out []*bench.Result
	opt := &bench.Options{Quick: *quick, Seed: *seed, Log: os.Stderr, CPUTime: cpuClock}
	if *warm {
		// V8 compiles the module's hot functions again (TurboFan) in
		// background threads while they first run; the CPU clock counts
		// those threads, which charged the first stages (CNN training) for
		// the compilation: 1.7 CPU s in 1.2 s of wall time. A small
		// untimed run first leaves the timed stages with the Go program's
		// own work.
		w, err := bench.PaperShaped(*seed, 60, 60)
		if err != nil {
			fail(err)
		}
		if _, err := bench.Run(context.Background(), w, &bench.Options{Quick: true, Seed: *seed, Log: io.Discard, CPUTime: cpuClock}); err != nil {
			fail(fmt.Errorf("warm-up: %w", err))
		}
	}
	if *workload == "paper" || *workload == "all" {
		w, err := bench.PaperShaped(*seed, *cols, *rows)
		if err != nil {
			fail(err)
		}
		r, err := bench.Run(context.Background(), w, opt)
		if err != nil {
			fail(err)
		}
		out = append(out, r)
	}
	if *workload == bench.Nanling || *workload == "all" {
		w, err := readNanling(*data)
		switch {
		case err != nil:
			fmt.Fprintf(os.Stderr, "bench: skipping %s: %v\n", bench.Nanling, err)
		default:
			r, err := bench.Run(context.Background(), w, opt)
			if err != nil {
				fail(err)
			}
			out = append(out, r)
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		fail(err)
	}
}

func readNanling(dir string) (*bench.Workload, error) {
	if dir == "" {
		return nil, fmt.Errorf("no -nanling folder given")
	}
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

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}
