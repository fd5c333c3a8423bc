package survey

import (
	"bytes"
	"errors"
	"math"
	"testing"
)

// seeds are hand-written inputs for the fuzzers; go test -fuzz adds the
// failures it finds under testdata/fuzz.
var seeds = []string{
	"x,y,Cu_ppm\n1,2,10\n3,4,20\n",
	"\xef\xbb\xbfX;Y;Au (ppb);SiO2 %\r\n118,2;-34,3;<1;60\r\n118,3;-34,4;-9999;61\r\n",
	"lon\tlat\tCu\n10.5\t20.5\t1\n10.6\t20.7\t2\n",
	"row,col,x,y,Cu\n0,0,0,10,1\n0,1,10,10,2\n1,0,0,0,3\n1,1,10,0,4\n",
	"x,y,Cu\n0,0,1\n10,0,2\n0,10,3\n10,10,4\n10,10,5\n",
	"\"x\",\"y\",\"Cu\"\n\"1\",\"2\n3\",\"4\"\n",
	"ID,XCOO,YCOO,Date,Y\n1,5e5,7e6,950815,0.5\n2,6e5,7e6,950816,NA\n",
	"x,y,,Cu\n1,2,,3\n",
	"area,vertex,x,y\na,1,0,0\na,2,1,0\na,3,0,1\n",
	"lat,lon,Cu\n123.4,10,1\n",
	"x,y,Cu\n1e308,1e308,1\n-1e308,-1e308,2\n",
}

func FuzzRead(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Read(bytes.NewReader(data), nil)
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) && pe.Error() == "" {
				t.Fatal("empty ParseError message")
			}
			return
		}
		n := len(s.X)
		if n == 0 || len(s.Y) != n || len(s.Line) != n || len(s.Elements) == 0 {
			t.Fatalf("inconsistent samples: %d x, %d y, %d lines, %d elements", n, len(s.Y), len(s.Line), len(s.Elements))
		}
		for _, e := range s.Elements {
			if len(e.Values) != n {
				t.Fatalf("%s: %d values for %d samples", e.Name, len(e.Values), n)
			}
			for _, v := range e.Values {
				if v < 0 || math.IsInf(v, 0) {
					t.Fatalf("%s: value %v", e.Name, v)
				}
			}
		}
		if s.Lattice != nil {
			if len(s.Cell) != n {
				t.Fatalf("%d cells for %d samples", len(s.Cell), n)
			}
			seen := map[int]bool{}
			for _, c := range s.Cell {
				if c < 0 || c >= s.Lattice.Len() || seen[c] {
					t.Fatalf("cell %d of %d (seen %v)", c, s.Lattice.Len(), seen[c])
				}
				seen[c] = true
			}
		}
	})
}

func FuzzReadDeposits(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	proj := &Projection{Lon0: 117, Zone: 50}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ReadDeposits(bytes.NewReader(data), proj, nil)
		if err == nil && len(d) == 0 {
			t.Fatal("no deposits and no error")
		}
		ps, err := ReadTargets(bytes.NewReader(data), proj)
		if err == nil {
			for _, p := range ps {
				if len(p.X) < 3 || len(p.X) != len(p.Y) {
					t.Fatalf("polygon %q with %d/%d vertices", p.Name, len(p.X), len(p.Y))
				}
				p.Contains(0, 0)
			}
		}
	})
}
