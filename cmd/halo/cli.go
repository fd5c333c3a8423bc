package main

import (
	"fmt"
	"io"
)

const usage = `halo maps multivariate geochemical anomalies around mineral deposits.

Usage:
  halo run   --samples FILE [--deposits FILE] [--targets FILE] [--method LIST] [--config FILE] [--out DIR]
  halo serve [--addr :8080] [--root DIR]
  halo bench [--workload paper|nanling|all] [--quick] [--wasm] [--json FILE]

Run 'halo COMMAND -h' for the options of a command.
`

// cli runs the command line args and returns the process exit code.
func cli(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "run":
		return runCmd(args[1:], stdout, stderr)
	case "serve":
		return serveCmd(args[1:], stdout, stderr)
	case "bench":
		return benchCmd(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "halo: unknown command %q\n\n%s", args[0], usage)
	return 2
}
