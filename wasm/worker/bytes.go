package main

import (
	"encoding/binary"
	"math"
)

// float32Bytes returns the little-endian bytes of f (the byte order of a JS
// Float32Array on every browser halo supports).
func float32Bytes(f []float32) []byte {
	b := make([]byte, 4*len(f))
	for i, v := range f {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

// bytesFloat32 is the inverse of float32Bytes.
func bytesFloat32(b []byte) []float32 {
	f := make([]float32, len(b)/4)
	for i := range f {
		f[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return f
}
