package survey

import (
	"errors"
	"strings"
	"testing"
)

func TestReadDeposits(t *testing.T) {
	utm50s := &Projection{Lon0: 117, Zone: 50, South: true}
	x0, y0 := utm50s.Forward(117.92, -33.57)
	for _, tc := range []struct {
		name string
		csv  string
		proj *Projection
		want []Deposit
		err  error
	}{
		{"metres with name", "x,y,name,commodity\n1000,2000,Alpha,Au\n3000,4000,Beta,Cu\n", nil,
			[]Deposit{{1000, 2000, "Alpha", "Au"}, {3000, 4000, "Beta", "Cu"}}, nil},
		{"metres win over lon/lat", "id,lon,lat,x,y\n7,114.9,28.9,299944.0,3202687.6\n", nil,
			[]Deposit{{299944, 3202687.6, "7", ""}}, nil},
		{"lon/lat projected", "SITE_CODE,SITE_TITLE,Long,Lat,SITE_COMMO\nS1,Dingo,117.92,-33.57,\"Au, Ag\"\n", utm50s,
			[]Deposit{{x0, y0, "Dingo", "Au, Ag"}}, nil},
		{"X/Y degrees projected", "X,Y,SITE_CODE\n117.92,-33.57,S1\n", utm50s, []Deposit{{x0, y0, "S1", ""}}, nil},
		{"degrees without projection", "lon,lat\n117.92,-33.57\n", nil, nil, ErrNoProjection},
		{"latitude swapped", "lon,lat\n-33.57,117.92\n", utm50s, nil, ErrCoordinates},
		{"missing position", "x,y,name\n1000,2000,A\n,3000,B\n", nil, nil, ErrNotNumber},
		{"no coordinates", "name,commodity\nA,Au\n", nil, nil, ErrNoCoordinates},
		{"header only", "x,y\n", nil, nil, ErrEmpty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadDeposits(strings.NewReader(tc.csv), tc.proj, nil)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("error %v; want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %+v; want %+v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("deposit %d: %+v; want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestReadTargets(t *testing.T) {
	// Vertices out of order: sorted by the vertex column.
	const csv = "area,vertex,x,y\nsquare,3,10,10\nsquare,1,0,0\nsquare,2,10,0\nsquare,4,0,10\n" +
		"tri,1,20,0\ntri,2,30,0\ntri,3,20,10\n"
	ps, err := ReadTargets(strings.NewReader(csv), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].Name != "square" || ps[1].Name != "tri" {
		t.Fatalf("polygons %+v", ps)
	}
	for _, tc := range []struct {
		name string
		p    int
		x, y float64
		in   bool
	}{
		{"square centre", 0, 5, 5, true},
		{"square outside", 0, 15, 5, false},
		{"triangle inside", 1, 22, 2, true},
		{"triangle outside, beside hypotenuse", 1, 28, 8, false},
		{"far away", 1, -100, -100, false},
	} {
		if got := ps[tc.p].Contains(tc.x, tc.y); got != tc.in {
			t.Errorf("%s: Contains(%v, %v) = %v; want %v", tc.name, tc.x, tc.y, got, tc.in)
		}
	}
	if _, err := ReadTargets(strings.NewReader("area,x,y\na,0,0\na,1,1\n"), nil); !errors.Is(err, ErrCoordinates) {
		t.Errorf("two-vertex polygon: error %v; want ErrCoordinates", err)
	}
}
