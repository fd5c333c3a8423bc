// MapView drives the halo map viewer (web/viewer.html, Ebiten in a
// same-origin iframe) from the page.
//
//   import { MapView } from './mapview.js';
//   const mv = new MapView(document.getElementById('viewer'));
//   mv.onHover = (h) => { ... };            // {inside, x, y, col, row, score, percentile, layer, name}
//   await mv.ready;                           // optional: calls queue until the viewer runs
//   mv.setLayers(geom, [{name, score}], points, polygons);
//   mv.setClasses([5, 15, 30]);               // instant: no score is recomputed
//   mv.setMode('continuous');
//   mv.show(0, 1, 'side');                    // or 'toggle'; b = -1 for one map
//
// Every method returns a promise that resolves with the viewer's 'drawn'
// message once a frame showing the change has been drawn.
//
// Protocol (postMessage, same origin; scores as transferable buffers):
// page -> viewer
//   {type:'layers', seq, geom:{cols, rows, x0, y0, cell, cellY}, layers:[{name, score: Float32Array}],
//    points:[[x,y],...], polygons:[[[x,y],...],...]}
//        score has cols*rows values, row 0 = SOUTH, NaN = no data; x0, y0 = south-west corner (m);
//        cellY = cell height (0 or absent: square cells). A new geometry refits the view.
//   {type:'classes', seq, tops:[5,15,30]}     cumulative percent of the area with data, increasing
//   {type:'mode', seq, mode:'classes'|'continuous'}
//   {type:'show', seq, a, b, compare:'side'|'toggle'}   b = -1: one map
//   {type:'reset', seq}                        fit the whole grid again
//   {type:'hello'}                             the viewer answers {type:'ready'} if it runs
// viewer -> page
//   {type:'ready'}
//   {type:'hover', inside:false} | {type:'hover', inside:true, x, y, col, row, score, percentile, layer, name}
//        score and percentile (0-100, 100 = highest score) are null where there is no data
//   {type:'drawn', seq, mode, tops, shown:[{index, name, hash, cuts?, counts?}]}
//        after the first frame that shows the messages up to seq; in classes mode cuts are the
//        score cut-offs and counts the number of cells per class (background last); hash is
//        FNV-1a of the layer's RGBA pixels, so a test can see the map change.
//   {type:'error', message, seq?}

export class MapView {
  constructor(iframe) {
    this.iframe = iframe;
    this.onHover = null;
    this.onError = null;
    this.onDrawn = null;
    this.lastDrawn = null;
    this._seq = 0;
    this._waiting = []; // [{seq, resolve}]
    this.ready = new Promise((resolve) => { this._resolveReady = resolve; });
    this._onMessage = (e) => this._receive(e);
    window.addEventListener('message', this._onMessage);
    // The viewer may already run (it announces itself only once).
    const hello = () => this._post({ type: 'hello' }, [], false);
    iframe.addEventListener('load', hello);
    hello();
  }

  _receive(e) {
    if (e.origin !== location.origin || e.source !== this.iframe.contentWindow) return;
    const m = e.data;
    switch (m && m.type) {
      case 'ready':
        this._resolveReady();
        break;
      case 'hover':
        if (this.onHover) this.onHover(m);
        break;
      case 'drawn':
        this.lastDrawn = m;
        if (this.onDrawn) this.onDrawn(m);
        this._waiting = this._waiting.filter((w) => {
          if (w.seq > m.seq) return true;
          w.resolve(m);
          return false;
        });
        break;
      case 'error':
        if (this.onError) this.onError(new Error(m.message));
        else console.error('map viewer:', m.message);
        break;
    }
  }

  _post(msg, transfer, numbered = true) {
    const w = this.iframe.contentWindow;
    if (!numbered) {
      if (w) w.postMessage(msg, location.origin);
      return null;
    }
    msg.seq = ++this._seq;
    const drawn = new Promise((resolve) => this._waiting.push({ seq: msg.seq, resolve }));
    this.ready.then(() => this.iframe.contentWindow.postMessage(msg, location.origin, transfer));
    return drawn;
  }

  // setLayers shows new score grids. geom = {cols, rows, x0, y0, cell, cellY};
  // layers = [{name, score: Float32Array}]. The score buffers are transferred
  // (detached in the page) unless options.transfer is false.
  setLayers(geom, layers, points = [], polygons = [], { transfer = true } = {}) {
    const buffers = [];
    const ls = layers.map((l) => {
      const score = l.score instanceof Float32Array ? l.score : Float32Array.from(l.score);
      if (transfer && !buffers.includes(score.buffer)) buffers.push(score.buffer);
      return { name: String(l.name ?? ''), score };
    });
    const g = { cols: geom.cols, rows: geom.rows, x0: geom.x0, y0: geom.y0, cell: geom.cell, cellY: geom.cellY ?? 0 };
    return this._post({ type: 'layers', geom: g, layers: ls, points, polygons }, buffers);
  }

  setClasses(tops) { return this._post({ type: 'classes', tops: tops.map(Number) }); }

  setMode(mode) { return this._post({ type: 'mode', mode }); }

  show(a, b = -1, compare = 'side') { return this._post({ type: 'show', a, b, compare }); }

  reset() { return this._post({ type: 'reset' }); }

  destroy() { window.removeEventListener('message', this._onMessage); }
}
