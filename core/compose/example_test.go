package compose_test

import (
	"fmt"

	"halo/core/compose"
)

func ExampleCLR() {
	x := []float64{1, 2, 4} // ppm
	fmt.Printf("%.4f\n", compose.CLR(nil, x))
	// Output: [-0.6931 0.0000 0.6931]
}

func ExampleILR() {
	names := []string{"Cu", "Pb", "Zn"}
	x := []float64{10, 20, 40} // ppm
	z := compose.ILR(nil, x)
	for i, n := range compose.ILRNames(names) {
		fmt.Printf("%s = %.4f  (%s)\n", n, z[i], compose.ILRContrast(names, i+1))
	}
	fmt.Printf("%.4f\n", compose.ILRInverse(nil, z)) // closed to sum 1
	// Output:
	// ilr1 = -0.8489  (Cu vs g(Pb,Zn))
	// ilr2 = -0.4901  (Pb vs g(Zn))
	// [0.1429 0.2857 0.5714]
}
