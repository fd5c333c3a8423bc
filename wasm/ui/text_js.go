//go:build js && wasm

package main

import (
	"image"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// texts rasterises labels with the Go font into Ebiten images, once per
// distinct (text, size, colour); images not used during a frame are freed
// at the end of it (sweep), so the hover read-out does not pile up.
type texts struct {
	font  *opentype.Font
	faces map[float64]font.Face
	cache map[textKey]*textImg
}

type textKey struct {
	s    string
	size float64
	c    color.RGBA
}

type textImg struct {
	img    *ebiten.Image
	w, h   float64
	ascent float64
	used   bool
}

func newTexts() *texts {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		panic("ui: " + err.Error()) // the embedded font always parses
	}
	return &texts{font: f, faces: map[float64]font.Face{}, cache: map[textKey]*textImg{}}
}

func (t *texts) face(size float64) font.Face {
	size = math.Round(size*2) / 2
	if f := t.faces[size]; f != nil {
		return f
	}
	f, err := opentype.NewFace(t.font, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic("ui: " + err.Error())
	}
	t.faces[size] = f
	return f
}

// get returns the image of s at size pixels in colour c.
func (t *texts) get(s string, size float64, c color.RGBA) *textImg {
	k := textKey{s, size, c}
	if ti := t.cache[k]; ti != nil {
		ti.used = true
		return ti
	}
	f := t.face(size)
	m := f.Metrics()
	w := font.MeasureString(f, s).Ceil() + 2
	h := (m.Ascent + m.Descent).Ceil() + 2
	rgba := image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	d := font.Drawer{Dst: rgba, Src: image.NewUniform(c), Face: f, Dot: fixed.Point26_6{X: fixed.I(1), Y: m.Ascent + fixed.I(1)}}
	d.DrawString(s)
	ti := &textImg{img: ebiten.NewImageFromImage(rgba), w: float64(w), h: float64(h), ascent: float64(m.Ascent.Ceil() + 1), used: true}
	t.cache[k] = ti
	return ti
}

// measure returns the size of s at size pixels without drawing it.
func (t *texts) measure(s string, size float64) (w, h float64) {
	f := t.face(size)
	m := f.Metrics()
	return float64(font.MeasureString(f, s).Ceil() + 2), float64((m.Ascent + m.Descent).Ceil() + 2)
}

// draw draws s with its top-left corner at (x, y) and returns its size.
func (t *texts) draw(dst *ebiten.Image, s string, x, y, size float64, c color.RGBA) (w, h float64) {
	ti := t.get(s, size, c)
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(math.Round(x), math.Round(y))
	dst.DrawImage(ti.img, op)
	return ti.w, ti.h
}

// sweep frees the images not used since the last sweep.
func (t *texts) sweep() {
	for k, ti := range t.cache {
		if !ti.used {
			ti.img.Deallocate()
			delete(t.cache, k)
			continue
		}
		ti.used = false
	}
}
