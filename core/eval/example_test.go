package eval_test

import (
	"fmt"
	"math"

	"halo/core/eval"
)

func ExampleAUC() {
	// Cells 1 and 3 hold deposits; cell 4 has no data.
	score := []float32{0.1, 0.9, 0.4, 0.4, float32(math.NaN()), 0.2}
	fmt.Printf("AUC %.3f\n", eval.AUC(score, []int{1, 3}))
	// positives 0.9, 0.4 against negatives 0.1, 0.4, 0.2:
	// 3 wins + 2 wins + 1 tie = 5.5 of 6 pairs.
	// Output:
	// AUC 0.917
}

func ExampleCapture() {
	score := make([]float32, 100) // cell i scores i
	for i := range score {
		score[i] = float32(i)
	}
	deposits := []int{99, 97, 90, 80, 40}
	for i, c := range eval.Capture(score, deposits, []float64{5, 15, 30}) {
		fmt.Printf("top %2.0f%%: %.0f%% of deposits\n", []float64{5, 15, 30}[i], 100*c)
	}
	// Output:
	// top  5%: 40% of deposits
	// top 15%: 60% of deposits
	// top 30%: 80% of deposits
}

func ExampleClassify() {
	score := make([]float32, 20) // cell i scores i
	for i := range score {
		score[i] = float32(i)
	}
	score[0] = float32(math.NaN())
	cuts := eval.Percentiles(score, []float64{5, 15, 30}) // 19 cells with data
	fmt.Println("cut-offs", cuts)
	fmt.Println("classes ", eval.Classify(nil, score, cuts))
	// k = ceil(p*19/100) = 1, 3, 6: the 1st, 3rd and 6th largest scores.
	// Output:
	// cut-offs [19 17 14]
	// classes  [0 1 1 1 1 1 1 1 1 1 1 1 1 1 2 2 2 3 3 4]
}

func ExamplePACurve() {
	score := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	pa := eval.PACurve(score, []int{8, 6, 3}) // deposits score 9, 7, 4
	fmt.Printf("%.1f%% of deposits in %.1f%% of area at score %.2f; Nd %.3f, weight %.3f\n",
		100*pa.Intersection.P, 100*pa.Intersection.Area, pa.Intersection.T, pa.Nd, pa.Weight)
	// Output:
	// 62.5% of deposits in 37.5% of area at score 7.25; Nd 1.667, weight 0.511
}
