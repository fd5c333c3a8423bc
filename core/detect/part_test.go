package detect

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"halo/core/grid"
)

// sameBits fails unless a and b hold the same float32 values bit for bit
// (NaN where the other is NaN).
func sameBits(t *testing.T, name string, a, b []float32) {
	t.Helper()
	for i := range a {
		if a[i] != b[i] && !(a[i] != a[i] && b[i] != b[i]) {
			t.Fatalf("%s: cell %d: %v, want %v", name, i, b[i], a[i])
		}
	}
}

// scoreChunks scores the detection's rows [from, to) in chunks cut at
// random, in order (as a pool hands them out) or shuffled, on two
// Detectors taking turns (two workers), and returns the parts and their
// evaluations.
func scoreChunks(t *testing.T, s *grid.Stack, sc PairScorer, windows [][2]int, opt *Options, from, to int, rng *rand.Rand, shuffle bool) ([]*Part, int) {
	t.Helper()
	var cuts [][2]int
	for a := from; a < to; {
		b := min(to, a+1+rng.IntN(6))
		cuts = append(cuts, [2]int{a, b})
		a = b
	}
	if shuffle {
		rng.Shuffle(len(cuts), func(i, j int) { cuts[i], cuts[j] = cuts[j], cuts[i] })
	}
	workers := []*Detector{NewDetector(s, sc, windows, opt), NewDetector(s, sc, windows, opt)}
	var parts []*Part
	pairs := 0
	for i, c := range cuts {
		p, err := workers[i%2].Score(context.Background(), c, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Through the bytes a worker posts.
		b, err := p.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var q Part
		if err := q.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, &q)
		pairs += int(q.Pairs)
	}
	return parts, pairs
}

// Any chunking of the rows, scored on any worker in any order, merges into
// the map of one pass bit for bit and evaluates each pair once: as many
// network evaluations as one pass.
func TestChunksMatchDetect(t *testing.T) {
	s := randomStack(30, 41, 3, 0.05, 8)
	sc := newMLP(3, 5, 4)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, exact := range []bool{true, false} {
		for _, rows := range [][2]int{{0, 0}, {9, 33}} {
			opt := Options{Inner: 3, Outer: 11, Exact: exact, RingStep: 3, ShellScale: 2, Rows: rows, Batch: 50}
			whole := grid.New(s.Geom)
			cs := &countingScorer{PairScorer: sc}
			if err := Detect(context.Background(), whole, s, cs, &opt, nil); err != nil {
				t.Fatal(err)
			}
			if n := Pairs(s, nil, &opt); n != cs.pairs {
				t.Fatalf("Pairs %d, Detect scored %d", n, cs.pairs)
			}
			from, to := rowRange(opt.defaults(), s.Geom)
			for trial := range 3 {
				parts, pairs := scoreChunks(t, s, sc, nil, &opt, from, to, rng, trial > 0)
				merged := grid.New(s.Geom)
				for i := range merged.Data {
					merged.Data[i] = -1
				}
				if err := Merge([]*grid.Grid{merged}, s, nil, &opt, parts); err != nil {
					t.Fatal(err)
				}
				name := "exact"
				if !exact {
					name = "fast"
				}
				sameBits(t, name, whole.Data[from*s.Cols:to*s.Cols], merged.Data[from*s.Cols:to*s.Cols])
				for i, v := range merged.Data {
					if r := i / s.Cols; (r < from || r >= to) && v != -1 {
						t.Fatalf("%s: cell %d outside the rows was written", name, i)
					}
				}
				if pairs != cs.pairs {
					t.Errorf("%s rows %v trial %d: %d chunks scored %d pairs, one pass %d", name, rows, trial, len(parts), pairs, cs.pairs)
				}
			}
		}
	}
	// A sweep too.
	windows := [][2]int{{3, 5}, {3, 9}, {5, 11}}
	opt := Options{RingStep: 3, ShellScale: 2}
	want, err := Sweep(context.Background(), s, sc, windows, &opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	parts, _ := scoreChunks(t, s, sc, windows, &opt, 0, s.Rows, rng, false)
	got := []*grid.Grid{grid.New(s.Geom), grid.New(s.Geom), grid.New(s.Geom)}
	if err := Merge(got, s, windows, &opt, parts); err != nil {
		t.Fatal(err)
	}
	for w := range windows {
		sameBits(t, "sweep", want[w].Data, got[w].Data)
	}
}

// Merge refuses parts that do not cover the detection's rows exactly once
// or do not fit it.
func TestMergeRefuses(t *testing.T) {
	s := randomStack(12, 20, 2, 0.1, 3)
	sc := newLinear(2, 1)
	opt := &Options{Inner: 3, Outer: 7}
	d := NewDetector(s, sc, nil, opt)
	score := func(a, b int) *Part {
		p, err := d.Score(context.Background(), [2]int{a, b}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p1, p2, p3 := score(0, 8), score(8, 20), score(5, 12)
	dst := []*grid.Grid{grid.New(s.Geom)}
	if err := Merge(dst, s, nil, opt, []*Part{p2, p1}); err != nil {
		t.Fatalf("two parts in either order: %v", err)
	}
	short := *p1
	short.Sum = short.Sum[1:]
	for _, tc := range []struct {
		name  string
		parts []*Part
		want  string
	}{
		{"missing rows", []*Part{p1}, "not scored"},
		{"overlap", []*Part{p1, p2, p3}, "scored twice"},
		{"short sums", []*Part{&short, p2}, "sums"},
		{"nil part", []*Part{p1, nil}, "does not fit"},
		{"other detection", []*Part{p1, p2}, "does not fit"},
	} {
		o := opt
		if tc.name == "other detection" {
			o = &Options{Inner: 3, Outer: 9}
		}
		err := Merge(dst, s, nil, o, tc.parts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one with %q", tc.name, err, tc.want)
		}
	}
	if err := Merge([]*grid.Grid{grid.New(grid.Geom{Cols: 3, Rows: 3, Cell: 1})}, s, nil, opt, []*Part{p1, p2}); err == nil {
		t.Error("a map of another size: no error")
	}
}

// Bad bytes never panic the decoder.
func FuzzPartUnmarshal(f *testing.F) {
	s := randomStack(8, 9, 2, 0.1, 3)
	for _, exact := range []bool{true, false} {
		p, err := NewDetector(s, newLinear(2, 1), nil, &Options{Inner: 1, Outer: 5, Exact: exact, RingStep: 2, ShellScale: 1}).Score(context.Background(), [2]int{2, 6}, nil)
		if err != nil {
			f.Fatal(err)
		}
		b, _ := p.MarshalBinary()
		f.Add(b)
	}
	f.Add([]byte("HDP1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p Part
		if err := p.UnmarshalBinary(b); err != nil {
			return
		}
		if len(p.Sum) != len(p.Cnt) || len(p.Full) != len(p.NV) {
			t.Fatalf("decoded %d sums, %d counts, %d and %d plans", len(p.Sum), len(p.Cnt), len(p.Full), len(p.NV))
		}
		// Merge checks the rest and must not panic either.
		_ = Merge([]*grid.Grid{grid.New(s.Geom)}, s, nil, &Options{Inner: 1, Outer: 5}, []*Part{&p})
	})
}
