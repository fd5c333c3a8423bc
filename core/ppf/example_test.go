package ppf_test

import (
	"fmt"

	"halo/core/ppf"
)

// The pair counts of the Fe paper's Table 2: 136 + 136 training cells and
// 35 + 35 test cells.
func ExampleCount() {
	for _, n := range []int{136, 35} {
		sim, dis := ppf.Count(n, n)
		fmt.Println(sim, dis, sim+dis)
	}
	// Output:
	// 36720 18496 55216
	// 2380 1225 3605
}
