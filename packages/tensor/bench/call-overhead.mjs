// Per-call cost of the wasm backend's kernels on tiny operands, where staging, dispatch and the
// copy-out dominate rather than the arithmetic (the 1M-element rows of kernels.mjs cannot show
// it). Median of 7 timings of 50,000 calls each, one thread.
// `pnpm --filter @lacuna/tensor build && node packages/tensor/bench/call-overhead.mjs`.
import { createWasmBackend } from '../dist/index.js';

const backend = createWasmBackend({ threads: 1 });
const n = 64;
const a = new Float32Array(n).fill(1.5);
const b = new Float32Array(n).fill(2);
const out = new Float32Array(n);
const key = { hi: 1, lo: 2 };
const calls = {
  binary: () => backend.binary('add', a, b, out, { aShape: [n], bShape: [n], outShape: [n] }),
  unary: () => backend.unary('relu', a, out),
  dropout: () => backend.dropout(a, out, { keepThreshold: 1 << 23, scale: 2, key }),
  matmul: () =>
    backend.matmul(a, b, out, { batch: 1, m: 8, n: 8, k: 8, transA: false, transB: false }),
  reduce: () => backend.reduce('sum', a, [8, 8], [1], out.subarray(0, 8)),
};
const cells = [];
for (const [name, call] of Object.entries(calls)) {
  for (let i = 0; i < 20_000; i++) call(); // warm up the JIT
  const perCall = [];
  for (let run = 0; run < 7; run++) {
    const start = performance.now();
    for (let i = 0; i < 50_000; i++) call();
    perCall.push(((performance.now() - start) / 50_000) * 1000);
  }
  perCall.sort((x, y) => x - y);
  cells.push(`${name} ${perCall[3].toFixed(2)} µs`);
}
console.log(`wasm-simd, ${n} float32 elements per call: ${cells.join(' | ')}`);
backend.dispose();
