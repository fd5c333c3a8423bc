package main

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

// testSite makes a minimal project folder with a page and a build folder.
func testSite(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range map[string]string{
		"index.html":        "<!doctype html><title>halo</title>",
		"web/app.js":        "console.log(1)",
		"build/worker.wasm": strings.Repeat("\x00asm", 1000),
		"secret.txt":        "not served",
		".git/config":       "not served",
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestSiteServes(t *testing.T) {
	root := testSite(t)
	for _, enc := range []encoder{gzipLevel9, brotliQ6} {
		if n, err := precompress(filepath.Join(root, "build"), enc); err != nil || n != 1 {
			t.Fatalf("precompress %s: %d files, %v", enc.ext, n, err)
		}
		if n, _ := precompress(filepath.Join(root, "build"), enc); n != 0 {
			t.Errorf("precompress %s again: %d files, want 0 (up to date)", enc.ext, n)
		}
	}
	h, err := newSite(root)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, tc := range []struct {
		path, encoding string
		status         int
		ctype, cenc    string
	}{
		{"/", "", 200, "text/html; charset=utf-8", ""},
		{"/web/app.js", "", 200, "text/javascript; charset=utf-8", ""},
		{"/build/worker.wasm", "gzip, br", 200, "application/wasm", "br"},
		{"/build/worker.wasm", "gzip", 200, "application/wasm", "gzip"},
		{"/build/worker.wasm", "", 200, "application/wasm", ""},
		{"/secret.txt", "", 404, "", ""},
		{"/.git/config", "", 404, "", ""},
		{"/web/../secret.txt", "", 404, "", ""},
	} {
		req, _ := http.NewRequest("GET", srv.URL+tc.path, nil)
		req.Header.Set("Accept-Encoding", tc.encoding)
		tr := &http.Transport{DisableCompression: true}
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.path, resp.StatusCode, tc.status)
			continue
		}
		if tc.status != 200 {
			continue
		}
		if got := resp.Header.Get("Content-Type"); got != tc.ctype {
			t.Errorf("%s: Content-Type %q, want %q", tc.path, got, tc.ctype)
		}
		if got := resp.Header.Get("Content-Encoding"); got != tc.cenc {
			t.Errorf("%s: Content-Encoding %q, want %q", tc.path, got, tc.cenc)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-eval'") && !strings.Contains(csp, "wasm-unsafe-eval") {
			t.Errorf("%s: CSP %q", tc.path, csp)
		}
		var plain []byte
		switch tc.cenc {
		case "gzip":
			zr, err := gzip.NewReader(strings.NewReader(string(body)))
			if err != nil {
				t.Fatal(err)
			}
			plain, _ = io.ReadAll(zr)
		case "br":
			plain, _ = io.ReadAll(brotli.NewReader(strings.NewReader(string(body))))
		}
		if tc.cenc != "" {
			if len(plain) != 4000 {
				t.Errorf("%s: %d bytes after gunzip, want 4000", tc.path, len(plain))
			}
		}
	}
}

// TestSiteStaleCompressed rebuilds worker.wasm after its compressed copies
// were made: the new plain file is served, not the old copies.
func TestSiteStaleCompressed(t *testing.T) {
	root := testSite(t)
	wasm := filepath.Join(root, "build", "worker.wasm")
	for _, enc := range []encoder{gzipLevel9, brotliQ6} {
		if _, err := precompress(filepath.Join(root, "build"), enc); err != nil {
			t.Fatal(err)
		}
	}
	rebuilt := []byte("\x00asm rebuilt")
	if err := os.WriteFile(wasm, rebuilt, 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(wasm, later, later); err != nil {
		t.Fatal(err)
	}
	h, err := newSite(root)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/build/worker.wasm", nil)
	req.Header.Set("Accept-Encoding", "gzip, br")
	resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if enc := resp.Header.Get("Content-Encoding"); enc != "" || string(body) != string(rebuilt) {
		t.Errorf("after a rebuild: Content-Encoding %q, %d bytes; want the plain rebuilt file (%d bytes)", enc, len(body), len(rebuilt))
	}
}

func TestSiteNeedsBuild(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "index.html"), []byte("x"), 0o644)
	if _, err := newSite(root); err == nil || !strings.Contains(err.Error(), "make build") {
		t.Errorf("error %v, want advice to build", err)
	}
}
