// halo page: controls, files, the compute worker and the results. Every
// user-provided string is put in the page as text (textContent), never HTML.

import { MapView } from './mapview.js';

const $ = (id) => document.getElementById(id);

const state = {
  files: { samples: null, deposits: null, targets: null }, // {name, bytes: Uint8Array}
  result: null, // last successful result message
  running: null, // id of the run in progress
  softCancel: null, // {id, timer}: a cancelled re-detection whose worker has not stopped yet
  nextId: 1,
  selected: 0,
  urls: [],
};
window.halo = state; // for tests and the curious

// ---- compute engine -------------------------------------------------------
//
// The module is compiled once and posted to each worker. Every run gets a
// fresh worker; the worker of the last successful run is kept (it holds the
// result for exports) until another run succeeds. Cancel terminates the
// running worker only, so the previous result stays on screen and usable.

const modulePromise = WebAssembly.compileStreaming(fetch('build/worker.wasm'));

function spawnWorker() {
  const w = new Worker('web/worker.js');
  const wk = { w, ready: null };
  wk.ready = new Promise((resolve, reject) => {
    w.onmessage = (e) => {
      if (e.data.type === 'ready') {
        w.onmessage = (ev) => onWorkerMessage(wk, ev);
        resolve();
      } else if (e.data.type === 'fatal') {
        reject(new Error(e.data.message));
      }
    };
    w.onerror = (e) => reject(new Error(e.message || 'the compute worker failed to start'));
  });
  modulePromise.then((module) => w.postMessage({ type: 'init', module, simd: simdParam() }), (err) => showError('Could not load the compute engine: ' + err));
  w.addEventListener('error', (e) => onWorkerCrash(wk, e.message || 'the worker crashed'));
  return wk;
}

let spare = spawnWorker(); // started ahead, so a run starts at once
state.resultWorker = null;
state.runWorker = null;

function takeWorker() {
  const wk = spare;
  spare = null;
  return wk;
}

function onWorkerCrash(wk, message) {
  if (wk === state.runWorker && state.running !== null) {
    finish();
    showError(`The compute engine stopped (${message}). Your previous result is kept; press Run to try again.`);
    wk.w.terminate();
  }
}

function onWorkerMessage(wk, e) {
  const m = e.data;
  if (m.type === 'file' || (m.type === 'error' && m.id === state.exporting)) {
    state.exporting = null;
    if (m.type === 'error') showError(m.message);
    else save(m.name, m.bytes, m.mime);
    return;
  }
  if (m.type === 'preview') {
    onPreview(m);
    return;
  }
  if (m.type === 'fatal') { // the Go runtime of a worker exited: no id
    onWorkerCrash(wk, m.message);
    return;
  }
  const sc = state.softCancel;
  if (sc && wk === state.resultWorker && m.id === sc.id && (m.type === 'error' || m.type === 'result')) {
    // The cancelled re-detection stopped (an error: cancelled), and the
    // worker, its CNN and the result's exports stay; or it had finished
    // before the cancel reached it, and its result, which the worker now
    // exports, is shown.
    clearTimeout(sc.timer);
    state.softCancel = null;
    if (m.type === 'result') {
      state.lastRun = state.pendingRun;
      showResult(m);
    }
    listFiles();
    return;
  }
  if (wk !== state.runWorker || m.id !== state.running) return; // a stale run
  switch (m.type) {
    case 'progress':
      progress(m.stage, m.fraction, m.message);
      break;
    case 'result':
      if (state.resultWorker && state.resultWorker !== wk) state.resultWorker.w.terminate();
      state.resultWorker = wk;
      state.lastRun = state.pendingRun;
      finish();
      showResult(m);
      break;
    case 'error':
      if (wk !== state.resultWorker) wk.w.terminate(); // a failed re-detection keeps the last result
      finish();
      showError(m.message);
      break;
    case 'fatal':
      onWorkerCrash(wk, m.message);
      break;
  }
}

// ---- files ----------------------------------------------------------------

async function readFile(file) {
  return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}

function headerOf(bytes) {
  const n = Math.min(bytes.length, 4096);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, n));
  return text.split(/\r?\n/)[0].toLowerCase();
}

// guessRole tells which input a dropped file is: target polygons by their
// area/vertex header, deposits by a name such as deposits/sites/occurrences,
// else samples.
function guessRole(f) {
  const h = headerOf(f.bytes);
  if (/\barea\b/.test(h) && /\bvertex\b/.test(h)) return 'targets';
  if (/deposit|site|occurrence|mine|prospect|target/i.test(f.name)) return 'deposits';
  return 'samples';
}

function setFile(role, f) {
  state.files[role] = f;
  listFiles();
  if (role === 'samples') {
    state.columns = { units: {}, excluded: new Set(), x: '', y: '' };
    requestPreview();
  }
}

// ---- column preview ---------------------------------------------------------
//
// Before a run the worker reads the samples and tells which columns it took
// for coordinates and elements, with units and below-detection counts; the
// user can change the coordinate columns, units and elements here.

state.columns = { units: {}, excluded: new Set(), x: '', y: '' };

function surveyConfig() {
  const c = {};
  if (state.columns.x) c.x_column = state.columns.x;
  if (state.columns.y) c.y_column = state.columns.y;
  if (Object.keys(state.columns.units).length) c.units = { ...state.columns.units };
  return c;
}

async function requestPreview() {
  const f = state.files.samples;
  if (!f) {
    $('columns').hidden = true;
    return;
  }
  const wk = spare || state.resultWorker || spawnWorker();
  if (!spare && !state.resultWorker) spare = wk;
  try {
    await wk.ready;
  } catch (err) {
    return;
  }
  const id = state.nextId++;
  state.previewing = id;
  const copy = f.bytes.slice().buffer;
  wk.w.postMessage({ type: 'preview', id, config: JSON.stringify(surveyConfig()), samples: copy, samplesName: f.name }, [copy]);
}

function onPreview(m) {
  if (m.id !== state.previewing) return;
  state.previewing = null;
  if (m.error) {
    $('columns').hidden = true;
    showError(m.error);
    return;
  }
  hideError();
  showPreview(JSON.parse(m.preview));
}

function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

function showPreview(p) {
  state.preview = p;
  const box = $('preview');
  box.replaceChildren();
  const n = p.samples.toLocaleString('en');
  const kind = p.gridded ? `a grid of ${p.grid}` : 'point samples';
  box.append(el('p', `${n} samples (${kind}); coordinates ${p.coordinates}; ${p.elements.length} elements.`, { class: 'preview-summary' }));

  // Coordinate columns: every column name halo saw.
  const names = [p.x_column, p.y_column, ...p.ignored, ...p.elements.map((e) => e.column)];
  const coords = el('div', undefined, { class: 'preview-coords' });
  for (const [axis, cur] of [['x', p.x_column], ['y', p.y_column]]) {
    const lab = el('label', `${axis} column `);
    const sel = el('select', undefined, { id: 'col-' + axis });
    for (const nm of [...new Set(names)]) sel.append(new Option(nm, nm, false, nm === cur));
    sel.addEventListener('change', () => {
      state.columns[axis] = sel.value;
      requestPreview();
    });
    lab.append(sel);
    coords.append(lab);
  }
  box.append(coords);

  const wrap = el('div', undefined, { class: 'preview-wrap' });
  const table = el('table', undefined, { class: 'preview-table', id: 'preview-table' });
  const head = el('tr');
  for (const h of ['use', 'element', 'column', 'unit', 'below DL', 'missing']) head.append(el('th', h));
  table.append(el('thead'));
  table.tHead.append(head);
  const body = el('tbody');
  for (const e of p.elements) {
    const tr = el('tr');
    const use = el('input', undefined, { type: 'checkbox', 'aria-label': 'use ' + e.name });
    use.checked = !state.columns.excluded.has(e.name);
    use.addEventListener('change', () => {
      if (use.checked) state.columns.excluded.delete(e.name);
      else state.columns.excluded.add(e.name);
    });
    const td0 = el('td');
    td0.append(use);
    const unit = el('select', undefined, { 'aria-label': 'unit of ' + e.name });
    for (const u of ['ppm', 'ppb', 'pct']) unit.append(new Option(u === 'pct' ? '%' : u, u, false, u === e.unit));
    unit.addEventListener('change', () => {
      state.columns.units[e.name] = unit.value;
      requestPreview();
    });
    const td3 = el('td');
    td3.append(unit);
    tr.append(td0, el('td', e.name), el('td', e.column), td3, el('td', String(e.below_detection)), el('td', String(e.missing)));
    body.append(tr);
  }
  table.append(body);
  wrap.append(table);
  box.append(wrap);
  if (p.dropped.length) box.append(el('p', 'Dropped: ' + p.dropped.map((d) => `${d.name} (${d.reason})`).join('; '), { class: 'preview-note' }));
  if (p.ignored.length) box.append(el('p', 'Not elements (ignored): ' + p.ignored.join(', '), { class: 'preview-note' }));
  for (const w of p.warnings) box.append(el('p', '⚠ ' + w, { class: 'preview-note' }));
  $('columns').hidden = false;
}

function listFiles() {
  const ul = $('files');
  ul.replaceChildren();
  for (const role of ['samples', 'deposits', 'targets']) {
    const f = state.files[role];
    if (!f) continue;
    const li = document.createElement('li');
    const b = document.createElement('b');
    b.textContent = role + ': ';
    const span = document.createElement('span');
    span.textContent = `${f.name} (${sizeText(f.bytes.length)})`;
    const x = document.createElement('button');
    x.type = 'button';
    x.className = 'link';
    x.textContent = 'remove';
    x.setAttribute('aria-label', 'remove ' + role);
    x.onclick = () => setFile(role, null);
    li.append(b, span, ' ', x);
    ul.append(li);
  }
  $('run').disabled = !state.files.samples || state.running !== null || state.softCancel !== null;
}

function sizeText(n) {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

async function addFiles(list) {
  for (const file of list) {
    const f = await readFile(file);
    setFile(guessRole(f), f);
  }
}

function wireFiles() {
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    addFiles(e.dataTransfer.files);
  });
  drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') $('f-samples').click(); });
  drop.addEventListener('click', () => $('f-samples').click());
  for (const role of ['samples', 'deposits', 'targets']) {
    $('f-' + role).addEventListener('change', async (e) => {
      if (e.target.files.length) setFile(role, await readFile(e.target.files[0]));
    });
  }
  $('demo').addEventListener('click', loadDemo);
  $('f-report').addEventListener('change', (e) => { if (e.target.files.length) loadReport(e.target.files[0]); });
  for (const b of document.querySelectorAll('#downloads button[data-format]')) {
    b.addEventListener('click', () => exportMap(b.dataset.format));
  }
}

async function loadDemo() {
  const get = async (url, name) => ({ name, bytes: new Uint8Array(await (await fetch(url)).arrayBuffer()) });
  state.files.samples = await get('assets/demo_samples.csv', 'demo_samples.csv');
  state.files.deposits = await get('assets/demo_deposits.csv', 'demo_deposits.csv');
  state.files.targets = null;
  state.columns = { units: {}, excluded: new Set(), x: '', y: '' };
  listFiles();
  requestPreview();
  run();
}

// ---- running --------------------------------------------------------------

function config() {
  const methods = [...document.querySelectorAll('input[name=method]:checked')].map((x) => x.value);
  const el = $('element').value.trim();
  if (el) methods.push('element:' + el);
  const cfg = { seed: Number($('seed').value) || 0, methods };
  const cell = Number($('cell').value);
  if (cell > 0) cfg.cell = cell;
  Object.assign(cfg, surveyConfig());
  const els = $('elements').value.split(',').map((s) => s.trim()).filter(Boolean);
  if (els.length) cfg.elements = els;
  else if (state.preview && state.columns.excluded.size) {
    cfg.elements = state.preview.elements.map((e) => e.name).filter((n) => !state.columns.excluded.has(n));
  }
  if (!state.files.deposits && !state.files.targets) cfg.methods = methods.filter((m) => m !== 'element:best');
  const preset = $('preset').value;
  const epochs = Number($('epochs').value) || 0;
  const net = {};
  if (preset) net.preset = preset;
  if (epochs > 0) net.epochs = epochs;
  if (methods.includes('cnn')) {
    const inner = Number($('inner').value);
    const outer = Number($('outer').value);
    cfg.cnn = { ...net, inner, outer };
    const draws = Number($('draws').value) || 0;
    if (draws > 0) cfg.cnn.draws = draws;
    if ($('exact').checked) cfg.cnn.exact = true;
    if ($('sweep').checked) cfg.cnn.sweep = true;
  }
  const netAV = { ...net };
  if (netAV.preset === 'light') delete netAV.preset; // the CNN's only
  if (methods.includes('alad') && Object.keys(netAV).length) cfg.alad = netAV;
  if (methods.includes('vae') && Object.keys(netAV).length) cfg.vae = { ...netAV };
  return cfg;
}

// applyConfig sets the controls from a Config (a loaded report's).
function applyConfig(cfg) {
  const methods = cfg.methods || ['mahalanobis', 'element:best'];
  for (const box of document.querySelectorAll('input[name=method]')) box.checked = methods.includes(box.value);
  const single = methods.find((m) => m.startsWith('element:') && m !== 'element:best');
  $('element').value = single ? single.slice('element:'.length) : '';
  $('seed').value = cfg.seed || 0;
  state.columns.x = cfg.x_column || '';
  state.columns.y = cfg.y_column || '';
  state.columns.units = { ...(cfg.units || {}) };
  $('cell').value = cfg.cell || 0;
  $('elements').value = (cfg.elements || []).join(', ');
  const net = cfg.cnn || cfg.alad || cfg.vae || {};
  $('preset').value = net.preset || '';
  $('epochs').value = net.epochs || 0;
  const cnn = cfg.cnn || {};
  const w = `${cnn.inner || 13},${cnn.outer || 35}`;
  $('windows').value = [...$('windows').options].some((o) => o.value === w) ? w : 'custom';
  $('inner').value = cnn.inner || 13;
  $('outer').value = cnn.outer || 35;
  $('draws').value = cnn.draws || 0;
  $('exact').checked = !!cnn.exact;
  $('sweep').checked = !!cnn.sweep;
}

// loadReport restores the settings of a saved report and warns when the
// loaded input files differ from those the report was made from.
async function loadReport(file) {
  let rep;
  try {
    rep = JSON.parse(new TextDecoder().decode(await file.arrayBuffer()));
  } catch (err) {
    showError(`${file.name}: not a halo report (${err.message}). Choose a report.json saved by halo.`);
    return;
  }
  if (!rep || typeof rep !== 'object' || !rep.config || typeof rep.halo !== 'string') {
    showError(`${file.name}: not a halo report (no "halo" and "config" fields). Choose a report.json saved by halo.`);
    return;
  }
  hideError();
  applyConfig(rep.config);
  state.loadedReport = rep;
  const notes = [];
  for (const inp of rep.inputs || []) {
    const f = state.files[inp.role];
    if (!f) notes.push(`the report was made with ${inp.role} file "${inp.name}"; load it to reproduce the map`);
    else if ((await sha256(f.bytes)) !== inp.sha256) notes.push(`the loaded ${inp.role} file "${f.name}" differs from the report's "${inp.name}": the map will not be the same`);
  }
  progress('report', 1, `settings restored from ${file.name}` + (notes.length ? ' — ' + notes.join('; ') : ''));
  if (notes.some((n) => n.includes('differs'))) showError('Warning: ' + notes.join('; '));
}

async function sha256(bytes) {
  const h = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...h].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// onlyWindowsChanged tells whether cfg differs from the last result's run
// only in the CNN's windows, exact mode or sweep, with the same files: then
// detection alone is re-run with the trained CNN (no training).
function onlyWindowsChanged(cfg) {
  const last = state.lastRun;
  if (!last || !state.resultWorker || !cfg.cnn || last.files.some((f, i) => f !== state.files[['samples', 'deposits', 'targets'][i]])) return false;
  const strip = (c) => {
    const cnn = c.cnn ? { ...c.cnn } : null;
    if (cnn) for (const k of ['inner', 'outer', 'exact', 'sweep']) delete cnn[k];
    return canonical({ ...c, cnn });
  };
  return strip(cfg) === strip(last.cfg) && canonical(cfg.cnn) !== canonical(last.cfg.cnn);
}

// canonical is JSON with the keys of every object sorted: configs built in
// another order (a checkbox set before or after the windows) compare equal.
function canonical(v) {
  return JSON.stringify(v, (_, x) => (x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : x));
}

async function run() {
  if (!state.files.samples || state.running !== null) return;
  hideError();
  const cfgNow = config();
  if (onlyWindowsChanged(cfgNow)) {
    redetectRun(cfgNow);
    return;
  }
  const id = state.nextId++;
  state.running = id;
  $('run').disabled = true;
  $('cancel').disabled = false;
  $('log').replaceChildren();
  progress('start', 0, 'starting');
  const wk = takeWorker() || spawnWorker();
  state.runWorker = wk;
  try {
    await wk.ready;
  } catch (err) {
    finish();
    showError('The compute engine could not start: ' + err.message);
    return;
  }
  if (state.running !== id) return; // cancelled while starting
  state.pendingRun = { cfg: cfgNow, files: [state.files.samples, state.files.deposits, state.files.targets] };
  const msg = { type: 'run', id, config: JSON.stringify(cfgNow), workers: workersParam() };
  const transfer = [];
  for (const role of ['samples', 'deposits', 'targets']) {
    const f = state.files[role];
    if (!f) continue;
    const copy = f.bytes.slice().buffer; // keep ours for the next run
    msg[role] = copy;
    msg[role + 'Name'] = f.name;
    transfer.push(copy);
  }
  wk.w.postMessage(msg, transfer);
}

// redetectRun asks the worker holding the last result to score its CNN with
// the new windows.
function redetectRun(cfg) {
  const id = state.nextId++;
  state.running = id;
  state.runWorker = state.resultWorker;
  state.pendingRun = { cfg, files: state.lastRun.files };
  $('run').disabled = true;
  $('cancel').disabled = false;
  $('log').replaceChildren();
  progress('detect', 0, 'new windows: re-running detection with the trained CNN (no training)');
  state.resultWorker.w.postMessage({ type: 'redetect', id, cnn: JSON.stringify(cfg.cnn), workers: workersParam() });
}

// simdParam is false when the page address has ?simd=0: the workers then
// multiply on the pure-Go kernel instead of the WebAssembly SIMD one (same
// numbers, slower; for measuring what SIMD gains).
function simdParam() {
  return new URLSearchParams(location.search).get('simd') !== '0';
}

// workersParam is the page address's ?workers=N: at most N workers for
// detection and scoring (0, absent or not a number: every core the browser
// reports, navigator.hardwareConcurrency; never more). Read at each run.
function workersParam() {
  const n = parseInt(new URLSearchParams(location.search).get('workers'), 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

function cancel() {
  if (state.running === null) return;
  const wk = state.runWorker;
  if (wk === state.resultWorker) {
    // A re-detection runs in the worker that holds the trained CNN and the
    // result's exports. Its detection runs on sub-workers while it waits,
    // so it takes a cancel message at once and keeps both; only if it has
    // not stopped within 2 s is it terminated, with them.
    const id = state.running;
    state.softCancel = { id, timer: setTimeout(() => hardCancelResult(id), 2000) };
    wk.w.postMessage({ type: 'cancel', id });
  } else {
    // A run: the worker may be deep in a loop; terminate it. The previous
    // result (and its worker, for exports) stays.
    wk.w.terminate();
  }
  finish();
  progress('cancelled', 0, 'cancelled; the previous result is kept');
}

// hardCancelResult terminates the result's worker when the re-detection id
// did not stop after a cancel message: the map on screen stays, its exports
// go.
function hardCancelResult(id) {
  if (!state.softCancel || state.softCancel.id !== id) return;
  state.softCancel = null;
  if (state.resultWorker) state.resultWorker.w.terminate();
  state.resultWorker = null;
  state.lastRun = null;
  $('downloads').hidden = true;
  listFiles();
}

function finish() {
  state.running = null;
  state.runWorker = null;
  if (!spare) spare = spawnWorker();
  $('cancel').disabled = true;
  listFiles();
}

// progress shows the stage, its fraction and, once a stage is under way, an
// estimate of the time it has left (from its own rate so far).
function progress(stage, fraction, message) {
  const now = performance.now();
  if (stage !== state.stageName) {
    state.stageName = stage;
    state.stageStart = now;
  }
  let eta = '';
  const elapsed = (now - state.stageStart) / 1000;
  if (fraction > 0.02 && fraction < 1 && elapsed > 1) {
    const left = Math.round(elapsed * (1 - fraction) / fraction);
    eta = left >= 90 ? ` — about ${Math.round(left / 60)} min left` : ` — about ${left} s left`;
  }
  $('bar').value = fraction;
  $('stage').textContent = stage === 'done' ? message : `${stage} (${Math.round(100 * fraction)}%): ${message}${eta}`;
  if (fraction >= 1 || stage === 'cancelled') {
    const li = document.createElement('li');
    li.textContent = message;
    $('log').append(li);
  }
}

// ---- map viewer (Ebiten, in an iframe) --------------------------------------
//
// Score grids go to the viewer once per result; moving a class slider or
// changing the colour mode only re-classifies there: nothing is recomputed.

const mapView = new MapView($('viewer'));
state.mapView = mapView;
mapView.onError = (e) => showError('Map viewer: ' + e.message);
mapView.onHover = (h) => {
  $('hover').textContent = !h.inside ? '' : `E ${Math.round(h.x)} m, N ${Math.round(h.y)} m, ${h.name}: ` +
    (h.score === null ? 'no data' : `score ${h.score.toPrecision(4)}, percentile ${h.percentile.toFixed(1)}`);
};

// readTops keeps the three class limits strictly increasing.
function readTops() {
  const t = ['top1', 'top2', 'top3'].map((id) => Number($(id).value));
  t[1] = Math.max(t[1], t[0] + 1);
  t[2] = Math.min(100, Math.max(t[2], t[1] + 1));
  ['top1', 'top2', 'top3'].forEach((id, k) => { $(id).value = t[k]; $(id + '-v').textContent = t[k]; });
  return t;
}

function showMaps() {
  if (!state.result) return;
  state.mapUpdate = mapView.show(state.selected, Number($('compare-b').value), $('compare-how').value);
}

for (const id of ['top1', 'top2', 'top3']) {
  $(id).addEventListener('input', () => { state.mapUpdate = mapView.setClasses(readTops()); });
}
$('map-mode').addEventListener('change', (e) => { state.mapUpdate = mapView.setMode(e.target.value); });
$('compare-b').addEventListener('change', showMaps);
$('compare-how').addEventListener('change', showMaps);

// ---- results --------------------------------------------------------------

function blobURL(bytes, type) {
  const u = URL.createObjectURL(new Blob([bytes], { type }));
  state.urls.push(u);
  return u;
}

function showResult(m) {
  for (const u of state.urls) URL.revokeObjectURL(u);
  state.urls = [];
  m.reportJSON = JSON.parse(m.report);
  state.result = m;
  state.selected = 0;
  const tabs = $('tabs');
  tabs.replaceChildren();
  m.methods.forEach((meth, i) => {
    meth.mapURL = blobURL(meth.map, 'image/png');
    meth.histURL = blobURL(meth.hist, 'image/png');
    if (meth.pa) meth.paURL = blobURL(meth.pa, 'image/png');
    const b = document.createElement('button');
    b.type = 'button';
    b.role = 'tab';
    b.textContent = meth.name;
    b.onclick = () => selectMethod(i);
    tabs.append(b);
  });
  const tbody = $('table').querySelector('tbody');
  tbody.replaceChildren();
  const f = (x) => (x === undefined || x === null ? '–' : x.toFixed(3));
  const pct = (x) => (x === undefined ? '–' : Math.round(100 * x) + '%');
  for (const r of m.reportJSON.methods) {
    const tr = document.createElement('tr');
    const cap = r.capture || {};
    for (const v of [r.name, f(r.auc), f(r.auc_labelled), pct(cap['5']), pct(cap['15']), pct(cap['30']), r.pa ? pct(r.pa.prediction_rate) : '–', r.seconds.toFixed(2)]) {
      const td = document.createElement('td');
      td.textContent = v;
      tr.append(td);
    }
    tbody.append(tr);
  }
  $('table').hidden = false;
  for (const [id, bytes] of [['roc', m.roc], ['pa-all', m.paAll], ['losses', m.losses], ['windows-plot', m.sweep]]) {
    if (bytes) $(id).src = blobURL(bytes, 'image/png');
    $(id).hidden = !bytes;
  }
  state.mapUpdate = mapView.setLayers(m.geom, m.methods.map((x) => ({ name: x.name, score: x.score })),
    m.deposits || [], m.targets || [], { transfer: false });
  mapView.setClasses(readTops());
  const cmp = $('compare-b');
  cmp.replaceChildren(new Option('none', '-1'));
  m.methods.forEach((x, i) => cmp.append(new Option(x.name, String(i))));
  const dl = $('dl-report');
  dl.href = blobURL(new TextEncoder().encode(m.report), 'application/json');
  $('downloads').hidden = false;
  selectMethod(0);
  for (const r of m.reportJSON.methods) {
    if (!r.note) continue;
    const li = document.createElement('li');
    li.textContent = r.note;
    $('log').append(li);
  }
  const d = m.reportJSON.data;
  progress('done', 1, `done in ${m.reportJSON.seconds.toFixed(1)} s: ${d.samples} samples, ${d.elements.length} elements, ${d.cols} × ${d.rows} cells`);
}

function selectMethod(i) {
  const m = state.result.methods[i];
  state.selected = i;
  [...$('tabs').children].forEach((b, k) => b.setAttribute('aria-selected', String(k === i)));
  $('map').src = m.mapURL;
  $('map').hidden = false;
  showMaps();
  $('map-caption').textContent = `${m.name}: classes by cumulative area (top 5% red, 5–15% yellow, 15–30% blue)`;
  $('hist').src = m.histURL;
  $('hist').hidden = false;
  if (m.paURL) {
    $('pa').src = m.paURL;
    $('pa').hidden = false;
  } else {
    $('pa').hidden = true;
  }
}

// exportMap asks the worker for the selected method's map in a format.
function exportMap(format) {
  if (!state.result || state.running !== null) return;
  const id = state.nextId++;
  state.exporting = id;
  state.resultWorker.w.postMessage({ type: 'export', id, method: state.selected, format });
}

function save(name, bytes, mime) {
  const a = document.createElement('a');
  a.href = blobURL(bytes, mime);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  state.saved = (state.saved || []).concat([{ name, size: bytes.length }]);
}

function showError(text) {
  const e = $('error');
  e.textContent = text;
  e.hidden = false;
}

function hideError() {
  $('error').hidden = true;
}

// ---- start ----------------------------------------------------------------

wireFiles();
$('windows').addEventListener('change', () => {
  const v = $('windows').value;
  if (v === 'custom') return;
  const [inner, outer] = v.split(',');
  $('inner').value = inner;
  $('outer').value = outer;
});
for (const id of ['inner', 'outer']) $(id).addEventListener('input', () => {
  const w = `${$('inner').value},${$('outer').value}`;
  $('windows').value = [...$('windows').options].some((o) => o.value === w) ? w : 'custom';
});
$('run').addEventListener('click', run);
$('cancel').addEventListener('click', cancel);
spare.ready.then(() => {
  $('stage').textContent = 'Ready. Drop a samples CSV or load the demo.';
}, (err) => showError('The compute engine could not start: ' + err.message));
