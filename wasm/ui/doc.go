// Command ui is the halo map viewer: an Ebiten program built for
// GOOS=js GOARCH=wasm (build/ui.wasm) and shown in the same-origin iframe
// web/viewer.html, because Ebiten cannot draw on a canvas of the page. The
// page drives it through web/mapview.js (class MapView); web/viewer.js
// relays the messages. The logic (classes from sorted scores, percentile
// rank, colours, view transform, scale bar, legend, read-out) is package
// halo/wasm/ui/view, tested natively; the files tagged js && wasm only
// decode messages, handle input and draw.
//
// Build:
//
//	GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -o build/ui.wasm ./wasm/ui
//
// Protocol (window.postMessage between page and iframe, same origin only;
// score arrays travel as transferable Float32Array buffers):
//
// Page to viewer:
//
//	{type:'layers', seq, geom:{cols, rows, x0, y0, cell, cellY}, layers:[{name, score}],
//	 points:[[x,y],...], polygons:[[[x,y],...],...]}
//	{type:'classes', seq, tops:[5,15,30]}
//	{type:'mode', seq, mode:'classes'|'continuous'}
//	{type:'show', seq, a, b, compare:'side'|'toggle'}
//	{type:'reset', seq}
//	{type:'hello'}
//
// score is a Float32Array of cols*rows values, row 0 south, NaN = no data;
// (x0, y0) is the south-west corner in metres and cellY the cell height (0:
// square cells). tops are cumulative percentages of the area with data,
// strictly increasing within (0, 100], at most 8. show puts layer a on the
// left and b (-1: none) on the right (compare 'side', linked zoom and pan)
// or one of them at a time (compare 'toggle': the T key, the space bar or a
// click on the title switches). seq is a number the page increments.
//
// Viewer to page:
//
//	{type:'ready'}
//	{type:'hover', inside:false}
//	{type:'hover', inside:true, x, y, col, row, score, percentile, layer, name}
//	{type:'drawn', seq, mode, tops, shown:[{index, name, hash, cuts, counts}]}
//	{type:'error', message, seq}
//
// hover gives the map point under the pointer in metres, its cell, score and
// percentile rank (0-100, 100 = highest; null where there is no data).
// drawn follows the first frame drawn after the messages up to seq were
// applied; cuts (score cut-offs) and counts (cells per class, background
// last) are given in classes mode, and hash (FNV-1a of the RGBA pixels of
// the layer) changes whenever its picture does.
//
// Interaction: wheel or pinch zooms about the pointer, drag pans, + and -
// zoom, R, Home, a right click or the "Reset view" button fit the grid
// again.
//
// Message handling never blocks Update: the JavaScript callback appends to
// a queue and signals a channel that Update polls with select { default: }.
// A change of classes or mode converts the scores of the shown layers to
// pixels once (view.Paint) and uploads them with WritePixels; Draw only
// blits and overlays.
package main
