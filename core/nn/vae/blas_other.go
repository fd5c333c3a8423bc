//go:build !wasm

package vae

// plugBLAS keeps gonum natively: its assembly Sgemm beats blas32 there.
func plugBLAS() {}
