// Package pipeline runs halo end to end: survey CSV in, score grids, report
// and figures out. It is the only package that calls all the others, and the
// same code runs in the native `halo` command and in the browser's web
// worker.
//
// # Stages
//
//  1. read: survey.Read parses the samples (and deposits or target areas).
//  2. grid: already-gridded input is placed on its lattice; point samples are
//     interpolated by IDW onto a grid of Config.Cell metres. IDW runs on the
//     natural logs of the ppm values, layer by layer; because clr and ilr are
//     linear in the logs this equals interpolating the log-ratio coordinates
//     (METHODS.md section 1, [choice]) whenever a sample has every element,
//     and degrades gracefully where single elements are missing.
//  3. transform: clr and pivot ilr per cell (compose), z-scored per layer.
//  4. detect: each method of Config.Methods scores every cell with data.
//  5. evaluate: AUC (deposit cells; 3x3 labelled cells), capture in the top
//     5/15/30% of area, prediction-area intersection, class cut-offs.
//
// Every random draw comes from Config.Seed; each method draws from its own
// stream derived from the seed and the method's name, so adding a method does
// not change the others' results.
package pipeline
