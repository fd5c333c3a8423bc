package synth_test

import (
	"fmt"
	"os"

	"halo/core/synth"
)

func ExampleGenerate() {
	s := synth.Generate(&synth.Config{Seed: 1, Samples: 4, Elements: []string{"Au", "Cu", "Sb"}, Deposits: 2})
	if err := s.WriteSamplesCSV(os.Stdout); err != nil {
		fmt.Println(err)
	}
	if err := s.WriteDepositsCSV(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// id,x,y,Au_ppb,Cu_ppm,Sb_ppm
	// S1,488923,2793283,1.0,167.4,1.09
	// S2,500697,2791969,1.7,22.8,1.77
	// S3,514191,2788730,1.3,13.5,0.45
	// S4,504078,2804628,<1,34.5,1.84
	// id,x,y,name,commodity,model,host
	// D01,505999,2799073,Red Hill,Cu-Mo-Au,porphyry,metasediments
	// D02,515966,2789289,Crow Creek,Sn-W,greisen,granite
}

func ExamplePaperShaped() {
	cfg := synth.PaperShaped(1)
	fmt.Println(cfg.Cols, "x", cfg.Rows, "cells of", cfg.Cell, "m,", len(cfg.Elements), "elements,", cfg.Deposits, cfg.Kinds[0], "deposits")

	// The same district shape at a quarter of the resolution, as a grid.Stack.
	cfg.Cols, cfg.Rows, cfg.Cell = 63, 78, 2000
	st := synth.Generate(cfg).Stack()
	fmt.Println(st.Cols, "x", st.Rows, "cells,", st.D(), "layers, first", st.Names[0])
	// Output:
	// 251 x 310 cells of 500 m, 39 elements, 19 skarn deposits
	// 63 x 78 cells, 39 layers, first Ag
}
