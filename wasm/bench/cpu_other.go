//go:build !js

package main

// cpuClock is nil natively: core/pipeline/bench reads the process's CPU time itself.
var cpuClock func() float64
