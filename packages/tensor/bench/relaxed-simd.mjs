// The plain against the relaxed-SIMD kernel build in one process: matmul 1024³ (A·B; conv and its
// gradients run the same GEMM), on 1 and on 2 threads. The builds alternate run by run (which goes
// first alternates too), so that load on a shared machine falls on both alike. Medians of the
// runs, with their ranges, and on one thread the median over the process's CPU time too.
// Relaxed SIMD needs Node ≥ 22, or Node 20 with a flag: `pnpm --filter @lacuna/tensor
// bench:relaxed` (node --experimental-wasm-relaxed-simd bench/relaxed-simd.mjs).
import { createWasmBackend, Generator, uniform } from '../dist/index.js';

const RUNS = Number(process.env.RUNS ?? 11);
if (createWasmBackend({ threads: 1 }).simd !== 'relaxed') {
  console.log('relaxed SIMD is not available here: run with node --experimental-wasm-relaxed-simd');
  process.exit(1);
}

/**
 * Alternated timings of `work` on each backend, sorted, in ms: wall-clock, and the process's CPU
 * time (on one thread that leaves out the time the loaded machine gave to other processes).
 */
function alternate(backends, work) {
  for (const be of backends) for (let i = 0; i < 2; i++) work(be); // warm-up
  const wall = backends.map(() => []);
  const cpu = backends.map(() => []);
  for (let run = 0; run < RUNS; run++) {
    const order = run % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      work(backends[i]);
      wall[i].push(performance.now() - t0);
      const { user, system } = process.cpuUsage(c0);
      cpu[i].push((user + system) / 1000);
    }
  }
  const sorted = (t) => t.sort((x, y) => x - y);
  return backends.map((_, i) => ({ wall: sorted(wall[i]), cpu: sorted(cpu[i]) }));
}

const g = new Generator(0);
const n = 1024;
const a = uniform([n, n], { generator: g }).storage;
const b = uniform([n, n], { generator: g }).storage;
const c = new Float32Array(n * n);
const p = { batch: 1, m: n, n, k: n, transA: false, transB: false };
const flops = 2 * n ** 3;
const rate = (ms) => (flops / (ms / 1000) / 1e9).toFixed(1);
const median = (t) => rate(t[Math.floor(t.length / 2)]);

console.log(`matmul ${n}³, GFLOP/s: median of ${RUNS} alternated runs (range)`);
for (const threads of [1, 2]) {
  const backends = [
    createWasmBackend({ threads, simd: 'plain' }),
    createWasmBackend({ threads, simd: 'relaxed' }),
  ];
  await Promise.all(backends.map((be) => be.whenReady()));
  const cells = alternate(backends, (be) => be.matmul(a, b, c, p)).map(({ wall, cpu }, i) => {
    const onCpu = threads === 1 ? `; ${median(cpu)} per CPU second` : '';
    return `${backends[i].name} ${median(wall)} (${rate(wall.at(-1))}–${rate(wall[0])}${onCpu})`;
  });
  console.log(`  ${cells.join(' | ')}`);
  for (const be of backends) be.dispose();
}
