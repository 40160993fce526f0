import * as block from './control-block.js';

// The script each helper thread runs, as a string so it ships inside the bundle (no separate file
// to resolve in Node, bundlers or browsers). It instantiates the same kernels on the shared
// memory, then sleeps on its control word until the main thread posts a job. The control block's
// words and states (control-block.ts) are interpolated, so the helper and the host share them.
/** @internal */
export const WORKER_SOURCE = `
'use strict';
function start(message) {
  const { module, memory, control, names } = message;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const kernels = names.map((name) => instance.exports[name]);
  const words = new Int32Array(memory.buffer, control, ${block.WORDS});
  const args = new Float64Array(memory.buffer, control + ${block.ARGS_OFFSET}, ${block.MAX_ARGS});
  Atomics.store(words, ${block.READY}, 1);
  Atomics.notify(words, ${block.READY});
  for (;;) {
    const state = Atomics.load(words, ${block.STATE});
    if (state === ${block.EXIT}) return;
    if (state !== ${block.POSTED}) {
      // Spin briefly first: the next job usually follows within microseconds.
      let spins = 4000;
      while (spins-- > 0 && Atomics.load(words, ${block.STATE}) === state) {}
      if (Atomics.load(words, ${block.STATE}) === state) Atomics.wait(words, ${block.STATE}, state);
      continue;
    }
    const list = [];
    for (let i = 0; i < words[${block.ARG_COUNT}]; i++) list.push(args[i]);
    try {
      kernels[words[${block.KERNEL}]](...list);
      Atomics.store(words, ${block.STATE}, ${block.DONE});
    } catch {
      Atomics.store(words, ${block.STATE}, ${block.FAILED});
    }
    Atomics.notify(words, ${block.STATE});
  }
}
if (typeof require === 'function') {
  require('node:worker_threads').parentPort.once('message', start);
} else {
  self.onmessage = (event) => start(event.data);
}
`;
