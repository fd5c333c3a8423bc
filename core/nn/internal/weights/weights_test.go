package weights

import (
	"math"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	a, b := []float32{1, -2.5, float32(math.Inf(1))}, []float32{3e-38}
	buf := Append([]byte("hdr"), a, b)
	if len(buf) != 3+Size(a, b) || Size(a, b) != 16 {
		t.Fatalf("%d bytes, size %d", len(buf), Size(a, b))
	}
	c, d := make([]float32, 3), make([]float32, 1)
	if !Read(buf[3:], c, d) {
		t.Fatal("Read refused its own encoding")
	}
	for i := range a {
		if c[i] != a[i] {
			t.Errorf("value %d: %v, want %v", i, c[i], a[i])
		}
	}
	if d[0] != b[0] {
		t.Errorf("second slice: %v, want %v", d[0], b[0])
	}
	if Read(buf[3:len(buf)-1], c, d) || Read(append(buf[3:], 0), c, d) {
		t.Error("Read accepted data of the wrong length")
	}
}
