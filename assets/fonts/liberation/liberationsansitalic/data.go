// Package liberationsansitalic stands in for the font of that name in
// codeberg.org/go-fonts/liberation: halo's figures use only Liberation Sans
// regular and bold, so this face is Liberation Sans regular (README.md).
package liberationsansitalic // import "codeberg.org/go-fonts/liberation/liberationsansitalic"

import "codeberg.org/go-fonts/liberation/liberationsansregular"

// TTF is the data of Liberation Sans regular.
var TTF = liberationsansregular.TTF
