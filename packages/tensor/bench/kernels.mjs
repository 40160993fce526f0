// Kernel benchmark: the reference backend against the WebAssembly SIMD backend on one and on two
// threads, in one process: matmul 1024³ in every transpose combination; dropout, uniform, normal,
// broadcast add and relu on 1M float32 elements; a 3×3 convolution layer and its gradients; 2×2
// pooling. Kernels write into preallocated outputs, so the figures exclude allocating them; the
// last row (the dropout op) includes it. Medians with run counts and ranges.
// `pnpm --filter @lacuna/tensor bench`.
import {
  createWasmBackend,
  dropout,
  Generator,
  referenceBackend,
  setBackend,
  uniform,
} from '../dist/index.js';

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

const fmt = (t) =>
  `${t.median.toFixed(2)} ms (median of ${t.runs}, ${t.min.toFixed(2)}–${t.max.toFixed(2)})`;
const wasm1 = createWasmBackend({ threads: 1 });
const wasm2 = createWasmBackend({ threads: 2 });
await wasm2.whenReady();
const backends = [referenceBackend, wasm1, wasm2];

const g = new Generator(0);
const n = 1024;
const a = uniform([n, n], { generator: g }).storage;
const b = uniform([n, n], { generator: g }).storage;
const c = new Float32Array(n * n);
console.log(`matmul ${n}³ (GFLOP/s)`);
for (const [transA, transB] of [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
]) {
  const p = { batch: 1, m: n, n, k: n, transA, transB };
  const cells = backends.map((backend) => {
    const t = median(() => backend.matmul(a, b, c, p), backend === referenceBackend ? 3 : 7, 1);
    return `${backend.name} ${((2 * n ** 3) / (t.median / 1000) / 1e9).toFixed(1)} (${t.runs} runs)`;
  });
  console.log(`  ${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'}: ${cells.join(' | ')}`);
}

const size = 1 << 20;
const x = uniform([size], { generator: g }).storage;
const bias = uniform([1024], { generator: g }).storage;
const out = new Float32Array(size);
const key = g.nextKey();
const kernels = {
  'dropout p=0.5': (be) => be.dropout(x, out, { keepThreshold: 8388608, scale: 2, key }),
  uniform: (be) => be.uniform(key, out),
  normal: (be) => be.normal(key, out),
  'add bias [1024,1024]+[1024]': (be) =>
    be.binary('add', x, bias, out, {
      aShape: [1024, 1024],
      bShape: [1024],
      outShape: [1024, 1024],
    }),
  relu: (be) => be.unary('relu', x, out),
};
console.log('1M float32 elements, kernel into a preallocated output');
for (const [name, run] of Object.entries(kernels)) {
  console.log(
    `  ${name}: ${backends.map((be) => `${be.name} ${fmt(median(() => run(be), 21))}`).join(' | ')}`,
  );
}
// A 3×3 convolution layer, [32, 16, 32, 32] → 32 filters, padding 1: forward and both gradients.
const conv = {
  groups: 1,
  outChannels: 32,
  geometry: {
    batch: 32,
    channels: 16,
    inH: 32,
    inW: 32,
    kH: 3,
    kW: 3,
    stride: [1, 1],
    padding: [1, 1],
    dilation: [1, 1],
    outH: 32,
    outW: 32,
  },
};
const image = uniform([32 * 16 * 32 * 32], { generator: g }).storage;
const filters = uniform([32 * 16 * 9], { generator: g }).storage;
const dy = uniform([32 * 32 * 32 * 32], { generator: g }).storage;
const convOut = new Float32Array(dy.length);
const convDx = new Float32Array(image.length);
const convDw = new Float32Array(filters.length);
console.log('conv2d 3×3 [32,16,32,32]→32, padding 1 (0.30 GFLOP each)');
for (const [name, run] of [
  ['forward', (be) => be.conv2d(image, filters, conv, convOut)],
  ['input gradient', (be) => be.conv2dBackwardInput(dy, filters, conv, convDx)],
  ['weight gradient', (be) => be.conv2dBackwardWeight(image, dy, conv, convDw)],
]) {
  console.log(
    `  ${name}: ${backends.map((be) => `${be.name} ${fmt(median(() => run(be), be === referenceBackend ? 3 : 9, 1))}`).join(' | ')}`,
  );
}
// 2×2 pooling, stride 2, of [32, 32, 32, 32].
const pool = {
  batch: 32,
  channels: 32,
  inH: 32,
  inW: 32,
  kH: 2,
  kW: 2,
  stride: [2, 2],
  padding: [0, 0],
  dilation: [1, 1],
  outH: 16,
  outW: 16,
};
const pooled = new Float32Array(32 * 32 * 256);
const argmax = new Int32Array(pooled.length);
const poolDx = new Float32Array(image.length * 2);
const poolX = uniform([32 * 32 * 1024], { generator: g }).storage;
console.log('pooling 2×2 stride 2 of [32,32,32,32]');
for (const [name, run] of [
  ['max', (be) => be.maxPool2d(poolX, pool, pooled, argmax)],
  ['average', (be) => be.avgPool2d(poolX, pool, pooled)],
  ['average gradient', (be) => be.avgPool2dBackward(pooled, pool, poolDx)],
]) {
  console.log(
    `  ${name}: ${backends.map((be) => `${be.name} ${fmt(median(() => run(be), 9, 1))}`).join(' | ')}`,
  );
}
const xt = uniform([size], { generator: g });
const ops = backends.map((be) => {
  setBackend(be);
  return `${be.name} ${fmt(median(() => dropout(xt, { p: 0.5, training: true, generator: g }), 21))}`;
});
console.log(`dropout op (allocates its output): ${ops.join(' | ')}`);
wasm1.dispose();
wasm2.dispose();
