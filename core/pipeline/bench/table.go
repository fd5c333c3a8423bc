package bench

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteTable writes native's stages as an aligned table, with the same
// stages of wasm beside them when wasm is not nil (same workload, run in
// js/wasm), and the ratio of the two rates. Rates, GFLOPS and roofline
// shares are per CPU second where the CPU time is known (the machine may be
// shared), per wall-clock second otherwise.
func WriteTable(w io.Writer, native, wasm *Result) error {
	var sb strings.Builder
	fmt.Fprintf(&sb, "workload %s: %d x %d cells, %d with data, %d elements, %d deposits (%d mineralized cells)\n",
		native.Workload, native.Cols, native.Rows, native.ValidCells, native.Elements, native.Deposits, native.Mineralized)
	fmt.Fprintf(&sb, "%s %s, GOMAXPROCS 1 (%d CPUs), roofline blas32 GEMM %dx%dx%d: %s GFLOPS",
		native.Platform, native.GoVersion, native.CPUs, gemmM, gemmN, gemmK, native.roofline())
	if wasm != nil {
		fmt.Fprintf(&sb, "; %s: %s GFLOPS", wasm.Platform, wasm.roofline())
	}
	if native.Quick {
		sb.WriteString(" [quick]")
	}
	sb.WriteString("\n")
	if len(native.References) > 0 {
		fmt.Fprintf(&sb, "the roofline GEMM read again before and after each arithmetic stage, whose share is over the higher of its two readings: %s", native.spread())
		if wasm != nil && len(wasm.References) > 0 {
			fmt.Fprintf(&sb, "; %s: %s", wasm.Platform, wasm.spread())
		}
		sb.WriteString("\n")
	}
	if _, err := io.WriteString(w, sb.String()); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "stage\twork\tseconds\tcpu s\trate per cpu s\tGFLOPS\troofline\tfull job s\theap MB\t"
	if wasm != nil {
		head += "wasm s\twasm cpu s\twasm rate per cpu s\twasm GFLOPS\twasm roofline\twasm full s\tnative/wasm\t"
	}
	fmt.Fprintln(tw, head)
	// Every stage either side measured, in Run's order ("gemm scalar" runs
	// in js/wasm only).
	var names []string
	for _, st := range native.Stages {
		names = append(names, st.Name)
	}
	if wasm != nil {
		for _, ws := range wasm.Stages {
			if native.Stage(ws.Name) == nil {
				names = insertAfter(names, ws.Name, wasm)
			}
		}
	}
	for _, name := range names {
		line := name + "\t" + strings.Repeat("-\t", 8)
		st := native.Stage(name)
		if st != nil {
			line = fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.0f\t", st.Name, count(st.Items)+" "+st.Unit, secs(st.Seconds), secs(st.CPUSeconds),
				formatRate(st.cpuRate(), st.Unit), gflops(st.cpuGFLOPS()), pct(st.OfRoofline()), secs(st.FullSeconds), float64(st.HeapInuse)/(1<<20))
		}
		if wasm != nil {
			if ws := wasm.Stage(name); ws != nil {
				ratio := "-"
				if st != nil && ws.cpuRate() > 0 {
					ratio = fmt.Sprintf("%.1fx", st.cpuRate()/ws.cpuRate())
				}
				line += fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t", secs(ws.Seconds), secs(ws.CPUSeconds), formatRate(ws.cpuRate(), ws.Unit),
					gflops(ws.cpuGFLOPS()), pct(ws.OfRoofline()), secs(ws.FullSeconds), ratio)
			} else {
				line += "-\t-\t-\t-\t-\t-\t-\t"
			}
		}
		fmt.Fprintln(tw, line)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, st := range native.Stages {
		if st.MapRate <= 0 {
			continue
		}
		line := fmt.Sprintf("%s, whole map: %s ring pairs in %s s, %s (each unordered pair scored once)", st.Name, count(st.MapPairs), secs(st.FullSeconds), formatRate(st.MapRate, "ring pairs"))
		if wasm != nil {
			if ws := wasm.Stage(st.Name); ws != nil && ws.MapRate > 0 {
				line += fmt.Sprintf("; %s: %s s, %s", wasm.Platform, secs(ws.FullSeconds), formatRate(ws.MapRate, "ring pairs"))
			}
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "total %.1f s, peak heap in use %.0f MB, peak Sys %.0f MB\n", native.Seconds, float64(native.HeapInuse)/(1<<20), float64(native.Sys)/(1<<20))
	return err
}

func secs(s float64) string {
	switch {
	case s <= 0:
		return "-"
	case s < 10:
		return fmt.Sprintf("%.3f", s)
	case s < 1000:
		return fmt.Sprintf("%.1f", s)
	}
	return fmt.Sprintf("%.0f", s)
}

func gflops(g float64) string {
	if g <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", g)
}

func pct(r float64) string {
	if r <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*r)
}

// count writes n with thousands separators.
func count(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// formatRate writes r items per second with a k/M prefix.
func formatRate(r float64, unit string) string {
	switch {
	case r <= 0:
		return "-"
	case r >= 1e6:
		return fmt.Sprintf("%.2f M %s/s", r/1e6, unit)
	case r >= 1e4:
		return fmt.Sprintf("%.1f k %s/s", r/1e3, unit)
	}
	return fmt.Sprintf("%.0f %s/s", r, unit)
}

// roofline formats the roofline GFLOPS per CPU second and per wall-clock
// second.
func (r *Result) roofline() string {
	if r.RooflineCPUGFLOPS > 0 {
		return fmt.Sprintf("%.2f per cpu s (%.2f per wall s)", r.RooflineCPUGFLOPS, r.RooflineGFLOPS)
	}
	return fmt.Sprintf("%.2f per wall s", r.RooflineGFLOPS)
}

// spread formats the lowest and highest of the readings around the stages,
// per CPU second where known.
func (r *Result) spread() string {
	lo, hi, unit := 0.0, 0.0, "per cpu s"
	for i, ref := range r.References {
		g := ref.CPUGFLOPS
		if g <= 0 {
			g, unit = ref.GFLOPS, "per wall s"
		}
		if i == 0 || g < lo {
			lo = g
		}
		if i == 0 || g > hi {
			hi = g
		}
	}
	return fmt.Sprintf("%.2f-%.2f GFLOPS %s (%d readings)", lo, hi, unit, len(r.References))
}

func (s *Stage) cpuRate() float64 {
	if s.CPURate > 0 {
		return s.CPURate
	}
	return s.Rate
}

func (s *Stage) cpuGFLOPS() float64 {
	if s.CPUGFLOPS > 0 {
		return s.CPUGFLOPS
	}
	return s.GFLOPS
}

// OfRoofline is the stage's share of the roofline measured in the same
// run, per CPU second where the CPU time is known (else per wall second).
func (s *Stage) OfRoofline() float64 {
	if s.CPURoofline > 0 {
		return s.CPURoofline
	}
	return s.Roofline
}

// insertAfter inserts name into names after the stage that precedes it in
// r (or at the end).
func insertAfter(names []string, name string, r *Result) []string {
	prev := ""
	for _, st := range r.Stages {
		if st.Name == name {
			break
		}
		prev = st.Name
	}
	for i, n := range names {
		if n == prev {
			return append(names[:i+1], append([]string{name}, names[i+1:]...)...)
		}
	}
	return append(names, name)
}
