package synth

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var regen = flag.Bool("regen", false, "rewrite the committed demo files in assets/")

// maxDemoBytes keeps the demo light for the page and the classroom.
const maxDemoBytes = 300 << 10

// assetsDir returns the module's assets/ folder (two levels up from this
// package, beside go.mod).
func assetsDir(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found at %s: %v", root, err)
	}
	return filepath.Join(root, "assets")
}

// TestDemoAssetsUpToDate regenerates the demo in memory and compares it with
// the committed files. After a deliberate change to the generator run
//
//	go test ./core/synth -run TestDemoAssetsUpToDate -regen
func TestDemoAssetsUpToDate(t *testing.T) {
	s := Generate(Demo())
	var samples, deposits bytes.Buffer
	if err := s.WriteSamplesCSV(&samples); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteDepositsCSV(&deposits); err != nil {
		t.Fatal(err)
	}
	if samples.Len() > maxDemoBytes {
		t.Errorf("demo_samples.csv is %d bytes, want at most %d", samples.Len(), maxDemoBytes)
	}
	dir := assetsDir(t)
	files := []struct {
		name string
		data []byte
	}{
		{"demo_samples.csv", samples.Bytes()},
		{"demo_deposits.csv", deposits.Bytes()},
	}
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if *regen {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, f.data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (generate it with: go test ./core/synth -run TestDemoAssetsUpToDate -regen)", err)
		}
		if !bytes.Equal(got, f.data) {
			t.Errorf("assets/%s differs from the generator's output at line %d; if the change is deliberate, run: go test ./core/synth -run TestDemoAssetsUpToDate -regen",
				f.name, firstDiffLine(got, f.data))
		}
	}
}

func firstDiffLine(a, b []byte) int {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}
