package bench

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"halo/core/nn/alad"
	"halo/core/nn/vae"
)

// aladPaperTolerance is the relative distance allowed from the "about 2.5 M
// MACs per training sample" of ANCHORS.md (a rounded figure).
const aladPaperTolerance = 0.05

func TestMACs(t *testing.T) {
	// A tiny ALAD by hand: d = 2, every width 1 except Latent 1.
	one := alad.Arch{Enc1: 1, Enc2: 1, Gen1: 1, Gen2: 1, DxzX: 1, DxzZ: 1, DxzJoint: 1, Dxx1: 1, Dxx2: 1, Dzz1: 1, Dzz2: 1, Latent: 1}
	// E: 2+1+1 = 4; G: 1+1+2 = 4; Dxz: 2+1+2+1 = 6; Dxx: 4+1+1 = 6; Dzz: 2+1+1 = 4.
	// gen = 2*(4+4) = 16, disc = 2*(6+6+4) = 32; train = (16+32+64) + 3*48 = 256.
	// score = E + G + 2*(4+1) = 18.
	vaeArch := vae.Arch{Hidden: [3]int{3, 2, 1}, Latent: 1}
	// VAE d = 2: enc = 6+6+2+2 = 16, dec = 1+2+6+6 = 15; train 3*31 = 93;
	// score = 16 - 1 + 15 = 30.
	for _, tc := range []struct {
		name string
		got  int
		want int
	}{
		{"alad train tiny", ALADTrainMACs(one, 2), 256},
		{"alad score tiny", ALADScoreMACs(one, 2), 18},
		{"vae train tiny", VAETrainMACs(vaeArch, 2), 93},
		{"vae score tiny", VAEScoreMACs(vaeArch, 2), 30},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %d MACs, want %d", tc.name, tc.got, tc.want)
		}
	}
	// ANCHORS.md, arithmetic budget: ALAD with the paper's widths at 39
	// elements is "about 2.5 M MACs per training sample", and the default
	// widths "1/16 of the paper's width cost".
	paper := float64(ALADTrainMACs(alad.PaperArch(), 39))
	if math.Abs(paper/2.5e6-1) > aladPaperTolerance {
		t.Errorf("ALAD paper widths, d = 39: %g MACs per training sample, ANCHORS.md says about 2.5e6", paper)
	}
	if r := paper / float64(ALADTrainMACs(alad.DefaultArch(), 39)); r < 8 || r > 16 {
		t.Errorf("paper/default ALAD training cost %.1f, want between 8 (the input layers scale by 4 only) and 16", r)
	}
}

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {55216, "55,216"}, {1234567, "1,234,567"}, {-5, "-5"}} {
		if got := count(tc.n); got != tc.want {
			t.Errorf("count(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestExtrapolate(t *testing.T) {
	for _, tc := range []struct {
		name      string
		st        Stage
		full      int64
		wantItems int64
		wantSec   float64
	}{
		{"cpu rate", Stage{Items: 100, Rate: 10, CPURate: 50}, 1000, 1000, 20},
		{"wall rate without cpu", Stage{Items: 100, Rate: 10}, 1000, 1000, 100},
		{"whole job done", Stage{Items: 1000, Rate: 10}, 1000, 0, 0},
	} {
		st := tc.st
		extrapolate(&st, tc.full)
		if st.FullItems != tc.wantItems || st.FullSeconds != tc.wantSec {
			t.Errorf("%s: full job %d items in %g s, want %d in %g", tc.name, st.FullItems, st.FullSeconds, tc.wantItems, tc.wantSec)
		}
	}
}

func TestWriteTable(t *testing.T) {
	native := &Result{Workload: "w", Platform: "linux/amd64", RooflineGFLOPS: 2, Stages: []Stage{
		{Name: "roofline", Items: 10, Unit: "products", Seconds: 1, Rate: 10, GFLOPS: 2, Roofline: 1},
		{Name: "cnn infer paper", Items: 4000, Unit: "pairs", Seconds: 2, Rate: 2000, GFLOPS: 1, Roofline: 0.5},
	}}
	wasm := &Result{Workload: "w", Platform: "js/wasm", RooflineGFLOPS: 1, Stages: []Stage{
		{Name: "roofline", Items: 10, Unit: "products", Seconds: 1, Rate: 10, GFLOPS: 1, Roofline: 1},
		{Name: "gemm scalar", Items: 2, Unit: "products", Seconds: 1, Rate: 2, GFLOPS: 0.2, Roofline: 0.2},
		{Name: "cnn infer paper", Items: 4000, Unit: "pairs", Seconds: 8, Rate: 500, GFLOPS: 0.25, Roofline: 0.25},
	}}
	var b bytes.Buffer
	if err := WriteTable(&b, native, wasm); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"cnn infer paper", "2000 pairs/s", "500 pairs/s", "4.0x", "50%", "js/wasm", "gemm scalar"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	// header 2 lines, column heads, 3 stages (one of js/wasm only, after
	// the roofline), total.
	if len(lines) != 7 || !strings.HasPrefix(strings.TrimSpace(lines[4]), "gemm scalar") {
		t.Errorf("%d lines, want 7 with gemm scalar after the roofline:\n%s", len(lines), out)
	}
}

// TestRun runs every stage on a small paper-shaped grid with Quick sizes.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every stage (several seconds)")
	}
	w, err := PaperShaped(7, 40, 44)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), w, &Options{Quick: true})
	if err != nil {
		t.Fatal(err)
	}
	names := StagesHere() // "gemm scalar" runs only on the SIMD kernel of js/wasm
	if len(r.Stages) != len(names) {
		t.Fatalf("%d stages, want %d", len(r.Stages), len(names))
	}
	for i, name := range names {
		st := r.Stages[i]
		if st.Name != name || st.Items <= 0 || !(st.Seconds > 0) || !(st.Rate > 0) {
			t.Errorf("stage %d: %q, %d items, %g s, rate %g; want %q with positive numbers", i, st.Name, st.Items, st.Seconds, st.Rate, name)
		}
	}
	if r.Mineralized == 0 || r.Deposits != 19 || r.ValidCells != 40*44 {
		t.Errorf("%d deposits, %d mineralized cells, %d valid: want 19 deposits, some mineralized cells, every cell valid", r.Deposits, r.Mineralized, r.ValidCells)
	}
}

func TestRunErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		w    Workload
		want string
	}{
		{"no deposits", Workload{Name: "x", Samples: []byte("x,y,Cu,Zn\n1,1,2,3\n2,5,3,4\n")}, "no deposits"},
		{"bad samples", Workload{Name: "x", Samples: []byte("a,b\n1,2\n"), Deposits: []byte("x,y\n1,1\n")}, "x samples"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(context.Background(), &tc.w, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}
