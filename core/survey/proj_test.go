package survey

import (
	"math"
	"testing"
)

func TestProjection(t *testing.T) {
	// mm is the agreement wanted with PROJ (both are exact to well under 1 mm).
	const mm = 1e-3
	// References: PROJ 9.1.1, `cs2cs -f %.4f +proj=longlat +datum=WGS84 +to
	// +proj=utm +zone=Z [+south] +datum=WGS84`.
	for _, tc := range []struct {
		name     string
		lon, lat float64
		zone     int
		south    bool
		epsg     int
		x, y     float64
	}{
		{"New York area, 18N", -73.5, 40.5, 18, false, 32618, 627103.0873, 4484335.4017},
		{"GSWA sample, 50S", 118.211648772642, -34.3018093442451, 50, true, 32750, 611498.9165, 6203714.7194},
		{"Nanling deposit 1, 50N", 114.947523, 28.936528, 50, false, 32650, 299943.9532, 3202687.6926},
		{"equator on the central meridian", 117, 0, 50, false, 32650, 500000, 0},
	} {
		p := UTM(tc.lon, tc.lat)
		if p.Zone != tc.zone || p.South != tc.south || p.EPSG() != tc.epsg {
			t.Errorf("%s: UTM = %+v EPSG %d; want zone %d south %v EPSG %d", tc.name, p, p.EPSG(), tc.zone, tc.south, tc.epsg)
		}
		x, y := p.Forward(tc.lon, tc.lat)
		if math.Abs(x-tc.x) > mm || math.Abs(y-tc.y) > mm {
			t.Errorf("%s: Forward = %.4f %.4f; want %.4f %.4f", tc.name, x, y, tc.x, tc.y)
		}
		lon, lat := p.Inverse(x, y)
		if math.Abs(lon-tc.lon) > 1e-9 || math.Abs(lat-tc.lat) > 1e-9 {
			t.Errorf("%s: Inverse = %.10f %.10f; want %.10f %.10f", tc.name, lon, lat, tc.lon, tc.lat)
		}
	}
	// Far outside its zone (7.4° west of 117°E): PROJ gives -105477.6584
	// 3279103.4351 for (110.76, 29.495) in zone 50N.
	p := &Projection{Lon0: 117, Zone: 50}
	if x, y := p.Forward(110.76, 29.495); math.Abs(x+105477.6584) > mm || math.Abs(y-3279103.4351) > mm {
		t.Errorf("far from the meridian: %.4f %.4f; want -105477.6584 3279103.4351", x, y)
	}
	if (&Projection{Lon0: 10}).EPSG() != 0 {
		t.Error("custom meridian has an EPSG code")
	}
}
