// halo map viewer, iframe side: starts the Ebiten program build/ui.wasm and
// relays messages between it and the page (same origin only). The protocol
// is documented in web/mapview.js and wasm/ui/doc.go.
//
// The Go side calls haloViewer.start(receive) once it can take messages and
// haloViewer.post(message) to talk to the page.

const origin = location.origin;
const queue = [];
let receive = null;
let ready = false;

function toPage(m) {
  if (window.parent !== window) window.parent.postMessage(m, origin);
}

// Scores must be Float32Array; other typed or plain arrays are converted.
function normalise(m) {
  if (m && m.type === 'layers' && Array.isArray(m.layers)) {
    for (const l of m.layers) {
      if (!(l.score instanceof Float32Array)) l.score = Float32Array.from(l.score ?? []);
    }
  }
  return m;
}

globalThis.haloViewer = {
  start(fn) {
    receive = fn;
    for (const m of queue.splice(0)) receive(m);
  },
  post(m) {
    if (m.type === 'ready') ready = true;
    toPage(m);
  },
};

window.addEventListener('message', (e) => {
  if (e.origin !== origin || e.source !== window.parent) return;
  const m = e.data;
  if (!m || typeof m.type !== 'string') return;
  if (m.type === 'hello') {
    if (ready) toPage({ type: 'ready' });
    return;
  }
  if (receive) receive(normalise(m));
  else queue.push(normalise(m));
});

// The pointer left the frame: hide the read-out.
document.addEventListener('mouseleave', () => {
  if (receive) receive({ type: 'leave' });
});

const go = new Go();
WebAssembly.instantiateStreaming(fetch('../build/ui.wasm'), go.importObject)
  .then((r) => go.run(r.instance))
  .catch((err) => toPage({ type: 'error', message: 'The map viewer could not start: ' + err }));
