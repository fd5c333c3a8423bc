// Command halo maps multivariate geochemical anomalies from survey CSVs.
//
//	halo run   --samples FILE [--deposits FILE] [--targets FILE] [--method LIST] [--config FILE] [--out DIR]
//	halo serve [--addr :8080] [--root DIR]
//
// See README.md for the input formats and the outputs.
package main

import "os"

func main() {
	os.Exit(cli(os.Args[1:], os.Stdout, os.Stderr))
}
