//go:build !wasm

package cnn

// plugBLAS keeps gonum natively: its assembly Sgemm beats blas32 there.
func plugBLAS() {}
