package synth

import "testing"

func BenchmarkGenerate(b *testing.B) {
	for _, bc := range []struct {
		name string
		cfg  *Config
	}{
		{"demo", &Config{Seed: 1}},
		{"paper", PaperShaped(1)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Generate(bc.cfg)
			}
		})
	}
}
