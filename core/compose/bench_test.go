package compose

import (
	"math/rand/v2"
	"testing"
)

// Size tiers in cells, 39 layers as in the Fe paper; 77,810 cells is its
// 251 x 310 grid.
var benchTiers = []struct {
	name       string
	cols, rows int
}{
	{"1k", 40, 25},
	{"77810", 251, 310},
}

func BenchmarkCLRStack(b *testing.B) {
	for _, tier := range benchTiers {
		s := randomLogStack(rand.New(rand.NewPCG(1, 1)), tier.cols, tier.rows, 39)
		b.Run(tier.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				CLRStack(s)
			}
		})
	}
}

func BenchmarkILRStack(b *testing.B) {
	for _, tier := range benchTiers {
		s := randomLogStack(rand.New(rand.NewPCG(1, 1)), tier.cols, tier.rows, 39)
		b.Run(tier.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ILRStack(s)
			}
		})
	}
}

func BenchmarkStandardise(b *testing.B) {
	for _, tier := range benchTiers {
		s := randomLogStack(rand.New(rand.NewPCG(1, 1)), tier.cols, tier.rows, 39)
		b.Run(tier.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Standardise(s)
			}
		})
	}
}

func BenchmarkILR39(b *testing.B) {
	x := randomComposition(rand.New(rand.NewPCG(1, 1)), 39)
	z := make([]float64, 38)
	b.ReportAllocs()
	for b.Loop() {
		ILR(z, x)
	}
}
