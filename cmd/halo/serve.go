package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/andybalholm/brotli"
)

func serveCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("halo serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", ":8080", "listen `ADDRESS`")
	root := fs.String("root", ".", "project `DIR` holding index.html, web/, assets/ and build/")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	h, err := newSite(*root)
	if err != nil {
		fmt.Fprintln(stderr, "halo serve:", err)
		return 1
	}
	// Precompressed copies are made in the background, brotli first (what
	// every current browser takes: about 2 s for both programs on the
	// project's machine), then gzip (about 3 s); until each is there the
	// plain or gzip file is served.
	go func() {
		for _, enc := range []encoder{brotliQ6, gzipLevel9} {
			if n, err := precompress(filepath.Join(*root, "build"), enc); err != nil {
				fmt.Fprintf(stderr, "halo serve: compressing build/ (%s): %v\n", enc.ext, err)
			} else if n > 0 {
				fmt.Fprintf(stdout, "halo: compressed %d files in build/ (%s)\n", n, enc.ext)
			}
		}
	}()
	fmt.Fprintf(stdout, "halo: serving %s on http://localhost%s\n", *root, portOf(*addr))
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		fmt.Fprintln(stderr, "halo serve:", err)
		return 1
	}
	return 0
}

func portOf(addr string) string {
	if i := strings.LastIndex(addr, ":"); i >= 0 {
		return addr[i:]
	}
	return addr
}

// csp allows the page's own origin only, plus WebAssembly compilation; no
// inline script, no eval, no other origin.
const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; " +
	"img-src 'self' blob: data:; style-src 'self'; connect-src 'self'; frame-src 'self'; " +
	"frame-ancestors 'self'; object-src 'none'; base-uri 'none'; form-action 'none'"

// site serves the page: index.html and the folders web/, assets/ and build/
// (nothing else of the project tree). A request for X is answered from X.br
// or X.gz when the client accepts that encoding and the file exists and is
// not older than X.
type site struct {
	root  string
	build string // folder served as build/; "" means root/build
}

func newSite(root string) (*site, error) {
	if _, err := os.Stat(filepath.Join(root, "index.html")); err != nil {
		return nil, fmt.Errorf("no index.html in %s: run from the project folder or give --root", root)
	}
	if _, err := os.Stat(filepath.Join(root, "build", "worker.wasm")); err != nil {
		return nil, fmt.Errorf("no build/worker.wasm in %s: build it first (make build)", root)
	}
	return &site{root: root}, nil
}

var servedDirs = []string{"web/", "assets/", "build/"}

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := strings.TrimPrefix(filepath.ToSlash(filepath.Clean("/"+r.URL.Path)), "/")
	if p == "" || p == "." {
		p = "index.html"
	}
	ok := p == "index.html"
	for _, d := range servedDirs {
		ok = ok || strings.HasPrefix(p, d)
	}
	if !ok || strings.Contains(p, "..") {
		http.NotFound(w, r)
		return
	}
	h.Set("Cache-Control", "no-cache")
	full := filepath.Join(s.root, filepath.FromSlash(p))
	if s.build != "" && strings.HasPrefix(p, "build/") {
		full = filepath.Join(s.build, filepath.FromSlash(strings.TrimPrefix(p, "build/")))
	}
	if ctype := contentType(p); ctype != "" {
		h.Set("Content-Type", ctype)
	}
	accept := r.Header.Get("Accept-Encoding")
	plain, err := os.Stat(full)
	for _, enc := range []struct{ name, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if err != nil || !strings.Contains(accept, enc.name) {
			continue
		}
		// A compressed copy older than its file (a make build after it was
		// made) is stale: the plain file is served until precompress
		// replaces it.
		if st, err := os.Stat(full + enc.ext); err == nil && !st.IsDir() && !st.ModTime().Before(plain.ModTime()) {
			h.Set("Content-Encoding", enc.name)
			h.Add("Vary", "Accept-Encoding")
			http.ServeFile(w, r, full+enc.ext)
			return
		}
	}
	http.ServeFile(w, r, full)
}

// encoder is a precompression: the file extension it writes and how.
type encoder struct {
	ext    string
	encode func(w io.Writer, b []byte) error
}

var (
	gzipLevel9 = encoder{".gz", func(w io.Writer, b []byte) error {
		zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
		zw.Write(b)
		return zw.Close()
	}}
	// Quality 6: the page is 9.66 MB with it, the two programs compressed
	// in 2.3 s (BenchmarkServedDownload, 2026-12-03); quality 9 made them
	// 2.5% smaller in about 5x the time (measured once), so the first
	// visitors after a start would get gzip instead.
	brotliQ6 = encoder{".br", func(w io.Writer, b []byte) error {
		bw := brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: 6, LGWin: 24})
		bw.Write(b)
		return bw.Close()
	}}
)

// precompress writes X.gz (or X.br) beside every .wasm and .js file X of dir
// that has no such file newer than itself, so the site serves compressed
// bytes (Content-Encoding) without compressing on every request. A file is
// written under a temporary name and renamed, so it is never served half
// written.
func precompress(dir string, enc encoder) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || (ext != ".wasm" && ext != ".js") {
			continue
		}
		src := filepath.Join(dir, e.Name())
		st, err := e.Info()
		if err != nil {
			return n, err
		}
		if c, err := os.Stat(src + enc.ext); err == nil && !c.ModTime().Before(st.ModTime()) {
			continue
		}
		b, err := os.ReadFile(src)
		if err != nil {
			return n, err
		}
		var buf bytes.Buffer
		if err := enc.encode(&buf, b); err != nil {
			return n, err
		}
		tmp := src + enc.ext + ".tmp"
		if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
			return n, err
		}
		if err := os.Rename(tmp, src+enc.ext); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func contentType(p string) string {
	switch filepath.Ext(p) {
	case ".wasm":
		return "application/wasm"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	case ".csv":
		return "text/csv; charset=utf-8"
	case ".json":
		return "application/json"
	}
	return ""
}
