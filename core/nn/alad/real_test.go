package alad

import (
	"context"
	"math/rand/v2"
	"testing"

	"halo/core/nn/internal/realdata"
)

// loadNanling reads shared/data/nanling-li through the pipeline's parts
// (internal/realdata): standardised clr of elems (nil = all 39) and the
// deposit cells.
func loadNanling(tb testing.TB, elems []string) (x []float32, d int, pos []bool) {
	return realdata.Nanling(tb, realdata.ModuleRoot(3), elems)
}

// BenchmarkNanlingLi trains ALAD on the real nanling-li grid (clr,
// standardised) and reports the AUC of the deposit cells against all other
// cells. ANCHORS.md: robust Mahalanobis 0.941 (39 el.), 0.937 (Ag Bi Mo Sn W).
// Heavy: run with -benchtime 1x.
func BenchmarkNanlingLi(b *testing.B) {
	w5 := []string{"Ag", "Bi", "Mo", "Sn", "W"}
	for _, bc := range []struct {
		name  string
		elems []string
		arch  Arch
		ep    int
		lr    float64
		pat   int
	}{
		{"default/39el", nil, DefaultArch(), 10, 0, 0},
		{"default/AgBiMoSnW", w5, DefaultArch(), 10, 0, 0},
		{"default/39el/lr=1e-3", nil, DefaultArch(), 10, 1e-3, 0},
		{"default/AgBiMoSnW/lr=1e-3", w5, DefaultArch(), 10, 1e-3, 0},
		{"default/39el/ep=30", nil, DefaultArch(), 30, 0, 0},
		{"default/AgBiMoSnW/ep=30", w5, DefaultArch(), 30, 0, 0},
		{"default/AgBiMoSnW/patience=3", w5, DefaultArch(), 30, 0, 3},
		{"default/39el/patience=3", nil, DefaultArch(), 30, 0, 3},
		{"paper/39el", nil, PaperArch(), 10, 0, 0},
		{"paper/AgBiMoSnW", w5, PaperArch(), 10, 0, 0},
	} {
		b.Run(bc.name, func(b *testing.B) {
			x, d, pos := loadNanling(b, bc.elems)
			cfg := Config{Arch: bc.arch, Epochs: bc.ep, LR: bc.lr, SamplesPerEpoch: 10000, SpectralNorm: true, Patience: bc.pat}
			var a float64
			var h History
			for range b.N {
				var m *Model
				var err error
				m, h, err = Train(context.Background(), x, d, cfg, rand.New(rand.NewPCG(1, 2)), nil)
				if err != nil {
					b.Fatal(err)
				}
				a = auc(m.Score(nil, x), pos)
			}
			nPos := 0
			for _, p := range pos {
				if p {
					nPos++
				}
			}
			b.ReportMetric(a, "AUC")
			b.ReportMetric(float64(nPos), "deposit-cells")
			b.ReportMetric(float64(len(h.Epochs)), "epochs")
		})
	}
}
