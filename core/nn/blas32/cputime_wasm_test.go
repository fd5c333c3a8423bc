//go:build wasm

package blas32

import "time"

var wasmStart = time.Now()

// cpuTime falls back to wall time in js/wasm (one thread, no rusage).
func cpuTime() time.Duration { return time.Since(wasmStart) }
