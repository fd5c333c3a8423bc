package survey_test

import (
	"fmt"
	"strings"

	"halo/core/survey"
)

func ExampleRead() {
	const data = `SampleID;Easting;Northing;Cu_ppm;Au (ppb);Fe2O3 %;LOI
S1;512000;4310000;12,5;<1;4,2;3,1
S2;512250;4310120;-0,5;3;5,0;2,9
S3;512490;4310260;NA;-9999;4,8;3,0
S4;512730;4310370;40;7;6,1;3,3
`
	s, err := survey.Read(strings.NewReader(data), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("coordinates:", s.XColumn, s.YColumn)
	fmt.Println("ignored:", s.Ignored)
	for _, e := range s.Elements {
		fmt.Printf("%s (%s -> ppm): %.6g, %d below detection, %d missing\n", e.Name, e.Unit, e.Values, e.BelowDetection, e.Missing)
	}
	// Output:
	// coordinates: Easting Northing
	// ignored: [SampleID LOI]
	// Cu (ppm -> ppm): [12.5 0.325 NaN 40], 1 below detection, 1 missing
	// Au (ppb -> ppm): [0.00065 0.003 NaN 0.007], 1 below detection, 1 missing
	// Fe2O3 (pct -> ppm): [42000 50000 48000 61000], 0 below detection, 0 missing
}

func ExampleProjection_Forward() {
	p := survey.UTM(118.2116, -34.3018) // a GSWA stream-sediment sample
	x, y := p.Forward(118.2116, -34.3018)
	fmt.Printf("zone %d south %v EPSG %d: %.1f %.1f\n", p.Zone, p.South, p.EPSG(), x, y)
	// Output:
	// zone 50 south true EPSG 32750: 611494.4 6203715.8
}
