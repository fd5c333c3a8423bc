package classify

import (
	"image/color"
	"math"
)

// Colours of the class map (Fe paper, Fig. 8) and of no data.
var (
	ClassRed    = color.RGBA{0xd7, 0x19, 0x1c, 0xff}
	ClassYellow = color.RGBA{0xff, 0xd2, 0x1f, 0xff}
	ClassBlue   = color.RGBA{0x2c, 0x6f, 0xbb, 0xff}
	Background  = color.RGBA{0xdc, 0xdc, 0xdc, 0xff} // cells below the last class
	NoDataWhite = color.RGBA{0xff, 0xff, 0xff, 0xff}
)

// ClassColor returns the colour of class k of n anomaly classes: red, yellow
// and blue for the three default classes; for other n, evenly spaced along a
// red - orange - yellow - green - blue ramp. k == n is the background
// colour. It panics if k is out of [0, n].
func ClassColor(k, n int) color.RGBA {
	switch {
	case k < 0 || k > n:
		panic("classify: class out of range")
	case k == n:
		return Background
	case n == 1:
		return ClassRed
	}
	return ramp(classRamp, float64(k)/float64(n-1))
}

var classRamp = []color.RGBA{
	ClassRed,
	{0xf4, 0x7a, 0x1f, 0xff}, // orange
	ClassYellow,
	{0x4d, 0xaf, 0x4a, 0xff}, // green
	ClassBlue,
}

// Viridis returns the viridis colour map (perceptually uniform, readable in
// grey scale and by colour-blind readers; van der Walt and Smith, matplotlib
// 2015) at t in [0, 1]; t is clamped. NaN gives transparent black.
func Viridis(t float64) color.RGBA {
	if math.IsNaN(t) {
		return color.RGBA{}
	}
	return ramp(viridis, t)
}

// viridis at 16 equally spaced points, from 0 to 1 (R viridisLite::viridis(16)).
var viridis = []color.RGBA{
	{0x44, 0x01, 0x54, 0xff},
	{0x48, 0x1a, 0x6c, 0xff},
	{0x47, 0x2f, 0x7d, 0xff},
	{0x41, 0x44, 0x87, 0xff},
	{0x39, 0x56, 0x8c, 0xff},
	{0x31, 0x68, 0x8e, 0xff},
	{0x2a, 0x78, 0x8e, 0xff},
	{0x23, 0x88, 0x8e, 0xff},
	{0x1f, 0x98, 0x8b, 0xff},
	{0x22, 0xa8, 0x84, 0xff},
	{0x35, 0xb7, 0x79, 0xff},
	{0x54, 0xc5, 0x68, 0xff},
	{0x7a, 0xd1, 0x51, 0xff},
	{0xa5, 0xdb, 0x36, 0xff},
	{0xd2, 0xe2, 0x1b, 0xff},
	{0xfd, 0xe7, 0x25, 0xff},
}

// ramp interpolates linearly between equally spaced colour stops.
func ramp(stops []color.RGBA, t float64) color.RGBA {
	t = math.Max(0, math.Min(1, t))
	f := t * float64(len(stops)-1)
	i := int(f)
	if i >= len(stops)-1 {
		return stops[len(stops)-1]
	}
	a, b := stops[i], stops[i+1]
	w := f - float64(i)
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + w*(float64(y)-float64(x)))) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
}
