//go:build !unix

package bench

// cpuSeconds returns 0: the CPU time of the process is not known here
// (js/wasm, wasip1, windows).
func cpuSeconds() float64 { return 0 }
