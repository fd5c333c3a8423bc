package bench_test

import (
	"fmt"

	"halo/core/nn/alad"
	"halo/core/pipeline/bench"
)

// The arithmetic of one ALAD training sample at 39 elements: the W paper's
// widths and the browser default.
func ExampleALADTrainMACs() {
	fmt.Println(bench.ALADTrainMACs(alad.PaperArch(), 39))
	fmt.Println(bench.ALADTrainMACs(alad.DefaultArch(), 39))
	// Output:
	// 2520448
	// 244576
}
