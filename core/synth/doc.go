// Package synth generates deterministic synthetic geochemical surveys: a
// virtual district for the demo and for tests.
//
// # The district
//
// Four main rock units (metasediments, limestone, mafic volcanics, granite)
// partition the district as a Voronoi map of smoothly warped coordinates;
// small serpentinised ultramafic bodies and meandering black shale horizons
// lie over them. Contacts are soft over a few hundred metres, as a stream
// sediment drains both sides. Each element has a log-normal background per
// unit: a regional median (South China stream sediments / crustal
// abundances) times a per-unit shift, with a within-unit standard deviation
// of ln(value) of 0.12 (SiO2) to 0.6 (Au, As, W).
//
// Within a unit, ln(value) varies as 60% spatially correlated variance (a
// sum of 24 random Fourier modes with wavelengths of 3-25 km, partly shared
// between elements through two regional factors: clay/Fe-Mn oxide
// scavenging and the heavy-mineral fraction) and 40% sampling noise
// (independent per sample; on a grid, white noise smoothed over about
// 2 km, the texture of an interpolated survey).
//
// # Deposits and halos
//
// Deposits follow the deposit models of Kinds: porphyry Cu-Mo-Au with a
// zoned Zn-Pb-Mn-As-Sb outer halo, Sn-W greisen (Sn-W-Bi-Mo-Li-Be-F),
// orogenic Au (Au-As-Sb-Hg, elongated along strike) and Fe skarn
// (Fe2O3-Cu-Co-Mn with a Zn-Pb-Ag-Cd rim). Each is placed preferably in a
// host unit of its model. A halo multiplies the background by 1.3 to 10
// (main commodity 5-10 times; Gaussian decay over 1-2 km, rings at 2-3 km),
// scaled by a random deposit size of 0.7-1.2, so single elements see only
// the deposits of their own association and weak deposits hide in the
// background noise.
// The ultramafic bodies (Ni-Cr-Co-MgO, some As-Sb) and black shales
// (Mo-V-U-As-Sb-Zn-Ag) are anomalies without deposits.
//
// # Reporting
//
// Values are rounded to laboratory decimals. Point surveys have values below
// detection (stored as -limit; written "<limit", or "-limit" for As, Cd, Hg
// and Sb), about 0.3% missing values and one laboratory batch (5% of samples)
// missing Hg. Gridded surveys have neither. Analyses summing to more than
// 99 wt% are scaled down (closure).
//
// # Determinism
//
// All draws come from math/rand/v2 PCG streams seeded from Config.Seed, one
// stream per part (geology, deposits, sites, each element by name), so the
// same Config writes the same bytes. Floating-point functions of the math
// package may differ by an ulp between architectures (assembly versions,
// fused multiply-add); values are rounded to a few decimals before output,
// so a difference would need a value within an ulp of a rounding boundary.
// The demo files were checked equal natively (amd64) and in js/wasm.
package synth
