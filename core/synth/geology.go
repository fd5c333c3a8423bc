package synth

import (
	"math"
	"math/rand/v2"
)

// geology is the map of rock units: a Voronoi partition of warped
// coordinates into the four main units, then ultramafic bodies and black
// shale bands laid over it. Memberships are soft near contacts: a stream
// sediment sample drains both sides.
type geology struct {
	w, h         float64 // district size
	seeds        []seed
	warpX, warpY field
	warpAmp      float64
	tau          float64 // contact softness, metres of distance difference
	bodies       []body
	bands        []band
}

type seed struct {
	x, y float64
	lith int
}

// body is an elliptical ultramafic intrusion.
type body struct {
	x, y, a, b, theta float64
}

// band is a meandering black shale horizon of finite length.
type band struct {
	x, y, theta, length, half, amp, wave, phase float64
}

func newGeology(w, h float64, rng *rand.Rand) *geology {
	area := w * h / 1e6 // km^2
	g := &geology{w: w, h: h, warpAmp: 2500, tau: 400}
	g.warpX = newField(rng, 6000, 30000)
	g.warpY = newField(rng, 6000, 30000)
	k := max(5, int(math.Round(area/80)))
	main := []int{metasediments, limestone, volcanics, granite}
	weights := []float64{0.35, 0.2, 0.25, 0.2}
	first := rng.Perm(len(main))
	for i := range k {
		var l int
		if i < len(main) {
			l = main[first[i]]
		} else {
			u := rng.Float64()
			for j, p := range weights {
				l = main[j]
				if u < p {
					break
				}
				u -= p
			}
		}
		g.seeds = append(g.seeds, seed{x: rng.Float64() * w, y: rng.Float64() * h, lith: l})
	}
	margin := 4000.0
	for range max(1, int(math.Round(area/3000))) {
		a := 2500 + 1500*rng.Float64()
		g.bodies = append(g.bodies, body{
			x: margin + rng.Float64()*(w-2*margin), y: margin + rng.Float64()*(h-2*margin),
			a: a, b: a * (0.35 + 0.25*rng.Float64()), theta: rng.Float64() * math.Pi,
		})
	}
	for range max(1, int(math.Round(area/4000))) {
		g.bands = append(g.bands, band{
			x: margin + rng.Float64()*(w-2*margin), y: margin + rng.Float64()*(h-2*margin),
			theta: rng.Float64() * math.Pi, length: 14000 + 8000*rng.Float64(),
			half: 800 + 300*rng.Float64(), amp: 1500, wave: 8000 + 4000*rng.Float64(),
			phase: rng.Float64() * 2 * math.Pi,
		})
	}
	return g
}

// membership writes into m (len(lithologies)) the share of each unit at
// (x, y), summing to 1.
func (g *geology) membership(m []float64, x, y float64) {
	clear(m)
	wx := x + g.warpAmp*g.warpX.at(x, y)
	wy := y + g.warpAmp*g.warpY.at(x, y)
	d2min := math.Inf(1)
	for _, s := range g.seeds {
		dx, dy := wx-s.x, wy-s.y
		d2min = min(d2min, dx*dx+dy*dy)
	}
	dmin := math.Sqrt(d2min)
	reach := dmin + 12*g.tau
	reach *= reach
	var sum float64
	for _, s := range g.seeds {
		dx, dy := wx-s.x, wy-s.y
		d2 := dx*dx + dy*dy
		if d2 > reach {
			continue
		}
		e := math.Exp(-(math.Sqrt(d2) - dmin) / g.tau)
		m[s.lith] += e
		sum += e
	}
	for i := range m {
		m[i] /= sum
	}
	for _, b := range g.bands {
		overlay(m, blackShale, b.at(x, y))
	}
	for _, b := range g.bodies {
		overlay(m, ultramafic, b.at(x, y))
	}
}

// overlay replaces share s of every unit by unit l.
func overlay(m []float64, l int, s float64) {
	if s < 1e-6 {
		return
	}
	for i := range m {
		m[i] *= 1 - s
	}
	m[l] += s
}

func (b *body) at(x, y float64) float64 {
	dx, dy := x-b.x, y-b.y
	cs, sn := math.Cos(b.theta), math.Sin(b.theta)
	u, v := dx*cs+dy*sn, -dx*sn+dy*cs
	r := math.Hypot(u/b.a, v/b.b)
	return logistic((1 - r) / 0.15)
}

func (b *band) at(x, y float64) float64 {
	dx, dy := x-b.x, y-b.y
	cs, sn := math.Cos(b.theta), math.Sin(b.theta)
	u, v := dx*cs+dy*sn, -dx*sn+dy*cs
	dv := (v - b.amp*math.Sin(2*math.Pi*u/b.wave+b.phase)) / b.half
	return math.Exp(-0.5*dv*dv) * logistic((b.length/2-math.Abs(u))/1000)
}

func logistic(t float64) float64 { return 1 / (1 + math.Exp(-t)) }

// dominant returns the index of the largest share.
func dominant(m []float64) int {
	best := 0
	for i, v := range m {
		if v > m[best] {
			best = i
		}
	}
	return best
}
