// Package weights encodes the float32 weights of the networks' exported
// models (little-endian IEEE 754, slices one after another), the payload of
// their MarshalBinary after a model's own header.
package weights

import (
	"encoding/binary"
	"math"
)

// Size returns the number of bytes Append writes for s.
func Size(s ...[]float32) int {
	n := 0
	for _, v := range s {
		n += 4 * len(v)
	}
	return n
}

// Append appends the values of every slice of s to buf and returns it.
func Append(buf []byte, s ...[]float32) []byte {
	for _, v := range s {
		for _, x := range v {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
		}
	}
	return buf
}

// Read fills the slices of s, in order, from data, and reports whether data
// held exactly Size(s...) bytes (nothing is written otherwise).
func Read(data []byte, s ...[]float32) bool {
	if len(data) != Size(s...) {
		return false
	}
	off := 0
	for _, v := range s {
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[off:]))
			off += 4
		}
	}
	return true
}
