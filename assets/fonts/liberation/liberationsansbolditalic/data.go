// Package liberationsansbolditalic stands in for the font of that name in
// codeberg.org/go-fonts/liberation: halo's figures use only Liberation Sans
// regular and bold, so this face is Liberation Sans bold (README.md).
package liberationsansbolditalic // import "codeberg.org/go-fonts/liberation/liberationsansbolditalic"

import "codeberg.org/go-fonts/liberation/liberationsansbold"

// TTF is the data of Liberation Sans bold.
var TTF = liberationsansbold.TTF
