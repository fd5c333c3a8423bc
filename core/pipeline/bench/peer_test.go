package bench

import (
	"strings"
	"testing"
)

// The peer table puts halo's rates beside the peer's: exact detection by the
// whole map's ring pairs, the rest by the stage rate.
func TestWritePeerTable(t *testing.T) {
	p, err := ReadPeer(strings.NewReader(`{"peer": "pytorch", "torch": "1.13", "threads": 1, "roofline_gflops": 100,
		"stages": [{"name": "roofline", "gflops": 100}, {"name": "cnn infer paper", "unit": "pairs", "rate": 9000, "cpu_rate": 10000},
		{"name": "alad train paper", "unit": "samples", "rate": 4000}]}`))
	if err != nil {
		t.Fatal(err)
	}
	native := &Result{Stages: []Stage{
		{Name: "roofline", GFLOPS: 50, CPUGFLOPS: 50},
		{Name: "cnn infer paper", CPURate: 5000, Rate: 5000},
		{Name: "detect exact paper", CPURate: 6000, MapRate: 12000},
		{Name: "alad train paper", CPURate: 2000},
	}}
	var sb strings.Builder
	if err := WritePeerTable(&sb, native, nil, p); err != nil {
		t.Fatal(err)
	}
	out := sb.String()
	for _, want := range []string{"0.50x", "1.20x", "12.0 k", "against the peer pytorch 1.13"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "cnn train paper") {
		t.Errorf("a stage the peer did not measure is listed:\n%s", out)
	}
	if _, err := ReadPeer(strings.NewReader(`{"stages": []}`)); err == nil {
		t.Error("empty peer results accepted")
	}
}
