// halo page: controls, files, the compute worker and the results. Every
// user-provided string is put in the page as text (textContent), never HTML.

const $ = (id) => document.getElementById(id);

const state = {
  files: { samples: null, deposits: null, targets: null }, // {name, bytes: Uint8Array}
  result: null, // last successful result message
  running: null, // id of the run in progress
  nextId: 1,
  selected: 0,
  urls: [],
};
window.halo = state; // for tests and the curious

// ---- compute engine -------------------------------------------------------

const modulePromise = WebAssembly.compileStreaming(fetch('build/worker.wasm'));
let worker = null;
let ready = null;

function startWorker() {
  worker = new Worker('web/worker.js');
  ready = new Promise((resolve, reject) => {
    worker.onmessage = (e) => {
      if (e.data.type === 'ready') {
        worker.onmessage = onWorkerMessage;
        resolve();
      } else if (e.data.type === 'fatal') {
        reject(new Error(e.data.message));
      }
    };
    worker.onerror = (e) => reject(new Error(e.message || 'the compute worker failed to start'));
  });
  modulePromise.then((module) => worker.postMessage({ type: 'init', module }), (err) => showError('Could not load the compute engine: ' + err));
  return ready;
}

function onWorkerMessage(e) {
  const m = e.data;
  if (m.id !== undefined && m.id !== state.running) return; // a stale run
  switch (m.type) {
    case 'progress':
      progress(m.stage, m.fraction, m.message);
      break;
    case 'result':
      finish();
      showResult(m);
      break;
    case 'error':
      finish();
      showError(m.message);
      break;
    case 'fatal':
      finish();
      showError('The compute engine stopped: ' + m.message + '. Your previous result is kept; press Run to try again.');
      startWorker();
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
    span.textContent = `${f.name} (${(f.bytes.length / 1024).toFixed(0)} KB)`;
    const x = document.createElement('button');
    x.type = 'button';
    x.className = 'link';
    x.textContent = 'remove';
    x.setAttribute('aria-label', 'remove ' + role);
    x.onclick = () => setFile(role, null);
    li.append(b, span, ' ', x);
    ul.append(li);
  }
  $('run').disabled = !state.files.samples || state.running !== null;
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
}

async function loadDemo() {
  const get = async (url, name) => ({ name, bytes: new Uint8Array(await (await fetch(url)).arrayBuffer()) });
  state.files.samples = await get('assets/demo_samples.csv', 'demo_samples.csv');
  state.files.deposits = await get('assets/demo_deposits.csv', 'demo_deposits.csv');
  state.files.targets = null;
  listFiles();
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
  const els = $('elements').value.split(',').map((s) => s.trim()).filter(Boolean);
  if (els.length) cfg.elements = els;
  if (!state.files.deposits && !state.files.targets) cfg.methods = methods.filter((m) => m !== 'element:best');
  return cfg;
}

async function run() {
  if (!state.files.samples || state.running !== null) return;
  hideError();
  const id = state.nextId++;
  state.running = id;
  $('run').disabled = true;
  $('cancel').disabled = false;
  $('log').replaceChildren();
  progress('start', 0, 'starting');
  try {
    await ready;
  } catch (err) {
    finish();
    showError('The compute engine could not start: ' + err.message);
    return;
  }
  const msg = { type: 'run', id, config: JSON.stringify(config()) };
  const transfer = [];
  for (const role of ['samples', 'deposits', 'targets']) {
    const f = state.files[role];
    if (!f) continue;
    const copy = f.bytes.slice().buffer; // keep ours for the next run
    msg[role] = copy;
    msg[role + 'Name'] = f.name;
    transfer.push(copy);
  }
  worker.postMessage(msg, transfer);
}

function cancel() {
  if (state.running === null) return;
  // A hard cancel: the worker may be deep in a loop; terminate it and start a
  // fresh one. The previous result stays on screen.
  worker.terminate();
  finish();
  progress('cancelled', 0, 'cancelled; the previous result is kept');
  startWorker();
}

function finish() {
  state.running = null;
  $('cancel').disabled = true;
  listFiles();
}

function progress(stage, fraction, message) {
  $('bar').value = fraction;
  $('stage').textContent = `${stage}: ${message}`;
  if (fraction >= 1 || stage === 'cancelled') {
    const li = document.createElement('li');
    li.textContent = message;
    $('log').append(li);
  }
}

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
  if (m.roc) {
    $('roc').src = blobURL(m.roc, 'image/png');
    $('roc').hidden = false;
  } else {
    $('roc').hidden = true;
  }
  const dl = $('dl-report');
  dl.href = blobURL(new TextEncoder().encode(m.report), 'application/json');
  $('downloads').hidden = false;
  selectMethod(0);
  const d = m.reportJSON.data;
  progress('done', 1, `done in ${m.reportJSON.seconds.toFixed(1)} s: ${d.samples} samples, ${d.elements.length} elements, ${d.cols} × ${d.rows} cells`);
}

function selectMethod(i) {
  const m = state.result.methods[i];
  state.selected = i;
  [...$('tabs').children].forEach((b, k) => b.setAttribute('aria-selected', String(k === i)));
  $('map').src = m.mapURL;
  $('map').hidden = false;
  $('map-caption').textContent = `${m.name}: classes by cumulative area (top 5% red, 5–15% yellow, 15–30% blue)`;
  if (m.paURL) {
    $('pa').src = m.paURL;
    $('pa').hidden = false;
  } else {
    $('pa').hidden = true;
  }
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
$('run').addEventListener('click', run);
$('cancel').addEventListener('click', cancel);
startWorker().then(() => {
  $('stage').textContent = 'Ready. Drop a samples CSV or load the demo.';
}, (err) => showError('The compute engine could not start: ' + err.message));
