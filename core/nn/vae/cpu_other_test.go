//go:build !wasm

package vae

import "syscall"

// rusage is reused so that cpuSeconds does not allocate inside benchmarks.
var rusage syscall.Rusage

// cpuSeconds returns the user+system CPU time of the process, so that
// benchmarks on a shared machine can report throughput per CPU-second.
func cpuSeconds() float64 {
	ru := &rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
