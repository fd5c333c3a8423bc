//go:build !wasm

package blas32

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user + system, all threads) used by this
// process so far. On a shared machine it measures the work done, where wall
// time also measures the other processes.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
