package main

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"halo/core/pipeline/bench"
)

// The targets of issue #6, each with the value this run of halo bench
// measured beside it. A target the run did not measure (no --wasm, no
// --browser, no --peer, --quick, a workload skipped or failed) says so.

// target is one row of the targets table.
type target struct {
	ID       string  `json:"id"`
	What     string  `json:"what"`
	Limit    string  `json:"limit"`
	Value    float64 `json:"value,omitempty"`
	Measured string  `json:"measured"`
	Status   string  `json:"status"` // "met", "MISSED" or "not measured"
}

const (
	targetMet    = "met"
	targetMissed = "MISSED"
	targetNone   = "not measured"
)

// paperWidthNanlingAUC is the AUC of the paper-width CNN on nanling-li
// with fast (13,35) detection, seed 1 (docs/methods.md, "The CNN on
// nanling-li": halo run --config with the paper preset). Target 3 asks the
// defaults to stay within 0.01 of it; training the paper's network takes
// longer than the whole of halo bench, so it is not measured again here.
const paperWidthNanlingAUC = 0.990

var (
	scoringStages  = []string{"cnn infer paper", "detect fast", "detect exact", "detect exact paper", "alad score", "vae score"}
	trainingStages = []string{"cnn train default", "cnn train paper", "alad train", "alad train paper", "vae train"}
)

// targets evaluates the targets on what rep measured (peer may be nil);
// browserWhy says why no browser workload ran ("" when they did).
func targets(rep *benchReport, peer *bench.Peer, browserWhy string) []target {
	var ts []target
	lowest := func(id, what string, stages []string, limit float64) {
		t := target{ID: id, What: what, Limit: fmt.Sprintf(">= %.0f%%", 100*limit), Status: targetNone, Measured: "needs --wasm"}
		lo, where := math.Inf(1), ""
		for _, r := range rep.Wasm {
			for _, name := range stages {
				if st := r.Stage(name); st != nil && st.OfRoofline() > 0 && st.OfRoofline() < lo {
					lo, where = st.OfRoofline(), fmt.Sprintf("%s, %s", name, r.Workload)
				}
			}
		}
		if where != "" {
			t.Value = lo
			t.Measured = fmt.Sprintf("lowest %.0f%% (%s)", 100*lo, where)
			t.Status = status(lo >= limit)
		}
		ts = append(ts, t)
	}
	lowest("1a", "js/wasm scoring kernels, of the in-run roofline per worker", scoringStages, 0.8)
	lowest("1b", "js/wasm training, of the in-run roofline per worker", trainingStages, 0.6)

	find := func(name string) (*browserResult, string) {
		for i := range rep.Browser {
			r := &rep.Browser[i]
			if r.Name != name {
				continue
			}
			switch {
			case r.Skipped != "":
				return nil, "skipped: " + r.Skipped
			case r.Error != "":
				return nil, "failed: " + firstLine(r.Error)
			}
			return r, ""
		}
		if browserWhy != "" {
			return nil, browserWhy
		}
		return nil, "not run (--quick or --workload)"
	}
	metric := func(id, what, workload, name, unit string, limit float64, below bool) {
		t := target{ID: id, What: what, Status: targetNone}
		if below {
			t.Limit = fmt.Sprintf("< %g %s", limit, unit)
		} else {
			t.Limit = fmt.Sprintf(">= %g%s", limit, unit)
		}
		r, why := find(workload)
		v, ok := 0.0, false
		if r != nil {
			v, ok = r.Metrics[name]
			why = fmt.Sprintf("no %s in %s", name, workload)
		}
		if !ok {
			t.Measured = why
			ts = append(ts, t)
			return
		}
		t.Value = v
		t.Measured = fmt.Sprintf("%s %s", metricString(v), unit)
		t.Status = status(v < limit == below)
		ts = append(ts, t)
	}
	metric("2a", "2 workers vs 1, CNN detection of nanling-li, headless Chromium", "nanling scaling", "speedup-2-vs-1", "x", 1.8, false)
	metric("2b", "2 workers vs 1, CNN detection of the demo (mean of cycles)", "demo scaling", "speedup-2-vs-1", "x", 1.8, false)
	metric("3a", "nanling-li, ALAD defaults, page load included", "nanling alad", "s-open-to-map", "s", 30, true)
	metric("3b", "nanling-li, CNN defaults (train + fast (13,35)), page load included", "nanling cnn", "s-open-to-map", "s", 60, true)

	// 3c: the default CNN's AUC against the paper-width network's.
	t := target{ID: "3c", What: fmt.Sprintf("nanling-li, CNN defaults' AUC within 0.01 of the paper-width network's (%.3f, docs/methods.md)", paperWidthNanlingAUC),
		Limit: "|diff| <= 0.01", Status: targetNone}
	if r, why := find("nanling cnn"); r == nil {
		t.Measured = why
	} else if auc, ok := r.Metrics["AUC"]; ok {
		t.Value = auc
		t.Measured = fmt.Sprintf("AUC %.3f (%+.3f)", auc, auc-paperWidthNanlingAUC)
		t.Status = status(math.Abs(auc-paperWidthNanlingAUC) <= 0.01+1e-9)
	}
	ts = append(ts, t)

	metric("4a", "paper-shaped survey, CNN defaults end to end", "paper cnn", "s-open-to-map", "s", 180, true)
	metric("4b", "paper-shaped survey, ALAD defaults end to end", "paper alad", "s-open-to-map", "s", 60, true)

	// 5: exact detection natively against the PyTorch peer.
	t = target{ID: "5", What: "exact (13,35) detection natively, ring pairs/s over PyTorch's (same machine, 1 thread)", Limit: ">= 1x", Status: targetNone}
	var st *bench.Stage
	for _, r := range rep.Native {
		if r.Workload == "paper" {
			st = r.Stage("detect exact paper")
		}
	}
	switch {
	case st == nil || st.MapRate <= 0:
		t.Measured = "needs the paper workload"
	case peer == nil:
		t.Measured = fmt.Sprintf("%s ring pairs/s; the peer needs --peer (python3-torch)", bench.Num(st.MapRate))
	case peer.Stage("cnn infer paper") == nil:
		t.Measured = "the peer file has no cnn infer paper"
	default:
		pr := peer.Stage("cnn infer paper").PerCPURate()
		t.Value = st.MapRate / pr
		t.Measured = fmt.Sprintf("%.2fx (%s against %s pairs/s)", t.Value, bench.Num(st.MapRate), bench.Num(pr))
		t.Status = status(t.Value >= 1)
	}
	ts = append(ts, t)

	metric("6a", "page download, compressed (brotli)", "download", "MB-br", "MB", 10, true)
	metric("6b", "classroom demo: page open to first map", "demo first map", "s-open-to-map", "s", 10, true)

	// 7: the larger of the paper-shaped runs' peaks.
	t = target{ID: "7", What: "peak memory of the compute workers, paper-shaped survey (CNN and ALAD)", Limit: "< 1000 MB", Status: targetNone}
	peak, from := 0.0, ""
	for _, w := range []string{"paper cnn", "paper alad"} {
		r, why := find(w)
		if r == nil {
			t.Measured = why
			continue
		}
		if v := r.Metrics["MB-workers-peak"]; v > peak {
			peak, from = v, w
		}
	}
	if from != "" {
		t.Value = peak
		t.Measured = fmt.Sprintf("%.0f MB (%s)", peak, from)
		t.Status = status(peak < 1000)
	}
	ts = append(ts, t)
	return ts
}

func status(ok bool) string {
	if ok {
		return targetMet
	}
	return targetMissed
}

// writeTargets writes the targets table.
func writeTargets(w io.Writer, ts []target) error {
	fmt.Fprintln(w, "targets (issue #6), measured in this run:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\ttarget\tlimit\tmeasured\tstatus\t")
	for _, t := range ts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", t.ID, t.What, t.Limit, t.Measured, t.Status)
	}
	return tw.Flush()
}
