package vae

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

// BenchmarkNanlingLi trains the VAE on the real nanling-li grid (clr,
// standardised) and reports the AUC of the deposit cells against all other
// cells. ANCHORS.md: robust Mahalanobis 0.941 (39 el.), 0.937 (Ag Bi Mo Sn W).
func BenchmarkNanlingLi(b *testing.B) {
	w5 := []string{"Ag", "Bi", "Mo", "Sn", "W"}
	for _, bc := range []struct {
		name  string
		elems []string
	}{{"39el", nil}, {"AgBiMoSnW", w5}} {
		b.Run(bc.name, func(b *testing.B) {
			x, d, pos := loadNanling(b, bc.elems)
			cfg := Config{Epochs: 20}
			var a float64
			for range b.N {
				m, _, err := Train(context.Background(), x, d, cfg, rand.New(rand.NewPCG(1, 2)), nil)
				if err != nil {
					b.Fatal(err)
				}
				a = auc(m.Score(nil, x), pos)
			}
			b.ReportMetric(a, "AUC")
		})
	}
}
