// The compute web worker: runs the Go pipeline (build/worker.wasm). The page
// compiles the module once and posts it here with {type: "init", module}.
// The module is kept in self.haloModule: the worker passes it on to the
// sub-workers it starts for parallel detection (the same script).
// self.haloMemory, the module's memory, is set before the Go program starts:
// core/nn/blas32 instantiates its WebAssembly SIMD kernel on it, unless the
// init message says simd: false (self.haloNoSIMD).
importScripts('../build/wasm_exec.js');

let queue = [];

self.onmessage = async (e) => {
  const m = e.data;
  if (m.type === 'init') {
    try {
      self.haloModule = m.module;
      if (m.simd === false) self.haloNoSIMD = true;
      const go = new Go();
      const inst = await WebAssembly.instantiate(m.module, go.importObject);
      self.haloMemory = inst.exports.mem; // its size is reported with results (peak memory)
      go.run(inst).then(() => self.postMessage({ type: 'fatal', message: 'the compute engine stopped' }));
      const q = queue;
      queue = null;
      for (const x of q) self.haloHandle(x);
    } catch (err) {
      self.postMessage({ type: 'fatal', message: String(err) });
    }
    return;
  }
  if (queue) queue.push(m);
  else {
    try {
      self.haloHandle(m);
    } catch (err) { // the Go program has stopped: say so rather than drop the message
      self.postMessage({ type: 'fatal', id: m.id, message: String(err) });
    }
  }
};
