import {
  ARG_COUNT,
  ARGS_OFFSET,
  DONE,
  EXIT,
  FAILED,
  KERNEL,
  MAX_ARGS,
  POSTED,
  READY,
  STATE,
  WORDS,
} from './control-block.js';

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
  const words = new Int32Array(memory.buffer, control, ${WORDS});
  const args = new Float64Array(memory.buffer, control + ${ARGS_OFFSET}, ${MAX_ARGS});
  Atomics.store(words, ${READY}, 1);
  Atomics.notify(words, ${READY});
  for (;;) {
    const state = Atomics.load(words, ${STATE});
    if (state === ${EXIT}) return;
    if (state !== ${POSTED}) {
      // Spin briefly first: the next job usually follows within microseconds.
      let spins = 4000;
      while (spins-- > 0 && Atomics.load(words, ${STATE}) === state) {}
      if (Atomics.load(words, ${STATE}) === state) Atomics.wait(words, ${STATE}, state);
      continue;
    }
    const list = [];
    for (let i = 0; i < words[${ARG_COUNT}]; i++) list.push(args[i]);
    try {
      kernels[words[${KERNEL}]](...list);
      Atomics.store(words, ${STATE}, ${DONE});
    } catch {
      Atomics.store(words, ${STATE}, ${FAILED});
    }
    Atomics.notify(words, ${STATE});
  }
}
if (typeof require === 'function') {
  require('node:worker_threads').parentPort.once('message', start);
} else {
  self.onmessage = (event) => start(event.data);
}
`;
