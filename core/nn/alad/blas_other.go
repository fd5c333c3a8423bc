//go:build !wasm

package alad

// plugBLAS keeps gonum natively: its assembly Sgemm beats blas32 there.
func plugBLAS() {}
