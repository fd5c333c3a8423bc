package render

import (
	"halo/core/grid"
	"halo/core/render/classify"
)

// Classes returns the class of every cell of g (indexed like g.Data:
// 0 for the top class, len(tops) for the background, classify.NoClass for
// no data) and the decreasing score cut-offs of the cumulative-area classes
// tops (percent, increasing; nil means classify.DefaultTops). It is
// classify.Classes; see package classify for Cuts and Classify, which a
// viewer uses to reclassify without gonum/plot.
func Classes(g *grid.Grid, tops []float64) ([]uint8, []float32) {
	return classify.Classes(g, tops)
}
