package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"halo/core/pipeline"
)

func runCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("halo run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	samples := fs.String("samples", "", "samples CSV (x, y and element columns) `FILE`")
	deposits := fs.String("deposits", "", "known deposits CSV (points) `FILE`")
	targets := fs.String("targets", "", "target areas CSV (polygons: area,vertex,x,y) `FILE`")
	methods := fs.String("method", "", "comma-separated methods: mahalanobis, element:NAME, element:best (default mahalanobis,element:best)")
	configFile := fs.String("config", "", "Config JSON, or a report.json to reproduce its run `FILE`")
	out := fs.String("out", "out", "output `DIR`")
	seed := fs.Uint64("seed", 0, "random seed (overrides the config's)")
	cell := fs.Float64("cell", 0, "cell size in metres for point samples (default from the sample spacing)")
	elements := fs.String("elements", "", "comma-separated elements to use (default all)")
	quiet := fs.Bool("q", false, "no progress messages")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *samples == "" {
		fmt.Fprintln(stderr, "halo run: --samples FILE is required")
		fs.Usage()
		return 2
	}
	cfg := &pipeline.Config{}
	if *configFile != "" {
		b, err := os.ReadFile(*configFile)
		if err != nil {
			fmt.Fprintln(stderr, "halo run:", err)
			return 1
		}
		if cfg, err = pipeline.ParseConfig(b); err != nil {
			fmt.Fprintf(stderr, "halo run: %s: %v\n", *configFile, err)
			return 1
		}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["method"] {
		cfg.Methods = splitList(*methods)
	}
	if set["seed"] {
		cfg.Seed = *seed
	}
	if set["cell"] {
		cfg.Cell = *cell
	}
	if set["elements"] {
		cfg.Elements = splitList(*elements)
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintln(stderr, "halo run:", err)
		return 2
	}
	var in pipeline.Inputs
	for _, f := range []struct {
		path string
		data *[]byte
		name *string
	}{{*samples, &in.Samples, &in.SamplesName}, {*deposits, &in.Deposits, &in.DepositsName}, {*targets, &in.Targets, &in.TargetsName}} {
		if f.path == "" {
			continue
		}
		b, err := os.ReadFile(f.path)
		if err != nil {
			fmt.Fprintln(stderr, "halo run:", err)
			return 1
		}
		*f.data, *f.name = b, filepath.Base(f.path)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var prog pipeline.Progress
	if !*quiet {
		prog = printer(stderr)
	}
	res, err := pipeline.Run(ctx, in, cfg, prog)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(stderr, "halo run: cancelled")
			return 130
		}
		fmt.Fprintln(stderr, "halo run:", err)
		return 1
	}
	if err := writeOutputs(*out, res); err != nil {
		fmt.Fprintln(stderr, "halo run:", err)
		return 1
	}
	summary(stdout, res, *out)
	return 0
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// printer writes progress lines, at most one per stage and fraction step.
func printer(w io.Writer) pipeline.Progress {
	last := time.Time{}
	return pipeline.ProgressFunc(func(e pipeline.Event) error {
		if e.Fraction < 1 && e.Fraction > 0 && time.Since(last) < 500*time.Millisecond {
			return nil
		}
		last = time.Now()
		fmt.Fprintf(w, "%-9s %3.0f%%  %s\n", e.Stage, 100*e.Fraction, e.Message)
		return nil
	})
}

func writeOutputs(dir string, res *pipeline.Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := func(name string, f func(io.Writer) error) error {
		var b bytes.Buffer
		if err := f(&b); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644)
	}
	if err := write("report.json", res.Report.WriteJSON); err != nil {
		return err
	}
	for i := range res.Methods {
		stem := res.FileStem(i)
		if err := write(stem+".png", func(w io.Writer) error { return res.WriteMapPNG(w, i) }); err != nil {
			return err
		}
		if err := write(stem+".asc", func(w io.Writer) error { return res.WriteASCII(w, i) }); err != nil {
			return err
		}
		if err := write(stem+".tif", func(w io.Writer) error { return res.WriteGeoTIFF(w, i) }); err != nil {
			return err
		}
		if len(res.Positive) > 0 {
			if err := write(stem+"-pa.png", func(w io.Writer) error { return res.WritePA(w, i) }); err != nil {
				return err
			}
		}
	}
	if len(res.Positive) > 0 {
		if err := write("roc.png", res.WriteROC); err != nil {
			return err
		}
		if len(res.Methods) > 0 {
			if err := write("pa.png", func(w io.Writer) error { return res.WritePA(w, 0) }); err != nil {
				return err
			}
		}
	}
	return nil
}

func summary(w io.Writer, res *pipeline.Result, dir string) {
	r := res.Report
	fmt.Fprintf(w, "%d samples, %d elements, grid %d x %d (%d cells with data)\n",
		r.Data.Samples, len(r.Data.Elements), r.Data.Cols, r.Data.Rows, r.Data.CellsWithData)
	if r.Deposits.Given > 0 || r.Deposits.Targets > 0 {
		fmt.Fprintf(w, "deposits: %d given, %d inside, %d cells, %d labelled; targets: %d (%d cells)\n",
			r.Deposits.Given, r.Deposits.Inside, r.Deposits.Cells, r.Deposits.Labelled, r.Deposits.Targets, r.Deposits.TargetCells)
	}
	fmt.Fprintf(w, "%-16s %7s %9s %7s %7s %7s %8s\n", "method", "AUC", "AUC(3x3)", "top5%", "top15%", "top30%", "seconds")
	for _, m := range r.Methods {
		fmt.Fprintf(w, "%-16s %7.3f %9.3f %7.2f %7.2f %7.2f %8.2f\n", m.Name, m.AUC, m.AUCLabelled,
			m.Capture["5"], m.Capture["15"], m.Capture["30"], m.Seconds)
	}
	fmt.Fprintf(w, "wrote %s\n", dir)
}
