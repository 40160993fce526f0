// The script each helper thread runs, as a string so it ships inside the bundle (no separate file
// to resolve in Node, bundlers or browsers). It instantiates the same kernels on the shared
// memory, then sleeps on its control word until the main thread posts a job.
//
// Control block of one thread (Int32 words; f64 arguments from byte 16):
//   [0] state: 0 idle, 1 job posted, 2 done, 3 exit, 4 failed   [1] ready flag
//   [2] kernel index                                              [3] argument count
export const WORKER_SOURCE = `
'use strict';
function start(message) {
  const { module, memory, control, names } = message;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const kernels = names.map((name) => instance.exports[name]);
  const words = new Int32Array(memory.buffer, control, 4);
  const args = new Float64Array(memory.buffer, control + 16, 28);
  Atomics.store(words, 1, 1);
  Atomics.notify(words, 1);
  for (;;) {
    const state = Atomics.load(words, 0);
    if (state === 3) return;
    if (state !== 1) {
      // Spin briefly first: the next job usually follows within microseconds.
      let spins = 4000;
      while (spins-- > 0 && Atomics.load(words, 0) === state) {}
      if (Atomics.load(words, 0) === state) Atomics.wait(words, 0, state);
      continue;
    }
    const list = [];
    for (let i = 0; i < words[3]; i++) list.push(args[i]);
    try {
      kernels[words[2]](...list);
      Atomics.store(words, 0, 2);
    } catch {
      Atomics.store(words, 0, 4);
    }
    Atomics.notify(words, 0);
  }
}
if (typeof require === 'function') {
  require('node:worker_threads').parentPort.once('message', start);
} else {
  self.onmessage = (event) => start(event.data);
}
`;
