package main

import "halo/core/grid"

// message is one message of the page, decoded from JavaScript (see the
// package comment for the protocol).
type message struct {
	Type     string
	Seq      int
	Geom     grid.Geom
	Layers   []layerMsg
	Points   [][2]float64
	Polygons [][][2]float64
	Tops     []float64
	Mode     string
	A, B     int
	Compare  string
}

type layerMsg struct {
	Name  string
	Score []float32
}
