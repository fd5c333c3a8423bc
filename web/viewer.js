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

// Animation frames only while the map has work. Ebiten, in
// FPSModeVsyncOffMinimum, updates on input and on ScheduleFrame, but it still
// asks for an animation frame 60 times a second and wakes the Go program for
// each: with the map idle, Chromium took 6.1-10.0% of a core that the
// compute workers share, 1.0-1.5% with the gate (BenchmarkBrowserIdleMap).
// After the Go side first calls haloViewer.wake() (it does with every
// ScheduleFrame, see wasm/ui), this gate passes Ebiten's requests on for two
// frames after each wake() or resize and otherwise parks the last request
// until the next one.
const nativeFrame = window.requestAnimationFrame.bind(window);
let gated = false; // open until the Go side is up and calls wake()
let frames = 0;
let parked = null;
window.requestAnimationFrame = (cb) => {
  if (!gated || frames > 0) {
    frames--;
    return nativeFrame(cb);
  }
  parked = cb;
  return 0;
};
function wake() {
  gated = true;
  frames = 2;
  if (parked) {
    const cb = parked;
    parked = null;
    frames--;
    nativeFrame(cb);
  }
}
globalThis.haloViewer.wake = wake;
window.addEventListener('resize', wake);

// The viewer takes no gamepad input. Once a page asks for gamepads,
// Chromium polls them 60 times a second in its browser process.
if (navigator.getGamepads) navigator.getGamepads = () => [];

const go = new Go();
WebAssembly.instantiateStreaming(fetch('../build/ui.wasm'), go.importObject)
  .then((r) => go.run(r.instance))
  .catch((err) => toPage({ type: 'error', message: 'The map viewer could not start: ' + err }));
