package alad

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"

	"halo/core/nn/internal/tape"
)

// TestTapeMatchesGorgonia trains with tape.Machine and with gorgonia's own
// TapeMachine, the fused ops and the reference formulation: the weights must
// agree bit for bit (and the run losses with them).
func TestTapeMatchesGorgonia(t *testing.T) {
	const n, d = 256, 7
	x, _ := planted(n, d, rand.New(rand.NewPCG(5, 6)))
	for _, fusedOn := range []bool{true, false} {
		train := func(c func(*G.ExprGraph) (tape.Runner, error)) ([]byte, History) {
			defer func(old func(*G.ExprGraph) (tape.Runner, error), f bool) { compile, fusedOps = old, f }(compile, fusedOps)
			compile, fusedOps = c, fusedOn
			cfg := testConfig()
			cfg.Epochs = 2
			m, h, err := Train(context.Background(), x, d, cfg, rand.New(rand.NewPCG(7, 8)), nil)
			if err != nil {
				t.Fatal(err)
			}
			b, err := m.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			return b, h
		}
		got, hg := train(tape.Compile)
		want, hw := train(tape.Reference)
		if !bytes.Equal(got, want) {
			t.Errorf("fused ops %v: the weights trained on tape.Machine differ from gorgonia's TapeMachine", fusedOn)
		}
		for i := range hw.Epochs {
			if hg.Epochs[i] != hw.Epochs[i] {
				t.Errorf("fused ops %v, epoch %d: losses %+v, gorgonia's %+v", fusedOn, i+1, hg.Epochs[i], hw.Epochs[i])
			}
		}
	}
}

// TestTrainStepNoAllocs: a training step (both graphs, both optimiser
// steps, the weight average) allocates nothing once it has run once.
func TestTrainStepNoAllocs(t *testing.T) {
	const batch, d = 64, 39
	cfg := Config{Arch: DefaultArch(), SpectralNorm: true}.withDefaults()
	rng := rand.New(rand.NewPCG(1, 2))
	nt := newNets(cfg.Arch, d, true, rng)
	xb := make([]float32, batch*d)
	for i := range xb {
		xb[i] = float32(rng.NormFloat64())
	}
	dis, ge, err := newSteps(nt, batch, xb, cfg)
	if err != nil {
		t.Fatal(err)
	}
	all := append(append([]*param(nil), nt.dParams...), nt.geParams...)
	step := func() {
		if _, bad, err := trainStep(nt, dis, ge, rng); err != nil || bad != "" {
			t.Fatalf("training step: %v %s", err, bad)
		}
		emaUpdate(all, 0.999)
	}
	step()
	if a := testing.AllocsPerRun(5, step); a != 0 {
		t.Errorf("a training step allocates %v times", a)
	}
}
