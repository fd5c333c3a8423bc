package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var regen = flag.Bool("regen", false, "rewrite the golden score hashes in testdata")

// TestSameMapEverywhere holds the demo's score grids to hashes recorded in
// testdata: the same seed must give the same map natively and in js/wasm
// (make test runs this package's tests in both). The networks are trained
// briefly here; what matters is that every bit agrees.
func TestSameMapEverywhere(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  *Config
	}{
		{"classical", &Config{Seed: 11, Methods: []string{"mahalanobis", "element:Cu"}}},
		{"networks", &Config{Seed: 11, Methods: []string{"cnn", "alad", "vae"},
			CNN:  &CNNConfig{Epochs: 1, PairsPerEpoch: 512, Inner: 3, Outer: 9}, // shell 4 sampled every 2nd cell
			ALAD: &NetConfig{Epochs: 1, SamplesPerEpoch: 512},
			VAE:  &NetConfig{Epochs: 2, SamplesPerEpoch: 512}}},
	} {
		t.Run(tc.name, func(t *testing.T) { sameMap(t, tc.name, tc.cfg) })
	}
}

func sameMap(t *testing.T, name string, cfg *Config) {
	res, err := Run(context.Background(), demoInputs(t), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, m := range res.Methods {
		h := sha256.New()
		var b [4]byte
		for _, v := range m.Score.Data {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			h.Write(b[:])
		}
		lines = append(lines, m.Name+" "+hex.EncodeToString(h.Sum(nil)))
	}
	got := strings.Join(lines, "\n") + "\n"
	path := filepath.Join("testdata", "demo_scores_"+name+".golden")
	if *regen {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("score hashes differ from %s (run with -regen only if the change is meant):\n got %s\nwant %s", path, got, want)
	}
}
