package main

import (
	"context"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"halo/core/detect"
	"halo/core/grid"
	"halo/core/nn/cnn"
	"halo/core/pipeline"
)

func TestRunDemoMessage(t *testing.T) {
	s, err := os.ReadFile("../../assets/demo_samples.csv")
	if err != nil {
		t.Fatal(err)
	}
	d, _ := os.ReadFile("../../assets/demo_deposits.csv")
	req := request{ID: 4, Config: []byte(`{"seed": 2, "methods": ["mahalanobis", "element:Cu"]}`),
		Inputs: pipeline.Inputs{Samples: s, Deposits: d}}
	var stages []string
	res, err := run(context.Background(), req, func(e pipeline.Event) { stages = append(stages, e.Stage) })
	if err != nil {
		t.Fatal(err)
	}
	if res.ID != 4 || len(res.Methods) != 2 || res.ROC == nil || !strings.Contains(string(res.Report), `"mahalanobis"`) {
		t.Fatalf("result id %d, %d methods, roc %d bytes", res.ID, len(res.Methods), len(res.ROC))
	}
	for _, m := range res.Methods {
		if len(m.Score) != res.Cols*res.Rows || len(m.Map) == 0 || len(m.Hist) == 0 || len(m.PA) == 0 || len(m.Cuts) != 3 {
			t.Errorf("%s: %d scores for %d x %d, map %d bytes, pa %d bytes, cuts %v", m.Name, len(m.Score), res.Cols, res.Rows, len(m.Map), len(m.PA), m.Cuts)
		}
	}
	if stages[len(stages)-1] != "render" {
		t.Errorf("last stage %q, want render", stages[len(stages)-1])
	}
}

func TestRunBadConfig(t *testing.T) {
	_, err := run(context.Background(), request{Config: []byte(`{"methods": ["nope"]}`), Inputs: pipeline.Inputs{Samples: []byte("x")}}, func(pipeline.Event) {})
	if err == nil || !strings.Contains(err.Error(), "unknown method") {
		t.Errorf("error %v", err)
	}
}

func TestFloat32Bytes(t *testing.T) {
	f := []float32{1.5, float32(math.NaN()), -2}
	b := float32Bytes(f)
	for i, v := range f {
		got := math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		if got != v && !(math.IsNaN(float64(got)) && math.IsNaN(float64(v))) {
			t.Errorf("value %d: %v, want %v", i, got, v)
		}
	}
}

func TestExportFile(t *testing.T) {
	s, _ := os.ReadFile("../../assets/demo_samples.csv")
	_, res, err := runKeep(context.Background(), request{Config: []byte(`{"methods": ["element:Zn"]}`), Inputs: pipeline.Inputs{Samples: s}}, func(pipeline.Event) {})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"png", "tif", "asc", "csv"} {
		name, mime, b, err := exportFile(res, 0, f)
		if err != nil || name != "element-Zn."+f || mime == "" || len(b) < 100 {
			t.Errorf("%s: %s %s %d bytes %v", f, name, mime, len(b), err)
		}
	}
	if _, _, _, err := exportFile(res, 3, "png"); err == nil {
		t.Error("no error for a missing method")
	}
	if _, _, _, err := exportFile(nil, 0, "png"); err == nil {
		t.Error("no error without a result")
	}
}

// Two sub-workers' chunkDetectors scoring the chunks of pipeline.Chunks
// in turn, their encoded parts merged, give the map of one whole pass
// (what the page's pool does).
func TestChunkDetectors(t *testing.T) {
	g := grid.Geom{Cols: 9, Rows: 17, Cell: 10}
	names := []string{"a", "b", "c"}
	data := make([]float32, g.Len()*3)
	for i := range data {
		data[i] = float32(math.Sin(float64(i) * 0.7))
	}
	m := cnn.NewModel(cnn.LightArch(), 3)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, l := range m.Conv {
		for i := range l.W {
			l.W[i] = float32(rng.NormFloat64() * 0.3)
		}
	}
	for i := range m.FC {
		m.FC[i] = float32(rng.NormFloat64())
	}
	mb, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	s := &grid.Stack{Geom: g, Names: names, Data: data}
	sweep := [][2]int{{1, 3}, {1, 7}, {3, 5}}
	for _, tc := range []struct {
		exact   bool
		windows [][2]int
	}{{true, nil}, {false, nil}, {false, sweep}} {
		exact := tc.exact
		opt := detect.Options{Inner: 1, Outer: 7, Exact: exact, RingStep: 2, ShellScale: 1}
		var whole []*grid.Grid
		if tc.windows == nil {
			whole = []*grid.Grid{grid.New(g)}
			if err := detect.Detect(context.Background(), whole[0], s, m.NewScorer(), &opt, nil); err != nil {
				t.Fatal(err)
			}
		} else {
			var err error
			if whole, err = detect.Sweep(context.Background(), s, m.NewScorer(), tc.windows, &opt, nil); err != nil {
				t.Fatal(err)
			}
		}
		var workers []*chunkDetector
		for range 2 {
			d, err := newChunkDetector(g, names, data, mb, tc.windows, opt)
			if err != nil {
				t.Fatal(err)
			}
			workers = append(workers, d)
		}
		chunks := pipeline.NewChunks(s, 0, g.Rows, 2)
		merger := detect.NewMerger(s, tc.windows, &opt)
		for k := 0; ; k++ {
			rows, ok := chunks.Next()
			if !ok {
				break
			}
			b, err := workers[k%2].score(context.Background(), rows, nil)
			if err != nil {
				t.Fatal(err)
			}
			var p detect.Part
			if err := p.UnmarshalBinary(b); err != nil {
				t.Fatal(err)
			}
			if err := merger.Add(&p); err != nil {
				t.Fatal(err)
			}
		}
		got := make([]*grid.Grid, len(whole))
		for i := range got {
			got[i] = grid.New(g)
		}
		if err := merger.Write(got); err != nil {
			t.Fatal(err)
		}
		for w := range whole {
			for i := range whole[w].Data {
				if a, b := whole[w].Data[i], got[w].Data[i]; a != b && !(a != a && b != b) {
					t.Fatalf("exact=%v windows %v: map %d cell %d: whole %v, chunked %v", exact, tc.windows, w, i, a, b)
				}
			}
		}
	}
	if _, err := newChunkDetector(g, names, data[:5], mb, nil, detect.Options{}); err == nil {
		t.Error("no error for a short stack")
	}
	if _, err := newChunkDetector(g, names[:2], data[:g.Len()*2], mb, nil, detect.Options{}); err == nil {
		t.Error("no error for a model of other layers")
	}
	if _, err := newChunkDetector(g, names, data, mb, [][2]int{{4, 9}}, detect.Options{}); err == nil || !strings.Contains(err.Error(), "odd") {
		t.Errorf("an even window: error %v, want one about odd sizes", err)
	}
}

func TestPreviewMessage(t *testing.T) {
	s, _ := os.ReadFile("../../assets/demo_samples.csv")
	b, err := preview([]byte(`{"units": {"Cu": "pct"}}`), s, "demo.csv")
	if err != nil || !strings.Contains(string(b), `"x_column":"x"`) || !strings.Contains(string(b), `"unit":"pct"`) {
		t.Errorf("preview %s, %v", b, err)
	}
	if _, err := preview([]byte(`{"units": {"Cu": "furlongs"}}`), s, "demo.csv"); err == nil {
		t.Error("no error for a bad unit")
	}
}

// TestPacer: at most one progress message per interval within a stage;
// the first of each stage and a stage's end always pass.
func TestPacer(t *testing.T) {
	t0 := time.Unix(0, 0)
	at := t0
	p := pacer{every: 100 * time.Millisecond, now: func() time.Time { return at }}
	step := func(ms int, stage string, frac float64, want bool) {
		t.Helper()
		at = t0.Add(time.Duration(ms) * time.Millisecond)
		if got := p.allow(stage, frac); got != want {
			t.Errorf("%d ms, %s %.2f: allow %v, want %v", ms, stage, frac, got, want)
		}
	}
	step(0, "detect", 0, true)     // the first message
	step(10, "detect", 0.1, false) // too soon
	step(99, "detect", 0.2, false)
	step(100, "detect", 0.3, true) // an interval after the last one sent
	step(150, "detect", 0.4, false)
	step(160, "detect", 1, true) // the stage's end
	step(170, "render", 0, true) // a new stage
	step(180, "render", 0.5, false)
	step(190, "detect", 0.5, true) // back to another stage
}
