//go:build wasm

package alad

// cpuSeconds is not available in js/wasm; benchmarks then report wall-clock
// throughput only.
func cpuSeconds() float64 { return 0 }
