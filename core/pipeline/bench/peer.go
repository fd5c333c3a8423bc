package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
)

// Peer is the JSON written by the PyTorch peer, bench/peers/torch_peer.py:
// the same paper-shaped CNN and ALAD workloads timed on one thread.
type Peer struct {
	Peer           string      `json:"peer"`
	Torch          string      `json:"torch"`
	Threads        int         `json:"threads"`
	RooflineGFLOPS float64     `json:"roofline_gflops"`
	Stages         []PeerStage `json:"stages"`
}

// PeerStage is one stage of Peer.
type PeerStage struct {
	Name    string  `json:"name"`
	Items   int64   `json:"items"`
	Unit    string  `json:"unit"`
	Rate    float64 `json:"rate"`
	CPURate float64 `json:"cpu_rate"`
	GFLOPS  float64 `json:"gflops"`
}

// ReadPeer decodes a Peer from r.
func ReadPeer(r io.Reader) (*Peer, error) {
	var p Peer
	if err := json.NewDecoder(r).Decode(&p); err != nil {
		return nil, fmt.Errorf("bench: peer results: %w", err)
	}
	if len(p.Stages) == 0 {
		return nil, fmt.Errorf("bench: peer results: no stages (is this the JSON of bench/peers/torch_peer.py?)")
	}
	return &p, nil
}

// Stage returns the peer's stage of that name, or nil.
func (p *Peer) Stage(name string) *PeerStage {
	for i := range p.Stages {
		if p.Stages[i].Name == name {
			return &p.Stages[i]
		}
	}
	return nil
}

// PerCPURate is the stage's rate per CPU second where the peer measured
// it, else per wall second.
func (s *PeerStage) PerCPURate() float64 {
	if s.CPURate > 0 {
		return s.CPURate
	}
	return s.Rate
}

// peerPairs says which halo stage compares with which peer stage, and how.
// Exact detection compares the whole map's ring pairs per second (MapRate;
// halo scores each unordered pair once) with the peer's inference rate: the
// peer scores every pair of every ring, as the paper's detector does.
var peerPairs = []struct{ halo, peer, what string }{
	{"roofline", "roofline", "GFLOPS"},
	{"cnn train paper", "cnn train paper", "pairs/s"},
	{"cnn infer paper", "cnn infer paper", "pairs/s"},
	{"detect exact paper", "cnn infer paper", "ring pairs/s of the whole map"},
	{"alad train paper", "alad train paper", "samples/s"},
}

// WritePeerTable writes, for the paper-shaped workload, halo's rates
// (native, and wasm when given) beside the peer's and their ratios, per CPU
// second on one thread.
func WritePeerTable(w io.Writer, native, wasm *Result, p *Peer) error {
	if _, err := fmt.Fprintf(w, "against the peer %s %s (%d thread), per cpu s; halo / peer > 1 means halo is faster:\n", p.Peer, p.Torch, p.Threads); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "stage\tunit\thalo native\tpeer\tnative / peer\t"
	if wasm != nil {
		head += "halo wasm\twasm / peer\t"
	}
	fmt.Fprintln(tw, head)
	rate := func(r *Result, name string) float64 {
		st := r.Stage(name)
		switch {
		case st == nil:
			return 0
		case name == "roofline":
			if st.CPUGFLOPS > 0 {
				return st.CPUGFLOPS
			}
			return st.GFLOPS
		case st.MapRate > 0:
			return st.MapRate
		}
		return st.cpuRate()
	}
	for _, pp := range peerPairs {
		ps := p.Stage(pp.peer)
		if ps == nil {
			continue
		}
		pr := ps.PerCPURate()
		if pp.halo == "roofline" {
			pr = ps.GFLOPS
		}
		hn := rate(native, pp.halo)
		line := fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t", pp.halo, pp.what, Num(hn), Num(pr), ratio(hn, pr))
		if wasm != nil {
			hw := rate(wasm, pp.halo)
			line += fmt.Sprintf("%s\t%s\t", Num(hw), ratio(hw, pr))
		}
		fmt.Fprintln(tw, line)
	}
	return tw.Flush()
}

// Num formats a rate as the tables do ("-" for none).
func Num(v float64) string {
	switch {
	case v <= 0:
		return "-"
	case v >= 1e4:
		return fmt.Sprintf("%.1f k", v/1e3)
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

func ratio(a, b float64) string {
	if a <= 0 || b <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", a/b)
}
