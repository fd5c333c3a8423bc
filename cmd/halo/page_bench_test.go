package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumCPU returns the CPU time, in seconds, of every process whose
// name holds "chrom" (Linux /proc; ok false elsewhere).
func chromiumCPU() (float64, bool) {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	if len(stats) == 0 {
		return 0, false
	}
	ticks := 0
	for _, f := range stats {
		data, err := os.ReadFile(f)
		if err != nil {
			continue // the process has gone
		}
		s := string(data)
		i := strings.LastIndex(s, ")")
		if i < 0 || !strings.Contains(s[:i], "chrom") {
			continue
		}
		fields := strings.Fields(s[i+2:])
		if len(fields) < 13 {
			continue
		}
		u, _ := strconv.Atoi(fields[11]) // utime
		k, _ := strconv.Atoi(fields[12]) // stime
		ticks += u + k
	}
	return float64(ticks) / 100, true // USER_HZ is 100 on Linux
}

// BenchmarkBrowserIdleMap: the share of a core Chromium's processes take
// over 10 s while the page shows the demo's map and nothing happens (the
// compute workers share the cores with it).
func BenchmarkBrowserIdleMap(b *testing.B) {
	if _, ok := chromiumCPU(); !ok {
		b.Skip("needs /proc")
	}
	for b.Loop() {
		p := openPage(b, 3*time.Minute)
		p.run(chromedp.Click("#demo", chromedp.ByID))
		p.waitText("#stage", "done", 2*time.Minute)
		time.Sleep(3 * time.Second)
		c0, _ := chromiumCPU()
		time.Sleep(10 * time.Second)
		c1, _ := chromiumCPU()
		b.ReportMetric((c1-c0)/10*100, "%core-idle")
	}
}
