package synth

import (
	"math"
	"math/rand/v2"
)

// deposit is a placed deposit in relative coordinates.
type deposit struct {
	x, y   float64
	kind   int
	host   int     // dominant lithology at the deposit
	size   float64 // multiplies the halo's log-amplitude
	theta  float64 // strike of the elongated halo
	aspect float64 // length / width of the halo
}

// placeDeposits puts n deposits of the given kinds (in turn) into the
// district by rejection sampling: preferably in a host lithology of their
// model, away from the edges, from each other and from the ultramafic and
// black shale units (the "false anomalies" stay distinct). The conditions
// relax after many failed draws so that placement always ends.
func placeDeposits(g *geology, kk []int, n int, rng *rand.Rand) []deposit {
	area := g.w * g.h
	sep := 0.4 * math.Sqrt(area/float64(n))
	margin := min(3000, 0.1*min(g.w, g.h))
	m := make([]float64, len(lithologies))
	var out []deposit
	for i := range n {
		kind := kk[i%len(kk)]
		for try := 0; ; try++ {
			x := margin + rng.Float64()*(g.w-2*margin)
			y := margin + rng.Float64()*(g.h-2*margin)
			g.membership(m, x, y)
			host := dominant(m)
			if try < 2500 && (m[ultramafic] > 0.01 || m[blackShale] > 0.01 || g.nearBody(x, y, 3000)) {
				continue
			}
			if try < 1500 && !contains(kinds[kind].hosts, host) {
				continue
			}
			s := sep
			if try >= 2000 {
				s = sep / 2
			}
			if try < 4000 && tooClose(out, x, y, s) {
				continue
			}
			d := deposit{x: x, y: y, kind: kind, host: host}
			d.size = 0.7 + 0.5*rng.Float64()
			d.theta = rng.Float64() * math.Pi
			d.aspect = 1 + rng.Float64()
			if kinds[kind].name == "orogenic" {
				d.aspect = 2 + 1.5*rng.Float64() // along the shear zone
			}
			out = append(out, d)
			break
		}
	}
	return out
}

func (g *geology) nearBody(x, y, buf float64) bool {
	for _, b := range g.bodies {
		if math.Hypot(x-b.x, y-b.y) < b.a+buf {
			return true
		}
	}
	return false
}

func tooClose(ds []deposit, x, y, sep float64) bool {
	for _, d := range ds {
		if math.Hypot(x-d.x, y-d.y) < sep {
			return true
		}
	}
	return false
}

func contains(s []int, v int) bool {
	for _, u := range s {
		if u == v {
			return true
		}
	}
	return false
}

// addHalos adds each deposit's halo to the log values logv[k][site]. The
// enrichment of element e at anisotropic distance d from a deposit is
//
//	strength * size * ln(peak_e) * exp(-((d - ring_e) / radius_e)^2 / 2)
//
// with d measured in a frame stretched by sqrt(aspect) along strike.
func addHalos(logv [][]float64, els []element, deps []deposit, st *sites, strength float64) {
	n := st.len()
	for _, d := range deps {
		cs, sn := math.Cos(d.theta), math.Sin(d.theta)
		ra := math.Sqrt(d.aspect)
		for _, h := range kinds[d.kind].halos {
			k := -1
			for j, e := range els {
				if e.name == h.el {
					k = j
				}
			}
			if k < 0 {
				continue
			}
			amp := strength * d.size * math.Log(h.peak)
			reach := h.ring + 5*h.radius*ra
			lv := logv[k]
			for i := range n {
				x, y := st.xy(i)
				dx, dy := x-d.x, y-d.y
				if math.Abs(dx) > reach || math.Abs(dy) > reach {
					continue
				}
				u, v := dx*cs+dy*sn, -dx*sn+dy*cs
				r := math.Hypot(u/ra, v*ra)
				t := (r - h.ring) / h.radius
				lv[i] += amp * math.Exp(-0.5*t*t)
			}
		}
	}
}
