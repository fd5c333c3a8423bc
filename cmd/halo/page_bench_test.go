package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// BenchmarkServedDownload: the bytes of the page as `make serve` serves it
// (index.html, web/, the build/ of `make build`), with brotli and with
// gzip, compressed as halo serve does, and the seconds each compression
// of build/ takes (target: under 10 MB compressed). It skips without
// build/worker.wasm.
func BenchmarkServedDownload(b *testing.B) {
	root, err := filepath.Abs("../..")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "build", "worker.wasm")); err != nil {
		b.Skip("no build/worker.wasm: run make build first")
	}
	for b.Loop() {
		tmp := b.TempDir()
		for _, f := range []string{"worker.wasm", "ui.wasm", "wasm_exec.js"} {
			data, err := os.ReadFile(filepath.Join(root, "build", f))
			if err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(tmp, f), data, 0o644); err != nil {
				b.Fatal(err)
			}
		}
		for _, enc := range []encoder{brotliQ6, gzipLevel9} {
			t0 := time.Now()
			if _, err := precompress(tmp, enc); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(time.Since(t0).Seconds(), "s-compress"+enc.ext)
		}
		paths := []string{"index.html", "build/worker.wasm", "build/ui.wasm", "build/wasm_exec.js"}
		web, err := os.ReadDir(filepath.Join(root, "web"))
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range web {
			paths = append(paths, "web/"+e.Name())
		}
		srv := httptest.NewServer(&site{root: root, build: tmp})
		for _, enc := range []string{"br", "gzip"} {
			total := 0
			for _, p := range paths {
				req, _ := http.NewRequest("GET", srv.URL+"/"+p, nil)
				req.Header.Set("Accept-Encoding", enc)
				resp, err := srv.Client().Transport.RoundTrip(req) // no transparent decompression
				if err != nil {
					b.Fatal(err)
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				total += int(n)
			}
			b.ReportMetric(float64(total)/1e6, "MB-"+enc)
		}
		srv.Close()
	}
}

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
