package survey

import "math"

// Projection is a Universal Transverse Mercator projection on the WGS84
// ellipsoid (GRS80 differs by 0.1 mm): central meridian Lon0 (degrees),
// scale factor 0.9996, false easting 500,000 m, false northing 10,000,000 m
// when South. Zone is the UTM zone (1..60) Lon0 belongs to, 0 for a custom
// central meridian.
//
// Forward and Inverse use Krüger's series to sixth order in the third
// flattening (Karney 2011, doi:10.1007/s00190-011-0445-3): errors below
// 1 mm within 3,900 km of the central meridian, far beyond a zone's width.
type Projection struct {
	Lon0  float64
	Zone  int
	South bool
}

// UTM returns the UTM projection of the zone holding longitude lon
// (degrees), southern when lat < 0. Zone boundaries follow the plain 6°
// rule (no Norway / Svalbard exceptions).
func UTM(lon, lat float64) *Projection {
	lon = math.Mod(lon+180, 360)
	if lon < 0 {
		lon += 360
	}
	zone := int(lon/6) + 1
	if zone > 60 {
		zone = 60
	}
	return &Projection{Lon0: float64(6*zone - 183), Zone: zone, South: lat < 0}
}

// EPSG returns the EPSG code of the projection on WGS84: 32600+zone in the
// north, 32700+zone in the south, 0 for a custom central meridian.
func (p *Projection) EPSG() int {
	if p.Zone < 1 || p.Zone > 60 || p.Lon0 != float64(6*p.Zone-183) {
		return 0
	}
	if p.South {
		return 32700 + p.Zone
	}
	return 32600 + p.Zone
}

// WGS84 ellipsoid and UTM constants.
const (
	wgs84A = 6378137.0
	wgs84F = 1 / 298.257223563
	utmK0  = 0.9996
	utmE0  = 500000.0
	utmN0S = 10000000.0
)

// tm holds the series constants of the transverse Mercator projection.
var tm = func() (c struct {
	e, a     float64 // eccentricity, rectifying radius x k0
	alp, bet [7]float64
}) {
	f := wgs84F
	n := f / (2 - f)
	n2 := n * n
	n3, n4, n5, n6 := n2*n, n2*n2, n2*n2*n, n2*n2*n2
	c.e = math.Sqrt(f * (2 - f))
	c.a = utmK0 * wgs84A / (1 + n) * (1 + n2/4 + n4/64 + n6/256)
	c.alp = [7]float64{0,
		n/2 - 2*n2/3 + 5*n3/16 + 41*n4/180 - 127*n5/288 + 7891*n6/37800,
		13*n2/48 - 3*n3/5 + 557*n4/1440 + 281*n5/630 - 1983433*n6/1935360,
		61*n3/240 - 103*n4/140 + 15061*n5/26880 + 167603*n6/181440,
		49561*n4/161280 - 179*n5/168 + 6601661*n6/7257600,
		34729*n5/80640 - 3418889*n6/1995840,
		212378941 * n6 / 319334400,
	}
	c.bet = [7]float64{0,
		n/2 - 2*n2/3 + 37*n3/96 - n4/360 - 81*n5/512 + 96199*n6/604800,
		n2/48 + n3/15 - 437*n4/1440 + 46*n5/105 - 1118711*n6/3870720,
		17*n3/480 - 37*n4/840 - 209*n5/4480 + 5569*n6/90720,
		4397*n4/161280 - 11*n5/504 - 830251*n6/7257600,
		4583*n5/161280 - 108847*n6/3991680,
		20648693 * n6 / 638668800,
	}
	return c
}()

// Forward projects longitude lon and latitude lat (degrees) to easting x and
// northing y (metres).
func (p *Projection) Forward(lon, lat float64) (x, y float64) {
	phi := lat * math.Pi / 180
	dl := math.Remainder(lon-p.Lon0, 360) * math.Pi / 180
	s := math.Sin(phi)
	t := math.Sinh(math.Atanh(s) - tm.e*math.Atanh(tm.e*s))
	xi := math.Atan2(t, math.Cos(dl))
	eta := math.Atanh(math.Sin(dl) / math.Sqrt(1+t*t))
	X, E := xi, eta
	for j := 1; j <= 6; j++ {
		a := 2 * float64(j)
		X += tm.alp[j] * math.Sin(a*xi) * math.Cosh(a*eta)
		E += tm.alp[j] * math.Cos(a*xi) * math.Sinh(a*eta)
	}
	x = utmE0 + tm.a*E
	y = tm.a * X
	if p.South {
		y += utmN0S
	}
	return x, y
}

// Inverse returns the longitude and latitude (degrees) of easting x and
// northing y (metres).
func (p *Projection) Inverse(x, y float64) (lon, lat float64) {
	if p.South {
		y -= utmN0S
	}
	xi := y / tm.a
	eta := (x - utmE0) / tm.a
	X, E := xi, eta
	for j := 1; j <= 6; j++ {
		a := 2 * float64(j)
		X -= tm.bet[j] * math.Sin(a*xi) * math.Cosh(a*eta)
		E -= tm.bet[j] * math.Cos(a*xi) * math.Sinh(a*eta)
	}
	sh := math.Sinh(E)
	cx := math.Cos(X)
	taup := math.Sin(X) / math.Hypot(sh, cx)
	dl := math.Atan2(sh, cx)
	// Newton iteration for tau = tan(phi) from tau' (Karney 2011, eq. 19-21).
	e2 := tm.e * tm.e
	tau := taup
	for range 10 {
		sig := math.Sinh(tm.e * math.Atanh(tm.e*tau/math.Sqrt(1+tau*tau)))
		tp := tau*math.Sqrt(1+sig*sig) - sig*math.Sqrt(1+tau*tau)
		d := (taup - tp) * (1 + (1-e2)*tau*tau) / ((1 - e2) * math.Sqrt(1+tp*tp) * math.Sqrt(1+tau*tau))
		tau += d
		if math.Abs(d) < 1e-14 {
			break
		}
	}
	return p.Lon0 + dl*180/math.Pi, math.Atan(tau) * 180 / math.Pi
}
