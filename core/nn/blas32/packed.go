package blas32

import "math"

// PackedB is a k×n right-hand matrix packed once into panels of NR columns
// (zero-padded), for repeated products with GemmRows.
type PackedB struct {
	K, N int
	data []float32
}

// Pack packs the k×n row-major matrix b (leading dimension ldb) into p,
// reusing p's storage when it is large enough. When trans is set, b holds the
// n×k transpose instead.
func (p *PackedB) Pack(k, n int, b []float32, ldb int, trans bool) {
	if k < 0 || n < 0 {
		panic("blas32: negative dimension")
	}
	br, bc := k, n
	if trans {
		br, bc = n, k
	}
	if ldb < max(1, bc) {
		panic("blas32: bad leading dimension")
	}
	if br > 0 && bc > 0 && len(b) < (br-1)*ldb+bc {
		panic("blas32: short B")
	}
	size := ((n + NR - 1) / NR) * NR * k
	if cap(p.data) < size {
		p.data = make([]float32, size)
	}
	p.data = p.data[:size]
	p.K, p.N = k, n
	if k > 0 && n > 0 {
		packB(p.data, b, ldb, trans, 0, k, 0, n)
	}
}

// GemmRows computes, for each row i of a gathered left-hand matrix,
//
//	c[cOff[i]+j] = f(bias[j] + sum_p a[aOff[i]+p] * B[p][j]),  j < b.N, p < b.K
//
// where f is max(0, ·) when relu is set and the identity otherwise; bias may be
// nil (zero). Rows of A may overlap (im2col of a 1-D convolution is a window
// of the padded input) and are read in place, without packing. GemmRows does
// not allocate. It panics if len(aOff) != len(cOff) or bias is neither nil
// nor of length b.N.
func GemmRows(c []float32, cOff []int, a []float32, aOff []int, b *PackedB, bias []float32, relu bool) {
	act := byte(0)
	if relu {
		act = actReLU
	}
	gemmRows(c, cOff, a, aOff, b, bias, act, 0)
}

// GemmRowsLeaky is GemmRows with f the leaky ReLU of slope slope, Go's
// `if v < 0 { v *= slope }` (LeakyReLU).
func GemmRowsLeaky(c []float32, cOff []int, a []float32, aOff []int, b *PackedB, bias []float32, slope float32) {
	gemmRows(c, cOff, a, aOff, b, bias, actLeaky, slope)
}

// The epilogues of GemmRows (the SIMD module's spRelu).
const (
	actReLU  = 1
	actLeaky = 2
)

func gemmRows(c []float32, cOff []int, a []float32, aOff []int, b *PackedB, bias []float32, act byte, slope float32) {
	if len(aOff) != len(cOff) {
		panic("blas32: row offset length mismatch")
	}
	k, n := b.K, b.N
	if bias != nil && len(bias) != n {
		panic("blas32: bias length mismatch")
	}
	if gemmRowsSIMD(c, cOff, a, aOff, b, bias, act, slope) {
		return
	}
	m := len(aOff)
	npan := (n + NR - 1) / NR
	var acc [MR * NR]float32
	var r4, c4 [4][]float32
	for i := 0; i < m; i += MR {
		if m-i >= 4 {
			// Four rows at once on AVX-512 (two steps of the loop).
			for q := range 4 {
				r4[q], c4[q] = a[aOff[i+q]:aOff[i+q]+k], c[cOff[i+q]:cOff[i+q]+n]
			}
			if rows4(k, &r4, b, &c4, bias, act, slope) {
				i += 4 - MR
				continue
			}
		}
		mr := min(MR, m-i)
		r0 := a[aOff[i] : aOff[i]+k]
		r1 := r0
		if mr == MR {
			r1 = a[aOff[i+1] : aOff[i+1]+k]
		}
		for jp := 0; jp < npan; jp++ {
			bp := b.data[jp*k*NR : (jp+1)*k*NR]
			j := jp * NR
			nr := min(NR, n-j)
			var bs []float32
			if bias != nil {
				bs = bias[j : j+nr]
			}
			c0 := c[cOff[i]+j : cOff[i]+j+nr]
			c1 := c0
			if mr == MR {
				c1 = c[cOff[i+1]+j : cOff[i+1]+j+nr]
			}
			if tileRows(k, r0, r1, bp, c0, c1, bs, act, slope) {
				continue
			}
			kernelRows(k, r0, r1, bp, &acc)
			for r := 0; r < mr; r++ {
				row := c[cOff[i+r]+j : cOff[i+r]+j+nr]
				ar := acc[r*NR : r*NR+nr]
				if bias != nil { // no +0 added without one: -0 stays, as in the SIMD kernel
					bs := bias[j : j+nr]
					for q := range row {
						row[q] = ar[q] + bs[q]
					}
				} else {
					copy(row, ar)
				}
				switch act {
				case actReLU:
					for q, v := range row {
						row[q] = ReLU(v)
					}
				case actLeaky:
					for q, v := range row {
						row[q] = Leaky(v, slope)
					}
				}
			}
		}
	}
}

// ReLU is Go's `if v < 0 { v = 0 }` (as the SIMD kernel's ReLU: -0 and
// NaNs pass unchanged) without a branch on v's sign, which is random in a
// network's activations and so mispredicts half the time as a branch (Go
// turns no float branch into a conditional move): v's bits are cleared
// when they lie in (0x80000000, 0xff800000], the negative numbers.
func ReLU(v float32) float32 {
	u := int64(math.Float32bits(v))
	neg := (0x80000000 - u) & (u - 0xff800001) // sign bit set iff both are negative
	return math.Float32frombits(uint32(u) &^ uint32(neg>>63))
}

// Leaky is Go's `if v < 0 { v *= slope }` (as the SIMD kernel's leaky
// epilogue: -0 and NaNs pass unchanged) without a branch on v's sign.
func Leaky(v, slope float32) float32 {
	u := int64(math.Float32bits(v))
	neg := uint32((0x80000000 - u) & (u - 0xff800001) >> 63) // all ones iff v < 0
	return math.Float32frombits(math.Float32bits(v*slope)&neg | uint32(u)&^neg)
}

// RowOffsets holds GemmRows' offset tables for dense row-major matrices:
// r*stride for r < rows, one table per stride, made on its first use.
type RowOffsets struct {
	rows int
	tab  map[int][]int
}

// NewRowOffsets returns the tables for up to rows rows.
func NewRowOffsets(rows int) *RowOffsets {
	return &RowOffsets{rows: rows, tab: map[int][]int{}}
}

// Of returns the offsets r*stride of the first r rows (r at most the rows
// given to NewRowOffsets).
func (o *RowOffsets) Of(stride, r int) []int {
	t, ok := o.tab[stride]
	if !ok {
		t = make([]int, o.rows)
		for i := range t {
			t[i] = i * stride
		}
		o.tab[stride] = t
	}
	return t[:r]
}
