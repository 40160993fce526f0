// Benchmark of the reference backend's headline kernels, single-threaded: matmul 1024³ in every
// transpose combination, and dropout on 1M float32 elements (the fused kernel alone, and the op
// with its output allocation). Medians with run counts; `pnpm --filter @lacuna/tensor bench`.
import { dropout, Generator, matmul, referenceBackend, uniform } from '../dist/index.js';

function median(fn, runs, warmup = 2) {
  for (let i = 0; i < warmup; i++) fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(runs / 2)], min: times[0], max: times[runs - 1], runs };
}

const g = new Generator(0);
const n = 1024;
const a = uniform([n, n], { generator: g });
const b = uniform([n, n], { generator: g });
console.log(`matmul ${n}³, reference backend, single thread`);
for (const [transA, transB] of [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
]) {
  const t = median(() => matmul(a, b, { transA, transB }), 5, 1);
  console.log(
    `  ${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'}: ${((2 * n ** 3) / (t.median / 1000) / 1e9).toFixed(2)} GFLOP/s (median of ${t.runs}, ${t.min.toFixed(0)}–${t.max.toFixed(0)} ms)`,
  );
}
const x = uniform([1 << 20], { generator: g });
const out = new Float32Array(1 << 20);
const kernel = median(() => referenceBackend.dropout(x.storage, 8388608, 2, g.nextKey(), out), 21);
const op = median(() => dropout(x, { p: 0.5, training: true, generator: g }), 21);
console.log(
  `dropout p=0.5 on 1M float32: kernel ${kernel.median.toFixed(2)} ms, op with output allocation ${op.median.toFixed(2)} ms (medians of 21)`,
);
