//go:build js

package main

import "syscall/js"

// cpuTime returns the CPU seconds Node has used (process.cpuUsage: user and
// system time of every thread of the process, including V8's compiler and
// GC threads).
func cpuTime() float64 {
	u := js.Global().Get("process").Call("cpuUsage")
	return (u.Get("user").Float() + u.Get("system").Float()) / 1e6
}

var cpuClock = cpuTime
