// The Liberation fonts as halo ships them: the module gonum/plot embeds
// (codeberg.org/go-fonts/liberation v0.5.0, go.mod replaces it with this
// folder) with only the two faces halo draws. See README.md.
module codeberg.org/go-fonts/liberation

go 1.23.0
