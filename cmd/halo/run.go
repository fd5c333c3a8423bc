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
	noUnit := fs.String("no-unit", "", "unit of element columns without one in the header: ppm, ppb or pct (default: the RGNR convention)")
	quiet := fs.Bool("q", false, "no progress messages")
	inner := fs.Int("inner", 0, "CNN inner window size, odd (default 13)")
	outer := fs.Int("outer", 0, "CNN outer window size, odd (default 35)")
	draws := fs.Int("draws", 0, "CNN background draws (default 1; paper preset 10)")
	epochs := fs.Int("epochs", 0, "training epochs of the network methods (default per method)")
	exact := fs.Bool("exact", false, "CNN: score every ring cell (exact dual-window detection)")
	sweep := fs.Bool("sweep", false, "CNN: also score the paper's eight window pairs")
	preset := fs.String("preset", "", "network preset: \"paper\" for the papers' networks and schedules; \"light\" for the CNN's lightest network")
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
	if set["no-unit"] {
		cfg.NoUnit = *noUnit
	}
	if set["elements"] {
		cfg.Elements = splitList(*elements)
	}
	applyNetFlags(cfg, set, *inner, *outer, *draws, *epochs, *exact, *sweep, *preset)
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

// applyNetFlags sets the network options given on the command line.
func applyNetFlags(cfg *pipeline.Config, set map[string]bool, inner, outer, draws, epochs int, exact, sweep bool, preset string) {
	if cfg.CNN == nil {
		cfg.CNN = &pipeline.CNNConfig{}
	}
	if cfg.ALAD == nil {
		cfg.ALAD = &pipeline.NetConfig{}
	}
	if cfg.VAE == nil {
		cfg.VAE = &pipeline.NetConfig{}
	}
	if set["inner"] {
		cfg.CNN.Inner = inner
	}
	if set["outer"] {
		cfg.CNN.Outer = outer
	}
	if set["draws"] {
		cfg.CNN.Draws = draws
	}
	if set["exact"] {
		cfg.CNN.Exact = exact
	}
	if set["sweep"] {
		cfg.CNN.Sweep = sweep
	}
	if set["epochs"] {
		cfg.CNN.Epochs, cfg.ALAD.Epochs, cfg.VAE.Epochs = epochs, epochs, epochs
	}
	if set["preset"] {
		cfg.CNN.Preset = preset
		if preset != "light" { // light is the CNN's only
			cfg.ALAD.Preset, cfg.VAE.Preset = preset, preset
		}
	}
}

func countPairs(t *pipeline.TrainingReport) string {
	if t.Pairs == nil {
		return "?"
	}
	p := t.Pairs
	return fmt.Sprintf("%d train (%d similar + %d dissimilar) / %d test", p.TrainSimilar+p.TrainDissimilar, p.TrainSimilar, p.TrainDissimilar, p.TestSimilar+p.TestDissimilar)
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
		if err := write("pa.png", res.WritePACompare); err != nil {
			return err
		}
	}
	if res.HasLosses() {
		if err := write("losses.png", res.WriteLosses); err != nil {
			return err
		}
	}
	if res.HasSweep() {
		if err := write("windows.png", res.WriteSweep); err != nil {
			return err
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
	for _, m := range r.Methods {
		t := m.Training
		if t == nil {
			continue
		}
		if len(t.Draws) > 0 {
			fmt.Fprintf(w, "%s: %s pairs per draw (%d mineralized cells); per draw loss / test-pair accuracy:\n", m.Name, countPairs(t), t.Mineralized)
			for _, d := range t.Draws {
				mark := ""
				if d.Draw == t.Best {
					mark = "  <- kept"
				}
				fmt.Fprintf(w, "  draw %2d  %.4f  %.3f%s\n", d.Draw, d.FinalLoss, d.FinalAccuracy, mark)
			}
			fmt.Fprintf(w, "  detection: windows (%d, %d), %d pairs, %.0f pairs/s\n", t.Windows[0], t.Windows[1], t.PairsScored, t.PairsPerSecond)
		}
		for _, sw := range t.Sweep {
			fmt.Fprintf(w, "  window (%2d, %2d): AUC %.3f\n", sw.Inner, sw.Outer, sw.AUC)
		}
		if t.StopReason != "" {
			fmt.Fprintf(w, "%s: %d epochs, %s\n", m.Name, t.Epochs, t.StopReason)
		}
	}
	fmt.Fprintf(w, "wrote %s\n", dir)
}
